#!/bin/bash
# System test: OpenFlow flows live in the database (table Flow), weft-controld programs them
# (ovsdb-lite + weft-dataplane + weft-controld, as weftctl-db.sh; weftctl without --no-wait).
# Checks, exactly:
#   1. a new bridge has the default flow: Flow row priority=0,actions=NORMAL and the marker
#      Bridge external_ids:weft-flows=initialized, `weftctl dump-flows` shows it;
#   2. add-flow of a drop flow for vmA's frames: N frames sent, the flow's n_packets = N,
#      vhu0 drop_flow_drop = N, vmB receives none;
#   3. restarts keep the flows (dump-flows --no-stats identical) and, where the dataplane
#      survived, the counters: kill -9 weft-controld (adopts: no flow-replace), ovsdb-lite;
#   4. del-flows with a match: traffic back (vmB receives N more, exactly);
#   5. replace-flows; a bad flow string is refused (message naming the token), nothing written;
#   6. del-flows (all): no flow at all, also after a weft-controld restart;
#   7. dataplane restart: its flows come back from the database; a flow added with --direct
#      is removed by the next refresh;
#   8. add-flow right after add-br --no-wait (racing weft-controld's default row): one default
#      row per bridge; weftctl del-br deletes the bridge's rows, and weft-controld those of a
#      bridge ovs-vsctl deleted.
# Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup flows-db
RD=$T/run
source "$(dirname "$0")/controld-lib.sh"

N=1000
MAC_A=02:00:00:00:0a:01
MAC_B=02:00:00:00:0b:01
DROP="priority=100,dl_src=$MAC_A,actions=drop"

w() { "$WT_CTL" --db="unix:$RD/db.sock" --rundir "$RD" --timeout=10 "$@"; }
flows() { w dump-flows br0 --no-stats; }
# n_packets of the flow whose --no-stats line contains $1.
n_packets() {
	wt_json "[f['n_packets'] for f in r['flows'] if '$1' in f['match']][0]" dump-flows br0
}
flow_rows() {
	ovsdb-client transact "unix:$RD/db.sock" \
		'["Open_vSwitch",{"op":"select","table":"Flow","where":[],"columns":["bridge","table","priority","match","actions","cookie"]}]' |
		"$WT_PY" -c 'import json,sys; r=json.load(sys.stdin)[0]["rows"]; print(sorted(json.dumps(x, sort_keys=True) for x in r))'
}
flows_are() { [ "$(flows)" = "$1" ]; }
n_packets_is() { [ "$(n_packets "$1")" = "$2" ]; }
ctl_restart() { # kill -9 weft-controld and start it again; waits for its first pass
	wt_stop "$CT_CTL_PID" KILL
	ct_ctl_start "controld$1"
	wt_wait "controld$1 adopts" 10 wt_log_has "controld$1" 'matches the database \(0 operations\)'
}

ct_stack controld
w add-br br0 || wt_fail "add-br br0"
for p in vhu0 vhu1; do
	w add-port br0 $p -- set Interface $p type=dpdkvhostuser || wt_fail "add-port $p"
done

# 1. The default flow.
[ "$(flows)" = " priority=0 actions=NORMAL" ] || wt_fail "default flow: $(flows)"
[ "$(vs get Bridge br0 external_ids:weft-flows)" = initialized ] || wt_fail "no marker"
[ "$(flow_rows)" = "['{\"actions\": \"NORMAL\", \"bridge\": \"br0\", \"cookie\": 0, \"match\": \"\", \"priority\": 0, \"table\": 0}']" ] ||
	wt_fail "Flow rows: $(flow_rows)"
wt_log "new bridge: default flow in the database and the dataplane"

# 2. A drop flow for vmA's frames.
wt_vmpeer vmB "$RD/vhu1.sock" 0 --recv $N --seq-start $N --timeout 60 --grace 1000 --src $MAC_B \
	--announce --src-filter $MAC_A
B_PID=$WT_PID
wt_wait "vmB ready" 30 wt_log_has vmB '^ready'
w add-flow br0 "$DROP" || wt_fail "add-flow"
want=" priority=100,dl_src=$MAC_A actions=drop
 priority=0 actions=NORMAL"
[ "$(flows)" = "$want" ] || wt_fail "after add-flow: $(flows)"
wt_vmpeer vmA "$RD/vhu0.sock" 0 --send $N --src $MAC_A --dst $MAC_B --rate 10000 --hold
A_PID=$WT_PID
wt_wait "vmA sent $N" 30 wt_log_has vmA "^sent=$N total=$N\$"
wt_wait "drop flow n_packets = $N" 10 n_packets_is dl_src $N
[ "$(wt_stat vhu0 drop_flow_drop)" = $N ] ||
	wt_fail "vhu0 drop_flow_drop $(wt_stat vhu0 drop_flow_drop), want $N"
[ "$(wt_stat vhu1 tx_packets)" = 0 ] || wt_fail "vhu1 sent $(wt_stat vhu1 tx_packets) frames"
wt_log "drop flow: n_packets=$N, drop_flow_drop=$N, nothing reached vmB"
w dump-flows br0 >&2

# 3. Restarts: weft-controld (kill -9), then ovsdb-lite. Counters stay in the dataplane.
before=$(flows)
rows=$(flow_rows)
ctl_restart 2
[ "$(flows)" = "$before" ] || wt_fail "after the controld restart: $(flows)"
! wt_log_has controld2 flow-replace || wt_fail "the restarted controld replaced the flows"
[ "$(n_packets dl_src)" = $N ] || wt_fail "controld restart: n_packets $(n_packets dl_src)"
wt_stop "$CT_DB_PID" TERM
ct_db_start
wt_wait "controld back on the database" 15 wt_log_has controld2 'database: monitoring' 2
w --timeout=10 set Bridge br0 other_config:mac-aging-time=300 || wt_fail "set after db restart"
[ "$(flows)" = "$before" ] || wt_fail "after the ovsdb-lite restart: $(flows)"
[ "$(flow_rows)" = "$rows" ] || wt_fail "Flow rows changed across restarts"
! wt_log_has controld2 flow-replace || wt_fail "flow-replace after the ovsdb-lite restart"
[ "$(n_packets dl_src)" = $N ] || wt_fail "db restart: n_packets $(n_packets dl_src)"
wt_log "kill -9 weft-controld, ovsdb-lite restart: same flows, no flow-replace, n_packets=$N"

# 4. del-flows with a match: traffic is back.
w del-flows br0 "dl_src=$MAC_A" || wt_fail "del-flows MATCH"
[ "$(flows)" = " priority=0 actions=NORMAL" ] || wt_fail "after del-flows: $(flows)"
kill -USR1 "$A_PID"
wt_wait "vmA sent $N more" 30 wt_log_has vmA "^sent=$N total=$((2 * N))\$"
wt_join "$B_PID" 60 || wt_fail "vmB exited with status $? (lost, duplicated or extra frames)"
res="received=$N matching=$N out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0"
wt_log_has vmB "^$res\$" || wt_fail "vmB: $(grep -a '^received=' "$T/vmB.log"), want $res"
wt_stop "$A_PID" TERM
wt_log "del-flows dl_src=$MAC_A: vmB $res"

# 5. replace-flows; a bad flow string.
printf '# two flows\npriority=0,actions=NORMAL\npriority=50,dl_type=0x88b5,actions=drop\n' >"$T/flows"
w replace-flows br0 "$T/flows" || wt_fail "replace-flows"
want=" priority=50,dl_type=0x88b5 actions=drop
 priority=0 actions=NORMAL"
[ "$(flows)" = "$want" ] || wt_fail "after replace-flows: $(flows)"
rows=$(flow_rows)
out=$(w add-flow br0 "priority=10,ip,nw_src=10.0.0.300,actions=drop" 2>&1)
[ $? = 1 ] || wt_fail "bad flow: exit status not 1"
[[ $out == "weftctl: add-flow: "*"10.0.0.300"* ]] || wt_fail "bad flow: '$out'"
[ "$(flow_rows)" = "$rows" ] || wt_fail "a refused flow changed the database"
out2=$(w add-flows br0 - 2>&1 <<<$'priority=7,actions=drop\npriority=8,bogus=1,actions=drop')
[ $? = 1 ] && [[ $out2 == *"flow 2"*"bogus"* ]] || wt_fail "bad add-flows: '$out2'"
[ "$(flow_rows)" = "$rows" ] || wt_fail "a refused add-flows changed the database"
wt_log "replace-flows ok; refused: '$out' / '$out2', nothing written"

# A flow added behind the database's back (--direct) is drift: the next refresh removes it.
wctl add-flow br0 "priority=9,actions=drop" || wt_fail "--direct add-flow"
wt_wait "drift repaired" 10 flows_are "$want"
wt_log "a --direct add-flow is undone by the next refresh (the database is the truth)"

# 7. Dataplane restart: the flows come back.
before=$(flows)
wt_stop "$WT_DP_PID" TERM
wt_dp_start "$RD" dataplane2
wt_wait "flows back in the new dataplane" 10 flows_are "$before"
wt_log "dataplane restart: flows re-programmed from the database"

# 6. del-flows (all): no flow, also after a controld restart.
w del-flows br0 || wt_fail "del-flows"
[ -z "$(flows)" ] || wt_fail "after del-flows: $(flows)"
[ "$(flow_rows)" = "[]" ] || wt_fail "Flow rows after del-flows: $(flow_rows)"
ctl_restart 3
[ -z "$(flows)" ] || wt_fail "controld restart after del-flows: $(flows)"
wt_log "del-flows: no flow left, also after a weft-controld restart"

# 8. add-flow racing weft-controld's initialization of new bridges: one default row each (the
#    marker's "wait" guard makes the loser start again), and del-br takes the rows along.
for i in 1 2 3 4; do
	w --no-wait add-br brx$i || wt_fail "add-br brx$i"
	w add-flow brx$i "priority=5,actions=drop" || wt_fail "add-flow brx$i"
done
w add-br brx5 -- add-flow brx5 "priority=5,actions=drop" || wt_fail "add-br -- add-flow (one txn)"
for i in 1 2 3 4 5; do
	[ "$(w dump-flows brx$i --no-stats)" = " priority=5 actions=drop
 priority=0 actions=NORMAL" ] || wt_fail "brx$i: $(w dump-flows brx$i --no-stats)"
done
n=$(flow_rows | "$WT_PY" -c 'import sys; print(sys.stdin.read().count("brx"))')
[ "$n" = 10 ] || wt_fail "$n Flow rows for brx1..5, want 10: $(flow_rows)"
for i in 1 2 3 4; do w del-br brx$i || wt_fail "del-br brx$i"; done
vs del-br brx5 || wt_fail "ovs-vsctl del-br brx5"
[ "$(flow_rows)" = "[]" ] || wt_fail "Flow rows left after del-br: $(flow_rows)"
wt_log "add-flow right after add-br --no-wait (x4), and chained with add-br: one default row" \
	"each; weftctl del-br and" \
	"ovs-vsctl del-br (weft-controld deletes the orphans) remove the rows"

wt_stop "$CT_CTL_PID" TERM || wt_fail "weft-controld exited with status $?"
wt_stop "$WT_DP_PID" TERM
wt_stop "$CT_DB_PID" TERM
wt_log "PASS"
