#!/bin/bash
# ovsdb-clients: Open vSwitch's own clients (ovsdb-client, ovs-vsctl from Debian's
# openvswitch packages) against ovsdb-lite AND against the real ovsdb-server, both serving
# weft's vswitch.ovsschema from a private temp dir. The same command list runs against each;
# outputs (stdout, stderr, exit status) are compared after replacing UUIDs with <uuid>, and any
# difference fails the test. Prints the ovs-vsctl transcript against ovsdb-lite.
# Known, intended difference normalized away: list-dbs on ovsdb-server also lists "_Server",
# a database ovsdb-lite does not provide (its clients fall back, see ovsdb-lite/README.md).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${WEFT_BUILD:-$TOP/build}
LITE=$BUILD/ovsdb-lite/ovsdb-lite
SCHEMA=$TOP/ovsdb-lite/vswitch.ovsschema
PY=/usr/bin/python3

for t in ovsdb-server ovsdb-tool ovsdb-client ovs-vsctl; do
  command -v $t >/dev/null || PATH=$PATH:/usr/sbin
  command -v $t >/dev/null || { echo "FAIL: $t not installed (openvswitch-switch)"; exit 1; }
done
[ -x "$LITE" ] || { echo "FAIL: $LITE not built"; exit 1; }

D=$(mktemp -d /tmp/ovsdb-clients.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$D"
}
trap cleanup EXIT

wait_sock() { # SOCK NAME
  for _ in $(seq 100); do
    ovsdb-client list-dbs "unix:$1" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "FAIL: $2 did not come up"; exit 1
}

"$LITE" create "$D/lite.db" "$SCHEMA" || { echo "FAIL: ovsdb-lite create"; exit 1; }
"$LITE" --remote="punix:$D/lite.sock" --log-file="$D/lite.log" "$D/lite.db" 2>>"$D/lite.stderr" &
PIDS+=($!)
ovsdb-tool create "$D/real.db" "$SCHEMA" || { echo "FAIL: ovsdb-tool create"; exit 1; }
ovsdb-server --remote="punix:$D/real.sock" --no-chdir --unixctl="$D/real.ctl" \
  --pidfile="$D/real.pid" --log-file="$D/real.log" "$D/real.db" 2>>"$D/real.stderr" &
PIDS+=($!)
wait_sock "$D/lite.sock" ovsdb-lite
wait_sock "$D/real.sock" ovsdb-server

# UUIDs are random and the socket paths differ: replace both.
norm() {
  sed -E -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uuid>/g' \
    -e "s#$D/(real|lite)\.sock#SOCK#g"
}

# run OUT TITLE CMD... : appends "$ TITLE", the output and the exit status to OUT, and the
# same to OUT.transcript.
run() {
  local out=$1 title=$2
  shift 2
  local start
  start=$(wc -l <"$out")
  echo "\$ $title" >>"$out"
  "$@" >>"$out" 2>&1
  echo "[exit $?]" >>"$out"
  tail -n +$((start + 1)) "$out" >>"$out.transcript"
}

# run_f OUT TITLE FILTER CMD... : like run, but what goes to OUT (compared) is piped through
# FILTER (a command string); OUT.transcript gets the raw output.
run_f() {
  local out=$1 title=$2 filter=$3
  shift 3
  local raw=$D/run_f.raw
  "$@" >"$raw" 2>&1
  local st=$?
  { echo "\$ $title"; cat "$raw"; echo "[exit $st]"; } >>"$out.transcript"
  echo "\$ $title | canonical order" >>"$out"
  eval "$filter" <"$raw" >>"$out" || echo "[filter '$filter' failed]" >>"$out"
  echo "[exit $st]" >>"$out"
}

# background monitor: start, make a change, wait for it to show up, stop.
monitor_case() { # OUT S TAG WANT CHANGE-CMD -- MONITOR-ARGS...
  local out=$1 s=$2 tag=$3 want=$4 change=$5
  shift 6
  local f="$D/$tag.$(basename "$s" .sock)"
  ovsdb-client "$@" >"$f" 2>&1 &
  local mp=$!
  PIDS+=($mp)
  sleep 1 # let it receive the initial contents (ovsdb-client prints nothing for an empty table)
  eval "$change" >/dev/null 2>&1
  for _ in $(seq 100); do grep -q -- "$want" "$f" && break; sleep 0.05; done
  kill "$mp" 2>/dev/null
  wait "$mp" 2>/dev/null
  echo "\$ ovsdb-client $* (then: $change)" | tee -a "$out.transcript" >>"$out"
  # The monitor's own "terminating with signal 15" line comes from our kill: drop it.
  grep -v 'fatal_signal|WARN|terminating with signal' "$f" >>"$out"
  grep -v 'fatal_signal|WARN|terminating with signal' "$f" >>"$out.transcript"
  grep -q -- "$want" "$f" || echo "[update '$want' never arrived]" >>"$out"
}

suite() { # SOCK OUT
  local s=$1 out=$2 db="unix:$1"
  local V="ovs-vsctl --db=$db --no-wait --timeout=10"
  : >"$out"
  : >"$out.transcript"
  echo "\$ ovsdb-client list-dbs | grep -v _Server" >>"$out"
  ovsdb-client list-dbs "$db" 2>&1 | grep -v '^_Server$' >>"$out"
  run "$out" "ovsdb-client list-tables" ovsdb-client list-tables "$db" Open_vSwitch
  # Column order is the server's JSON object order (unordered by definition): sort.
  run_f "$out" "ovsdb-client list-columns" "sort" ovsdb-client list-columns "$db" Open_vSwitch
  echo "\$ ovsdb-client get-schema | canon_schema.py" >>"$out"
  ovsdb-client get-schema "$db" Open_vSwitch | $PY "$TOP/tests/ovsdb/canon_schema.py" >>"$out" 2>&1
  run "$out" "ovsdb-client get-schema-version" ovsdb-client get-schema-version "$db" Open_vSwitch
  # Raw JSON-RPC on an empty database: unknown database/method, lock misuse, bad monitor
  # requests, update/update2 notifications of a series of changes, monitor_cond_change.
  run "$out" "rpc_probe.py (raw JSON-RPC requests, replies and notifications)" \
    sh -c "$PY $TOP/tests/ovsdb/rpc_probe.py $db || echo 'RPC PROBE FAILED'"
  run "$out" "ovs-vsctl init" $V init
  # Rows of weft's own Flow table, through ovsdb-client transact.
  run "$out" "transact insert Flow" ovsdb-client transact "$db" \
    '["Open_vSwitch",{"op":"insert","table":"Flow","row":{"bridge":"br0","table":0,"priority":100,"match":"in_port=1","actions":"output:2"}},{"op":"comment","comment":"weft test"}]'
  run "$out" "transact select Flow" ovsdb-client transact "$db" \
    '["Open_vSwitch",{"op":"select","table":"Flow","where":[["priority",">=",100]],"columns":["bridge","match","actions","priority","table"]}]'
  run "$out" "transact unknown table" ovsdb-client transact "$db" \
    '["Open_vSwitch",{"op":"insert","table":"Nope","row":{}}]'
  run "$out" "transact unknown column" ovsdb-client transact "$db" \
    '["Open_vSwitch",{"op":"insert","table":"Flow","row":{"zz":1}}]'
  run "$out" "transact abort" ovsdb-client transact "$db" \
    '["Open_vSwitch",{"op":"select","table":"Open_vSwitch","where":[],"columns":["next_cfg"]},{"op":"abort"}]'
  # Monitors: plain monitor (update) and monitor-cond (update2).
  monitor_case "$out" "$s" mon "insert" "$V add-br br0" -- \
    monitor "$db" Open_vSwitch Bridge name,fail_mode,datapath_type
  monitor_case "$out" "$s" moncond "secure" "$V set-fail-mode br0 secure" -- \
    monitor-cond "$db" Open_vSwitch '[["name","==","br0"]]' Bridge name,fail_mode
  run "$out" "ovs-vsctl del-fail-mode br0" $V del-fail-mode br0
  # The ovs-vsctl session of the issue.
  run "$out" "ovs-vsctl add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuserclient options:vhost-server-path=/tmp/x.sock" \
    $V add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuserclient options:vhost-server-path=/tmp/x.sock
  run "$out" "ovs-vsctl set Port vhu0 tag=10" $V set Port vhu0 tag=10
  # Ports are printed in (random) UUID order: sort sibling blocks.
  run_f "$out" "ovs-vsctl show" "$PY $TOP/tests/ovsdb/sort_blocks.py" $V show
  run "$out" "ovs-vsctl list Bridge" $V list Bridge
  run "$out" "ovs-vsctl get Port vhu0 tag" $V get Port vhu0 tag
  run "$out" "ovs-vsctl list-ports br0" $V list-ports br0
  run "$out" "ovs-vsctl set-controller br0 tcp:127.0.0.1:6653" $V set-controller br0 tcp:127.0.0.1:6653
  run "$out" "ovs-vsctl get-controller br0" $V get-controller br0
  run "$out" "ovs-vsctl add-port br0 vhu0 (again)" $V add-port br0 vhu0
  # dump sorts rows by the listed columns: list columns without UUIDs for a stable order.
  run "$out" "ovsdb-client dump Bridge" ovsdb-client dump "$db" Open_vSwitch Bridge name fail_mode datapath_type external_ids
  run "$out" "ovsdb-client dump Port" ovsdb-client dump "$db" Open_vSwitch Port name tag trunks vlan_mode
  run "$out" "ovsdb-client dump Interface" ovsdb-client dump "$db" Open_vSwitch Interface name type options ofport
  run "$out" "ovsdb-client dump Controller" ovsdb-client dump "$db" Open_vSwitch Controller target is_connected
  run "$out" "ovs-vsctl del-port br0 vhu0" $V del-port br0 vhu0
  run "$out" "ovs-vsctl del-br br0" $V del-br br0
  run "$out" "ovs-vsctl show" $V show
  run "$out" "ovs-vsctl list Port" $V list Port
  run "$out" "ovsdb-client dump Flow" ovsdb-client dump "$db" Open_vSwitch Flow bridge match actions
}

suite "$D/real.sock" "$D/real.out"
suite "$D/lite.sock" "$D/lite.out"
norm <"$D/real.out" >"$D/real.norm"
norm <"$D/lite.out" >"$D/lite.norm"

echo "===== transcript against ovsdb-lite (UUIDs as <uuid>; long schema listings cut) ====="
norm <"$D/lite.out.transcript" | awk '/^\$ ovsdb-client list-columns/ {skip=1; print; print "  (... one line per column ...)"; next} /^\$/ {skip=0} !skip' 
echo "===== end of transcript ====="

rc=0
if ! diff -u "$D/real.norm" "$D/lite.norm" >"$D/diff"; then
  echo "FAIL: outputs differ between ovsdb-server (-) and ovsdb-lite (+):"
  cat "$D/diff"
  rc=1
fi
if grep -n 'WARN\|ERR\|filter .* failed\|PROBE FAILED\|never arrived' "$D/lite.norm" "$D/real.norm"; then
  echo "FAIL: warnings or errors from the OVS clients against ovsdb-lite (above)"
  rc=1
fi
n=$(grep -c '^\$ ' "$D/lite.norm")
[ $rc -eq 0 ] && echo "PASS: $n client commands give identical output on ovsdb-server and ovsdb-lite"
exit $rc
