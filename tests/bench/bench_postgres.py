"""PostgreSQL workloads against the server of tests/lib/with-postgres.sh (PG*
and CDC_PG_DSN in the environment): the connector into jsonl on /dev/null
against pg_recvlogical on an identical slot (both created back to back before
the workload, so both drain the same backlog to the same end LSN), the
snapshot against COPY TO, and the end-to-end runs against the emulator."""

import os
import subprocess
import tempfile

from bench_common import (BIG_MAPPING, CUSTOMERS_MAPPING, ORDERS_MAPPING, SNAP_MAPPING, connector_run, jsonl_sink,
                          measure, run_row, write_config)

PUBLICATION = "bench_pub"

SCHEMA = """
CREATE TABLE customers (id bigint PRIMARY KEY, email text, first_name text, plan text, updated_at timestamptz);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, amount numeric(10,2), currency text,
                     created_at timestamptz);
CREATE TABLE big (id bigint PRIMARY KEY, email text, n int);
CREATE TABLE snap (id bigint PRIMARY KEY, email text, first_name text, plan text, updated_at timestamptz);
CREATE PUBLICATION bench_pub FOR TABLE customers, orders, big;
-- 100 changes per transaction: 60 inserts, 30 updates, 10 deletes.
CREATE PROCEDURE mixed(base bigint, n int) LANGUAGE plpgsql AS $$
DECLARE i int := 0; b bigint;
BEGIN
  WHILE i < n LOOP
    b := base + i;
    INSERT INTO customers SELECT g, 'u' || g || '@example.com', 'Name' || g, 'free', now()
      FROM generate_series(b, b + 59) g;
    UPDATE customers SET plan = 'pro', updated_at = now() WHERE id BETWEEN b AND b + 29;
    DELETE FROM customers WHERE id BETWEEN b + 50 AND b + 59;
    COMMIT;
    i := i + 100;
  END LOOP;
END $$;
-- Inserts only, 100 per transaction.
CREATE PROCEDURE orders_load(base bigint, n int) LANGUAGE plpgsql AS $$
DECLARE i int := 0;
BEGIN
  WHILE i < n LOOP
    INSERT INTO orders SELECT g, g % 10000, 10 + g % 90, 'EUR', now()
      FROM generate_series(base + i, base + i + 99) g;
    COMMIT;
    i := i + 100;
  END LOOP;
END $$;
-- `rate` changes/s for `secs` seconds, 100 inserts per transaction.
CREATE PROCEDURE steady(base bigint, rate int, secs int) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp(); k int := 0; pause float8;
BEGIN
  WHILE clock_timestamp() < t0 + make_interval(secs => secs) LOOP
    INSERT INTO orders SELECT g, g % 10000, 10, 'EUR', now()
      FROM generate_series(base + k * 100, base + k * 100 + 99) g;
    COMMIT;
    k := k + 1;
    pause := extract(epoch FROM t0 + make_interval(secs => k * 100.0 / rate) - clock_timestamp());
    IF pause > 0 THEN PERFORM pg_sleep(pause); END IF;
  END LOOP;
END $$;
"""


def psql(sql):
    out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"psql failed: {out.stderr.strip()}")
    return out.stdout.strip()


def source_yaml(slot, snapshot="never"):
    return (f"source:\n  kind: postgres\n  dsn: \"{os.environ['CDC_PG_DSN']}\"\n  slot: {slot}\n"
            f"  publication: {PUBLICATION}\n  snapshot: {snapshot}\n")


class PostgresBench:
    def __init__(self, build, results, n, runs, work):
        self.build, self.results, self.n, self.runs, self.work = build, results, n, runs, work
        self.next_id = 1
        psql(SCHEMA)
        # Autovacuum wakes at its own times after a large load and slows whichever
        # reader happens to run then; the bench server does without it.
        psql("ALTER SYSTEM SET autovacuum = off")
        psql("SELECT pg_reload_conf()")

    def ids(self, count):
        base = self.next_id
        self.next_id += count + 100
        return base

    def load(self, workload):
        if workload == "mixed":
            psql(f"CALL mixed({self.ids(self.n)}, {self.n})")
        elif workload == "orders":
            psql(f"CALL orders_load({self.ids(self.n)}, {self.n})")
        else:  # one transaction
            base = self.ids(self.n)
            psql(f"INSERT INTO big SELECT g, 'u' || g || '@example.com', g FROM generate_series({base}, "
                 f"{base + self.n - 1}) g")

    def connector_config(self, run_dir, slot, sink, mappings, snapshot="never"):
        path = os.path.join(run_dir, "bench.yaml")
        write_config(path, source_yaml(slot, snapshot), sink, mappings, os.path.join(run_dir, "state.db"))
        return path

    def run_connector(self, config, env=None, expect_records=None):
        return connector_run(self.build.connector, config, env=env, expect_records=expect_records)

    def stream(self, workload):
        """One streaming workload: both readers on the same backlog, each run."""
        print(f"postgres {workload}: {self.runs} runs of {self.n} changes", flush=True)
        mapping = BIG_MAPPING if workload == "huge" else CUSTOMERS_MAPPING + ORDERS_MAPPING
        ours, theirs = [], []
        for run in range(self.runs):
            run_dir = tempfile.mkdtemp(prefix=f"pg-{workload}-{run}-", dir=self.work)
            slot, ref_slot = f"bench_{workload}_{run}", f"bench_{workload}_{run}_ref"
            psql(f"SELECT pg_create_logical_replication_slot('{slot}', 'pgoutput')")
            psql(f"SELECT pg_create_logical_replication_slot('{ref_slot}', 'pgoutput')")
            self.load(workload)
            psql("CHECKPOINT")  # the load's dirty pages written now, not while a reader runs
            end_lsn = psql("SELECT pg_current_wal_lsn()")
            config = self.connector_config(run_dir, slot, jsonl_sink(), mapping)
            reference = [
                "pg_recvlogical", "-d", os.environ["CDC_PG_DSN"], "--slot", ref_slot, "--start", "--no-loop",
                "-o", "proto_version=1", "-o", f"publication_names={PUBLICATION}", "--endpos", end_lsn,
                "-f", "/dev/null"]
            # Alternate who goes first, so neither always finds the WAL cached.
            order = [("ref", reference), ("ours", config)] if run % 2 == 0 else [("ours", config), ("ref", reference)]
            for place, (who, what) in enumerate(order):
                if who == "ref":
                    theirs.append(measure(what))
                else:
                    ours.append(self.run_connector(what, expect_records=self.n))
                done = (theirs if who == "ref" else ours)[-1]
                print(f"  run {run}: {'pg_recvlogical' if who == 'ref' else 'instasent-cdc'} "
                      f"{'first' if place == 0 else 'second'}, {done['wall']:.2f} s, "
                      f"CPU {done['cpu']:.2f} s", flush=True)
            psql(f"SELECT pg_drop_replication_slot('{slot}')")
            psql(f"SELECT pg_drop_replication_slot('{ref_slot}')")
        run_row(self.results, "postgres", workload, "instasent-cdc (jsonl)", self.n, ours,
                reference="pg_recvlogical")
        run_row(self.results, "postgres", workload, "pg_recvlogical", self.n, theirs)

    def snapshot(self):
        print(f"postgres snapshot: {self.runs} runs of {self.n} rows", flush=True)
        psql("TRUNCATE snap")
        psql(f"INSERT INTO snap SELECT g, 'u' || g || '@example.com', 'Name' || g, 'free', now() "
             f"FROM generate_series(1, {self.n}) g")
        psql("VACUUM ANALYZE snap")
        ours, theirs = [], []
        for run in range(self.runs):
            run_dir = tempfile.mkdtemp(prefix=f"pg-snap-{run}-", dir=self.work)
            slot = f"bench_snap_{run}"
            config = os.path.join(run_dir, "bench.yaml")
            write_config(config, source_yaml(slot, "initial_only").replace(PUBLICATION, "bench_snap_pub"),
                         jsonl_sink(), SNAP_MAPPING, os.path.join(run_dir, "state.db"))
            theirs.append(measure(["psql", "-X", "-q", "-c", "COPY snap TO STDOUT"]))
            ours.append(self.run_connector(config, expect_records=self.n))
            if psql(f"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{slot}'") != "0":
                psql(f"SELECT pg_drop_replication_slot('{slot}')")
        run_row(self.results, "postgres", "snapshot", "instasent-cdc (jsonl)", self.n, ours,
                reference="COPY TO (psql)")
        run_row(self.results, "postgres", "snapshot", "COPY TO (psql)", self.n, theirs)
