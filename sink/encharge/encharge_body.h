// EnchargeBody: the translation of one core::Record (an item in Instasent's
// shape, as the mapping renders it) into the JSON bodies Encharge's Ingest API
// takes, one POST each, in order. Pure; see sink/encharge/README.md for the table.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model/record.h"
#include "core/model/result.h"

namespace cdc::sink {

struct EnchargeBodyOptions {
  // Event name sent for a contact delete (Encharge has no delete); empty =
  // the delete is skipped (no body).
  std::string delete_event;
};

// Encharge's name for a contact attribute: `_email` → `email`, `_first_name` →
// `firstName`, `_last_name` → `lastName`, `_phone_mobile` → `phone`, ...; any
// other name (custom attributes, other reserved names) is kept as it is.
std::string EnchargeFieldName(std::string_view attribute);

// The bodies for `record`, in sending order:
// - contact upsert → identify; preceded by an alias when the user id changed
//   (record.previous_user_id);
// - event → {"name":type,"user":{"userId",...user data},"properties":{...},
//   "timestamp"?}; the properties carry `eventId` (Encharge has no
//   de-duplication key, so a resend can be told apart downstream);
// - contact delete → nothing, or the `delete_event`; nothing for the delete
//   half of a user-id change (record.renamed: the alias carries it).
// A record whose JSON is already an Encharge body (a dead letter of this sink
// being replayed: a `user` and no `_user_id`) is sent as it is.
// kBadData when the record's JSON is not an object of the expected shape.
core::Result<std::vector<std::string>> EnchargeBodies(const core::Record& record,
                                                      const EnchargeBodyOptions& options);

}  // namespace cdc::sink
