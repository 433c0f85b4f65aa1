"""Source faults on MariaDB: the binlog dump thread killed, binlog rotation
mid-stream (both: resume, 0 lost), and the binlog purged behind the stored
position while stopped (the documented clear stop, exit 1). A server restart
is covered by mysql_e2e_test.py."""

import json
import os
import signal
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, mariadb, mariadb_json, wait_for  # noqa: E402


def create_table(name, rows=20):
    mariadb(f"""DROP TABLE IF EXISTS {name};
               CREATE TABLE {name} (id BIGINT PRIMARY KEY, email VARCHAR(100), plan VARCHAR(20)) ENGINE=InnoDB;
               INSERT INTO {name} SELECT seq, CONCAT('u', seq, '@example.com'), 'free' FROM seq_1_to_{rows};""")


def config(name, emulator, table, server_id):
    return f"""pipeline: {name}
source:
  kind: mysql
  dsn: "{os.environ['CDC_MYSQL_DSN']}"
  server_id: {server_id}
{harness.sink_yaml(emulator)}
state: ./state/{name}.db
mappings:
  - table: {table}
    contact:
      user_id: "{{id}}"
      attributes:
        _email: "{{email}}"
        plan: "{{plan}}"
    on_delete: delete_contact
"""


def expected(table):
    return {str(r["id"]): {"_email": r["email"], "plan": r["plan"]}
            for r in mariadb_json("JSON_OBJECT('id', id, 'email', email, 'plan', plan)", table)}


def dump_threads():
    return [r[0] for r in mariadb("SELECT id FROM information_schema.processlist WHERE command LIKE 'Binlog Dump%'")]


class MariadbFaults(harness.EmulatorCase):

    def assert_in_sync(self, table, timeout=60):
        want = expected(table)
        wait_for(lambda: {k: {"_email": v.get("_email"), "plan": v.get("plan")}
                          for k, v in self.emulator.contacts().items()} == want,
                 timeout=timeout, what=f"emulator contacts equal to {table}")

    def test_killed_dump_thread_and_binlog_rotation_resume_without_loss(self):
        create_table("fk")
        self.connector = Connector(config("faults_kill", self.emulator, "fk", 5711))
        self.connector.start()
        self.assert_in_sync("fk")

        mariadb("INSERT INTO fk SELECT seq, CONCAT('u', seq, '@example.com'), 'pro' FROM seq_21_to_30")
        threads = wait_for(dump_threads, what="the binlog dump thread")
        for thread in threads:
            mariadb(f"KILL {thread}")
        mariadb("INSERT INTO fk SELECT seq, CONCAT('u', seq, '@example.com'), 'pro' FROM seq_31_to_40")
        mariadb("UPDATE fk SET plan = 'gold' WHERE id <= 5")
        self.assert_in_sync("fk")
        wait_for(lambda: dump_threads() and set(dump_threads()) != set(threads), what="a new dump thread")

        # Rotation mid-stream, twice, with changes in between and after.
        mariadb("INSERT INTO fk VALUES (41, 'a@example.com', 'x')")
        mariadb("FLUSH BINARY LOGS")
        mariadb("UPDATE fk SET plan = 'rotated' WHERE id = 41")
        mariadb("FLUSH BINARY LOGS")
        mariadb("DELETE FROM fk WHERE id IN (2, 3)")
        self.assert_in_sync("fk")

        self.connector.signal(signal.SIGTERM)
        self.assertEqual(self.connector.wait(60), 0, self.connector.log())
        self.assertIn("binlog connection lost", self.connector.log())
        status = json.loads(self.connector.command("status", "--json").stdout)
        self.assertGreaterEqual(status["counters"].get("source.reconnects.connection_lost", 0), 1, status)
        self.assertEqual(status["dead_letters"], 0)
        # A restart resumes from the stored position after the rotations: nothing new to send.
        before = self.emulator.stats()["requests"]["total"]
        self.assertEqual(self.connector.run_until_idle(0.5), 0, self.connector.log())
        self.assertLessEqual(self.emulator.stats()["requests"]["total"] - before, 1)

    def test_binlog_purged_behind_the_stored_position_stops_with_exit_1(self):
        create_table("fpg")
        self.connector = Connector(config("faults_purge", self.emulator, "fpg", 5712))
        self.assertEqual(self.connector.run_until_idle(0.5), 0, self.connector.log())
        self.assert_in_sync("fpg")
        # While stopped: changes, then the binlog holding the stored position is purged.
        mariadb("UPDATE fpg SET plan = 'missed' WHERE id = 1")
        first = mariadb("SHOW BINARY LOGS")[0][0]

        def purged():
            # MariaDB keeps a binlog until its XA checkpoint has passed: rotate and retry.
            mariadb("FLUSH BINARY LOGS")
            mariadb(f"PURGE BINARY LOGS TO '{mariadb('SHOW MASTER STATUS')[0][0]}'")
            return mariadb("SHOW BINARY LOGS")[0][0] != first
        wait_for(purged, timeout=30, interval=0.5, what=f"{first} purged")

        self.assertEqual(self.connector.run_until_idle(0.5), 1, self.connector.log())
        self.assertIn("which the server no longer has (purged)", self.connector.log())
        self.assertEqual(self.emulator.contacts()["1"]["plan"], "free", "nothing skipped silently")
        status = json.loads(self.connector.command("status", "--json").stdout)
        self.assertIn("purged", status["state"].get("last_error", ""))


if __name__ == "__main__":
    unittest.main(verbosity=2)
