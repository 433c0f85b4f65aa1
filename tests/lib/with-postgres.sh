#!/usr/bin/env bash
# with-postgres.sh CMD...: runs CMD beside a throw-away PostgreSQL 15 cluster
# (temp directory, own loopback port, wal_level=logical, fsync off) and exits
# with CMD's status. The cluster is stopped by its PID and removed on exit,
# also when CMD fails or the script is interrupted.
#
# Exports for CMD: CDC_PG_DSN (libpq conninfo of a superuser over TCP
# 127.0.0.1), PGHOST, PGPORT, PGUSER, PGDATABASE, CDC_PG_DATA (data dir).
#
# Sourcing mode, for long-running scripts:
#   source tests/lib/with-postgres.sh
#   pg_start            # exports as above
#   ...
#   pg_restart [immediate]   # same port and data; "immediate" = crash
#   pg_stop             # idempotent; also install it in your own EXIT trap
#
#   with-postgres.sh --restart [immediate]   from inside CMD (a test script):
#       restarts the server of the enclosing run (same data and port).
#
# Runs the server as the `postgres` system user when invoked as root (initdb
# refuses root). PG_BIN overrides the server binaries directory.

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

_pg_as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

_pg_port_free() {
  # Nothing listening on 127.0.0.1:$1 (bash /dev/tcp connect fails).
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_start() {
  local tmp port attempt pid
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/cdc-pg.XXXXXX")" || return 1
  chmod 755 "$tmp"
  if [[ "$(id -u)" == 0 ]]; then
    chown postgres: "$tmp" || return 1
  fi
  mkdir -p "$tmp/data" "$tmp/sock"
  [[ "$(id -u)" == 0 ]] && chown postgres: "$tmp/data" "$tmp/sock"
  _PG_TMP="$tmp"

  if ! _pg_as_owner "$PG_BIN/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 \
      --locale=C.UTF-8 --no-sync >"$tmp/initdb.log" 2>&1; then
    echo "with-postgres: initdb failed:" >&2
    cat "$tmp/initdb.log" >&2
    return 1
  fi
  cat >>"$tmp/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp/sock'
wal_level = logical
max_replication_slots = 16
max_wal_senders = 16
fsync = off
# synchronous_commit stays on: commits survive a killed server (pg_restart immediate).
full_page_writes = off
shared_buffers = 32MB
log_min_messages = warning
EOF

  # A free port can be taken between the check and the bind: retry on failure.
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 40000))
    _pg_port_free "$port" || continue
    if _pg_as_owner "$PG_BIN/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
        -o "-p $port" start >/dev/null 2>&1; then
      pid="$(head -n 1 "$tmp/data/postmaster.pid")"
      _PG_PID="$pid"
      export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
      export CDC_PG_DSN="host=127.0.0.1 port=$port user=postgres dbname=postgres"
      export CDC_PG_DATA="$tmp/data"
      return 0
    fi
  done
  echo "with-postgres: could not start the server:" >&2
  cat "$tmp/server.log" >&2 2>/dev/null
  return 1
}

# Stops the server by its PID and starts it again on the same port and data
# (crash/reconnect tests). With "immediate", it is killed (SIGQUIT) instead.
pg_restart() {
  local i sig=INT
  [[ "${1:-}" == immediate ]] && sig=QUIT
  [[ -n "${_PG_PID:-}" && -n "${_PG_TMP:-}" ]] || return 1
  kill -"$sig" "$_PG_PID" 2>/dev/null
  for i in $(seq 1 300); do
    kill -0 "$_PG_PID" 2>/dev/null || break
    sleep 0.1
  done
  _pg_as_owner "$PG_BIN/pg_ctl" -D "$_PG_TMP/data" -l "$_PG_TMP/server.log" -w -t 60 \
    -o "-p $PGPORT" start >/dev/null 2>&1 || return 1
  _PG_PID="$(head -n 1 "$_PG_TMP/data/postmaster.pid")"
}

pg_stop() {
  local i
  # The server may have been restarted by a --restart helper: its pid file is current.
  if [[ -n "${_PG_TMP:-}" && -s "$_PG_TMP/data/postmaster.pid" ]]; then
    _PG_PID="$(head -n 1 "$_PG_TMP/data/postmaster.pid")"
  fi
  if [[ -n "${_PG_PID:-}" ]]; then
    # SIGINT = fast shutdown; escalate if the server does not go away.
    kill -INT "$_PG_PID" 2>/dev/null
    for i in $(seq 1 300); do
      kill -0 "$_PG_PID" 2>/dev/null || break
      [[ $i == 200 ]] && kill -QUIT "$_PG_PID" 2>/dev/null
      sleep 0.1
    done
    kill -0 "$_PG_PID" 2>/dev/null && kill -KILL "$_PG_PID" 2>/dev/null
    _PG_PID=""
  fi
  if [[ -n "${_PG_TMP:-}" && -d "$_PG_TMP" ]]; then
    rm -rf "$_PG_TMP"
    _PG_TMP=""
  fi
}

# Executed (not sourced): start, run CMD, stop, exit with CMD's status.
if [[ "${BASH_SOURCE[0]}" == "$0" && "${1:-}" == --restart ]]; then
  [[ -n "${CDC_PG_DATA:-}" && -s "$CDC_PG_DATA/postmaster.pid" ]] || { echo "with-postgres: no server to restart" >&2; exit 1; }
  _PG_TMP="$(dirname "$CDC_PG_DATA")"
  _PG_PID="$(head -n 1 "$CDC_PG_DATA/postmaster.pid")"
  pg_restart "${2:-}"
  exit $?
fi

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  if [[ $# -eq 0 ]]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
  fi
  trap pg_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  pg_start || exit 1
  "$@"
  exit $?
fi
