"""Helpers for end-to-end tests: the real emulator, a real database, the real
connector binary. Standard library only. Servers are started by the test
scripts (tests/lib/with-*.sh); this module drives them."""

import json
import os
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

BINARY_DIR = os.environ.get("CDC_BINARY_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
CONNECTOR = os.path.join(BINARY_DIR, "instasent-cdc")
EMULATOR = os.path.join(BINARY_DIR, "tests", "emulator", "instasent-emulator")

PROJECT, DATASOURCE, TOKEN = "proj_test", "ds_test", "test-token-e2e-0123456789"


def wait_for(predicate, timeout=60.0, interval=0.05, what="condition"):
    """Polls predicate() until it returns a truthy value; raises on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Emulator:
    def __init__(self, *flags):
        self.proc = subprocess.Popen(
            [EMULATOR, "--listen", "127.0.0.1:0", "--credential", f"{PROJECT}:{DATASOURCE}:{TOKEN}", *flags],
            stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise RuntimeError(f"emulator did not start: {line!r}")
        self.url = line[len("listening on "):]

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=30) as resp:
            return json.loads(resp.read() or b"null")

    def post(self, path, body=None):
        req = urllib.request.Request(self.url + path, data=json.dumps(body or {}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            data = resp.read()
            return json.loads(data) if data else None

    def contacts(self):
        return {c["_user_id"]: c for c in self.get("/_emulator/contacts")["contacts"]}

    def events(self):
        return self.get("/_emulator/events")["events"]

    def stats(self):
        return self.get("/_emulator/stats")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def psql(sql, database=None, check=True):
    """Runs SQL with psql (PG* from with-postgres.sh); returns rows as lists of strings."""
    cmd = ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql]
    if database:
        cmd += ["-d", database]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if check and out.returncode != 0:
        raise RuntimeError(f"psql failed: {out.stderr}")
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def psql_json(query):
    """Rows of `query` as a list of dicts, via json_agg (exact types)."""
    out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c",
                          f"SELECT coalesce(json_agg(t), '[]') FROM ({query}) t"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


class Connector:
    """One pipeline's config file and state in a temp dir, and the process."""

    def __init__(self, config_text, workdir=None):
        self.dir = workdir or tempfile.mkdtemp(prefix="cdc-e2e-")
        self.config = os.path.join(self.dir, "pipeline.yaml")
        with open(self.config, "w") as f:
            f.write(config_text)
        self.proc = None
        self.log_path = os.path.join(self.dir, "connector.log")

    def env(self):
        env = dict(os.environ)
        env["INSTASENT_TOKEN"] = TOKEN
        return env

    def command(self, *args, timeout=600):
        """Runs a non-streaming command (validate, status, dlq ...)."""
        return subprocess.run([CONNECTOR, *args, "-c", self.config], capture_output=True, text=True,
                              env=self.env(), timeout=timeout)

    def run_until_idle(self, idle=1.0, timeout=600, extra=()):
        with open(self.log_path, "a") as log:
            out = subprocess.run([CONNECTOR, "run", "-c", self.config, "--until-idle", str(idle),
                                  "--log-format", "text", *extra],
                                 stdout=log, stderr=log, env=self.env(), timeout=timeout)
        return out.returncode

    def start(self, *extra):
        with open(self.log_path, "a") as log:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen([CONNECTOR, "run", "-c", self.config, "--log-format", "text", *extra],
                                         stdout=log, stderr=log, env=self.env())
        return self.proc

    def kill(self):
        """SIGKILL (a crash) if still running, and reap it."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def signal(self, sig):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)

    def wait(self, timeout=120):
        return self.proc.wait(timeout=timeout)

    def log(self):
        with open(self.log_path) as f:
            return f.read()


class EmulatorCase(unittest.TestCase):
    """A test with its own emulator and at most one running connector (killed if a test left it running)."""

    def setUp(self):
        self.emulator = Emulator()
        self.connector = None

    def tearDown(self):
        if self.connector:
            self.connector.kill()
        self.emulator.stop()


def purchase_mapping(table, currency='"{currency}"'):
    """The `purchase` event mapping of an orders table (id, customer_id, amount, created_at)."""
    return f"""  - table: {table}
    event:
      type: purchase
      id: "order-{{id}}"
      user_id: "{{customer_id}}"
      date: "{{created_at}}"
      parameters:
        amount: "{{amount}}"
        currency: {currency}
"""


def sink_yaml(emulator, extra=""):
    return f"""sink:
  kind: instasent
  url: {emulator.url}
  project: {PROJECT}
  datasource: {DATASOURCE}
  token: ${{INSTASENT_TOKEN}}
  linger_ms: 20
{extra}"""


def mariadb(sql, check=True):
    """Runs SQL with the mariadb client against the with-mariadb.sh server; rows as lists of strings."""
    cmd = ["mariadb", "--protocol=TCP", "-h", os.environ["MYSQL_HOST"], "-P", os.environ["MYSQL_PORT"], "-uroot",
           "--default-character-set=utf8mb4", "-N", "-B", "test", "-e", sql]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if check and out.returncode != 0:
        raise RuntimeError(f"mariadb failed: {out.stderr}")
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def mariadb_json(select_json_object, table):
    """Rows as dicts via JSON_ARRAYAGG(JSON_OBJECT(...)) FROM table."""
    rows = mariadb(f"SELECT COALESCE(JSON_ARRAYAGG({select_json_object}), '[]') FROM {table}")
    return json.loads(rows[0][0])


def restart_mariadb():
    """Restarts the server of the enclosing with-mariadb.sh run (same data and port)."""
    script = os.path.join(os.environ["CDC_SOURCE_DIR"], "tests", "lib", "with-mariadb.sh")
    subprocess.run([script, "--restart"], check=True)
