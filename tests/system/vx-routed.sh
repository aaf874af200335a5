#!/bin/bash
# A routed underlay (tunnel-gateway) and two VNIs to one kernel VXLAN host.
#   vmW/vmW2 --veth-- [w: weft; br-phy tunnel-ip 192.168.99.1/24 tunnel-gateway .254,
#                      uplink up0 = af_packet on ul0; br0: vx1 (VNI 100), br1: vx2 (VNI 200),
#                      both to 192.168.98.2]
#   ul0 <--> r0 [rt: a Linux router, 192.168.99.254 / 192.168.98.254] r1 <--> ul1
#   [far: 192.168.98.2, default via .254; vxlan100 + vxlan200 (kernel), each in its own Linux
#    bridge with one VM] vmK (VNI 100) / vmK2 (VNI 200)
# Both VNIs use the same overlay addresses (10.100.0.1 <-> 10.100.0.2), so a VNI leak would
# show in the ARP tables. The far host keeps its veth offloads (partial outer UDP checksums).
# Passes when: each pair pings both ways in its VNI; each VM's ARP
# entry for its peer is the MAC of the peer in its own VNI; weft's neighbour table holds the
# gateway (not the remote VTEP, which is off-link); weft answers ping on its tunnel address
# from the far subnet; frames crossed the router (its forwarding counters rose); weft accepted
# the far kernel's partial outer checksums and dropped none for a bad UDP checksum.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/overlay-lib.sh"
ov_setup vx-routed
W=$OV_P-w RT=$OV_P-rt FAR=$OV_P-far RD=$T/rd
for n in w rt far vmW vmK vmW2 vmK2; do ov_ns $n; done
ov_veth "$W" ul0 "$RT" r0
ov_veth "$RT" r1 "$FAR" ul1
ip -n "$RT" addr add 192.168.99.254/24 dev r0
ip -n "$RT" addr add 192.168.98.254/24 dev r1
ip netns exec "$RT" sysctl -qw net.ipv4.ip_forward=1
ip -n "$FAR" addr add 192.168.98.2/24 dev ul1
ip -n "$FAR" route add default via 192.168.98.254
# ul1 keeps its offloads: the kernel's VXLAN frames cross the router with partial outer UDP
# checksums, which weft accepts (br-phy outer_csum_partial, checked below).
for vni in 100 200; do
	[ $vni = 100 ] && k=vmK w=vmW || k=vmK2 w=vmW2
	ip -n "$FAR" link add vxlan$vni type vxlan id $vni remote 192.168.99.1 local 192.168.98.2 \
		dstport 4789 udpcsum || wt_fail "kernel vxlan$vni"
	ip -n "$FAR" link add br$vni type bridge
	ip -n "$FAR" link set vxlan$vni master br$vni
	ov_nsvm "$FAR" k$vni "$OV_P-$k" 10.100.0.2/24
	ip -n "$FAR" link set k$vni master br$vni
	ip -n "$FAR" link set vxlan$vni up
	ip -n "$FAR" link set br$vni up
	ov_nsvm "$W" w$vni "$OV_P-$w" 10.100.0.1/24
	ip -n "$OV_P-$k" link set eth0 mtu 1450
	ip -n "$OV_P-$w" link set eth0 mtu 1450
done

ov_dp "$W" "$RD" dataplane
DP_PID=$WT_PID
ovctl "$RD" add-br br-phy -- set Bridge br-phy other_config:tunnel-ip=192.168.99.1/24 \
	other_config:tunnel-gateway=192.168.99.254 || wt_fail "add-br br-phy"
ov_afpacket_port "$RD" br-phy up0 ul0 0
ovctl "$RD" add-br br0 || wt_fail "add-br br0"
ovctl "$RD" add-port br0 vx1 -- set Interface vx1 type=vxlan options:remote_ip=192.168.98.2 \
	options:key=100 || wt_fail "add-port vx1"
ov_afpacket_port "$RD" br0 vm1 w100 1
ovctl "$RD" add-br br1 || wt_fail "add-br br1"
ovctl "$RD" add-port br1 vx2 -- set Interface vx2 type=vxlan options:remote_ip=192.168.98.2 \
	options:key=200 || wt_fail "add-port vx2"
ov_afpacket_port "$RD" br1 vm2 w200 2

fwd0=$(ip netns exec "$RT" cat /proc/net/snmp | awk '/^Ip: [0-9]/ {print $7}')
for p in "vmW vmK" "vmW2 vmK2"; do
	set -- $p
	ov_ping "$OV_P-$1" 10.100.0.2 || ov_ping "$OV_P-$1" 10.100.0.2 || wt_fail "$1 -> $2"
	ov_ping "$OV_P-$2" 10.100.0.1 || wt_fail "$2 -> $1"
	for v in "$1 $2" "$2 $1"; do
		set -- $v
		[ "$1" = "${1%K*}" ] && peer=10.100.0.2 || peer=10.100.0.1
		want=$(ip netns exec "$OV_P-$2" cat /sys/class/net/eth0/address)
		got=$(ip -n "$OV_P-$1" neigh show "$peer" | awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1)}')
		[ "$got" = "$want" ] || wt_fail "$1's ARP entry for $peer is '$got', want $2's $want (VNI leak?)"
	done
done
wt_log "both VNIs ping both ways, ARP entries point into the right VNI"
ov_ping "$FAR" 192.168.99.1 || wt_fail "weft does not answer ping on its tunnel address from 192.168.98.2"
fwd1=$(ip netns exec "$RT" cat /proc/net/snmp | awk '/^Ip: [0-9]/ {print $7}')
neigh=$(ovctl "$RD" tnl/neigh/show)
echo "$neigh"
grep -q '192.168.99.254' <<<"$neigh" || wt_fail "no neighbour entry for the gateway"
grep -q '192.168.98.2' <<<"$neigh" && wt_fail "neighbour entry for the off-link remote VTEP"
wt_log "router forwarded $((fwd1 - fwd0)) packets; br-phy encapsulated=$(ov_stat "$RD" br-phy encapsulated) decapsulated=$(ov_stat "$RD" br-phy decapsulated)"
[ $((fwd1 - fwd0)) -ge 24 ] || wt_fail "router forwarded only $((fwd1 - fwd0)) packets"
[ "$(ov_stat "$RD" vx2 rx_packets)" -ge 6 ] || wt_fail "vx2 (VNI 200) received too little"
partial=$(ov_stat "$RD" br-phy outer_csum_partial)
wt_log "kernel VXLAN frames with partial outer UDP checksums accepted: $partial"
[ "$partial" -ge 12 ] || wt_fail "br-phy outer_csum_partial=$partial (want >= 12: the far kernel's echo replies and requests)"
[ "$(ov_stat "$RD" up0 drop_vx_bad_udp_cksum)" = 0 ] || wt_fail "up0 drop_vx_bad_udp_cksum"
wt_stop "$DP_PID" TERM || wt_fail "weft-dataplane exited with status $? on SIGTERM"
wt_log "PASS"
