#!/bin/bash
# System test: flow idle_timeout / hard_timeout on the whole stack (ovsdb-lite +
# weft-dataplane + weft-controld with a 1 s refresh; weftctl writes the Flow table and waits).
# Checks, exactly:
#   1. add-flow "idle_timeout=2,priority=100,dl_src=A,actions=drop" stores the timeout in the
#      Flow row; dump-flows prints it (and idle_age); 4000 frames from vmA at 1000/s (4 s, twice
#      the timeout) are all dropped by the flow: traffic keeps it;
#   2. traffic stops: the flow leaves dump-flows 2..4 s later (idle timeout + the 1 s
#      housekeeping), its Flow row is deleted too (weft-controld, flow-removed), its final
#      counters (4000 packets) are logged; the next 4000 frames reach vmB (NORMAL), exactly;
#      no flow-replace between the expiry and the delete (weft-controld does not fight it);
#   3. a kill -9 of weft-controld and a restart do not bring it back;
#   4. hard_timeout=2 expires under traffic: the flow leaves 2..4 s after it was added while
#      vmA still sends; of those 4000 frames, the flow dropped exactly what its removal reports
#      and vmB received the rest (dropped + received = 4000), and the row is gone;
#   5. a dataplane restart does not bring either back (weft-controld programs the rows).
# Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup flow-timeouts
WT_TAG=timeouts$$ # DPDK file prefixes (cleaned up by wt_cleanup)
RD=$T/run
source "$(dirname "$0")/controld-lib.sh"

N=4000
MAC_A=02:00:00:00:0a:01
MAC_B=02:00:00:00:0b:01

w() { "$WT_CTL" --db="unix:$RD/db.sock" --rundir "$RD" --timeout=10 "$@"; }
flows() { w dump-flows br0 --no-stats; }
# The Flow rows as "priority match idle hard" lines, sorted.
flow_rows() {
	ovsdb-client transact "unix:$RD/db.sock" \
		'["Open_vSwitch",{"op":"select","table":"Flow","where":[],"columns":["priority","match","idle_timeout","hard_timeout"]}]' |
		"$WT_PY" -c 'import json,sys; r=json.load(sys.stdin)[0]["rows"]; print("\n".join(sorted("%d %s %d %d" % (x["priority"], x["match"], x["idle_timeout"], x["hard_timeout"]) for x in r)))'
}
flow_gone() { ! flows | grep -q "dl_src=$MAC_A"; }
row_gone() { ! flow_rows | grep -q "dl_src=$MAC_A"; }
now_ms() { date +%s%3N; }
# Milliseconds until "$@" holds (polling every 50 ms, at most $1 s), or fails the test.
ms_until() {
	local secs=$1 t0 end
	shift
	t0=$(now_ms)
	end=$((t0 + secs * 1000))
	until "$@"; do
		[ "$(now_ms)" -lt $end ] || wt_fail "not within $secs s: $*"
		sleep 0.05
	done
	echo $(($(now_ms) - t0))
}
in_range() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

ct_stack controld
w add-br br0 || wt_fail "add-br br0"
for p in vhu0 vhu1; do
	w add-port br0 $p -- set Interface $p type=dpdkvhostuser || wt_fail "add-port $p"
done
wt_vmpeer vmB "$RD/vhu1.sock" 0 --recv 1000000 --timeout 120 --src $MAC_B --announce \
	--src-filter $MAC_A
wt_wait "vmB ready" 30 wt_log_has vmB '^ready'

# 1. An idle_timeout=2 drop flow, kept while traffic flows.
w add-flow br0 "idle_timeout=2,priority=100,dl_src=$MAC_A,actions=drop" || wt_fail "add-flow"
want=" idle_timeout=2, priority=100,dl_src=$MAC_A actions=drop
 priority=0 actions=NORMAL"
[ "$(flows)" = "$want" ] || wt_fail "after add-flow: $(flows)"
[ "$(flow_rows)" = "0  0 0
100 dl_src=$MAC_A 2 0" ] || wt_fail "Flow rows: $(flow_rows)"
w dump-flows br0 | grep -q "idle_timeout=2, idle_age=[0-9]*, priority=100" ||
	wt_fail "dump-flows: $(w dump-flows br0)"
wt_vmpeer vmA "$RD/vhu0.sock" 0 --send $N --src $MAC_A --dst $MAC_B --rate 1000 --hold
A_PID=$WT_PID
wt_wait "vmA sent $N" 30 wt_log_has vmA "^sent=$N total=$N\$"
t_stop=$(now_ms)
flow_gone && wt_fail "the idle flow expired under traffic"
[ "$(wt_stat vhu0 drop_flow_drop)" = $N ] ||
	wt_fail "vhu0 drop_flow_drop $(wt_stat vhu0 drop_flow_drop), want $N"
[ "$(wt_stat vhu1 tx_packets)" = 0 ] || wt_fail "vhu1 sent $(wt_stat vhu1 tx_packets)"
wt_log "idle flow: $N frames over 4 s all dropped by it (drop_flow_drop=$N)"

# 2. Traffic stops: gone from the dataplane, then from the database.
n_replace=$(grep -c "flow-replace br0" "$T/controld.log")
ms_until 10 flow_gone >/dev/null
dp_ms=$(($(now_ms) - t_stop))
ms_until 10 row_gone >/dev/null
db_ms=$(($(now_ms) - t_stop))
wt_log "idle flow gone: dump-flows after ${dp_ms} ms, Flow row after ${db_ms} ms (traffic stopped at 0)"
in_range $dp_ms 1500 4500 || wt_fail "idle expiry after $dp_ms ms, want 2..4 s"
in_range $db_ms $dp_ms 5500 || wt_fail "Flow row deleted after $db_ms ms"
sleep 1.5 # one more refresh pass
# Between the expiry and the delete, the refresh passes did not put the flow back.
[ "$(grep -c "flow-replace br0" "$T/controld.log")" = "$n_replace" ] ||
	wt_fail "weft-controld sent flow-replace after the expiry: $(grep "flow-replace br0" "$T/controld.log" | tail -2)"
[ "$(flows)" = " priority=0 actions=NORMAL" ] || wt_fail "after expiry: $(flows)"
[ "$(flow_rows)" = "0  0 0" ] || wt_fail "Flow rows after expiry: $(flow_rows)"
wt_log_has controld "flow removed on br0 \(idle timeout, $N packets\): table=0,priority=100,dl_src=$MAC_A\$" ||
	wt_fail "no flow-removed log line with the final counters"
wt_log_has controld "deleting the Flow row of br0's expired flow" || wt_fail "no delete logged"
kill -USR1 "$A_PID"
wt_wait "vmA sent $((2 * N))" 30 wt_log_has vmA "total=$((2 * N))\$"
wt_wait "vmB got $N" 10 eval '[ "$(wt_stat vhu1 tx_packets)" = $N ]'
[ "$(wt_stat vhu0 drop_flow_drop)" = $N ] || wt_fail "drops after expiry"
wt_log "after expiry: $N more frames reached vmB through NORMAL, exactly"

# 3. weft-controld restart: the flow does not come back.
wt_stop "$CT_CTL_PID" KILL
ct_ctl_start controld2
wt_wait "controld2 adopts" 10 wt_log_has controld2 'matches the database \(0 operations\)'
[ "$(flows)" = " priority=0 actions=NORMAL" ] || wt_fail "after controld restart: $(flows)"
[ "$(flow_rows)" = "0  0 0" ] || wt_fail "Flow rows after controld restart: $(flow_rows)"
wt_log "weft-controld restarted: the expired flow stays gone"

# 4. hard_timeout=2 expires under traffic.
w add-flow br0 "hard_timeout=2,priority=100,dl_src=$MAC_A,actions=drop" || wt_fail "add-flow hard"
t_add=$(now_ms)
kill -USR1 "$A_PID" # 4000 frames over 4 s
ms_until 10 flow_gone >/dev/null
hard_ms=$(($(now_ms) - t_add))
wt_log_has vmA "total=$((3 * N))\$" && wt_fail "the hard flow outlived the traffic"
wt_wait "vmA sent $((3 * N))" 30 wt_log_has vmA "total=$((3 * N))\$"
drops=$(($(wt_stat vhu0 drop_flow_drop) - N))
wt_wait "every frame counted" 10 eval '[ $(($(wt_stat vhu1 tx_packets) - N + drops)) = $N ]'
passed=$(($(wt_stat vhu1 tx_packets) - N))
wt_log "hard flow gone ${hard_ms} ms after add-flow, under traffic: $drops dropped, $passed passed"
in_range $hard_ms 1500 4500 || wt_fail "hard expiry after $hard_ms ms, want 2..4 s"
in_range $drops 1000 3900 || wt_fail "$drops frames dropped by the hard flow"
ms_until 10 row_gone >/dev/null
[ "$(flow_rows)" = "0  0 0" ] || wt_fail "Flow rows after hard expiry: $(flow_rows)"
wt_log_has controld2 "flow removed on br0 \(hard timeout, $drops packets\)" ||
	wt_fail "no flow-removed (hard, $drops packets) in the log"
wt_log "hard flow: removed with its final counters ($drops packets), row deleted"

# 5. A dataplane restart programs what the database has: neither expired flow comes back.
wt_stop "$WT_DP_PID" TERM
wt_dp_start "$RD" dataplane2
wt_wait "the new dataplane programmed" 10 wt_log_has controld2 'pass [0-9]+: [0-9]+ operations applied' 2
sleep 1.5 # one more refresh pass
[ "$(flows)" = " priority=0 actions=NORMAL" ] || wt_fail "after dataplane restart: $(flows)"
[ "$(flow_rows)" = "0  0 0" ] || wt_fail "Flow rows after dataplane restart: $(flow_rows)"
wt_log "weft-dataplane restarted: the expired flows stay gone"
echo "PASS flow-timeouts"
