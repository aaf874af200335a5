# VM->VM through the learning switch (workloads 1, 2 and 4).
#   vm2vm              64-byte frames, one destination MAC
#   vm2vm:macs=N       64-byte frames cycling over N destination MACs, all pre-learned (static)
#   vm2vm:size=B       B-byte frames (no FCS), one destination MAC
#   vm2vm:loop[=P]     the generator in its closed loop ("pre-filled ring"): P frames (default
#                      1024) kept in flight, every received frame sent again (macgen --loop), so
#                      the generator does no allocation, fill or free per packet and the switch,
#                      not the generator, sets the rate. Combines: vm2vm:loop,size=1518
# Path: macgen virtio_user port 0 (vm0.sock) -> vhu0 -> switch -> vhu1 -> macgen port 1 (vm1.sock),
# drained and counted by the generator (the same counter for every system). Both vhost-user
# ports are "client" on the switch side (the generator owns the sockets, like QEMU in server
# mode). testpmd: io forwarding vhu0 -> vhu1, no lookup: the ceiling of the path.
MACS=1 SIZE=64 LOOP=""
IFS=, read -r -a wl_args <<<"$WL_ARG"
for a in "${wl_args[@]}"; do
	case $a in
	macs=*) MACS=${a#macs=} ;;
	size=*) SIZE=${a#size=} ;;
	loop) LOOP=1024 ;;
	loop=*) LOOP=${a#loop=} ;;
	*) die "vm2vm: bad argument '$a' (macs=N, size=B, loop[=P], comma-separated)" ;;
	esac
done
for v in "$MACS" "$SIZE" "${LOOP:-0}"; do
	[[ $v =~ ^[0-9]+$ ]] || die "vm2vm: '$v' is not a number"
done
GEN_ARGS=(--macs "$MACS" --size "$SIZE" ${LOOP:+--loop "$LOOP"})
WL_DESC="VM->VM, $SIZE-byte frames, $MACS destination MAC(s)${LOOP:+, generator closed loop of $LOOP frames}"
WL_GROUP=vm2vm
[ "$MACS" != 1 ] && WL_GROUP=macs WL_X=$MACS
[ "$SIZE" != 64 ] && WL_GROUP=size WL_X=$SIZE
[ -n "$LOOP" ] && WL_GROUP=loop WL_X=""
# MAC table sized for the test (both systems default to smaller tables).
TABLE=$((MACS * 2 + 1000))

setup_weft() {
	gen_start "${GEN_ARGS[@]}"
	weft_start
	weft_vm2vm "{\"mac-table-size\":\"$TABLE\"}"
	weft_fdb_prelearn br0 vhu1 "$MACS" >&2
	gen_wait_rx || die "weft: no frames reached the sink"
}
count_weft() { gen_rx; }
teardown_weft() { weft_stop; gen_stop; }

setup_ovs() {
	if [ "$MACS" -le 100000 ]; then
		gen_start "${GEN_ARGS[@]}"
		ovs_start
		ovs_vm2vm "mac-table-size=$TABLE"
		ovs_fdb_prelearn br0 vhu1 "$MACS" >&2
	else
		# fdb/add is too slow for a million entries (~730/s as the table grows): OVS learns
		# them from traffic instead (macgen --learn: each destination once as a source from
		# vm1's side), and its datapath flow limit (200,000 by default) is raised so that
		# every destination can have its megaflow, as an operator tuning for this would.
		gen_start "${GEN_ARGS[@]}" --learn
		ovs_start
		ovs-vsctl set Open_vSwitch . other_config:flow-limit=$((MACS + 100000))
		ovs_vm2vm "mac-table-size=$TABLE"
		local n=0 i
		for i in $(seq 1 180); do
			n=$(ovs-appctl fdb/stats-show br0 | sed -n 's/.*table: *\([0-9]*\)\/.*/\1/p')
			[ "${n:-0}" -ge "$MACS" ] && break
			sleep 1
		done
		log "  ovs: $n MACs learned from traffic after ${i}s"
		[ "${n:-0}" -ge "$MACS" ] || die "ovs: learned only $n of $MACS MACs in 180 s"
	fi
	gen_wait_rx 10000 60 || die "ovs: no frames reached the sink"
	if [ "$MACS" -gt 1 ]; then
		# One megaflow per destination MAC: give the revalidators time to install them
		# (OVS's dynamic flow limit starts low), at most ~40 s.
		local i f
		for i in $(seq 1 40); do
			f=$(ovs-appctl upcall/show | sed -n 's/.*flows *: (current \([0-9]*\)).*/\1/p' | head -1)
			[ "${f:-0}" -ge "$MACS" ] && break
			sleep 1
		done
		log "  ovs: $(ovs-appctl upcall/show | grep -m1 flows | xargs) after ${i}s"
	fi
}
count_ovs() { gen_rx; }
teardown_ovs() { ovs_stop; gen_stop; }

setup_testpmd() {
	gen_start "${GEN_ARGS[@]}"
	tp_start "net_vhost0,iface=$W/vm0.sock,client=1,queues=1" \
		"net_vhost1,iface=$W/vm1.sock,client=1,queues=1" -- --forward-mode=io
	tp_cmd start
	gen_wait_rx || die "testpmd: no frames reached the sink"
}
count_testpmd() { gen_rx; }
teardown_testpmd() { tp_stop; gen_stop; }
# A million MACs: slow set-up for OVS (learning from traffic, then a megaflow per MAC): one round.
[ "$MACS" -ge 1000000 ] && WL_ROUNDS=1
true
