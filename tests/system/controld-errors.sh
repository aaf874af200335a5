#!/bin/bash
# System test: interfaces the dataplane refuses. Through ovs-vsctl (waiting for cur_cfg):
#   1. bad0 (type dpdk, dpdk-devargs=net_nonexistent0), vx0 (type vxlan without remote_ip),
#      int0 (type internal, not the bridge's own) and nosys0 (no type: OVS's "system", and no
#      such Linux interface) next to a good vhu0: ovs-vsctl reports
#      OVS's "Error detected while setting up" from the error column and exits 0; each bad
#      interface has ofport -1 and `error` = the dataplane's message; vhu0 works (ofport 1,
#      in the dataplane, a VM's frames counted); br0's local port has no error;
#   2. refresh passes do not retry a failed interface (no log flood): the port-add count of
#      bad0 stays 1 over 3 refreshes;
#   3. fixing bad0 (options:dpdk-devargs=net_null0) creates it: error cleared, ofport > 0,
#      type dpdk in the dataplane, status:driver_name=net_null;
#   4. a clash: dup0 on bad0's device (net_null0) is refused with EEXIST naming bad0, and bad0
#      keeps its device (link up, still receiving), also after a later change retried dup0.
# Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup controld-errors
RD=$T/run
source "$(dirname "$0")/controld-lib.sh"

ct_stack

vs add-br br0 -- add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuser ||
	wt_fail "add-br br0 with vhu0"
wt_has_port vhu0 || wt_fail "vhu0 not in the dataplane"

# 1. Three bad interfaces in one transaction.
out=$(vs add-port br0 bad0 -- set Interface bad0 type=dpdk \
	options:dpdk-devargs=net_nonexistent0 -- add-port br0 vx0 -- set Interface vx0 \
	type=vxlan -- add-port br0 int0 -- set Interface int0 type=internal \
	-- add-port br0 nosys0 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] || wt_fail "ovs-vsctl add-port of bad interfaces exited $rc"
for i in bad0 vx0 int0 nosys0; do
	echo "$out" | grep -q "Error detected while setting up '$i'" ||
		wt_fail "ovs-vsctl did not report the error of $i"
	[ "$(ct_iface ofport $i)" = -1 ] || wt_fail "$i ofport $(ct_iface ofport $i), want -1"
	! wt_has_port $i || wt_fail "$i in the dataplane"
done
err=$(ct_iface error bad0)
[[ $err == '"ENODEV: port bad0: cannot create device '\''net_nonexistent0'\'* ]] ||
	wt_fail "bad0 error: $err"
err=$(ct_iface error vx0)
[[ $err == *EINVAL* && $err == *remote_ip* ]] || wt_fail "vx0 error: $err"
err=$(ct_iface error int0)
[[ $err == *"unknown type 'internal'"* ]] || wt_fail "int0 error: $err"
err=$(ct_iface error nosys0) # no type: OVS's "system", the Linux interface of that name
[[ $err == *ENODEV*"no network interface 'nosys0' (type system)"* ]] || wt_fail "nosys0 error: $err"
[ "$(ct_iface error br0)" = "[]" ] || wt_fail "br0 error $(ct_iface error br0)"
[ "$(ct_iface ofport vhu0)" = 1 ] || wt_fail "vhu0 ofport $(ct_iface ofport vhu0)"
[ "$(ct_iface error vhu0)" = "[]" ] || wt_fail "vhu0 error $(ct_iface error vhu0)"
wt_log "bad0/vx0/int0/nosys0: ofport -1 and the dataplane's error; vhu0 unaffected"

# vhu0 still forwards: 500 frames from a VM are counted on it (flooded: no other port).
wt_vmpeer vmA "$RD/vhu0.sock" 0 --send 500 --src 02:00:00:00:0a:01 --dst 02:00:00:00:0b:01 \
	--rate 5000
wt_join "$WT_PID" 30 || wt_fail "vmA exited with status $?"
[ "$(wt_stat vhu0 rx_packets)" = 500 ] || wt_fail "vhu0 rx_packets $(wt_stat vhu0 rx_packets)"
rx_ok() { [ "$(vs get Interface vhu0 statistics:rx_packets)" = 500 ]; }
wt_wait "DB statistics of vhu0: rx_packets 500" 10 rx_ok

# 2. No retries by refresh passes.
n1=$(grep -c 'port-add bad0 on ' "$T/controld.log")
sleep 3.5
n2=$(grep -c 'port-add bad0 on ' "$T/controld.log")
[ "$n1" = 1 ] && [ "$n2" = 1 ] || wt_fail "bad0 port-add attempts: $n1 then $n2, want 1"
n=$(grep -c 'control request failed: port bad0' "$T/dataplane.log")
[ "$n" = 1 ] || wt_fail "the dataplane refused bad0 $n times, want 1"
wt_log "refresh passes do not retry bad0 (1 attempt)"

# 3. Fix it.
vs set Interface bad0 options:dpdk-devargs=net_null0 || wt_fail "set bad0 devargs"
wt_has_port bad0 || wt_fail "bad0 not in the dataplane after the fix"
[ "$(ct_port_field bad0 type)" = dpdk ] || wt_fail "bad0 type $(ct_port_field bad0 type)"
[ "$(ct_iface error bad0)" = "[]" ] || wt_fail "bad0 error after the fix: $(ct_iface error bad0)"
of=$(ct_iface ofport bad0)
[ "$of" -ge 2 ] 2>/dev/null || wt_fail "bad0 ofport $of after the fix"
[ "$(vs get Interface bad0 status:driver_name)" = net_null ] ||
	wt_fail "bad0 driver_name $(vs get Interface bad0 status:driver_name)"
[ "$(ct_iface error vx0)" != "[]" ] || wt_fail "vx0 error cleared though still bad"
wt_log "bad0 fixed: created (ofport $of, driver net_null), error cleared"

# 4. Two interfaces, one device.
rx_grows() { # PORT: its rx_packets grows within 0.5 s
	local a b
	a=$(wt_stat "$1" rx_packets)
	sleep 0.5
	b=$(wt_stat "$1" rx_packets)
	[ "${b:-0}" -gt "${a:-0}" ]
}
dup_refused() { # STEP: dup0 refused, bad0 intact
	local e
	e=$(ct_iface error dup0)
	grep -q "EEXIST.*device 'net_null0' is already used by port bad0" <<<"$e" ||
		wt_fail "$1: dup0 error: $e"
	[ "$(ct_iface ofport dup0)" = -1 ] || wt_fail "$1: dup0 ofport $(ct_iface ofport dup0)"
	wt_has_port dup0 && wt_fail "$1: dup0 in the dataplane"
	wt_link_is bad0 up || wt_fail "$1: bad0's link went down"
	rx_grows bad0 || wt_fail "$1: bad0 stopped receiving"
}
vs add-port br0 dup0 -- set Interface dup0 type=dpdk options:dpdk-devargs=net_null0 \
	>/dev/null 2>&1
dup_refused "after add-port dup0"
vs set Interface dup0 options:dpdk-devargs=net_null0,size=128 >/dev/null 2>&1
dup_refused "after a retry with other devargs"
wt_log "dup0 on bad0's device: refused ($(ct_iface error dup0)); bad0 kept its device, twice"
wt_log "PASS"
