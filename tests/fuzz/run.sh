#!/usr/bin/env bash
# tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]: runs each libFuzzer target for
# SECONDS from its committed seeds (tests/fuzz/corpus/<target>, read only) plus
# a working corpus in BUILD_DIR/fuzz-corpus/<target> (kept between runs, never
# committed). A finding is written to BUILD_DIR/fuzz-artifacts/ and fails the run.
# FUZZ_JOBS (default 1) targets run at once, each under `nice`.
set -euo pipefail
build=${1:?build dir}
seconds=${2:?seconds}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pgoutput binlog config response)
jobs=${FUZZ_JOBS:-1}
mkdir -p "$build/fuzz-artifacts" "$build/fuzz-logs"

run_one() {
  local t=$1
  local corpus="$build/fuzz-corpus/$t"
  mkdir -p "$corpus"
  # -rss_limit_mb: the decoders allocate at most a few MB per input; a huge
  # allocation is itself a finding. -timeout: one input must never take 10 s.
  if nice "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 \
      -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$build/fuzz-artifacts/$t-" \
      "$corpus" "$here/corpus/$t" >"$build/fuzz-logs/$t.log" 2>&1; then
    local execs
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz-logs/$t.log")
    echo "fuzz_$t: ${execs:-?} executions in ${seconds}s, no finding"
  else
    echo "fuzz_$t: FINDING (log: $build/fuzz-logs/$t.log)"
    grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$build/fuzz-logs/$t.log" | head -20 || true
    return 1
  fi
}

status=0
pids=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status
