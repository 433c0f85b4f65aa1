"""The crash scenario shared by both sources: SIGKILL the connector at random
points of a >= 100,000-change streaming workload (kill points chosen by
polling the emulator's progress); after a final run the emulator must hold
exactly the database's state: 0 lost, no event conflicts, every event once."""

import os
import random
import signal

import harness
from harness import Connector, Emulator, wait_for

KILLS = int(os.environ.get("CDC_CRASH_KILLS", "20"))
TRANSACTIONS = int(os.environ.get("CDC_CRASH_TRANSACTIONS", "2500"))  # 41 changes each
STABLE_CUSTOMERS = 1000  # never deleted: visits (events) reference them

MAPPINGS = """
mappings:
  - table: customers
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email}"
        plan: "{plan}"
        counter: "{counter}"
  - table: visits
    event:
      type: viewed_product
      user_id: "{customer_id}"
      date: "{created_at}"
      parameters:
        product_sku: "{sku}"
"""


def workload_sql(path, rng, now_sql):
    """TRANSACTIONS transactions of 10 inserts, 10 updates, 1 delete, 20 visits."""
    next_id = STABLE_CUSTOMERS + 1
    live = []
    with open(path, "w") as f:
        for t in range(TRANSACTIONS):
            f.write("BEGIN;\n")
            ids = list(range(next_id, next_id + 10))
            next_id += 10
            f.write("INSERT INTO customers VALUES " + ",".join(f"({i}, 'u{i}@example.com', 'free', 0)" for i in ids)
                    + ";\n")
            live.extend(ids)
            targets = [rng.randint(1, STABLE_CUSTOMERS) for _ in range(5)] + rng.sample(live, 5)
            f.write("UPDATE customers SET counter = counter + 1, plan = CASE WHEN plan = 'free' THEN 'pro' "
                    f"ELSE 'free' END WHERE id IN ({','.join(map(str, targets))});\n")
            victim = live.pop(rng.randrange(len(live)))
            f.write(f"DELETE FROM customers WHERE id = {victim};\n")
            visits = ",".join(f"({rng.randint(1, STABLE_CUSTOMERS)}, 'SKU-{t}-{k}', {now_sql})" for k in range(20))
            f.write(f"INSERT INTO visits (customer_id, sku, created_at) VALUES {visits};\n")
            f.write("COMMIT;\n")


def run(test, db, source_yaml):
    """db: object with setup(stable_customers), start_workload(path) -> Popen, now_sql,
    customers() -> [{id,email,plan,counter}], visit_count()."""
    rng = random.Random(int(os.environ.get("CDC_CRASH_SEED", "4242")))
    db.setup(STABLE_CUSTOMERS)
    emulator = Emulator("--fail-rate", "0.05", "--drop-rate", "0.02", "--latency-ms", "2")
    try:
        connector = Connector(f"pipeline: crash\n{source_yaml}\n{harness.sink_yaml(emulator)}\n"
                              f"state: ./state/crash.db\n{MAPPINGS}")
        sql = os.path.join(connector.dir, "workload.sql")
        workload_sql(sql, rng, db.now_sql)
        # The snapshot first, so the workload is all streaming.
        test.assertEqual(connector.run_until_idle(0.5), 0, connector.log()[-3000:])
        writer = db.start_workload(sql)

        def accepted():
            items = emulator.stats()["items"]
            return items["contacts_accepted"] + items["events_accepted"] + items["contacts_deleted"]

        for kill in range(KILLS):
            connector.start()
            target = accepted() + rng.randint(200, 6000)
            try:  # a random point: once the API has taken `target` more items
                wait_for(lambda: accepted() >= target or connector.proc.poll() is not None,
                         timeout=20, what=f"progress before kill {kill}")
            except AssertionError:
                pass  # caught up before the target: kill it while idle
            test.assertIsNone(connector.proc.poll(), connector.log()[-3000:])
            connector.signal(signal.SIGKILL)
            connector.wait()
        test.assertEqual(writer.wait(timeout=900), 0)

        emulator.post("/_emulator/faults", {"fail_rate": 0, "drop_rate": 0})
        test.assertEqual(connector.run_until_idle(1.0, timeout=900), 0, connector.log()[-3000:])

        want = {str(r["id"]): {"_user_id": str(r["id"]), "_email": r["email"], "plan": r["plan"],
                               "counter": r["counter"]} for r in db.customers()}
        got = emulator.contacts()
        test.assertEqual(len(got), len(want))
        mismatched = [u for u in want if {k: got.get(u, {}).get(k) for k in want[u]} != want[u]]
        test.assertEqual(mismatched[:10], [], "contacts differ from the database")

        visits = db.visit_count()
        events = emulator.events()
        test.assertEqual(len(events), visits)
        test.assertEqual(len({e["_event_id"] for e in events}), visits)
        stats = emulator.stats()["items"]
        test.assertEqual(stats["events_conflicting"], 0)
        test.assertEqual(stats["events_skipped_missing_contact"], 0)
        print(f"kills={KILLS} changes={TRANSACTIONS * 41} contacts={len(got)} events={len(events)} "
              f"duplicates_dropped={stats['events_duplicate']}")
    finally:
        emulator.stop()
