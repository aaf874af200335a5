#!/bin/bash
# OVN drives weft as a hardware VTEP: OVN central (NB + SB ovsdb-server, ovn-northd) and
# ovn-controller-vtep (Debian's ovn-central, ovn-controller-vtep) on the hardware_vtep database
# that ovsdb-lite serves next to weft's Open_vSwitch database; weft-controld in VTEP mode.
#   vmW (10.50.0.1/24) --veth-- [w: weft: br-phy (tunnel-ip 192.168.99.1/24, uplink ul0),
#        vw0]: both added as OVS users do, `ovs-vsctl add-port BR IFACE` with no type (an
#        Interface of type system: weft's AF_PACKET class), every veth keeping its offloads]
#   ul0 <--underlay--> ul1 [far: 192.168.99.2 = OVN chassis hv1 (registered with ovn-sbctl),
#        kernel vxlan with the VNI OVN assigned + vk0 in a bridge] --veth-- vmK (10.50.0.2/24)
# vtep-ctl: add-ps ps0, add-port ps0 vw0, add-ls ls0, bind-ls ps0 vw0 0 ls0 (no tunnel_key, no
# tunnel_ips: weft writes tunnel_ips, ovn-controller-vtep the key and the remote MACs).
# ovn-nbctl: ls0 with a vtep port (vtep-physical-switch=ps0, vtep-logical-switch=ls0) and
# remote-vm (vmK's MAC) bound to hv1.
# Passes when: OVN has chassis ps0 with encap vxlan 192.168.99.1 (from the tunnel_ips weft
# wrote); ovn-controller-vtep set ls0's tunnel_key K and the remote MACs; the dataplane has
# vtepK with vw0, vxK-192.168.99.2 and the static entry vmK MAC -> it; vmW pings vmK through
# the kernel VXLAN (VNI K), also with full-size 1450-byte packets; vmW's MAC is in
# list-local-macs; deleting remote-vm in OVN removes
# the static entry and the tunnel port. Takes about 15 s.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/overlay-lib.sh"
ov_setup vtep-ovn
for t in ovsdb-server ovsdb-tool vtep-ctl ovs-vsctl ovn-northd ovn-controller-vtep ovn-nbctl ovn-sbctl; do
	command -v $t >/dev/null || PATH=$PATH:/usr/sbin
	command -v $t >/dev/null || wt_fail "$t not installed (scripts/deps.sh: ovn-central, ovn-controller-vtep)"
done
VSCHEMA=/usr/share/openvswitch/vtep.ovsschema
for f in "$VSCHEMA" /usr/share/ovn/ovn-nb.ovsschema /usr/share/ovn/ovn-sb.ovsschema; do
	[ -f "$f" ] || wt_fail "$f missing (scripts/deps.sh)"
done
W=$OV_P-w FAR=$OV_P-far VMW=$OV_P-vmW VMK=$OV_P-vmK
RD=$T/rd
DB=unix:$RD/db.sock
export OVN_RUNDIR=$T # ovn-controller-vtep's and ovn-northd's control sockets
mkdir -p "$RD"

ov_ns w
ov_ns far
ov_ns vmW
ov_ns vmK
ov_veth "$W" ul0 "$FAR" ul1
ip -n "$FAR" addr add 192.168.99.2/24 dev ul1
ip -n "$FAR" link add brK type bridge
ov_nsvm "$FAR" vk0 "$VMK" 10.50.0.2/24 offload
ip -n "$FAR" link set vk0 master brK
ip -n "$FAR" link set brK up
ov_nsvm "$W" vw0 "$VMW" 10.50.0.1/24 offload
ip -n "$VMW" link set eth0 mtu 1450
ip -n "$VMK" link set eth0 mtu 1450
VMW_MAC=$(ip netns exec "$VMW" cat /sys/class/net/eth0/address)
VMK_MAC=$(ip netns exec "$VMK" cat /sys/class/net/eth0/address)

# OVN central.
for d in nb sb; do
	ovsdb-tool create "$T/$d.db" "/usr/share/ovn/ovn-$d.ovsschema" || wt_fail "ovsdb-tool create $d"
	wt_spawn "$d" ovsdb-server --remote="punix:$T/$d.sock" --no-chdir --unixctl="$T/$d.ctl" \
		--log-file="$T/$d-file.log" "$T/$d.db"
	wt_wait "OVN $d database" 10 ovsdb-client list-dbs "unix:$T/$d.sock"
done
wt_spawn northd ovn-northd --ovnnb-db="unix:$T/nb.sock" --ovnsb-db="unix:$T/sb.sock" --no-chdir \
	--log-file="$T/northd-file.log"
N() { ovn-nbctl --db="unix:$T/nb.sock" --timeout=10 "$@"; }
S() { ovn-sbctl --db="unix:$T/sb.sock" --timeout=10 "$@"; }

# This host: one ovsdb-lite for Open_vSwitch + hardware_vtep, the dataplane, controld.
LITE=$WEFT_BUILD/ovsdb-lite/ovsdb-lite
"$LITE" create "$RD/conf.db" "$WT_TOP/ovsdb-lite/vswitch.ovsschema" || wt_fail "ovsdb-lite create"
"$LITE" create "$RD/vtep.db" "$VSCHEMA" || wt_fail "ovsdb-lite create vtep.db"
wt_spawn db "$LITE" --remote="punix:$RD/db.sock" "$RD/conf.db" "$RD/vtep.db"
wt_wait "ovsdb-lite on $RD/db.sock" 10 ovsdb-client list-dbs "$DB"
ovs-vsctl --db="$DB" --no-wait init || wt_fail "ovs-vsctl init"
vc() { vtep-ctl --db="$DB" --timeout=10 "$@"; }
ov_dp "$W" "$RD" dataplane
wt_spawn controld "$WEFT_BUILD/control/weft-controld" --db="$DB" --dataplane="$RD" \
	--stats-interval=500 --vtep-db="$DB" --vtep-ps=ps0
OV_CFG=ovvs
ovvs "$RD" add-br br-phy -- set Bridge br-phy other_config:tunnel-ip=192.168.99.1/24 ||
	wt_fail "add-br br-phy"
ovvs "$RD" add-port br-phy ul0 || wt_fail "ovs-vsctl add-port br-phy ul0"
ovvs "$RD" add-br br-local -- add-port br-local vw0 || wt_fail "add-br br-local, add-port vw0"
[ "$(ovvs "$RD" get Interface vw0 error)" = "[]" ] || wt_fail "vw0: $(ovvs "$RD" get Interface vw0 error)"

vc add-ps ps0 && vc add-port ps0 vw0 && vc add-ls ls0 && vc bind-ls ps0 vw0 0 ls0 ||
	wt_fail "vtep-ctl"
tips() { [ "$(vc get Physical_Switch ps0 tunnel_ips)" = '["192.168.99.1"]' ]; }
wt_wait "weft writes tunnel_ips" 15 tips
wt_spawn cvtep ovn-controller-vtep --vtep-db="$DB" --ovnsb-db="unix:$T/sb.sock" --no-chdir \
	--log-file="$T/cvtep-file.log"

N ls-add ls0 && N lsp-add ls0 vtep-gw && N lsp-set-type vtep-gw vtep &&
	N lsp-set-options vtep-gw vtep-physical-switch=ps0 vtep-logical-switch=ls0 &&
	N lsp-set-addresses vtep-gw unknown && N lsp-add ls0 remote-vm &&
	N lsp-set-addresses remote-vm "$VMK_MAC 10.50.0.2" || wt_fail "ovn-nbctl"
S chassis-add hv1 vxlan 192.168.99.2 && S lsp-bind remote-vm hv1 || wt_fail "ovn-sbctl"
chassis_ps0() { S show | grep -A3 'Chassis ps0' | grep -q '192.168.99.1'; }
wt_wait "OVN chassis ps0 at 192.168.99.1" 15 chassis_ps0
key() { vc get Logical_Switch ls0 tunnel_key | grep -qx '[0-9]\+'; }
wt_wait "ovn-controller-vtep sets ls0's tunnel_key" 15 key
K=$(vc get Logical_Switch ls0 tunnel_key)
remote() { vc list-remote-macs ls0 | grep -qi "$VMK_MAC -> vxlan_over_ipv4/192.168.99.2"; }
wt_wait "ovn-controller-vtep writes the remote MAC" 15 remote
wt_log "OVN: chassis ps0 (192.168.99.1), ls0 tunnel_key $K, remote MAC $VMK_MAC -> 192.168.99.2"
vc list-remote-macs ls0 | sed 's/^/    /'

# hv1 is the far namespace: a kernel VXLAN with OVN's VNI.
ip -n "$FAR" link add vxK type vxlan id "$K" remote 192.168.99.1 local 192.168.99.2 \
	dstport 4789 || wt_fail "kernel vxlan $K"
ip -n "$FAR" link set vxK master brK
ip -n "$FAR" link set vxK up

dpj() {
	local e=$1
	shift
	ovctl "$RD" --format=json "$@" | "$WT_PY" -c "import json,sys; r=json.load(sys.stdin); print($e)"
}
port_on() { dpj "any(b['name']=='$1' and any(p['name']=='$2' for p in b['ports']) for b in r['bridges'])" show | grep -qx True; }
not() { ! "$@"; }
fdb_static() { dpj "any(e['port']=='$2' and e['mac'].lower()=='$3'.lower() and e['static'] for e in r['entries'])" fdb/show "$1" | grep -qx True; }
TNL=vx$K-192.168.99.2
wt_wait "vw0 on vtep$K" 15 port_on "vtep$K" vw0
wt_wait "tunnel port $TNL" 15 port_on "vtep$K" "$TNL"
wt_wait "static entry $VMK_MAC -> $TNL" 15 fdb_static "vtep$K" "$TNL" "$VMK_MAC"
wt_log "dataplane: vtep$K = vw0 + $TNL, $VMK_MAC -> $TNL (static)"
ov_ping "$VMW" 10.50.0.2 || ov_ping "$VMW" 10.50.0.2 || wt_fail "vmW cannot ping vmK over OVN's VNI $K"
ip netns exec "$VMW" ping -c 2 -W 1 -s 1422 -M "do" 10.50.0.2 >/dev/null ||
	wt_fail "vmW -> vmK, 1450-byte packets"
wt_log "vmW -> vmK ping OK (VNI $K), 1450-byte packets too; ports of type system, offloads on"
local_has() { vc list-local-macs ls0 | grep -qi "$VMW_MAC -> vxlan_over_ipv4/192.168.99.1"; }
wt_wait "vmW's MAC in list-local-macs" 15 local_has

N lsp-del remote-vm || wt_fail "lsp-del remote-vm"
wt_wait "static entry gone" 15 not fdb_static "vtep$K" "$TNL" "$VMK_MAC"
wt_wait "tunnel port gone" 15 not port_on "vtep$K" "$TNL"
wt_log "ovn-nbctl lsp-del remote-vm: the static entry and $TNL are gone"
# Expected: no ps0 before add-ps, "Logical_Switch ls0 has no tunnel_key" before OVN sets it.
if grep -E '\|ERR\||\|WARN\||failed:' "$T/controld.log" | grep -v 'has no tunnel_key\|no Physical_Switch named ps0'; then
	wt_fail "controld logged the problems above"
fi
wt_log "PASS"
