"""SIGKILL at random points of a PostgreSQL streaming workload (crash_scenario.py)."""

import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import crash_scenario  # noqa: E402
from harness import psql, psql_json  # noqa: E402


class Postgres:
    now_sql = "now()"

    def setup(self, stable):
        psql(f"""DROP TABLE IF EXISTS visits, customers;
                 CREATE TABLE customers (id bigint PRIMARY KEY, email text, plan text, counter int NOT NULL);
                 CREATE TABLE visits (id bigserial PRIMARY KEY, customer_id bigint NOT NULL, sku text NOT NULL,
                                      created_at timestamptz NOT NULL);
                 INSERT INTO customers SELECT g, 'u' || g || '@example.com', 'free', 0
                 FROM generate_series(1, {stable}) g;""")

    def start_workload(self, path):
        return subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", path], stdout=subprocess.DEVNULL)

    def customers(self):
        return psql_json("SELECT id, email, plan, counter FROM customers")

    def visit_count(self):
        return int(psql("SELECT count(*) FROM visits")[0][0])


class PostgresCrashTest(unittest.TestCase):
    def test_sigkill_at_random_points_loses_nothing(self):
        crash_scenario.run(self, Postgres(), f"""source:
  kind: postgres
  dsn: "{os.environ['CDC_PG_DSN']}"
""")


if __name__ == "__main__":
    unittest.main(verbosity=2)
