#!/bin/bash
# System test: VNI isolation under a flood. Two weft hosts joined by a veth underlay (af_packet
# uplinks), two overlays on each: br0 = VNI 100, br1 = VNI 200, both tunnelling to the other
# host. Guests are weft-vmpeer "VMs" on dpdkvhostuser ports:
#   host 1: br0: vm1 (A, the flooder), vx1 (key 100 -> .2);  br1: vm3 (no guest), vx3 (200)
#   host 2: br0: vm2 (B),              vx1 (key 100 -> .1);  br1: vm4 (D),        vx3 (200)
# A sends FLOOD (default 1M) frames of VNI 100 as fast as its ring takes them, each from
# another random source MAC, to B. Checks, exactly (counter deltas over the flood):
#   1. nothing reaches VNI 200: host 2 vx3 rx_packets +0, vm4 tx_packets and tx_dropped +0, D
#      counted 0 test frames; host 2 br1 forwarded + flooded +0; host 1 vm3 tx + dropped +0;
#   2. VNI 100 is counted honestly: host 1 vm1 rx_packets = FLOOD; host 2 decapsulated = vx1
#      rx_packets; vm2 tx_packets + tx_dropped = vx1 rx_packets (every decapsulated frame went
#      to B's port); B counted exactly vm2's tx_packets test frames, none corrupt or twice.
# Frames lost on the way (af_packet rings) are not failures: what arrived is what is checked.
# About 20 s. Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/overlay-lib.sh"
ov_setup vni-flood
FLOOD=${FLOOD:-1000000}
H1=$OV_P-h1 H2=$OV_P-h2
R1=$T/rd1 R2=$T/rd2
MAC_A=02:00:00:00:0a:07
MAC_B=02:00:00:00:0b:07
MAC_D=02:00:00:00:0d:07

ov_ns h1
ov_ns h2
ov_veth "$H1" ul1 "$H2" ul2
ov_dp "$H1" "$R1" dp1
ov_dp "$H2" "$R2" dp2
for h in 1 2; do
	rd=$T/rd$h
	[ $h = 1 ] && remote=192.168.99.2 || remote=192.168.99.1
	ovctl "$rd" add-br br-phy -- set Bridge br-phy other_config:tunnel-ip=192.168.99.$h/24 ||
		wt_fail "host $h: br-phy"
	ov_afpacket_port "$rd" br-phy up0 ul$h 0
	for v in "br0 100 vx1" "br1 200 vx3"; do
		set -- $v
		ovctl "$rd" add-br $1 || wt_fail "host $h: $1"
		ovctl "$rd" add-port $1 $3 -- set Interface $3 type=vxlan options:remote_ip=$remote \
			options:key=$2 || wt_fail "host $h: $3"
	done
done
# Static neighbours (the peer's uplink MAC, the default tunnel-mac): nothing waits for ARP.
mac1=$(ip netns exec "$H1" cat /sys/class/net/ul1/address)
mac2=$(ip netns exec "$H2" cat /sys/class/net/ul2/address)
ovctl "$R1" tnl/neigh/set br-phy 192.168.99.2 "$mac2" || wt_fail "host 1: neighbour"
ovctl "$R2" tnl/neigh/set br-phy 192.168.99.1 "$mac1" || wt_fail "host 2: neighbour"
ovctl "$R1" add-port br0 vm1 -- set Interface vm1 type=dpdkvhostuser || wt_fail "vm1"
ovctl "$R1" add-port br1 vm3 -- set Interface vm3 type=dpdkvhostuser || wt_fail "vm3"
ovctl "$R2" add-port br0 vm2 -- set Interface vm2 type=dpdkvhostuser || wt_fail "vm2"
ovctl "$R2" add-port br1 vm4 -- set Interface vm4 type=dpdkvhostuser || wt_fail "vm4"

# B and D announce themselves: their broadcasts cross the underlay and host 1 learns B behind
# vx1.
WT_VMPEER_QSIZE=4096 wt_vmpeer vmB "$R2/vm2.sock" 0 --recv $FLOOD --timeout 600 --src $MAC_B \
	--announce --rx-ring 4096
B_PID=$WT_PID
wt_vmpeer vmD "$R2/vm4.sock" 0 --recv 1 --timeout 600 --src $MAC_D --announce
D_PID=$WT_PID
wt_wait "vmB, vmD ready" 30 eval "wt_log_has vmB '^ready' && wt_log_has vmD '^ready'"
WT_RUNDIR=$R1
wt_wait "host 1 learned B behind vx1" 20 wt_fdb_has br0 vx1 $MAC_B

# Counters of interest, one line.
snap() {
	echo "$(ov_stat "$R1" vm1 rx_packets)" \
		"$(($(ov_stat "$R1" vm3 tx_packets) + $(ov_stat "$R1" vm3 tx_dropped)))" \
		"$(ov_stat "$R2" br-phy decapsulated) $(ov_stat "$R2" vx1 rx_packets)" \
		"$(ov_stat "$R2" vx3 rx_packets) $(ov_stat "$R2" vm2 tx_packets)" \
		"$(ov_stat "$R2" vm2 tx_dropped) $(ov_stat "$R2" vm4 tx_packets)" \
		"$(ov_stat "$R2" vm4 tx_dropped)" \
		"$(($(ov_stat "$R2" br1 forwarded) + $(ov_stat "$R2" br1 flooded)))"
}
s0=($(snap))
t0=$(date +%s.%N)
wt_vmpeer vmA "$R1/vm1.sock" 0 --send $FLOOD --src $MAC_A --dst $MAC_B --random-src \
	--timeout 120
wt_join "$WT_PID" 180 || wt_fail "vmA exited with status $?"
t1=$(date +%s.%N)
sleep 2 # what is on its way arrives
kill -TERM "$B_PID" "$D_PID"
wt_join "$B_PID" 30 # missing frames by design (af_packet): checked below
wt_join "$D_PID" 30
s1=($(snap))
for i in $(seq 0 9); do d[i]=$((s1[i] - s0[i])); done
wt_log "flood: $FLOOD frames of VNI 100 (random source MACs) sent in" \
	"$("$WT_PY" -c "print('%.1f' % ($t1 - $t0))") s; host 2 decapsulated +${d[2]}"

# 1. Isolation.
gotD=$(grep -a '^received=' "$T/vmD.log")
wt_log "VNI 200: host 2 vx3 rx +${d[4]}, vm4 tx +${d[7]} dropped +${d[8]}, br1 forwarded+flooded" \
	"+${d[9]}; host 1 vm3 tx+dropped +${d[1]}; vmD: $gotD"
[ "${d[4]}${d[7]}${d[8]}${d[9]}${d[1]}" = 00000 ] || wt_fail "VNI 100 frames reached VNI 200"
[[ $gotD == *" matching=0 "* ]] || wt_fail "vmD got test frames: $gotD"

# 2. Honest counters on VNI 100.
gotB=$(grep -a '^received=' "$T/vmB.log")
mB=$(sed -n 's/.*matching=\([0-9]*\).*/\1/p' <<<"$gotB")
wt_log "VNI 100: host 1 vm1 rx +${d[0]}; host 2 vx1 rx +${d[3]}, vm2 tx +${d[5]} dropped" \
	"+${d[6]}; vmB: $gotB"
[ "${d[0]}" = $FLOOD ] || wt_fail "host 1 vm1 rx_packets +${d[0]}, want $FLOOD"
[ "${d[2]}" = "${d[3]}" ] || wt_fail "decapsulated +${d[2]} != vx1 rx_packets +${d[3]}"
[ $((d[5] + d[6])) = "${d[3]}" ] || wt_fail "vm2 tx +${d[5]} + dropped +${d[6]} != ${d[3]}"
[ "$mB" = "${d[5]}" ] || wt_fail "vmB counted $mB test frames, vm2 sent ${d[5]}"
[[ $gotB == *" duplicates=0 "*" unexpected=0 corrupt=0" ]] || wt_fail "vmB: $gotB"
[ "${d[3]}" -gt 0 ] || wt_fail "no frame crossed the underlay"
wt_log "PASS"
