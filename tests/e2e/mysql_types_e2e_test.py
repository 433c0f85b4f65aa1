"""Every MySQL/MariaDB column type the source supports, through the snapshot and
the binlog (insert and update), as the exact JSON values that reach the
emulator; and a MINIMAL row image update that leaves the other attributes alone."""

import base64
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, Emulator, mariadb, wait_for  # noqa: E402


def b64(data):
    return base64.b64encode(data).decode()


# A POINT(1 2) with SRID 0 as MySQL stores it: SRID (4 bytes LE), then WKB.
POINT_1_2 = bytes(4) + bytes([1, 1, 0, 0, 0]) + bytes.fromhex("000000000000f03f" "0000000000000040")
DECIMAL_65_30 = "12345678901234567890123456789012345.123456789012345678901234567891"

# column, type, SQL literal, JSON value expected at the API. `| string` keeps
# digits the emulator would round through a double. Attributes must be scalars:
# JSON documents travel as event parameters instead.
NON_SCALAR = {"c_json"}
TYPES = [
    ("c_tinyint", "TINYINT", "-128", -128),
    ("c_tinyint_u", "TINYINT UNSIGNED", "255", 255),
    ("c_smallint", "SMALLINT", "-32768", -32768),
    ("c_smallint_u", "SMALLINT UNSIGNED", "65535", 65535),
    ("c_mediumint", "MEDIUMINT", "-8388608", -8388608),
    ("c_mediumint_u", "MEDIUMINT UNSIGNED", "16777215", 16777215),
    ("c_int", "INT", "-2147483648", -2147483648),
    ("c_int_u", "INT UNSIGNED", "4294967295", 4294967295),
    ("c_bigint | string", "BIGINT", "-9223372036854775808", "-9223372036854775808"),
    ("c_bigint_u | string", "BIGINT UNSIGNED", "18446744073709551615", "18446744073709551615"),
    ("c_bigint_small", "BIGINT UNSIGNED", "42", 42),
    ("c_float", "FLOAT", "1.1", 1.1),
    ("c_double", "DOUBLE", "-2.25e10", -2.25e10),
    ("c_decimal | string", "DECIMAL(65,30)", DECIMAL_65_30, DECIMAL_65_30),
    ("c_decimal_neg | string", "DECIMAL(65,30)", "-0.000000000000000000000000000001",
     "-0.000000000000000000000000000001"),
    ("c_date", "DATE", "'2024-02-29'", "2024-02-29"),
    ("c_datetime", "DATETIME(6)", "'2024-01-02 03:04:05.123456'", "2024-01-02T03:04:05.123456"),
    ("c_timestamp", "TIMESTAMP(3) NULL", "'2024-01-02 03:04:05.678'", "2024-01-02T03:04:05.678Z"),
    ("c_time_neg", "TIME(6)", "'-12:34:56.789012'", "-12:34:56.789012"),
    ("c_time_long", "TIME(6)", "'100:00:00.5'", "100:00:00.500000"),
    ("c_year", "YEAR", "2024", 2024),
    ("c_char_mb4", "CHAR(8) CHARACTER SET utf8mb4", "'ok 😀'", "ok 😀"),
    ("c_varchar_mb4", "VARCHAR(40) CHARACTER SET utf8mb4", "'Zoë 👋 \"q\" \\\\ b'", "Zoë 👋 \"q\" \\ b"),
    ("c_text_mb4", "TEXT CHARACTER SET utf8mb4", "'🎉 fiesta'", "🎉 fiesta"),
    ("c_char_latin1", "CHAR(8) CHARACTER SET latin1", "'Ñandú'", "Ñandú"),
    ("c_varchar_latin1", "VARCHAR(40) CHARACTER SET latin1", "'café crème €'", "café crème €"),
    ("c_text_latin1", "TEXT CHARACTER SET latin1", "'àéîõü'", "àéîõü"),
    ("c_binary", "BINARY(4)", "x'0102'", b64(bytes([1, 2, 0, 0]))),
    ("c_varbinary", "VARBINARY(10)", "x'00ff10'", b64(bytes([0, 255, 16]))),
    ("c_blob", "BLOB", "x'deadbeef'", b64(bytes.fromhex("deadbeef"))),
    ("c_enum", "ENUM('small','medium','large')", "'medium'", "medium"),
    ("c_set", "SET('a','b','c')", "'a,c'", "a,c"),
    ("c_bit1", "BIT(1)", "b'1'", 1),
    ("c_bit12", "BIT(12)", "b'101010101010'", 2730),
    ("c_json", "JSON", "'{\"a\": [1, 2.5, \"x\"], \"b\": null}'", {"a": [1, 2.5, "x"], "b": None}),
    ("c_point", "POINT", "ST_PointFromText('POINT(1 2)')", b64(POINT_1_2)),
    ("c_geometry", "GEOMETRY", "ST_GeomFromText('POINT(1 2)')", b64(POINT_1_2)),
]
NULLS = [(f"n_{i}", t.replace(" NULL", "")) for i, (_, t, _, _) in enumerate(TYPES)]


def column(spec):
    return spec.split(" |")[0]


def attribute_yaml():
    lines = [f"        {column(c)}: \"{{{c}}}\"" for c, _, _, _ in TYPES if column(c) not in NON_SCALAR]
    lines += [f"        {n}: \"{{{n}}}\"" for n, _ in NULLS]
    return "\n".join(lines)


class MariadbTypesEndToEnd(unittest.TestCase):
    def assert_user(self, emulator, user, dead):
        contacts = emulator.contacts()
        self.assertIn(user, contacts, f"contact {user}; dead letters: {dead}")
        contact = contacts[user]
        for spec, _, _, want in TYPES:
            name = column(spec)
            if name in NON_SCALAR:
                events = [e for e in emulator.events() if e["_user_id"] == user]
                self.assertTrue(events, f"events of {user}; dead letters: {dead}")
                got = events[-1]["_event_parameters"].get(name, "<absent>")
            else:
                got = contact.get(name, "<absent>")
            self.assertEqual(got, want, f"{name} of user {user}")
        for name, _ in NULLS:
            # A NULL clears: the emulator keeps no value for it.
            self.assertIsNone(contact.get(name), f"{name} of user {user}")
        return contact

    def test_every_type_reaches_the_api_identically_from_snapshot_and_binlog(self):
        columns = ", ".join(f"{column(c)} {t}" for c, t, _, _ in TYPES)
        nulls = ", ".join(f"{n} {t} NULL" for n, t in NULLS)
        mariadb(f"DROP TABLE IF EXISTS zoo; CREATE TABLE zoo (id INT PRIMARY KEY, touch INT, {columns}, {nulls})")
        names = ", ".join(column(c) for c, _, _, _ in TYPES)
        values = ", ".join(v for _, _, v, _ in TYPES)
        mariadb(f"INSERT INTO zoo (id, touch, {names}) VALUES (1, 0, {values})")  # read by the snapshot
        emulator = Emulator()
        try:
            connector = Connector(f"""pipeline: types_my
source:
  kind: mysql
  dsn: "{os.environ['CDC_MYSQL_DSN']}"
  server_id: 5703
{harness.sink_yaml(emulator)}
state: ./state/types.db
mappings:
  - table: zoo
    contact:
      user_id: "{{id}}"
      attributes:
        touch: "{{touch}}"
{attribute_yaml()}
  - table: zoo
    ops: [snapshot, insert, update]
    event:
      type: viewed_product
      user_id: "{{id}}"
      date: "{{c_timestamp}}"
      parameters:
        c_json: "{{c_json}}"
""")
            self.assertEqual(connector.run_until_idle(0.5), 0, connector.log())
            dead = lambda: connector.command("dlq", "list").stdout  # noqa: E731
            self.assert_user(emulator, "1", dead())

            # Streamed: an insert (2), and an insert of other values updated to the same ones (3).
            mariadb(f"INSERT INTO zoo (id, touch, {names}) VALUES (2, 0, {values})")
            mariadb("INSERT INTO zoo (id, touch) VALUES (3, 0)")
            sets = ", ".join(f"{column(c)} = {v}" for c, _, v, _ in TYPES)
            mariadb(f"UPDATE zoo SET {sets} WHERE id = 3")
            self.assertEqual(connector.run_until_idle(0.5), 0, connector.log())
            first = self.assert_user(emulator, "1", dead())
            for user in ("2", "3"):
                self.assertEqual(self.assert_user(emulator, user, dead()), {**first, "_user_id": user})

            # MINIMAL row image: the after image holds only the changed column;
            # every other attribute stays as it was (absent, not cleared).
            mariadb("SET SESSION binlog_row_image = MINIMAL; UPDATE zoo SET touch = 7 WHERE id = 2")
            self.assertEqual(connector.run_until_idle(0.5), 0, connector.log())
            wait_for(lambda: emulator.contacts()["2"].get("touch") == 7, what="MINIMAL update")
            self.assertEqual(emulator.contacts()["2"], {**first, "_user_id": "2", "touch": 7})
            self.assertEqual(emulator.stats()["items"]["contacts_rejected"], 0)
        finally:
            emulator.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
