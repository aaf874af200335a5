# VXLAN encap: a VM's 64-byte frames -> learning switch -> VXLAN tunnel (VNI 100, remote
# 192.168.99.2, neighbour pre-set) -> underlay bridge -> uplink. The uplink is a net_pcap port
# writing to /dev/null; the rate is that port's transmit counter (114-byte outer frames).
# testpmd cannot encapsulate: it io-forwards vhu0 -> the same pcap sink (the path's ceiling
# without encapsulation).
WL_DESC="VXLAN encap: VM -> switch -> vxlan (VNI 100) -> uplink (pcap sink), 64-byte inner frames"
WL_GROUP=vxlan
SINK="net_pcap_sink0,tx_pcap=/dev/null"

avail_weft() {
	# The weft side needs tunnel ports (type=vxlan): present when the dataplane accepts them.
	grep -q '"vxlan"' "$TOP/dataplane/ports/port_tnl.c" 2>/dev/null || { echo "weft has no vxlan ports"; return 1; }
}
setup_weft() {
	gen_start_tx_only
	weft_start
	weft_rpc bridge-add '{"name":"br-phy","other_config":{"tunnel-ip":"192.168.99.1/24","tunnel-mac":"02:00:00:00:99:01"}}' >/dev/null
	weft_rpc port-add "{\"bridge\":\"br-phy\",\"name\":\"p0\",\"type\":\"dpdk\",\"options\":{\"dpdk-devargs\":\"$SINK\"}}" >/dev/null
	weft_rpc tnl-neigh-set '{"bridge":"br-phy","ip":"192.168.99.2","mac":"02:00:00:00:99:02","port":"p0"}' >/dev/null
	weft_rpc bridge-add '{"name":"br0"}' >/dev/null
	weft_rpc port-add '{"bridge":"br0","name":"vx0","type":"vxlan","options":{"remote_ip":"192.168.99.2","key":"100"}}' >/dev/null
	weft_rpc port-add "{\"bridge\":\"br0\",\"name\":\"vhu0\",\"type\":\"dpdkvhostuserclient\",\"options\":{\"vhost-server-path\":\"$W/vm0.sock\"}}" >/dev/null
	weft_rpc fdb-add '{"bridge":"br0","port":"vx0","vlan":0,"mac":"02:01:00:00:00:00"}' >/dev/null
	wait_for "[ \$(weft_port_ctr p0 tx_packets) -gt 10000 ]" 30 || die "weft: no encapsulated frames on p0"
}
count_weft() { weft_port_ctr p0 tx_packets; }
teardown_weft() { weft_stop; gen_stop; }

setup_ovs() {
	gen_start_tx_only
	ovs_start
	ovs_add_br br-int
	ovs_add_br br-phy hwaddr=02:00:00:00:99:01
	ovs-vsctl add-port br-int vx0 -- set Interface vx0 type=vxlan \
		options:remote_ip=192.168.99.2 options:key=100
	# br-phy's internal port is a tap in the private netns: it carries the local VTEP address.
	ip netns exec "$BENCH_NETNS" ip addr add 192.168.99.1/24 dev br-phy
	ip netns exec "$BENCH_NETNS" ip link set br-phy up
	ovs-appctl ovs/route/lookup 192.168.99.2 | grep -q br-phy ||
		ovs-appctl ovs/route/add 192.168.99.0/24 br-phy >/dev/null
	ovs-vsctl add-port br-phy p0 -- set Interface p0 type=dpdk "options:dpdk-devargs=$SINK"
	ovs-vsctl add-port br-int vhu0 -- set Interface vhu0 type=dpdkvhostuserclient \
		options:vhost-server-path="$W/vm0.sock"
	ovs-appctl tnl/arp/set br-phy 192.168.99.2 02:00:00:00:99:02 >/dev/null
	ovs-appctl fdb/add br-phy p0 0 02:00:00:00:99:02 >/dev/null
	ovs-appctl fdb/add br-int vx0 0 02:01:00:00:00:00 >/dev/null
	wait_for "[ \$(ovs_port_ctr br-phy p0 tx) -gt 10000 ]" 60 || die "ovs: no encapsulated frames on p0"
}
count_ovs() { ovs_port_ctr br-phy p0 tx; }
teardown_ovs() { ovs_stop; gen_stop; }

setup_testpmd() {
	gen_start_tx_only
	tp_start "net_vhost0,iface=$W/vm0.sock,client=1,queues=1" "$SINK" -- --forward-mode=io
	tp_cmd start
	wait_for "[ \$(tp_port_tx 1) -gt 10000 ]" 30 || die "testpmd: no frames on the sink"
}
count_testpmd() { tp_port_tx 1; }
teardown_testpmd() { tp_stop; gen_stop; }
