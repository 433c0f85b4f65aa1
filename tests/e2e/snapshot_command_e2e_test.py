"""`instasent-cdc snapshot --table T`: re-reads the named mapped tables through
the same mappings and leaves the stream's position alone. Rows present before
are sent exactly (contacts, then their purchase events); a mapped table not
named is not sent; an unmapped table exits 2 naming the mapped ones; a row the
mapping rejects is dead-lettered with a `snapshot:<table>` position; run while
`run` streams the same pipeline, both succeed and `run`'s stored position does
not move. Also runs `validate` on the shipped example configs against a
matching schema and the emulator's default specs. Runs on PostgreSQL or
MariaDB, whichever server the test was started with."""

import json
import os
import re
import signal
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, Emulator, wait_for  # noqa: E402

MYSQL = "CDC_MYSQL_DSN" in os.environ
EXAMPLES = os.path.join(os.environ.get("CDC_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")),
                        "config", "examples")

if MYSQL:
    SOURCE = f"""source:
  kind: mysql
  dsn: "{os.environ.get('CDC_MYSQL_DSN', '')}"
  server_id: 5795
  snapshot: never"""
    SCHEMA = """DROP TABLE IF EXISTS orders, customers, leads;
CREATE TABLE customers (id BIGINT PRIMARY KEY, email VARCHAR(200), first_name VARCHAR(100)) ENGINE=InnoDB;
CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT, amount DECIMAL(10,2), currency CHAR(3),
  created_at DATETIME(3)) ENGINE=InnoDB;
CREATE TABLE leads (id BIGINT PRIMARY KEY, email VARCHAR(200)) ENGINE=InnoDB;"""
    QUALIFIED_ORDERS = "test.orders"
else:
    SOURCE = f"""source:
  kind: postgres
  dsn: "{os.environ.get('CDC_PG_DSN', '')}"
  slot: snapcmd
  publication: snapcmd
  snapshot: never"""
    SCHEMA = """DROP TABLE IF EXISTS orders, customers, leads;
CREATE TABLE customers (id bigint PRIMARY KEY, email text, first_name text);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, amount numeric(10,2), currency char(3),
  created_at timestamptz);
CREATE TABLE leads (id bigint PRIMARY KEY, email text);"""
    QUALIFIED_ORDERS = "public.orders"

MAPPINGS = """mappings:
  - table: customers
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email}"
        _first_name: "{first_name}"
  - table: orders
    event:
      type: purchase
      user_id: "{customer_id}"
      date: "{created_at}"
      parameters:
        amount: "{amount}"
        currency: "{currency}"
  - table: leads
    contact:
      user_id: "lead-{id}"
      attributes:
        _email: "{email}"
"""

CUSTOMERS = 40


def sql(statements):
    if MYSQL:
        return harness.mariadb(statements)
    return harness.psql(statements)


def position_state(connector):
    """What `run` stores as its position (and, on Postgres, the slot's confirmed LSN)."""
    status = connector.command("status", "--json")
    assert status.returncode == 0, status.stderr
    state = json.loads(status.stdout)["state"]
    stored = {k: v for k, v in state.items() if k == "checkpoint.acknowledged" or k.endswith(".position")}
    if not MYSQL:
        stored["slot"] = harness.psql("SELECT confirmed_flush_lsn FROM pg_replication_slots "
                                      "WHERE slot_name = 'snapcmd'")
    return stored


class SnapshotCommandTest(unittest.TestCase):
    def setUp(self):
        if not MYSQL:
            harness.psql("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                         "WHERE slot_name = 'snapcmd'")
            harness.psql("DROP PUBLICATION IF EXISTS snapcmd")
        sql(SCHEMA)
        rows = ", ".join(f"({i}, 'c{i}@example.com', 'Name{i}')" for i in range(1, CUSTOMERS + 1))
        orders = ", ".join(f"({i}, {i % CUSTOMERS + 1}, {i}.50, 'EUR', '2024-03-0{i % 9 + 1} 10:00:00')"
                           for i in range(1, 21))
        sql(f"INSERT INTO customers VALUES {rows}; INSERT INTO orders VALUES {orders}; "
            "INSERT INTO leads VALUES (1, 'lead1@example.com'), (2, 'lead2@example.com');")
        self.emulator = Emulator()
        self.connector = Connector(f"pipeline: snapcmd\n{SOURCE}\n{harness.sink_yaml(self.emulator)}{MAPPINGS}")

    def tearDown(self):
        if self.connector.proc and self.connector.proc.poll() is None:
            self.connector.proc.kill()
            self.connector.proc.wait()
        self.emulator.stop()

    def expected_contacts(self):
        return {str(i): f"c{i}@example.com" for i in range(1, CUSTOMERS + 1)}

    def test_snapshot_sends_exactly_the_named_tables_and_not_the_others(self):
        out = self.connector.command("snapshot", "--table", "customers", "--table", QUALIFIED_ORDERS)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout, r"rows read:\s+60\b")
        self.assertRegex(out.stdout, r"event: 20 sent, 20 accepted, 0 dead-lettered")
        self.assertRegex(out.stdout, r"dead letters:\s+0\b")
        contacts = self.emulator.contacts()
        self.assertEqual({u: c.get("_email") for u, c in contacts.items()}, self.expected_contacts())
        self.assertEqual(contacts["7"]["_first_name"], "Name7")
        events = self.emulator.events()
        self.assertEqual(sorted(e["_event_id"] for e in events),
                         sorted(f"snapcmd:{QUALIFIED_ORDERS}:{i}" for i in range(1, 21)))
        self.assertTrue(all(e["_event_parameters"]["currency"] == "EUR" for e in events))
        # No slot, no stored position: the stream was never touched.
        state = json.loads(self.connector.command("status", "--json").stdout)["state"]
        self.assertNotIn("checkpoint.acknowledged", state)
        if not MYSQL:
            self.assertEqual(harness.psql("SELECT count(*) FROM pg_replication_slots"), [["0"]])

    def test_unmapped_table_exits_2_naming_the_mapped_ones_and_sends_nothing(self):
        out = self.connector.command("snapshot", "--table", "customers", "--table", "invoices")
        self.assertEqual(out.returncode, 2, out.stderr)
        self.assertIn("invoices is not mapped", out.stderr)
        self.assertIn(QUALIFIED_ORDERS, out.stderr)
        self.assertEqual(self.emulator.contacts(), {})

    def test_rejected_row_is_dead_lettered_as_from_a_table_snapshot(self):
        sql("UPDATE orders SET created_at = NULL WHERE id = 3")
        out = self.connector.command("snapshot", "--table", "orders", "--table", "customers")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout, r"dead letters:\s+1\b")
        letters = [json.loads(line) for line in self.connector.command("dlq", "list", "--json").stdout.splitlines()]
        self.assertEqual(len(letters), 1)
        self.assertEqual(letters[0]["position"], f"snapshot:{QUALIFIED_ORDERS}")
        self.assertEqual(len(self.emulator.contacts()), CUSTOMERS)

    def test_snapshot_while_run_streams_leaves_runs_position_alone(self):
        sql("INSERT INTO customers VALUES (1000, 'streamed@example.com', 'S')")
        self.connector.start()

        def streamed():
            # `run` starts from the position it finds: touch the row until it is seen.
            sql("UPDATE customers SET first_name = CONCAT(first_name, 'x') WHERE id = 1000")
            return "1000" in self.emulator.contacts()

        wait_for(streamed, timeout=60, interval=0.3, what="run streaming")
        wait_for(lambda: "checkpoint.acknowledged" in position_state(self.connector), what="run's checkpoint")
        before = position_state(self.connector)

        out = self.connector.command("snapshot", "--table", "customers")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(position_state(self.connector), before)
        self.assertIsNone(self.connector.proc.poll(), "run stopped during the snapshot")

        sql("UPDATE customers SET email = 'changed@example.com' WHERE id = 5")
        wait_for(lambda: self.emulator.contacts().get("5", {}).get("_email") == "changed@example.com",
                 what="run still streaming")
        self.connector.signal(signal.SIGTERM)
        self.assertEqual(self.connector.wait(), 0, self.connector.log())
        expected = self.expected_contacts()
        expected["1000"] = "streamed@example.com"
        expected["5"] = "changed@example.com"
        self.assertEqual({u: c.get("_email") for u, c in self.emulator.contacts().items()}, expected)


def example(name, replacements):
    with open(os.path.join(EXAMPLES, name)) as f:
        text = f.read()
    for pattern, value in replacements:
        text, n = re.subn(pattern, lambda _: value, text, flags=re.M)
        assert n == 1, f"{name}: {pattern} not found"
    return text


class ExampleConfigsValidateTest(unittest.TestCase):
    """The shipped examples pass `validate` against their documented schema and
    the emulator's default datasource specs."""

    def setUp(self):
        self.emulator = Emulator()
        self.env = {"INSTASENT_URL": self.emulator.url, "INSTASENT_PROJECT": harness.PROJECT,
                    "INSTASENT_DATASOURCE": harness.DATASOURCE}

    def tearDown(self):
        self.emulator.stop()

    def validate(self, text):
        connector = Connector(text)
        # jsonl.yaml writes ./out/dryrun.jsonl: the jsonl sink does not create directories.
        os.makedirs(os.path.join(connector.dir, "out"))
        env = connector.env()
        env.update(self.env)
        out = subprocess.run([harness.CONNECTOR, "validate", "-c", connector.config], capture_output=True,
                             text=True, env=env, timeout=120)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

    @unittest.skipUnless(MYSQL, "MariaDB example")
    def test_mysql_example_validates(self):
        harness.mariadb("""CREATE DATABASE IF NOT EXISTS Chinook;
DROP TABLE IF EXISTS Chinook.Invoice, Chinook.Customer;
CREATE TABLE Chinook.Customer (CustomerId INT PRIMARY KEY, FirstName VARCHAR(40), LastName VARCHAR(20),
  Company VARCHAR(80), Address VARCHAR(70), City VARCHAR(40), State VARCHAR(40), Country VARCHAR(40),
  PostalCode VARCHAR(10), Phone VARCHAR(24), Fax VARCHAR(24), Email VARCHAR(60), SupportRepId INT);
CREATE TABLE Chinook.Invoice (InvoiceId INT PRIMARY KEY, CustomerId INT, InvoiceDate DATETIME,
  BillingAddress VARCHAR(70), BillingCity VARCHAR(40), BillingState VARCHAR(40), BillingCountry VARCHAR(40),
  BillingPostalCode VARCHAR(10), Total DECIMAL(10,2));""")
        dsn = os.environ["CDC_MYSQL_DSN"].rsplit("/", 1)[0] + "/Chinook"
        self.validate(example("mysql.yaml", [(r'^  dsn: .*$', f'  dsn: "{dsn}"')]))

    @unittest.skipIf(MYSQL, "PostgreSQL examples")
    def test_postgres_examples_validate(self):
        harness.psql("""DROP TABLE IF EXISTS orders, customers, leads;
CREATE TABLE customers (id bigint PRIMARY KEY, email text, first_name text, last_name text, phone text,
  plan text, created_at timestamptz);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, amount numeric(10,2), currency char(3),
  status text, created_at timestamptz);""")
        self.env["DEMO_PG_DSN"] = self.env["PG_DSN"] = os.environ["CDC_PG_DSN"]
        for name in ("demo.yaml", "jsonl.yaml"):
            with self.subTest(example=name):
                self.validate(example(name, []))


if __name__ == "__main__":
    unittest.main(verbosity=2)
