#!/bin/bash
# bench/tools/rss-macs.sh: weft's own peak memory with N MAC table entries (the benchmark issue's
# "peak RSS with 1M MACs counting weft's own memory").
#
#   sudo bench/tools/rss-macs.sh [N]      (N default 1000000)
#
# Starts weft-dataplane as bench/run does (release build, --no-huge -m 1024, one PMD) with
# vm2vm's bridge (br0, vhu0 and vhu1, dpdkvhostuserclient, mac-table-size 2N + 1000 as the
# vm2vm:macs=N workload sets it) but no guest attached, so no guest memory is mapped into it:
# what is counted is weft's own. Adds N static entries 02:01:xx:xx:xx:xx on vhu1 (pipelined
# fdb-add on the control socket, as the workload does) and prints the process's VmHWM (peak
# resident set) before and after, and the table's own count (fdb-stats). DPDK's --no-huge
# memory (-m 1024) is counted only as far as it is touched.
# Env: BUILD (default <repo>/build-release).
set -euo pipefail

N=${1:-1000000}
case $N in '' | *[!0-9]*) echo "usage: $0 [N]" >&2; exit 2 ;; esac
BENCH_DIR=$(cd "$(dirname "$0")/.." && pwd)
TOP=$(dirname "$BENCH_DIR")
BUILD=${BUILD:-$TOP/build-release}
PY=/usr/bin/python3
[ -f "$BUILD/build.ninja" ] || meson setup --buildtype=release "$BUILD" "$TOP" >/dev/null
ninja -C "$BUILD" dataplane/weft-dataplane >/dev/null
W=$(mktemp -d) # scratch: the dataplane's run dir
# shellcheck source=bench/lib/bench.sh
. "$BENCH_DIR/lib/bench.sh"
trap 'bench_cleanup; rm -rf "$W"' EXIT

weft_start
weft_vm2vm "{\"mac-table-size\":\"$((N * 2 + 1000))\"}"
before=$(peak_rss "$WEFT_PID")
weft_fdb_prelearn br0 vhu1 "$N" >&2
after=$(peak_rss "$WEFT_PID")
entries=$(weft_rpc fdb-stats '{"bridge":"br0"}' | "$PY" -c \
	'import json,sys; print(json.load(sys.stdin)["entries"])')
[ "$entries" = "$N" ] || { echo "rss-macs: the table holds $entries entries, not $N" >&2; exit 1; }
echo "weft-dataplane peak RSS (VmHWM): $((before / 1024)) MiB with the bridge and no entries," \
	"$((after / 1024)) MiB with $entries static MAC entries"
