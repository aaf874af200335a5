#!/bin/bash
# weft-controld in VTEP mode (--vtep-db, --vtep-ps), driven by vtep-ctl through a real
# ovsdb-server serving the hardware_vtep schema; Linux's own VXLAN is the remote VTEP.
#   vmW (10.50.0.1/24) --veth-- [w: weft; the Open_vSwitch DB (ovsdb-lite) declares br-phy
#        (tunnel-ip 192.168.99.1/24, uplink up0 = af_packet on ul0) and br-local with vm1
#        (af_packet on vw0)]
#   ul0 <--veth underlay--> ul1 [far: 192.168.99.2, vxlan5000 (id 5000) + vk0 in br5000]
#        --veth-- vmK (10.50.0.2/24)
# vtep-ctl: add-ps ps0, add-port ps0 vm1, add-ls ls0 (tunnel_key 5000), bind-ls ps0 vm1 0 ls0,
# add-ucast-remote ls0 <vmK MAC> 192.168.99.2, add-mcast-remote ls0 unknown-dst 192.168.99.2;
# and a VLAN binding: vm2 (af_packet on vw1, vmW2 sends VLAN 100 tagged) bound with VLAN 100
# to ls1 (VNI 5001, vxlan5001 + vmK2 on the far side), flood locator only.
# Passes when: the dataplane has bridge vtep5000 with vm1 and the tunnel port
# vx5000-192.168.99.2 (remote_ip, key 5000) and the static fdb entry vmK MAC -> that port;
# vmW pings vmK, and its ARP broadcast goes to that tunnel only, not to vx5000-192.168.99.3 (a
# unicast-only locator, options:flood=false); tshark on ul1 sees weft's frames as VXLAN VNI 5000 from 192.168.99.1 to
# 192.168.99.2 carrying vmW -> vmK; vm2 is a trunk of VLAN 100 on vtep5001 and vmW2 pings
# vmK2, its frames leaving as VNI 5001 without the tag; vmW's and vmW2's MACs show in
# `vtep-ctl list-local-macs` behind 192.168.99.1 and Physical_Switch tunnel_ips is written;
# Logical_Binding_Stats count the packets; a bound port weft does not have gets a
# port_fault_status; a restarted weft-controld adopts it all (0 operations), and reconnects to
# a restarted VTEP database server changing nothing; removing the
# remote MAC removes the static entry, removing the flood locator too removes the tunnel port;
# unbinding moves vm1 back to br-local, removes vtep5000 and the local MAC. Takes about 15 s.
# Argument "lite": one ovsdb-lite serves both databases, hardware_vtep used over tcp:
# (vtep-controld-lite.sh).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/overlay-lib.sh"
ov_setup vtep-controld
for t in ovsdb-server ovsdb-tool vtep-ctl tshark ovs-vsctl; do
	command -v $t >/dev/null || PATH=$PATH:/usr/sbin
	command -v $t >/dev/null || wt_fail "$t not installed (scripts/deps.sh)"
done
SCHEMA=/usr/share/openvswitch/vtep.ovsschema
[ -f "$SCHEMA" ] || wt_fail "$SCHEMA missing (openvswitch-vtep, scripts/deps.sh)"
W=$OV_P-w FAR=$OV_P-far VMW=$OV_P-vmW VMK=$OV_P-vmK VMW2=$OV_P-vmW2 VMK2=$OV_P-vmK2
RD=$T/rd
VDB=unix:$T/vtep.sock
mkdir -p "$RD"

ov_ns w
ov_ns far
ov_ns vmW
ov_ns vmK
ov_ns vmW2
ov_ns vmK2
ov_veth "$W" ul0 "$FAR" ul1
ip -n "$FAR" addr add 192.168.99.2/24 dev ul1
ip netns exec "$FAR" ethtool -K ul1 tx off >/dev/null || wt_fail "ethtool -K ul1 tx off"
ip -n "$FAR" link add vxlan5000 type vxlan id 5000 remote 192.168.99.1 local 192.168.99.2 \
	dstport 4789 || wt_fail "kernel vxlan5000"
ip -n "$FAR" link add br5000 type bridge
ip -n "$FAR" link set vxlan5000 master br5000
ov_nsvm "$FAR" vk0 "$VMK" 10.50.0.2/24
ip -n "$FAR" link set vk0 master br5000
ip -n "$FAR" link set vxlan5000 up
ip -n "$FAR" link set br5000 up
ov_nsvm "$W" vw0 "$VMW" 10.50.0.1/24
ip -n "$VMW" link set eth0 mtu 1450
ip -n "$VMK" link set eth0 mtu 1450
VMW_MAC=$(ip netns exec "$VMW" cat /sys/class/net/eth0/address)
VMK_MAC=$(ip netns exec "$VMK" cat /sys/class/net/eth0/address)
# A second segment through a VLAN binding: vmW2 sends tagged VLAN 100 (eth0.100) into vm2;
# its logical switch ls1 is VNI 5001 (vxlan5001 + br5001 + vmK2 on the far side, untagged).
ip -n "$FAR" link add vxlan5001 type vxlan id 5001 remote 192.168.99.1 local 192.168.99.2 \
	dstport 4789 || wt_fail "kernel vxlan5001"
ip -n "$FAR" link add br5001 type bridge
ip -n "$FAR" link set vxlan5001 master br5001
ov_nsvm "$FAR" vk1 "$VMK2" 10.51.0.2/24
ip -n "$FAR" link set vk1 master br5001
ip -n "$FAR" link set vxlan5001 up
ip -n "$FAR" link set br5001 up
ip -n "$VMK2" link set eth0 mtu 1450
# (This kernel may have no 802.1Q devices: vmW2 is a scapy script on a raw eth0.)
ov_veth "$W" vw1 "$VMW2" eth0
ip netns exec "$VMW2" ethtool -K eth0 rxvlan off txvlan off >/dev/null 2>&1
VMW2_MAC=$(ip netns exec "$VMW2" cat /sys/class/net/eth0/address)
VMK2_MAC=$(ip netns exec "$VMK2" cat /sys/class/net/eth0/address)

# The databases. Default: the real ovsdb-server serves hardware_vtep on a unix socket and
# ovsdb-lite serves Open_vSwitch. Argument "lite" (vtep-controld-lite.sh): ONE ovsdb-lite
# serves both DB files, Open_vSwitch used on its unix socket and hardware_vtep on its TCP port.
LITE=$WEFT_BUILD/ovsdb-lite/ovsdb-lite
"$LITE" create "$RD/conf.db" "$WT_TOP/ovsdb-lite/vswitch.ovsschema" || wt_fail "ovsdb-lite create"
if [ "${1:-}" = lite ]; then
	port=$("$WT_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	VDB=tcp:127.0.0.1:$port
	"$LITE" create "$T/vtep.db" "$SCHEMA" || wt_fail "ovsdb-lite create vtep.db"
	VDB_CMD=("$LITE" --remote="punix:$RD/db.sock" --remote="ptcp:$port:127.0.0.1"
		"$RD/conf.db" "$T/vtep.db")
	wt_spawn db "${VDB_CMD[@]}"
	VDB_PID=$WT_PID
else
	ovsdb-tool create "$T/vtep.db" "$SCHEMA" || wt_fail "ovsdb-tool create vtep.db"
	VDB_CMD=(ovsdb-server --remote="punix:$T/vtep.sock" --no-chdir --unixctl="$T/vtep.ctl"
		--log-file="$T/vtep-db-file.log" "$T/vtep.db")
	wt_spawn vtep-db "${VDB_CMD[@]}"
	VDB_PID=$WT_PID
	wt_spawn db "$LITE" --remote="punix:$RD/db.sock" "$RD/conf.db"
fi
wt_wait "VTEP database on $VDB" 10 ovsdb-client list-dbs "$VDB"
wt_wait "ovsdb-lite on $RD/db.sock" 10 test -S "$RD/db.sock"
wt_log "VTEP database: $VDB (${1:-ovsdb-server}): $(ovsdb-client list-dbs "$VDB" | grep -v _Server | tr '\n' ' ')"
vc() { vtep-ctl --db="$VDB" --timeout=10 "$@"; }

# This host: the dataplane in netns w, controld in VTEP mode.
ovs-vsctl --db="unix:$RD/db.sock" --no-wait init || wt_fail "ovs-vsctl init"
wt_spawn tshark ip netns exec "$FAR" tshark -n -i ul1 -w "$T/ul1.pcapng"
TS_PID=$WT_PID
wt_wait "tshark capturing" 20 wt_log_has tshark "Capturing on"
ov_dp "$W" "$RD" dataplane
CTLD=("$WEFT_BUILD/control/weft-controld" --db="unix:$RD/db.sock" --dataplane="$RD"
	--stats-interval=500 --vtep-db="$VDB" --vtep-ps=ps0)
wt_spawn controld "${CTLD[@]}"
CTLD_PID=$WT_PID
OV_CFG=ovvs
ovvs "$RD" add-br br-phy -- set Bridge br-phy other_config:tunnel-ip=192.168.99.1/24 ||
	wt_fail "add-br br-phy"
ov_afpacket_port "$RD" br-phy up0 ul0 0
ovvs "$RD" add-br br-local || wt_fail "add-br br-local"
ov_afpacket_port "$RD" br-local vm1 vw0 1
ov_afpacket_port "$RD" br-local vm2 vw1 2

dpj() { # dpj PYEXPR ARGS...: PYEXPR on `weftctl --direct --format=json ARGS` (as r)
	local e=$1
	shift
	ovctl "$RD" --format=json "$@" | "$WT_PY" -c "import json,sys; r=json.load(sys.stdin); print($e)"
}
port_on() { # port_on BRIDGE PORT
	dpj "any(b['name']=='$1' and any(p['name']=='$2' for p in b['ports']) for b in r['bridges'])" show | grep -qx True
}
has_bridge() {
	dpj "any(b['name']=='$1' for b in r['bridges'])" show | grep -qx True
}
not() { ! "$@"; }
fdb_static() { # fdb_static BRIDGE PORT MAC: a static entry
	dpj "any(e['port']=='$2' and e['mac'].lower()=='$3'.lower() and e['static'] for e in r['entries'])" fdb/show "$1" | grep -qx True
}

wt_log "configuring the VTEP database with vtep-ctl"
vc add-ps ps0 && vc add-port ps0 vm1 && vc add-ls ls0 &&
	vc set Logical_Switch ls0 tunnel_key=5000 && vc bind-ls ps0 vm1 0 ls0 &&
	vc add-ucast-remote ls0 "$VMK_MAC" 192.168.99.2 &&
	vc add-mcast-remote ls0 unknown-dst 192.168.99.2 || wt_fail "vtep-ctl configuration"
# A remote MAC behind 192.168.99.3, which is not in ls0's flood set: its tunnel gets no floods.
vc add-ucast-remote ls0 02:00:00:00:00:33 192.168.99.3 || wt_fail "add-ucast-remote .3"
vc add-port ps0 vm2 && vc add-ls ls1 && vc set Logical_Switch ls1 tunnel_key=5001 &&
	vc bind-ls ps0 vm2 100 ls1 && vc add-mcast-remote ls1 unknown-dst 192.168.99.2 ||
	wt_fail "vtep-ctl configuration of ls1"
TNL=vx5000-192.168.99.2
wt_wait "vm1 on vtep5000" 15 port_on vtep5000 vm1
wt_wait "tunnel port $TNL" 15 port_on vtep5000 "$TNL"
wt_wait "static fdb entry $VMK_MAC -> $TNL" 15 fdb_static vtep5000 "$TNL" "$VMK_MAC"
opts=$(dpj "[p['options'] for b in r['bridges'] for p in b['ports'] if p['name']=='$TNL'][0]" show)
wt_log "dataplane: vtep5000 has vm1 and $TNL $opts; fdb: $VMK_MAC -> $TNL (static)"
grep -q "'remote_ip': '192.168.99.2'" <<<"$opts" && grep -q "'key': '5000'" <<<"$opts" ||
	wt_fail "$TNL options: $opts"
port_on br-local vm1 && wt_fail "vm1 still on br-local"
wt_wait "tunnel port vx5000-192.168.99.3" 15 port_on vtep5000 vx5000-192.168.99.3
opts3=$(dpj "[p['options'] for b in r['bridges'] for p in b['ports'] if p['name']=='vx5000-192.168.99.3'][0]" show)
grep -q "'flood': 'false'" <<<"$opts3" || wt_fail "vx5000-192.168.99.3 options: $opts3"
grep -q "'flood'" <<<"$opts" && wt_fail "$TNL (in the flood set) has a flood option: $opts"
ovctl "$RD" show | sed 's/^/    /'

ov_ping "$VMW" 10.50.0.2 || ov_ping "$VMW" 10.50.0.2 || wt_fail "vmW (weft) cannot ping vmK (kernel VXLAN)"
wt_log "vmW -> vmK ping OK"
tx() { dpj "r['ports']['$1'].get('$2', 0)" stats "$1"; }
t2=$(tx "$TNL" tx_packets) t3=$(tx vx5000-192.168.99.3 tx_packets) d3=$(tx vx5000-192.168.99.3 tx_dropped)
wt_log "flood set: $TNL tx_packets $t2; vx5000-192.168.99.3 (unicast only) tx_packets $t3, tx_dropped $d3"
[ "$t2" -ge 1 ] && [ "$t3" = 0 ] && [ "$d3" = 0 ] ||
	wt_fail "the ARP broadcast reached a tunnel outside the unknown-dst set (or none)"
# A bad flood value is refused by the dataplane with a clear error, changing nothing.
bad=$(ovctl "$RD" add-port vtep5000 vxbad -- set Interface vxbad type=vxlan \
	options:remote_ip=192.168.99.9 options:flood=maybe 2>&1) && wt_fail "options:flood=maybe accepted"
grep -q "options:flood 'maybe' is not true|false" <<<"$bad" || wt_fail "options:flood=maybe: $bad"
port_on vtep5000 vxbad && wt_fail "vxbad exists after a refused add"
wt_wait "vm2 on vtep5001" 15 port_on vtep5001 vm2
trunks=$(dpj "[(p.get('trunks'), p.get('vlan_mode')) for b in r['bridges'] for p in b['ports'] if p['name']=='vm2'][0]" show)
wt_log "vm2 on vtep5001: (trunks, vlan_mode) $trunks"
grep -q "\[100\]" <<<"$trunks" || wt_fail "vm2 is not a trunk of VLAN 100: $trunks"
# vmW2: ARP for vmK2 and 3 pings, all tagged VLAN 100; the answers must come back tagged 100.
cat >"$T/vlan_ping.py" <<'PY'
import sys
from scapy.all import ARP, ICMP, IP, Dot1Q, Ether, conf, srp1
conf.verb = 0
mac = sys.argv[1]
a = None
for _ in range(5):
    a = srp1(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / Dot1Q(vlan=100) /
             ARP(hwsrc=mac, psrc="10.51.0.1", pdst="10.51.0.2"), iface="eth0", timeout=1)
    if a is not None and a.haslayer(ARP) and a[ARP].op == 2:
        break
if a is None or not a.haslayer(Dot1Q) or a[Dot1Q].vlan != 100 or not a.haslayer(ARP):
    sys.exit("no ARP reply tagged VLAN 100: %r" % (a,))
ok = 0
for i in range(3):
    r = srp1(Ether(src=mac, dst=a[ARP].hwsrc) / Dot1Q(vlan=100) /
             IP(src="10.51.0.1", dst="10.51.0.2") / ICMP(id=7, seq=i), iface="eth0", timeout=2)
    ok += r is not None and r.haslayer(Dot1Q) and r[Dot1Q].vlan == 100 and \
        r.haslayer(ICMP) and r[ICMP].type == 0
print("%d/3 echo replies tagged VLAN 100" % ok)
sys.exit(0 if ok == 3 else 1)
PY
out=$(ip netns exec "$VMW2" "$WT_PY" "$T/vlan_ping.py" "$VMW2_MAC" 2>&1) ||
	wt_fail "vmW2 (VLAN 100) <-> vmK2 (VNI 5001): $out"
wt_log "vmW2 (tagged VLAN 100) -> vmK2 (VNI 5001): ARP and $out"

# vmW's MAC is learned on vm1: a Ucast_Macs_Local row behind our locator.
local_has() {
	vc list-local-macs ls0 | grep -qi "$VMW_MAC -> vxlan_over_ipv4/192.168.99.1"
}
wt_wait "vmW's MAC in list-local-macs" 15 local_has
local2_has() {
	vc list-local-macs ls1 | grep -qi "$VMW2_MAC -> vxlan_over_ipv4/192.168.99.1"
}
wt_wait "vmW2's MAC in list-local-macs ls1" 15 local2_has
vc list-local-macs ls0 | sed 's/^/    /'
[ "$(vc get Physical_Switch ps0 tunnel_ips)" = '["192.168.99.1"]' ] ||
	wt_fail "tunnel_ips not written: $(vc get Physical_Switch ps0 tunnel_ips)"
wt_log "list-local-macs has $VMW_MAC behind 192.168.99.1; tunnel_ips written"

# Status for ovn-controller-vtep: vm1's binding statistics, a port weft does not have.
stats_ok() {
	[ "$(vc --columns=packets_from_local --bare list Logical_Binding_Stats | sort -n | tail -1)" -ge 3 ]
}
wt_wait "Logical_Binding_Stats of vm1" 15 stats_ok
wt_log "Logical_Binding_Stats: $(vc --columns=packets_from_local,packets_to_local list Logical_Binding_Stats | tr -s ' \n' ' ')"
vc add-port ps0 ghost && vc bind-ls ps0 ghost 0 ls0 || wt_fail "add-port ghost"
fault_ok() {
	vc get Physical_Port ghost port_fault_status | grep -q "no port ghost in the Open_vSwitch database"
}
wt_wait "port_fault_status of ghost" 15 fault_ok
wt_log "ghost: port_fault_status $(vc get Physical_Port ghost port_fault_status)"
vc unbind-ls ps0 ghost 0 && vc del-port ps0 ghost || wt_fail "del-port ghost"
port_on vtep5000 vm1 || wt_fail "vm1 left vtep5000 while ghost was bound"

sleep 0.5
wt_stop "$TS_PID" INT
n=$(tshark -n -r "$T/ul1.pcapng" -Y "ip.src==192.168.99.1 && ip.dst==192.168.99.2 && vxlan.vni==5000 && eth.src==$VMW_MAC && eth.dst==$VMK_MAC && icmp" 2>/dev/null | grep -c .)
n2=$(tshark -n -r "$T/ul1.pcapng" -Y "ip.src==192.168.99.1 && ip.dst==192.168.99.2 && vxlan.vni==5001 && eth.src==$VMW2_MAC && eth.dst==$VMK2_MAC && icmp && !vlan" 2>/dev/null | grep -c .)
other=$(tshark -n -r "$T/ul1.pcapng" -Y "ip.src==192.168.99.1 && vxlan && vxlan.vni!=5000 && vxlan.vni!=5001" 2>/dev/null | grep -c .)
tagged=$(tshark -n -r "$T/ul1.pcapng" -Y "vxlan && vlan" 2>/dev/null | grep -c .)
wt_log "tshark on ul1: $n VXLAN (VNI 5000, 192.168.99.1 -> .2) frames vmW -> vmK ICMP, $n2 VNI 5001 vmW2 -> vmK2 (untagged inside), $other with another VNI, $tagged with an inner VLAN tag"
[ "$n" -ge 3 ] || wt_fail "tshark: only $n encapsulated vmW -> vmK frames with VNI 5000 to 192.168.99.2"
[ "$n2" -ge 3 ] || wt_fail "tshark: only $n2 encapsulated vmW2 -> vmK2 frames with VNI 5001, untagged"
[ "$other" = 0 ] || wt_fail "tshark: $other frames with another VNI"
[ "$tagged" = 0 ] || wt_fail "tshark: $tagged VXLAN frames carry a VLAN tag inside"

# A restarted controld adopts the VTEP configuration: nothing deleted or re-created.
wt_stop "$CTLD_PID" TERM || wt_fail "weft-controld exited with status $? on SIGTERM"
wt_spawn controld2 "${CTLD[@]}"
wt_wait "the restarted controld's first pass" 15 wt_log_has controld2 "pass 1: the dataplane matches"
sleep 1 # a MAC sync and a refresh pass
if grep -E 'port-del|bridge-del|port-add|bridge-add|fdb-add|fdb-del|Ucast_Macs_Local' "$T/controld2.log"; then
	wt_fail "the restarted controld changed the configuration (above)"
fi
fdb_static vtep5000 "$TNL" "$VMK_MAC" || wt_fail "static entry lost over the restart"
wt_log "controld restart: the first pass found the dataplane matching (0 operations), nothing re-created"

# A restarted VTEP database server: controld reconnects (with back-off), keeps everything, and
# the changes below arrive through the new connection.
wt_stop "$VDB_PID" TERM
wt_spawn vtep-db2 "${VDB_CMD[@]}"
VDB_PID=$WT_PID
wt_wait "the VTEP database back" 10 ovsdb-client list-dbs "$VDB"
wt_wait "controld reconnected to the VTEP database" 15 wt_log_has controld2 "vtep database: monitoring" 2
sleep 1
if grep -E 'port-del|bridge-del|port-add|bridge-add|fdb-add|fdb-del|Ucast_Macs_Local' "$T/controld2.log"; then
	wt_fail "the VTEP database restart changed the configuration (above)"
fi
wt_log "VTEP database restart: reconnected, nothing changed"

# Removing the only MAC behind .3 removes its tunnel.
vc del-ucast-remote ls0 02:00:00:00:00:33 || wt_fail "del-ucast-remote .3"
wt_wait "vx5000-192.168.99.3 gone" 15 not port_on vtep5000 vx5000-192.168.99.3

# Removing the remote MAC removes the static entry (the flood locator keeps the tunnel).
vc del-ucast-remote ls0 "$VMK_MAC" || wt_fail "del-ucast-remote"
wt_wait "static entry $VMK_MAC gone" 15 not fdb_static vtep5000 "$TNL" "$VMK_MAC"
port_on vtep5000 "$TNL" || wt_fail "$TNL removed with the unicast MAC although the flood set has it"
# Removing the flood locator too removes the tunnel port.
vc del-mcast-remote ls0 unknown-dst 192.168.99.2 || wt_fail "del-mcast-remote"
wt_wait "tunnel port $TNL gone" 15 not port_on vtep5000 "$TNL"
wt_log "removing the remote MAC removed its fdb entry; removing the locator removed $TNL"

# Unbinding: vm1 goes back to br-local, vtep5000 and the local MAC go.
vc unbind-ls ps0 vm1 0 || wt_fail "unbind-ls"
wt_wait "vm1 back on br-local" 15 port_on br-local vm1
wt_wait "vtep5000 removed" 15 not has_bridge vtep5000
wt_wait "local MAC removed" 15 not local_has
wt_log "unbind-ls: vm1 back on br-local, vtep5000 and the local MAC removed"
# Before add-ps, controld reports that ps0 does not exist, and ghost's problem; nothing else.
if cat "$T/controld.log" "$T/controld2.log" | grep -E '\|ERR\||\|WARN\||failed:' |
	grep -v 'no Physical_Switch named ps0\|vtep: ghost:\|connection lost\|retrying with back-off'; then
	wt_fail "controld logged the problems above"
fi
wt_log "PASS"
