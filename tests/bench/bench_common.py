"""Shared pieces of the benchmark: measuring a process (wall time, user+sys
CPU and peak RSS from wait4's rusage), medians with min and max, connector
configs, and the results file (JSON lines, rendered to Markdown by report.py).
Standard library only."""

import datetime
import json
import os
import statistics
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


class Build:
    def __init__(self, build_dir):
        self.dir = os.path.abspath(build_dir)
        # BENCH_CONNECTOR: another connector binary against the same references (A/B runs).
        self.connector = os.environ.get("BENCH_CONNECTOR") or os.path.join(self.dir, "instasent-cdc")
        self.emulator = os.path.join(self.dir, "tests", "emulator", "instasent-emulator")


def _peak_rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=None, timeout=3600, idle_s=0.0):
    """Runs cmd to completion; returns wall seconds (less `idle_s`, the time
    the reader needs to notice it is caught up), CPU seconds (user+sys, from
    wait4) and peak RSS in MB. The RSS is the last VmHWM sampled from /proc:
    wait4's ru_maxrss would include this Python process's image, which the
    child had between fork and exec."""
    start, started_at = time.monotonic(), time.time()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, env=env)
    deadline = start + timeout
    peak_kb = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        peak_kb = max(peak_kb, _peak_rss_kb(proc.pid))
        time.sleep(0.003)  # sampling the child's memory until it exits
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"rc": proc.returncode, "wall": max(wall - idle_s, 1e-6), "cpu": usage.ru_utime + usage.ru_stime,
            "rss_mb": (peak_kb or usage.ru_maxrss) / 1024.0, "started_at": started_at, "process_wall": wall}


# Log lines after which the connector only shuts down: caught up with
# everything confirmed (--until-idle), or the snapshot of initial_only done.
_DONE_MESSAGES = ("with everything confirmed; exiting", "source finished; draining")


def records_handled(connector, config):
    """Every record the pipeline's state store has counted (all kinds and outcomes)."""
    out = subprocess.run([connector, "status", "-c", config, "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        return None
    records = json.loads(out.stdout)["records"]
    return sum(n for outcomes in records.values() for n in outcomes.values())


def connector_run(connector, config, env=None, idle_s=0.0, expect_records=None):
    """Runs `connector run --until-idle 0` (JSON logs next to the config) and
    counts its wall time up to the log line saying it is done, less `idle_s`
    (how long the source needs to notice it is caught up): the drain time,
    without the shutdown that follows. With `expect_records`, a run that did
    not handle exactly that many records counts as failed: a rate is only
    quoted for the whole backlog."""
    before = records_handled(connector, config) or 0 if expect_records is not None else None
    log_path = os.path.join(os.path.dirname(config), "connector.log")
    with open(log_path, "w") as log:
        result = measure([connector, "run", "-c", config, "--until-idle", "0", "--log-format", "json"],
                         stderr=log, env=env)
    with open(log_path) as log:
        for line in log:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if any(m in entry.get("msg", "") for m in _DONE_MESSAGES):
                at = datetime.datetime.fromisoformat(entry["time"].replace("Z", "+00:00")).timestamp()
                result["wall"] = max(at - result["started_at"] - idle_s, 1e-3)
                break
    if result["rc"] != 0:
        print(f"  connector exited {result['rc']}; see {log_path}", flush=True)
    elif expect_records is not None:
        handled = (records_handled(connector, config) or 0) - before
        if handled != expect_records:
            print(f"  connector handled {handled} records, not {expect_records}; run not counted", flush=True)
            result["rc"] = -1
    return result


def process_cpu(pid):
    """User+sys CPU seconds a running process has used so far (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def spread(values):
    """'median [min–max]' of a list of numbers, or '–' when empty."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


class Results:
    """Appends one JSON object per measured row; report.py renders them."""

    def __init__(self, path):
        self.path = path

    def add(self, **row):
        with open(self.path, "a") as f:
            f.write(json.dumps(row) + "\n")
        print("  " + ", ".join(f"{k}={_short(v)}" for k, v in row.items()), flush=True)


def _short(value):
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def run_row(results, source, workload, reader, changes, runs_data, **extra):
    """Summarises the runs of one reader on one workload into a results row."""
    ok = [r for r in runs_data if r and r.get("rc") == 0]
    results.add(source=source, workload=workload, reader=reader, changes=changes, runs=len(ok),
                failed=len(runs_data) - len(ok),
                rate=spread([changes / r["wall"] for r in ok]),
                wall=spread([r["wall"] for r in ok]),
                cpu=spread([r["cpu"] for r in ok]),
                rss_mb=spread([r["rss_mb"] for r in ok]),
                **extra)


CUSTOMERS_MAPPING = """  - table: customers
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email}"
        _first_name: "{first_name}"
        plan: "{plan}"
    on_delete: delete_contact
"""

ORDERS_MAPPING = """  - table: orders
    event:
      type: purchase
      id: "order-{id}"
      user_id: "{customer_id}"
      date: "{created_at}"
      parameters:
        amount: "{amount}"
        currency: "{currency}"
"""

BIG_MAPPING = """  - table: big
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email}"
        n: "{n}"
"""

SNAP_MAPPING = """  - table: snap
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email}"
        _first_name: "{first_name}"
        plan: "{plan}"
"""


def jsonl_sink(path="/dev/null"):
    return f"sink:\n  kind: jsonl\n  path: {path}\n"


def instasent_sink(url, project, datasource):
    # BENCH_SINK: extra sink keys for a comparison, e.g. "max_in_flight: 16" (default: none).
    extra = "".join(f"  {item.strip()}\n" for item in os.environ.get("BENCH_SINK", "").split(";") if item.strip())
    return (f"sink:\n  kind: instasent\n  url: {url}\n  project: {project}\n  datasource: {datasource}\n"
            f"  token: ${{INSTASENT_TOKEN}}\n{extra}")


def write_config(path, source_yaml, sink_yaml, mappings, state):
    with open(path, "w") as f:
        f.write(f"pipeline: bench\n{source_yaml}{sink_yaml}state: {state}\nmappings:\n{mappings}")
