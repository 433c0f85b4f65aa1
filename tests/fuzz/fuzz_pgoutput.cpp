// pgoutput decoder + relation cache + change builder over framed messages.
#include <string>
#include <variant>

#include "connectors/postgres/change_builder.h"
#include "connectors/postgres/pgoutput_decoder.h"
#include "connectors/postgres/relation_cache.h"
#include "tests/fuzz/fuzz_inputs.h"

namespace cdc::fuzz {

void FuzzPgoutput(const uint8_t* data, size_t size) {
  pg::PgoutputDecoder decoder;
  pg::RelationCache relations;
  pg::TypeResolver types;
  pg::ChangeBuilder builder(relations, types);
  pg::ChangeContext context;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  SplitFrames(input, [&](std::string_view payload) {
    auto message = decoder.Decode(payload);
    if (!message) return;
    (void)pg::MessageName(*message);
    if (auto* r = std::get_if<pg::RelationMessage>(&*message)) {
      relations.Apply(*r, types);
    } else if (auto* t = std::get_if<pg::TypeMessage>(&*message)) {
      types.NoteName(t->oid, std::string(t->name));
    } else if (auto* i = std::get_if<pg::InsertMessage>(&*message)) {
      (void)builder.Build(*i, context);
    } else if (auto* u = std::get_if<pg::UpdateMessage>(&*message)) {
      (void)builder.Build(*u, context);
    } else if (auto* d = std::get_if<pg::DeleteMessage>(&*message)) {
      (void)builder.Build(*d, context);
    }
  });
}

}  // namespace cdc::fuzz
