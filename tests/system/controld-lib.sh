# Helpers of the weft-controld system tests (sourced after tests/tools/weft-test-lib.sh and
# wt_setup; not a test itself).
#
#   ct_db_create            creates the database $T/conf.db from ovsdb-lite/vswitch.ovsschema
#   ct_db_start             starts ovsdb-lite on $RD/db.sock, waits until it answers; CT_DB_PID
#   ct_ctl_start [LOG]      starts weft-controld (log $T/LOG.log, default controld) with a 1 s
#                           refresh; CT_CTL_PID
#   ct_stack [LOG]          the whole stack in $RD: database (created), ovsdb-lite, weft-dataplane
#                           (wt_dp_start), weft-controld (log LOG, default controld)
#   vs ARGS...              the real ovs-vsctl on our database, WITHOUT --no-wait (it returns once
#                           weft-controld reports the change live: Open_vSwitch cur_cfg)
#   ct_port_field PORT F    field F of PORT in the dataplane's `show` (python repr)
#   ct_inode PORT           inode of PORT's vhost-user server socket: a port deleted and added
#                           again gets a new socket (the dataplane logs port adds only at INFO)
#   ct_iface COL IFACE      ovs-vsctl get Interface IFACE COL
#   ct_versions             every Interface and Open_vSwitch row's _version (changes on any write)
# Needs RD (the run directory) set and the dataplane started with wt_dp_start "$RD" dataplane.

CT_LITE=$WEFT_BUILD/ovsdb-lite/ovsdb-lite
CT_CTLD=$WEFT_BUILD/control/weft-controld
CT_SCHEMA=$WT_TOP/ovsdb-lite/vswitch.ovsschema
for _b in "$CT_LITE" "$CT_CTLD"; do
	[ -x "$_b" ] || wt_fail "missing binary $_b (build with ninja -C $WEFT_BUILD)"
done
command -v ovs-vsctl >/dev/null || PATH=$PATH:/usr/sbin
command -v ovs-vsctl >/dev/null || wt_fail "ovs-vsctl not installed (openvswitch-switch)"
command -v ovsdb-client >/dev/null || wt_fail "ovsdb-client not installed (openvswitch-switch)"

ct_db_create() {
	"$CT_LITE" create "$T/conf.db" "$CT_SCHEMA" || wt_fail "ovsdb-lite create"
}

ct_db_start() {
	wt_spawn ovsdb-lite "$CT_LITE" --remote="punix:$RD/db.sock" "$T/conf.db"
	CT_DB_PID=$WT_PID
	wt_wait "ovsdb-lite on $RD/db.sock" 10 ovsdb-client list-dbs "unix:$RD/db.sock"
}

ct_ctl_start() {
	wt_spawn "${1:-controld}" "$CT_CTLD" --dataplane="$RD" --stats-interval=1000
	CT_CTL_PID=$WT_PID
}

ct_stack() {
	mkdir -p "$RD"
	ct_db_create
	ct_db_start
	wt_dp_start "$RD" dataplane
	ct_ctl_start "$@"
}

vs() {
	ovs-vsctl --db="unix:$RD/db.sock" --timeout=10 "$@"
}

ct_port_field() {
	wt_json "[p.get('$2') for b in r['bridges'] for p in b['ports'] if p['name']=='$1'][0]" show
}

ct_inode() {
	stat -c %i "$RD/$1.sock"
}

ct_iface() {
	vs get Interface "$2" "$1"
}

ct_versions() {
	ovsdb-client transact "unix:$RD/db.sock" \
		'["Open_vSwitch",{"op":"select","table":"Interface","where":[],"columns":["name","_version"]},{"op":"select","table":"Open_vSwitch","where":[],"columns":["_version"]}]'
}
