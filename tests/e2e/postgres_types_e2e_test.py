"""Every PostgreSQL type the source supports, through snapshot and streaming, as
the exact JSON values that reach the emulator."""

import base64
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, Emulator, psql  # noqa: E402

# column, type, SQL literal, JSON value expected at the API. Contact attributes
# must be scalars (or arrays of scalars): JSON documents and arrays holding
# NULL travel as event parameters instead.
NON_SCALAR = {"c_json", "c_jsonb", "c_int_array"}
TYPES = [
    ("c_bool", "boolean", "true", True),
    ("c_int2", "smallint", "-7", -7),
    ("c_int4", "integer", "2147483647", 2147483647),
    ("c_int8", "bigint", "9007199254740991", 9007199254740991),
    ("c_numeric", "numeric(14,4)", "12345.6789", 12345.6789),
    ("c_float4", "real", "1.5", 1.5),
    ("c_float8", "double precision", "-2.25e10", -2.25e10),
    ("c_float_nan", "double precision", "'NaN'", None),
    ("c_text", "text", "'héllo \"quoted\" \\ back'", "héllo \"quoted\" \\ back"),
    ("c_varchar", "varchar(20)", "'Zoë'", "Zoë"),
    ("c_char", "char(3)", "'ab'", "ab "),
    ("c_uuid", "uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
    ("c_date", "date", "'2024-02-29'", "2024-02-29"),
    ("c_time", "time", "'13:45:10.5'", "13:45:10.5"),
    ("c_ts", "timestamp", "'2024-01-02 03:04:05.123456'", "2024-01-02T03:04:05.123456"),
    ("c_tstz", "timestamptz", "'2024-01-02 03:04:05+02'", "2024-01-02T01:04:05Z"),
    ("c_interval", "interval", "'1 day 02:00:00'", "1 day 02:00:00"),
    ("c_json", "json", "'{\"a\": [1, 2]}'", {"a": [1, 2]}),
    ("c_jsonb", "jsonb", "'{\"b\": true, \"n\": null}'", {"b": True, "n": None}),
    ("c_int_array", "integer[]", "'{1,2,NULL}'", [1, 2, None]),
    ("c_text_array", "text[]", "'{\"a b\",c}'", ["a b", "c"]),
    ("c_enum", "mood", "'happy'", "happy"),
    ("c_bytea", "bytea", "'\\x0102ff'", base64.b64encode(bytes([1, 2, 255])).decode()),
    ("c_domain", "posint", "5", 5),
    ("c_null", "text", "NULL", None),
]


class PostgresTypesEndToEnd(unittest.TestCase):
    def test_every_type_reaches_the_api_exactly(self):
        psql("DROP TABLE IF EXISTS zoo; DROP TYPE IF EXISTS mood; DROP DOMAIN IF EXISTS posint;"
             "CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE DOMAIN posint AS integer CHECK (VALUE > 0);"
             "CREATE TABLE zoo (id int PRIMARY KEY, " + ", ".join(f"{c} {t}" for c, t, _, _ in TYPES) + ")")
        values = ", ".join(v for _, _, v, _ in TYPES)
        psql(f"INSERT INTO zoo VALUES (1, {values})")  # read by the snapshot
        attributes = "\n".join(f"        {c}: \"{{{c}}}\"" for c, _, _, _ in TYPES if c not in NON_SCALAR)
        parameters = "\n".join(f"        {c}: \"{{{c}}}\"" for c in sorted(NON_SCALAR))
        emulator = Emulator()
        try:
            connector = Connector(f"""pipeline: types_pg
source:
  kind: postgres
  dsn: "{os.environ['CDC_PG_DSN']}"
{harness.sink_yaml(emulator)}
state: ./state/types.db
mappings:
  - table: zoo
    contact:
      user_id: "{{id}}"
      attributes:
{attributes}
  - table: zoo
    event:
      type: viewed_product
      user_id: "{{id}}"
      date: "{{c_tstz}}"
      parameters:
{parameters}
""")
            self.assertEqual(connector.run_until_idle(0.5), 0, connector.log())
            psql(f"INSERT INTO zoo VALUES (2, {values})")  # streamed
            self.assertEqual(connector.run_until_idle(0.5), 0, connector.log())
            contacts = emulator.contacts()
            dead = connector.command("dlq", "list").stdout
            for user in ("1", "2"):
                self.assertIn(user, contacts, f"contact {user} ({'snapshot' if user == '1' else 'stream'}); "
                                              f"dead letters: {dead}")
                events = [e for e in emulator.events() if e["_user_id"] == user]
                self.assertEqual(len(events), 1, f"event of {user}; dead letters: {dead}")
                for column, _, _, want in TYPES:
                    if column in NON_SCALAR:
                        got = events[0]["_event_parameters"].get(column, "<absent>")
                    else:
                        got = contacts[user].get(column, "<absent>")
                    # A NULL clears: the emulator keeps no value for it.
                    self.assertEqual(got if got != "<absent>" or want is not None else None, want,
                                     f"{column} of user {user}")
            self.assertEqual(emulator.stats()["items"]["contacts_rejected"], 0)
        finally:
            emulator.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
