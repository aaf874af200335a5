#!/bin/bash
# vtep-ctl: Open vSwitch's vtep-ctl (Debian's openvswitch-vtep) against ovsdb-lite AND against
# the real ovsdb-server, each serving two DB files from a private temp dir: the hardware_vtep
# schema (/usr/share/openvswitch/vtep.ovsschema) and weft's Open_vSwitch schema. The same
# command list (list-dbs, ovs-vsctl on the same socket, switches, ports, logical switches,
# bindings, local/remote MACs, errors, deletions) runs against each; outputs (stdout, stderr,
# exit status) are compared after replacing UUIDs with <uuid> and log timestamps with <time>,
# and any difference fails the test. Prints the transcript against ovsdb-lite. Takes 1-2 s.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${WEFT_BUILD:-$TOP/build}
LITE=$BUILD/ovsdb-lite/ovsdb-lite
SCHEMA=/usr/share/openvswitch/vtep.ovsschema

for t in ovsdb-server ovsdb-tool ovsdb-client vtep-ctl; do
  command -v $t >/dev/null || PATH=$PATH:/usr/sbin
  command -v $t >/dev/null || { echo "FAIL: $t not installed (scripts/deps.sh: openvswitch-vtep)"; exit 1; }
done
[ -f "$SCHEMA" ] || { echo "FAIL: $SCHEMA missing (openvswitch-vtep)"; exit 1; }
[ -x "$LITE" ] || { echo "FAIL: $LITE not built"; exit 1; }

D=$(mktemp -d /tmp/vtep-ctl.XXXXXX)
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

VSWITCH=$TOP/ovsdb-lite/vswitch.ovsschema
"$LITE" create "$D/lite.db" "$SCHEMA" || { echo "FAIL: ovsdb-lite create"; exit 1; }
"$LITE" create "$D/lite-ovs.db" "$VSWITCH" || { echo "FAIL: ovsdb-lite create"; exit 1; }
"$LITE" --remote="punix:$D/lite.sock" --log-file="$D/lite.log" "$D/lite.db" "$D/lite-ovs.db" \
  2>>"$D/lite.stderr" &
PIDS+=($!)
ovsdb-tool create "$D/real.db" "$SCHEMA" || { echo "FAIL: ovsdb-tool create"; exit 1; }
ovsdb-tool create "$D/real-ovs.db" "$VSWITCH" || { echo "FAIL: ovsdb-tool create"; exit 1; }
ovsdb-server --remote="punix:$D/real.sock" --no-chdir --unixctl="$D/real.ctl" \
  --pidfile="$D/real.pid" --log-file="$D/real.log" "$D/real.db" "$D/real-ovs.db" \
  2>>"$D/real.stderr" &
PIDS+=($!)
wait_sock "$D/lite.sock" ovsdb-lite
wait_sock "$D/real.sock" ovsdb-server

norm() {
  sed -E -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uuid>/g' \
    -e 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\|/<time>|/' \
    -e "s#$D/(real|lite)\.sock#SOCK#g"
}

# run OUT CMD... : appends "$ CMD", its output (stdout + stderr) and exit status to OUT.
run() {
  local out=$1
  shift
  echo "\$ $*" >>"$out"
  "$@" >>"$out" 2>&1
  echo "[exit $?]" >>"$out"
}

suite() { # SOCK OUT
  local out=$2
  local V="vtep-ctl --db=unix:$1 --timeout=10"
  : >"$out"
  # Both databases on one socket (ovsdb-server also lists its _Server).
  echo "\$ ovsdb-client list-dbs | grep -v _Server" >>"$out"
  ovsdb-client list-dbs "unix:$1" 2>&1 | grep -v '^_Server$' >>"$out"
  run "$out" ovs-vsctl --db="unix:$1" --no-wait init
  run "$out" ovs-vsctl --db="unix:$1" --no-wait add-br br-phy -- set Bridge br-phy other_config:tunnel-ip=192.168.99.1/24
  run "$out" ovs-vsctl --db="unix:$1" --no-wait list-br
  run "$out" ovsdb-client list-tables "unix:$1" hardware_vtep
  run "$out" $V add-ps ps0
  run "$out" $V set Physical_Switch ps0 tunnel_ips=192.168.99.1 description=weft-host
  run "$out" $V add-ps ps0
  run "$out" $V --may-exist add-ps ps0
  run "$out" $V add-ps ps1
  run "$out" $V list-ps
  run "$out" $V add-port ps0 vm1
  run "$out" $V add-port ps0 vm2
  run "$out" $V add-port ps0 vm1
  run "$out" $V add-port nops vm1
  run "$out" $V list-ports ps0
  run "$out" $V add-ls ls0
  run "$out" $V add-ls ls1
  run "$out" $V set Logical_Switch ls0 tunnel_key=5000
  run "$out" $V set Logical_Switch ls1 tunnel_key=5001
  run "$out" $V list-ls
  run "$out" $V bind-ls ps0 vm1 0 ls0
  run "$out" $V bind-ls ps0 vm2 100 ls1
  run "$out" $V bind-ls ps0 vm2 200 ls0
  run "$out" $V bind-ls ps0 vm2 300 nols
  run "$out" $V list-bindings ps0 vm1
  run "$out" $V list-bindings ps0 vm2
  run "$out" $V add-ucast-remote ls0 00:00:00:00:00:02 192.168.99.2
  run "$out" $V add-ucast-remote ls0 00:00:00:00:00:03 vxlan_over_ipv4 192.168.99.3
  run "$out" $V add-ucast-remote ls1 00:00:00:00:00:04 192.168.99.2
  run "$out" $V add-ucast-remote ls0 00:00:00:00:00:05 gre 192.168.99.3
  run "$out" $V add-mcast-remote ls0 unknown-dst 192.168.99.2
  run "$out" $V add-mcast-remote ls0 unknown-dst 192.168.99.3
  run "$out" $V add-ucast-local ls0 00:00:00:00:00:01 192.168.99.1
  run "$out" $V list-local-macs ls0
  run "$out" $V list-remote-macs ls0
  run "$out" $V list-remote-macs ls1

  run "$out" ovsdb-client dump "unix:$1" hardware_vtep Physical_Locator dst_ip encapsulation_type
  run "$out" ovsdb-client dump "unix:$1" hardware_vtep Ucast_Macs_Remote MAC ipaddr
  run "$out" $V del-ucast-remote ls0 00:00:00:00:00:03
  run "$out" $V del-mcast-remote ls0 unknown-dst 192.168.99.3
  run "$out" $V list-remote-macs ls0
  run "$out" $V del-ucast-local ls0 00:00:00:00:00:01
  run "$out" $V list-local-macs ls0
  run "$out" ovsdb-client dump "unix:$1" hardware_vtep Physical_Locator dst_ip
  run "$out" $V clear-remote-macs ls0
  run "$out" $V list-remote-macs ls0
  run "$out" $V unbind-ls ps0 vm2 100
  run "$out" $V list-bindings ps0 vm2
  run "$out" $V del-ls ls1
  run "$out" $V del-port ps0 vm2
  run "$out" $V list-ports ps0
  run "$out" $V del-ps ps1
  run "$out" $V list-ps
  run "$out" $V get Physical_Switch ps0 tunnel_ips description
  run "$out" ovs-vsctl --db="unix:$1" --no-wait get Bridge br-phy other_config:tunnel-ip
}

suite "$D/real.sock" "$D/real.out"
suite "$D/lite.sock" "$D/lite.out"
norm <"$D/real.out" >"$D/real.norm"
norm <"$D/lite.out" >"$D/lite.norm"

echo "===== transcript against ovsdb-lite (UUIDs as <uuid>) ====="
cat "$D/lite.norm"
echo "===== end of transcript ====="

rc=0
if ! diff -u "$D/real.norm" "$D/lite.norm" >"$D/diff"; then
  echo "FAIL: outputs differ between ovsdb-server (-) and ovsdb-lite (+):"
  cat "$D/diff"
  rc=1
fi
# The happy path must have worked (the error cases are compared, not required to pass).
for want in '^hardware_vtep$' '^Open_vSwitch$' '^br-phy$' '^ls0$' '00:00:00:00:00:02 -> vxlan_over_ipv4/192.168.99.2' 'unknown-dst -> vxlan_over_ipv4/192.168.99.2' '^0000 ls0$'; do
  grep -q -- "$want" "$D/lite.norm" || { echo "FAIL: '$want' not in vtep-ctl's output"; rc=1; }
done
n=$(grep -c '^\$ ' "$D/lite.norm")
[ $rc -eq 0 ] && echo "PASS: $n vtep-ctl/ovsdb-client commands give identical output on ovsdb-server and ovsdb-lite"
exit $rc
