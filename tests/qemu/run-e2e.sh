#!/bin/bash
# End-to-end: two QEMU (TCG) guests with virtio-net on vhost-user ports of one weft bridge ping
# each other. Used by tests/system/qemu-e2e-server.sh and qemu-e2e-client.sh.
#   tests/qemu/run-e2e.sh server   weft owns the sockets (dpdkvhostuser), QEMU connects
#   tests/qemu/run-e2e.sh client   QEMU owns the sockets (server=on), weft connects
#                                  (dpdkvhostuserclient)
# Passes when: each guest prints WEFT_PING_OK (it reached the other and got 3 replies); weft's
# rx_packets and tx_packets are > 0 on both ports; the fdb learned each guest MAC on its port;
# both links are up while the guests run and down after they are stopped; SIGTERM stops weft
# with status 0. The guest kernel+initramfs come from tests/qemu/mkguest.sh (cached).
# Env: WEFT_BUILD (default <repo>/build), GUEST_TIMEOUT (s, default 110). Run as root.
set -uo pipefail
MODE=${1:-}
case $MODE in
server | client) ;;
*) echo "usage: $0 server|client" >&2; exit 2 ;;
esac
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../tools/weft-test-lib.sh"
wt_setup "qemu-e2e-$MODE"
GUEST_TIMEOUT=${GUEST_TIMEOUT:-110}
command -v qemu-system-x86_64 >/dev/null || wt_fail "qemu-system-x86_64 missing (scripts/deps.sh)"

GDIR=$("$HERE/mkguest.sh") || wt_fail "guest image build failed (tests/qemu/mkguest.sh)"
wt_log "guest image: $GDIR"
RD=$T/run
IP=(10.77.0.1 10.77.0.2)
MAC=(52:54:00:77:00:01 52:54:00:77:00:02)

# start_guest IDX SOCK: guest IDX pings the other one; QEMU owns SOCK in client mode.
start_guest() {
	local i=$1 sock=$2 srv="" peer=$((1 - $1))
	[ "$MODE" = client ] && srv=",server=on,wait=off"
	# vectors=0: QEMU 7.2 under TCG crashes when a vhost-user virtio-net guest enables MSI-X.
	wt_spawn "guest$i" nice -n 10 qemu-system-x86_64 -accel tcg -m 256 -smp 1 -no-reboot \
		-nodefaults -no-user-config -display none -serial stdio \
		-object memory-backend-memfd,id=mem,size=256M,share=on -numa node,memdev=mem \
		-kernel "$GDIR/vmlinuz" -initrd "$GDIR/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1 weft.ip=${IP[$i]}/24 weft.peer=${IP[$peer]}" \
		-chardev "socket,id=c0,path=$sock$srv" -netdev vhost-user,id=n0,chardev=c0 \
		-device "virtio-net-pci,netdev=n0,mac=${MAC[$i]},vectors=0,romfile="
	G_PID[$i]=$WT_PID
}

wt_dp_start "$RD" dataplane
wctl add-br br0 || wt_fail "add-br"
if [ "$MODE" = server ]; then
	for i in 0 1; do
		wctl add-port br0 vhu$i -- set Interface vhu$i type=dpdkvhostuser ||
			wt_fail "add-port vhu$i"
		start_guest $i "$RD/vhu$i.sock"
	done
else
	for i in 0 1; do
		start_guest $i "$T/guest$i.sock"
		wt_wait "QEMU socket $T/guest$i.sock" 30 test -S "$T/guest$i.sock"
		wctl add-port br0 vhu$i -- set Interface vhu$i type=dpdkvhostuserclient \
			options:vhost-server-path="$T/guest$i.sock" || wt_fail "add-port vhu$i"
	done
fi
wt_log "weft + 2 guests started (mode $MODE)"

verdicts() {
	wt_log_has guest0 'WEFT_PING_(OK|FAIL)' && wt_log_has guest1 'WEFT_PING_(OK|FAIL)'
}
end=$(($(date +%s) + GUEST_TIMEOUT))
until verdicts; do
	for i in 0 1; do
		kill -0 "${G_PID[$i]}" 2>/dev/null || wt_fail "guest$i (QEMU) exited"
	done
	kill -0 "$WT_DP_PID" 2>/dev/null || wt_fail "weft-dataplane exited"
	[ "$(date +%s)" -lt "$end" ] || wt_fail "no ping verdict from both guests in ${GUEST_TIMEOUT}s"
	sleep 1
done
grep -ahE 'WEFT_|bytes from|packet loss' "$T/guest0.log" "$T/guest1.log" | tr -d '\r'
for i in 0 1; do
	wt_log_has guest$i 'WEFT_PING_OK' || wt_fail "guest$i could not ping ${IP[$((1 - i))]}"
done

for i in 0 1; do
	rx=$(wt_stat vhu$i rx_packets)
	tx=$(wt_stat vhu$i tx_packets)
	wt_log "vhu$i: rx_packets=$rx tx_packets=$tx link=$(wt_link vhu$i)"
	[ "$rx" -gt 0 ] && [ "$tx" -gt 0 ] || wt_fail "vhu$i counters rx=$rx tx=$tx, want both > 0"
	[ "$(wt_link vhu$i)" = up ] || wt_fail "vhu$i link not up while guest$i runs"
	wt_fdb_has br0 vhu$i "${MAC[$i]}" || wt_fail "fdb: ${MAC[$i]} not learned on vhu$i"
done

for i in 0 1; do
	wt_stop "${G_PID[$i]}" TERM
	wt_wait "vhu$i link down after guest$i stopped" 15 wt_link_is vhu$i down
done
wt_stop "$WT_DP_PID" TERM || wt_fail "weft-dataplane exited with status $? on SIGTERM"
wt_log "PASS (mode $MODE)"
