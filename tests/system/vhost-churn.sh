#!/bin/bash
# System test: guests killed under load. weft's PMD dequeues from vmA (vhu0) and enqueues into
# vmB (vhu1) at 250k frames/s while the test kills (SIGKILL) and restarts the receiving guest
# four times, then the sending guest four times, each after a random 0.1-0.5 s of traffic. A
# guest that goes away ends its device while bursts may be in flight on it: destroy_device
# clears the port's 'ready' flag and waits for an RCU grace period before the vhost library
# releases the device (dataplane/ports/port_vhost.c). Checks: weft-dataplane stays up, each
# restarted guest is connected again (link up, no command), frames reach vmB after the last
# restart of each side (vhu1 tx_packets and vhu0 rx_packets grow), no reset was needed.
# A survival test: with the grace period removed it still passed (2 of 2 runs; the window
# between a burst's 'ready' check and the library's release of the device is too narrow to
# hit here), so it guards the teardown path under load, not the grace period itself.
# Takes ~20 s. Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup vhost-churn
RD=$T/run

N=60000000 # more than the test sends: the sender never runs out
RATE=250000
ROUNDS=4
MAC_A=02:00:00:00:0a:03
MAC_B=02:00:00:00:0b:03
SOCK_A=$T/vmA.sock
SOCK_B=$T/vmB.sock

start_a() {
	rm -f "$SOCK_A"
	wt_vmpeer "vmA$1" "$SOCK_A" 1 --send $N --src $MAC_A --dst $MAC_B --rate $RATE --timeout 120
	A_PID=$WT_PID
}
start_b() {
	rm -f "$SOCK_B"
	wt_vmpeer "vmB$1" "$SOCK_B" 1 --recv $N --timeout 120 --src $MAC_B --announce
	B_PID=$WT_PID
}

# grows PORT COUNTER WHAT: the counter moves within 5 s.
grows() {
	local c0
	c0=$(wt_stat "$1" "$2")
	moved() { [ "$(wt_stat "$1" "$2")" -gt "$3" ]; }
	wt_wait "$3: $1 $2 to grow" 5 moved "$1" "$2" "$c0"
}

start_b 0
start_a 0
wt_wait "VM sockets" 30 test -S "$SOCK_A" -a -S "$SOCK_B"
wt_dp_start "$RD" dataplane
wctl add-br br0 || wt_fail "add-br"
wctl add-port br0 vhu1 -- set Interface vhu1 type=dpdkvhostuserclient \
	options:vhost-server-path="$SOCK_B" || wt_fail "add-port vhu1"
wctl add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuserclient \
	options:vhost-server-path="$SOCK_A" || wt_fail "add-port vhu0"

# kill_and_restart SIDE PORT I: SIGKILL the guest on PORT after some traffic, start a new one.
kill_and_restart() {
	local side=$1 port=$2 i=$3 pid
	wt_wait "$port up (round $i)" 20 wt_link_is "$port" up
	sleep 0.$((RANDOM % 5 + 1))
	if [ "$side" = a ]; then pid=$A_PID; else pid=$B_PID; fi
	wt_stop "$pid" KILL
	wt_wait "$port down (round $i)" 20 wt_link_is "$port" down
	kill -0 "$WT_DP_PID" 2>/dev/null || wt_fail "weft-dataplane died (vm$side killed, round $i)"
	if [ "$side" = a ]; then start_a "$i"; else start_b "$i"; fi
}

wt_wait "vhu0 up" 20 wt_link_is vhu0 up
for i in $(seq 1 $ROUNDS); do kill_and_restart b vhu1 "$i"; done
wt_wait "vhu1 up (last)" 20 wt_link_is vhu1 up
grows vhu1 tx_packets "after $ROUNDS receivers"
for i in $(seq 1 $ROUNDS); do kill_and_restart a vhu0 "$i"; done
wt_wait "vhu0 up (last)" 20 wt_link_is vhu0 up
grows vhu0 rx_packets "after $ROUNDS senders"
grows vhu1 tx_packets "after $ROUNDS senders"
kill -0 "$WT_DP_PID" 2>/dev/null || wt_fail "weft-dataplane died"
resets=$(($(wt_stat vhu0 resets) + $(wt_stat vhu1 resets)))
[ "$resets" = 0 ] || wt_fail "$resets resets: a guest that quits needs none"
echo "PASS: $ROUNDS receiving and $ROUNDS sending guests killed under load; weft up, forwarding" \
	"to and from the last ones (vhu0 rx $(wt_stat vhu0 rx_packets), vhu1 tx $(wt_stat vhu1 tx_packets))"
