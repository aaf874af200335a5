# bench/lib/bench.sh: helpers shared by bench/run and the workload files (sourced, bash).
#
# Every process started here is recorded by PID (bench_track) and killed by bench_cleanup (the
# EXIT trap of bench/run), children of a run are stopped by the per-system stop functions.
# Nothing touches a system Open vSwitch: OVS runs from private dirs inside a private network
# namespace (its netdev datapath creates tap devices; they vanish with the namespace).
#
# Globals set by bench/run before sourcing: BENCH_DIR (repo/bench), BUILD (release build dir),
# W (scratch dir for this run), PY (/usr/bin/python3), QUICK (0/1).
# Core pinning (2-core machine): the switch's PMD on core 1; the generator, the switch's main
# thread and control plane on core 0. Same for weft, OVS and testpmd.

PMD_CORE=${PMD_CORE:-1}
GEN_CORE=${GEN_CORE:-0}
BENCH_PIDS=""
BENCH_NETNS=""
WEFT_BIN=${WEFT_BIN:-$BUILD/dataplane/weft-dataplane}
MACGEN=${MACGEN:-$BUILD/bench/macgen}
OVS_VSWITCHD=/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk
SWITCH_PID="" # PID whose VmHWM is reported (set by each system's start function)

# log MSG: to stderr and, when bench/run opened it, to fd 9 (its terminal) as well.
log() {
	local m
	m="[$(date -u +%T)] $*"
	echo "$m" >&2
	[ "${BENCH_SUBSHELL:-0}" = 1 ] && { echo "$m" >&9; } 2>/dev/null || true
}
die() { log "ERROR: $*"; exit 1; }

# bench_track PID: stop PID at clean-up (also listed in $W/pids for bench/run's signal path).
bench_track() {
	BENCH_PIDS="$BENCH_PIDS $1"
	echo "$1" >>"$W/pids"
}
bench_untrack() {
	BENCH_PIDS=$(echo " $BENCH_PIDS " | sed "s/ $1 / /g")
	sed -i "/^$1\$/d" "$W/pids" 2>/dev/null || true
}

# Stops PID (SIGTERM, then SIGKILL after ~5 s) and waits for it to be gone.
bench_kill() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null || { bench_untrack "$pid"; return 0; }
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	# (not "kill -0 && kill -9": under errexit a process gone in between would end the caller)
	if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
	wait "$pid" 2>/dev/null || true
	bench_untrack "$pid"
}

bench_cleanup() {
	local p
	for p in $BENCH_PIDS; do bench_kill "$p"; done
	[ -n "$BENCH_NETNS" ] && ip netns del "$BENCH_NETNS" 2>/dev/null
	rm -rf /var/run/dpdk/wb-*-$$ 2>/dev/null
	BENCH_NETNS=""
	return 0
}

now() { date +%s.%N; }
# Waits up to $2 seconds (default 20) for the command in $1 to succeed.
wait_for() {
	local cmd=$1 t=${2:-20} i
	for i in $(seq 1 $((t * 10))); do
		eval "$cmd" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
# Peak resident set (VmHWM, kB) of a PID, or empty.
peak_rss() { awk '/^VmHWM:/{print $2}' "/proc/$1/status" 2>/dev/null; }

# weft_rev: the weft revision under test: that of the source tree $BUILD was configured from
# (BUILD=... runs another worktree's build), "+dirty" when its tracked files have changes.
weft_rev() {
	local src
	src=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["directories"]["source"])' \
		"$BUILD/meson-info/meson-info.json" 2>/dev/null) || src=$TOP
	echo "$(git -C "$src" rev-parse --short HEAD 2>/dev/null)$(git -C "$src" diff --quiet HEAD 2>/dev/null || echo +dirty)"
}

# ------------------------------------------------------------------------------ generator
# gen_start [macgen args...]: macgen on GEN_CORE with two virtio_user ports in server mode:
# $W/vm0.sock (port 0: transmits) and $W/vm1.sock (port 1: drained, counted). Counters in
# $W/gen.stats (see bench/tools/macgen.c).
GEN_PID=""
gen_start() {
	rm -f "$W/vm0.sock" "$W/vm1.sock" "$W/gen.stats"
	"$MACGEN" -l "$GEN_CORE" --no-huge -m 512 --no-pci --file-prefix="wb-gen-$$" \
		--log-level='*:error' \
		--vdev "net_virtio_user0,path=$W/vm0.sock,server=1,queues=1,queue_size=1024" \
		--vdev "net_virtio_user1,path=$W/vm1.sock,server=1,queues=1,queue_size=1024" \
		-- --rx-port 1 --stats "$W/gen.stats" "$@" </dev/null >"$W/gen.log" 2>&1 &
	GEN_PID=$!
	bench_track "$GEN_PID"
	# virtio_user in server mode waits in its probe for the switch to connect: vm1.sock and
	# the counters appear once the switch has connected to vm0.sock (gen_wait_rx waits).
	wait_for "[ -S '$W/vm0.sock' ]" 20 ||
		{ cat "$W/gen.log" >&2; die "generator did not start"; }
}
# gen_start_tx_only [macgen args]: one virtio_user port (vm0.sock), no sink.
gen_start_tx_only() {
	rm -f "$W/vm0.sock" "$W/gen.stats"
	"$MACGEN" -l "$GEN_CORE" --no-huge -m 512 --no-pci --file-prefix="wb-gen-$$" \
		--log-level='*:error' \
		--vdev "net_virtio_user0,path=$W/vm0.sock,server=1,queues=1,queue_size=1024" \
		-- --stats "$W/gen.stats" "$@" </dev/null >"$W/gen.log" 2>&1 &
	GEN_PID=$!
	bench_track "$GEN_PID"
	wait_for "[ -S '$W/vm0.sock' ]" 20 ||
		{ cat "$W/gen.log" >&2; die "generator did not start"; }
}
gen_stop() { bench_kill "$GEN_PID"; GEN_PID=""; }
# Counters of the generator: "tx retries rx rx_bytes" (fails until the generator is running).
gen_counters() {
	[ -s "$W/gen.stats" ] || return 1
	od -An -t u8 -w32 "$W/gen.stats" | awk '{print $1, $2, $3, $4}'
}
gen_rx() { gen_counters | awk '{print $3}'; }
gen_tx() { gen_counters | awk '{print $1}'; }
# Waits until the sink received more than $1 frames (default 10000).
gen_wait_rx() {
	wait_for "[ \$(gen_rx) -gt ${1:-10000} ]" "${2:-30}"
}

# ------------------------------------------------------------------------------ weft
# weft_start [extra dataplane args]: weft-dataplane, main lcore GEN_CORE, one PMD on PMD_CORE,
# busy polling, run dir $W/weft.
WEFT_PID=""
WEFT_SOCK=""
weft_start() {
	local rd=$W/weft
	rm -rf "$rd"
	mkdir -p "$rd"
	"$WEFT_BIN" -l "$GEN_CORE,$PMD_CORE" --main-lcore "$GEN_CORE" --no-huge -m 1024 --no-pci \
		--file-prefix="wb-weft-$$" -- --rundir "$rd" --pmds 1 "$@" \
		</dev/null >"$W/weft.log" 2>&1 &
	WEFT_PID=$!
	bench_track "$WEFT_PID"
	WEFT_SOCK=$rd/dataplane.sock
	wait_for "weft_rpc dp-show" 30 || { tail -20 "$W/weft.log" >&2; die "weft-dataplane did not start"; }
	SWITCH_PID=$WEFT_PID
}
weft_stop() { bench_kill "$WEFT_PID"; WEFT_PID=""; }
# weft_rpc METHOD [JSON params]: one request; prints the result JSON, fails on error.
weft_rpc() { "$PY" "$BENCH_DIR/lib/wfrpc.py" "$WEFT_SOCK" "$@"; }
# weft_rpc_batch < file-of-"method json"-lines: pipelined requests, fails on the first error.
weft_rpc_batch() { "$PY" "$BENCH_DIR/lib/wfrpc.py" "$WEFT_SOCK" --batch; }
# Sum of a port counter.
weft_port_ctr() { # port counter
	weft_rpc stats "{\"name\":\"$1\"}" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['ports']['$1']['$2'])"
}
# "busy_cycles packets idle_cycles" of the PMD.
# weft_pmd: the first PMD's busy cycles, packets, idle cycles and bursts (dp-show), one line.
weft_pmd() {
	weft_rpc dp-show | "$PY" -c "
import json,sys; d=json.load(sys.stdin); p=d['pmds'][0]
print(p['busy_cycles'], p['packets'], p['idle_cycles'], p['bursts'])"
}
weft_vm2vm() { # [bridge other_config json]: br0 with vhu0 (from vm0.sock) and vhu1 (to vm1.sock)
	weft_rpc bridge-add "{\"name\":\"br0\",\"other_config\":${1:-{\}}}" >/dev/null
	weft_rpc port-add "{\"bridge\":\"br0\",\"name\":\"vhu0\",\"type\":\"dpdkvhostuserclient\",\"options\":{\"vhost-server-path\":\"$W/vm0.sock\"}}" >/dev/null
	weft_rpc port-add "{\"bridge\":\"br0\",\"name\":\"vhu1\",\"type\":\"dpdkvhostuserclient\",\"options\":{\"vhost-server-path\":\"$W/vm1.sock\"}}" >/dev/null
}
# weft_fdb_prelearn BRIDGE PORT N: static entries 02:01:xx:xx:xx:xx for k = 0..N-1.
weft_fdb_prelearn() {
	"$PY" "$BENCH_DIR/lib/wfrpc.py" "$WEFT_SOCK" --fdb-add "$1" "$2" "$3"
}

# ------------------------------------------------------------------------------ OVS (private)
# ovs_start: ovsdb-server + ovs-vswitchd (DPDK) in $W/ovs and a private netns; PMD on PMD_CORE,
# other lcores on GEN_CORE; no hugepages (--legacy-mem). Exports OVS_RUNDIR/OVS_DBDIR/OVS_LOGDIR
# so ovs-vsctl/ovs-appctl/ovs-ofctl talk to this instance only.
OVS_PIDS=""
ovs_start() {
	local o=$W/ovs
	rm -rf "$o"
	mkdir -p "$o/run" "$o/db" "$o/log" "$o/bin"
	export OVS_RUNDIR=$o/run OVS_DBDIR=$o/db OVS_LOGDIR=$o/log
	# ovs-appctl finds the daemon by program name: run the DPDK build under the plain name.
	ln -sf "$OVS_VSWITCHD" "$o/bin/ovs-vswitchd"
	if [ -z "$BENCH_NETNS" ]; then
		BENCH_NETNS=wb-ovs-$$
		ip netns add "$BENCH_NETNS" || die "cannot create netns $BENCH_NETNS"
	fi
	ovsdb-tool create "$o/db/conf.db" /usr/share/openvswitch/vswitch.ovsschema
	ip netns exec "$BENCH_NETNS" ovsdb-server --remote="punix:$o/run/db.sock" \
		--pidfile="$o/run/ovsdb-server.pid" --detach --log-file="$o/log/ovsdb-server.log" \
		"$o/db/conf.db" 2>/dev/null || die "ovsdb-server did not start"
	OVS_PIDS=$(cat "$o/run/ovsdb-server.pid")
	bench_track "$OVS_PIDS"
	ovs-vsctl --no-wait init
	ovs-vsctl --no-wait set Open_vSwitch . other_config:dpdk-init=true \
		other_config:dpdk-extra="--no-huge -m ${OVS_MEM_MB:-2048} --legacy-mem --no-pci --file-prefix=wb-ovs-$$" \
		other_config:pmd-cpu-mask=$(printf 0x%x $((1 << PMD_CORE))) \
		other_config:dpdk-lcore-mask=$(printf 0x%x $((1 << GEN_CORE))) "$@"
	ip netns exec "$BENCH_NETNS" taskset -c "$GEN_CORE" "$o/bin/ovs-vswitchd" \
		--pidfile="$o/run/ovs-vswitchd.pid" --detach --log-file="$o/log/ovs-vswitchd.log" \
		"unix:$o/run/db.sock" 2>/dev/null || die "ovs-vswitchd did not start"
	SWITCH_PID=$(cat "$o/run/ovs-vswitchd.pid")
	OVS_PIDS="$SWITCH_PID $OVS_PIDS"
	bench_track "$SWITCH_PID"
	[ "$(ovs-vsctl get Open_vSwitch . dpdk_initialized)" = true ] ||
		{ tail -20 "$o/log/ovs-vswitchd.log" >&2; die "OVS DPDK init failed"; }
}
ovs_stop() {
	local p
	for p in $OVS_PIDS; do bench_kill "$p"; done
	OVS_PIDS=""
}
ovs_add_br() { # name [other_config k=v...]
	local b=$1 kv
	shift
	ovs-vsctl add-br "$b" -- set bridge "$b" datapath_type=netdev
	for kv in "$@"; do ovs-vsctl set bridge "$b" "other_config:$kv"; done
}
ovs_vm2vm() { # [bridge other_config k=v...]
	ovs_add_br br0 "$@"
	ovs-vsctl add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuserclient \
		options:vhost-server-path="$W/vm0.sock"
	ovs-vsctl add-port br0 vhu1 -- set Interface vhu1 type=dpdkvhostuserclient \
		options:vhost-server-path="$W/vm1.sock"
}
ovs_fdb_prelearn() { # bridge port n
	"$PY" "$BENCH_DIR/lib/ovsfdb.py" "$OVS_RUNDIR" "$1" "$2" "$3"
}
ovs_port_ctr() { # bridge port rx|tx
	ovs-ofctl dump-ports "$1" "$2" | sed -n "s/.*$3 pkts=\([0-9]*\).*/\1/p" | head -1
}
# "cycles/packet" of the PMD since the last ovs_pmd_clear (processing cycles / packets).
ovs_pmd_clear() { ovs-appctl dpif-netdev/pmd-stats-clear >/dev/null; }
ovs_pmd_cpp() {
	ovs-appctl dpif-netdev/pmd-stats-show | awk '/avg processing cycles per packet/{print $6; exit}'
}

# ------------------------------------------------------------------------------ testpmd
# tp_start VDEV... -- TESTPMD-ARGS: dpdk-testpmd as the switch (forwarding lcore PMD_CORE, main
# GEN_CORE), interactive on a fifo so counters can be read on demand (tp_cmd); with
# --record-core-cycles, so that it counts the cycles of its forwarding calls (tp_cpp).
TP_PID=""
tp_start() {
	local eal=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do eal+=(--vdev "$1"); shift; done
	[ "${1:-}" = -- ] && shift
	rm -f "$W/tp.fifo"
	mkfifo "$W/tp.fifo"
	exec 7<>"$W/tp.fifo"
	stdbuf -o0 dpdk-testpmd -l "$GEN_CORE,$PMD_CORE" --main-lcore "$GEN_CORE" --no-huge -m 1024 --no-pci \
		--file-prefix="wb-tp-$$" --log-level='*:error' "${eal[@]}" -- -i --nb-cores=1 \
		--total-num-mbufs=32768 --rxd=1024 --txd=1024 --record-core-cycles "$@" <&7 >"$W/tp.log" 2>&1 &
	TP_PID=$!
	bench_track "$TP_PID"
	SWITCH_PID=$TP_PID
	wait_for "grep -q 'testpmd>' '$W/tp.log'" 30 || { tail -20 "$W/tp.log" >&2; die "testpmd did not start"; }
}
tp_cmd() { echo "$*" >&7; }
tp_stop() {
	[ -n "$TP_PID" ] || return 0
	tp_cmd quit
	wait_for "! kill -0 $TP_PID" 5 || true
	bench_kill "$TP_PID"
	exec 7>&-
	TP_PID=""
}
# testpmd's forwarding statistics restart from zero (its cycle count too).
tp_fwd_clear() { tp_cmd "clear fwd stats all"; }
# "CPP BUSY_CYCLES MHZ" since tp_fwd_clear, from "show fwd stats all": with --record-core-cycles
# testpmd (22.11, io mode) adds the TSC cycles of each forwarding call that received frames
# (a call that receives none returns before the count) and prints cycles/packet = those cycles
# / received packets: the busy cycles per packet weft's dp-show gives (busy/packets).
tp_cpp() {
	local n
	n=$(grep -c 'CPU cycles/packet=.*MHz Clock' "$W/tp.log" || true)
	tp_cmd "show fwd stats all"
	# The line's end, not its start: testpmd writes it unbuffered, in pieces.
	wait_for "[ \$(grep -c 'CPU cycles/packet=.*MHz Clock' '$W/tp.log') -gt $n ]" 5 ||
		{ echo "testpmd printed no 'CPU cycles/packet' (no frames?)" >&2; return 1; }
	grep 'CPU cycles/packet=.*MHz Clock' "$W/tp.log" | tail -1 |
		sed -n 's/.*cycles\/packet=\([0-9.]*\) (total cycles=\([0-9]*\) .* at \([0-9]*\) MHz.*/\1 \2 \3/p'
}
# TX packets of testpmd port $1, read with "show port stats".
tp_port_tx() {
	local n
	n=$(grep -c 'NIC statistics for port' "$W/tp.log")
	tp_cmd "show port stats $1"
	wait_for "[ \$(grep -c 'NIC statistics for port' '$W/tp.log') -gt $n ] && grep -q 'Tx-bps' <(tail -3 '$W/tp.log')" 5 ||
		{ echo "testpmd did not answer 'show port stats'" >&2; return 1; }
	tac "$W/tp.log" | grep -m1 'TX-packets:' | awk '{print $2}'
}

# ------------------------------------------------------------------------------ CPU share
# thread_ticks PID: "tid utime+stime" for each thread of PID (clock ticks).
thread_ticks() {
	local f
	for f in /proc/"$1"/task/*/stat; do
		# fields after the ")" of comm: state is 3rd overall; utime/stime are 14th/15th.
		sed 's/^.*) //' "$f" 2>/dev/null | awk -v t="${f%/stat}" '{sub(/.*\//, "", t); print t, $12 + $13}'
	done
}
# busiest_share BEFORE AFTER SECS: CPU share (%) of the thread that ran most between two
# thread_ticks snapshots: ~100 when the PMD had its core to itself, less when the machine's
# other tenants took it.
busiest_share() {
	awk -v secs="$3" -v hz="$(getconf CLK_TCK)" 'NR == FNR { a[$1] = $2; next }
		($1 in a) { d = $2 - a[$1]; if (d > m) m = d }
		END { printf "%.0f\n", 100 * m / hz / secs }' "$1" "$2"
}
