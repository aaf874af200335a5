#!/bin/bash
# System test: weft-controld killed with SIGKILL (twice) under traffic and restarted. Checks,
# exactly:
#   1. a VM sends N frames at a fixed rate through vhu0 -> vhu1 (VLAN 10, vhu1 native-untagged
#      with trunks, bridge other_config set) while weft-controld is killed -9 and restarted
#      twice: the receiving VM gets all N, once each, in order (0 lost);
#   2. each restarted weft-controld adopts the dataplane: its first pass finds 0 operations,
#      it logs no bridge/port operation, and the dataplane's ports were not re-created (same
#      port_index, same vhost-user socket inode);
#   3. the last one still serves: ovs-vsctl (waiting) changes apply and statistics reach the DB.
# Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup controld-kill
RD=$T/run
source "$(dirname "$0")/controld-lib.sh"

N=30000
RATE=5000
MAC_A=02:00:00:00:0a:01
MAC_B=02:00:00:00:0b:01

ct_stack controld1
vs add-br br0 -- set Bridge br0 other_config:mac-aging-time=120 \
	-- add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuser -- set Port vhu0 tag=10 \
	-- add-port br0 vhu1 -- set Interface vhu1 type=dpdkvhostuser -- set Port vhu1 tag=10 \
	trunks=10,20 vlan_mode=native-untagged || wt_fail "ovs-vsctl configuration"
for p in vhu0 vhu1; do
	wt_has_port $p || wt_fail "$p not in the dataplane"
done
idx0=$(ct_port_field vhu0 port_index)
idx1=$(ct_port_field vhu1 port_index)
ino0=$(ct_inode vhu0)
ino1=$(ct_inode vhu1)

wt_vmpeer vmB "$RD/vhu1.sock" 0 --recv $N --timeout 60 --grace 1000 --src $MAC_B --announce \
	--src-filter $MAC_A
B_PID=$WT_PID
wt_wait "vmB ready" 30 wt_log_has vmB '^ready'
wt_vmpeer vmA "$RD/vhu0.sock" 0 --send $N --src $MAC_A --dst $MAC_B --rate $RATE
A_PID=$WT_PID
flowing() { [ "$(wt_stat vhu0 rx_packets)" -ge "$1" ]; }
wt_wait "traffic flowing" 30 flowing 2000

# Two kill -9 / restart rounds while frames flow.
for round in 2 3; do
	wt_stop "$CT_CTL_PID" KILL
	ct_ctl_start controld$round
	wt_wait "controld$round adopts the dataplane" 10 \
		wt_log_has controld$round 'pass 1: the dataplane matches the database \(0 operations\)'
	wt_log "weft-controld killed -9 and restarted at vhu0 rx_packets=$(wt_stat vhu0 rx_packets)"
	sleep 1
done
[ "$(wt_stat vhu0 rx_packets)" -lt $N ] || wt_fail "traffic ended before the kills: raise N"

wt_join "$A_PID" 60 || wt_fail "vmA exited with status $?"
wt_log_has vmA "^sent=$N total=$N\$" || wt_fail "vmA did not report sent=$N"
wt_join "$B_PID" 60 || wt_fail "vmB exited with status $? (lost, duplicated or extra frames)"
want="received=$N matching=$N out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0"
wt_log_has vmB "^$want\$" || wt_fail "vmB: $(grep -a '^received=' "$T/vmB.log"), want $want"
wt_log "frames: sent $N, received $N, lost 0 ($want)"

# Nothing was re-created.
for r in 2 3; do
	! grep -E '(port|bridge)-(add|del|set) ' "$T/controld$r.log" ||
		wt_fail "controld$r changed the dataplane"
done
[ "$(ct_port_field vhu0 port_index)" = "$idx0" ] && [ "$(ct_port_field vhu1 port_index)" = "$idx1" ] ||
	wt_fail "port_index changed"
[ "$(ct_inode vhu0)" = "$ino0" ] && [ "$(ct_inode vhu1)" = "$ino1" ] ||
	wt_fail "a vhost-user socket was re-created"
wt_log "adopted: no operation, port_index $idx0/$idx1 and socket inodes unchanged"

# The last one serves.
vs set Bridge br0 other_config:mac-table-size=2048 || wt_fail "set other_config"
oc=$(wt_json "r['bridges'][0]['other_config']" show)
[ "$oc" = "{'mac-aging-time': '120', 'mac-table-size': '2048'}" ] || wt_fail "other_config $oc"
stats_ok() { [ "$(vs get Interface vhu1 statistics:tx_packets)" = $N ]; }
wt_wait "vhu1 statistics:tx_packets = $N in the DB" 10 stats_ok
wt_log "PASS"
