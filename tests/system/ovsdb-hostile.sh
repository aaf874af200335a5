#!/bin/bash
# ovsdb-hostile: ovsdb-lite against hostile clients (tests/ovsdb/hostile.py): invalid JSON,
# garbage, a 50 MB message, 200000-deep nesting, wrong types, unknown tables/columns, a client
# that sends half a message and stalls, a client that floods requests and never reads, 200 idle
# connections. Each bad client must get an error reply or a closed connection, nothing may
# change in the database, a concurrent well-behaved client must keep being served (< 2 s per
# call) and the server's peak memory (VmHWM from /proc) must stay bounded.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${WEFT_BUILD:-$TOP/build}
LITE=$BUILD/ovsdb-lite/ovsdb-lite
SCHEMA=$TOP/ovsdb-lite/vswitch.ovsschema
PY=/usr/bin/python3
[ -x "$LITE" ] || { echo "FAIL: $LITE not built"; exit 1; }

D=$(mktemp -d /tmp/ovsdb-hostile.XXXXXX)
SPID=
cleanup() {
  [ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
  rm -rf "$D"
}
trap cleanup EXIT

"$LITE" create "$D/db" "$SCHEMA" || { echo "FAIL: create"; exit 1; }
"$LITE" --remote="punix:$D/sock" "$D/db" 2>"$D/server.log" &
SPID=$!
for _ in $(seq 100); do [ -S "$D/sock" ] && break; sleep 0.05; done
ovs-vsctl --db="unix:$D/sock" --no-wait init || { echo "FAIL: init"; exit 1; }
ovs-vsctl --db="unix:$D/sock" --no-wait add-br br0 || { echo "FAIL: add-br"; exit 1; }

$PY "$TOP/tests/ovsdb/hostile.py" "unix:$D/sock" "$SPID"
rc=$?
if ! kill -0 "$SPID" 2>/dev/null; then
  echo "FAIL: ovsdb-lite died; log:"; tail -20 "$D/server.log"; exit 1
fi
# Still fully functional for the real clients afterwards.
if ! ovs-vsctl --db="unix:$D/sock" --no-wait --timeout=5 br-exists br0; then
  echo "FAIL: ovs-vsctl no longer works against the server"; rc=1
fi
echo "server log (disconnect reasons):"
sed "s/^[^|]*|ovsdb-lite|/  /" "$D/server.log" | head -40
[ $rc -eq 0 ] && echo "PASS: hostile clients handled, server kept serving, memory bounded"
exit $rc
