"""Graceful shutdown on PostgreSQL: SIGTERM under load (a slow API) drains the
in-flight batches and exits 0 within --drain-timeout; the next run loses
nothing and re-sends no transaction the slot had already confirmed (checked in
the emulator's oplog). A second signal exits at once (1) and is still safe.
SIGHUP is answered without stopping."""

import json
import os
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, Emulator, psql, psql_json, wait_for  # noqa: E402

ROWS = 600


def setup_tables(prefix):
    # `lsn`: the WAL insert position inside the row's own transaction, below
    # its commit LSN and above the previous transaction's commit end.
    psql(f"""DROP TABLE IF EXISTS {prefix}_customers, {prefix}_orders;
             CREATE TABLE {prefix}_customers (id bigint PRIMARY KEY, email text, lsn pg_lsn);
             CREATE TABLE {prefix}_orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, amount int,
                                           created_at timestamptz NOT NULL DEFAULT now());""")


def write_load(prefix, first, last):
    # One transaction per row: many confirmable positions.
    psql(f"""DO $$ BEGIN
               FOR i IN {first}..{last} LOOP
                 INSERT INTO {prefix}_customers VALUES (i, 'u' || i || '@example.com', pg_current_wal_insert_lsn());
                 IF i % 2 = 0 THEN INSERT INTO {prefix}_orders VALUES (i, i, i, now()); END IF;
                 COMMIT;
               END LOOP;
             END $$""")


def config(name, emulator, prefix):
    return f"""pipeline: {name}
source:
  kind: postgres
  dsn: "{os.environ['CDC_PG_DSN']}"
  snapshot: never
{harness.sink_yaml(emulator, "  batch_size: 10")}
state: ./state/{name}.db
mappings:
  - table: public.{prefix}_customers
    contact:
      user_id: "{{id}}"
      attributes:
        _email: "{{email}}"
{harness.purchase_mapping(f"public.{prefix}_orders", '"EUR"')}"""


def lsn_int(text):
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


class Shutdown(unittest.TestCase):
    def setUp(self):
        self.emulator = Emulator()

    def tearDown(self):
        self.emulator.stop()

    def assert_exact_state(self, prefix):
        rows = psql_json(f"SELECT id, email FROM {prefix}_customers")
        contacts = self.emulator.contacts()
        self.assertEqual({k: v.get("_email") for k, v in contacts.items()},
                         {str(r["id"]): r["email"] for r in rows})
        events = sorted(e["_event_id"] for e in self.emulator.events())
        self.assertEqual(events, sorted(f"order-{r['id']}" for r in psql_json(f"SELECT id FROM {prefix}_orders")))

    def test_sigterm_under_load_drains_exits_0_and_loses_nothing(self):
        setup_tables("sd")
        self.emulator.post("/_emulator/faults", {"latency_ms": 1000})
        connector = Connector(config("shutdown", self.emulator, "sd"))
        connector.start("--drain-timeout", "8")
        wait_for(lambda: "streaming from slot" in connector.log(), what="streaming")
        write_load("sd", 1, ROWS)
        wait_for(lambda: len(self.emulator.contacts()) >= 50, what="the load under way")
        # SIGHUP is answered and the pipeline goes on.
        connector.signal(signal.SIGHUP)
        wait_for(lambda: "SIGHUP: reopening logs" in connector.log(), timeout=10, what="the SIGHUP line")
        self.assertIsNone(connector.proc.poll())

        started = time.monotonic()
        connector.signal(signal.SIGTERM)
        self.assertEqual(connector.wait(30), 0, connector.log())
        elapsed = time.monotonic() - started
        print(f"SIGTERM to exit under load: {elapsed:.1f} s (drain timeout 8 s)", file=sys.stderr)
        self.assertLess(elapsed, 8 + 4, "exits within the drain timeout:\n" + connector.log()[-4000:])
        self.assertIn("stopping: draining in-flight records", connector.log())
        self.assertLess(len(self.emulator.contacts()), ROWS, "stopped under load, not after it")

        slot = psql_json("SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots "
                         "WHERE slot_name = 'instasent_shutdown'")[0]["lsn"]
        confirmed = lsn_int(slot)
        ids_confirmed = {str(r["id"]) for r in psql_json("SELECT id, lsn::text FROM sd_customers")
                         if lsn_int(r["lsn"]) < confirmed}
        self.assertGreater(len(ids_confirmed), 0, "the drain confirmed what was acknowledged")
        # What the drain acknowledged reached the slot, not only the state store.
        acknowledged = json.loads(connector.command("status", "--json").stdout)["position"]["acknowledged"]
        self.assertGreaterEqual(confirmed, lsn_int(acknowledged), connector.log()[-2000:])
        self.assertIn("to slot instasent_shutdown", connector.log())
        last_seq = max((op["seq"] for op in self.emulator.get("/_emulator/oplog")["ops"]), default=0)

        self.emulator.post("/_emulator/faults", {"latency_ms": 0})
        self.assertEqual(connector.run_until_idle(1.0), 0, connector.log())
        self.assert_exact_state("sd")
        resent = [op for op in self.emulator.get("/_emulator/oplog")["ops"] if op["seq"] > last_seq]
        self.assertGreater(len(resent), 0)
        again = sorted({op.get("user_id") for op in resent} & ids_confirmed)
        self.assertEqual(again, [], "a transaction confirmed before the stop was sent again")
        stats = self.emulator.stats()["items"]
        self.assertEqual(stats["events_conflicting"], 0)
        status = json.loads(connector.command("status", "--json").stdout)
        self.assertEqual(status["dead_letters"], 0)
        self.assertNotIn("last_error", status["state"])

    def test_second_signal_exits_at_once_and_is_still_safe(self):
        setup_tables("sd2")
        self.emulator.post("/_emulator/faults", {"latency_ms": 20000})
        connector = Connector(config("shutdown2", self.emulator, "sd2"))
        connector.start("--drain-timeout", "60")
        wait_for(lambda: "streaming from slot" in connector.log(), what="streaming")
        write_load("sd2", 1, 100)
        wait_for(lambda: self.emulator.stats()["requests"]["total"] >= 2, what="requests in flight")
        connector.signal(signal.SIGTERM)
        wait_for(lambda: "stopping: draining" in connector.log(), timeout=10, what="the drain")
        started = time.monotonic()
        connector.signal(signal.SIGTERM)
        self.assertEqual(connector.wait(10), 1, connector.log())
        self.assertLess(time.monotonic() - started, 3, "the second signal does not wait for the drain")
        self.assertIn("second signal: exiting at once", connector.log())

        self.emulator.post("/_emulator/faults", {"latency_ms": 0})
        self.assertEqual(connector.run_until_idle(1.0), 0, connector.log())
        self.assert_exact_state("sd2")


if __name__ == "__main__":
    unittest.main(verbosity=2)
