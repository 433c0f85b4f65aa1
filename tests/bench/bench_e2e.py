"""End to end, PostgreSQL → connector → instasent-emulator on loopback:
records/s accepted on a backlog (emulator CPU from /proc, separately), and
commit→acknowledgement latency at a steady rate. Latency is measured with
probe contacts: a probe row is committed every 100 ms beside the steady load,
its commit time read from the database (clock_timestamp() after the commit),
and the emulator's contact route is polled until the upsert is there (the
moment the emulator accepted it, just before the connector gets the 2xx)."""

import json
import os
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from bench_common import (CUSTOMERS_MAPPING, ORDERS_MAPPING, instasent_sink, measure, process_cpu, run_row,
                          spread, write_config)
from bench_postgres import psql, source_yaml

PROJECT, DATASOURCE, TOKEN = "proj_bench", "ds_bench", "bench-token-0123456789"


class Emulator:
    def __init__(self, binary):
        self.proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--credential",
                                      f"{PROJECT}:{DATASOURCE}:{TOKEN}"], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise RuntimeError(f"emulator did not start: {line!r}")
        self.url = line[len("listening on "):]

    def get(self, path, token=False):
        req = urllib.request.Request(self.url + path)
        if token:
            req.add_header("Authorization", f"Bearer {TOKEN}")
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"null")

    def has_contact(self, user_id):
        try:
            self.get(f"/v1/project/{PROJECT}/datasource/{DATASOURCE}/stream/contacts/{user_id}", token=True)
            return True
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return False
            raise

    def accepted_items(self):
        """Items the emulator accepted: contact upserts and deletes applied, events stored."""
        items = self.get("/_emulator/stats").get("items", {})
        return items

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def connector_env():
    env = dict(os.environ)
    env["INSTASENT_TOKEN"] = TOKEN
    return env


class EndToEndBench:
    def __init__(self, pg):
        self.pg = pg  # PostgresBench: build, results, n, runs, work, load()

    def throughput(self, workload):
        pg = self.pg
        print(f"postgres {workload} to the emulator: {pg.runs} runs of {pg.n} changes", flush=True)
        ours, emulator_cpu, items = [], [], []
        for run in range(pg.runs):
            run_dir = tempfile.mkdtemp(prefix=f"e2e-{workload}-{run}-", dir=pg.work)
            emulator = Emulator(pg.build.emulator)
            try:
                slot = f"bench_e2e_{workload}_{run}"
                psql(f"SELECT pg_create_logical_replication_slot('{slot}', 'pgoutput')")
                pg.load(workload)
                config = pg.connector_config(run_dir, slot, instasent_sink(emulator.url, PROJECT, DATASOURCE),
                                             CUSTOMERS_MAPPING + ORDERS_MAPPING)
                before = process_cpu(emulator.proc.pid)
                result = pg.run_connector(config, env=connector_env())
                emulator_cpu.append(process_cpu(emulator.proc.pid) - before)
                result["idle_share"] = max(0.0, 1.0 - result["cpu"] / result["wall"])
                ours.append(result)
                items.append(emulator.accepted_items())
                psql(f"SELECT pg_drop_replication_slot('{slot}')")
            finally:
                emulator.stop()
        ok = [r for r in ours if r["rc"] == 0]
        run_row(pg.results, "postgres", workload, "instasent-cdc → emulator", pg.n, ours,
                emulator_cpu=spread(emulator_cpu),
                connector_cpu_share=spread([r["cpu"] / r["wall"] for r in ok]),
                emulator_items=items[-1] if items else None)

    def latency(self, rate=10000, seconds=20):
        pg = self.pg
        print(f"postgres latency at {rate} changes/s for {seconds} s", flush=True)
        run_dir = tempfile.mkdtemp(prefix="e2e-latency-", dir=pg.work)
        emulator = Emulator(pg.build.emulator)
        connector = None
        try:
            slot = "bench_latency"
            psql(f"SELECT pg_create_logical_replication_slot('{slot}', 'pgoutput')")
            config = pg.connector_config(run_dir, slot, instasent_sink(emulator.url, PROJECT, DATASOURCE),
                                         CUSTOMERS_MAPPING + ORDERS_MAPPING)
            log = open(os.path.join(run_dir, "connector.log"), "w")
            connector = subprocess.Popen([pg.build.connector, "run", "-c", config, "--log-format", "json"],
                                         stderr=log, env=connector_env())
            deadline = time.monotonic() + 30
            while psql(f"SELECT active FROM pg_replication_slots WHERE slot_name = '{slot}'") != "t":
                if time.monotonic() > deadline or connector.poll() is not None:
                    raise RuntimeError("the connector did not start streaming")
                time.sleep(0.05)
            base = pg.ids(rate * seconds + 1000)
            load = subprocess.Popen(["psql", "-X", "-q", "-c", f"CALL steady({base}, {rate}, {seconds})"])
            # One psql session for the probes: a process per probe would add its start-up.
            session = subprocess.Popen(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            samples = []
            probe = 0
            started = time.monotonic()
            while load.poll() is None and time.monotonic() - started < seconds + 30:
                probe += 1
                user = f"{900000000 + pg.ids(1)}"
                # Autocommit: the SELECT runs after the INSERT's commit.
                session.stdin.write(f"INSERT INTO customers VALUES ({user}, 'p{user}@example.com', 'Probe', "
                                    f"'free', now());\nSELECT extract(epoch FROM clock_timestamp());\n")
                session.stdin.flush()
                committed = float(session.stdout.readline().strip())
                while not emulator.has_contact(user):
                    if time.time() - committed > 30:
                        raise RuntimeError(f"probe {user} never reached the emulator")
                    time.sleep(0.002)
                samples.append(time.time() - committed)
                time.sleep(max(0.0, 0.1 - (time.time() - committed)))
            load.wait()
            session.stdin.close()
            session.wait()
            if len(samples) < 10:
                raise RuntimeError("too few latency samples")
            samples.sort()
            p50 = statistics.median(samples)
            p99 = samples[min(len(samples) - 1, int(round(0.99 * (len(samples) - 1))))]
            pg.results.add(source="postgres", workload=f"steady {rate}/s", reader="instasent-cdc → emulator",
                           latency_p50_ms=p50 * 1000, latency_p99_ms=p99 * 1000, latency_max_ms=samples[-1] * 1000,
                           samples=len(samples))
        finally:
            if connector and connector.poll() is None:
                connector.send_signal(signal.SIGTERM)
                connector.wait(timeout=60)
            emulator.stop()
            if psql(f"SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'bench_latency'") != "0":
                psql("SELECT pg_drop_replication_slot('bench_latency')")
