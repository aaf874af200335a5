#!/bin/bash
# Quick L2 figure: Mpps through one weft PMD core, vhost-user to vhost-user.
#   generator: dpdk-testpmd txonly on a virtio_user port into weft's vhu0 (64-byte frames to
#              one destination MAC, pre-learned on vhu1 with fdb/add)
#   weft:      weft-dataplane, main lcore 0, one busy-polling PMD on lcore 1, bridge br0
#   sink:      dpdk-testpmd rxonly on a virtio_user port draining weft's vhu1
# Prints the rates of weft's own counters over SECS seconds: vhu0 rx_packets (frames the PMD
# took in), vhu1 tx_packets (frames switched out) and vhu1 drops. Generator and sink share
# lcore 0, so on a 2-core machine this is a rough figure, not a peak.
#   SECS=10 WARMUP=5 WEFT_BUILD=<repo>/build bench/quick-l2.sh      (root)
set -uo pipefail
source "$(dirname "$0")/../tests/tools/weft-test-lib.sh"
SECS=${SECS:-10}
WARMUP=${WARMUP:-5}
command -v dpdk-testpmd >/dev/null || { echo "dpdk-testpmd missing (scripts/deps.sh)" >&2; exit 1; }
wt_setup quick-l2
RD=$T/run
GEN_MAC=02:00:00:00:00:01
DST_MAC=02:00:00:00:01:01

# Busy-polling PMD (no --pmd-sleep-max): this is a throughput run.
WT_RUNDIR=$RD
mkdir -p "$RD"
wt_spawn dataplane "$WT_DP" -l 0-1 --no-huge -m 1024 --no-pci --file-prefix="$WT_TAG-dp" \
	-- --rundir "$RD"
wt_wait "weft-dataplane ready" 30 wctl dp/show
wctl add-br br0 || wt_fail "add-br"
for p in vhu0 vhu1; do
	wctl add-port br0 $p -- set Interface $p type=dpdkvhostuser || wt_fail "add-port $p"
done
wctl fdb/add br0 vhu1 0 $DST_MAC || wt_fail "fdb/add"

# testpmd: main lcore 1 (idle, stats loop), forwarding lcore 0.
testpmd() { # LOG NAME SOCK MAC ARGS...
	local log=$1 name=$2 sock=$3 mac=$4
	shift 4
	wt_spawn "$log" dpdk-testpmd -l 0-1 --main-lcore 1 --no-huge -m 1024 --no-pci \
		--file-prefix="$WT_TAG-$name" --vdev "net_virtio_user0,path=$sock,queues=1,mac=$mac" \
		-- --total-num-mbufs=32768 --nb-cores=1 --auto-start --disable-link-check \
		--stats-period 3600 "$@"
}
testpmd sink sink "$RD/vhu1.sock" $DST_MAC --forward-mode=rxonly
wt_wait "vhu1 link up" 20 wt_link_is vhu1 up
testpmd gen gen "$RD/vhu0.sock" $GEN_MAC --forward-mode=txonly --eth-peer=0,$DST_MAC
wt_wait "vhu0 link up" 20 wt_link_is vhu0 up
started() { [ "$(wt_stat vhu0 rx_packets)" -gt 0 ]; }
wt_wait "generator traffic" 30 started
sleep "$WARMUP"

snap() { # prints: time rx0 tx1 txdrop1
	wctl --format=json stats | "$WT_PY" -c 'import json,sys,time
r = json.load(sys.stdin)["ports"]
print(time.time(), r["vhu0"]["rx_packets"], r["vhu1"]["tx_packets"], r["vhu1"]["tx_dropped"])'
}
read -r t0 rx0 tx0 dr0 < <(snap)
sleep "$SECS"
read -r t1 rx1 tx1 dr1 < <(snap)
"$WT_PY" - "$t0" "$t1" "$rx0" "$rx1" "$tx0" "$tx1" "$dr0" "$dr1" <<'PY'
import sys
t0, t1, rx0, rx1, tx0, tx1, d0, d1 = map(float, sys.argv[1:])
dt = t1 - t0
print(f"weft L2 vhu0 -> vhu1, 64 B, 1 PMD core, {dt:.1f} s: "
      f"rx {(rx1 - rx0) / dt / 1e6:.2f} Mpps, tx {(tx1 - tx0) / dt / 1e6:.2f} Mpps, "
      f"tx drops {(d1 - d0) / dt / 1e6:.2f} Mpps")
PY
wctl stats
wctl dp/show
