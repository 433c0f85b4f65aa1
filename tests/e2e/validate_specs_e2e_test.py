"""`validate` against the live datasource: a config with an attribute typo, an
unknown event type, a purchase without its required currency, a bool attribute
fed from an integer column and a missing column reports each at its
pipeline.yaml line and exits 2, sending nothing; the corrected config exits 0.
Runs on PostgreSQL (with-postgres.sh) or MariaDB (with-mariadb.sh), whichever
server the test was started with."""

import json
import os
import re
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, Emulator  # noqa: E402

MYSQL = "CDC_MYSQL_DSN" in os.environ

if MYSQL:
    SOURCE = f"""source:
  kind: mysql
  dsn: "{os.environ.get('CDC_MYSQL_DSN', '')}"
  server_id: 5790"""
    SCHEMA = """DROP TABLE IF EXISTS orders, customers;
CREATE TABLE customers (id BIGINT PRIMARY KEY, email VARCHAR(200), first_name VARCHAR(100),
  last_name VARCHAR(100), vip TINYINT(1), created_at DATETIME(3)) ENGINE=InnoDB;
CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT, amount DECIMAL(10,2),
  currency CHAR(3), created_at DATETIME(3)) ENGINE=InnoDB;"""
    VIP_OK = "{vip | string}"  # TINYINT(1) holds 0/1: "1"/"0" is what a bool attribute takes
else:
    SOURCE = f"""source:
  kind: postgres
  dsn: "{os.environ.get('CDC_PG_DSN', '')}"
"""
    SCHEMA = """DROP TABLE IF EXISTS orders, customers;
CREATE TABLE customers (id bigint PRIMARY KEY, email text, first_name text, last_name text,
  vip boolean, vip_level int, created_at timestamptz);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, amount numeric(10,2),
  currency char(3), created_at timestamptz);"""
    VIP_OK = "{vip}"

GOOD = """mappings:
  - table: customers
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email}"
        _first_name: "{first_name}"
        _last_name: "{last_name}"
        vip: "%s"
        signup_date: "{created_at | date('%%Y-%%m-%%d')}"
  - table: orders
    event:
      type: purchase
      id: "order-{id}"
      user_id: "{customer_id}"
      date: "{created_at}"
      parameters:
        amount: "{amount}"
        currency: "{currency}"
""" % VIP_OK

# Each broken line carries a marker comment the test finds its line number by.
BAD = """mappings:
  - table: customers
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email}"
        _frist_name: "{first_name}"       # TYPO
        _last_name: "{lastname}"          # COLUMN
        vip: "{%s}"                       # TYPE
  - table: orders
    event:
      type: purchase
      id: "order-{id}"
      user_id: "{customer_id}"
      date: "{created_at}"
      parameters:
        amount: "{amount}"                # REQUIRED
  - table: orders
    event:
      type: order_refunded                # EVENT
      id: "refund-{id}"
      user_id: "{customer_id}"
      date: "{created_at}"
""" % ("vip" if MYSQL else "vip_level")


def run_sql(sql):
    if MYSQL:
        harness.mariadb(sql)
    else:
        harness.psql(sql)


def config(emulator, mappings, name):
    return f"pipeline: {name}\n{SOURCE}\n{harness.sink_yaml(emulator)}state: ./state/v.db\n{mappings}"


def attribute_specs(emulator):
    req = urllib.request.Request(
        f"{emulator.url}/v1/project/{harness.PROJECT}/datasource/{harness.DATASOURCE}/stream/specs/attributes",
        headers={"Authorization": f"Bearer {harness.TOKEN}"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())["specs"]


def line_of(text, marker):
    for number, line in enumerate(text.splitlines(), 1):
        if line.rstrip().endswith("# " + marker):
            return number
    raise AssertionError(f"no line marked {marker}")


class ValidateAgainstTheDatasource(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        run_sql(SCHEMA)
        cls.emulator = Emulator()

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    def test_correct_config_passes(self):
        out = Connector(config(self.emulator, GOOD, "vgood")).command("validate")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("all checks passed", out.stdout)
        self.assertRegex(out.stdout, r"sink default: ok \(project proj_test, datasource ds_test; \d+ attribute")

    def test_each_problem_is_reported_at_its_config_line(self):
        text = config(self.emulator, BAD, "vbad")
        out = Connector(text).command("validate")
        self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
        problems = [line for line in out.stdout.splitlines() if line.startswith("problem: ")]

        def reported(marker, *parts):
            prefix = f"problem: .*pipeline\\.yaml:{line_of(text, marker)}:\\d+: "
            hits = [p for p in problems if re.match(prefix, p) and all(part in p for part in parts)]
            self.assertTrue(hits, f"{marker} {parts} not in:\n" + "\n".join(problems))

        reported("TYPO", "_frist_name", "did you mean '_first_name'")
        reported("COLUMN", "has no column lastname", "did you mean 'last_name'")
        reported("TYPE", "attributes.vip", "bool")
        reported("REQUIRED", "requires parameter 'currency'")
        reported("EVENT", "event type 'order_refunded' does not exist")
        self.assertEqual(len(problems), 5, "\n".join(problems))
        self.assertIn("5 problem(s) found", out.stdout)

        # validate only reads: no contact was written, no custom attribute created.
        self.assertEqual(self.emulator.contacts(), {})
        uids = [a["uid"] for a in attribute_specs(self.emulator)]
        self.assertIn("_first_name", uids)
        self.assertNotIn("_frist_name", uids)

    def test_refused_token_is_a_problem(self):
        connector = Connector(config(self.emulator, GOOD, "vtoken"))
        saved = harness.TOKEN
        try:
            harness.TOKEN = "wrong-token-0123456789"
            out = connector.command("validate")
        finally:
            harness.TOKEN = saved
        self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
        self.assertRegex(out.stdout, r"problem: .*answered 401")
        self.assertNotIn("wrong-token-0123456789", out.stdout + out.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
