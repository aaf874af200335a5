#!/bin/bash
# ovsdb-crash: durability under SIGKILL. Three clients (tests/ovsdb/crash_client.py, plain
# sockets) run small transactions back to back (so group commits cover several of them) and
# record each one the server acknowledged; meanwhile
# ovsdb-lite is killed with SIGKILL at random moments and restarted on the same file. The
# journal is compacted every ~64 KiB (OVSDB_LITE_COMPACT_BYTES) so kills also land during
# compaction. Every restart must load the file; at the end every acknowledged transaction must
# be in the database. Prints: transactions acknowledged, kills, transactions lost (must be 0).
# SIGKILL cannot lose what was written but not fsync'ed, so a second phase checks the fsync
# itself: under strace, no transaction reply may leave while a journal write is not yet
# fsync'ed (group commit), with 4 concurrent clients and compactions
# (tests/ovsdb/check_sync_order.py, itself checked on a crafted bad trace first).
#   KILLS=N (default 40)   DURATION bound: ~60 s
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${WEFT_BUILD:-$TOP/build}
LITE=$BUILD/ovsdb-lite/ovsdb-lite
SCHEMA=$TOP/ovsdb-lite/vswitch.ovsschema
PY=/usr/bin/python3
KILLS=${KILLS:-40}
[ -x "$LITE" ] || { echo "FAIL: $LITE not built"; exit 1; }

D=$(mktemp -d /tmp/ovsdb-crash.XXXXXX)
[ -n "${KEEP:-}" ] && echo "keeping $D"
SPID=
TPID=
CPIDS=()
cleanup() {
  # strace: end the traced server first (SIGTERM to strace alone would leave it running).
  if [ -n "$TPID" ]; then
    for p in $(pgrep -P "$TPID"); do kill "$p" 2>/dev/null; done
    kill "$TPID" 2>/dev/null
    wait "$TPID" 2>/dev/null
  fi
  for p in "${CPIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  [ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$D"
}
trap cleanup EXIT
export OVSDB_LITE_COMPACT_BYTES=65536

start_server() {
  "$LITE" --remote="punix:$D/sock" "$D/db" 2>>"$D/server.log" &
  SPID=$!
  for _ in $(seq 200); do
    [ -S "$D/sock" ] && $PY -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])" "$D/sock" 2>/dev/null && return 0
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.02
  done
  echo "FAIL: ovsdb-lite did not start on the database file (restart $kills); its log:"
  tail -20 "$D/server.log"
  exit 1
}

"$LITE" create "$D/db" "$SCHEMA" || { echo "FAIL: create"; exit 1; }
kills=0
start_server
for n in c1 c2 c3; do
  $PY "$TOP/tests/ovsdb/crash_client.py" "unix:$D/sock" "$D/acked.$n" "$D/stop" "$n" >"$D/client.$n" 2>&1 &
  CPIDS+=($!)
done
t0=$(date +%s)
while [ $kills -lt "$KILLS" ] && [ $(( $(date +%s) - t0 )) -lt 45 ]; do
  # 50..600 ms between kills: some land mid-transaction, mid-fsync or mid-compaction.
  sleep "0.$(printf '%03d' $(( 50 + RANDOM % 550 )))"
  { kill -9 "$SPID"; wait "$SPID"; } 2>/dev/null
  kills=$((kills + 1))
  for p in "${CPIDS[@]}"; do
    kill -0 "$p" 2>/dev/null || { echo "FAIL: a client died:"; cat "$D"/client.*; exit 1; }
  done
  start_server
done
sleep 0.5
touch "$D/stop"
crc=0
for p in "${CPIDS[@]}"; do wait "$p" || crc=1; done
CPIDS=()
cat "$D"/client.*
[ $crc -eq 0 ] || { echo "FAIL: a client failed"; exit 1; }
# One last SIGKILL right after the final acknowledgements, then a cold start to verify.
{ kill -9 "$SPID"; wait "$SPID"; } 2>/dev/null
kills=$((kills + 1))
start_server
out=$($PY "$TOP/tests/ovsdb/crash_verify.py" "unix:$D/sock" "$D"/acked.*)
vrc=$?
echo "$out"
acked=$(cat "$D"/acked.* | wc -l)
lost=$(sed -n 's/.* lost=\([0-9]*\).*/\1/p' <<<"$out")
elapsed=$(( $(date +%s) - t0 ))
torn=$(grep -ci 'torn\|corrupt\|drop' "$D/server.log" || true)
echo "figures: transactions acknowledged=$acked, kills=$kills, transactions lost=${lost:-?}," \
  "restarts that dropped a torn tail=$torn, elapsed=${elapsed}s"
if [ $vrc -ne 0 ] || [ "${lost:-1}" != 0 ] || [ "$acked" -lt 500 ]; then
  echo "FAIL: lost acknowledged transactions, or too few transactions to mean anything"
  exit 1
fi
echo "PASS: $acked acknowledged transactions survived $kills SIGKILLs"

# Phase 2: fsync before acknowledgement.
command -v strace >/dev/null || { echo "FAIL: strace not installed (scripts/deps.sh)"; exit 1; }
printf '%s\n' '1 openat(AT_FDCWD, "'"$D"'/db", O_WRONLY|O_APPEND) = 4' '1 accept4(3, NULL, NULL, SOCK_CLOEXEC) = 7' \
  '1 write(4, "ODBL1 12 0\\n{}", 14) = 14' '1 sendto(7, "{\\"id\\":1,\\"result\\":[{}]}", 26, 0, NULL, 0) = 26' >"$D/bad.trace"
if $PY "$TOP/tests/ovsdb/check_sync_order.py" "$D/bad.trace" "$D" >/dev/null; then
  echo "FAIL: check_sync_order.py does not catch a reply sent before fsync"; exit 1
fi
{ kill "$SPID"; wait "$SPID"; } 2>/dev/null
strace -f -s 80 -o "$D/strace.log" \
  -e trace=openat,accept4,write,writev,pwrite64,fsync,fdatasync,sendto,sendmsg,close \
  "$LITE" --remote="punix:$D/sock2" "$D/db" 2>>"$D/server.log" &
TPID=$!
$PY "$TOP/tests/ovsdb/txn_rate.py" "unix:$D/sock2" 400 "under strace" 4 || { echo "FAIL: clients under strace"; exit 1; }
LPID=$(pgrep -P "$TPID" -f "ovsdb-lite" || true)
kill "${LPID:-$TPID}" 2>/dev/null
wait "$TPID" 2>/dev/null
TPID=
SPID=
if ! $PY "$TOP/tests/ovsdb/check_sync_order.py" "$D/strace.log" "$D"; then
  echo "FAIL: a transaction was acknowledged before its journal write was fsync'ed"; exit 1
fi
echo "PASS: every acknowledgement followed the fsync of its journal write"
