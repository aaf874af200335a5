#!/bin/bash
# scripts/weft.sh on private directories: `start` brings up ovsdb-lite, weft-dataplane and
# weft-controld (status exits 0, a second start changes nothing); the real ovs-vsctl WITHOUT
# --no-wait configures a bridge with a vhost-user port that appears in the dataplane; `stop`
# ends all three (status exits 1, no process of ours left, sockets gone).
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup weft-stack
export WEFT_RUNDIR=$T/run WEFT_DB=$T/db/conf.db WEFT_BUILD
W=$WT_TOP/scripts/weft.sh
VS() { ovs-vsctl --db="unix:$WEFT_RUNDIR/db.sock" --timeout=20 "$@"; }
WT_N_DPDK=$((WT_N_DPDK + 1))
PREFIX="$WT_TAG-dp$WT_N_DPDK"

"$W" start -- -l 0-1 --file-prefix "$PREFIX" -- --pmd-sleep-max 1000 || wt_fail "weft.sh start"
"$W" status || wt_fail "status after start"
pids1=$(cat "$WEFT_RUNDIR"/{ovsdb-lite,dataplane,controld}.pid | tr '\n' ' ')
# Every process must be stopped by the test's cleanup too, should a check below fail.
for p in $pids1; do WT_PIDS+=("$p"); done
"$W" start -- -l 0-1 --file-prefix "$PREFIX" -- --pmd-sleep-max 1000 >/dev/null ||
	wt_fail "second start"
pids2=$(cat "$WEFT_RUNDIR"/{ovsdb-lite,dataplane,controld}.pid | tr '\n' ' ')
[ "$pids1" = "$pids2" ] || wt_fail "a second start restarted something ($pids1 -> $pids2)"

VS add-br br0 -- add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuser ||
	wt_fail "ovs-vsctl add-br/add-port without --no-wait"
show=$("$WT_CTL" --direct --rundir "$WEFT_RUNDIR" --format=json show) # the dataplane's view
echo "$show" | "$WT_PY" -c '
import json, sys
r = json.load(sys.stdin)
ports = [p["name"] for b in r["bridges"] if b["name"] == "br0" for p in b["ports"]]
sys.exit(0 if "vhu0" in ports else 1)' || wt_fail "vhu0 not in the dataplane: $show"
[ -S "$WEFT_RUNDIR/vhu0.sock" ] || wt_fail "no vhost-user socket $WEFT_RUNDIR/vhu0.sock"
[ "$(VS get Interface vhu0 ofport)" -ge 1 ] || wt_fail "no ofport written back"
wt_log "stack up, ovs-vsctl add-br/add-port live: $(VS get Interface vhu0 ofport status)"

"$W" stop || wt_fail "weft.sh stop"
"$W" status >/dev/null && wt_fail "status exits 0 after stop"
for p in $pids1; do
	kill -0 "$p" 2>/dev/null && wt_fail "process $p still running after stop"
done
for s in db.sock dataplane.sock; do
	[ -e "$WEFT_RUNDIR/$s" ] && wt_fail "$s left behind"
done
echo "PASS: weft.sh start/status/stop; ovs-vsctl without --no-wait on the started stack"
