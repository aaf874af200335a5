#!/bin/bash
# System test: hostile vhost-user guests. weft-dataplane with bridge br0: vhu0 (the hostile
# front-end, tests/tools/weft-vhost-evil), vhu1 and vhu2 (two weft-vmpeer VMs, A -> B). Each
# attack mode of weft-vhost-evil runs against vhu0 while A sends N frames to B; after each:
#   - weft-dataplane is alive and answers dp/show;
#   - B's frames keep arriving: vhu1 rx_packets += N, vhu2 tx_packets += N (and at the end B got
#     every frame once, in order);
#   - vhu0's counters say exactly what happened: rx_packets (frames the vhost library handed
#     weft), resets (connections weft dropped: a transmit ring stuck at a chain the library
#     refuses, or guest memory its file does not back), rx_missed (the chains left in the stuck
#     rings), and the evil's own view (used index, closed by the switch);
#   - ring-past-eof and shrink touch guest memory past the end of its file (SIGBUS): the
#     dataplane survives them through its SIGBUS guard (dataplane/ports/vhost_guard.h);
#   - vhu0's link is down once the attacker is gone.
# What the vhost library catches and what weft adds: dataplane/ports/README.md "Hostile guests".
# Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup vhost-hostile

EVIL=$WEFT_BUILD/tests/tools/weft-vhost-evil
[ -x "$EVIL" ] || wt_fail "missing binary $EVIL (build with ninja -C $WEFT_BUILD)"
N=3000
RATE=3000
MAC_A=02:00:00:00:0a:01
MAC_B=02:00:00:00:0b:01
RD=$T/run
MODES=(bad-desc loop-chain huge-chain bad-mem bad-mem-eof ring-past-eof shrink bad-idx disconnect)
EVIL_N=20000 # frames of the disconnect mode's second connection

t_start=$(date +%s)
wt_dp_start "$RD" dataplane
wctl add-br br0 || wt_fail "add-br"
for p in vhu0 vhu1 vhu2; do
	wctl add-port br0 $p -- set Interface $p type=dpdkvhostuser || wt_fail "add-port $p"
done

# B on vhu2 receives every phase's N frames; A on vhu1 sends N more on each SIGUSR1.
total=$(((${#MODES[@]} + 1) * N))
wt_vmpeer vmB "$RD/vhu2.sock" 0 --recv $total --timeout 150 --grace 1000 \
	--src $MAC_B --announce --src-filter $MAC_A
B_PID=$WT_PID
wt_wait "vmB ready" 30 wt_log_has vmB '^ready'
wt_wait "vhu2 link up" 15 wt_link_is vhu2 up
rx1=$(wt_stat vhu1 rx_packets)
tx2=$(wt_stat vhu2 tx_packets)
wt_vmpeer vmA "$RD/vhu1.sock" 0 --send $N --src $MAC_A --dst $MAC_B --rate $RATE --hold
A_PID=$WT_PID
wt_wait "vmA sent $N" 30 wt_log_has vmA "^sent=$N total=$N\$"
phase=1

# Checks after a phase: the dataplane is up and the A -> B flow delivered exactly N more.
flow_ok() {
	local what=$1
	kill -0 "$WT_DP_PID" 2>/dev/null || wt_fail "$what: weft-dataplane died"
	wctl dp/show >/dev/null || wt_fail "$what: dp/show does not answer"
	wt_wait "$what: vmA sent total $((phase * N))" 30 \
		wt_log_has vmA "^sent=$N total=$((phase * N))\$"
	tx_done() { [ "$(wt_stat vhu2 tx_packets)" -ge $((tx2 + phase * N)) ]; }
	wt_wait "$what: vhu2 tx_packets >= $((tx2 + phase * N))" 30 tx_done
	local d1=$(($(wt_stat vhu1 rx_packets) - rx1)) d2=$(($(wt_stat vhu2 tx_packets) - tx2))
	[ "$d1" = $((phase * N)) ] || wt_fail "$what: vhu1 rx_packets +$d1, want $((phase * N))"
	[ "$d2" = $((phase * N)) ] || wt_fail "$what: vhu2 tx_packets +$d2, want $((phase * N))"
}
flow_ok "before the attacks"

# The value of KEY in the evil's line for case NAME of mode MODE.
case_val() {
	sed -n "s/^case=$2 .*\b$3=\([^ ]*\).*/\1/p" "$T/evil-$1.log" | head -n 1
}
# Asserts a case line: expect MODE NAME "setup=ok used=2 closed=1" (each key=value).
expect() {
	local mode=$1 name=$2 kv got
	for kv in $3; do
		got=$(case_val "$mode" "$name" "${kv%%=*}")
		[ "$got" = "${kv#*=}" ] || wt_fail "$mode/$name: ${kv%%=*}=$got, want $kv"
	done
}
# Asserts vhu0's counter deltas of this mode: expect_ctr MODE rx_packets=D resets=D ...
expect_ctr() {
	local mode=$1 kv c got
	shift
	for kv in "$@"; do
		c=${kv%%=*}
		got=$(($(wt_stat vhu0 "$c") - ${base[$c]}))
		[ "$got" = "${kv#*=}" ] || wt_fail "$mode: vhu0 $c +$got, want +${kv#*=}"
	done
}

declare -A base
for mode in "${MODES[@]}"; do
	for c in rx_packets rx_bytes resets rx_missed; do
		base[$c]=$(wt_stat vhu0 $c)
	done
	phase=$((phase + 1))
	kill -USR1 "$A_PID" # A's next N frames cross the switch during the attack
	wt_spawn "evil-$mode" "$EVIL" --socket "$RD/vhu0.sock" --mode "$mode" --frames $EVIL_N
	wt_join "$WT_PID" 60 || wt_fail "weft-vhost-evil --mode $mode exited with status $?"
	flow_ok "$mode"
	wt_wait "$mode: vhu0 link down after the attacker left" 15 wt_link_is vhu0 down
	case $mode in
	bad-desc) # a chain at an unmapped address or of len 0xffffffff stalls the ring: reset
		expect $mode unmapped "setup=ok posted=5 used=2 closed=1"
		expect $mode len0 "setup=ok posted=5 used=5 closed=0" # consumed, dropped by DPDK
		expect $mode lenmax "setup=ok posted=5 used=2 closed=1"
		expect_ctr $mode rx_packets=8 resets=2 rx_missed=7 # 3 + 3 stuck, 1 len0
		;;
	loop-chain) # loops and an over-long indirect table: refused by DPDK, stalled, reset
		for k in loop self-loop indirect-long; do
			expect $mode $k "setup=ok posted=5 used=2 closed=1"
		done
		expect_ctr $mode rx_packets=6 resets=3 rx_missed=9
		;;
	huge-chain) # 250 segments: one 63988-byte frame; 1000 segments: refused, reset
		expect $mode chain-250x256 "setup=ok posted=3 used=3 closed=0"
		expect $mode chain-1000x64 "setup=ok posted=3 used=1 closed=1"
		expect_ctr $mode rx_packets=4 rx_bytes=$((3 * 64 + 250 * 256 - 12)) resets=1 \
			rx_missed=2
		;;
	bad-mem) # DPDK refuses the table (closes the connection) or never starts the device
		for k in regions-9 region-size0 region-pipe-fd; do
			expect $mode $k "setup=refused"
		done
		expect $mode regions-overlap "setup=ok posted=2 used=2"
		expect $mode ring-outside "setup=ok posted=2 used=0"
		expect_ctr $mode rx_packets=2 resets=0 rx_missed=0
		wt_log_has dataplane 'processing VHOST_USER_SET_MEM_TABLE failed' 3 ||
			wt_fail "$mode: the vhost library did not log 3 refused memory tables"
		for re in 'expect 9 FDs for request VHOST_USER_SET_MEM_TABLE, received 8' \
			'mmap_offset \(0\) and memory_size \(0\) overflow' 'mmap failed'; do
			wt_log_has dataplane "$re" || wt_fail "$mode: no '$re' in the dataplane log"
		done
		# ring-outside: 'failed to map desc ring' is a debug line; the device never starts
		;;
	bad-mem-eof) # a region past the end of its file: weft refuses the device (else SIGBUS)
		expect $mode region-past-eof "setup=ok posted=2 used=0 closed=1"
		expect_ctr $mode rx_packets=0 resets=1 rx_missed=0
		wt_log_has dataplane 'device [0-9]+ refused: memory region 0 .* of a file of 65536 bytes' ||
			wt_fail "$mode: no 'refused: memory region' line in the dataplane log"
		;;
	ring-past-eof) # the library reads the rings past the file's end before any callback:
		# the SIGBUS guard replaces the page, the device is refused and reset
		expect $mode ring-past-eof "setup=ok"
		expect_ctr $mode rx_packets=0 resets=1 rx_missed=0
		wt_log_has dataplane 'device [0-9]+ refused: memory region 0 .* of a file of 4096 bytes' ||
			wt_fail "$mode: no 'refused: memory region' line in the dataplane log"
		wt_log_has dataplane 'touched memory its file no longer has' ||
			wt_fail "$mode: the guard's fault was not matched to vhu0"
		;;
	shrink) # a good device, then its memfd cut to 4 KiB: the PMD's next dequeue faults, the
		# guard replaces the pages, the burst is dropped (rx_missed, never forwarded: the
		# A -> B counts above are exact) and the device reset
		expect $mode shrink "used=1"
		expect_ctr $mode rx_packets=1 resets=1
		m=$(($(wt_stat vhu0 rx_missed) - ${base[rx_missed]}))
		[ "$m" -ge 0 ] && [ "$m" -le 32 ] || wt_fail "$mode: rx_missed +$m, want 0..32 (one burst)"
		wt_log_has dataplane 'touched memory its file no longer has' 2 ||
			wt_fail "$mode: the guard's fault was not matched to vhu0"
		;;
	bad-idx) # avail idx 5000 ahead: DPDK dequeues the stale ring entries again (5000 copies)
		expect $mode idx-ahead "setup=ok posted=2 used=5002 closed=0"
		expect_ctr $mode rx_packets=5002 resets=0 rx_missed=0
		;;
	disconnect) # every chain the switch consumed before it saw the close was counted once
		line=$(grep -a '^disconnect ' "$T/evil-$mode.log")
		u1=$(sed -n 's/.*first=\([0-9]*\).*/\1/p' <<<"$line")
		u2=$(sed -n 's/.*second=\([0-9]*\).*/\1/p' <<<"$line")
		[ -n "$u1" ] && [ "$u2" = $EVIL_N ] || wt_fail "$mode: '$line', want second=$EVIL_N"
		expect_ctr $mode rx_packets=$((u1 + u2)) resets=0 rx_missed=0
		;;
	esac
	wt_log "$mode: dataplane up; A -> B +$N exact; vhu0 rx +$((\
		$(wt_stat vhu0 rx_packets) - ${base[rx_packets]})) resets +$((\
		$(wt_stat vhu0 resets) - ${base[resets]})) rx_missed +$((\
		$(wt_stat vhu0 rx_missed) - ${base[rx_missed]})); $(grep -a '^case=\|^disconnect' \
		"$T/evil-$mode.log" | sed 's/ valid_before=[0-9]*//' | tr '\n' ';')"
done

# A good guest on vhu0 after all that: forwarded normally.
base[rx_packets]=$(wt_stat vhu0 rx_packets)
wt_spawn evil-good "$EVIL" --socket "$RD/vhu0.sock" --mode good --frames 1000
wt_join "$WT_PID" 30 || wt_fail "weft-vhost-evil --mode good exited with status $?"
expect good good "setup=ok posted=1000 used=1000"
expect_ctr good rx_packets=1000

wt_join "$B_PID" 60 || wt_fail "vmB exited with status $? (lost, duplicated or extra frames)"
want="received=$total matching=$total out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0"
wt_log_has vmB "^$want\$" || wt_fail "vmB: $(grep -a '^received=' "$T/vmB.log"), want $want"
wt_stop "$A_PID" TERM
wt_stop "$WT_DP_PID" TERM || wt_fail "weft-dataplane exited with status $? on SIGTERM"
wt_log "vmB: $want"
wt_log "PASS ($(($(date +%s) - t_start)) s)"
