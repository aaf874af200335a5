#!/bin/bash
# System test: ovsdb-lite restarted under weft-controld (same database file). Checks, exactly:
#   1. while the database is down, the dataplane keeps its configuration and forwards (a VM's
#      frames are counted), and weft-controld changes nothing;
#   2. after the restart weft-controld reconnects (with back-off), monitors again and finds 0
#      operations: no port is re-created (same port_index and vhost-user socket inode, no
#      bridge/port operation in its log between the two monitors), and writes nothing spurious
#      back (Interface ofport/link_state/status/error, Port and Bridge row versions,
#      cur_cfg/next_cfg as before the restart);
#   3. changes made after the restart apply (ovs-vsctl waiting: set Port tag, add-port), and the
#      write-back works again (ofport of the new interface, statistics).
# Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup controld-db-restart
RD=$T/run
source "$(dirname "$0")/controld-lib.sh"

ct_stack
vs add-br br0 -- set Bridge br0 other_config:mac-aging-time=90 \
	-- add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuser -- set Port vhu0 tag=10 \
	-- add-port br0 vhu1 -- set Interface vhu1 type=dpdkvhostuser -- set Port vhu1 tag=10 ||
	wt_fail "ovs-vsctl configuration"
# The database as weft-controld could change it, statistics aside (they change every interval).
db_snap() {
	ovsdb-client transact "unix:$RD/db.sock" '["Open_vSwitch",
	  {"op":"select","table":"Interface","where":[],"columns":["name","ofport","link_state","status","error"]},
	  {"op":"select","table":"Port","where":[],"columns":["name","_version"]},
	  {"op":"select","table":"Bridge","where":[],"columns":["name","_version"]},
	  {"op":"select","table":"Open_vSwitch","where":[],"columns":["cur_cfg","next_cfg"]}]' |
		"$WT_PY" -c 'import json,sys
print(json.dumps([sorted(t["rows"], key=json.dumps) for t in json.load(sys.stdin)], sort_keys=True))'
}
idx0=$(ct_port_field vhu0 port_index)
ino0=$(ct_inode vhu0)
ino1=$(ct_inode vhu1)

# 1. The database goes away.
snap0=$(db_snap)
[[ $snap0 == *vhu1* && $snap0 == *cur_cfg* ]] || wt_fail "database snapshot: $snap0"
wt_stop "$CT_DB_PID" TERM || wt_fail "ovsdb-lite exited with status $? on SIGTERM"
wt_wait "weft-controld to see the database gone" 10 \
	wt_log_has controld 'database .*connection lost'
n_ops=$(grep -cE '(port|bridge)-(add|del|set) ' "$T/controld.log")
wt_vmpeer vmA "$RD/vhu0.sock" 0 --send 300 --src 02:00:00:00:0a:01 --dst 02:00:00:00:0b:01 \
	--rate 5000
wt_join "$WT_PID" 30 || wt_fail "vmA exited with status $?"
[ "$(wt_stat vhu0 rx_packets)" = 300 ] || wt_fail "vhu0 rx_packets $(wt_stat vhu0 rx_packets)"
sleep 2 # a few refresh passes without the database
wt_has_port vhu1 || wt_fail "vhu1 gone while the database was down"
[ "$(grep -cE '(port|bridge)-(add|del|set) ' "$T/controld.log")" = "$n_ops" ] ||
	wt_fail "weft-controld changed the dataplane without the database"
wt_log "database down: dataplane unchanged and forwarding (300 frames counted on vhu0)"

# 2. The database comes back.
MATCH='the dataplane matches the database \(0 operations\)'
n_match=$(grep -cE "$MATCH" "$T/controld.log")
n_mon=$(grep -c 'database: monitoring' "$T/controld.log")
ct_db_start
wt_wait "weft-controld to monitor again" 10 \
	wt_log_has controld 'database: monitoring' $((n_mon + 1))
wt_wait "a pass after the reconnect" 10 wt_log_has controld "$MATCH" $((n_match + 1))
[ "$(grep -cE '(port|bridge)-(add|del|set) ' "$T/controld.log")" = "$n_ops" ] ||
	wt_fail "weft-controld changed the dataplane after the reconnect"
[ "$(ct_port_field vhu0 port_index)" = "$idx0" ] || wt_fail "vhu0 port_index changed"
[ "$(ct_inode vhu0)" = "$ino0" ] && [ "$(ct_inode vhu1)" = "$ino1" ] ||
	wt_fail "a vhost-user socket was re-created"
sleep 1.5 # a statistics write-back after the reconnect (ct_ctl_start: --stats-interval=1000)
snap1=$(db_snap)
[ "$snap1" = "$snap0" ] || wt_fail "the database changed across the restart: $snap0 -> $snap1"
wt_log "reconnected: 0 operations, ports not re-created, no spurious database write"

# 3. Changes after the restart.
vs set Port vhu1 tag=20 || wt_fail "set Port vhu1 tag=20"
[ "$(ct_port_field vhu1 tag)" = 20 ] || wt_fail "vhu1 tag $(ct_port_field vhu1 tag), want 20"
vs add-port br0 vhu2 -- set Interface vhu2 type=dpdkvhostuser || wt_fail "add-port vhu2"
wt_has_port vhu2 || wt_fail "vhu2 not in the dataplane when ovs-vsctl returned"
[ "$(ct_iface ofport vhu2)" = 3 ] || wt_fail "vhu2 ofport $(ct_iface ofport vhu2), want 3"
stats_ok() { [ "$(vs get Interface vhu0 statistics:rx_packets)" = 300 ]; }
wt_wait "vhu0 statistics:rx_packets = 300 in the DB" 10 stats_ok
wt_log "after the restart: tag change and add-port live on return, write-back works"
wt_log "PASS"
