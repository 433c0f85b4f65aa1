"""The admin endpoint and `status` on PostgreSQL: /readyz before and after the
pipeline is up, /healthz, /metrics scraped during the run and after it went
idle with every counter equal to what the emulator received, the endpoint on
127.0.0.1 only, SIGHUP, and `status --json` agreeing with the emulator after the run."""

import json
import os
import re
import signal
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import Connector, Emulator, psql, wait_for  # noqa: E402

MAPPINGS = """  - table: public.customers
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email}"
    on_delete: delete_contact
""" + harness.purchase_mapping("public.orders", '"EUR"')

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')


def parse_metrics(text):
    """Prometheus text format → {(name, frozenset(labels)): value}; checks every line's syntax."""
    series = {}
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise AssertionError(f"not a Prometheus sample line: {line!r}")
        labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        series[(m.group(1), labels)] = float(m.group(3))
    return series


def total(series, name, **match):
    want = set(match.items())
    return sum(v for (n, labels), v in series.items() if n == name and want <= set(labels))


def http_get(url):
    """(status, content type, body) of a GET; 4xx/5xx are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()


def listening_addresses(port):
    """Local addresses of the TCP sockets listening on `port` (from /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as f:
            next(f)
            for row in f:
                cols = row.split()
                address, hex_port = cols[1].rsplit(":", 1)
                if int(hex_port, 16) == port and cols[3] == "0A":  # 0A: LISTEN
                    found.append(address)
    return found


class AdminEndpoint(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        psql("DROP TABLE IF EXISTS customers, orders;"
             "CREATE TABLE customers (id int PRIMARY KEY, email text);"
             "CREATE TABLE orders (id int PRIMARY KEY, customer_id int, amount numeric, created_at timestamptz);"
             "INSERT INTO customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 20) g;"
             "INSERT INTO customers VALUES (21, 'not-an-email');"
             "INSERT INTO orders SELECT g, g, g * 1.5, now() FROM generate_series(1, 10) g;"
             "ANALYZE customers, orders")  # the snapshot's estimates come from pg_class.reltuples
        # A slow first answer keeps the sink's credential probe (and so readiness) pending
        # long enough to look at /readyz before the pipeline is ready.
        cls.emulator = Emulator("--latency-ms", "2500")

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    def test_metrics_health_readiness_and_status_match_the_emulator(self):
        em = self.emulator
        connector = Connector(f"""pipeline: admin_pg
source:
  kind: postgres
  dsn: "{os.environ['CDC_PG_DSN']}"
{harness.sink_yaml(em)}
state: ./state/admin.db
admin:
  listen: 127.0.0.1:0
mappings:
{MAPPINGS}""")
        connector.start()
        try:
            line = wait_for(lambda: re.search(r"admin endpoint listening on (http://127\.0\.0\.1:(\d+))",
                                              connector.log()), timeout=30, what="the admin endpoint's log line")
            base, port = line.group(1), int(line.group(2))

            # Before the sink's credentials are accepted: alive, not ready.
            status, _, body = http_get(base + "/readyz")
            self.assertEqual(status, 503, body)
            self.assertEqual(http_get(base + "/healthz")[0], 200)
            em.post("/_emulator/faults", {"latency_ms": 0})

            wait_for(lambda: http_get(base + "/readyz")[0] == 200, timeout=30, what="/readyz 200")
            self.assertEqual(listening_addresses(port), ["0100007F"], "the endpoint listens on 127.0.0.1 only")
            self.assertEqual(http_get(base + "/nothing-here")[0], 404)

            # During the run: the snapshot arrives; counters are valid Prometheus text.
            wait_for(lambda: em.stats()["items"]["events_accepted"] == 10, timeout=30, what="snapshot events")
            status, content_type, text = http_get(base + "/metrics")
            self.assertEqual(status, 200)
            self.assertTrue(content_type.startswith("text/plain; version=0.0.4"), content_type)
            during = parse_metrics(text)
            self.assertEqual(total(during, "instasent_cdc_source_connected"), 1)
            self.assertEqual(total(during, "instasent_cdc_sink_authorized"), 1)

            running = json.loads(connector.command("status", "--json").stdout)
            self.assertTrue(running["running"])

            # Streaming: more contacts, an event dated 3 h ago (outside the automation window), a delete.
            psql("INSERT INTO customers VALUES (22, 'c22@example.com'), (23, 'c23@example.com');"
                 "INSERT INTO orders VALUES (11, 22, 9.99, now()), (12, 23, 5, now() - interval '3 hours');"
                 "DELETE FROM customers WHERE id = 5")
            wait_for(lambda: em.stats()["items"]["contacts_deleted"] == 1
                     and em.stats()["items"]["events_accepted"] == 12, timeout=30, what="streamed changes")

            def settled():
                m = parse_metrics(http_get(base + "/metrics")[2])
                return m if (total(m, "instasent_cdc_sink_buffered_records") == 0
                             and total(m, "instasent_cdc_sink_in_flight_requests") == 0
                             and total(m, "instasent_cdc_dead_letters") == 1) else None
            after = wait_for(settled, timeout=30, what="an idle pipeline")
            stats = em.stats()
            items = stats["items"]
            records = "instasent_cdc_sink_records_total"
            self.assertEqual(total(after, records, kind="contact_upsert", outcome="accepted"),
                             items["contacts_accepted"])
            self.assertEqual(total(after, records, kind="contact_upsert", outcome="rejected"),
                             items["contacts_rejected"])
            self.assertEqual(items["contacts_rejected"], 1)
            self.assertEqual(total(after, records, kind="event", outcome="accepted"), items["events_accepted"])
            self.assertEqual(total(after, records, kind="event", outcome="rejected"), items["events_rejected"])
            self.assertEqual(total(after, records, kind="contact_delete", outcome="accepted"),
                             items["contacts_deleted"])
            self.assertEqual(total(after, records, outcome="dead_lettered"), 0)
            self.assertEqual(len(em.contacts()), 23 - 1 - 1)  # 23 rows, one rejected, one deleted
            self.assertEqual(len(em.events()), 12)
            # Every HTTP request the emulator answered, by status code.
            for code, count in stats["requests"]["by_status"].items():
                self.assertEqual(total(after, "instasent_cdc_sink_requests_total", code=code), count, code)
            self.assertEqual(total(after, "instasent_cdc_sink_requests_total"), stats["requests"]["total"])
            self.assertEqual(total(after, "instasent_cdc_sink_batches_total"),
                             stats["requests"]["total"] - 1)  # all but the credential probe
            self.assertEqual(total(after, "instasent_cdc_events_outside_window_total"),
                             items["events_outside_window"])
            self.assertEqual(items["events_outside_window"], 1)
            self.assertEqual(total(after, "instasent_cdc_source_changes_total"), 21 + 10 + 2 + 2 + 1)
            self.assertEqual(total(after, "instasent_cdc_snapshot_rows"), 31)
            self.assertEqual(total(after, "instasent_cdc_snapshot_rows_estimated"), 31)
            for table, rows in (("public.customers", 21), ("public.orders", 10)):
                self.assertEqual(total(after, "instasent_cdc_snapshot_table_rows", table=table), rows)
                self.assertEqual(total(after, "instasent_cdc_snapshot_table_rows_estimated", table=table), rows)
            self.assertEqual(total(after, "instasent_cdc_sink_retries_total"), 0)
            self.assertEqual(total(after, "instasent_cdc_sink_rate_limited_total"), 0)
            self.assertGreaterEqual(total(after, "instasent_cdc_source_lag_bytes"), 0)
            self.assertEqual(total(after, "instasent_cdc_queue_depth_chunks"), 0)
            self.assertEqual(http_get(base + "/healthz")[0], 200)
            self.assertEqual(http_get(base + "/readyz")[0], 200)

            # Logs go to stderr only: SIGHUP reopens nothing, says so once, and the run goes on.
            connector.signal(signal.SIGHUP)
            wait_for(lambda: "SIGHUP: reopening logs" in connector.log(), timeout=10,
                     what="the SIGHUP log line")
            self.assertIsNone(connector.proc.poll())
            self.assertEqual(http_get(base + "/healthz")[0], 200)
        finally:
            connector.signal(signal.SIGTERM)
        self.assertEqual(connector.wait(60), 0, connector.log())
        log = connector.log()
        self.assertNotIn(harness.TOKEN, log + text)

        # After the run: status from the state store matches the emulator.
        out = connector.command("status", "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        st = json.loads(out.stdout)
        items = em.stats()["items"]
        self.assertFalse(st["running"])
        self.assertEqual(st["records"]["contact_upsert"]["accepted"], items["contacts_accepted"])
        self.assertEqual(st["records"]["contact_upsert"]["rejected"], items["contacts_rejected"])
        self.assertEqual(st["records"]["event"]["accepted"], items["events_accepted"])
        self.assertEqual(st["records"]["contact_delete"]["accepted"], items["contacts_deleted"])
        self.assertEqual(st["dead_letters"], 1)
        self.assertEqual(st["events_outside_window"], 1)
        self.assertEqual(st["last_error"], "")
        self.assertTrue(st["position"]["acknowledged"])
        self.assertTrue(st["position"]["confirmed"])
        text_status = connector.command("status")
        self.assertEqual(text_status.returncode, 0)
        self.assertIn("running:         no", text_status.stdout)
        self.assertIn("dead letters:    1 stored", text_status.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
