#!/usr/bin/env bash
# `make bench [N=rows]`: the measurements that exist so far, each on its own
# throw-away server: one transaction of N rows per source into a jsonl sink,
# with the connector's wall time and peak RSS.
set -euo pipefail
BUILD="${1:-build}"; ROWS="${2:-1000000}"
HERE="$(cd "$(dirname "$0")" && pwd)"
"$HERE/huge_transaction.sh" "$BUILD" postgres "$ROWS"
"$HERE/huge_transaction.sh" "$BUILD" mysql "$ROWS"
