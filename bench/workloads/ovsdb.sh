# Control plane: OVSDB transaction rate, ovsdb-lite (weft) vs ovsdb-server (OVS 3.1).
#   ovsdb:C   C clients (processes), each doing small durable inserts back to back
# Same schema for both servers (ovsdb-lite/vswitch.ovsschema: weft's Open_vSwitch schema, whose
# Flow table is a root table), same transactions (bench/tools/txnrate.py), database on the
# same file system. Not pinned (control plane).
CLIENTS=${WL_ARG:-1}
WL_KIND=value
WL_UNIT=txn/s
WL_SYSTEMS="weft ovs"
WL_GROUP=control
WL_DESC="OVSDB small durable inserts, $CLIENTS client(s): ovsdb-lite (weft) vs ovsdb-server (OVS)"
# The records also carry p50_ms, p99_ms (transaction latency) and n_txns.
SCHEMA=$TOP/ovsdb-lite/vswitch.ovsschema
TXN_SECS=$((QUICK ? 2 : 5))
OVSDB_LITE=$BUILD/ovsdb-lite/ovsdb-lite

avail_weft() {
	[ -x "$OVSDB_LITE" ] || { echo "ovsdb-lite not built"; return 1; }
}
measure_weft() {
	local d=$W/odb pid
	rm -rf "$d"
	mkdir -p "$d"
	"$OVSDB_LITE" create "$d/conf.db" "$SCHEMA" >&2 || die "ovsdb-lite create failed"
	"$OVSDB_LITE" --remote="punix:$d/db.sock" "$d/conf.db" </dev/null >"$W/ovsdb-lite.log" 2>&1 &
	pid=$!
	bench_track "$pid"
	SWITCH_PID=$pid
	wait_for "[ -S '$d/db.sock' ]" 10 || { tail "$W/ovsdb-lite.log" >&2; die "ovsdb-lite did not start"; }
	"$PY" "$BENCH_DIR/tools/txnrate.py" "$d/db.sock" "$CLIENTS" "$TXN_SECS" >"$W/txn.out" ||
		die "transactions against ovsdb-lite failed"
	peak_rss "$pid" >"$W/rss"
	bench_kill "$pid"
	log "  ovsdb-lite: $(cat "$W/txn.out") (txn/s p50ms p99ms n)"
	awk '{print "p50_ms=" $2, "p99_ms=" $3, "n_txns=" $4}' "$W/txn.out" >"$W/extra"
	awk '{print $1}' "$W/txn.out"
}
measure_ovs() {
	local d=$W/odb pid
	rm -rf "$d"
	mkdir -p "$d"
	ovsdb-tool create "$d/conf.db" "$SCHEMA"
	ovsdb-server --remote="punix:$d/db.sock" --pidfile="$d/ovsdb-server.pid" --detach \
		--unixctl="$d/ovsdb-server.ctl" \
		--log-file="$d/ovsdb-server.log" "$d/conf.db" || die "ovsdb-server did not start"
	pid=$(cat "$d/ovsdb-server.pid")
	bench_track "$pid"
	SWITCH_PID=$pid
	"$PY" "$BENCH_DIR/tools/txnrate.py" "$d/db.sock" "$CLIENTS" "$TXN_SECS" >"$W/txn.out" ||
		die "transactions against ovsdb-server failed"
	peak_rss "$pid" >"$W/rss"
	bench_kill "$pid"
	log "  ovsdb-server: $(cat "$W/txn.out") (txn/s p50ms p99ms n)"
	awk '{print "p50_ms=" $2, "p99_ms=" $3, "n_txns=" $4}' "$W/txn.out" >"$W/extra"
	awk '{print $1}' "$W/txn.out"
}
