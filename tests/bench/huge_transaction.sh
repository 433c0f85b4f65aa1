#!/usr/bin/env bash
# huge_transaction.sh BUILD postgres|mysql [ROWS]: one transaction of ROWS
# (default 1,000,000) rows read by the connector into a jsonl sink on
# /dev/null (or $JSONL_OUT, then counted); prints the connector's wall time
# and peak RSS. Runs its own throw-away server.
set -euo pipefail
BUILD="$(cd "$1" && pwd)"; KIND="$2"; ROWS="${3:-1000000}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdc-huge.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

measure() {  # runs the connector until idle; prints seconds and peak RSS in MB
  python3 - "$BUILD/instasent-cdc" "$WORK/p.yaml" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.run([sys.argv[1], "run", "-c", sys.argv[2], "--until-idle", "1", "--log-format", "json"],
                    stderr=subprocess.DEVNULL).returncode
wall = time.monotonic() - t - 1.0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"exit={rc} seconds={wall:.1f} peak_rss_mb={rss:.1f}")
sys.exit(rc)
PY
}

if [[ "$KIND" == postgres ]]; then
  source "$ROOT/tests/lib/with-postgres.sh"; pg_start; trap 'pg_stop; rm -rf "$WORK"' EXIT
  psql -X -q -c "CREATE TABLE big (id bigint PRIMARY KEY, email text, n int)"
  SOURCE="kind: postgres
  dsn: \"$CDC_PG_DSN\""
  load() { psql -X -q -c "INSERT INTO big SELECT g, 'u' || g || '@example.com', g FROM generate_series(1, $ROWS) g"; }
else
  source "$ROOT/tests/lib/with-mariadb.sh"; mariadb_start; trap 'mariadb_stop; rm -rf "$WORK"' EXIT
  mariadb --protocol=TCP -h127.0.0.1 -P"$MYSQL_PORT" -uroot test -e "CREATE TABLE big (id BIGINT PRIMARY KEY, email VARCHAR(64), n INT)"
  SOURCE="kind: mysql
  dsn: \"$CDC_MYSQL_DSN\""
  load() { mariadb --protocol=TCP -h127.0.0.1 -P"$MYSQL_PORT" -uroot test -e \
    "INSERT INTO big SELECT seq, CONCAT('u', seq, '@example.com'), seq FROM seq_1_to_$ROWS"; }
fi
cat >"$WORK/p.yaml" <<YAML
pipeline: huge
source:
  $SOURCE
sink:
  kind: jsonl
  path: ${JSONL_OUT:-/dev/null}
mappings:
  - table: big
    contact:
      user_id: "{id}"
      attributes:
        _email: "{email}"
        n: "{n}"
YAML
measure >/dev/null        # creates the slot / stores the position (empty table)
load                      # ROWS rows in one transaction
echo "$KIND, one transaction of $ROWS rows: $(measure)"
if [[ -n "${JSONL_OUT:-}" ]]; then echo "records written: $(wc -l <"$JSONL_OUT")"; fi
