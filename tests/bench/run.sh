#!/usr/bin/env bash
# `make bench [N=changes] [RUNS=3] [WORKLOADS="mixed orders ..."]`: every
# workload on throw-away PostgreSQL 15 and MariaDB 10.11 servers, each run
# RUNS times; prints one Markdown table per workload and writes them to
# tests/bench/results.md (or $BENCH_OUT).
set -euo pipefail
BUILD="$(cd "${1:-build}" && pwd)"; N="${2:-1000000}"; RUNS="${RUNS:-3}"
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$HERE/../.." && pwd)"
OUT="${BENCH_OUT:-$HERE/results.md}"
ROWS="$(mktemp "${TMPDIR:-/tmp}/cdc-bench-rows.XXXXXX")"
trap 'rm -f "$ROWS"' EXIT
read -r -a WANT <<<"${WORKLOADS:-mixed orders huge snapshot e2e latency}"

"$ROOT/tests/lib/with-postgres.sh" python3 "$HERE/bench.py" postgres "$BUILD" "$N" "$RUNS" "$ROWS" "${WANT[@]}"
MY=()
for w in "${WANT[@]}"; do case "$w" in mixed|orders|huge|snapshot) MY+=("$w") ;; esac; done
if ((${#MY[@]})); then
  "$ROOT/tests/lib/with-mariadb.sh" python3 "$HERE/bench.py" mysql "$BUILD" "$N" "$RUNS" "$ROWS" "${MY[@]}"
fi

TITLE="$(date -u +%Y-%m-%d), $(nproc) cores, N=$N, $RUNS runs each, median [min–max]"
python3 "$HERE/report.py" "$ROWS" "$TITLE" | tee "$OUT"
