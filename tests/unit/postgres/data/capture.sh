#!/usr/bin/env bash
# Re-records the pgoutput captures in this folder from a throw-away PostgreSQL 15
# (tests/lib/with-postgres.sh). Each .hex file holds one message per line, in
# the order pg_logical_slot_get_binary_changes returned them. The unit tests
# only read the files; run this by hand when a scenario changes:
#   tests/lib/with-postgres.sh tests/unit/postgres/data/capture.sh
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)"
P=(psql -X -q -v ON_ERROR_STOP=1 -d postgres)
changes() {  # slot, TimeZone, then extra options
  local slot="$1" tz="$2"
  shift 2
  local opts=""
  while (($#)); do opts+=", '$1', '$2'"; shift 2; done
  "${P[@]}" -At -c "SET TimeZone = '$tz'; SET logical_decoding_work_mem = '64kB';" \
    -c "SELECT encode(data, 'hex') FROM pg_logical_slot_get_binary_changes('$slot', NULL, NULL,
        'publication_names', 'p'$opts)"
}

"${P[@]}" >/dev/null <<'SQL'
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TYPE addr AS (street text, n int);
CREATE TABLE zoo (
  id int PRIMARY KEY, b bool, i2 int2, i8 int8, n numeric, f4 float4, f8 float8, t text,
  c char(4), u uuid, d date, tm time, ttz timetz, ts timestamp, tstz timestamptz,
  iv interval, j json, jb jsonb, by bytea, ai int[], at text[], an numeric[], a2 int[][],
  atz timestamptz[], m mood, am mood[], dom posint, co addr, mo money);
CREATE TABLE doc (id int PRIMARY KEY, note text, body text);
CREATE TABLE big (id int PRIMARY KEY, v text);
CREATE PUBLICATION p FOR ALL TABLES;
SELECT 'x' FROM pg_create_logical_replication_slot('zoo', 'pgoutput');
SQL

# zoo-v1.hex: every value form, read in a +05:30 session; key change, delete,
# truncate, transactional and non-transactional messages, a replication origin.
"${P[@]}" >/dev/null <<'SQL'
INSERT INTO zoo VALUES
 (1, true, -32768, 9223372036854775807, 123456789012345678901234567890.123456789, 'NaN',
  '-Infinity', E'line1\nline2 "q" \\ é', 'ab', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  '2024-02-29', '23:59:59.999999', '10:30:00+02', '2026-01-15 10:30:00.5',
  '2026-01-15 01:30:00.25+00', '1 year 2 mons 3 days 04:05:06', '{"a": [1, 2.50]}',
  '{"b": null, "a": 1}', '\x00ff10', '{1,2,NULL}',
  ARRAY['a', 'b c', 'say "hi"', 'back\slash', 'NULL', NULL, ''], '{1.5,NaN,-2}',
  '{{1,2},{3,NULL}}', ARRAY['2026-01-15 10:30:00+02'::timestamptz, 'infinity'],
  'happy', '{sad,ok}', 5, ROW('Main St', 5), 12.34);
UPDATE zoo SET id = 2 WHERE id = 1;
DELETE FROM zoo WHERE id = 2;
INSERT INTO zoo (id, n, d, ts) VALUES (3, 'NaN', 'infinity', '-infinity');
TRUNCATE zoo RESTART IDENTITY;
SELECT 'm' FROM pg_logical_emit_message(true, 'audit', 'hello');
SELECT 'm' FROM pg_logical_emit_message(false, 'nontx', 'bye');
SELECT 'x' FROM pg_replication_origin_create('node_a');
SELECT 'x' FROM pg_replication_origin_session_setup('node_a');
BEGIN;
SELECT 'x' FROM pg_replication_origin_xact_setup('0/1234', now());
INSERT INTO zoo (id) VALUES (10);
COMMIT;
SELECT 'x' FROM pg_replication_origin_session_reset();
SQL
changes zoo Asia/Kolkata proto_version 1 messages true >"$out/zoo-v1.hex"

# toast-v1.hex: an out-of-line TOASTed value left unchanged by updates, then
# the full old row under REPLICA IDENTITY FULL.
"${P[@]}" >/dev/null <<'SQL'
SELECT 'x' FROM pg_create_logical_replication_slot('toast', 'pgoutput');
INSERT INTO doc SELECT 1, 'a', string_agg(md5(g::text), '') FROM generate_series(1, 300) g;
UPDATE doc SET note = 'b' WHERE id = 1;
ALTER TABLE doc REPLICA IDENTITY FULL;
UPDATE doc SET note = 'c' WHERE id = 1;
DELETE FROM doc WHERE id = 1;
SQL
changes toast UTC proto_version 1 >"$out/toast-v1.hex"

# subxact-v2.hex: protocol 2 streaming of a transaction larger than
# logical_decoding_work_mem with a rolled-back subtransaction, then a streamed
# transaction that aborts as a whole, then a small committed one (whose commit
# also flushes the abort record, which the slot reads only once flushed).
"${P[@]}" >/dev/null <<'SQL'
SELECT 'x' FROM pg_create_logical_replication_slot('stream', 'pgoutput');
SET logical_decoding_work_mem = '64kB';
BEGIN;
INSERT INTO big SELECT g, 'first' FROM generate_series(1, 600) g;
SAVEPOINT sp;
INSERT INTO big SELECT g, 'rolled back' FROM generate_series(1001, 1600) g;
ROLLBACK TO sp;
INSERT INTO big VALUES (5000, 'last');
COMMIT;
BEGIN;
INSERT INTO big SELECT g, 'aborted' FROM generate_series(6000, 6600) g;
ROLLBACK;
INSERT INTO big VALUES (9999, 'after');
SQL
changes stream UTC proto_version 2 streaming on >"$out/subxact-v2.hex"
