"""Routing on PostgreSQL: one pipeline feeds two Instasent projects (two
emulators), rows with brand 'a' to one and 'b' to the other via `where:` and
`sink:`; the second sink uses a Product API token. A transaction is confirmed
only once every sink acknowledged it: while project B answers 5xx, project A
receives everything yet a SIGKILL and a rerun still deliver all of B; a second
SIGKILL in the middle of a busy stream loses nothing in either."""

import json
import os
import signal
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import DATASOURCE, PROJECT, Connector, Emulator, psql, psql_json, wait_for  # noqa: E402

PRODUCT_TOKEN = "product-token-b-0123456789"
DS_TOKEN_B = "datasource-token-b-0123456789"

SCHEMA = """
DROP TABLE IF EXISTS orders, customers;
CREATE TABLE customers (id bigint PRIMARY KEY, brand text NOT NULL, email text, plan text);
ALTER TABLE customers REPLICA IDENTITY FULL;  -- `where: brand` on a delete reads the old row
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, brand text NOT NULL,
                     amount int NOT NULL, created_at timestamptz NOT NULL, currency text NOT NULL DEFAULT 'EUR');
"""


def brand_mappings(brand):
    return f"""
  - table: customers
    sink: brand_{brand}
    where: "brand == '{brand}'"
    contact:
      user_id: "{{id}}"
      attributes:
        _email: "{{email}}"
        plan: "{{plan}}"
  - table: orders
    sink: brand_{brand}
    where: "brand == '{brand}'"
    event:
      type: purchase
      id: "order-{{id}}"
      user_id: "{{customer_id}}"
      date: "{{created_at}}"
      parameters:
        amount: "{{amount}}"
        currency: "{{currency}}"
"""


def workload(first_id, transactions):
    """Transactions of 4 inserts of each brand, 2 updates, 1 delete, 4 orders."""
    sql = []
    for t in range(transactions):
        ids = range(first_id + 8 * t, first_id + 8 * t + 8)
        rows = ",".join(f"({i}, '{'a' if i % 2 else 'b'}', 'u{i}@example.com', 'free')" for i in ids)
        orders = ",".join(f"({i}, {i}, '{'a' if i % 2 else 'b'}', {i % 97}, now())" for i in list(ids)[:4])
        sql.append(f"BEGIN; INSERT INTO customers VALUES {rows}; "
                   f"UPDATE customers SET plan = 'pro' WHERE id IN ({ids[0]}, {ids[1]}); "
                   f"DELETE FROM customers WHERE id = {ids[7]}; "
                   f"INSERT INTO orders VALUES {orders}; COMMIT;")
    return "\n".join(sql)


def expected(brand):
    contacts = {str(r["id"]): {"_user_id": str(r["id"]), "_email": r["email"], "plan": r["plan"]}
                for r in psql_json(f"SELECT id, email, plan FROM customers WHERE brand = '{brand}'")}
    orders = {f"order-{r['id']}": str(r["customer_id"])
              for r in psql_json(f"SELECT id, customer_id FROM orders WHERE brand = '{brand}'")}
    return contacts, orders


def project_b(emulator):
    return "?project=proj_b&datasource=ds_b"


class RoutingEndToEnd(unittest.TestCase):
    def setUp(self):
        psql(SCHEMA)
        psql("INSERT INTO customers SELECT g, CASE WHEN g % 2 = 1 THEN 'a' ELSE 'b' END, 'u' || g || '@example.com', "
             "'free' FROM generate_series(1, 20) g")
        psql("INSERT INTO orders SELECT g, g, CASE WHEN g % 2 = 1 THEN 'a' ELSE 'b' END, g, "
             "TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * interval '1 minute' FROM generate_series(1, 10) g")
        self.a = Emulator("--latency-ms", "2")
        self.b = Emulator("--credential", f"proj_b:ds_b:{DS_TOKEN_B}", "--product-token", f"proj_b:{PRODUCT_TOKEN}",
                          "--latency-ms", "2")
        self.addCleanup(self.a.stop)
        self.addCleanup(self.b.stop)

    def config(self, pipeline, token_type="product"):
        return f"""pipeline: {pipeline}
source:
  kind: postgres
  dsn: "{os.environ['CDC_PG_DSN']}"
sinks:
  - name: brand_a
    kind: instasent
    url: {self.a.url}
    project: {PROJECT}
    datasource: {DATASOURCE}
    token: ${{INSTASENT_TOKEN}}
    linger_ms: 20
  - name: brand_b
    kind: instasent
    url: {self.b.url}
    project: proj_b
    datasource: ds_b
    token_file: b.token
    token_type: {token_type}
    linger_ms: 20
state: ./state/{pipeline}.db
mappings:{brand_mappings('a')}{brand_mappings('b')}"""

    def connector(self, pipeline, token, token_type="product"):
        connector = Connector(self.config(pipeline, token_type))
        with open(os.path.join(connector.dir, "b.token"), "w") as f:
            f.write(token + "\n")
        return connector

    def state(self, emulator, query=""):
        contacts = {c["_user_id"]: c for c in emulator.get("/_emulator/contacts" + query)["contacts"]}
        events = emulator.get("/_emulator/events" + query)["events"]
        return contacts, events

    def assert_exact(self, emulator, brand, query=""):
        contacts, events = self.state(emulator, query)
        want_contacts, want_orders = expected(brand)
        self.assertEqual(contacts, want_contacts, f"contacts of brand {brand}")
        self.assertEqual({e["_event_id"]: e["_user_id"] for e in events}, want_orders, f"events of brand {brand}")
        self.assertEqual(len(events), len(want_orders), f"every event of brand {brand} once")

    def test_each_brand_reaches_its_project_and_a_crash_loses_nothing_in_either(self):
        b_query = project_b(self.b)
        self.b.post("/_emulator/faults", {"fail_rate": 1.0})
        connector = self.connector("routing", PRODUCT_TOKEN)
        connector.start()
        psql(workload(1000, 20))
        # A takes everything while B refuses: A's acknowledgements alone must not confirm.
        wait_for(lambda: self.state(self.a)[0] == expected("a")[0] and len(self.state(self.a)[1]) == len(expected("a")[1]),
                 timeout=60, what="project A to hold all of brand a")
        self.assertEqual(self.state(self.b, b_query), ({}, []))
        self.assertIsNone(connector.proc.poll(), connector.log()[-3000:])
        connector.signal(signal.SIGKILL)
        connector.wait()

        self.b.post("/_emulator/faults", {"fail_rate": 0})
        self.assertEqual(connector.run_until_idle(0.5), 0, connector.log()[-3000:])
        self.assert_exact(self.a, "a")
        self.assert_exact(self.b, "b", b_query)

        # A second SIGKILL in the middle of a busy stream.
        connector.start()
        psql(workload(5000, 150))
        base = self.b.stats()["requests"]["total"]
        wait_for(lambda: self.b.stats()["requests"]["total"] > base + 5 or connector.proc.poll() is not None,
                 timeout=60, what="the stream under way")
        self.assertIsNone(connector.proc.poll(), connector.log()[-3000:])
        connector.signal(signal.SIGKILL)
        connector.wait()
        self.assertEqual(connector.run_until_idle(0.5), 0, connector.log()[-3000:])
        self.assert_exact(self.a, "a")
        self.assert_exact(self.b, "b", b_query)
        for emulator, query in ((self.a, ""), (self.b, b_query)):
            items = emulator.get("/_emulator/stats" + query)["items"]
            self.assertEqual(items["events_conflicting"], 0)
            self.assertEqual(items["events_skipped_missing_contact"], 0)
        status = connector.command("status", "--json")
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertEqual(json.loads(status.stdout)["dead_letters"], 0)
        self.assertNotIn(PRODUCT_TOKEN, connector.log())
        self.assertIn("product token", connector.log())

    def test_product_probe_refuses_a_datasource_token_and_accepts_a_product_token(self):
        wrong = self.connector("routing_wrong", DS_TOKEN_B)
        out = wrong.command("validate")
        self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
        self.assertIn("403", out.stdout + out.stderr)
        right = self.connector("routing_right", PRODUCT_TOKEN)
        out = right.command("validate")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        datasource = self.connector("routing_datasource", DS_TOKEN_B, token_type="datasource")
        out = datasource.command("validate")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
