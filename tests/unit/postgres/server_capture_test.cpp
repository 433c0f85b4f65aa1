// Captures recorded here from PostgreSQL 15 by data/capture.sh (the shared
// fixtures have no Truncate, Origin, Message, Type-for-user-types, unchanged
// TOAST or subtransaction stream aborts): decoded and built into RowChanges,
// with the values the scenario's SQL wrote.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/postgres/change_builder.h"
#include "connectors/postgres/pgoutput_decoder.h"
#include "tests/unit/postgres/pg_fixtures.h"

namespace cdc::pg {
namespace {

using core::Value;
using V = std::vector<Value>;

std::vector<std::string> ReadCapture(const std::string& name) {
  const char* src = std::getenv("CDC_SOURCE_DIR");
  EXPECT_NE(src, nullptr);
  std::istringstream in(
      testing::ReadFile(std::string(src ? src : "") + "/tests/unit/postgres/data/" + name));
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(testing::HexDecode(line));
  }
  return out;
}

// Decodes a capture in order, keeping every message (and its bytes) alive.
struct Decoded {
  std::vector<std::string> bytes;
  std::vector<PgoutputMessage> messages;

  explicit Decoded(const std::string& name) : bytes(ReadCapture(name)) {
    PgoutputDecoder decoder;
    for (const auto& b : bytes) {
      auto m = decoder.Decode(b);
      EXPECT_TRUE(m) << name << " #" << messages.size() << ": " << m.error().message;
      if (!m) break;
      messages.push_back(*m);
    }
  }
  std::vector<std::string> Names() const {
    std::vector<std::string> out;
    for (const auto& m : messages) out.push_back(MessageName(m));
    return out;
  }
};

// OIDs as the capture's database assigned them; the source learns these from pg_type.
void RegisterZooTypes(TypeResolver& types) {
  types.Register(16385, {UserTypeKind::kEnum, 0, "public.mood"});
  types.Register(16384, {UserTypeKind::kArray, 16385, "public._mood"});
  types.Register(16392, {UserTypeKind::kDomain, oid::kInt4, "public.posint"});
  types.Register(16396, {UserTypeKind::kComposite, 0, "public.addr"});
}

class ZooCaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterZooTypes(types_);
    for (const auto& m : zoo_.messages) {
      if (auto* r = std::get_if<RelationMessage>(&m)) relations_.Apply(*r, types_);
      core::Result<core::RowChange> c = core::Fail(core::Error::Bug("-"));
      if (auto* i = std::get_if<InsertMessage>(&m)) c = builder_.Build(*i, {});
      if (auto* u = std::get_if<UpdateMessage>(&m)) c = builder_.Build(*u, {});
      if (auto* d = std::get_if<DeleteMessage>(&m)) c = builder_.Build(*d, {});
      if (c) {
        changes_.push_back(*c);
      } else if (c.error().message != "-") {
        ADD_FAILURE() << c.error().Describe();
      }
    }
  }

  Decoded zoo_{"zoo-v1.hex"};
  TypeResolver types_;
  RelationCache relations_;
  ChangeBuilder builder_{relations_, types_};
  std::vector<core::RowChange> changes_;
};

TEST_F(ZooCaptureTest, MessageSequenceHasTypesTruncateMessagesAndOrigin) {
  EXPECT_EQ(
      zoo_.Names(),
      (std::vector<std::string>{
          "Begin",  "Type",   "Type",    "Type",     "Type",    "Relation", "Insert",   "Commit",
          "Begin",  "Update", "Commit",  "Begin",    "Delete",  "Commit",   "Begin",    "Insert",
          "Commit", "Begin",  "Type",    "Type",     "Type",    "Type",     "Relation", "Truncate",
          "Commit", "Begin",  "Message", "Commit",   "Message", "Begin",    "Origin",   "Type",
          "Type",   "Type",   "Type",    "Relation", "Insert",  "Commit"}));
}

TEST_F(ZooCaptureTest, TypeMessagesNameUserTypesAndDomainsByTheirBaseType) {
  const auto& mood = std::get<TypeMessage>(zoo_.messages[1]);
  EXPECT_EQ(mood.oid, 16385u);
  EXPECT_EQ(mood.namespace_name, "public");
  EXPECT_EQ(mood.name, "mood");
  // pgoutput describes a domain by its base type (pg_catalog is sent as "").
  const auto& domain = std::get<TypeMessage>(zoo_.messages[3]);
  EXPECT_EQ(domain.oid, 16392u);
  EXPECT_EQ(domain.namespace_name, "");
  EXPECT_EQ(domain.name, "int4");
}

TEST_F(ZooCaptureTest, EveryValueFormConvertsExactly) {
  ASSERT_EQ(changes_.size(), 5u);
  const core::RowChange& c = changes_[0];
  EXPECT_EQ(c.table->QualifiedName(), "public.zoo");
  const std::map<std::string, Value> expected = {
      {"id", Value::Int(1)},
      {"b", Value::Bool(true)},
      {"i2", Value::Int(-32768)},
      {"i8", Value::Int(INT64_MAX)},
      {"n", Value::Decimal("123456789012345678901234567890.123456789")},
      {"t", Value::String("line1\nline2 \"q\" \\ \xc3\xa9")},
      {"c", Value::String("ab  ")},
      {"u", Value::String("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")},
      {"d", Value::Date("2024-02-29")},
      {"tm", Value::Time("23:59:59.999999")},
      {"ttz", Value::Time("08:30:00")},
      {"ts", Value::Timestamp("2026-01-15T10:30:00.5")},
      // Printed as "2026-01-15 07:00:00.25+05:30" by the Asia/Kolkata session.
      {"tstz", Value::TimestampTz("2026-01-15T01:30:00.25Z")},
      {"iv", Value::String("1 year 2 mons 3 days 04:05:06")},
      {"j", Value::Json(R"({"a": [1, 2.50]})")},
      {"jb", Value::Json(R"({"a": 1, "b": null})")},
      {"by", Value::Bytes(std::string("\x00\xff\x10", 3))},
      {"ai", Value::Json("[1,2,null]")},
      {"at", Value::Json(R"(["a","b c","say \"hi\"","back\\slash","NULL",null,""])")},
      {"an", Value::Json("[1.5,null,-2]")},
      {"a2", Value::Json("[[1,2],[3,null]]")},
      {"atz", Value::Json(R"(["2026-01-15T08:30:00Z","infinity"])")},
      {"m", Value::String("happy")},
      {"am", Value::Json(R"(["sad","ok"])")},
      {"dom", Value::Int(5)},
      {"co", Value::String(R"(("Main St",5))")},
      {"mo", Value::String("$12.34")},
  };
  for (const auto& [column, value] : expected) {
    int i = c.table->ColumnIndex(column);
    ASSERT_GE(i, 0) << column;
    EXPECT_EQ(c.after[i], value) << column << " got " << c.after[i].ToText();
  }
  for (const char* column : {"f4", "f8"}) {
    const Value& v = c.after[c.table->ColumnIndex(column)];
    EXPECT_EQ(v.kind(), core::ValueKind::kDouble) << column;
    EXPECT_FALSE(std::isfinite(v.as_double())) << column;
  }
  EXPECT_EQ(c.table->types[c.table->ColumnIndex("m")], "public.mood");
  EXPECT_EQ(c.table->types[c.table->ColumnIndex("tstz")], "timestamptz");
}

TEST_F(ZooCaptureTest, TheSessionOffsetReallyWasPrinted) {
  const auto& insert = std::get<InsertMessage>(zoo_.messages[6]);
  const int tstz = changes_[0].table->ColumnIndex("tstz");
  EXPECT_EQ(insert.new_tuple[tstz].data, "2026-01-15 07:00:00.25+05:30");
}

TEST_F(ZooCaptureTest, KeyChangeDeleteAndSpecialValues) {
  ASSERT_EQ(changes_.size(), 5u);
  const auto& update = changes_[1];
  EXPECT_EQ(update.op, core::Op::kUpdate);
  EXPECT_EQ(update.before[0], Value::Int(1));
  for (size_t i = 1; i < update.before.size(); ++i) EXPECT_TRUE(update.before[i].is_absent()) << i;
  EXPECT_EQ(update.after[0], Value::Int(2));

  const auto& del = changes_[2];
  EXPECT_EQ(del.op, core::Op::kDelete);
  EXPECT_EQ(del.before[0], Value::Int(2));
  EXPECT_TRUE(del.after.empty());

  const auto& special = changes_[3];
  const auto& t = *special.table;
  EXPECT_EQ(special.after[t.ColumnIndex("n")], Value::Null());
  EXPECT_EQ(special.after[t.ColumnIndex("d")], Value::String("infinity"));
  EXPECT_EQ(special.after[t.ColumnIndex("ts")], Value::String("-infinity"));
  // numeric NaN: in the array of the insert and of the key-change update's
  // new row, and here.
  EXPECT_EQ(builder_.warnings().numeric_not_finite, 3u);
}

TEST_F(ZooCaptureTest, TruncateMessagesAndOriginDecode) {
  const auto& truncate = std::get<TruncateMessage>(zoo_.messages[23]);
  EXPECT_FALSE(truncate.cascade());
  EXPECT_TRUE(truncate.restart_identity());
  EXPECT_EQ(truncate.relation_oids,
            std::vector<uint32_t>{std::get<RelationMessage>(zoo_.messages[22]).oid});

  const auto& audit = std::get<LogicalMessage>(zoo_.messages[26]);
  EXPECT_TRUE(audit.transactional());
  EXPECT_EQ(audit.prefix, "audit");
  EXPECT_EQ(audit.content, "hello");
  const auto& nontx = std::get<LogicalMessage>(zoo_.messages[28]);
  EXPECT_FALSE(nontx.transactional());
  EXPECT_EQ(nontx.prefix, "nontx");
  EXPECT_EQ(nontx.content, "bye");
  EXPECT_GT(nontx.lsn, audit.lsn);

  const auto& origin = std::get<OriginMessage>(zoo_.messages[30]);
  EXPECT_EQ(origin.name, "node_a");
  EXPECT_EQ(origin.commit_lsn, 0x1234u);
}

TEST(ToastCaptureTest, UnchangedToastIsAbsentAndFullIdentityCarriesIt) {
  Decoded toast("toast-v1.hex");
  TypeResolver types;
  RelationCache relations;
  ChangeBuilder builder(relations, types);
  std::vector<core::RowChange> changes;
  for (const auto& m : toast.messages) {
    if (auto* r = std::get_if<RelationMessage>(&m)) relations.Apply(*r, types);
    if (auto* i = std::get_if<InsertMessage>(&m)) changes.push_back(*builder.Build(*i, {}));
    if (auto* u = std::get_if<UpdateMessage>(&m)) changes.push_back(*builder.Build(*u, {}));
    if (auto* d = std::get_if<DeleteMessage>(&m)) changes.push_back(*builder.Build(*d, {}));
  }
  ASSERT_EQ(changes.size(), 4u);
  // body = md5('1') || md5('2') || ... || md5('300'): 9600 characters, stored out of line.
  const Value& body = changes[0].after[2];
  ASSERT_EQ(body.kind(), core::ValueKind::kString);
  EXPECT_EQ(body.text().size(), 9600u);
  EXPECT_EQ(body.text().substr(0, 32), "c4ca4238a0b923820dcc509a6f75849b");

  EXPECT_EQ(changes[1].after, (V{Value::Int(1), Value::String("b"), Value()}));
  EXPECT_TRUE(changes[1].before.empty());
  // REPLICA IDENTITY FULL: the old row has the value, the new row still omits it.
  EXPECT_EQ(changes[2].before, (V{Value::Int(1), Value::String("b"), body}));
  EXPECT_EQ(changes[2].after, (V{Value::Int(1), Value::String("c"), Value()}));
  EXPECT_EQ(changes[3].before, (V{Value::Int(1), Value::String("c"), body}));
}

// What a source must do with protocol 2: changes inside a stream carry the
// xid of the (sub)transaction that made them; StreamAbort(xid, subxid) drops
// that subtransaction (or everything when subxid == xid); StreamCommit
// releases what is left. Relation messages apply at once (they are not
// resent after the commit).
TEST(SubxactStreamCaptureTest, AbortedSubtransactionsAndTransactionsAreDiscardable) {
  Decoded stream("subxact-v2.hex");
  TypeResolver types;
  RelationCache relations;
  ChangeBuilder builder(relations, types);
  std::map<uint32_t, std::map<uint32_t, std::vector<core::RowChange>>> pending;  // top → sub → rows
  std::vector<core::RowChange> committed;
  std::vector<std::string> control;
  uint32_t top = 0;
  for (const auto& m : stream.messages) {
    if (auto* start = std::get_if<StreamStartMessage>(&m)) top = start->xid;
    if (auto* r = std::get_if<RelationMessage>(&m)) relations.Apply(*r, types);
    if (auto* i = std::get_if<InsertMessage>(&m)) {
      auto c = builder.Build(*i, {});
      ASSERT_TRUE(c);
      if (i->xid == 0) {
        committed.push_back(*c);  // a plain (non-streamed) transaction
      } else {
        pending[top][i->xid].push_back(*c);
      }
    }
    if (auto* abort = std::get_if<StreamAbortMessage>(&m)) {
      control.push_back("abort " + std::to_string(abort->xid) + "/" +
                        std::to_string(abort->subxid));
      if (abort->subxid == abort->xid) {
        pending.erase(abort->xid);
      } else {
        pending[abort->xid].erase(abort->subxid);
      }
    }
    if (auto* commit = std::get_if<StreamCommitMessage>(&m)) {
      control.push_back("commit " + std::to_string(commit->xid));
      for (auto& [sub, rows] : pending[commit->xid]) {
        committed.insert(committed.end(), rows.begin(), rows.end());
      }
      pending.erase(commit->xid);
    }
  }
  EXPECT_EQ(control, (std::vector<std::string>{"abort 744/745", "commit 744", "abort 747/747"}));
  EXPECT_TRUE(pending.empty());
  std::set<int64_t> ids;
  std::map<std::string, int> values;
  for (const auto& c : committed) {
    ids.insert(c.after[0].as_int());
    values[c.after[1].text()]++;
  }
  EXPECT_EQ(values, (std::map<std::string, int>{{"first", 600}, {"last", 1}, {"after", 1}}));
  EXPECT_EQ(ids.size(), 602u);
  EXPECT_EQ(*ids.begin(), 1);
  EXPECT_EQ(*ids.rbegin(), 9999);
  EXPECT_TRUE(ids.count(5000));
}

}  // namespace
}  // namespace cdc::pg
