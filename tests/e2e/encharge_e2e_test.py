"""End to end on PostgreSQL into Encharge's Ingest API (the encharge test server):
snapshot, inserts, updates, a user-id change (alias), events, a contact delete
(skipped: Encharge has no delete) and a burst of 503s; the server's final people
and events must equal the ones derived from the database exactly."""

import json
import os
import signal
import subprocess
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import BINARY_DIR, TOKEN, Connector, psql, wait_for  # noqa: E402

SERVER = os.path.join(BINARY_DIR, "tests", "encharge_server", "encharge-test-server")

SCHEMA = """
DROP TABLE IF EXISTS orders, customers;
CREATE TABLE customers (id bigint PRIMARY KEY, ref text NOT NULL, email text, first_name text, last_name text,
                        plan text);
ALTER TABLE customers REPLICA IDENTITY FULL;  -- the old ref of an update (alias)
CREATE TABLE orders (id bigint PRIMARY KEY, customer_ref text NOT NULL, amount numeric(10,2) NOT NULL,
                     currency text NOT NULL, created_at timestamptz NOT NULL);
"""

MAPPINGS = """
mappings:
  - table: public.customers
    contact:
      user_id: "{ref}"
      attributes:
        _email: "{email | lower}"
        _first_name: "{first_name}"
        _last_name: "{last_name}"
        plan: "{plan}"
  - table: public.orders
    event:
      type: purchase
      id: "order-{id}"
      user_id: "{customer_ref}"
      date: "{created_at}"
      parameters:
        amount: "{amount}"
        currency: "{currency}"
"""


class EnchargeServer:
    def __init__(self):
        self.proc = subprocess.Popen([SERVER, "--token", TOKEN], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise RuntimeError(f"encharge test server did not start: {line!r}")
        self.url = line[len("listening on "):]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"null")

    def people(self):
        return {p["userId"]: p for p in self.call("GET", "/_test/people")["people"]}

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)


def expected_people():
    rows = psql("SELECT ref, coalesce(lower(email), '<null>'), coalesce(first_name, '<null>'), "
                "coalesce(last_name, '<null>'), coalesce(plan, '<null>') FROM customers")
    out = {}
    for ref, email, first, last, plan in rows:
        person = {"userId": ref, "email": email, "firstName": first, "lastName": last, "plan": plan}
        out[ref] = {k: v for k, v in person.items() if v != "<null>"}  # null clears the field
    return out


class EnchargeEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        psql(SCHEMA)
        psql("""INSERT INTO customers VALUES
                  (1, 'c-1', 'Ana@Example.com', 'Ana', 'Alba', 'free'),
                  (2, 'c-2', 'bo@example.com', 'Bo', NULL, 'pro'),
                  (3, 'c-3', 'cy@example.com', 'Cy', 'Cole', 'free')""")
        psql("INSERT INTO orders VALUES (1, 'c-1', 10.50, 'EUR', '2026-01-05 10:00:00+00')")
        cls.server = EnchargeServer()
        cls.connector = Connector(f"""pipeline: e2e_encharge
source:
  kind: postgres
  dsn: "{os.environ['CDC_PG_DSN']}"
sink:
  kind: encharge
  url: {cls.server.url}/v1/
  token: ${{INSTASENT_TOKEN}}
state: ./state/encharge.db
{MAPPINGS}""")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_snapshot_streaming_alias_and_5xx_burst(self):
        self.assertEqual(self.connector.run_until_idle(0.5), 0, self.connector.log())
        self.assertEqual(self.server.people(), expected_people())

        self.server.call("POST", "/_test/faults", {"fail_next": 6})
        psql("INSERT INTO customers VALUES (4, 'c-4', 'Di@Example.com', 'Di', 'Dean', 'free')")
        psql("UPDATE customers SET plan = 'pro', last_name = NULL WHERE id = 1")
        psql("UPDATE customers SET ref = 'c-2-new', plan = 'enterprise' WHERE id = 2")  # alias
        psql("INSERT INTO orders VALUES (2, 'c-2-new', 99.00, 'EUR', '2026-01-06 11:30:00.250+00'), "
             "(3, 'c-4', 5.25, 'USD', '2026-01-06 12:00:00+00')")
        psql("DELETE FROM customers WHERE id = 3")  # Encharge has no delete: skipped, the person stays
        self.assertEqual(self.connector.run_until_idle(1.0), 0, self.connector.log())

        want = expected_people()
        want["c-3"] = {"userId": "c-3", "email": "cy@example.com", "firstName": "Cy", "lastName": "Cole",
                       "plan": "free"}
        self.assertEqual(self.server.people(), want)
        # Order is kept per user only: different users go in parallel.
        events = sorted(self.server.call("GET", "/_test/events")["events"], key=lambda e: e["properties"]["eventId"])
        self.assertEqual(events, [
            {"name": "purchase", "user": {"userId": "c-1"}, "timestamp": "2026-01-05T10:00:00.000Z",
             "properties": {"amount": 10.5, "currency": "EUR", "eventId": "order-1"}},
            {"name": "purchase", "user": {"userId": "c-2-new"}, "timestamp": "2026-01-06T11:30:00.250Z",
             "properties": {"amount": 99, "currency": "EUR", "eventId": "order-2"}},
            {"name": "purchase", "user": {"userId": "c-4"}, "timestamp": "2026-01-06T12:00:00.000Z",
             "properties": {"amount": 5.25, "currency": "USD", "eventId": "order-3"}},
        ])
        stats = self.server.call("GET", "/_test/stats")
        self.assertEqual(stats["by_status"].get("503"), 6, stats)
        self.assertEqual(stats["fail_next"], 0)
        self.assertNotIn(TOKEN, self.connector.log())

        status = self.connector.command("status", "--json")
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertEqual(json.loads(status.stdout)["dead_letters"], 0)

    def test_wrong_token_stops_with_a_configuration_error(self):
        bad = Connector(f"""pipeline: e2e_encharge_bad
source:
  kind: postgres
  dsn: "{os.environ['CDC_PG_DSN']}"
  snapshot: never
sink:
  kind: encharge
  url: {self.server.url}/v1/
  token: wrong-token-0123456789
state: ./state/bad.db
{MAPPINGS}""")
        bad.start()
        wait_for(lambda: psql("SELECT 1 FROM pg_replication_slots WHERE slot_name = 'instasent_e2e_encharge_bad' "
                              "AND active") or bad.proc.poll() is not None, what="the connector streaming")
        psql("INSERT INTO orders VALUES (100, 'c-1', 1, 'EUR', now())")
        self.assertEqual(bad.wait(timeout=60), 2, bad.log())
        self.assertIn("401", bad.log())
        self.assertNotIn("wrong-token-0123456789", bad.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
