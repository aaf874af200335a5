#!/bin/bash
# Quick L2 figure: Mpps through one weft PMD core, vhost-user port to vhost-user port.
#   weft:  weft-dataplane, main lcore 0, one busy-polling PMD on lcore 1; bridge br0 with
#          dpdkvhostuser ports vhu0 and vhu1; the destination MAC is pre-learned on vhu1 (fdb/add)
#   GEN=vmpeer (default): one weft-vmpeer thread on lcore 0 sends 64-byte frames into vhu0 and
#          drains vhu1 (its sink port).
#   GEN=testpmd: dpdk-testpmd txonly on a virtio_user port sends 64-byte frames into vhu0; a
#          second dpdk-testpmd, rxonly, drains vhu1. Both forward on lcore 0.
# The figure is weft's own counters over SECS seconds after WARMUP: vhu0 rx_packets/s (frames
# the PMD took in), vhu1 tx_packets/s (switched and delivered) and vhu1 tx_dropped/s.
# On a 2-core machine the generator and the sink share one core: with GEN=testpmd they are
# two processes time-sliced by the kernel, so the sink's 256-descriptor ring overflows while
# the generator runs and most frames are dropped at vhu1 (drop_tx_queue_full): the rx figure
# is then the PMD's ingress rate, not delivery. GEN=vmpeer interleaves send and drain in one
# thread, so nothing starves; its rate is bounded by that one thread: the PMD busy share
# (busy cycles / all cycles of the PMD during the window, from dp/show) says how close the
# PMD itself is to saturation.
# ROUNDS>1 repeats the measurement (fresh generator each round) and prints the median.
#   GEN=vmpeer SECS=10 WARMUP=5 ROUNDS=1 WEFT_BUILD=<repo>/build bench/quick-l2.sh   (root)
set -uo pipefail
source "$(dirname "$0")/../tests/tools/weft-test-lib.sh"
GEN=${GEN:-vmpeer}
SECS=${SECS:-10}
WARMUP=${WARMUP:-5}
ROUNDS=${ROUNDS:-1}
case $GEN in
testpmd) command -v dpdk-testpmd >/dev/null || wt_fail "dpdk-testpmd missing (scripts/deps.sh)" ;;
vmpeer) ;;
*) wt_fail "GEN must be testpmd or vmpeer" ;;
esac
wt_setup quick-l2
RD=$T/run
GEN_MAC=02:00:00:00:00:01
DST_MAC=02:00:00:00:01:01

# Busy-polling PMD (no --pmd-sleep-max): this is a throughput run.
WT_RUNDIR=$RD
mkdir -p "$RD"
wt_spawn dataplane "$WT_DP" -l 0-1 --no-huge -m 1024 --no-pci --file-prefix="$WT_TAG-dp" \
	-- --rundir "$RD"
WT_DP_PID=$WT_PID
wt_wait "weft-dataplane ready" 30 wctl dp/show
wctl add-br br0 || wt_fail "add-br"
for p in vhu0 vhu1; do
	wctl add-port br0 $p -- set Interface $p type=dpdkvhostuser || wt_fail "add-port $p"
done
wctl fdb/add br0 vhu1 0 $DST_MAC || wt_fail "fdb/add"

# testpmd LOG SOCK MAC ARGS...: main lcore 1 (idle in its stats loop), forwarding lcore 0.
testpmd() {
	local log=$1 sock=$2 mac=$3
	shift 3
	WT_N_DPDK=$((WT_N_DPDK + 1))
	wt_spawn "$log" dpdk-testpmd -l 0-1 --main-lcore 1 --no-huge -m 1024 --no-pci \
		--file-prefix="$WT_TAG-tp$WT_N_DPDK" \
		--vdev "net_virtio_user0,path=$sock,queues=1,mac=$mac" \
		-- --total-num-mbufs=32768 --nb-cores=1 --auto-start --disable-link-check \
		--stats-period 3600 "$@"
}

start_traffic() { # sets TRAFFIC_PIDS
	if [ "$GEN" = testpmd ]; then
		testpmd sink "$RD/vhu1.sock" $DST_MAC --forward-mode=rxonly
		TRAFFIC_PIDS=$WT_PID
		wt_wait "vhu1 link up" 20 wt_link_is vhu1 up
		testpmd gen "$RD/vhu0.sock" $GEN_MAC --forward-mode=txonly --eth-peer=0,$DST_MAC
		TRAFFIC_PIDS="$TRAFFIC_PIDS $WT_PID"
	else
		WT_N_DPDK=$((WT_N_DPDK + 1))
		wt_spawn gen "$WT_VMPEER" --no-huge -m 1024 --no-pci -l 0 \
			--file-prefix="$WT_TAG-vm$WT_N_DPDK" \
			--vdev "net_virtio_user0,path=$RD/vhu0.sock,queues=1" \
			--vdev "net_virtio_user1,path=$RD/vhu1.sock,queues=1" \
			-- --send 67108864 --src $GEN_MAC --dst $DST_MAC --timeout 60
		TRAFFIC_PIDS=$WT_PID
	fi
	wt_wait "links up" 20 wt_link_is vhu0 up
}

snap() { # prints: time vhu0.rx_packets vhu1.tx_packets vhu1.tx_dropped pmd.busy pmd.idle
	local st
	st=$(wctl --format=json stats)
	wctl --format=json dp/show | "$WT_PY" -c 'import json, sys, time
p = json.loads(sys.argv[1])["ports"]
pmd = json.load(sys.stdin)["pmds"][0]
print(time.time(), p["vhu0"]["rx_packets"], p["vhu1"]["tx_packets"], p["vhu1"]["tx_dropped"],
      pmd["busy_cycles"], pmd["idle_cycles"])' "$st"
}

results=()
for r in $(seq "$ROUNDS"); do
	start_traffic
	base=$(wt_stat vhu0 rx_packets)
	started() { [ "$(wt_stat vhu0 rx_packets)" -gt "$base" ]; }
	wt_wait "traffic into vhu0" 30 started
	sleep "$WARMUP"
	a=$(snap)
	sleep "$SECS"
	b=$(snap)
	res=$("$WT_PY" -c 'import sys
a = [float(x) for x in sys.argv[1].split()]
b = [float(x) for x in sys.argv[2].split()]
dt = b[0] - a[0]
busy = (b[4] - a[4]) / max(1.0, (b[4] - a[4]) + (b[5] - a[5]))
print(" ".join("%.2f" % ((y - x) / dt / 1e6) for x, y in zip(a[1:4], b[1:4])), "%.0f" % (100 * busy))' \
		"$a" "$b")
	read -r rx tx drop busy <<<"$res"
	echo "round $r: rx $rx Mpps, tx $tx Mpps, tx drops $drop Mpps, PMD busy $busy%"
	results+=("$tx $rx $drop $busy")
	for p in $TRAFFIC_PIDS; do
		wt_stop "$p" TERM
	done
	wt_wait "links down" 20 wt_link_is vhu0 down
done
med=$(printf '%s\n' "${results[@]}" | sort -n | sed -n "$(((ROUNDS + 1) / 2))p")
read -r tx rx drop busy <<<"$med"
echo "weft L2 vhu0 -> vhu1, 64 B, 1 PMD core, GEN=$GEN, median of $ROUNDS x ${SECS}s:" \
	"tx $tx Mpps (rx $rx Mpps, tx drops $drop Mpps, PMD busy $busy%)"
wt_stop "$WT_DP_PID" TERM
