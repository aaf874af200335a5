#!/bin/bash
# System test: a guest that stops draining its receive ring. Three weft-vmpeer "VMs" on
# dpdkvhostuser ports of br0: A sends N frames per phase at RATE to a MAC nobody has, so every
# frame is flooded to B (which counts them exactly) and to C. Phases:
#   1. C drains;  2. C is SIGSTOPped (its ring fills and stays full);  3. C is SIGCONTed.
# Checks, exactly, per phase (counter deltas):
#   - B: vhu1 tx_packets += N, no drop on vhu0 or vhu1; at the end B got all 3N once, in order;
#   - C: vhu2 tx_packets + drop_tx_queue_full += N (every copy for C left or was counted), and
#     in phases 1 and 3 nothing dropped; in phase 2 the drops are there, on vhu2 only, as
#     tx_queue_full;
#   - A->B rate (N / time from the batch's start to vhu1 tx_packets +N, polled) in phase 2 >= 80%
#     of phase 1's;
#   - retries to the stuck port are bounded: vhu2 has options:tx-retries-max=4, and phase 2 adds
#     at most 4 to its tx_retries (only a burst the ring takes part of is retried; a full ring
#     ends the burst at once) while thousands of frames are refused;
#   - options:tx-retries-max out of 0..32 or not a number: the port is refused with a clear
#     error and nothing is added.
# About 20 s. Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup slow-guest
RD=$T/run

N=30000
RATE=10000
RETRIES=4
MAC_A=02:00:00:00:0a:04
MAC_B=02:00:00:00:0b:04
MAC_C=02:00:00:00:0c:04
MAC_X=02:00:00:00:0f:04 # nobody's: A's frames are flooded

wt_dp_start "$RD" dataplane
wctl add-br br0 || wt_fail "add-br"
for bad in 33 -1 x 4x; do
	out=$(wctl add-port br0 vhu2 -- set Interface vhu2 type=dpdkvhostuser \
		options:tx-retries-max=$bad 2>&1) && wt_fail "tx-retries-max=$bad accepted"
	[[ $out == *"tx-retries-max must be an integer in 0..32, not '$bad'"* ]] ||
		wt_fail "tx-retries-max=$bad: $out"
	! wt_has_port vhu2 || wt_fail "tx-retries-max=$bad: the port was added"
done
wt_log "tx-retries-max=33, -1, x, 4x refused: $out"
wctl add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuser || wt_fail "add-port vhu0"
wctl add-port br0 vhu1 -- set Interface vhu1 type=dpdkvhostuser || wt_fail "add-port vhu1"
wctl add-port br0 vhu2 -- set Interface vhu2 type=dpdkvhostuser \
	options:tx-retries-max=$RETRIES || wt_fail "add-port vhu2"

# Receivers with 4096-entry rings: descheduled for up to 0.4 s on a loaded machine, they lose
# nothing.
WT_VMPEER_QSIZE=4096 wt_vmpeer vmB "$RD/vhu1.sock" 0 --recv $((3 * N)) --timeout 120 --grace 1000 \
	--src $MAC_B --announce --src-filter $MAC_A --rx-ring 4096
B_PID=$WT_PID
WT_VMPEER_QSIZE=4096 wt_vmpeer vmC "$RD/vhu2.sock" 0 --recv $((3 * N)) --timeout 600 \
	--src $MAC_C --announce --rx-ring 4096
C_PID=$WT_PID
wt_wait "vmB, vmC ready" 30 eval "wt_log_has vmB '^ready' && wt_log_has vmC '^ready'"
wt_wait "B and C learned" 10 eval "wt_fdb_has br0 vhu1 $MAC_B && wt_fdb_has br0 vhu2 $MAC_C"

# All counters of interest, one line: vhu0/1/2 tx_packets, tx_dropped, rx_dropped, tq_full,
# tx_retries (15 numbers).
snap() {
	wt_json "' '.join(str(r['ports'][p][k]) for p in ('vhu0','vhu1','vhu2') for k in
	('tx_packets','tx_dropped','rx_dropped','drop_tx_queue_full','tx_retries'))" stats
}
# phase K WHAT: A sends batch K (N frames); measures the rate; checks the deltas.
phase() {
	local k=$1 s0 s1 d r t0 t1
	s0=($(snap))
	t0=$(date +%s.%N)
	if [ "$k" = 1 ]; then
		wt_vmpeer vmA "$RD/vhu0.sock" 0 --send $N --src $MAC_A --dst $MAC_X --rate $RATE \
			--hold --timeout 120
		A_PID=$WT_PID
	else
		kill -USR1 "$A_PID"
	fi
	# The rate: N over the time from the batch's start to vhu1 having sent N more (polled).
	while [ "$(wt_stat vhu1 tx_packets)" -lt $((s0[5] + N)) ]; do
		"$WT_PY" -c "import sys,time; sys.exit(time.time() - $t0 > 30)" ||
			wt_fail "phase $k: vhu1 tx_packets not +$N after 30 s"
	done
	t1=$(date +%s.%N)
	r=$("$WT_PY" -c "print(int($N / ($t1 - $t0)))")
	wt_wait "vmA batch $k" 30 wt_log_has vmA "^sent=$N total=$((k * N))\$"
	sleep 0.5 # nothing more may come
	s1=($(snap))
	for i in $(seq 0 14); do d[i]=$((s1[i] - s0[i])); done
	wt_log "phase $k ($2): A->B $r frames/s; vhu1 tx +${d[5]}; vhu2 tx +${d[10]}," \
		"tx_queue_full +${d[13]}, tx_retries +${d[14]}; vhu0/vhu1 drops" \
		"+$((d[1] + d[2] + d[6] + d[7]))"
	[ "${d[5]}" = $N ] || wt_fail "phase $k: vhu1 tx_packets +${d[5]}, want +$N"
	[ $((d[1] + d[2] + d[6] + d[7])) = 0 ] || wt_fail "phase $k: drops on vhu0/vhu1"
	[ $((d[10] + d[13])) = $N ] ||
		wt_fail "phase $k: vhu2 tx +${d[10]} + tx_queue_full +${d[13]} != $N"
	[ "${d[11]}" = "${d[13]}" ] && [ "${d[12]}" = 0 ] ||
		wt_fail "phase $k: vhu2 drops other than tx_queue_full (tx_dropped +${d[11]}," \
			"rx_dropped +${d[12]})"
	P_RATE=$r P_DROPS=${d[13]} P_RETRIES=${d[14]}
}

phase 1 "C drains"
[ "$P_DROPS" = 0 ] || wt_fail "phase 1: $P_DROPS drops while C drains"
rate1=$P_RATE

kill -STOP "$C_PID"
phase 2 "C stopped"
[ "$P_DROPS" -gt $((N / 2)) ] || wt_fail "phase 2: only $P_DROPS drops for the stopped guest"
[ "$P_RETRIES" -le $RETRIES ] || wt_fail "phase 2: tx_retries +$P_RETRIES, want <= $RETRIES"
[ $((P_RATE * 100)) -ge $((rate1 * 80)) ] ||
	wt_fail "phase 2: A->B rate $P_RATE frames/s, below 80% of $rate1"
wt_log "stopped guest: $P_DROPS frames dropped on vhu2 only (tx_queue_full), $P_RETRIES" \
	"retries; A->B rate $P_RATE vs $rate1 frames/s ($((P_RATE * 100 / rate1))%)"

kill -CONT "$C_PID"
phase 3 "C drains again"
[ "$P_DROPS" = 0 ] || wt_fail "phase 3: $P_DROPS drops after C resumed"

wt_join "$B_PID" 60 || wt_fail "vmB exited with status $? (lost, duplicated or extra frames)"
want="received=[0-9]+ matching=$((3 * N)) out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0"
wt_log_has vmB "^$want\$" || wt_fail "vmB: $(grep -a '^received=' "$T/vmB.log"), want $want"
wt_log "vmB: $(grep -a '^received=' "$T/vmB.log")"
wt_log "PASS"
