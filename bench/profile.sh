#!/bin/bash
# bench/profile.sh: where one switch's PMD cycles go, stage by stage (perf samples of the PMD
# thread folded by symbol into stages), on one bench/ workload.
#
#   bench/profile.sh [--secs S] [--warmup S] [--freq HZ] [--out DIR] SYSTEM WORKLOAD[:ARG]
#
#   SYSTEM       weft, ovs or testpmd
#   WORKLOAD     as for bench/run: vm2vm, vm2vm:size=1518, vm2vm:macs=1000, vxlan-encap, ...
#   --secs S     perf sampling window (default 12)
#   --warmup S   traffic discarded before sampling (default 3)
#   --freq HZ    sampling frequency (default 999)
#   --out DIR    where the samples (perf script, gzip), the stage table (stages.md) and its JSON go
#                (default bench/results/profile-<date>-<system>-<workload>)
#
# The system, its generator and frames are bench/run's: the workload file's setup_<sys>, the
# helpers of bench/lib/bench.sh (PMD on core 1, generator and other threads on core 0). The PMD
# thread is found by name (weft, testpmd: DPDK's rte-worker-<PMD_CORE>; OVS: pmd-c*), else as the
# busiest thread. perf runs on core 0: `perf record -e cycles -t TID --call-graph dwarf`, or
# `-e cpu-clock` where the machine has no hardware cycle counter (a VM without a vPMU; the
# table says which). The switch's own counters are read around the same window: weft dp-show
# (busy cycles / packets), OVS pmd-stats-show (processing cycles per packet), testpmd "show fwd
# stats all" (--record-core-cycles: cycles of the forwarding calls that received frames per
# frame; its busy share = those cycles / the window's TSC cycles).
# bench/lib/stages.py folds each sample's call chain into a stage (its table says which symbol
# or library goes where) and prints: stage, % of samples, cycles/packet (share x busy cycles per
# packet). DWARF call chains are needed to tell vhost dequeue from enqueue: Debian's DPDK
# libraries keep only their exported symbols, so a sample inside a static vhost function is
# placed by the exported function above it (rte_vhost_dequeue_burst, rte_vhost_enqueue_burst).
# Debian's ovs-vswitchd-dpdk and dpdk-testpmd are stripped: their own code shows as one stage
# each ("OVS (stripped ...)", "testpmd: io forwarding (stripped binary)"); testpmd's vhost ports
# are the net_vhost ethdev driver over the same vhost library ("testpmd: net_vhost driver").
#
# Env: BUILD (default <repo>/build-release: built like bench/run, --buildtype=release), BUILD_G
# (default $BUILD-g: the same with -Dc_args=-g, for the source lines of wf_l2_input).
# Run as root.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$BENCH_DIR")
PY=/usr/bin/python3
SECS=12
WARMUP=3
FREQ=999
OUT=""
QUICK=0 # read by some workload files (bench/run --quick)
export QUICK
usage() { sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
ARGS=()
while [ $# -gt 0 ]; do
	case $1 in
	--secs) SECS=$2; shift ;;
	--warmup) WARMUP=$2; shift ;;
	--freq) FREQ=$2; shift ;;
	--out) OUT=$2; shift ;;
	-h | --help) usage 0 ;;
	-*) echo "profile.sh: unknown option $1" >&2; usage 2 ;;
	*) ARGS+=("$1") ;;
	esac
	shift
done
[ ${#ARGS[@]} = 2 ] || usage 2
SYS=${ARGS[0]} WL=${ARGS[1]}
case $SYS in weft | ovs | testpmd) ;; *) echo "profile.sh: SYSTEM is weft, ovs or testpmd" >&2; exit 2 ;; esac
[ -f "$BENCH_DIR/workloads/${WL%%:*}.sh" ] || { echo "profile.sh: no bench/workloads/${WL%%:*}.sh" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "profile.sh: run as root" >&2; exit 2; }
command -v perf >/dev/null || { echo "profile.sh: perf is not installed (linux-perf)" >&2; exit 2; }

# Build as bench/run does (release), only what is needed.
BUILD=${BUILD:-$TOP/build-release}
[ -f "$BUILD/build.ninja" ] || meson setup --buildtype=release "$BUILD" "$TOP" >/dev/null
ninja -C "$BUILD" dataplane/weft-dataplane bench/macgen bench/hostprobe >"$BUILD/profile-build.log" 2>&1 ||
	{ tail -30 "$BUILD/profile-build.log"; echo "profile.sh: build failed" >&2; exit 1; }
export MACGEN=$BUILD/bench/macgen
# A twin build with -g (GCC's -g does not change the code): its line table splits the samples of
# wf_l2_input (l2_forward is inlined there) into ingress, learn, lookup and output. Used only
# when its .text is byte for byte the profiled binary's.
BUILD_G=${BUILD_G:-$BUILD-g}
LINES=()
if [ "$SYS" = weft ]; then
	[ -f "$BUILD_G/build.ninja" ] || meson setup --buildtype=release -Dc_args=-g "$BUILD_G" "$TOP" >/dev/null
	# (Whole .text read by a hash, not by `cmp` on two pipes: cmp stops at the first
	# difference, and the objcopy writing into its closed pipe was seen to stay blocked.)
	text() { objcopy -O binary --only-section=.text "$1/dataplane/weft-dataplane" /dev/stdout | sha256sum; }
	if ninja -C "$BUILD_G" dataplane/weft-dataplane >>"$BUILD/profile-build.log" 2>&1 &&
		[ "$(text "$BUILD")" = "$(text "$BUILD_G")" ]; then
		LINES=(--lines "$BUILD_G/dataplane/weft-dataplane")
	else
		echo "profile.sh: $BUILD_G's .text differs from $BUILD's: wf_l2_input is not split" >&2
	fi
fi

OUT=${OUT:-$BENCH_DIR/results/profile-$(date -u +%Y-%m-%dT%H%M%SZ)-$SYS-${WL//[:=]/-}}
mkdir -p "$OUT"
W=$(mktemp -d /tmp/weft-profile.XXXXXX)
# shellcheck source=bench/lib/bench.sh
. "$BENCH_DIR/lib/bench.sh"
trap 'bench_cleanup; rm -rf "$W"' EXIT
trap 'exit 143' TERM INT

# The workload's definitions (what bench/run's load_workload does).
WL_ARG=${WL#*:}
[ "$WL_ARG" = "$WL" ] && WL_ARG=""
WL_DESC="" WL_SYSTEMS="weft ovs testpmd"
# shellcheck disable=SC1090
. "$BENCH_DIR/workloads/${WL%%:*}.sh"
[[ " $WL_SYSTEMS " == *" $SYS "* ]] || die "$WL does not run on $SYS"
if declare -F "avail_$SYS" >/dev/null; then
	why=$("avail_$SYS" 2>&1) || die "$SYS cannot run $WL: $why"
fi

# Hardware cycles if the machine has them, else the kernel's cpu-clock timer.
EVENT=cycles
perf stat -e cycles -x, -- true 2>&1 | grep -q '^[0-9]' || EVENT=cpu-clock

log "profile: $SYS on $WL ($WL_DESC), event $EVENT, ${FREQ} Hz, ${SECS}s after ${WARMUP}s; load $(cut -d' ' -f1-3 /proc/loadavg)"
"setup_$SYS"
sleep "$WARMUP"

# The PMD thread.
TID=""
for task in /proc/"$SWITCH_PID"/task/*; do
	comm=$(cat "$task/comm" 2>/dev/null) || continue
	case $SYS:$comm in
	weft:rte-worker-"$PMD_CORE" | weft:lcore-worker-"$PMD_CORE" | ovs:pmd-c*) TID=${task##*/}; break ;;
	testpmd:rte-worker-"$PMD_CORE" | testpmd:lcore-worker-"$PMD_CORE") TID=${task##*/}; break ;;
	esac
done
if [ -z "$TID" ]; then # the busiest thread over one second
	thread_ticks "$SWITCH_PID" >"$W/t0"; sleep 1; thread_ticks "$SWITCH_PID" >"$W/t1"
	TID=$(awk 'NR == FNR { a[$1] = $2; next } ($1 in a) && $2 - a[$1] > m { m = $2 - a[$1]; t = $1 } END { print t }' "$W/t0" "$W/t1")
fi
[ -n "$TID" ] || die "no PMD thread found in $SWITCH_PID"
log "  PMD thread $TID ($(cat /proc/"$SWITCH_PID"/task/"$TID"/comm))"

case $SYS in
weft) p0=$(weft_pmd) ;;
ovs) ovs_pmd_clear ;;
testpmd) tp_fwd_clear ;;
esac
c0=$("count_$SYS")
t0=$(now)
ticks0=$(awk '{print $14 + $15}' "/proc/$SWITCH_PID/task/$TID/stat")
# The host's state through the window (bench/tools/hostprobe: its vCPUs near or far apart).
"$BUILD/bench/hostprobe" "$GEN_CORE" "$PMD_CORE" "$SECS" >"$W/hostprobe" 2>&1 &
PROBE_PID=$!
bench_track "$PROBE_PID"
taskset -c "$GEN_CORE" perf record -q -e "$EVENT" -F "$FREQ" --call-graph dwarf,16384 \
	-t "$TID" -o "$W/perf.data" -- sleep "$SECS" 2>"$W/perf.err" ||
	{ cat "$W/perf.err" >&2; die "perf record failed"; }
ticks1=$(awk '{print $14 + $15}' "/proc/$SWITCH_PID/task/$TID/stat")
HOST=""
if wait "$PROBE_PID"; then
	HOST=$(sed -n 's/^samples=.* median_ns=\([0-9]*\) far_pct=\([0-9]*\)$/host vCPUs far apart \2% of the window (median \1 ns)/p' "$W/hostprobe")
fi
HOST=${HOST:-host state unknown (hostprobe failed)}
bench_untrack "$PROBE_PID"
c1=$("count_$SYS")
t1=$(now)
case $SYS in
weft)
	p1=$(weft_pmd)
	read -r CPP BUSY < <(echo "$p0 $p1" | awk '{db=$5-$1; dp=$6-$2; di=$7-$3;
		printf "%.1f %.1f\n", dp ? db / dp : 0, 100 * db / (db + di)}')
	;;
ovs)
	ovs-appctl dpif-netdev/pmd-stats-show >"$OUT/pmd-stats.txt"
	CPP=$(awk '/avg processing cycles per packet/{print $6; exit}' "$OUT/pmd-stats.txt")
	BUSY=$(sed -n 's/.*processing cycles: [0-9]* (\([0-9.]*\)%).*/\1/p' "$OUT/pmd-stats.txt" | head -1)
	;;
testpmd)
	read -r CPP BUSY < <(tp_cpp | awk -v s="$t0 $t1" '{split(s, t, " ");
		b = 100 * $2 / ($3 * 1e6 * (t[2] - t[1])); printf "%.1f %.1f\n", $1, (b > 100 ? 100 : b)}') ||
		die "testpmd gave no cycle count ('show fwd stats all')"
	;;
esac
MPPS=$(echo "$c0 $c1 $t0 $t1" | awk '{printf "%.2f", ($2-$1)/($4-$3)/1e6}')
ONCPU=$(echo "$ticks0 $ticks1 $t0 $t1 $(getconf CLK_TCK)" | awk '{printf "%.0f", 100 * ($2-$1) / $5 / ($4-$3)}')
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
"teardown_$SYS"
log "  $MPPS Mpps, $CPP busy cycles/packet, PMD busy $BUSY%, on-CPU $ONCPU%, load $LOAD, $HOST"
NOTE=""
[ "${ONCPU:-0}" -ge 95 ] || NOTE="$NOTE; WARNING: the PMD had only $ONCPU% of its core: cycles/packet (TSC) count descheduled time"
awk -v b="$BUSY" 'BEGIN { exit !(b < 95) }' &&
	NOTE="$NOTE; WARNING: PMD busy $BUSY%: the samples include idle polls, the polling stages' cycles/packet are over-stated (the switch was not the bottleneck)"
[ -z "$NOTE" ] || log "  ${NOTE#; }"

perf script -i "$W/perf.data" -F comm,tid,event,ip,sym,symoff,dso 2>/dev/null | gzip -1 >"$OUT/samples.txt.gz"
zcat "$OUT/samples.txt.gz" | "$PY" "$BENCH_DIR/lib/stages.py" --system "$SYS" \
	--cycles-per-packet "$CPP" --json "$OUT/stages.json" ${LINES[@]+"${LINES[@]}"} \
	--title "$SYS, $WL: $MPPS Mpps, $CPP busy cycles/packet (PMD busy $BUSY%, on-CPU $ONCPU%), event $EVENT, load $LOAD, $HOST, weft $(weft_rev)$NOTE" |
	tee "$OUT/stages.md"
log "profile: $OUT"
