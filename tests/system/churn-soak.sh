#!/bin/bash
# System test: configuration churn under traffic (bounded soak). VM A sends frames at RATE to
# VM B through br0 (vhu0 -> vhu1) for the whole run while, every 100 ms, one change is made on
# br0: add a dpdkvhostuser port, add a flow (ip,nw_dst=10.x.y.0/24 -> drop: never matches the
# test frames, but switches br0's input stage to the flow tables), delete the port added 14
# changes earlier, delete the flow added 14 changes earlier (--strict), for CHURN_SECS seconds
# (default 60 in CI; set CHURN_SECS=600 or more offline). Checks, exactly:
#   1. no crash: the dataplane answers throughout, every change succeeded, and it exits 0 on
#      SIGTERM at the end;
#   2. traffic: B got all N frames of A once each, in order; vhu0 rx_packets = N, vhu1
#      tx_packets = N, no drop on either;
#   3. the mbuf pool's in-use count (dp-show mbufs.in_use) is back to its value before the
#      traffic (no leak);
#   4. the dataplane's RSS at the end is within 5% of its value after a warm-up (the first
#      WARM_SECS of churn), and is printed every 10 s;
#   5. the accounting identity of a learning bridge (docs/control-rpc.md, "Counters"): over
#      br0's ports, sum(rx_packets) = forwarded + flooded + sum(ingress drops); every port
#      without a guest sent nothing and dropped only as link_down.
# About CHURN_SECS + 20 s. Binaries from $WEFT_BUILD (default <repo>/build). Run as root.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup churn-soak
RD=$T/run

CHURN_SECS=${CHURN_SECS:-60}
WARM_SECS=5
RATE=5000
N=$((RATE * (CHURN_SECS + 8))) # covers the churn with a margin on both sides
MAC_A=02:00:00:00:0a:05
MAC_B=02:00:00:00:0b:05

wt_dp_start "$RD" dataplane
wctl add-br br0 || wt_fail "add-br"
wctl add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuser || wt_fail "add-port vhu0"
wctl add-port br0 vhu1 -- set Interface vhu1 type=dpdkvhostuser || wt_fail "add-port vhu1"

mbufs() { wt_json "r['mbufs']['in_use']" dp/show; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$WT_DP_PID/status"; }
mb0=$(mbufs)
[ -n "$mb0" ] || wt_fail "dp/show has no mbufs figure"

# B has a 4096-entry ring: descheduled for up to 0.8 s on a loaded machine, it loses nothing.
WT_VMPEER_QSIZE=4096 wt_vmpeer vmB "$RD/vhu1.sock" 0 --recv $N --timeout $((CHURN_SECS + 120)) \
	--grace 1000 --src $MAC_B --announce --src-filter $MAC_A --rx-ring 4096
B_PID=$WT_PID
wt_wait "vmB ready" 30 wt_log_has vmB '^ready'
wt_wait "B learned" 10 wt_fdb_has br0 vhu1 $MAC_B
wt_vmpeer vmA "$RD/vhu0.sock" 0 --send $N --src $MAC_A --dst $MAC_B --rate $RATE \
	--timeout $((CHURN_SECS + 120))
A_PID=$WT_PID
flowing() { [ "$(wt_stat vhu1 tx_packets)" -ge "$1" ]; }
wt_wait "traffic flowing" 30 flowing 1000
wt_log "traffic flowing; mbufs in use before traffic: $mb0"

# The churn: one change per 100 ms tick; each line of churn.log is "TICK OP rc".
flow_of() { echo "priority=$((100 + $1 % 50)),ip,nw_dst=10.$(($1 % 200)).$(($1 / 200 % 250)).0/24"; }
churn() {
	local i=0 end=$(($(date +%s) + CHURN_SECS)) rc
	while [ "$(date +%s)" -lt $end ]; do
		case $((i % 4)) in
		0) wctl add-port br0 c$i -- set Interface c$i type=dpdkvhostuser ;;
		1) wctl add-flow br0 "$(flow_of $i),actions=drop" ;;
		2) [ $i -lt 14 ] || wctl del-port br0 c$((i - 14)) ;;
		3) [ $i -lt 14 ] || wctl del-flows --strict br0 "$(flow_of $((i - 14)))" ;;
		esac >/dev/null 2>>"$T/churn.err"
		rc=$?
		echo "$i $((i % 4)) $rc"
		i=$((i + 1))
		sleep 0.1
	done
	echo done
}
churn >"$T/churn.log" 2>&1 &
CHURN_PID=$!
WT_PIDS+=("$CHURN_PID")
sleep $WARM_SECS
rss_warm=$(rss_kb)
wt_log "after ${WARM_SECS} s of churn: RSS ${rss_warm} kB, mbufs in use $(mbufs)"
t_end=$(($(date +%s) + CHURN_SECS - WARM_SECS))
while [ "$(date +%s)" -lt $t_end ]; do
	sleep 10
	kill -0 "$WT_DP_PID" || wt_fail "weft-dataplane died during the churn"
	wt_log "churn: $(grep -c ' 0$' "$T/churn.log") changes, RSS $(rss_kb) kB, mbufs in use" \
		"$(mbufs), vhu1 tx_packets $(wt_stat vhu1 tx_packets)"
done
wt_join "$CHURN_PID" 60 || wt_fail "churn loop status $?"
grep -q '^done$' "$T/churn.log" || wt_fail "churn loop did not finish"
n_ops=$(grep -c '^[0-9]' "$T/churn.log")
n_bad=$(grep -cv ' 0$' "$T/churn.log")
[ $((n_bad)) = 1 ] || wt_fail "$((n_bad - 1)) changes failed: $(head -5 "$T/churn.err")"
rss_end=$(rss_kb)
wt_log "churn done: $n_ops changes in ${CHURN_SECS} s, all applied; RSS ${rss_end} kB"
# What was added 14 changes ago was removed: at most 4 churn ports and 4 churn flows remain.
n_ports=$(wt_json "len(r['bridges'][0]['ports'])" show)
n_flows=$(wt_json "r['bridges']['br0']['flow_count']" stats br0)
wt_log "br0 now: $n_ports ports, $n_flows flows (default flow included)"
[ "$n_ports" -ge 2 ] && [ "$n_ports" -le 6 ] && [ "$n_flows" -ge 1 ] && [ "$n_flows" -le 5 ] ||
	wt_fail "churn left $n_ports ports and $n_flows flows, want 2..6 and 1..5"

# 2. Traffic.
wt_join "$A_PID" $((CHURN_SECS + 60)) || wt_fail "vmA exited with status $?"
wt_log_has vmA "^sent=$N total=$N\$" || wt_fail "vmA did not send $N"
# Every frame of A has left by vhu1 or was dropped there; then B has 2 s to count them.
out1() { [ $(($(wt_stat vhu1 tx_packets) + $(wt_stat vhu1 tx_dropped))) -ge $N ]; }
wt_wait "vhu1 tx_packets + tx_dropped >= $N" 30 out1
for _ in $(seq 10); do
	kill -0 "$B_PID" 2>/dev/null || break
	sleep 0.2
done
kill -TERM "$B_PID" 2>/dev/null # still waiting: frames were lost, its summary says which
wt_join "$B_PID" 60 || wt_fail "vmB exited with status $? (lost, duplicated or extra frames):" \
	"$(grep -a '^received=' "$T/vmB.log"); vhu1 drops: $(wt_stat vhu1 tx_dropped)"
want="received=[0-9]+ matching=$N out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0"
wt_log_has vmB "^$want\$" || wt_fail "vmB: $(grep -a '^received=' "$T/vmB.log")"
for c in "vhu0 rx_packets $N" "vhu1 tx_packets $N" "vhu0 rx_dropped 0" "vhu1 tx_dropped 0"; do
	set -- $c
	[ "$(wt_stat $1 $2)" = "$3" ] || wt_fail "$1 $2 = $(wt_stat $1 $2), want $3"
done
wt_log "traffic: $N frames A -> B through the churn, all received once, in order; vhu0 rx =" \
	"vhu1 tx = $N, no drops"

# 3. No mbuf leak; 4. RSS stable.
mb1=$(mbufs)
wt_log "mbufs in use: $mb0 before traffic, $mb1 after"
[ "$mb1" = "$mb0" ] || wt_fail "mbufs in use $mb1, want $mb0 (leak)"
pct=$("$WT_PY" -c "print('%.2f' % (100.0 * ($rss_end - $rss_warm) / $rss_warm))")
wt_log "RSS: ${rss_warm} kB after warm-up, ${rss_end} kB at the end (${pct}%)"
[ $((rss_end * 100)) -le $((rss_warm * 105)) ] || wt_fail "RSS grew ${pct}%, want <= 5%"

# 5. Accounting identity.
read -r rx fwd fl ind badc < <(wt_json "' '.join(map(str, (
	sum(p['rx_packets'] for p in r['ports'].values()),
	r['bridges']['br0']['forwarded'], r['bridges']['br0']['flooded'],
	sum(p['rx_dropped'] - p['rx_missed'] for p in r['ports'].values()),
	sum(1 for n, p in r['ports'].items() if n.startswith('c') and
	    (p['tx_packets'] or p['rx_packets'] or p['tx_dropped'] != p['drop_link_down'])))))" stats)
wt_log "br0: sum rx_packets $rx = forwarded $fwd + flooded $fl + ingress drops $ind"
[ "$rx" = $((fwd + fl + ind)) ] || wt_fail "accounting: $rx != $fwd + $fl + $ind"
[ "$badc" = 0 ] || wt_fail "$badc guestless ports sent, received or dropped other than link_down"

# 1. Clean exit.
wt_stop "$WT_DP_PID" TERM || wt_fail "weft-dataplane exited with status $? on SIGTERM"
wt_log "PASS"
