#!/bin/bash
# System test: weftctl writes the database (ovsdb-lite + weft-dataplane + weft-controld, as
# controld-full.sh), WITHOUT --no-wait. Checks, exactly:
#   1. each weftctl configuration command returns only once the change is in the dataplane
#      (weftctl --direct show right after it sees it: weftctl waits for cur_cfg >= next_cfg);
#      errors are one ovs-vsctl-like line, exit 1, and apply nothing;
#   2. two weft-vmpeer VMs on vhu0/vhu1 (VLAN 10) exchange N frames: all arrive once, in order;
#      weftctl get Interface vhu0 ofport = 1, dataplane counters = N;
#   3. weftctl show = ovs-vsctl show on the same database, byte for byte; list-br, list-ports;
#   4. the same configuration through the real ovs-vsctl (no --no-wait) on a second stack gives
#      the same ovs-vsctl show (UUIDs, and the order they impose, aside) and dataplane ports;
#   5. without weft-controld, weftctl times out (--timeout, exit 1); --no-wait does not wait.
# Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup weftctl-db
RD=$T/run
source "$(dirname "$0")/controld-lib.sh"

N=2000
RATE=10000
MAC_A=02:00:00:00:0a:01
MAC_B=02:00:00:00:0b:01

w() { "$WT_CTL" --db="unix:$RD/db.sock" --timeout=10 "$@"; }

# The configuration, one invocation per line, run by weftctl (stack A) or ovs-vsctl (stack B).
configure() {
	"$@" add-br br0 -- set Bridge br0 other_config:mac-aging-time=60 || wt_fail "$1: add-br br0"
	[ "$(wt_json "[b['name'] for b in r['bridges']]" show)" = "['br0']" ] ||
		wt_fail "$1: dataplane bridges after add-br: $(wt_json "r['bridges']" show)"
	for p in vhu0 vhu1; do
		out=$("$@" add-port br0 $p -- set Interface $p type=dpdkvhostuser -- \
			set Port $p tag=10 2>&1) || wt_fail "$1: add-port $p: $out"
		[ -z "$out" ] || wt_fail "$1: add-port $p printed: $out"
		wt_has_port $p || wt_fail "$1: $p not in the dataplane when the command returned"
		[ "$(ct_port_field $p tag)" = 10 ] || wt_fail "$1: $p tag $(ct_port_field $p tag)"
		[ -S "$RD/$p.sock" ] || wt_fail "$1: no vhost-user socket $RD/$p.sock"
	done
	"$@" add-port br0 tmp0 -- set Interface tmp0 type=dpdkvhostuser || wt_fail "$1: add tmp0"
	wt_has_port tmp0 || wt_fail "$1: tmp0 not in the dataplane"
	"$@" set Port vhu1 trunks=20,30 -- set Interface vhu1 options:n_rxq=1 -- del-port tmp0 ||
		wt_fail "$1: set/del-port chain"
	! wt_has_port tmp0 || wt_fail "$1: tmp0 still in the dataplane after del-port returned"
	[ "$(ct_port_field vhu1 trunks)" = "[20, 30]" ] || wt_fail "$1: vhu1 trunks"
}

# A canonical `ovs-vsctl show`: no UUID line, children sorted (their order follows UUIDs).
canon() {
	"$WT_PY" -c '
import sys
lines = sys.stdin.read().splitlines()[1:]
def tree(i, depth):
    out = []
    while i < len(lines):
        d = (len(lines[i]) - len(lines[i].lstrip())) // 4
        if d < depth:
            break
        node = lines[i]
        kids, i = tree(i + 1, d + 1)
        out.append(node + "".join("\n" + k for k in sorted(kids)))
    return out, i
print("\n".join(sorted(tree(0, 1)[0])))'
}

start_stack() {
	mkdir -p "$RD"
	ct_db_create
	ct_db_start
	wt_dp_start "$RD" "dataplane$1"
	ct_ctl_start "controld$1"
}

stop_stack() {
	wt_stop "$CT_CTL_PID" TERM || wt_fail "weft-controld exited with status $?"
	wt_stop "$WT_DP_PID" TERM
	wt_stop "$CT_DB_PID" TERM
	rm -f "$T/conf.db"
}

# --- Stack A: weftctl ---
# No database yet: the clear message, exit 1.
out=$("$WT_CTL" --rundir "$RD" add-br br0 2>&1)
[ $? = 1 ] || wt_fail "add-br without a database: exit status not 1"
[ "$out" = "weftctl: cannot connect to the database unix:$RD/db.sock (No such file or directory); start it (scripts/weft.sh start) or use --direct" ] ||
	wt_fail "no database: $out"
start_stack A
t0=$(date +%s.%N)
configure w
t1=$(date +%s.%N)
wctl show >"$T/dp-A" || wt_fail "weftctl --direct show"
wt_log "weftctl: br0 + vhu0 vhu1 (dpdkvhostuser, tag 10) live on return ($(echo "$t1 - $t0" | bc) s)"

# 1. Errors: one line, exit 1, nothing applied (row versions unchanged).
v1=$(ct_versions)
check_err() {
	local want=$1 out rc
	shift
	out=$(w "$@" 2>&1)
	rc=$?
	[ $rc = 1 ] || wt_fail "weftctl $*: exit $rc, want 1"
	[ "$out" = "weftctl: $want" ] || wt_fail "weftctl $*: '$out', want 'weftctl: $want'"
}
check_err "cannot create a bridge named br0 because a bridge named br0 already exists" \
	add-br brX -- add-br br0
check_err "cannot create a port named vhu0 because a port named vhu0 already exists on bridge br0" \
	add-port br0 new0 -- add-port br0 vhu0
check_err "no bridge named nobr" del-br nobr
check_err "no port named nope" set Port vhu0 tag=11 -- del-port nope
check_err 'no row "nope" in table Interface' set Interface nope options:a=b
[ "$(ct_versions)" = "$v1" ] || wt_fail "a failed command changed the database"
[ "$(ct_port_field vhu0 tag)" = 10 ] || wt_fail "a failed chain changed vhu0's tag"
w --if-exists del-port nope -- --may-exist add-br br0 || wt_fail "--if-exists/--may-exist"
wt_log "errors: ovs-vsctl messages, exit 1, nothing applied; --if-exists/--may-exist accepted"

# 2. Traffic between two VMs.
wt_vmpeer vmB "$RD/vhu1.sock" 0 --recv $N --timeout 60 --grace 1000 --src $MAC_B --announce \
	--src-filter $MAC_A
B_PID=$WT_PID
wt_wait "vmB ready" 30 wt_log_has vmB '^ready'
wt_vmpeer vmA "$RD/vhu0.sock" 0 --send $N --src $MAC_A --dst $MAC_B --rate $RATE --hold
A_PID=$WT_PID
wt_wait "vmA sent $N" 30 wt_log_has vmA "^sent=$N total=$N\$"
wt_join "$B_PID" 60 || wt_fail "vmB exited with status $? (lost, duplicated or extra frames)"
want="received=$N matching=$N out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0"
wt_log_has vmB "^$want\$" || wt_fail "vmB: $(grep -a '^received=' "$T/vmB.log"), want $want"
[ "$(wt_stat vhu0 rx_packets)" = $N ] || wt_fail "dataplane vhu0 rx_packets $(wt_stat vhu0 rx_packets)"
[ "$(wt_stat vhu1 tx_packets)" = $N ] || wt_fail "dataplane vhu1 tx_packets $(wt_stat vhu1 tx_packets)"
wt_stop "$A_PID" TERM
[ "$(w get Interface vhu0 ofport)" = 1 ] || wt_fail "vhu0 ofport $(w get Interface vhu0 ofport)"
[ "$(w get Interface vhu1 ofport)" = 2 ] || wt_fail "vhu1 ofport $(w get Interface vhu1 ofport)"
[ "$(w get Port vhu1 trunks)" = "$(vs get Port vhu1 trunks)" ] || wt_fail "get trunks"
[ "$(w get Bridge br0 other_config:mac-aging-time)" = '"60"' ] || wt_fail "get other_config key"
[ "$(w get Interface vhu0 ofport type status:driver_name)" = \
	"$(vs get Interface vhu0 ofport type status:driver_name)" ] || wt_fail "get of several columns"
wt_log "traffic: $want; weftctl get Interface vhu0 ofport = 1"

# 3. show / list-br / list-ports as ovs-vsctl prints them.
w show >"$T/show-weftctl" || wt_fail "weftctl show"
vs show >"$T/show-A" || wt_fail "ovs-vsctl show"
diff -u "$T/show-A" "$T/show-weftctl" >&2 || wt_fail "weftctl show differs from ovs-vsctl show"
[ "$(w list-br)" = "$(vs list-br)" ] || wt_fail "list-br differs"
[ "$(w list-ports br0)" = "$(vs list-ports br0)" ] || wt_fail "list-ports differs"
wt_log "weftctl show = ovs-vsctl show:"
cat "$T/show-weftctl"

# list and clear on the live stack: list prints what ovs-vsctl prints; clear is live on return.
[ "$(w list Port vhu1)" = "$(vs list Port vhu1)" ] || wt_fail "list Port vhu1 differs"
w list Interface vhu0 | grep -q '^ofport *: 1$' || wt_fail "list Interface vhu0: $(w list Interface vhu0)"
w clear Port vhu1 trunks || wt_fail "clear Port vhu1 trunks"
[ "$(ct_port_field vhu1 trunks)" = "[]" ] || wt_fail "trunks in the dataplane after clear: $(ct_port_field vhu1 trunks)"
[ "$(vs get Port vhu1 trunks)" = "[]" ] || wt_fail "trunks in the DB after clear"
w set Port vhu1 trunks=20,30 || wt_fail "set trunks back"
[ "$(ct_port_field vhu1 trunks)" = "[20, 30]" ] || wt_fail "trunks back: $(ct_port_field vhu1 trunks)"
wt_log "list = ovs-vsctl list; clear Port vhu1 trunks live on return (dataplane trunks [])"

# 5. No weft-controld: the change is committed but never live -> timeout, exit 1; --no-wait
#    returns at once.
wt_stop "$CT_CTL_PID" TERM || wt_fail "weft-controld exited with status $?"
out=$(w --timeout=1 set Port vhu0 tag=11 2>&1)
[ $? = 1 ] || wt_fail "no controld: exit status not 1"
[[ $out == "weftctl: timed out after 1 s waiting for the change to be applied (next_cfg "*", cur_cfg "*"); is weft-controld running?"* ]] ||
	wt_fail "no controld: '$out'"
w --no-wait set Port vhu0 tag=12 || wt_fail "--no-wait without controld"
[ "$(w get Port vhu0 tag)" = 12 ] || wt_fail "--no-wait: tag not written"
wt_log "without weft-controld: '$out'; --no-wait returns"
wt_stop "$WT_DP_PID" TERM
wt_stop "$CT_DB_PID" TERM
rm -f "$T/conf.db"

# 4. Stack B: the same through ovs-vsctl.
RD=$T/runB
start_stack B
vs init || wt_fail "ovs-vsctl init"
configure vs
vs show >"$T/show-B" || wt_fail "ovs-vsctl show (B)"
diff -u <(canon <"$T/show-A") <(canon <"$T/show-B") >&2 ||
	wt_fail "ovs-vsctl show after ovs-vsctl differs from the one after weftctl"
wctl show >"$T/dp-B" || wt_fail "weftctl --direct show (B)"
diff -u "$T/dp-A" "$T/dp-B" >&2 || wt_fail "the dataplanes differ"
stop_stack B
wt_log "ovs-vsctl on a second stack: same ovs-vsctl show, same dataplane configuration"
wt_log "PASS"
