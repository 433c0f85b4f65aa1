#!/usr/bin/env bash
# `make demo`: a throw-away PostgreSQL with a small shop, the Instasent API
# emulator, the connector running config/examples/demo.yaml, and a live
# workload. Shows progress, then what reached the emulator. Ctrl-C stops
# everything and removes the temporary data.
set -euo pipefail
BUILD="$(cd "${1:-build}" && pwd)"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ROUNDS="${DEMO_ROUNDS:-20}"
# shellcheck source=../lib/with-postgres.sh
source "$ROOT/tests/lib/with-postgres.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/instasent-cdc-demo.XXXXXX")"
EMULATOR_PID="" CONNECTOR_PID=""
cleanup() {
  [[ -n "$CONNECTOR_PID" ]] && kill -TERM "$CONNECTOR_PID" 2>/dev/null && wait "$CONNECTOR_PID" 2>/dev/null || true
  [[ -n "$EMULATOR_PID" ]] && kill -TERM "$EMULATOR_PID" 2>/dev/null && wait "$EMULATOR_PID" 2>/dev/null || true
  pg_stop || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo; echo "stopping..."; exit 130' INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
json() { curl -fsS "$EMULATOR_URL$1"; }
count() { json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])'; }

say "starting a throw-away PostgreSQL 15"
pg_start
psql -X -q -v ON_ERROR_STOP=1 -f "$ROOT/tests/e2e/demo/shop.sql"
echo "shop loaded: $(psql -X -A -t -c 'SELECT count(*) FROM customers') customers, $(psql -X -A -t -c 'SELECT count(*) FROM orders') orders"

say "starting the Instasent API emulator"
export INSTASENT_PROJECT=proj_demo INSTASENT_DATASOURCE=ds_demo
INSTASENT_TOKEN="demo-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
export INSTASENT_TOKEN
"$BUILD/tests/emulator/instasent-emulator" --listen 127.0.0.1:0 \
  --credential "$INSTASENT_PROJECT:$INSTASENT_DATASOURCE:$INSTASENT_TOKEN" >"$WORK/emulator.out" 2>"$WORK/emulator.log" &
EMULATOR_PID=$!
for _ in $(seq 100); do grep -q '^listening on ' "$WORK/emulator.out" && break; sleep 0.1; done
EMULATOR_URL="$(sed -n 's/^listening on //p' "$WORK/emulator.out")"
export INSTASENT_URL="$EMULATOR_URL" DEMO_PG_DSN="$CDC_PG_DSN"
echo "emulator at $EMULATOR_URL"

say "running instasent-cdc with config/examples/demo.yaml"
cp "$ROOT/config/examples/demo.yaml" "$WORK/demo.yaml"
"$BUILD/instasent-cdc" validate -c "$WORK/demo.yaml" || true
"$BUILD/instasent-cdc" run -c "$WORK/demo.yaml" --log-format text 2>"$WORK/connector.log" &
CONNECTOR_PID=$!
connector_alive() {
  kill -0 "$CONNECTOR_PID" 2>/dev/null && return 0
  echo "the connector stopped; its log:" >&2
  cat "$WORK/connector.log" >&2
  CONNECTOR_PID=""
  exit 1
}

say "applying a live workload ($ROUNDS rounds; Ctrl-C to stop early)"
for round in $(seq "$ROUNDS"); do
  connector_alive
  psql -X -q -v ON_ERROR_STOP=1 -f "$ROOT/tests/e2e/demo/workload.sql"
  printf 'round %2d: contacts at Instasent %4s   events %4s\n' "$round" \
    "$(count /_emulator/contacts)" "$(count /_emulator/events)"
  sleep 1
done

say "waiting for the connector to catch up"
want_contacts=$(psql -X -A -t -c 'SELECT count(*) FROM customers')
want_events=$(psql -X -A -t -c 'SELECT count(*) FROM orders')
for _ in $(seq 300); do
  [[ "$(count /_emulator/contacts)" == "$want_contacts" && "$(count /_emulator/events)" == "$want_events" ]] && break
  sleep 0.2
done
echo "database: $want_contacts customers, $want_events orders"
echo "Instasent: $(count /_emulator/contacts) contacts, $(count /_emulator/events) events"

say "what reached Instasent (first contacts and latest events)"
json /_emulator/contacts | python3 -c 'import json,sys; [print(" ", json.dumps(c)) for c in json.load(sys.stdin)["contacts"][:3]]'
json /_emulator/events | python3 -c 'import json,sys; [print(" ", json.dumps(e)) for e in json.load(sys.stdin)["events"][-3:]]'
json /_emulator/stats | python3 -c 'import json,sys; s=json.load(sys.stdin)["items"]; print("  emulator counters:", json.dumps(s))'

connector_alive
say "stopping the connector (SIGTERM: drain, confirm, exit 0)"
kill -TERM "$CONNECTOR_PID"; rc=0; wait "$CONNECTOR_PID" || rc=$?; echo "connector exit status $rc"; CONNECTOR_PID=""
"$BUILD/instasent-cdc" status -c "$WORK/demo.yaml"
say "done; temporary data removed"
