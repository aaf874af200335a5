#!/bin/bash
# Three weft hosts, full mesh of VXLAN tunnels (VNI 100), on one underlay L2 segment (a Linux
# bridge in namespace ul). Host X (A, B, C = 192.168.99.1, .2, .3) has br0 with a tunnel port
# to each other host (vxY: remote_ip of host Y) and one namespace VM (10.100.0.1, .2, .3).
# Passes when: every VM pair pings; a burst of 50 broadcasts from vmA is encapsulated exactly
# twice each by A (once per tunnel), decapsulated 50 times by B and by C, delivered to vmB and
# vmC, and re-encapsulated by neither B nor C (split horizon: a frame from a tunnel never goes
# into another tunnel); B learned vmA's MAC behind its tunnel to A (vxA), not behind vxC.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/overlay-lib.sh"
ov_setup overlay-three-hosts
U=$OV_P-ul
declare -A TIP=([A]=192.168.99.1 [B]=192.168.99.2 [C]=192.168.99.3)
declare -A VIP=([A]=10.100.0.1 [B]=10.100.0.2 [C]=10.100.0.3)
ov_ns ul
ip -n "$U" link add brU type bridge
ip -n "$U" link set brU up
for h in A B C; do
	ov_ns host$h
	ov_ns vm$h
	ov_veth "$OV_P-host$h" ul$h "$U" u$h
	ip -n "$U" link set u$h master brU
	ov_nsvm "$OV_P-host$h" v$h "$OV_P-vm$h" "${VIP[$h]}/24"
	ip -n "$OV_P-vm$h" link set eth0 mtu 1450
done
# Permanent ARP entries in the VMs: no ARP probe can land inside the counted burst below.
for h in A B C; do
	for o in A B C; do
		[ $o = $h ] && continue
		ip -n "$OV_P-vm$h" neigh replace "${VIP[$o]}" dev eth0 nud permanent \
			lladdr "$(ip netns exec "$OV_P-vm$o" cat /sys/class/net/eth0/address)"
	done
done
for h in A B C; do
	rd=$T/rd$h
	ov_dp "$OV_P-host$h" "$rd" dp$h
	ovctl "$rd" add-br br-phy -- set Bridge br-phy other_config:tunnel-ip=${TIP[$h]}/24 ||
		wt_fail "$h: br-phy"
	ov_afpacket_port "$rd" br-phy up0 ul$h 0
	ovctl "$rd" add-br br0 || wt_fail "$h: br0"
	for o in A B C; do
		[ $o = $h ] && continue
		ovctl "$rd" add-port br0 vx$o -- set Interface vx$o type=vxlan \
			options:remote_ip=${TIP[$o]} options:key=100 || wt_fail "$h: vx$o"
	done
	ov_afpacket_port "$rd" br0 vm v$h 1
done

for p in "A B" "A C" "B C"; do
	set -- $p
	ov_ping "$OV_P-vm$1" "${VIP[$2]}" || ov_ping "$OV_P-vm$1" "${VIP[$2]}" || wt_fail "vm$1 -> vm$2"
	ov_ping "$OV_P-vm$2" "${VIP[$1]}" || wt_fail "vm$2 -> vm$1"
done
wt_log "full mesh pings OK"

ctr() { ov_stat "$T/rd$1" "$2" "$3"; }
snap() { echo "$(ctr A br-phy encapsulated) $(ctr B br-phy decapsulated) $(ctr C br-phy decapsulated)" \
	"$(ctr B br-phy encapsulated) $(ctr C br-phy encapsulated) $(ctr B vm tx_packets) $(ctr C vm tx_packets)"; }
sleep 1
read -r encA0 decB0 decC0 encB0 encC0 vmB0 vmC0 <<<"$(snap)"
ip netns exec "$OV_P-vmA" "$WT_PY" - <<'PY' || wt_fail "scapy broadcast sender"
from scapy.all import Ether, Raw, sendp, conf
conf.verb = 0
src = open("/sys/class/net/eth0/address").read().strip()
sendp([Ether(src=src, dst="ff:ff:ff:ff:ff:ff", type=0x88b5) / Raw(bytes(50)) for _ in range(50)], iface="eth0")
PY
sleep 1
read -r encA1 decB1 decC1 encB1 encC1 vmB1 vmC1 <<<"$(snap)"
wt_log "broadcast burst: A encapsulated +$((encA1 - encA0)), B/C decapsulated +$((decB1 - decB0))/+$((decC1 - decC0))," \
	"B/C encapsulated +$((encB1 - encB0))/+$((encC1 - encC0)), vmB/vmC got +$((vmB1 - vmB0))/+$((vmC1 - vmC0))"
[ $((encA1 - encA0)) = 100 ] || wt_fail "A encapsulated $((encA1 - encA0)), want 100 (50 x 2 tunnels)"
[ $((decB1 - decB0)) = 50 ] && [ $((decC1 - decC0)) = 50 ] || wt_fail "B/C did not decapsulate 50 each"
[ $((encB1 - encB0)) = 0 ] && [ $((encC1 - encC0)) = 0 ] || wt_fail "split horizon: B or C re-encapsulated"
[ $((vmB1 - vmB0)) -ge 50 ] && [ $((vmC1 - vmC0)) -ge 50 ] || wt_fail "vmB/vmC did not get the broadcasts"
WT_RUNDIR=$T/rdB
macA=$(ip netns exec "$OV_P-vmA" cat /sys/class/net/eth0/address)
wt_fdb_has br0 vxA "$macA" || wt_fail "B did not learn vmA behind vxA"
wt_fdb_has br0 vxC "$macA" && wt_fail "B learned vmA behind vxC"
wt_log "PASS"
