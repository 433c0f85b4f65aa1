"""Security on PostgreSQL, with real servers: TLS to the database up to
sslmode=verify-full (and a wrong CA refused), HTTPS to the API with a
configured CA (a wrong CA refused; insecure_skip_verify works and warns), the
least-privilege role of connectors/postgres/README.md running snapshot and
streaming, and no secret in anything the process writes.

The server gets ssl=on with a throw-away CA, and pg_hba.conf accepts only TLS
connections (hostssl), so a connector that did not use TLS could not connect.
HTTPS: the emulator speaks HTTP; socat terminates TLS in front of it."""

import glob
import json
import os
import re
import subprocess
import sys
import unittest
from urllib.parse import urlparse

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, Emulator, psql, wait_for  # noqa: E402
from security_tls import TlsFiles, TlsProxy  # noqa: E402

ROLE = "cdc_reader"
DB_PASSWORD = "db-secret-Kq7uX2pL9wZ4"
WRONG_DB_PASSWORD = "db-wrong-Vt3nB8sJ5mR1"
TOKEN_IN_FILE = "file-token-Hs9dQ4cW2yE6"

CONTACTS = """mappings:
  - table: public.people
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email}"
"""


class TokenEmulator(Emulator):
    """The emulator accepting `token` (the harness's accepts harness.TOKEN)."""

    def __init__(self, token):  # noqa: super().__init__ would start one with harness.TOKEN
        self.proc = subprocess.Popen(
            [harness.EMULATOR, "--listen", "127.0.0.1:0", "--credential",
             f"{harness.PROJECT}:{harness.DATASOURCE}:{token}"], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise RuntimeError(f"emulator did not start: {line!r}")
        self.url = line[len("listening on "):]


class SecretConnector(Connector):
    """A connector whose DSN password comes from the environment."""

    def __init__(self, config_text, db_password=DB_PASSWORD):
        super().__init__(config_text)
        self.db_password = db_password

    def env(self):
        env = super().env()
        env["CDC_TEST_DB_PASSWORD"] = self.db_password
        return env


def dsn(root_ca, user=ROLE, sslmode="verify-full"):
    return (f"host=127.0.0.1 port={os.environ['PGPORT']} dbname=postgres user={user} "
            f"password=${{CDC_TEST_DB_PASSWORD}} sslmode={sslmode} sslrootcert={root_ca}")


def pipeline(name, source_dsn, url, sink_extra="", token_line=f"token: ${{INSTASENT_TOKEN}}"):
    return f"""pipeline: {name}
source:
  kind: postgres
  dsn: "{source_dsn}"
sink:
  kind: instasent
  url: {url}
  project: {harness.PROJECT}
  datasource: {harness.DATASOURCE}
  {token_line}
  linger_ms: 20
{sink_extra}state: ./state/{name}.db
{CONTACTS}"""


class PostgresSecurity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tls = TlsFiles()
        cls.tls.give_key_to("postgres")
        data = os.environ["CDC_PG_DATA"]
        hba = os.path.join(data, "pg_hba.conf")
        with open(hba) as f:
            lines = f.read().splitlines()
        # TLS only over TCP; the least-privilege role authenticates with its password.
        rules = [f"hostssl all {ROLE} 127.0.0.1/32 scram-sha-256",
                 f"hostssl replication {ROLE} 127.0.0.1/32 scram-sha-256"]
        rules += [re.sub(r"^host\s", "hostssl ", line) for line in lines]
        with open(hba, "w") as f:
            f.write("\n".join(rules) + "\n")
        psql(f"ALTER SYSTEM SET ssl_cert_file = '{cls.tls.cert}'")
        psql(f"ALTER SYSTEM SET ssl_key_file = '{cls.tls.key}'")
        psql("ALTER SYSTEM SET ssl = on")
        psql("SELECT pg_reload_conf()")
        wait_for(lambda: psql("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", check=False) == [["t"]],
                 timeout=30, what="PostgreSQL serving TLS")
        psql("DROP TABLE IF EXISTS people; CREATE TABLE people (id int PRIMARY KEY, email text);"
             "INSERT INTO people VALUES (1, 'ana@example.com'), (2, 'ben@example.com');"
             f"CREATE ROLE {ROLE} LOGIN REPLICATION PASSWORD '{DB_PASSWORD}';"
             f"GRANT SELECT ON people TO {ROLE};")
        # The admin pre-creates each pipeline's publication: the role owns no table.
        for name in ("sec_pg_tls", "sec_pg_wrong_ca", "sec_pg_https", "sec_pg_secrets"):
            psql(f"CREATE PUBLICATION instasent_{name} FOR TABLE people")
        cls.emulator = Emulator()
        cls.proxy = TlsProxy(cls.tls, urlparse(cls.emulator.url).port)

    @classmethod
    def tearDownClass(cls):
        cls.proxy.stop()
        cls.emulator.stop()

    def test_least_privilege_role_snapshots_and_streams_over_verify_full_tls(self):
        role = psql(f"SELECT rolsuper, rolreplication, rolcreatedb FROM pg_roles WHERE rolname = '{ROLE}'")
        self.assertEqual(role, [["f", "t", "f"]])
        connector = SecretConnector(pipeline("sec_pg_tls", dsn(self.tls.ca), self.proxy.url,
                                             sink_extra=f"  ca_file: {self.tls.ca}\n"))
        out = connector.command("validate")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertEqual(connector.run_until_idle(0.5), 0, connector.log())
        self.assertEqual({k: v.get("_email") for k, v in self.emulator.contacts().items()},
                         {"1": "ana@example.com", "2": "ben@example.com"})
        psql("INSERT INTO people VALUES (3, 'cy@example.com'); UPDATE people SET email = 'ana@example.org' WHERE id = 1")
        self.assertEqual(connector.run_until_idle(0.5), 0, connector.log())
        self.assertEqual({k: v.get("_email") for k, v in self.emulator.contacts().items()},
                         {"1": "ana@example.org", "2": "ben@example.com", "3": "cy@example.com"})
        # Both connections (walsender and snapshot/catalog) were TLS: pg_hba accepts nothing else.
        self.assertNotIn("no encryption", connector.log())

    def test_wrong_database_ca_is_refused_with_exit_2(self):
        connector = SecretConnector(pipeline("sec_pg_wrong_ca", dsn(self.tls.wrong_ca), self.proxy.url,
                                             sink_extra=f"  ca_file: {self.tls.ca}\n"))
        self.assertEqual(connector.run_until_idle(0.5, timeout=120), 2, connector.log())
        self.assertIn("certificate verify failed", connector.log())
        out = connector.command("validate")
        self.assertEqual(out.returncode, 2)
        self.assertIn("certificate verify failed", out.stdout + out.stderr)

    def test_https_needs_the_right_ca_unless_insecure_skip_verify_which_warns(self):
        wrong = SecretConnector(pipeline("sec_pg_https", dsn(self.tls.ca), self.proxy.url,
                                         sink_extra=f"  ca_file: {self.tls.wrong_ca}\n"))
        code = wrong.run_until_idle(0.5, timeout=120)
        self.assertEqual(code, 2, wrong.log())
        self.assertRegex(wrong.log(), r"(?i)certificate")
        self.assertNotIn("verification is OFF", wrong.log())

        insecure = SecretConnector(pipeline("sec_pg_https", dsn(self.tls.ca), self.proxy.url,
                                            sink_extra=f"  ca_file: {self.tls.wrong_ca}\n"
                                                       "  insecure_skip_verify: true\n"))
        self.assertEqual(insecure.run_until_idle(0.5), 0, insecure.log())
        self.assertIn("TLS certificate verification is OFF (insecure_skip_verify: true)", insecure.log())
        self.assertIn("1", self.emulator.contacts())

    def test_no_secret_in_anything_the_process_writes(self):
        token_file = os.path.join(self.tls.dir, "instasent.token")
        with open(token_file, "w") as f:
            f.write(TOKEN_IN_FILE + "\n")
        own = TokenEmulator(TOKEN_IN_FILE)
        refusing = Emulator()  # knows another token: every request gets 401
        try:
            text = pipeline("sec_pg_secrets", dsn(self.tls.ca), "URL", token_line=f"token_file: {token_file}")
            good = SecretConnector(text.replace("URL", own.url))
            outputs = []

            def record(result):
                outputs.extend([result.stdout, result.stderr])
                return result

            record(good.command("validate"))
            psql("INSERT INTO people VALUES (40, 'not-an-email') ON CONFLICT DO NOTHING")
            self.assertEqual(good.run_until_idle(0.5), 0, good.log())
            self.assertTrue(own.contacts(), "the run with good secrets sent contacts")
            for args in (("status",), ("status", "--json"), ("dlq", "list"), ("dlq", "list", "--json")):
                result = record(good.command(*args))
                self.assertEqual(result.returncode, 0, result.stderr)
            letters = [json.loads(line) for line in outputs[-2].splitlines()]
            self.assertEqual([letter["user_id"] for letter in letters], ["40"])

            unauthorized = SecretConnector(text.replace("URL", refusing.url), DB_PASSWORD)
            self.assertEqual(unauthorized.run_until_idle(0.5, timeout=120), 2, unauthorized.log())
            self.assertIn("401", unauthorized.log())
            record(unauthorized.command("status", "--json"))

            bad_password = SecretConnector(text.replace("URL", own.url), WRONG_DB_PASSWORD)
            self.assertEqual(bad_password.run_until_idle(0.5, timeout=120), 2, bad_password.log())
            self.assertIn("password authentication failed", bad_password.log())
            record(bad_password.command("validate"))
            record(bad_password.command("status", "--json"))

            written = "".join(outputs).encode()
            for c in (good, unauthorized, bad_password):
                written += c.log().encode()
                for path in glob.glob(os.path.join(c.dir, "state", "*")):
                    with open(path, "rb") as f:
                        written += f.read()
            self.assertIn(b"sec_pg_secrets", written)  # we did read what was written
            for secret in (TOKEN_IN_FILE, DB_PASSWORD, WRONG_DB_PASSWORD):
                self.assertNotIn(secret.encode(), written, f"a secret was written: {secret[:6]}...")
        finally:
            own.stop()
            refusing.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
