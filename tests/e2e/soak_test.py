"""Soak on PostgreSQL: a mixed workload (contact inserts, updates, deletes and
events) for SOAK_SECONDS (default 60; `make soak` runs 600) with API faults on
(5xx, dropped connections, 429 bursts, latency) and a server restart half-way.
At the end the emulator's state equals the database-derived state, nothing was
dead-lettered, and the connector's RSS (sampled every 10 s) did not grow."""

import json
import os
import random
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, Emulator, psql, psql_json, wait_for  # noqa: E402

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
WITH_POSTGRES = os.path.join(os.environ.get("CDC_SOURCE_DIR", ""), "tests", "lib", "with-postgres.sh")
FAULTS = {"fail_rate": 0.05, "drop_rate": 0.02, "burst_429_every": 40, "burst_429_length": 2,
          "latency_ms": 15, "latency_jitter_ms": 10}

CONFIG = """pipeline: soak
source:
  kind: postgres
  dsn: "{dsn}"
  heartbeat: {{interval: 5s}}
{sink}
state: ./state/soak.db
mappings:
  - table: public.soak_customers
    contact:
      user_id: "{{id}}"
      attributes:
        _email: "{{email}}"
        plan: "{{plan}}"
        score: "{{score}}"
    on_delete: delete_contact
{orders}"""


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def workload_step(rng, next_id, next_order):
    """A few transactions of mixed changes. Customers with id % 10 == 0 are
    never deleted and are the only ones with orders (an event for a deleted
    contact is skipped by the API, by design)."""
    statements = []
    for _ in range(rng.randint(1, 4)):
        ops = []
        for _ in range(rng.randint(1, 8)):
            kind = rng.random()
            if kind < 0.35:
                ops.append(f"INSERT INTO soak_customers VALUES ({next_id}, 'u{next_id}@example.com', 'free', 0)")
                next_id += 1
            elif kind < 0.7:
                target = rng.randint(1, next_id - 1)
                ops.append(f"UPDATE soak_customers SET plan = '{rng.choice(['free', 'pro', 'team'])}', "
                           f"score = score + 1, email = 'u{target}.{rng.randint(0, 9)}@example.com' "
                           f"WHERE id = {target}")
            elif kind < 0.8:
                target = rng.randint(1, next_id - 1)
                if target % 10 != 0:
                    ops.append(f"DELETE FROM soak_customers WHERE id = {target}")
            else:
                customer = rng.randint(1, max(1, (next_id - 1) // 10)) * 10
                ops.append(f"INSERT INTO soak_orders SELECT {next_order}, {customer}, {rng.randint(1, 500)}, now() "
                           f"WHERE EXISTS (SELECT 1 FROM soak_customers WHERE id = {customer})")
                next_order += 1
        statements.append("BEGIN; " + "; ".join(ops) + "; COMMIT;")
    # Errors (the server restarting) are fine: the database is the truth.
    subprocess.run(["psql", "-X", "-q", "-c", " ".join(statements)], capture_output=True, text=True)
    return next_id, next_order


class Soak(unittest.TestCase):
    def test_mixed_workload_with_api_faults_and_a_server_restart(self):
        psql("""DROP TABLE IF EXISTS soak_customers, soak_orders;
                CREATE TABLE soak_customers (id bigint PRIMARY KEY, email text, plan text, score int);
                CREATE TABLE soak_orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, amount int,
                                          created_at timestamptz NOT NULL);
                INSERT INTO soak_customers SELECT g, 'u' || g || '@example.com', 'free', 0
                  FROM generate_series(1, 500) g;""")
        emulator = Emulator("--seed", "7")
        connector = Connector(CONFIG.format(dsn=os.environ["CDC_PG_DSN"], sink=harness.sink_yaml(emulator),
                                            orders=harness.purchase_mapping("public.soak_orders", '"EUR"')))
        try:
            emulator.post("/_emulator/faults", FAULTS)
            connector.start()
            rng = random.Random(42)
            next_id, next_order = 501, 1
            samples = []  # (seconds since start, RSS kB)
            started = time.monotonic()
            next_sample = started
            restarted = False
            while time.monotonic() - started < SOAK_SECONDS:
                now = time.monotonic()
                if now >= next_sample:
                    samples.append((round(now - started), rss_kb(connector.proc.pid)))
                    next_sample += 10
                if not restarted and now - started >= SOAK_SECONDS / 2:
                    subprocess.run([WITH_POSTGRES, "--restart"], check=True)
                    restarted = True
                self.assertIsNone(connector.proc.poll(), connector.log()[-3000:])
                next_id, next_order = workload_step(rng, next_id, next_order)
                time.sleep(0.05)  # pacing of the workload, not synchronisation
            samples.append((round(time.monotonic() - started), rss_kb(connector.proc.pid)))

            want_contacts = {str(r["id"]): {"_email": r["email"], "plan": r["plan"], "score": r["score"]}
                             for r in psql_json("SELECT id, email, plan, score FROM soak_customers")}
            want_events = sorted(f"order-{r['id']}" for r in psql_json("SELECT id FROM soak_orders"))

            def converged():
                got = {k: {"_email": v.get("_email"), "plan": v.get("plan"), "score": v.get("score")}
                       for k, v in emulator.contacts().items()}
                return got == want_contacts and sorted(e["_event_id"] for e in emulator.events()) == want_events
            wait_for(converged, timeout=180, interval=1, what="the emulator to equal the database")

            connector.signal(signal.SIGTERM)
            self.assertEqual(connector.wait(60), 0, connector.log()[-3000:])
            status = json.loads(connector.command("status", "--json").stdout)
            self.assertEqual(status["dead_letters"], 0)
            stats = emulator.stats()
            self.assertEqual(stats["items"]["events_conflicting"], 0)
            self.assertEqual(stats["items"]["events_skipped_missing_contact"], 0)

            rss = [kb for _, kb in samples]
            print(f"soak {SOAK_SECONDS:.0f} s: {len(want_contacts)} contacts, {len(want_events)} events, "
                  f"{stats['requests']['total']} requests ({json.dumps(stats['requests']['by_status'])}); "
                  f"reconnects {status['counters'].get('source.reconnects.connection_lost', 0)} lost / "
                  f"{status['counters'].get('source.reconnects.connect_failed', 0)} connect; "
                  f"RSS kB start {rss[0]} max {max(rss)} end {rss[-1]}; curve {samples}", file=sys.stderr)
            self.assertGreaterEqual(status["counters"].get("source.reconnects.connection_lost", 0), 1)
            # No growth: the end is within the early plateau (after warm-up) plus slack.
            early = max(rss[:max(2, len(rss) // 3)])
            self.assertLessEqual(rss[-1], early * 1.25 + 8 * 1024, f"RSS grew: {samples}")
        finally:
            if connector.proc and connector.proc.poll() is None:
                connector.proc.kill()
                connector.proc.wait()
            emulator.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
