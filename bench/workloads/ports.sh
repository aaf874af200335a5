# Control plane: time to add N dpdkvhostuser ports (vhost-user server sockets) to a running
# switch, until every socket exists; reported as ports/s (higher is better).
#   ports:N
# weft: N port-add requests pipelined on one control connection. OVS: ovs-vsctl --no-wait
# add-port in batches of 100, then wait for the N sockets in its run dir. (Link-ready would
# need a peer per port: not measured.)
N=${WL_ARG:-1000}
WL_KIND=value
WL_UNIT=ports/s
WL_SYSTEMS="weft ovs"
WL_GROUP=control
WL_DESC="add $N dpdkvhostuser ports to a running switch (until all sockets exist)"
PORTS_TIMEOUT=$((QUICK ? 60 : 180))

count_socks() { # dir prefix suffix
	find "$1" -maxdepth 1 -type s -name "$2*$3" | wc -l
}
measure_weft() {
	local i t0 t1 rd=$W/weft
	weft_start
	weft_rpc bridge-add '{"name":"br0"}' >/dev/null
	for i in $(seq 0 $((N - 1))); do
		echo "port-add {\"bridge\":\"br0\",\"name\":\"vhu$i\",\"type\":\"dpdkvhostuser\"}"
	done >"$W/ports.req"
	t0=$(now)
	weft_rpc_batch <"$W/ports.req" >"$W/ports.out" 2>&1 ||
		die "weft: $(tail -1 "$W/ports.out") after $(weft_rpc show | grep -o '"vhu[0-9]*"' | wc -l) ports"
	wait_for "[ \$(count_socks '$rd' vhu .sock) -ge $N ]" "$PORTS_TIMEOUT" ||
		die "weft: only $(count_socks "$rd" vhu .sock) of $N sockets"
	t1=$(now)
	peak_rss "$WEFT_PID" >"$W/rss"
	weft_stop
	log "  weft: $N ports in $(echo "$t0 $t1" | awk '{printf "%.2f", $2-$1}') s"
	echo "$t0 $t1" | awk -v n="$N" '{printf "%.1f\n", n/($2-$1)}'
}
measure_ovs() {
	local i b t0 t1 args
	ovs_start
	ovs_add_br br0
	t0=$(now)
	for ((b = 0; b < N; b += 100)); do
		args=()
		for ((i = b; i < N && i < b + 100; i++)); do
			args+=(-- add-port br0 "vhu$i" -- set Interface "vhu$i" type=dpdkvhostuser)
		done
		ovs-vsctl --no-wait "${args[@]}"
	done
	wait_for "[ \$(count_socks '$OVS_RUNDIR' vhu '') -ge $N ]" "$PORTS_TIMEOUT" ||
		die "ovs: only $(count_socks "$OVS_RUNDIR" vhu '') of $N sockets"
	t1=$(now)
	peak_rss "$SWITCH_PID" >"$W/rss"
	ovs_stop
	log "  ovs: $N ports in $(echo "$t0 $t1" | awk '{printf "%.2f", $2-$1}') s"
	echo "$t0 $t1" | awk -v n="$N" '{printf "%.1f\n", n/($2-$1)}'
}
[ "$N" -gt 100 ] && WL_ROUNDS=1
true
