// PostgreSQL text output → core::Value, per type OID, following DESIGN.md
// "Value forms". The text must come from a session with DateStyle=ISO,
// IntervalStyle=postgres and (preferably) TimeZone=UTC; timestamptz with any
// offset is normalised to UTC. Used by the stream (pgoutput text tuples) and by
// the snapshot (COPY text, after unescaping). Pure functions; TypeResolver is
// filled once by the source and then only read (safe to share read-only).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/model/result.h"
#include "core/model/value.h"

namespace cdc::pg {

// Built-in type OIDs (pg_type.dat); stable across server versions.
namespace oid {
inline constexpr uint32_t kBool = 16;
inline constexpr uint32_t kBytea = 17;
inline constexpr uint32_t kChar = 18;
inline constexpr uint32_t kName = 19;
inline constexpr uint32_t kInt8 = 20;
inline constexpr uint32_t kInt2 = 21;
inline constexpr uint32_t kInt4 = 23;
inline constexpr uint32_t kText = 25;
inline constexpr uint32_t kOid = 26;
inline constexpr uint32_t kXid = 28;
inline constexpr uint32_t kJson = 114;
inline constexpr uint32_t kXml = 142;
inline constexpr uint32_t kFloat4 = 700;
inline constexpr uint32_t kFloat8 = 701;
inline constexpr uint32_t kMoney = 790;
inline constexpr uint32_t kBpchar = 1042;
inline constexpr uint32_t kVarchar = 1043;
inline constexpr uint32_t kDate = 1082;
inline constexpr uint32_t kTime = 1083;
inline constexpr uint32_t kTimestamp = 1114;
inline constexpr uint32_t kTimestampTz = 1184;
inline constexpr uint32_t kInterval = 1186;
inline constexpr uint32_t kTimeTz = 1266;
inline constexpr uint32_t kBit = 1560;
inline constexpr uint32_t kVarbit = 1562;
inline constexpr uint32_t kNumeric = 1700;
inline constexpr uint32_t kUuid = 2950;
inline constexpr uint32_t kJsonb = 3802;
}  // namespace oid

// What the source learned about a non-builtin type from pg_type.
enum class UserTypeKind : uint8_t {
  kEnum,       // → kString (the label)
  kDomain,     // → converted as `base_oid`
  kArray,      // → kJson array of `base_oid` elements
  kComposite,  // → kString (the row text as the server prints it)
  kOther,      // → kString (citext, hstore, ranges, ...)
};

struct UserType {
  UserTypeKind kind = UserTypeKind::kOther;
  uint32_t base_oid = 0;  // domain: base type; array: element type
  std::string name;       // "schema.name" or "name", for TableSchema::types
};

class TypeResolver {
 public:
  void Register(uint32_t type_oid, UserType type) { types_[type_oid] = std::move(type); }
  // Records the name from a pgoutput Type message without overriding what the
  // source registered from pg_type (the message does not say the kind).
  void NoteName(uint32_t type_oid, std::string name);
  const UserType* Find(uint32_t type_oid) const;

 private:
  std::unordered_map<uint32_t, UserType> types_;
};

// Conversions that succeeded but lost information, for the source's metrics.
struct ConversionWarnings {
  uint64_t numeric_not_finite = 0;  // numeric NaN/±Infinity sent as null
};

// The Value of one non-NULL column given as text. Unknown OIDs become kString.
// Special cases: numeric 'NaN'/'Infinity' → Null (counted in `warnings`);
// float 'NaN'/'Infinity'/'-Infinity' → kDouble non-finite (the JSON writer
// renders null and counts it); date/timestamp 'infinity', '-infinity' and BC
// dates → kString as printed. Text the type cannot have fails with kBadData.
core::Result<core::Value> TextToValue(uint32_t type_oid, std::string_view text,
                                      const TypeResolver& types,
                                      ConversionWarnings* warnings = nullptr);

// Name of a type for messages and TableSchema::types: "int4", "varchar",
// "_int4", a registered user type's name, or "oid:12345".
std::string TypeName(uint32_t type_oid, const TypeResolver& types);

// Element type of a builtin array type (1007 → 23), or 0 if not a builtin array.
uint32_t BuiltinArrayElement(uint32_t type_oid);

}  // namespace cdc::pg
