#!/bin/bash
# System test: weft-dataplane with two dpdkvhostuser ports (weft owns the sockets) and two
# weft-vmpeer "VMs" (virtio_user clients). Checks, exactly:
#   1. N frames A -> B arrive once each, in order (vmpeer counts) and weft's port counters say
#      vhu0 rx_packets += N, vhu1 tx_packets += N; the fdb learned both MACs on the right ports;
#      link_state is down before a peer connects, up while it is connected.
#   2. the sender is killed (SIGKILL, like a crashed VM): vhu0's link goes down; a new sender
#      on the same socket sends N more (seq N..2N-1): all arrive, counters again += N.
#   3. hot unplug/replug: del-port vhu0 while its VM is connected removes the socket (the VM
#      sees link down); add-port again creates it; a new sender's N frames (seq 2N..3N-1)
#      arrive: B got all 3N exactly once, in order; counters += N.
#   4. peers that quit leave their links down; SIGTERM stops weft with status 0 and removes the
#      vhost-user sockets.
# Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup vhost-server

N=4000
RATE=10000
MAC_A=02:00:00:00:0a:01
MAC_B=02:00:00:00:0b:01
RD=$T/run

wt_dp_start "$RD" dataplane
wctl add-br br0 || wt_fail "add-br"
for p in vhu0 vhu1; do
	wctl add-port br0 $p -- set Interface $p type=dpdkvhostuser || wt_fail "add-port $p"
	[ -S "$RD/$p.sock" ] || wt_fail "no vhost-user socket $RD/$p.sock after add-port"
	[ "$(wt_link $p)" = down ] || wt_fail "$p link is '$(wt_link $p)' with no peer, want down"
done
wt_log "weft up, br0 with vhu0 vhu1 (dpdkvhostuser), links down"

# Receiver B: 2N frames from A over the whole test; announces its MAC when its link comes up.
wt_vmpeer vmB "$RD/vhu1.sock" 0 --recv $((3 * N)) --timeout 120 --grace 1500 \
	--src $MAC_B --announce --src-filter $MAC_A
B_PID=$WT_PID
wt_wait "vmB ready" 30 wt_log_has vmB '^ready'
wt_wait "vhu1 link up" 15 wt_link_is vhu1 up

# Phase 1: sender A.
rx0=$(wt_stat vhu0 rx_packets)
tx1=$(wt_stat vhu1 tx_packets)
wt_vmpeer vmA1 "$RD/vhu0.sock" 0 --send $N --src $MAC_A --dst $MAC_B --rate $RATE --hold
A_PID=$WT_PID
wt_wait "vhu0 link up" 15 wt_link_is vhu0 up
wt_wait "vmA1 sent $N" 30 wt_log_has vmA1 "^sent=$N total=$N\$"
tx_done() { [ "$(wt_stat vhu1 tx_packets)" -ge $((tx1 + N)) ]; }
wt_wait "vhu1 tx_packets >= $((tx1 + N))" 30 tx_done
sleep 1 # nothing more may come
d_rx0=$(($(wt_stat vhu0 rx_packets) - rx0))
d_tx1=$(($(wt_stat vhu1 tx_packets) - tx1))
wt_log "phase 1: vhu0 rx +$d_rx0, vhu1 tx +$d_tx1 (want $N each)"
[ "$d_rx0" = $N ] || wt_fail "vhu0 rx_packets grew by $d_rx0, want $N"
[ "$d_tx1" = $N ] || wt_fail "vhu1 tx_packets grew by $d_tx1, want $N"
wt_fdb_has br0 vhu0 $MAC_A || wt_fail "fdb: $MAC_A not learned on vhu0"
wt_fdb_has br0 vhu1 $MAC_B || wt_fail "fdb: $MAC_B not learned on vhu1"
[ "$(wt_link vhu0)" = up ] || wt_fail "vhu0 link not up while vmA1 is connected"

# Phase 2: the sender "VM" crashes; a new one takes the same socket.
wt_stop "$A_PID" KILL
wt_wait "vhu0 link down after vmA1 was killed" 15 wt_link_is vhu0 down
wt_log "vmA1 killed, vhu0 link down"
rx0=$(wt_stat vhu0 rx_packets)
tx1=$(wt_stat vhu1 tx_packets)
wt_vmpeer vmA2 "$RD/vhu0.sock" 0 --send $N --seq-start $N --src $MAC_A --dst $MAC_B \
	--rate $RATE --hold
A_PID=$WT_PID
wt_wait "vhu0 link up again" 15 wt_link_is vhu0 up
wt_wait "vmA2 sent $N" 30 wt_log_has vmA2 "^sent=$N total=$N\$"
tx_done() { [ "$(wt_stat vhu1 tx_packets)" -ge $((tx1 + N)) ]; }
wt_wait "vhu1 tx_packets >= $((tx1 + N))" 30 tx_done
sleep 1
d_rx0=$(($(wt_stat vhu0 rx_packets) - rx0))
d_tx1=$(($(wt_stat vhu1 tx_packets) - tx1))
wt_log "phase 2: vhu0 rx +$d_rx0, vhu1 tx +$d_tx1 (want $N each)"
[ "$d_rx0" = $N ] || wt_fail "vhu0 rx_packets grew by $d_rx0 after the restart, want $N"
[ "$d_tx1" = $N ] || wt_fail "vhu1 tx_packets grew by $d_tx1 after the restart, want $N"

# Phase 3: hot unplug and replug of vhu0 while vmA2 is connected.
wctl del-port br0 vhu0 || wt_fail "del-port vhu0"
[ ! -e "$RD/vhu0.sock" ] || wt_fail "$RD/vhu0.sock still there after del-port"
! wt_has_port vhu0 || wt_fail "vhu0 still in show after del-port"
wt_wait "vmA2 to see its link down after del-port" 15 wt_log_has vmA2 '^link down'
wt_stop "$A_PID" TERM
wctl add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuser || wt_fail "add-port vhu0 again"
[ -S "$RD/vhu0.sock" ] || wt_fail "no $RD/vhu0.sock after add-port"
rx0=$(wt_stat vhu0 rx_packets)
tx1=$(wt_stat vhu1 tx_packets)
wt_log "vhu0 deleted (vmA2 saw link down) and added again"
wt_vmpeer vmA3 "$RD/vhu0.sock" 0 --send $N --seq-start $((2 * N)) --src $MAC_A --dst $MAC_B \
	--rate $RATE
A_PID=$WT_PID
wt_join "$A_PID" 30 || wt_fail "vmA3 exited with status $?"
wt_log_has vmA3 "^sent=$N total=$N\$" || wt_fail "vmA3 did not report sent=$N"
wt_join "$B_PID" 60 || wt_fail "vmB exited with status $? (lost, duplicated or extra frames)"
want="received=$((3 * N)) matching=$((3 * N)) out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0"
wt_log_has vmB "^$want\$" || wt_fail "vmB: $(grep -a '^received=' "$T/vmB.log"), want $want"
d_rx0=$(($(wt_stat vhu0 rx_packets) - rx0))
d_tx1=$(($(wt_stat vhu1 tx_packets) - tx1))
wt_log "phase 3: vhu0 rx +$d_rx0, vhu1 tx +$d_tx1 (want $N each); vmB: $want"
[ "$d_rx0" = $N ] || wt_fail "vhu0 rx_packets grew by $d_rx0 after the re-add, want $N"
[ "$d_tx1" = $N ] || wt_fail "vhu1 tx_packets grew by $d_tx1 after the re-add, want $N"

# Phase 4: both peers are gone: links down; weft stops cleanly.
wt_wait "vhu0 link down after vmA3 quit" 15 wt_link_is vhu0 down
wt_wait "vhu1 link down after vmB quit" 15 wt_link_is vhu1 down
wt_stop "$WT_DP_PID" TERM || wt_fail "weft-dataplane exited with status $? on SIGTERM"
for p in vhu0 vhu1; do
	[ ! -e "$RD/$p.sock" ] || wt_fail "$RD/$p.sock left behind after SIGTERM"
done
wt_log "PASS"
