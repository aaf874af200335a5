#!/bin/bash
# scripts/weft.sh in VTEP mode (WEFT_VTEP_PS=ps0) on private directories: one ovsdb-lite serves
# the Open_vSwitch and the hardware_vtep database on one socket, weft-controld runs with
# --vtep-db/--vtep-ps; ovs-vsctl declares the underlay and a vhost-user port, vtep-ctl on the
# same socket binds it to a logical switch (VNI 5000) with a flood locator: the dataplane gets
# bridge vtep5000 with the port and tunnel vx5000-192.168.99.2; `stop` ends everything.
# Takes about 5 s. Argument "churn" (tests/system/vtep-churn.sh) adds, before the stop:
#   weft-controld in VTEP mode under churn of the hardware_vtep database: 40 remote MACs, each
#   behind a new locator (a new tunnel port), added one vtep-ctl call at a time while the MAC sync
#   of the previous passes is still running; then every other one removed the same way.
#   A MAC sync whose fdb-show answers arrive after a new pass has rebuilt the mapping must not
#   apply that newer mapping's static entries before the pass has created their tunnel ports
#   (ovn-lab once failed on "bridge vtep1 has no port 'vx1-192.168.99.2'"). Passes when: the
#   dataplane's vtep5000 ends with exactly the 20 remaining static entries, each on its own
#   tunnel port, the removed MACs' tunnels gone, and weft-controld logged no warning or error
#   (about 3 s more).
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup "vtep-${1:-stack}"
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

if [ "${1:-}" = churn ]; then
	N=40
	mac() { printf '02:00:00:00:aa:%02x' "$1"; }
	ip() { echo "192.168.99.$((10 + $1))"; }
	# Four writers at a time: notifications arrive while a pass or a MAC sync is under way.
	churn() { # churn CMD FIRST STEP: vtep-ctl CMD for FIRST, FIRST+STEP, ... up to N, 4 in flight
		local cmd=$1 i p n=0 pids=()
		for i in $(seq "$2" "$3" $N); do
			if [ "$cmd" = add ]; then
				VC add-ucast-remote ls0 "$(mac "$i")" "$(ip "$i")" &
			else
				VC del-ucast-remote ls0 "$(mac "$i")" &
			fi
			pids+=($!)
			if [ ${#pids[@]} = 4 ]; then
				for p in "${pids[@]}"; do wait "$p" || n=$((n + 1)); done
				pids=()
			fi
		done
		for p in "${pids[@]}"; do wait "$p" || n=$((n + 1)); done
		[ $n = 0 ] || wt_fail "$n vtep-ctl $cmd calls failed"
	}
	churn add 1 1
	churn del 1 2

	# What the dataplane should end with: the even MACs, each on its own tunnel.
	want_fdb=$(for i in $(seq 2 2 $N); do echo "$(mac "$i") vx5000-$(ip "$i")"; done | sort)
	fdb() {
		wt_json "'\n'.join(sorted(e['mac']+' '+e['port'] for e in r['entries'] if e['static']))" \
			fdb/show vtep5000
	}
	settled() { [ "$(fdb)" = "$want_fdb" ]; }
	wt_wait "the $((N / 2)) remaining static entries on vtep5000" 20 settled
	want_ports=$( (echo vhu0 vx5000-192.168.99.2; for i in $(seq 2 2 $N); do echo "vx5000-$(ip "$i")"; done) |
		tr ' ' '\n' | sort)
	ports() {
		wt_json "'\n'.join(sorted(p['name'] for b in r['bridges'] if b['name']=='vtep5000' for p in b['ports']))" show
	}
	ports_ok() { [ "$(ports)" = "$want_ports" ]; }
	wt_wait "vtep5000's ports: vhu0, the flood tunnel and $((N / 2)) unicast tunnels" 20 ports_ok
	passes=$(grep -c 'pass [0-9]*:' "$WEFT_RUNDIR/controld.log")
	# Before vtep-ctl add-ps and set tunnel_key, controld rightly warns that ps0 is not in the
	# database and that ls0 has no tunnel_key: only those.
	bad=$(grep -E '\|ERR\||\|WARN\||failed:' "$WEFT_RUNDIR/controld.log" |
		grep -v 'no Physical_Switch named ps0 in the VTEP database\|has no tunnel_key')
	[ -z "$bad" ] || wt_fail "weft-controld logged warnings or errors under churn:
$bad"
	grep -q 'has no port' "$WEFT_RUNDIR/dataplane.log" 2>/dev/null &&
		wt_fail "the dataplane refused a request: $(grep 'has no port' "$WEFT_RUNDIR/dataplane.log" | head -3)"
	wt_log "$N MACs on new tunnels added, $((N / 2)) removed, one vtep-ctl call each, 4 at a time: $passes pass lines, no warning"

fi

"$W" stop || wt_fail "weft.sh stop"
for p in $pids; do
	kill -0 "$p" 2>/dev/null && wt_fail "process $p still running after stop"
done
[ -e "$WEFT_RUNDIR/db.sock" ] && wt_fail "db.sock left behind"
if [ "${1:-}" = churn ]; then
	echo "PASS: VTEP churn: static entries and tunnels follow the database, nothing refused"
else
	echo "PASS: weft.sh start/stop in VTEP mode; vtep-ctl and ovs-vsctl on one socket drive the dataplane"
fi
