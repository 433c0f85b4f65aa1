#!/usr/bin/env python3
"""bench.py postgres|mysql BUILD N RUNS RESULTS [WORKLOAD...]: the workloads of
one source, run beside the server its tests/lib script started; every
measured row is appended to RESULTS (JSON lines). run.sh drives it."""

import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_common import Build, Results  # noqa: E402

ALL = ["mixed", "orders", "huge", "snapshot", "e2e", "latency"]


def main():
    source, build_dir, n, runs, results_path = sys.argv[1:6]
    workloads = sys.argv[6:] or ALL
    build, results = Build(build_dir), Results(results_path)
    n, runs = int(n), int(runs)
    work = tempfile.mkdtemp(prefix=f"cdc-bench-{source}-")
    try:
        if source == "postgres":
            from bench_e2e import EndToEndBench
            from bench_postgres import PostgresBench
            bench = PostgresBench(build, results, n, runs, work)
            e2e = EndToEndBench(bench)
            for w in workloads:
                if w in ("mixed", "orders", "huge"):
                    bench.stream(w)
                elif w == "snapshot":
                    bench.snapshot()
                elif w == "e2e":
                    e2e.throughput("mixed")
                    e2e.throughput("orders")
                elif w == "latency":
                    e2e.latency()
        else:
            from bench_mysql import MysqlBench
            bench = MysqlBench(build, results, n, runs, work)
            for w in workloads:
                if w in ("mixed", "orders", "huge"):
                    bench.stream(w)
                elif w == "snapshot":
                    bench.snapshot()
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
