"""End to end on MariaDB: snapshot, then binlog streaming, into the emulator,
across DDL and a server restart; the emulator's final state must equal the
state derived from the database."""

import os
import signal
import sys
import unittest
from decimal import Decimal

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, Emulator, mariadb, mariadb_json, wait_for  # noqa: E402

SCHEMA = """
DROP TABLE IF EXISTS orders, customers;
CREATE TABLE customers (
  id BIGINT PRIMARY KEY,
  email VARCHAR(255) CHARACTER SET utf8mb4,
  first_name VARCHAR(100) CHARACTER SET latin1,
  plan ENUM('free', 'pro', 'team'),
  tags SET('news', 'sms', 'vip'),
  score DECIMAL(12,4),
  visits INT UNSIGNED,
  born DATE,
  last_seen DATETIME(3),
  notes TEXT
) ENGINE=InnoDB;
CREATE TABLE orders (
  id BIGINT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  amount DECIMAL(10,2) NOT NULL,
  currency CHAR(3) NOT NULL,
  created_at DATETIME(3) NOT NULL
) ENGINE=InnoDB;
"""

MAPPINGS = """
mappings:
  - table: customers
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email}"
        _first_name: "{first_name}"
        plan: "{plan}"
        tags: "{tags}"
        score: "{score}"
        visits: "{visits}"
        born: "{born}"
        last_seen: "{last_seen}"
""" + harness.purchase_mapping("orders")

CUSTOMER_JSON = ("JSON_OBJECT('id', id, 'email', email, 'first_name', first_name, 'plan', plan, 'tags', tags, "
                 "'score', score, 'visits', visits, 'born', born, 'last_seen', last_seen)")


def expected_contacts():
    out = {}
    for r in mariadb_json(CUSTOMER_JSON, "customers"):
        last_seen = r["last_seen"].replace(" ", "T") if r["last_seen"] is not None else None
        out[str(r["id"])] = {"_user_id": str(r["id"]), "_email": r["email"], "_first_name": r["first_name"],
                             "plan": r["plan"], "tags": r["tags"], "score": r["score"], "visits": r["visits"],
                             "born": r["born"], "last_seen": last_seen}
    return out


class MariadbEndToEnd(unittest.TestCase):
    def assert_contacts_match_database(self, emulator):
        got, want = emulator.contacts(), expected_contacts()
        self.assertEqual(sorted(got), sorted(want))
        for user_id, contact in want.items():
            for key, value in contact.items():
                if key == "score" and value is not None:
                    self.assertEqual(Decimal(str(got[user_id][key])), Decimal(str(value)), f"{user_id}.{key}")
                else:
                    self.assertEqual(got[user_id].get(key), value, f"{user_id}.{key}")

    def test_snapshot_streaming_ddl_and_server_restart(self):
        mariadb(SCHEMA)
        mariadb("""INSERT INTO customers VALUES
          (1, 'ana@example.com', 'Ana', 'free', 'news,sms', 1.5, 4000000000, '1990-05-17', '2024-01-02 03:04:05.678', NULL),
          (2, 'jose@example.com', 'José', 'pro', '', -2.25, 0, NULL, NULL, 'x'),
          (3, 'zoe@example.com', 'Zoë', NULL, NULL, NULL, NULL, '2000-02-29', '2023-12-31 23:59:59.999', NULL)""")
        mariadb("INSERT INTO orders VALUES (1, 1, 49.90, 'EUR', '2024-03-01 10:00:00.250'), "
                "(2, 2, 5.00, 'USD', '2024-03-02 11:30:00.000')")
        emulator = Emulator()
        try:
            connector = Connector(f"""pipeline: e2e_my
source:
  kind: mysql
  dsn: "{os.environ['CDC_MYSQL_DSN']}"
  server_id: 5702
{harness.sink_yaml(emulator)}
state: ./state/e2e.db
{MAPPINGS}""")
            self.assertEqual(connector.run_until_idle(1.0), 0, connector.log())
            self.assert_contacts_match_database(emulator)
            events = {e["_event_id"]: e for e in emulator.events()}
            self.assertEqual(sorted(events), ["order-1", "order-2"])
            self.assertEqual(events["order-1"]["_event_date"], "2024-03-01T10:00:00.250Z")
            self.assertEqual(Decimal(str(events["order-1"]["_event_parameters"]["amount"])), Decimal("49.90"))

            # Streaming with the connector running: changes, DDL, a server restart, more changes.
            connector.start()
            mariadb("INSERT INTO customers VALUES (4, 'new@example.com', 'Nuño', 'team', 'vip', 10, 1, "
                    "'1985-01-01', '2024-06-01 12:00:00.001', NULL)")
            mariadb("UPDATE customers SET plan = NULL, score = 99999999.9999 WHERE id = 1")
            mariadb("DELETE FROM customers WHERE id = 3")
            mariadb("UPDATE customers SET id = 20 WHERE id = 2")
            mariadb("START TRANSACTION; INSERT INTO orders VALUES (3, 4, 19.99, 'EUR', NOW(3)); "
                    "UPDATE customers SET visits = visits + 1 WHERE id = 4; COMMIT")
            wait_for(lambda: "order-3" in {e["_event_id"] for e in emulator.events()}, what="order-3")
            # Columns move: a new first column, and an unmapped column renamed.
            mariadb("ALTER TABLE customers ADD COLUMN nickname VARCHAR(20) FIRST")
            mariadb("ALTER TABLE customers CHANGE notes remarks TEXT")
            mariadb("UPDATE customers SET nickname = 'n', first_name = 'Ánä', tags = 'sms,vip' WHERE id = 1")
            wait_for(lambda: emulator.contacts().get("1", {}).get("_first_name") == "Ánä", what="update after DDL")

            harness.restart_mariadb()
            mariadb("INSERT INTO customers (id, email, first_name, plan) VALUES (5, 'after@example.com', 'After', 'pro')")
            mariadb("UPDATE customers SET email = 'ana2@example.com' WHERE id = 1")
            wait_for(lambda: emulator.contacts().get("1", {}).get("_email") == "ana2@example.com"
                     and "5" in emulator.contacts(), timeout=90, what="changes after the server restart")
            connector.signal(signal.SIGTERM)
            self.assertEqual(connector.wait(60), 0, connector.log()[-3000:])

            self.assert_contacts_match_database(emulator)
            self.assertEqual(len(emulator.events()), 3)
            self.assertEqual(emulator.stats()["items"]["events_conflicting"], 0)
            status = connector.command("status")
            self.assertEqual(status.returncode, 0, status.stderr)
        finally:
            emulator.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
