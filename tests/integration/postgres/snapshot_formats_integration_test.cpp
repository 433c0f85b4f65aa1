// The snapshot reads a table as binary COPY when every column's type has a
// binary decoder: against a real server, both formats must give the same
// core::Value (kind and canonical text or number) for every supported type,
// edge values, NULLs, infinities, BC dates and offsets included.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "connectors/postgres/pg_types.h"
#include "connectors/postgres/snapshot.h"
#include "tests/integration/postgres/pg_test_base.h"

namespace cdc::pg::testing {
namespace {

struct Column {
  std::string name, sql_type;
  uint32_t type_oid;
  std::vector<std::string> literals;  // SQL literals, cycled over the rows
};

std::vector<Column> EveryBinaryType() {
  return {
      {"b", "bool", oid::kBool, {"true", "false"}},
      {"i2", "int2", oid::kInt2, {"-32768", "32767", "0"}},
      {"i4", "int4", oid::kInt4, {"-2147483648", "2147483647", "-1"}},
      {"i8", "int8", oid::kInt8, {"-9223372036854775808", "9223372036854775807", "123456789012345678"}},
      {"f4", "float4", oid::kFloat4,
       {"1.1", "'-0'", "'NaN'", "'Infinity'", "'-Infinity'", "3.4028235e38", "1e-45", "-123.456"}},
      {"f8", "float8", oid::kFloat8,
       {"0.1", "'-0'", "'NaN'", "'Infinity'", "'-Infinity'", "1.7976931348623157e308", "5e-324", "-1e-300"}},
      {"t", "text", oid::kText, {"E'tab\\there'", "E'back\\\\slash'", "''", "'Jos\u00e9 \u20ac'", "E'line\\nbreak'"}},
      {"vc", "varchar(12)", oid::kVarchar, {"'short'", "'\\N'"}},
      {"bp", "char(5)", oid::kBpchar, {"'ab'", "'abcde'"}},
      {"nm", "name", oid::kName, {"'pg_class'"}},
      {"js", "json", oid::kJson, {"'{\"a\": [1, 2],  \"b\" : null}'", "'[]'"}},
      {"jb", "jsonb", oid::kJsonb, {"'{\"b\": 1, \"a\": \"x\\u00e9\"}'", "'\"str\"'", "'12.50'"}},
      {"u", "uuid", oid::kUuid, {"'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "'00000000-0000-0000-0000-000000000000'"}},
      {"d", "date", oid::kDate,
       {"'2024-02-29'", "'0001-01-01'", "'0044-03-15 BC'", "'infinity'", "'-infinity'", "'5874897-12-31'",
        "'10000-01-01'", "'1999-12-31'", "'4713-01-01 BC'"}},
      {"ts", "timestamp", oid::kTimestamp,
       {"'2024-02-29 23:59:59.5'", "'1970-01-01 00:00:00'", "'1999-12-31 23:59:59.999999'",
        "'0001-01-01 00:00:00 BC'", "'infinity'", "'-infinity'", "'294276-12-31 23:59:59.999999'",
        "'10000-01-01 00:00:00.000001'", "'4713-01-01 00:00:00 BC'", "'2000-01-01 00:00:00.12'"}},
      {"tz", "timestamptz", oid::kTimestampTz,
       {"'2024-02-29 23:59:59.5+02'", "'1900-01-01 00:00:00+00'", "'0044-03-15 10:00:00+00 BC'", "'infinity'",
        "'-infinity'", "'2000-01-01 00:00:00.000001+00'", "'1999-12-31 23:59:59.999999-05:30'",
        "'0001-01-01 00:30:00+01'", "'294276-12-31 23:59:59.999999+00'", "'12345-06-07 08:09:10.11+00'"}},
  };
}

TableDescription Describe(const std::string& name, const std::vector<Column>& columns) {
  TableDescription table;
  table.schema = "public";
  table.name = name;
  table.exists = true;
  table.columns.push_back({"id", oid::kInt4, "integer", true});
  for (const auto& c : columns) table.columns.push_back({c.name, c.type_oid, c.sql_type, false});
  table.primary_key = {"id"};
  return table;
}

std::vector<core::RowChange> ReadAll(const std::string& dsn, const TableDescription& table, bool binary) {
  auto snapshot = Snapshot::Begin(dsn, "");
  EXPECT_TRUE(snapshot) << snapshot.error().Describe();
  if (!snapshot) return {};
  (*snapshot)->set_binary_copy(binary);
  EXPECT_EQ((*snapshot)->UsesBinaryCopy(table), binary);
  TypeResolver types;
  std::vector<core::RowChange> rows;
  auto st = (*snapshot)->ReadTable(
      table, Snapshot::SchemaFor(table, types, 1), types, core::Position{}, [&](core::RowChange&& change) {
        rows.push_back(std::move(change));
        return true;
      },
      [](const core::Error& e, const std::string&) {
        ADD_FAILURE() << "dead-lettered: " << e.Describe();
        return true;
      });
  EXPECT_TRUE(st) << st.error().Describe();
  EXPECT_TRUE((*snapshot)->Commit());
  return rows;
}

// Equal as the JSON writer would see them: same kind and text, same number
// (NaNs equal, and the sign of zero counts).
void ExpectSameValue(const core::Value& text, const core::Value& binary, const std::string& where) {
  ASSERT_EQ(core::ValueKindName(text.kind()), std::string(core::ValueKindName(binary.kind()))) << where;
  switch (text.kind()) {
    case core::ValueKind::kBool:
      EXPECT_EQ(text.as_bool(), binary.as_bool()) << where;
      break;
    case core::ValueKind::kInt:
      EXPECT_EQ(text.as_int(), binary.as_int()) << where;
      break;
    case core::ValueKind::kDouble:
      if (std::isnan(text.as_double())) {
        EXPECT_TRUE(std::isnan(binary.as_double())) << where;
      } else {
        EXPECT_EQ(text.as_double(), binary.as_double()) << where;
        EXPECT_EQ(std::signbit(text.as_double()), std::signbit(binary.as_double())) << where;
      }
      break;
    default:
      EXPECT_EQ(text.text(), binary.text()) << where;
  }
}

class SnapshotFormats : public PgTest {};

TEST_F(SnapshotFormats, BinaryCopyGivesTheSameValuesAsTextForEverySupportedType) {
  const auto columns = EveryBinaryType();
  std::string ddl = "CREATE TABLE every_type (id int PRIMARY KEY";
  size_t rows = 0;
  for (const auto& c : columns) {
    ddl += ", " + c.name + " " + c.sql_type;
    rows = std::max(rows, c.literals.size());
  }
  ddl += ");";
  for (size_t r = 0; r < rows; ++r) {
    ddl += "INSERT INTO every_type VALUES (" + std::to_string(r);
    for (const auto& c : columns) ddl += ", " + c.literals[r % c.literals.size()];
    ddl += ");";
  }
  ddl += "INSERT INTO every_type (id) VALUES (" + std::to_string(rows) + ");";  // every column NULL
  Sql(dsn_, ddl);

  const TableDescription table = Describe("every_type", columns);
  const auto text = ReadAll(dsn_, table, /*binary=*/false);
  const auto binary = ReadAll(dsn_, table, /*binary=*/true);
  ASSERT_EQ(text.size(), rows + 1);
  ASSERT_EQ(binary.size(), text.size());
  for (size_t r = 0; r < text.size(); ++r) {
    ASSERT_EQ(binary[r].after.size(), table.columns.size());
    for (size_t i = 0; i < table.columns.size(); ++i) {
      ExpectSameValue(text[r].after[i], binary[r].after[i],
                      "row " + std::to_string(r) + " column " + table.columns[i].name);
    }
  }
  // And both are the documented canonical forms, not merely equal.
  const auto at = [&](size_t row, const char* column) -> const core::Value& {
    for (size_t i = 0; i < table.columns.size(); ++i) {
      if (table.columns[i].name == column) return binary[row].after[i];
    }
    throw std::runtime_error("no column");
  };
  EXPECT_EQ(at(0, "tz").text(), "2024-02-29T21:59:59.5Z");
  EXPECT_EQ(at(6, "tz").text(), "2000-01-01T05:29:59.999999Z");
  EXPECT_EQ(at(2, "tz").text(), "0044-03-15 10:00:00+00 BC");
  EXPECT_EQ(at(2, "d").kind(), core::ValueKind::kString);
  EXPECT_EQ(at(2, "d").text(), "0044-03-15 BC");
  EXPECT_EQ(at(3, "d").text(), "infinity");
  EXPECT_EQ(at(0, "ts").text(), "2024-02-29T23:59:59.5");
  EXPECT_EQ(at(9, "ts").text(), "2000-01-01T00:00:00.12");
  EXPECT_EQ(at(0, "f4").as_double(), 1.1);
  EXPECT_EQ(at(0, "bp").text(), "ab   ");
  EXPECT_EQ(at(0, "u").text(), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  EXPECT_EQ(at(0, "jb").kind(), core::ValueKind::kJson);
  EXPECT_EQ(at(rows, "tz").kind(), core::ValueKind::kNull);
}

TEST_F(SnapshotFormats, TableWithATypeWithoutBinaryDecoderIsReadAsText) {
  Sql(dsn_, "CREATE TABLE with_numeric (id int PRIMARY KEY, amount numeric(10,2));"
            "INSERT INTO with_numeric VALUES (1, 12.50), (2, NULL)");
  TableDescription table;
  table.schema = "public";
  table.name = "with_numeric";
  table.columns = {{"id", oid::kInt4, "integer", true}, {"amount", oid::kNumeric, "numeric", false}};
  table.primary_key = {"id"};
  auto snapshot = Snapshot::Begin(dsn_, "");
  ASSERT_TRUE(snapshot);
  EXPECT_FALSE((*snapshot)->UsesBinaryCopy(table));
  TypeResolver types;
  std::vector<core::RowChange> rows;
  ASSERT_TRUE((*snapshot)->ReadTable(
      table, Snapshot::SchemaFor(table, types, 1), types, core::Position{},
      [&](core::RowChange&& c) {
        rows.push_back(std::move(c));
        return true;
      },
      [](const core::Error&, const std::string&) { return true; }));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].after[1].kind(), core::ValueKind::kDecimal);
  EXPECT_EQ(rows[0].after[1].text(), "12.50");
  EXPECT_TRUE(rows[1].after[1].is_null());
}

TEST_F(SnapshotFormats, EmptyTableInBinaryGivesNoRows) {
  Sql(dsn_, "CREATE TABLE empty_one (id int PRIMARY KEY, t text)");
  TableDescription table;
  table.schema = "public";
  table.name = "empty_one";
  table.columns = {{"id", oid::kInt4, "integer", true}, {"t", oid::kText, "text", false}};
  EXPECT_TRUE(ReadAll(dsn_, table, /*binary=*/true).empty());
}

}  // namespace
}  // namespace cdc::pg::testing
