"""Source faults on PostgreSQL, each ending with the emulator's state equal to
the database-derived state (0 lost) or with the documented clear stop (exit
code and message checked): a terminated walsender and a server restart
(resume), a lost slot, a publication missing a mapped table (at start and
while running), failover to a server without the slot; and an idle mapped
database on a busy server whose slot keeps moving (heartbeat)."""

import json
import os
import signal
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, psql, psql_json, wait_for  # noqa: E402

WITH_POSTGRES = os.path.join(os.environ.get("CDC_SOURCE_DIR", ""), "tests", "lib", "with-postgres.sh")


def restart_postgres(immediate=False):
    subprocess.run([WITH_POSTGRES, "--restart"] + (["immediate"] if immediate else []), check=True)


def create_tables(prefix, rows=20):
    psql(f"""DROP TABLE IF EXISTS {prefix}_customers, {prefix}_orders;
             CREATE TABLE {prefix}_customers (id bigint PRIMARY KEY, email text, plan text);
             CREATE TABLE {prefix}_orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, amount int NOT NULL,
                                           created_at timestamptz NOT NULL DEFAULT now());
             INSERT INTO {prefix}_customers SELECT g, 'u' || g || '@example.com', 'free'
               FROM generate_series(1, {rows}) g;""")


def config(name, emulator, prefix, source_extra="", dsn=None):
    return f"""pipeline: {name}
source:
  kind: postgres
  dsn: "{dsn or os.environ['CDC_PG_DSN']}"
{source_extra}
{harness.sink_yaml(emulator)}
state: ./state/{name}.db
mappings:
  - table: public.{prefix}_customers
    contact:
      user_id: "{{id}}"
      attributes:
        _email: "{{email}}"
        plan: "{{plan}}"
    on_delete: delete_contact
{harness.purchase_mapping(f"public.{prefix}_orders", '"EUR"')}"""


def expected_contacts(prefix):
    return {str(r["id"]): {"_email": r["email"], "plan": r["plan"]}
            for r in psql_json(f"SELECT id, email, plan FROM {prefix}_customers")}


def contacts_state(emulator):
    return {k: {"_email": v.get("_email"), "plan": v.get("plan")} for k, v in emulator.contacts().items()}


def slot_row(slot):
    rows = psql_json(f"SELECT active_pid, confirmed_flush_lsn::text AS lsn, wal_status FROM pg_replication_slots "
                     f"WHERE slot_name = '{slot}'")
    return rows[0] if rows else None


def lsn_int(text):
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def drop_slot(slot):
    wait_for(lambda: (slot_row(slot) or {}).get("active_pid") is None, timeout=30, what=f"slot {slot} released")
    psql(f"SELECT pg_drop_replication_slot('{slot}') FROM pg_replication_slots WHERE slot_name = '{slot}'")


class PostgresFaults(harness.EmulatorCase):

    def assert_in_sync(self, prefix, timeout=60):
        want = expected_contacts(prefix)
        wait_for(lambda: contacts_state(self.emulator) == want, timeout=timeout,
                 what=f"emulator contacts equal to {prefix}_customers")

    def test_terminated_walsender_and_server_restart_resume_without_loss(self):
        create_tables("fr")
        self.connector = Connector(config("faults_restart", self.emulator, "fr", "  heartbeat: {interval: 1s}"))
        self.connector.start()
        self.assert_in_sync("fr")

        psql("INSERT INTO fr_customers SELECT g, 'u' || g || '@example.com', 'pro' FROM generate_series(21, 30) g")
        pid = wait_for(lambda: (slot_row("instasent_faults_restart") or {}).get("active_pid"), what="walsender")
        psql(f"SELECT pg_terminate_backend({pid})")
        # Written while the connector reconnects.
        psql("INSERT INTO fr_customers SELECT g, 'u' || g || '@example.com', 'pro' FROM generate_series(31, 40) g")
        psql("UPDATE fr_customers SET plan = 'gold' WHERE id <= 5")
        self.assert_in_sync("fr")
        wait_for(lambda: (slot_row("instasent_faults_restart") or {}).get("active_pid") not in (None, pid),
                 what="a new walsender")

        restart_postgres()
        psql("INSERT INTO fr_customers SELECT g, 'u' || g || '@example.com', 'new' FROM generate_series(41, 50) g")
        psql("DELETE FROM fr_customers WHERE id IN (2, 3)")
        psql("INSERT INTO fr_orders VALUES (1, 41, 10), (2, 42, 20)")
        self.assert_in_sync("fr", timeout=90)
        wait_for(lambda: len(self.emulator.events()) == 2, what="both events")

        self.connector.signal(signal.SIGTERM)
        self.assertEqual(self.connector.wait(60), 0, self.connector.log())
        log = self.connector.log()
        self.assertIn("reconnecting in", log)
        status = json.loads(self.connector.command("status", "--json").stdout)
        self.assertGreaterEqual(status["counters"].get("source.reconnects.connection_lost", 0), 2, status)
        self.assertEqual(status["dead_letters"], 0)

    def test_lost_slot_stops_with_exit_1_and_resnapshot_recovers(self):
        create_tables("fl")
        self.connector = Connector(config("faults_lost", self.emulator, "fl"))
        self.assertEqual(self.connector.run_until_idle(0.5), 0, self.connector.log())
        self.assert_in_sync("fl")
        slot = "instasent_faults_lost"
        # While stopped: more WAL than max_slot_wal_keep_size lets the slot keep.
        psql("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'")
        psql("SELECT pg_reload_conf()")
        try:
            psql("UPDATE fl_customers SET plan = 'changed-while-stopped' WHERE id = 1")

            def lost():
                psql("INSERT INTO fl_orders SELECT g, 1, 1 FROM generate_series(1, 2000) g ON CONFLICT DO NOTHING; "
                     "DELETE FROM fl_orders")
                psql("SELECT pg_switch_wal()")
                psql("CHECKPOINT")
                return slot_row(slot)["wal_status"] == "lost"
            wait_for(lost, timeout=60, interval=0.2, what="the slot to be lost")
        finally:
            psql("ALTER SYSTEM RESET max_slot_wal_keep_size")
            psql("SELECT pg_reload_conf()")

        self.assertEqual(self.connector.run_until_idle(0.5), 1, self.connector.log())
        self.assertIn(f"replication slot {slot} is lost", self.connector.log())
        status = json.loads(self.connector.command("status", "--json").stdout)
        self.assertIn("is lost", status["state"].get("last_error", ""))
        self.assertEqual(expected_contacts("fl")["1"]["plan"], "changed-while-stopped")
        self.assertEqual(self.emulator.contacts()["1"]["plan"], "free", "nothing was skipped silently")

        # Documented recovery: drop the slot, run with --resnapshot.
        drop_slot(slot)
        self.assertEqual(self.connector.run_until_idle(0.5, extra=("--resnapshot",)), 0, self.connector.log())
        self.assert_in_sync("fl")

    def test_publication_missing_a_mapped_table_stops_with_exit_2(self):
        create_tables("fp")
        psql("DROP PUBLICATION IF EXISTS fp_pub; CREATE PUBLICATION fp_pub FOR TABLE fp_customers")
        self.connector = Connector(config("faults_pub", self.emulator, "fp", "  publication: fp_pub\n"
                                          "  heartbeat: {interval: 1s}"))
        # At start: the existing publication does not cover fp_orders.
        self.assertEqual(self.connector.run_until_idle(0.5), 2, self.connector.log())
        self.assertIn("publication fp_pub does not include table public.fp_orders", self.connector.log())
        self.assertIn('ALTER PUBLICATION "fp_pub" ADD TABLE "public"."fp_orders"', self.connector.log())
        self.assertEqual(self.emulator.contacts(), {})

        # While running: the table leaves the publication.
        psql("ALTER PUBLICATION fp_pub ADD TABLE fp_orders")
        self.connector.start()
        self.assert_in_sync("fp")
        psql("INSERT INTO fp_orders VALUES (1, 1, 5)")
        wait_for(lambda: len(self.emulator.events()) == 1, what="the first event")
        psql("ALTER PUBLICATION fp_pub DROP TABLE fp_orders")
        psql("INSERT INTO fp_orders VALUES (2, 2, 6)")  # not in the stream any more
        self.assertEqual(self.connector.wait(30), 2, self.connector.log())
        self.assertIn("the publication changed while running: publication fp_pub does not include table "
                      "public.fp_orders", self.connector.log())
        self.assertIn("--resnapshot", self.connector.log())

        # Documented recovery: put the table back, read the tables again.
        psql("ALTER PUBLICATION fp_pub ADD TABLE fp_orders")
        self.assertEqual(self.connector.run_until_idle(0.5, extra=("--resnapshot",)), 0, self.connector.log())
        self.assert_in_sync("fp")
        self.assertEqual(sorted(e["_event_id"] for e in self.emulator.events()), ["order-1", "order-2"])

    def test_failover_to_a_server_without_the_slot_stops_and_creates_no_slot(self):
        create_tables("ff")
        self.connector = Connector(config("faults_failover", self.emulator, "ff", dsn="${CDC_PG_DSN}"))
        self.assertEqual(self.connector.run_until_idle(0.5), 0, self.connector.log())
        self.assert_in_sync("ff")
        # A fresh server (another with-postgres.sh run) with the same tables: the "promoted replica".
        script = ("psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE TABLE ff_customers (id bigint PRIMARY KEY, email text, "
                  "plan text); CREATE TABLE ff_orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, amount int "
                  "NOT NULL, created_at timestamptz NOT NULL DEFAULT now())' && "
                  "\"$0\" run -c \"$1\" --until-idle 0.5 --log-format text; echo \"exit=$?\"; "
                  "psql -X -A -t -c 'SELECT count(*) FROM pg_replication_slots' | sed 's/^/slots=/'")
        out = subprocess.run([WITH_POSTGRES, "bash", "-c", script, harness.CONNECTOR, self.connector.config],
                             capture_output=True, text=True, env=self.connector.env(), timeout=120)
        text = out.stdout + out.stderr
        self.assertIn("exit=1", text)
        self.assertIn("slots=0", text, "no new slot that would skip data")
        self.assertIn("replication slot instasent_faults_failover does not exist on this server, but this pipeline "
                      "has streamed from it before", text)
        self.assertIn("--resnapshot", text)

        # The same on this server when the slot was dropped while stopped.
        drop_slot("instasent_faults_failover")
        self.assertEqual(self.connector.run_until_idle(0.5), 1, self.connector.log())
        self.assertIsNone(slot_row("instasent_faults_failover"))
        self.assertEqual(self.connector.run_until_idle(0.5, extra=("--resnapshot",)), 0, self.connector.log())
        self.assert_in_sync("ff")
        drop_slot("instasent_faults_failover")

    def test_idle_database_on_a_busy_server_keeps_its_slot_moving(self):
        create_tables("fh")
        psql("DROP DATABASE IF EXISTS fh_busy")
        psql("CREATE DATABASE fh_busy")
        self.connector = Connector(config("faults_idle", self.emulator, "fh",
                                          "  heartbeat: {interval: 1s}\n  lag_warning: {bytes: 1GB, seconds: 5m}"))
        self.connector.start()
        self.assert_in_sync("fh")
        slot = "instasent_faults_idle"
        start = lsn_int(slot_row(slot)["lsn"])
        psql("CREATE TABLE churn (id int, pad text)", database="fh_busy")
        for _ in range(5):
            psql("INSERT INTO churn SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g; DELETE FROM churn",
                 database="fh_busy")
        busy_end = lsn_int(psql("SELECT pg_current_wal_lsn()::text")[0][0])
        self.assertGreater(busy_end - start, 10 * 1024 * 1024)
        # The mapped database wrote nothing; its slot must still move past the busy database's WAL.
        wait_for(lambda: lsn_int(slot_row(slot)["lsn"]) >= busy_end, timeout=60, interval=0.2,
                 what="confirmed_flush_lsn past the other database's WAL")
        self.connector.signal(signal.SIGTERM)
        self.assertEqual(self.connector.wait(60), 0, self.connector.log())
        log = self.connector.log()
        self.assertNotIn("clock", log, "no clock warning against a server on this host")
        self.assertNotIn("lag_warning", log)
        psql("DROP DATABASE fh_busy")
        drop_slot(slot)

    def test_lag_over_the_threshold_is_warned(self):
        create_tables("fw", rows=300)
        self.emulator.post("/_emulator/faults", {"latency_ms": 3000})
        self.connector = Connector(config("faults_lag", self.emulator, "fw", "  lag_warning: {bytes: 0, seconds: 1}"))
        self.connector.start()
        wait_for(lambda: "over the lag_warning threshold" in self.connector.log(), timeout=60,
                 what="the lag warning")
        self.emulator.post("/_emulator/faults", {"latency_ms": 0})
        self.assert_in_sync("fw")
        self.connector.signal(signal.SIGTERM)
        self.assertEqual(self.connector.wait(60), 0, self.connector.log())
        drop_slot("instasent_faults_lag")


if __name__ == "__main__":
    unittest.main(verbosity=2)
