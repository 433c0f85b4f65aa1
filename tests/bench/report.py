#!/usr/bin/env python3
"""report.py RESULTS.jsonl [TITLE]: renders the benchmark's rows as Markdown,
one table per source and workload, with each figure as median [min–max] and
the connector's ratio against the reference reader measured in the same run."""

import json
import sys
from collections import OrderedDict


def fmt(s, unit="", scale=1.0, digits=0):
    if not s:
        return "–"
    f = f"{{:,.{digits}f}}"
    med, lo, hi = (s[k] * scale for k in ("median", "min", "max"))
    return f"{f.format(med)}{unit} [{f.format(lo)}–{f.format(hi)}]"


def ratio(ours, ref, key):
    if not ours or not ref or not ours.get(key) or not ref.get(key) or not ref[key]["median"]:
        return "–"
    return f"{ours[key]['median'] / ref[key]['median']:.2f}×"


def render(rows, title):
    out = [f"## {title}", ""]
    groups = OrderedDict()
    latency = []
    for row in rows:
        if "latency_p50_ms" in row:
            latency.append(row)
            continue
        groups.setdefault((row["source"], row["workload"]), []).append(row)
    for (source, workload), items in groups.items():
        n = next((r.get("changes") for r in items if r.get("changes")), None)
        out.append(f"### {source}, {workload}" + (f" ({n:,} changes)" if n else ""))
        out.append("")
        out.append("| reader | changes/s | wall s | CPU s (user+sys) | peak RSS MB | vs reference (rate, CPU) |")
        out.append("|---|---|---|---|---|---|")
        by_name = {r["reader"]: r for r in items}
        for r in items:
            if r.get("skipped"):
                out.append(f"| {r['reader']} | skipped | | | | |")
                continue
            versus = ""
            if r.get("reference") in by_name:
                ref = by_name[r["reference"]]
                versus = f"{ratio(r, ref, 'rate')} rate, {ratio(r, ref, 'cpu')} CPU of {r['reference']}"
            failed = f" ({r['failed']} failed)" if r.get("failed") else ""
            out.append(f"| {r['reader']}{failed} | {fmt(r.get('rate'))} | {fmt(r.get('wall'), digits=2)} | "
                       f"{fmt(r.get('cpu'), digits=2)} | {fmt(r.get('rss_mb'), digits=1)} | {versus} |")
            if r.get("emulator_cpu"):
                out.append(f"| ↳ emulator CPU s | | | {fmt(r['emulator_cpu'], digits=2)} | | connector on CPU "
                           f"{fmt(r.get('connector_cpu_share'), '%', 100)} of its wall time |")
        if "zongji" in " ".join(by_name) and "instasent-cdc (jsonl)" in by_name and not by_name[
                "@vlasky/zongji"].get("skipped"):
            out.append(f"\ninstasent-cdc vs @vlasky/zongji: "
                       f"{ratio(by_name['instasent-cdc (jsonl)'], by_name['@vlasky/zongji'], 'rate')} rate.")
        out.append("")
    for r in latency:
        out.append(f"### {r['source']}, commit → acknowledgement at {r['workload']}")
        out.append("")
        out.append(f"p50 {r['latency_p50_ms']:.0f} ms, p99 {r['latency_p99_ms']:.0f} ms, "
                   f"max {r['latency_max_ms']:.0f} ms ({r['samples']} probes).")
        out.append("")
    return "\n".join(out)


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    print(render(rows, sys.argv[2] if len(sys.argv) > 2 else "Results"))


if __name__ == "__main__":
    main()
