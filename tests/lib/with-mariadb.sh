#!/usr/bin/env bash
# with-mariadb.sh: a throw-away MariaDB 10.11 for tests, on its own loopback
# port and socket in a temp directory, with a row-based binlog.
#
#   tests/lib/with-mariadb.sh CMD ARGS...   runs CMD with the server up and
#       CDC_MYSQL_DSN (mysql://root@127.0.0.1:PORT/test), MYSQL_HOST,
#       MYSQL_PORT, MYSQL_UNIX_PORT exported; stops the server (by its PID)
#       and removes the directory when CMD ends, whatever its outcome.
#   source tests/lib/with-mariadb.sh        defines mariadb_start, mariadb_stop,
#       mariadb_restart for scripts that restart the server mid-test.
#   tests/lib/with-mariadb.sh --restart     from inside CMD (a test binary):
#       restarts the server started by the enclosing run (same data and port).
#
# Extra server options: MARIADB_EXTRA_ARGS="--binlog-format=STATEMENT ...".

MARIADB_DIR="${MARIADB_DIR:-}"  # inherited by --restart
MARIADB_PID=""

_mariadb_log() { echo "with-mariadb: $*" >&2; }

_mariadb_find() {
  local name
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
    if [ -x "/usr/sbin/$name" ]; then echo "/usr/sbin/$name"; return 0; fi
  done
  return 1
}

# A free TCP port on 127.0.0.1 (asked from the kernel, not guessed).
_mariadb_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

_mariadb_client() {
  "$MARIADB_CLIENT" --no-defaults --protocol=socket --host=localhost --socket="$MYSQL_UNIX_PORT" -uroot "$@"
}

# Starts mariadbd on the existing data directory and waits until it answers.
_mariadb_launch() {
  local user_args=()
  if [ "$(id -u)" = "0" ]; then user_args=(--user=root); fi
  # shellcheck disable=SC2086
  "$MARIADB_SERVER" --no-defaults \
    --datadir="$MARIADB_DIR/data" --tmpdir="$MARIADB_DIR/tmp" --socket="$MYSQL_UNIX_PORT" \
    --pid-file="$MARIADB_DIR/mariadbd.pid" --log-error="$MARIADB_DIR/error.log" \
    --port="$MYSQL_PORT" --bind-address=127.0.0.1 \
    --log-bin="$MARIADB_DIR/data/binlog" --binlog-format=ROW \
    --binlog-row-image=FULL --binlog-row-metadata=FULL --server-id=1 \
    --innodb-buffer-pool-size=32M --innodb-log-file-size=16M \
    --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 --innodb-doublewrite=0 \
    --skip-name-resolve --max-connections=50 --performance-schema=OFF \
    --group-concat-max-len=1073741824 \
    "${user_args[@]}" ${MARIADB_EXTRA_ARGS:-} >>"$MARIADB_DIR/error.log" 2>&1 &
  MARIADB_PID=$!
  local deadline=$((SECONDS + 60))
  until _mariadb_client -e "SELECT 1" >/dev/null 2>&1; do
    if ! kill -0 "$MARIADB_PID" 2>/dev/null; then
      _mariadb_log "mariadbd exited during start; log follows"; cat "$MARIADB_DIR/error.log" >&2
      MARIADB_PID=""; return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      _mariadb_log "mariadbd did not answer within 60 s"; return 1
    fi
    sleep 0.1
  done
}

_mariadb_tools() {
  MARIADB_SERVER=$(_mariadb_find mariadbd mysqld) || { _mariadb_log "mariadbd not found"; return 1; }
  MARIADB_INSTALL=$(_mariadb_find mariadb-install-db mysql_install_db) || { _mariadb_log "mariadb-install-db not found"; return 1; }
  MARIADB_CLIENT=$(_mariadb_find mariadb mysql) || { _mariadb_log "mariadb client not found"; return 1; }
}

mariadb_start() {
  MARIADB_DIR=""
  _mariadb_tools || return 1
  MARIADB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cdc-mariadb.XXXXXX")
  chmod 755 "$MARIADB_DIR"
  MYSQL_HOST=127.0.0.1
  MYSQL_PORT=$(_mariadb_free_port)
  MYSQL_UNIX_PORT="$MARIADB_DIR/mariadbd.sock"
  CDC_MYSQL_DSN="mysql://root@127.0.0.1:${MYSQL_PORT}/test"
  export MYSQL_HOST MYSQL_PORT MYSQL_UNIX_PORT CDC_MYSQL_DSN MARIADB_DIR
  local user_args=()
  if [ "$(id -u)" = "0" ]; then user_args=(--user=root); fi
  # A temp dir of its own: a starting server deletes every "#sql*" file in
  # its tmpdir, which in a shared /tmp are the temp tables of a server
  # bootstrapping beside it (two tests starting at once).
  mkdir -p "$MARIADB_DIR/tmp"
  if ! TMPDIR="$MARIADB_DIR/tmp" "$MARIADB_INSTALL" --no-defaults --datadir="$MARIADB_DIR/data" \
      --auth-root-authentication-method=normal --skip-test-db "${user_args[@]}" \
      >"$MARIADB_DIR/install.log" 2>&1; then
    _mariadb_log "mariadb-install-db failed; log follows"; cat "$MARIADB_DIR/install.log" >&2
    return 1
  fi
  _mariadb_launch || return 1
  # Root over TCP without a password, like the socket login: tests connect by DSN.
  _mariadb_client -e "CREATE DATABASE IF NOT EXISTS test;
    CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
    GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;" || return 1
}

# Stops the server by its PID and waits for it to exit. The PID comes from the
# server's pid file when this shell did not start it (a --restart helper did).
_mariadb_shutdown() {
  if [ -n "$MARIADB_DIR" ] && [ -s "$MARIADB_DIR/mariadbd.pid" ]; then
    MARIADB_PID=$(cat "$MARIADB_DIR/mariadbd.pid")
  fi
  [ -n "$MARIADB_PID" ] || return 0
  kill -TERM "$MARIADB_PID" 2>/dev/null
  local deadline=$((SECONDS + 30))
  while kill -0 "$MARIADB_PID" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then kill -KILL "$MARIADB_PID" 2>/dev/null; fi
    sleep 0.1
  done
  wait "$MARIADB_PID" 2>/dev/null
  MARIADB_PID=""
}

mariadb_stop() {
  _mariadb_shutdown
  if [ -n "$MARIADB_DIR" ] && [ -d "$MARIADB_DIR" ]; then rm -rf "$MARIADB_DIR"; fi
  MARIADB_DIR=""
}

# Same data, same port: what a replica sees when its primary restarts.
mariadb_restart() {
  _mariadb_shutdown
  _mariadb_launch
}

if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "${1:-}" = "--restart" ]; then
  if [ -z "${MARIADB_DIR:-}" ] || [ ! -d "$MARIADB_DIR" ]; then
    _mariadb_log "--restart needs the MARIADB_DIR of a running with-mariadb.sh"; exit 2
  fi
  _mariadb_tools || exit 1
  mariadb_restart
  exit $?
fi

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -u
  if [ "$#" -eq 0 ]; then echo "usage: $0 CMD [ARGS...]" >&2; exit 2; fi
  trap mariadb_stop EXIT
  trap 'exit 130' INT TERM
  mariadb_start || exit 1
  "$@"
  exit $?
fi
