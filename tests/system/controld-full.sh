#!/bin/bash
# System test: the whole DB-backed path. ovsdb-lite + weft-dataplane + weft-controld, configured
# only with the real ovs-vsctl WITHOUT --no-wait. Checks, exactly:
#   1. each ovs-vsctl command returns only once the change is in the dataplane (weftctl show
#      right after it sees it: Open_vSwitch cur_cfg is written after the dataplane applied it);
#      br0's internal interface has no dataplane port and gets ofport 65534, no error;
#   2. two weft-vmpeer VMs on vhu0/vhu1 (VLAN 10) exchange N frames: all arrive once, in order;
#      the DB's Interface columns say ofport 1/2, link_state up, status connected, and
#      statistics rx_packets/tx_packets = N (refreshed by weft-controld);
#   3. set Port tag (port-set: same port_index, not re-created), Bridge other_config
#      (bridge-set), del-port: each visible in the dataplane when ovs-vsctl returns;
#   4. no write-back storm: with nothing changing, no row's _version moves during 3 refreshes.
# Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup controld-full
RD=$T/run
source "$(dirname "$0")/controld-lib.sh"

N=4000
RATE=10000
MAC_A=02:00:00:00:0a:01
MAC_B=02:00:00:00:0b:01

ct_stack

# 1. Configuration through ovs-vsctl; each change is live when ovs-vsctl returns.
vs init || wt_fail "ovs-vsctl init"
vs add-br br0 || wt_fail "add-br br0"
[ "$(wt_json "[b['name'] for b in r['bridges']]" show)" = "['br0']" ] ||
	wt_fail "dataplane bridges after add-br: $(wt_json "r['bridges']" show)"
for p in vhu0 vhu1; do
	out=$(vs add-port br0 $p -- set Interface $p type=dpdkvhostuser -- set Port $p tag=10 2>&1) ||
		wt_fail "add-port $p: $out"
	[ -z "$out" ] || wt_fail "add-port $p printed: $out"
	wt_has_port $p || wt_fail "$p not in the dataplane when ovs-vsctl returned"
	[ "$(ct_port_field $p type)" = dpdkvhostuser ] || wt_fail "$p type $(ct_port_field $p type)"
	[ "$(ct_port_field $p tag)" = 10 ] || wt_fail "$p tag $(ct_port_field $p tag), want 10"
	[ -S "$RD/$p.sock" ] || wt_fail "no vhost-user socket $RD/$p.sock"
done
! wt_has_port br0 || wt_fail "br0's internal interface became a dataplane port"
[ "$(ct_iface ofport br0)" = 65534 ] || wt_fail "br0 ofport $(ct_iface ofport br0), want 65534"
[ "$(ct_iface error br0)" = "[]" ] || wt_fail "br0 error $(ct_iface error br0)"
[ "$(ct_iface ofport vhu0)" = 1 ] || wt_fail "vhu0 ofport $(ct_iface ofport vhu0), want 1"
[ "$(ct_iface ofport vhu1)" = 2 ] || wt_fail "vhu1 ofport $(ct_iface ofport vhu1), want 2"
[ "$(ct_iface link_state vhu0)" = down ] || wt_fail "vhu0 link_state $(ct_iface link_state vhu0)"
wt_log "ovs-vsctl: br0 + vhu0 vhu1 (dpdkvhostuser, tag 10) live on return; ofport 1, 2, 65534"

# 2. Traffic between two VMs.
wt_vmpeer vmB "$RD/vhu1.sock" 0 --recv $N --timeout 60 --grace 1000 --src $MAC_B --announce \
	--src-filter $MAC_A
B_PID=$WT_PID
wt_wait "vmB ready" 30 wt_log_has vmB '^ready'
wt_vmpeer vmA "$RD/vhu0.sock" 0 --send $N --src $MAC_A --dst $MAC_B --rate $RATE --hold
A_PID=$WT_PID
wt_wait "vmA sent $N" 30 wt_log_has vmA "^sent=$N total=$N\$"
up_both() { [ "$(ct_iface link_state vhu0)" = up ] && [ "$(ct_iface link_state vhu1)" = up ]; }
wt_wait "link_state up in the DB" 10 up_both
[ "$(vs get Interface vhu0 status:status)" = connected ] ||
	wt_fail "vhu0 status:status $(vs get Interface vhu0 status:status)"
wt_join "$B_PID" 60 || wt_fail "vmB exited with status $? (lost, duplicated or extra frames)"
want="received=$N matching=$N out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0"
wt_log_has vmB "^$want\$" || wt_fail "vmB: $(grep -a '^received=' "$T/vmB.log"), want $want"
stats_ok() {
	[ "$(vs get Interface vhu0 statistics:rx_packets)" = $N ] &&
		[ "$(vs get Interface vhu1 statistics:tx_packets)" = $N ]
}
wt_wait "DB statistics vhu0 rx_packets = vhu1 tx_packets = $N" 10 stats_ok
wt_log "traffic: $want; DB: vhu0 $(vs get Interface vhu0 statistics)"

# 3. Changes: tag (port-set), other_config (bridge-set), del-port.
idx=$(ct_port_field vhu1 port_index)
ino=$(ct_inode vhu1)
vs set Port vhu1 tag=20 || wt_fail "set Port vhu1 tag=20"
[ "$(ct_port_field vhu1 tag)" = 20 ] || wt_fail "vhu1 tag $(ct_port_field vhu1 tag), want 20"
[ "$(ct_port_field vhu1 port_index)" = "$idx" ] || wt_fail "vhu1 re-created by a tag change"
[ "$(ct_inode vhu1)" = "$ino" ] || wt_fail "vhu1's socket was re-created by a tag change"
vs set Bridge br0 other_config:mac-aging-time=60 || wt_fail "set Bridge other_config"
oc=$(wt_json "r['bridges'][0]['other_config']" show)
[ "$oc" = "{'mac-aging-time': '60'}" ] || wt_fail "br0 other_config $oc"
vs remove Bridge br0 other_config mac-aging-time || wt_fail "remove other_config"
oc=$(wt_json "r['bridges'][0]['other_config']" show)
[ "$oc" = "{}" ] || wt_fail "br0 other_config $oc after remove"
vs set Port vhu1 trunks=20,30 vlan_mode=native-untagged || wt_fail "set trunks"
[ "$(ct_port_field vhu1 trunks)" = "[20, 30]" ] || wt_fail "trunks $(ct_port_field vhu1 trunks)"
[ "$(ct_port_field vhu1 vlan_mode)" = native-untagged ] || wt_fail "vlan_mode"
[ "$(ct_inode vhu1)" = "$ino" ] || wt_fail "vhu1's socket was re-created by a trunks change"
[ "$(grep -cE 'port-(add|del) vhu1 ' "$T/controld.log")" = 1 ] ||
	wt_fail "weft-controld did more than one port-add/del of vhu1"
vs del-port br0 vhu1 || wt_fail "del-port vhu1"
! wt_has_port vhu1 || wt_fail "vhu1 still in the dataplane after del-port returned"
[ "$(ct_port_field vhu0 port_index)" = 0 ] || wt_fail "vhu0 port_index changed"
wt_log "tag, trunks/vlan_mode -> port-set (port_index $idx kept), other_config -> bridge-set, del-port: live on return"

# 4. Nothing changes: nothing is written (3 refreshes of 1 s).
wt_stop "$A_PID" TERM
down0() { [ "$(ct_iface link_state vhu0)" = down ]; }
wt_wait "vhu0 link_state down" 10 down0
sleep 1.5 # the last statistics settle
v1=$(ct_versions)
[[ $v1 == *'"name":"vhu0"'* && $v1 == *_version* ]] || wt_fail "cannot read row versions: $v1"
sleep 3.5
v2=$(ct_versions)
[ "$v1" = "$v2" ] || wt_fail "rows rewritten while nothing changed: $v1 -> $v2"
wt_log "no write-back while nothing changes (row versions stable over 3 refreshes)"
wt_stop "$CT_CTL_PID" TERM || wt_fail "weft-controld exited with status $? on SIGTERM"
wt_log_has controld 'exiting after' || wt_fail "weft-controld did not log its exit"
wt_log "PASS"
