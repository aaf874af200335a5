# shellcheck shell=bash
# Shared helpers of the overlay system tests (sourced, not run; not executable so scripts/test.sh
# skips it): tests/system/vx-*.sh, tests/system/overlay-*.sh and scripts/lab.sh.
# Builds on tests/tools/weft-test-lib.sh (wt_* helpers, $T, $WT_TAG, process tracking).
#
#   ov_setup NAME              wt_setup NAME + our cleanup trap; namespace prefix $OV_P
#   ov_ns SHORT                creates netns "$OV_P-SHORT" (lo up, IPv6 off), for cleanup
#   ov_veth NS1 IF1 NS2 IF2    a veth pair between two of our namespaces, both ends up
#   ov_dp NS RUNDIR LOG        weft-dataplane inside netns NS, waits until ready; PID in $WT_PID
#   ovctl RUNDIR ARGS...       weftctl --direct --rundir RUNDIR ARGS (no database)
#   ov_stack NS RUNDIR LOG     the full stack of one host: ovsdb-lite (RUNDIR/db.sock, database
#                              RUNDIR/conf.db), weft-dataplane inside netns NS (as ov_dp) and
#                              weft-controld; logs LOG-db, LOG, LOG-controld
#   ovvs RUNDIR ARGS...        the real ovs-vsctl on that host's database, without --no-wait
#                              (returns once weft-controld has the change live in the dataplane)
#   ovwc RUNDIR ARGS...        weftctl on that host's database (its default mode), waiting for
#                              the change to be live like ovvs
#   OV_CFG                     the command ov_afpacket_port configures with (ovctl, ovvs, ovwc)
#   ov_stat RUNDIR PORT CTR    one counter of a port or bridge (0 when absent)
#   ov_nsvm HNS HIF VMNS IP [offload]   a namespace "VM": veth HIF (in HNS, for an af_packet
#                              port) <-> eth0 in VMNS with address IP (A.B.C.D/N); checksum
#                              offload (hence TSO/GSO) off, unless "offload": then eth0 keeps
#                              the veth defaults (partial checksums, GSO; see vx-kernel.sh)
#   ov_afpacket_port RUNDIR BR PORT IF N   adds an af_packet port (vdev net_af_packetN) on IF
#   ov_afxdp_port RUNDIR BR PORT IF N      adds an AF_XDP port (vdev net_af_xdpN, the PMD's own
#                              XDP program: every frame of IF to weft) on IF; a veth peer then
#                              segments its GSO frames (an "offload" ov_nsvm VM can do TCP)
#   ov_ping NS DST [COUNT]     ping -c COUNT (3) -W 1 -i 0.2 from netns NS; 0 when all answered
#   ov_veth_pkts NS IF         rx+tx packets of IF in netns NS (from /sys)
#
# Cleanup (EXIT trap, also on failure): stops our processes (PIDs), deletes our namespaces (so
# their veths), then runs wt_cleanup (logs, $T, DPDK dirs). Nothing is mounted: net_af_xdp
# loads xdp_prog= without bpffs (libxdp's warning about it is harmless).
# Every namespace, interface and address lives inside namespaces the test created.

OV_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$OV_TOP/tests/tools/weft-test-lib.sh"
OV_XDP_OBJ=$WEFT_BUILD/vxlan/xdp/weft_xdp.o
OV_XDP_CFG=$WEFT_BUILD/vxlan/xdp/weft-xdp-cfg
OV_NS=()
OV_P=

ov_cleanup() {
	local rc=$? n
	trap - EXIT INT TERM
	wt_kill_all # before the namespaces their interfaces live in go
	for n in "${OV_NS[@]}"; do
		ip netns del "$n" 2>/dev/null
	done
	(exit "$rc")
	wt_cleanup
}

ov_setup() {
	wt_setup "$1"
	OV_P=ow$$
	trap ov_cleanup EXIT
	command -v ip >/dev/null || wt_fail "iproute2 missing (scripts/deps.sh)"
}

ov_ns() {
	local n=$OV_P-$1
	ip netns add "$n" || wt_fail "ip netns add $n"
	OV_NS+=("$n")
	ip -n "$n" link set lo up
	# No IPv6: its router solicitations and MLD reports would be flooded across the overlay
	# and make "no frame on the underlay" checks flaky. Interfaces created later inherit it.
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

ov_veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" ||
		wt_fail "veth $1/$2 <-> $3/$4"
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up || wt_fail "veth up"
}

ov_dp() {
	local ns=$1 rd=$2 log=$3
	WT_N_DPDK=$((WT_N_DPDK + 1))
	mkdir -p "$rd"
	wt_spawn "$log" ip netns exec "$ns" "$WT_DP" -l 0-1 --no-huge -m 1024 --no-pci \
		--file-prefix="$WT_TAG-dp$WT_N_DPDK" -- --rundir "$rd" --pmd-sleep-max 1000
	wt_wait "weft-dataplane ready ($rd/dataplane.sock)" 30 "$WT_CTL" --rundir "$rd" dp/show
}

ov_stack() {
	local ns=$1 rd=$2 log=$3 lite=$WEFT_BUILD/ovsdb-lite/ovsdb-lite
	local ctd=$WEFT_BUILD/control/weft-controld
	mkdir -p "$rd"
	"$lite" create "$rd/conf.db" "$WT_TOP/ovsdb-lite/vswitch.ovsschema" ||
		wt_fail "ovsdb-lite create ($rd)"
	wt_spawn "$log-db" "$lite" --remote="punix:$rd/db.sock" "$rd/conf.db"
	wt_wait "ovsdb-lite on $rd/db.sock" 10 test -S "$rd/db.sock"
	ovs-vsctl --db="unix:$rd/db.sock" --no-wait init || wt_fail "ovs-vsctl init ($rd)"
	ov_dp "$ns" "$rd" "$log"
	wt_spawn "$log-controld" "$ctd" --db="unix:$rd/db.sock" --dataplane="$rd"
}

ovvs() {
	local rd=$1
	shift
	ovs-vsctl --db="unix:$rd/db.sock" --timeout=30 "$@"
}

ovwc() {
	local rd=$1
	shift
	"$WT_CTL" --rundir "$rd" --timeout=30 "$@"
}

ovctl() {
	local rd=$1
	shift
	"$WT_CTL" --direct --rundir "$rd" "$@"
}

ov_stat() {
	"$WT_CTL" --rundir "$1" --format=json stats "$2" | "$WT_PY" -c "
import json, sys
r = json.load(sys.stdin)
print({**r.get('ports', {}), **r.get('bridges', {})}.get('$2', {}).get('$3', 0))"
}

ov_nsvm() {
	local hns=$1 hif=$2 vns=$3 ip=$4
	ov_veth "$hns" "$hif" "$vns" eth0
	ip -n "$vns" addr add "$ip" dev eth0 || wt_fail "address $ip in $vns"
	[ "${5:-}" = offload ] && return 0
	# With offloads, veth hands af_packet GSO super-frames (up to 64 KiB) that DPDK's
	# net_af_packet cuts to its 2 KiB ring frames (drop_rx_truncated; weft's type=system ports
	# take them: vx-kernel.sh phase 3); partial checksums alone weft completes. So this VM
	# computes and segments itself, as a VM on a virtio NIC without offload would.
	ip netns exec "$vns" ethtool -K eth0 tx off >/dev/null 2>&1 ||
		wt_fail "ethtool -K eth0 tx off in $vns (ethtool missing? scripts/deps.sh)"
}

ov_afpacket_port() {
	local rd=$1 br=$2 port=$3 ifn=$4 n=$5
	"${OV_CFG:-ovctl}" "$rd" add-port "$br" "$port" -- set Interface "$port" type=dpdk \
		options:dpdk-devargs="net_af_packet$n,iface=$ifn,framecnt=4096,blocksz=4096,framesz=2048" ||
		wt_fail "add-port $port (af_packet on $ifn)"
}

ov_afxdp_port() {
	local rd=$1 br=$2 port=$3 ifn=$4 n=$5
	"${OV_CFG:-ovctl}" "$rd" add-port "$br" "$port" -- set Interface "$port" type=dpdk \
		options:dpdk-devargs="net_af_xdp$n,iface=$ifn" ||
		wt_fail "add-port $port (af_xdp on $ifn)"
}

ov_ping() {
	ip netns exec "$1" ping -c "${3:-3}" -W 1 -i 0.2 "$2" >/dev/null 2>&1
}

ov_veth_pkts() {
	ip netns exec "$1" sh -c "echo \$((\$(cat /sys/class/net/$2/statistics/rx_packets) + \$(cat /sys/class/net/$2/statistics/tx_packets)))"
}
