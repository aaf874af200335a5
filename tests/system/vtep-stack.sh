#!/bin/bash
# scripts/weft.sh in VTEP mode (WEFT_VTEP_PS=ps0) on private directories: one ovsdb-lite serves
# the Open_vSwitch and the hardware_vtep database on one socket, weft-controld runs with
# --vtep-db/--vtep-ps; ovs-vsctl declares the underlay and a vhost-user port, vtep-ctl on the
# same socket binds it to a logical switch (VNI 5000) with a flood locator: the dataplane gets
# bridge vtep5000 with the port and tunnel vx5000-192.168.99.2; `stop` ends everything.
# Takes about 5 s.
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup vtep-stack
command -v vtep-ctl >/dev/null || wt_fail "vtep-ctl not installed (openvswitch-vtep, scripts/deps.sh)"
export WEFT_RUNDIR=$T/run WEFT_DB=$T/db/conf.db WEFT_VTEP_DB=$T/db/vtep.db WEFT_VTEP_PS=ps0 WEFT_BUILD
W=$WT_TOP/scripts/weft.sh
VS() { ovs-vsctl --db="unix:$WEFT_RUNDIR/db.sock" --timeout=20 "$@"; }
VC() { vtep-ctl --db="unix:$WEFT_RUNDIR/db.sock" --timeout=20 "$@"; }
WT_N_DPDK=$((WT_N_DPDK + 1))

"$W" start -- -l 0-1 --no-huge -m 512 --no-pci --file-prefix "$WT_TAG-dp$WT_N_DPDK" -- \
	--pmd-sleep-max 1000 || wt_fail "weft.sh start"
pids=$(cat "$WEFT_RUNDIR"/{ovsdb-lite,dataplane,controld}.pid | tr '\n' ' ')
for p in $pids; do WT_PIDS+=("$p"); done # stopped by the cleanup too, should a check fail
dbs=$(ovsdb-client list-dbs "unix:$WEFT_RUNDIR/db.sock" | tr '\n' ' ')
[ "$dbs" = "Open_vSwitch hardware_vtep " ] || wt_fail "databases on db.sock: $dbs"
grep -q 'VTEP mode: database unix:.*db.sock, physical switch ps0' "$WEFT_RUNDIR/controld.log" ||
	wt_fail "weft-controld not in VTEP mode: $(cat "$WEFT_RUNDIR/controld.log")"

VS add-br br-phy -- set Bridge br-phy other_config:tunnel-ip=192.168.99.1/24 ||
	wt_fail "add-br br-phy"
VS add-br br0 -- add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuser || wt_fail "add-port vhu0"
VC add-ps ps0 && VC add-port ps0 vhu0 && VC add-ls ls0 && VC set Logical_Switch ls0 tunnel_key=5000 &&
	VC bind-ls ps0 vhu0 0 ls0 && VC add-mcast-remote ls0 unknown-dst 192.168.99.2 ||
	wt_fail "vtep-ctl"
WT_RUNDIR=$WEFT_RUNDIR
on_vtep5000() {
	wt_json "sorted(p['name'] for b in r['bridges'] if b['name']=='vtep5000' for p in b['ports'])" show |
		grep -qx "\['vhu0', 'vx5000-192.168.99.2'\]"
}
wt_wait "vhu0 and vx5000-192.168.99.2 on vtep5000" 15 on_vtep5000
tips() { [ "$(VC get Physical_Switch ps0 tunnel_ips)" = '["192.168.99.1"]' ]; }
wt_wait "Physical_Switch tunnel_ips written" 15 tips
wt_log "weft.sh VTEP mode: vtep5000 = vhu0 + vx5000-192.168.99.2, tunnel_ips written"

"$W" stop || wt_fail "weft.sh stop"
for p in $pids; do
	kill -0 "$p" 2>/dev/null && wt_fail "process $p still running after stop"
done
[ -e "$WEFT_RUNDIR/db.sock" ] && wt_fail "db.sock left behind"
echo "PASS: weft.sh start/stop in VTEP mode; vtep-ctl and ovs-vsctl on one socket drive the dataplane"
