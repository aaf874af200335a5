#!/bin/bash
# weft-controld in VTEP mode (--vtep-db, --vtep-ps), driven by vtep-ctl through a real
# ovsdb-server serving the hardware_vtep schema; Linux's own VXLAN is the remote VTEP.
#   vmW (10.50.0.1/24) --veth-- [w: weft; the Open_vSwitch DB (ovsdb-lite) declares br-phy
#        (tunnel-ip 192.168.99.1/24, uplink up0 = af_packet on ul0) and br-local with vm1
#        (af_packet on vw0)]
#   ul0 <--veth underlay--> ul1 [far: 192.168.99.2, vxlan5000 (id 5000) + vk0 in br5000]
#        --veth-- vmK (10.50.0.2/24)
# vtep-ctl: add-ps ps0, add-port ps0 vm1, add-ls ls0 (tunnel_key 5000), bind-ls ps0 vm1 0 ls0,
# add-ucast-remote ls0 <vmK MAC> 192.168.99.2, add-mcast-remote ls0 unknown-dst 192.168.99.2.
# Passes when: the dataplane has bridge vtep5000 with vm1 and the tunnel port
# vx5000-192.168.99.2 (remote_ip, key 5000) and the static fdb entry vmK MAC -> that port;
# vmW pings vmK; tshark on ul1 sees weft's frames as VXLAN VNI 5000 from 192.168.99.1 to
# 192.168.99.2 carrying vmW -> vmK; vmW's MAC shows in `vtep-ctl list-local-macs ls0` behind
# 192.168.99.1 and Physical_Switch tunnel_ips is written; vm1's Logical_Binding_Stats count
# its packets; a bound port weft does not have gets a port_fault_status; removing the remote MAC removes the
# static entry, removing the flood locator too removes the tunnel port; unbinding moves vm1
# back to br-local, removes vtep5000 and the local MAC; a restarted weft-controld adopts it all
# (0 operations). Takes about 10 s.
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
W=$OV_P-w FAR=$OV_P-far VMW=$OV_P-vmW VMK=$OV_P-vmK
RD=$T/rd
VDB=unix:$T/vtep.sock
mkdir -p "$RD"

ov_ns w
ov_ns far
ov_ns vmW
ov_ns vmK
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

# The databases. Default: the real ovsdb-server serves hardware_vtep on a unix socket and
# ovsdb-lite serves Open_vSwitch. Argument "lite" (vtep-controld-lite.sh): ONE ovsdb-lite
# serves both DB files, Open_vSwitch used on its unix socket and hardware_vtep on its TCP port.
LITE=$WEFT_BUILD/ovsdb-lite/ovsdb-lite
"$LITE" create "$RD/conf.db" "$WT_TOP/ovsdb-lite/vswitch.ovsschema" || wt_fail "ovsdb-lite create"
if [ "${1:-}" = lite ]; then
	port=$("$WT_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	VDB=tcp:127.0.0.1:$port
	"$LITE" create "$T/vtep.db" "$SCHEMA" || wt_fail "ovsdb-lite create vtep.db"
	wt_spawn db "$LITE" --remote="punix:$RD/db.sock" --remote="ptcp:$port:127.0.0.1" \
		"$RD/conf.db" "$T/vtep.db"
else
	ovsdb-tool create "$T/vtep.db" "$SCHEMA" || wt_fail "ovsdb-tool create vtep.db"
	wt_spawn vtep-db ovsdb-server --remote="punix:$T/vtep.sock" --no-chdir \
		--unixctl="$T/vtep.ctl" --log-file="$T/vtep-db-file.log" "$T/vtep.db"
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
TNL=vx5000-192.168.99.2
wt_wait "vm1 on vtep5000" 15 port_on vtep5000 vm1
wt_wait "tunnel port $TNL" 15 port_on vtep5000 "$TNL"
wt_wait "static fdb entry $VMK_MAC -> $TNL" 15 fdb_static vtep5000 "$TNL" "$VMK_MAC"
opts=$(dpj "[p['options'] for b in r['bridges'] for p in b['ports'] if p['name']=='$TNL'][0]" show)
wt_log "dataplane: vtep5000 has vm1 and $TNL $opts; fdb: $VMK_MAC -> $TNL (static)"
grep -q "'remote_ip': '192.168.99.2'" <<<"$opts" && grep -q "'key': '5000'" <<<"$opts" ||
	wt_fail "$TNL options: $opts"
port_on br-local vm1 && wt_fail "vm1 still on br-local"
ovctl "$RD" show | sed 's/^/    /'

ov_ping "$VMW" 10.50.0.2 || ov_ping "$VMW" 10.50.0.2 || wt_fail "vmW (weft) cannot ping vmK (kernel VXLAN)"
wt_log "vmW -> vmK ping OK"

# vmW's MAC is learned on vm1: a Ucast_Macs_Local row behind our locator.
local_has() {
	vc list-local-macs ls0 | grep -qi "$VMW_MAC -> vxlan_over_ipv4/192.168.99.1"
}
wt_wait "vmW's MAC in list-local-macs" 15 local_has
vc list-local-macs ls0 | sed 's/^/    /'
[ "$(vc get Physical_Switch ps0 tunnel_ips)" = '["192.168.99.1"]' ] ||
	wt_fail "tunnel_ips not written: $(vc get Physical_Switch ps0 tunnel_ips)"
wt_log "list-local-macs has $VMW_MAC behind 192.168.99.1; tunnel_ips written"

# Status for ovn-controller-vtep: vm1's binding statistics, a port weft does not have.
stats_ok() {
	[ "$(vc --columns=packets_from_local --bare list Logical_Binding_Stats | head -1)" -ge 3 ]
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
other=$(tshark -n -r "$T/ul1.pcapng" -Y "ip.src==192.168.99.1 && vxlan && vxlan.vni!=5000" 2>/dev/null | grep -c .)
wt_log "tshark on ul1: $n VXLAN (VNI 5000, 192.168.99.1 -> .2) frames vmW -> vmK ICMP, $other with another VNI"
[ "$n" -ge 3 ] || wt_fail "tshark: only $n encapsulated vmW -> vmK frames with VNI 5000 to 192.168.99.2"
[ "$other" = 0 ] || wt_fail "tshark: $other frames with another VNI"

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
	grep -v 'no Physical_Switch named ps0\|vtep: ghost:\|connection lost'; then
	wt_fail "controld logged the problems above"
fi
wt_log "PASS"
