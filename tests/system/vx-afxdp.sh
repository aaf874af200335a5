#!/bin/bash
# VXLAN over an AF_XDP uplink that shares its NIC (a veth) with the kernel.
# Namespace h: weft-dataplane, uplink up0 = net_af_xdp on ul0 with weft's XDP program
# (vxlan/xdp/weft_xdp.o); the kernel keeps its own address 192.168.99.10 on ul0; weft's
# tunnel address is 192.168.99.1. Namespace far: the other end ul1 (192.168.99.2).
# Passes when:
#  - the XDP program is attached and, before weft-xdp-cfg sets the tunnel address, passes
#    everything to the kernel (a ping to .1 gets no answer, one to .10 does);
#  - after `weft-xdp-cfg ul0 set 192.168.99.1 4789`, weft answers ARP and ping for .1;
#  - 200 VXLAN frames (VNI 100) from far reach the VM (weft-vmpeer on vm1) exactly once, and
#    weft's counters rise (up0 rx, br-phy decapsulated, vm1 tx; XDP redirect >= 200);
#  - meanwhile the kernel still answers ping on .10, and VXLAN-looking UDP to the kernel's
#    address .10:4789 goes to the kernel (XDP pass), not to weft;
#  - the VM's broadcast announce left encapsulated (vx1 tx, br-phy encapsulated);
#  - stopping weft detaches the program from ul0; after a SIGKILL it stays (kernel traffic
#    still flows) and `weft-xdp-cfg ul0 detach` removes it.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/overlay-lib.sh"
ov_setup vx-afxdp
for b in "$OV_XDP_OBJ" "$OV_XDP_CFG" "$WT_VMPEER"; do
	[ -e "$b" ] || wt_fail "missing $b (ninja -C $WEFT_BUILD)"
done
H=$OV_P-h
FAR=$OV_P-far
RD=$T/rd
VM_MAC=52:54:00:aa:00:01
N=200

ov_ns h
ov_ns far
ov_veth "$H" ul0 "$FAR" ul1
ip -n "$H" addr add 192.168.99.10/24 dev ul0
ip -n "$FAR" addr add 192.168.99.2/24 dev ul1
UL0_MAC=$(ip netns exec "$H" cat /sys/class/net/ul0/address)

ov_dp "$H" "$RD" dataplane
DP_PID=$WT_PID
ovctl "$RD" add-br br-phy -- set Bridge br-phy other_config:tunnel-ip=192.168.99.1/24 ||
	wt_fail "add-br br-phy"
ovctl "$RD" add-port br-phy up0 -- set Interface up0 type=dpdk \
	options:dpdk-devargs="net_af_xdp0,iface=ul0,xdp_prog=$OV_XDP_OBJ" || wt_fail "add-port up0 (af_xdp)"
grep -q 'prog/xdp.*name weft_xdp' <<<"$(ip -n "$H" link show ul0)" || wt_fail "weft_xdp not attached to ul0"
wt_log "weft_xdp attached: $(ip -n "$H" link show ul0 | grep -o 'prog/xdp.*')"

# Unconfigured: everything goes to the kernel.
ov_ping "$FAR" 192.168.99.10 || wt_fail "kernel address .10 unreachable with the program attached"
ov_ping "$FAR" 192.168.99.1 1 && wt_fail "tunnel address answered before weft-xdp-cfg set it"
[ "$(ov_stat "$RD" up0 rx_packets)" = 0 ] || wt_fail "weft received frames while unconfigured"
ip netns exec "$H" "$OV_XDP_CFG" ul0 set 999.1.1.1 && wt_fail "weft-xdp-cfg accepted a bad address"
ip netns exec "$H" "$OV_XDP_CFG" ul0 set 192.168.99.1 4789 || wt_fail "weft-xdp-cfg set"
grep -q 'ip=192.168.99.1 port=4789' <<<"$(ip netns exec "$H" "$OV_XDP_CFG" ul0 show)" ||
	wt_fail "weft-xdp-cfg show: $(ip netns exec "$H" "$OV_XDP_CFG" ul0 show)"
ov_ping "$FAR" 192.168.99.1 || wt_fail "weft does not answer ping on its tunnel address"
ov_ping "$FAR" 192.168.99.10 || wt_fail "kernel address .10 unreachable after configuration"

ovctl "$RD" add-br br0 || wt_fail "add-br br0"
ovctl "$RD" add-port br0 vx1 -- set Interface vx1 type=vxlan options:remote_ip=192.168.99.2 \
	options:key=100 || wt_fail "add-port vx1"
ovctl "$RD" add-port br0 vm1 -- set Interface vm1 type=dpdkvhostuser || wt_fail "add-port vm1"
wt_vmpeer vm "$RD/vm1.sock" 0 --recv $N --src $VM_MAC --announce --timeout 60 --grace 500
VM_PID=$WT_PID
wt_wait "vm1 link up" 30 wt_log_has vm ready
WT_RUNDIR=$RD
wt_wait "fdb learns the VM on vm1" 15 wt_fdb_has br0 vm1 $VM_MAC
wt_wait "the VM's announce encapsulated" 15 test "$(ov_stat "$RD" br-phy encapsulated)" -ge 1

rx0=$(ov_stat "$RD" up0 rx_packets)
# 200 VXLAN frames to weft, and 50 VXLAN-looking UDP frames to the kernel's address.
ip netns exec "$FAR" "$WT_PY" - "$UL0_MAC" "$VM_MAC" $N <<'PY' || wt_fail "scapy sender"
import struct, sys
from scapy.all import Ether, IP, UDP, Raw, sendp, conf
from scapy.layers.vxlan import VXLAN
conf.verb = 0
dmac, vm, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
smac = open("/sys/class/net/ul1/address").read().strip()
def frame(dst, seq):
    # weft-vmpeer's test frame: magic, frame length, seq, then bytes (seq + offset) & 0xff.
    size = 64
    pad = bytes((seq + i) & 0xff for i in range(30, size))
    inner = Ether(src="02:00:00:00:00:99", dst=vm, type=0x88b5) / Raw(struct.pack(">IHHQ", 0x57454654, size, 0, seq) + pad)
    return Ether(src=smac, dst=dmac) / IP(src="192.168.99.2", dst=dst) / UDP(sport=49152 + seq % 1000, dport=4789) / VXLAN(vni=100, flags=0x08) / inner
sendp([frame("192.168.99.1", s) for s in range(n)], iface="ul1")
sendp([frame("192.168.99.10", n + s) for s in range(50)], iface="ul1")
PY
ov_ping "$FAR" 192.168.99.10 || wt_fail "kernel address .10 unreachable during VXLAN traffic"
wt_join "$VM_PID" 30 || wt_fail "the VM did not receive the $N frames exactly once: $(tail -n 2 "$T/vm.log")"
wt_log "VM: $(grep -a received= "$T/vm.log")"

xdp=$(ip netns exec "$H" "$OV_XDP_CFG" ul0 show)
wt_log "xdp: $xdp"
redir=$(sed -n 's/.* redirect=\([0-9]*\).*/\1/p' <<<"$xdp")
pass=$(sed -n 's/.* pass=\([0-9]*\).*/\1/p' <<<"$xdp")
rx1=$(ov_stat "$RD" up0 rx_packets)
decap=$(ov_stat "$RD" br-phy decapsulated)
vmtx=$(ov_stat "$RD" vm1 tx_packets)
wt_log "up0 rx $rx0 -> $rx1, br-phy decapsulated=$decap, vm1 tx=$vmtx, vx1 tx=$(ov_stat "$RD" vx1 tx_packets)"
[ "$redir" -ge $((N + 6)) ] || wt_fail "XDP redirect=$redir, want >= $((N + 6)) (VXLAN + ARP + pings)"
[ "$pass" -ge 50 ] || wt_fail "XDP pass=$pass, want >= 50 (UDP to the kernel's address)"
[ $((rx1 - rx0)) -ge $N ] && [ $((rx1 - rx0)) -lt $((N + 50)) ] ||
	wt_fail "up0 rx grew by $((rx1 - rx0)), want $N..$((N + 49)) (only frames for the VTEP)"
[ "$decap" -ge $N ] || wt_fail "br-phy decapsulated=$decap, want >= $N"
[ "$vmtx" -ge $N ] || wt_fail "vm1 tx_packets=$vmtx, want >= $N"
[ "$(ov_stat "$RD" up0 drop_vx_foreign_dst)" = 0 ] || wt_fail "weft saw frames for the kernel's address"

wt_stop "$DP_PID" TERM || wt_fail "weft-dataplane exited with status $? on SIGTERM"
grep -q 'prog/xdp' <<<"$(ip -n "$H" link show ul0)" && wt_fail "XDP program still attached after weft stopped"

# A killed weft leaves its program attached (the PMD cannot attach anew then):
# weft-xdp-cfg detach removes it.
ov_dp "$H" "$RD" dataplane2
ovctl "$RD" add-br br-phy -- set Bridge br-phy other_config:tunnel-ip=192.168.99.1/24 ||
	wt_fail "add-br br-phy (2nd weft)"
ovctl "$RD" add-port br-phy up0 -- set Interface up0 type=dpdk \
	options:dpdk-devargs="net_af_xdp0,iface=ul0,xdp_prog=$OV_XDP_OBJ" || wt_fail "add-port up0 (2nd weft)"
wt_stop "$WT_PID" KILL
grep -q 'prog/xdp.*name weft_xdp' <<<"$(ip -n "$H" link show ul0)" ||
	wt_fail "expected the program to outlive a SIGKILLed weft"
ov_ping "$FAR" 192.168.99.10 || wt_fail "kernel address .10 unreachable with a stale program"
ip netns exec "$H" "$OV_XDP_CFG" ul0 detach || wt_fail "weft-xdp-cfg detach"
grep -q 'prog/xdp' <<<"$(ip -n "$H" link show ul0)" && wt_fail "program still attached after detach"
ip netns exec "$H" "$OV_XDP_CFG" ul0 detach 2>/dev/null && wt_fail "detach without a program succeeded"
wt_log "PASS"
