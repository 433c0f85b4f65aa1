"""Security on MariaDB, with a real server: TLS with ssl-mode=VERIFY_IDENTITY
and the test CA (a wrong CA refused with exit 2), and the least-privilege user
of connectors/mysql/README.md (REPLICATION SLAVE, REPLICATION CLIENT = BINLOG
MONITOR, SELECT on the mapped table; REQUIRE SSL) running snapshot and binlog
streaming into the emulator. The server is restarted with the throw-away
certificate (MARIADB_EXTRA_ARGS, same data and port)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, Emulator, mariadb, restart_mariadb, wait_for  # noqa: E402
from security_tls import TlsFiles  # noqa: E402

USER = "cdc_reader"
DB_PASSWORD = "my-secret-Tb6wN3qZ8xK1"


class PasswordConnector(Connector):
    def env(self):
        env = super().env()
        env["CDC_TEST_DB_PASSWORD"] = DB_PASSWORD
        return env


def pipeline(name, emulator, ca):
    port = os.environ["MYSQL_PORT"]
    return f"""pipeline: {name}
source:
  kind: mysql
  dsn: "mysql://{USER}:${{CDC_TEST_DB_PASSWORD}}@127.0.0.1:{port}/test?ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}"
  server_id: 7301
{harness.sink_yaml(emulator)}state: ./state/{name}.db
mappings:
  - table: people
    contact:
      user_id: "{{id}}"
      attributes:
        _email: "{{email}}"
"""


class MariadbSecurity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tls = TlsFiles()
        os.environ["MARIADB_EXTRA_ARGS"] = (f"--ssl-cert={cls.tls.cert} --ssl-key={cls.tls.key} "
                                            f"--ssl-ca={cls.tls.ca}")
        restart_mariadb()
        wait_for(lambda: mariadb("SHOW VARIABLES LIKE 'have_ssl'", check=False) == [["have_ssl", "YES"]],
                 timeout=30, what="MariaDB serving TLS")
        mariadb("DROP TABLE IF EXISTS people;"
                "CREATE TABLE people (id INT PRIMARY KEY, email VARCHAR(100)) ENGINE=InnoDB;"
                "INSERT INTO people VALUES (1, 'ana@example.com'), (2, 'ben@example.com');"
                f"DROP USER IF EXISTS '{USER}'@'127.0.0.1';"
                f"CREATE USER '{USER}'@'127.0.0.1' IDENTIFIED BY '{DB_PASSWORD}' REQUIRE SSL;"
                f"GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '{USER}'@'127.0.0.1';"
                f"GRANT SELECT ON test.people TO '{USER}'@'127.0.0.1';")
        cls.emulator = Emulator()

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    def test_least_privilege_user_snapshots_and_streams_over_verify_identity_tls(self):
        grants = "\n".join(row[0] for row in mariadb(f"SHOW GRANTS FOR '{USER}'@'127.0.0.1'"))
        self.assertIn("REPLICATION SLAVE", grants)
        self.assertNotIn("ALL PRIVILEGES", grants)
        self.assertNotIn("RELOAD", grants)
        connector = PasswordConnector(pipeline("sec_my_tls", self.emulator, self.tls.ca))
        out = connector.command("validate")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertEqual(connector.run_until_idle(0.5), 0, connector.log())
        self.assertEqual({k: v.get("_email") for k, v in self.emulator.contacts().items()},
                         {"1": "ana@example.com", "2": "ben@example.com"})
        mariadb("INSERT INTO people VALUES (3, 'cy@example.com'); UPDATE people SET email = 'ana@example.org' WHERE id = 1")
        self.assertEqual(connector.run_until_idle(0.5), 0, connector.log())
        self.assertEqual({k: v.get("_email") for k, v in self.emulator.contacts().items()},
                         {"1": "ana@example.org", "2": "ben@example.com", "3": "cy@example.com"})
        self.assertNotIn(DB_PASSWORD, connector.log())

    def test_wrong_ca_is_refused_with_exit_2(self):
        connector = PasswordConnector(pipeline("sec_my_wrong_ca", self.emulator, self.tls.wrong_ca))
        self.assertEqual(connector.run_until_idle(0.5, timeout=120), 2, connector.log())
        self.assertRegex(connector.log(), r"(?i)ssl|certificate|tls")
        self.assertNotIn(DB_PASSWORD, connector.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
