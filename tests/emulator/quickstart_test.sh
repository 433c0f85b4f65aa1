#!/usr/bin/env bash
# The curl calls of the Instasent Ingest API quickstart, run with real curl against
# the emulator binary; state is then checked through /_emulator/*.
set -euo pipefail

BIN="${CDC_BINARY_DIR:?CDC_BINARY_DIR must be set}/tests/emulator/instasent-emulator"
WORK="$(mktemp -d)"
"$BIN" --listen 127.0.0.1:0 --credential proj_xxx:ds_xxx:quickstart-token >"$WORK/out" 2>"$WORK/err" &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' TERM INT  # so a ctest timeout still stops the emulator

fail() { echo "FAIL: $*" >&2; cat "$WORK/err" >&2 || true; exit 1; }

# Poll for the first stdout line (10 s deadline).
deadline=$((SECONDS + 10))
line=""
until [[ "$line" == listening* ]]; do
  (( SECONDS < deadline )) || fail "emulator did not report its port"
  line="$(head -n1 "$WORK/out" 2>/dev/null || true)"
  [[ "$line" == listening* ]] || sleep 0.05  # poll interval
done
URL="${line#listening on }"
[[ "$URL" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || fail "bad first line: $line"
BASE="$URL/v1/project/proj_xxx/datasource/ds_xxx"
AUTH="Authorization: Bearer quickstart-token"

# call EXPECTED_STATUS METHOD URL [BODY] [HEADER...]: the response body lands in $WORK/body.
call() {
  local expected="$1" method="$2" url="$3" body="${4:-}"
  shift 4 || shift $#
  local args=(-sS -o "$WORK/body" -w '%{http_code}' -X "$method" "$url" -D "$WORK/headers")
  [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  for h in "$@"; do args+=(-H "$h"); done
  local status
  status="$(curl "${args[@]}")"
  [[ "$status" == "$expected" ]] || fail "$method $url: expected $expected, got $status: $(cat "$WORK/body")"
  grep -qi '^X-RateLimit-Limit: ' "$WORK/headers" || fail "$method $url: no X-RateLimit-Limit"
  grep -qi '^X-RateLimit-Reset: [0-9]\{10\}' "$WORK/headers" || fail "$method $url: bad X-RateLimit-Reset"
}

# check PYTHON_EXPR: queued against the last response body (as JSON `b`); all checks run
# in one python3 process at the end (its start-up is slow on a busy machine).
n=0
check() {
  n=$((n + 1))
  cp "$WORK/body" "$WORK/body.$n"
  printf '%s\t%s\n' "$WORK/body.$n" "$1" >>"$WORK/checks"
}
run_checks() {
  python3 - "$WORK/checks" <<'PY' || fail "JSON checks failed"
import json, sys
failed = 0
for line in open(sys.argv[1]):
    path, expr = line.rstrip("\n").split("\t", 1)
    b = json.load(open(path))
    if not eval(expr):
        failed += 1
        print("check failed:", expr, "on", json.dumps(b), file=sys.stderr)
sys.exit(1 if failed else 0)
PY
}

# Authentication probe.
call 200 GET "$BASE/stream" "" "$AUTH"
check 'all(b.get(k) for k in ("organization","stream","datasource","project"))'

# Quickstart contact.
call 202 POST "$BASE/stream/contacts" \
  '[{"_user_id":"USER-1","_first_name":"Ada","_last_name":"Lovelace","_email":"ada@example.com","_phone_mobile":"+34600000000"}]' \
  "$AUTH"
check 'b == {"entity":{"successful":1,"failed":0,"items":[{"status":"success","_user_id":"USER-1"}]}}'

# Quickstart purchase event.
call 202 POST "$BASE/stream/events" \
  '[{"_user_id":"USER-1","_event_id":"order-1001","_event_type":"purchase","_event_date":"'"$(date -u +%Y-%m-%dT%H:%M:%S.000Z)"'","_event_parameters":{"currency":"EUR","amount":49.90,"product_sku":"SKU-42"}}]' \
  "$AUTH"
check 'b["entity"]["successful"] == 1 and b["entity"]["items"][0] == {"status":"success","_user_id":"USER-1","_event_id":"order-1001"}'

# Invalid e-mail: every item failed.
call 422 POST "$BASE/stream/contacts" '[{"_user_id":"USER-2","_email":"not-an-email"}]' "$AUTH"
check 'b["entity"]["failed"] == 1 and b["entity"]["items"][0]["errors"] == {"_email":["Invalid format"]}'

# No token; wrong datasource.
call 401 GET "$BASE/stream" ""
check 'b == {"message":"Unauthorized"}'
call 404 GET "$URL/v1/project/proj_xxx/datasource/ds_other/stream" "" "$AUTH"
check 'b == {"message":"Not found"}'

# Batch limits.
many="[$(for i in $(seq 1 101); do printf '{"_user_id":"U%d"},' "$i"; done | sed 's/,$//')]"
call 400 POST "$BASE/stream/contacts" "$many" "$AUTH"
check 'isinstance(b.get("message"), str)'
call 400 POST "$BASE/stream/contacts" '{"_user_id":"USER-1"}' "$AUTH"
check 'isinstance(b.get("message"), str)'

# State before the delete.
call 200 GET "$URL/_emulator/contacts/USER-1" ""
check 'b == {"_user_id":"USER-1","_first_name":"Ada","_last_name":"Lovelace","_email":"ada@example.com","_phone_mobile":"+34600000000"}'
call 200 GET "$URL/_emulator/events?user_id=USER-1" ""
check 'b["count"] == 1 and b["events"][0]["_event_parameters"] == {"currency":"EUR","amount":49.9,"product_sku":"SKU-42"} and b["events"][0]["in_window"] is True'

# Delete the contact.
call 204 DELETE "$BASE/stream/contacts/USER-1" "" "$AUTH"
[[ ! -s "$WORK/body" ]] || fail "DELETE answered a body"

# State after.
call 200 GET "$URL/_emulator/contacts" ""
check 'b == {"count":0,"contacts":[]}'
call 200 GET "$URL/_emulator/oplog" ""
check '[o["op"] for o in b["ops"]] == ["upsert","event","delete"]'
call 200 GET "$URL/_emulator/stats" ""
check 'b["items"]["contacts_accepted"] == 1 and b["items"]["contacts_rejected"] == 1 and b["items"]["events_accepted"] == 1 and b["items"]["contacts_deleted"] == 1'
check 'b["requests"]["by_status"] == {"200":1,"202":2,"204":1,"400":2,"401":1,"404":1,"422":1}'

run_checks

# SIGTERM exits 0.
kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
[[ "$rc" == 0 ]] || fail "exit status $rc after SIGTERM"
echo "quickstart: all $n checks passed"
