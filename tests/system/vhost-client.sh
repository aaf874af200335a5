#!/bin/bash
# System test: weft-dataplane with two dpdkvhostuserclient ports; the weft-vmpeer "VMs" own the
# sockets (virtio_user server=1), weft connects to them. Checks, exactly:
#   1. N frames A -> B arrive once each, in order; weft's counters: vhu0 rx_packets = N,
#      vhu1 tx_packets = N; links up while connected.
#   2. weft-dataplane is killed (SIGKILL) while both VMs keep running; both VMs see their link
#      go down. A new weft-dataplane on the same rundir gets the same config again, reconnects
#      to the waiting VMs; A sends N more (seq N..2N-1): B gets all 2N exactly once, in order,
#      and the new weft counts N on vhu0 rx and vhu1 tx.
#   3. hot unplug/replug: del-port vhu0 while VM A is connected (A sees link down, the port is
#      gone from show), add-port again: weft reconnects, A sends N more (seq 2N..3N-1): B gets
#      all 3N exactly once, in order; vhu1 tx_packets += N.
#   4. when VM B quits, vhu1's link goes down; a new VM B2 on the same socket path is connected
#      by weft without any command and gets A's next N frames exactly; SIGTERM stops weft
#      with status 0.
# Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup vhost-client

N=4000
RATE=10000
MAC_A=02:00:00:00:0a:02
MAC_B=02:00:00:00:0b:02
RD=$T/run
SOCK_A=$T/vmA.sock
SOCK_B=$T/vmB.sock

# The VMs start first and wait (server=1) for the switch to connect.
wt_vmpeer vmB "$SOCK_B" 1 --recv $((3 * N)) --timeout 150 --grace 1500 \
	--src $MAC_B --announce --src-filter $MAC_A
B_PID=$WT_PID
wt_vmpeer vmA "$SOCK_A" 1 --send $N --src $MAC_A --dst $MAC_B --rate $RATE --hold --timeout 120
A_PID=$WT_PID
wt_wait "VM sockets" 30 test -S "$SOCK_A" -a -S "$SOCK_B"

# Adds the bridge and ports: vhu1 (receiver) first and up, so A's first frames find it.
configure() {
	wctl add-br br0 || wt_fail "add-br"
	wctl add-port br0 vhu1 -- set Interface vhu1 type=dpdkvhostuserclient \
		options:vhost-server-path="$SOCK_B" || wt_fail "add-port vhu1"
	wt_wait "vhu1 link up" 20 wt_link_is vhu1 up
	wctl add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuserclient \
		options:vhost-server-path="$SOCK_A" || wt_fail "add-port vhu0"
	wt_wait "vhu0 link up" 20 wt_link_is vhu0 up
}

# check_counts RX0 TX1 WHAT: waits until vhu1 tx_packets >= TX1, then checks vhu0 rx_packets
# and vhu1 tx_packets are exactly RX0 and TX1.
check_counts() {
	local rx tx
	tx_done() { [ "$(wt_stat vhu1 tx_packets)" -ge "$1" ]; }
	wt_wait "vhu1 tx_packets >= $2" 30 tx_done "$2"
	sleep 1 # nothing more may come
	rx=$(wt_stat vhu0 rx_packets)
	tx=$(wt_stat vhu1 tx_packets)
	wt_log "$3: vhu0 rx_packets=$rx (want $1) vhu1 tx_packets=$tx (want $2)"
	[ "$rx" = "$1" ] || wt_fail "$3: vhu0 rx_packets=$rx, want $1"
	[ "$tx" = "$2" ] || wt_fail "$3: vhu1 tx_packets=$tx, want $2"
}

# Phase 1.
wt_dp_start "$RD" dataplane1
configure
wt_log "weft connected to both VMs"
wt_wait "vmA sent $N" 30 wt_log_has vmA "^sent=$N total=$N\$"
check_counts $N $N "phase 1"
wt_fdb_has br0 vhu1 $MAC_B || wt_fail "fdb: $MAC_B not learned on vhu1"

# Phase 2: the dataplane crashes and comes back; the VMs keep running.
wt_stop "$WT_DP_PID" KILL
wt_wait "vmA to see its link down" 15 wt_log_has vmA '^link down'
wt_wait "vmB to see its link down" 15 wt_log_has vmB '^link down'
wt_log "weft-dataplane killed; both VMs saw link down"
wt_dp_start "$RD" dataplane2
configure
wt_wait "vmA link up again" 20 wt_log_has vmA '^ready' 2
wt_log "new weft-dataplane reconnected to both VMs"
kill -USR1 "$A_PID" # A: send N more, seq N..2N-1
wt_wait "vmA sent $N more" 30 wt_log_has vmA "^sent=$N total=$((2 * N))\$"
check_counts $N $N "phase 2 (new dataplane)"

# Phase 3: hot unplug and replug of vhu0 while VM A stays connected.
wctl del-port br0 vhu0 || wt_fail "del-port vhu0"
wt_wait "vmA to see its link down after del-port" 15 wt_log_has vmA '^link down' 2
! wt_has_port vhu0 || wt_fail "vhu0 still in show after del-port"
tx1=$(wt_stat vhu1 tx_packets)
wctl add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuserclient \
	options:vhost-server-path="$SOCK_A" || wt_fail "add-port vhu0 again"
wt_wait "vhu0 link up after add-port" 20 wt_link_is vhu0 up
wt_wait "vmA link up after add-port" 20 wt_log_has vmA '^ready' 3
rx0=$(wt_stat vhu0 rx_packets)
wt_log "vhu0 deleted and added again; vmA reconnected"
kill -USR1 "$A_PID" # A: seq 2N..3N-1
wt_wait "vmA sent $N more" 30 wt_log_has vmA "^sent=$N total=$((3 * N))\$"
check_counts $((rx0 + N)) $((tx1 + N)) "phase 3 (port re-added)"
wt_join "$B_PID" 60 || wt_fail "vmB exited with status $? (lost, duplicated or extra frames)"
want="matching=$((3 * N)) out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0"
wt_log_has vmB " $want\$" || wt_fail "vmB: $(grep -a '^received=' "$T/vmB.log"), want $want"
wt_log "vmB: $(grep -a '^received=' "$T/vmB.log")"

# Phase 4: B quit: its link goes down; weft keeps trying, so a new VM B2 on the same socket
# path gets connected without any command, and receives A's next N frames (seq 3N..4N-1).
wt_wait "vhu1 link down after vmB quit" 15 wt_link_is vhu1 down
[ "$(wt_link vhu0)" = up ] || wt_fail "vhu0 link went down while vmA is still connected"
wt_vmpeer vmB2 "$SOCK_B" 1 --recv $N --seq-start $((3 * N)) --timeout 60 --grace 1500 \
	--src-filter $MAC_A
B_PID=$WT_PID
wt_wait "weft to reconnect vhu1 to the new VM" 30 wt_link_is vhu1 up
wt_wait "vmB2 ready" 10 wt_log_has vmB2 '^ready'
wt_log "new VM B2 on $SOCK_B: weft reconnected by itself"
tx1=$(wt_stat vhu1 tx_packets)
rx0=$(wt_stat vhu0 rx_packets)
kill -USR1 "$A_PID" # A: seq 3N..4N-1
wt_wait "vmA sent $N more" 30 wt_log_has vmA "^sent=$N total=$((4 * N))\$"
check_counts $((rx0 + N)) $((tx1 + N)) "phase 4 (VM B restarted)"
wt_join "$B_PID" 60 || wt_fail "vmB2 exited with status $? (lost, duplicated or extra frames)"
want="matching=$N out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0"
wt_log_has vmB2 " $want\$" || wt_fail "vmB2: $(grep -a '^received=' "$T/vmB2.log"), want $want"
wt_log "vmB2: $(grep -a '^received=' "$T/vmB2.log")"
wt_stop "$WT_DP_PID" TERM || wt_fail "weft-dataplane exited with status $? on SIGTERM" "$WT_DP_PID" TERM || wt_fail "weft-dataplane exited with status $? on SIGTERM"
wt_wait "vmA to see its link down again" 15 wt_log_has vmA '^link down' 3
wt_log "PASS"
