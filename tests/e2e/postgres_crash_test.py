"""SIGKILL the connector at random points of a >= 100,000-change streaming
workload; after a final run the emulator must hold exactly the database's
state: 0 lost, no event conflicts, every event exactly once."""

import os
import random
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, Emulator, psql, psql_json, wait_for  # noqa: E402

KILLS = int(os.environ.get("CDC_CRASH_KILLS", "20"))
TRANSACTIONS = int(os.environ.get("CDC_CRASH_TRANSACTIONS", "2500"))  # 41 changes each
STABLE_CUSTOMERS = 1000  # never deleted: visits (events) reference them

MAPPINGS = """
mappings:
  - table: public.customers
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email}"
        plan: "{plan}"
        counter: "{counter}"
  - table: public.visits
    event:
      type: viewed_product
      user_id: "{customer_id}"
      date: "{created_at}"
      parameters:
        product_sku: "{sku}"
"""


def workload_sql(path, rng):
    """TRANSACTIONS transactions of 10 inserts, 10 updates, 1 delete, 20 visits."""
    next_id = STABLE_CUSTOMERS + 1
    live = []
    with open(path, "w") as f:
        for t in range(TRANSACTIONS):
            f.write("BEGIN;\n")
            ids = list(range(next_id, next_id + 10))
            next_id += 10
            values = ",".join(f"({i}, 'u{i}@example.com', 'free', 0)" for i in ids)
            f.write(f"INSERT INTO customers VALUES {values};\n")
            live.extend(ids)
            targets = [rng.randint(1, STABLE_CUSTOMERS) for _ in range(5)] + rng.sample(live, 5)
            f.write("UPDATE customers SET counter = counter + 1, plan = (ARRAY['free','pro','team'])[1 + counter % 3] "
                    f"WHERE id IN ({','.join(map(str, targets))});\n")
            victim = live.pop(rng.randrange(len(live)))
            f.write(f"DELETE FROM customers WHERE id = {victim};\n")
            visits = ",".join(f"({rng.randint(1, STABLE_CUSTOMERS)}, 'SKU-{t}-{k}', now())" for k in range(20))
            f.write(f"INSERT INTO visits (customer_id, sku, created_at) VALUES {visits};\n")
            f.write("COMMIT;\n")


class PostgresCrashTest(unittest.TestCase):
    def test_sigkill_at_random_points_loses_nothing(self):
        rng = random.Random(int(os.environ.get("CDC_CRASH_SEED", "4242")))
        psql("""DROP TABLE IF EXISTS visits, customers;
                CREATE TABLE customers (id bigint PRIMARY KEY, email text, plan text, counter int NOT NULL);
                CREATE TABLE visits (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, sku text NOT NULL,
                                     created_at timestamptz NOT NULL);""")
        psql(f"INSERT INTO customers SELECT g, 'u' || g || '@example.com', 'free', 0 "
             f"FROM generate_series(1, {STABLE_CUSTOMERS}) g")
        emulator = Emulator("--fail-rate", "0.05", "--drop-rate", "0.02", "--latency-ms", "2")
        try:
            connector = Connector(f"""pipeline: crash_pg
source:
  kind: postgres
  dsn: "{os.environ['CDC_PG_DSN']}"
{harness.sink_yaml(emulator)}
state: ./state/crash.db
{MAPPINGS}""")
            sql = os.path.join(tempfile.mkdtemp(prefix="cdc-crash-"), "workload.sql")
            workload_sql(sql, rng)
            # The snapshot first, so the workload is all streaming.
            self.assertEqual(connector.run_until_idle(0.5), 0, connector.log())
            writer = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", sql],
                                      stdout=subprocess.DEVNULL)

            def accepted():
                items = emulator.stats()["items"]
                return items["contacts_accepted"] + items["events_accepted"] + items["contacts_deleted"]

            for kill in range(KILLS):
                connector.start()
                start = accepted()
                target = start + rng.randint(200, 6000)
                # A random point: once the API has taken `target` more items (or the process is idle).
                try:
                    wait_for(lambda: accepted() >= target or connector.proc.poll() is not None,
                             timeout=60, what=f"progress before kill {kill}")
                except AssertionError:
                    pass
                self.assertIsNone(connector.proc.poll(), connector.log()[-3000:])
                connector.signal(signal.SIGKILL)
                connector.wait()
            self.assertEqual(writer.wait(timeout=900), 0)

            emulator.post("/_emulator/faults", {"fail_rate": 0, "drop_rate": 0})
            self.assertEqual(connector.run_until_idle(1.0, timeout=900), 0, connector.log()[-3000:])

            # Contacts: exactly the table.
            rows = psql_json("SELECT id, email, plan, counter FROM customers")
            want = {str(r["id"]): {"_user_id": str(r["id"]), "_email": r["email"], "plan": r["plan"],
                                   "counter": r["counter"]} for r in rows}
            got = emulator.contacts()
            self.assertEqual(len(got), len(want))
            mismatched = [u for u in want if {k: got.get(u, {}).get(k) for k in want[u]} != want[u]]
            self.assertEqual(mismatched[:10], [], "contacts differ from the database")

            # Events: every visit exactly once (duplicates from replays are dropped by id, never conflicting).
            visits = int(psql("SELECT count(*) FROM visits")[0][0])
            self.assertGreaterEqual(visits + len(want), 50000)
            events = emulator.events()
            self.assertEqual(len(events), visits)
            self.assertEqual(len({e["_event_id"] for e in events}), visits)
            stats = emulator.stats()["items"]
            self.assertEqual(stats["events_conflicting"], 0)
            self.assertEqual(stats["events_skipped_missing_contact"], 0)
            print(f"kills={KILLS} changes={TRANSACTIONS * 41} contacts={len(got)} events={len(events)} "
                  f"duplicates_dropped={stats['events_duplicate']}")
        finally:
            emulator.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
