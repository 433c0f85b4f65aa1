"""SIGKILL at random points of a MariaDB streaming workload (crash_scenario.py)."""

import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import crash_scenario  # noqa: E402
from harness import mariadb, mariadb_json  # noqa: E402


class Mariadb:
    now_sql = "NOW(3)"

    def setup(self, stable):
        mariadb(f"""DROP TABLE IF EXISTS visits, customers;
            CREATE TABLE customers (id BIGINT PRIMARY KEY, email VARCHAR(255), plan VARCHAR(10), counter INT NOT NULL);
            CREATE TABLE visits (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id BIGINT NOT NULL,
                                 sku VARCHAR(40) NOT NULL, created_at DATETIME(3) NOT NULL);
            INSERT INTO customers SELECT seq, CONCAT('u', seq, '@example.com'), 'free', 0 FROM seq_1_to_{stable};""")

    def start_workload(self, path):
        cmd = ["mariadb", "--protocol=TCP", "-h", os.environ["MYSQL_HOST"], "-P", os.environ["MYSQL_PORT"], "-uroot",
               "test"]
        return subprocess.Popen(cmd, stdin=open(path), stdout=subprocess.DEVNULL)

    def customers(self):
        return mariadb_json("JSON_OBJECT('id', id, 'email', email, 'plan', plan, 'counter', counter)", "customers")

    def visit_count(self):
        return int(mariadb("SELECT count(*) FROM visits")[0][0])


class MariadbCrashTest(unittest.TestCase):
    def test_sigkill_at_random_points_loses_nothing(self):
        crash_scenario.run(self, Mariadb(), f"""source:
  kind: mysql
  dsn: "{os.environ['CDC_MYSQL_DSN']}"
  server_id: 5703
""")


if __name__ == "__main__":
    unittest.main(verbosity=2)
