"""End to end on PostgreSQL: snapshot, then streaming, into the emulator; the
emulator's final state must equal the state derived from the database."""

import json
import os
import sys
import unittest
from decimal import Decimal

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, Emulator, psql, psql_json  # noqa: E402

SCHEMA = """
DROP TABLE IF EXISTS orders, customers;
CREATE TABLE customers (
  id bigint PRIMARY KEY,
  email text,
  first_name text,
  plan text,
  score numeric(12,4),
  vip boolean,
  notes text,
  signed_up date
);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL,
  amount numeric(10,2) NOT NULL,
  currency text NOT NULL,
  created_at timestamptz NOT NULL
);
"""

MAPPINGS = """
mappings:
  - table: public.customers
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email | lower}"
        _first_name: "{first_name}"
        plan: "{plan}"
        score: "{score}"
        vip: "{vip}"
        notes_len: "{notes}"
        signed_up: "{signed_up}"
    on_delete: delete_contact
""" + harness.purchase_mapping("public.orders")


def expected_contacts():
    rows = psql_json("SELECT id, email, first_name, plan, score, vip, notes, signed_up FROM customers")
    out = {}
    for r in rows:
        out[str(r["id"])] = {
            "_user_id": str(r["id"]),
            "_email": r["email"].lower() if r["email"] is not None else None,
            "_first_name": r["first_name"],
            "plan": r["plan"],
            "score": r["score"],
            "vip": r["vip"],
            "notes_len": r["notes"],
            "signed_up": r["signed_up"],
        }
    return out


class PostgresEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        psql(SCHEMA)
        psql("""INSERT INTO customers
                SELECT g, 'User' || g || '@Example.com', 'Name ' || g, CASE WHEN g % 2 = 0 THEN 'pro' ELSE 'free' END,
                       g * 1.5, g % 3 = 0, NULL, DATE '2024-01-01' + g
                FROM generate_series(1, 40) g""")
        # A value stored out of line (TOAST): > 8 KB and not compressible.
        psql("UPDATE customers SET notes = (SELECT string_agg(md5(i::text), '') FROM generate_series(1, 400) i) WHERE id = 7")
        psql("""INSERT INTO orders SELECT g, 1 + g % 40, (g * 7.25)::numeric(10,2), 'EUR',
                TIMESTAMPTZ '2024-03-01 10:00:00+01' + g * interval '1 hour' FROM generate_series(1, 60) g""")
        cls.emulator = Emulator()
        cls.connector = Connector(f"""pipeline: e2e_pg
source:
  kind: postgres
  dsn: "{os.environ['CDC_PG_DSN']}"
{harness.sink_yaml(cls.emulator)}
state: ./state/e2e.db
{MAPPINGS}""")

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    def assert_contacts_match_database(self):
        got = self.emulator.contacts()
        want = expected_contacts()
        self.assertEqual(sorted(got), sorted(want))
        for user_id, contact in want.items():
            g = got[user_id]
            for key, value in contact.items():
                if key == "score" and value is not None:
                    self.assertEqual(Decimal(str(g[key])), Decimal(str(value)), f"{user_id}.{key}")
                else:
                    self.assertEqual(g.get(key), value, f"{user_id}.{key}")

    def test_snapshot_then_streaming(self):
        self.assertEqual(self.connector.run_until_idle(1.0), 0, self.connector.log())
        self.assert_contacts_match_database()
        events = self.emulator.events()
        self.assertEqual(len(events), 60)
        by_id = {e["_event_id"]: e for e in events}
        self.assertEqual(by_id["order-5"]["_user_id"], "6")
        self.assertEqual(Decimal(str(by_id["order-5"]["_event_parameters"]["amount"])), Decimal("36.25"))
        self.assertEqual(by_id["order-5"]["_event_date"], "2024-03-01T14:00:00.000Z")  # 10:00+01 + 5h, in UTC
        self.assertFalse(any(e["in_window"] for e in events), "history must not fire automations")

        # Streaming: inserts, updates (NULL clears), an untouched TOAST value, deletes, a user id change.
        psql("INSERT INTO customers VALUES (41, 'New@Example.com', 'Newbie', 'free', 0.5, true, NULL, '2025-02-03')")
        psql("UPDATE customers SET plan = NULL, first_name = 'Renamed' WHERE id = 3")
        psql("UPDATE customers SET plan = 'enterprise' WHERE id = 7")  # notes (TOAST) unchanged: omitted, kept
        psql("DELETE FROM customers WHERE id IN (10, 11)")
        psql("UPDATE customers SET id = 1000 WHERE id = 12")
        psql("BEGIN; INSERT INTO orders VALUES (61, 41, 19.99, 'USD', now()); "
             "UPDATE customers SET score = 12345678.1234 WHERE id = 41; COMMIT;")
        self.assertEqual(self.connector.run_until_idle(1.0), 0, self.connector.log())

        self.assert_contacts_match_database()
        contacts = self.emulator.contacts()
        self.assertEqual(len(contacts["7"]["notes_len"]), 400 * 32, "TOAST value kept, not cleared")
        self.assertIsNone(contacts["3"].get("plan"), "NULL clears the attribute")
        self.assertNotIn("12", contacts)
        self.assertIn("1000", contacts)
        events = {e["_event_id"]: e for e in self.emulator.events()}
        self.assertEqual(len(events), 61)
        self.assertTrue(events["order-61"]["in_window"], "a fresh streamed event is inside the window")
        stats = self.emulator.stats()["items"]
        self.assertEqual(stats["events_conflicting"], 0)
        self.assertEqual(stats["events_skipped_missing_contact"], 0)

        # Nothing is resent once confirmed: a third run finds nothing to do.
        before = self.emulator.stats()["requests"]["total"]
        self.assertEqual(self.connector.run_until_idle(0.5), 0, self.connector.log())
        after = self.emulator.stats()["requests"]["total"]
        self.assertLessEqual(after - before, 1, "only the start-up probe may reach the API")

        status = self.connector.command("status", "--json")
        self.assertEqual(status.returncode, 0, status.stderr)
        state = json.loads(status.stdout)
        self.assertEqual(state["dead_letters"], 0)
        self.assertGreaterEqual(state["counters"].get("records.event.accepted", 0), 61)


if __name__ == "__main__":
    unittest.main(verbosity=2)
