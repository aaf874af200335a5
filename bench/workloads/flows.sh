# VM->VM through flow tables (OpenFlow, table 0), the same flows in weft and OVS.
#   flows:wild    1,000 wildcard flows over 10 masks (nw_dst prefixes /23../32, 100 each),
#                 frames cycling over the 102,300 addresses they cover: every flow is hit
#   flows:exact   100,000 exact-match flows (udp, nw_dst, tp_dst), frames cycling over all keys
# Both also hold the default priority=0,actions=NORMAL, which no frame reaches; every other flow
# outputs to vhu1. The flows come from bench/tools/mkflows.py (one file, ovs-ofctl dialect):
# weft gets them in one flow-replace on its control socket, OVS with `ovs-ofctl del-flows` then
# `ovs-ofctl add-flows`. Path and counter as vm2vm: macgen port 0 -> vhu0 -> switch -> vhu1 ->
# macgen port 1. Each setup checks that frames really hit the flows (weft flow-dump / OVS
# dump-flows: every flow's n_packets > 0) and fails with the count otherwise. testpmd io-forwards
# the same frames without any lookup: the ceiling of the path.
# flows:wild,loop[=P] / flows:exact,loop[=P]: the generator in its closed loop (as vm2vm:loop).
FLOWS_KIND="" LOOP=""
IFS=, read -r -a wl_args <<<"$WL_ARG"
for a in "${wl_args[@]}"; do
	case $a in
	wild | exact) FLOWS_KIND=$a ;;
	loop) LOOP=1024 ;;
	loop=*) LOOP=${a#loop=} ;;
	*) die "flows: bad argument '$a' (wild or exact, then optionally loop[=P])" ;;
	esac
done
[ -n "$FLOWS_KIND" ] || die "flows: say wild or exact"
[[ ${LOOP:-0} =~ ^[0-9]+$ ]] || die "flows: '$LOOP' is not a number"
WL_GROUP=flows
if [ "$FLOWS_KIND" = wild ]; then
	WL_DESC="VM->VM through 1,000 wildcard flows over 10 nw_dst masks (/23../32), 64-byte frames over 102,300 destinations"
else
	WL_DESC="VM->VM through 100,000 exact-match flows (udp,nw_dst,tp_dst), 64-byte frames over all 100,000 keys"
fi
FLOWS_FILE=$W/flows-$FLOWS_KIND.txt
# macgen arguments (--dst-ip A --ips M) whose frames hit the flows.
FLOWS_GEN=$("$PY" "$BENCH_DIR/tools/mkflows.py" "$FLOWS_KIND" vhu1 "$FLOWS_FILE") ||
	die "flows: mkflows.py failed"
[ -n "$LOOP" ] && FLOWS_GEN="$FLOWS_GEN --loop $LOOP" WL_DESC="$WL_DESC, generator closed loop of $LOOP frames"
FLOWS_N=$(($(wc -l <"$FLOWS_FILE") - 1)) # without the default flow
# How long the switch may take until every flow was hit (OVS installs a megaflow per upcall).
FLOWS_HIT_WAIT=$((QUICK ? 30 : 60))

# flows_check SYSTEM HIT: dies unless HIT ("hit total") says every flow took frames.
flows_check() {
	local hit=${2% *} total=${2#* }
	[ "$total" = "$FLOWS_N" ] || die "$1: $total flows installed, expected $FLOWS_N"
	[ "$hit" = "$FLOWS_N" ] || die "$1: frames hit only $hit of the $FLOWS_N flows"
	log "  $1: all $FLOWS_N flows hit"
}

weft_flows_hit() { "$PY" "$BENCH_DIR/lib/wfrpc.py" "$WEFT_SOCK" --flows-hit br0; }
setup_weft() {
	# shellcheck disable=SC2086 # FLOWS_GEN: several words
	gen_start $FLOWS_GEN
	weft_start
	weft_vm2vm
	"$PY" "$BENCH_DIR/lib/wfrpc.py" "$WEFT_SOCK" --flow-replace br0 "$FLOWS_FILE" >&2 ||
		die "weft: flow-replace failed"
	gen_wait_rx || die "weft: no frames reached the sink"
	wait_for "[ \"\$(weft_flows_hit | cut -d' ' -f1)\" = $FLOWS_N ]" "$FLOWS_HIT_WAIT" || true
	flows_check weft "$(weft_flows_hit)"
	log "  weft: $(weft_rpc stats '{"name":"br0"}' | "$PY" -c 'import json, sys
t = json.load(sys.stdin)["bridges"]["br0"]["tables"][0]
print("table 0: %d flows, %d masks, %d lookups, %d matched, %d exact-match cache hits" %
      (t["flows"], t["masks"], t["lookups"], t["matched"], t["cache_hits"]))')"
}
count_weft() { gen_rx; }
teardown_weft() { weft_stop; gen_stop; }

# "hit total" of OVS's flows (the default excluded).
ovs_flows_hit() {
	ovs-ofctl dump-flows br0 | awk '/actions=/ && !/priority=0 actions=NORMAL/ {
		t++; if ($0 !~ /n_packets=0,/) h++ } END { print h + 0, t + 0 }'
}
setup_ovs() {
	# Flows before traffic: with frames flowing, every flow-mod of a 100k-flow add-flows
	# competes with upcalls and revalidation (over 10 minutes here). The vhost-user client
	# ports connect once the generator's sockets exist.
	ovs_start
	ovs_vm2vm
	ovs-ofctl del-flows br0
	ovs-ofctl add-flows br0 "$FLOWS_FILE" || die "ovs: add-flows failed"
	# shellcheck disable=SC2086
	gen_start $FLOWS_GEN
	gen_wait_rx 10000 60 || die "ovs: no frames reached the sink"
	# One upcall per megaflow; the revalidators refresh flow statistics about once a second.
	wait_for "[ \"\$(ovs_flows_hit | cut -d' ' -f1)\" = $FLOWS_N ]" "$FLOWS_HIT_WAIT" || true
	flows_check ovs "$(ovs_flows_hit)"
	# Every key its own megaflow (exact): as vm2vm:macs=N, give the revalidators time to raise
	# OVS's dynamic flow limit and install them, at most ~40 s.
	local i f
	for i in $(seq 1 40); do
		f=$(ovs-appctl upcall/show | sed -n 's/.*flows *: (current \([0-9]*\)).*/\1/p' | head -1)
		[ "${f:-0}" -ge "$FLOWS_N" ] && break
		sleep 1
	done
	log "  ovs: $(ovs-appctl upcall/show | grep -m1 flows | xargs) after ${i}s"
}
count_ovs() { gen_rx; }
teardown_ovs() { ovs_stop; gen_stop; }

setup_testpmd() {
	# shellcheck disable=SC2086
	gen_start $FLOWS_GEN
	tp_start "net_vhost0,iface=$W/vm0.sock,client=1,queues=1" \
		"net_vhost1,iface=$W/vm1.sock,client=1,queues=1" -- --forward-mode=io
	tp_cmd start
	gen_wait_rx || die "testpmd: no frames reached the sink"
}
count_testpmd() { gen_rx; }
teardown_testpmd() { tp_stop; gen_stop; }
true
