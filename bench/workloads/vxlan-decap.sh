# VXLAN decap: an uplink replays 64 VXLAN frames forever (net_pcap rx_pcap, infinite_rx: the
# "wire" costs the switch's PMD a copy per frame, the same for every system) -> underlay bridge
# -> decap (VNI 100) -> learning switch -> a net_pcap sink port (/dev/null), whose transmit
# counter is the rate (64-byte inner frames). testpmd io-forwards the same pcap -> the same sink
# without decapsulating (the path's ceiling).
WL_DESC="VXLAN decap: uplink (pcap replay) -> vxlan (VNI 100) -> switch -> sink, 64-byte inner frames"
WL_GROUP=vxlan
SINK="net_pcap_sink1,tx_pcap=/dev/null"
SRC="net_pcap_src0,rx_pcap=$W/dec.pcap,infinite_rx=1"
mkdec() { [ -s "$W/dec.pcap" ] || "$PY" "$BENCH_DIR/tools/mkvxlan.py" "$W/dec.pcap" 64; }

avail_weft() {
	grep -q '"vxlan"' "$TOP/dataplane/ports/port_tnl.c" 2>/dev/null || { echo "weft has no vxlan ports"; return 1; }
}
setup_weft() {
	mkdec
	weft_start
	weft_rpc bridge-add '{"name":"br0"}' >/dev/null
	weft_rpc port-add "{\"bridge\":\"br0\",\"name\":\"p1\",\"type\":\"dpdk\",\"options\":{\"dpdk-devargs\":\"$SINK\"}}" >/dev/null
	weft_rpc port-add '{"bridge":"br0","name":"vx0","type":"vxlan","options":{"remote_ip":"192.168.99.2","key":"100"}}' >/dev/null
	weft_rpc fdb-add '{"bridge":"br0","port":"p1","vlan":0,"mac":"02:00:00:00:01:01"}' >/dev/null
	weft_rpc bridge-add '{"name":"br-phy","other_config":{"tunnel-ip":"192.168.99.1/24","tunnel-mac":"02:00:00:00:99:01"}}' >/dev/null
	weft_rpc tnl-neigh-set '{"bridge":"br-phy","ip":"192.168.99.2","mac":"02:00:00:00:99:02"}' >/dev/null 2>&1 || true
	weft_rpc port-add "{\"bridge\":\"br-phy\",\"name\":\"p0\",\"type\":\"dpdk\",\"options\":{\"dpdk-devargs\":\"$SRC\"}}" >/dev/null
	wait_for "[ \$(weft_port_ctr p1 tx_packets) -gt 10000 ]" 30 || die "weft: no decapsulated frames on p1"
}
count_weft() { weft_port_ctr p1 tx_packets; }
teardown_weft() { weft_stop; }

setup_ovs() {
	mkdec
	ovs_start
	ovs_add_br br-int
	ovs_add_br br-phy hwaddr=02:00:00:00:99:01
	ovs-vsctl add-port br-int vx0 -- set Interface vx0 type=vxlan \
		options:remote_ip=192.168.99.2 options:key=100
	ip netns exec "$BENCH_NETNS" ip addr add 192.168.99.1/24 dev br-phy
	ip netns exec "$BENCH_NETNS" ip link set br-phy up
	ovs-appctl ovs/route/lookup 192.168.99.2 | grep -q br-phy ||
		ovs-appctl ovs/route/add 192.168.99.0/24 br-phy >/dev/null
	ovs-vsctl add-port br-int p1 -- set Interface p1 type=dpdk "options:dpdk-devargs=$SINK"
	ovs-appctl fdb/add br-int p1 0 02:00:00:00:01:01 >/dev/null
	ovs-vsctl add-port br-phy p0 -- set Interface p0 type=dpdk "options:dpdk-devargs=$SRC"
	wait_for "[ \$(ovs_port_ctr br-int p1 tx) -gt 10000 ]" 60 || die "ovs: no decapsulated frames on p1"
}
count_ovs() { ovs_port_ctr br-int p1 tx; }
teardown_ovs() { ovs_stop; }

setup_testpmd() {
	mkdec
	tp_start "$SRC" "$SINK" -- --forward-mode=io --no-flush-rx
	tp_cmd start
	wait_for "[ \$(tp_port_tx 1) -gt 10000 ]" 30 || die "testpmd: no frames on the sink"
}
count_testpmd() { tp_port_tx 1; }
teardown_testpmd() { tp_stop; }
