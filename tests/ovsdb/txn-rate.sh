#!/bin/bash
# Measures (does not test) the transaction rate of one client doing small durable inserts,
# against ovsdb-lite and against the real ovsdb-server, same schema, private temp dir, same
# disk. Prints one line per server (see txn_rate.py). bench/ reuses this script.
#   usage: tests/ovsdb/txn-rate.sh [N] [CLIENTS]   (WEFT_BUILD as for the system tests)
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${WEFT_BUILD:-$TOP/build}
LITE=$BUILD/ovsdb-lite/ovsdb-lite
SCHEMA=$TOP/ovsdb-lite/vswitch.ovsschema
N=${1:-2000}
K=${2:-1}
PY=/usr/bin/python3
D=$(mktemp -d "${TMPDIR:-/var/tmp}/ovsdb-rate.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$D"
}
trap cleanup EXIT
PATH=$PATH:/usr/sbin

"$LITE" create "$D/lite.db" "$SCHEMA" || exit 1
"$LITE" --remote="punix:$D/lite.sock" "$D/lite.db" 2>"$D/lite.log" &
PIDS+=($!)
ovsdb-tool create "$D/real.db" "$SCHEMA" || exit 1
ovsdb-server --remote="punix:$D/real.sock" --no-chdir --unixctl="$D/real.ctl" \
  --log-file="$D/real.log" "$D/real.db" 2>/dev/null &
PIDS+=($!)
echo "small durable inserts, 1 transaction per round trip per client, dir $(dirname "$D") ($(df --output=fstype "$D" | tail -1 | tr -d ' '))"
$PY "$TOP/tests/ovsdb/txn_rate.py" "unix:$D/lite.sock" "$N" "ovsdb-lite  " "$K" || exit 1
$PY "$TOP/tests/ovsdb/txn_rate.py" "unix:$D/real.sock" "$N" "ovsdb-server" "$K" || exit 1
