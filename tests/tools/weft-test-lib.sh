# Shared helpers of weft's system tests and quick benchmarks (sourced, not run):
# tests/system/vhost-*.sh, tests/system/overlay-lib.sh, tests/qemu/run-e2e.sh, bench/quick-l2.sh.
#
#   wt_setup NAME            temp dir $T, binaries ($WEFT_BUILD, default <repo>/build), EXIT trap
#   wt_spawn LOG CMD...      runs CMD in the background, output in $T/LOG.log; PID in $WT_PID
#   wt_stop PID [SIG]        signals one of our processes, waits for it (SIGKILL after 10 s)
#   wt_join PID SECS         waits for one of our processes to exit by itself; returns its status
#   wt_dp_start RUNDIR LOG   starts weft-dataplane (2 lcores, --pmd-sleep-max 1000), waits ready
#   wctl ARGS...             weftctl --direct --rundir $WT_RUNDIR ARGS (the dataplane, no DB)
#   wt_stat PORT COUNTER     one port counter from `weftctl --format=json stats`
#   wt_link PORT             "up"/"down" from `weftctl --format=json show`
#   wt_link_is PORT STATE, wt_has_port PORT, wt_fdb_has BR PORT MAC, wt_log_has LOG REGEX [MIN]
#                            predicates for wt_wait and checks
#   wt_json PYEXPR ARGS...   evaluates PYEXPR on `weftctl --format=json ARGS` (as r)
#   wt_wait DESC SECS CMD... polls CMD (every 0.2 s) until it succeeds; fails the test on timeout
#   wt_vmpeer LOG SOCK SERVER APPARGS...  starts weft-vmpeer on vhost-user socket SOCK (SERVER=1:
#                            the peer creates the socket; else waits for it), PID in $WT_PID;
#                            rings of $WT_VMPEER_QSIZE entries (default 1024; give a receiver
#                            more with it and --rx-ring D)
#   wt_fail MSG              prints FAIL MSG and exits 1 (cleanup runs from the trap)
#
# Cleanup (EXIT trap) stops only the processes started through wt_spawn, removes the DPDK
# runtime dirs of the file prefixes this test used (/var/run/dpdk/$WT_TAG-*) and $T; on failure
# it prints the tail of every log first.

WT_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WEFT_BUILD=${WEFT_BUILD:-$WT_TOP/build}
WT_DP=$WEFT_BUILD/dataplane/weft-dataplane
WT_CTL=$WEFT_BUILD/cli/weftctl
WT_VMPEER=$WEFT_BUILD/tests/tools/weft-vmpeer
WT_PY=/usr/bin/python3
WT_PIDS=()
WT_PID=
WT_RUNDIR=
WT_N_DPDK=0
WT_TAG=
T=

wt_log() {
	echo "[$(date +%T)] $*"
}

wt_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Stops every process the test started: SIGTERM, up to 5 s, then SIGKILL.
wt_kill_all() {
	local p
	for p in "${WT_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${WT_PIDS[@]}"; do
		for _ in $(seq 50); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
		{ wait "$p"; } 2>/dev/null
	done
}

wt_cleanup() {
	local rc=$? f
	trap - EXIT INT TERM
	wt_kill_all
	if [ "$rc" != 0 ] && [ -n "$T" ]; then
		for f in "$T"/*.log; do
			[ -f "$f" ] || continue
			echo "---- $(basename "$f") (last 25 lines)"
			tail -n 25 "$f" | tr -d '\r'
		done
	fi
	[ -n "$WT_TAG" ] && rm -rf /var/run/dpdk/"$WT_TAG"-*
	[ -n "$T" ] && rm -rf "$T"
	exit "$rc"
}

wt_setup() {
	local b
	WT_NAME=$1
	WT_TAG=wt$$
	for b in "$WT_DP" "$WT_CTL"; do
		[ -x "$b" ] || wt_fail "missing binary $b (build with ninja -C $WEFT_BUILD)"
	done
	[ "$(id -u)" = 0 ] || wt_fail "must run as root (vhost-user, /var/run/dpdk)"
	T=$(mktemp -d "/tmp/weft-$WT_NAME.XXXXXX")
	trap wt_cleanup EXIT
	trap 'exit 130' INT TERM
}

wt_spawn() {
	local log=$1
	shift
	"$@" </dev/null >>"$T/$log.log" 2>&1 &
	WT_PID=$!
	WT_PIDS+=("$WT_PID")
}

# Stops one process of ours; returns its exit status (128+signal if killed).
wt_stop() {
	local pid=$1 sig=${2:-TERM} rc=0
	{ # 2>/dev/null also hides bash's "Killed" job notice
		kill -"$sig" "$pid"
		for _ in $(seq 100); do
			kill -0 "$pid" || break
			sleep 0.1
		done
		kill -KILL "$pid"
		wait "$pid" || rc=$?
	} 2>/dev/null
	wt_forget "$pid"
	return $rc
}

wt_forget() {
	local keep=() p
	for p in "${WT_PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	WT_PIDS=("${keep[@]}")
}

wt_join() {
	local pid=$1 end=$(($(date +%s) + $2)) rc=0
	while kill -0 "$pid" 2>/dev/null; do
		[ "$(date +%s)" -lt "$end" ] || wt_fail "timeout (${2}s) waiting for pid $pid to exit"
		sleep 0.2
	done
	{ wait "$pid"; } 2>/dev/null || rc=$?
	wt_forget "$pid"
	return $rc
}

wt_wait() {
	local desc=$1 secs=$2 end
	shift 2
	end=$(($(date +%s) + secs))
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$end" ] || wt_fail "timeout (${secs}s) waiting for $desc"
		sleep 0.2
	done
}

wctl() {
	"$WT_CTL" --direct --rundir "$WT_RUNDIR" "$@"
}

wt_dp_start() {
	WT_RUNDIR=$1
	WT_N_DPDK=$((WT_N_DPDK + 1))
	mkdir -p "$WT_RUNDIR"
	wt_spawn "$2" "$WT_DP" -l 0-1 --no-huge -m 1024 --no-pci \
		--file-prefix="$WT_TAG-dp$WT_N_DPDK" -- --rundir "$WT_RUNDIR" --pmd-sleep-max 1000
	WT_DP_PID=$WT_PID
	wt_wait "weft-dataplane ready ($WT_RUNDIR/dataplane.sock)" 30 wctl dp/show
}

# Prints a field of weftctl's JSON output: wt_json PYEXPR ARGS... (PYEXPR sees 'r').
wt_json() {
	local expr=$1
	shift
	wctl --format=json "$@" | "$WT_PY" -c "import json,sys; r=json.load(sys.stdin); print($expr)"
}

wt_stat() {
	wt_json "r['ports']['$1'].get('$2', 0)" stats "$1"
}

wt_link() {
	wt_json "[p['link'] for b in r['bridges'] for p in b['ports'] if p['name']=='$1'][0]" show
}

# True when `weftctl show` lists port $1.
wt_has_port() {
	wt_json "any(p['name']=='$1' for b in r['bridges'] for p in b['ports'])" show | grep -qx True
}

# True when port $1's link is $2.
wt_link_is() {
	[ "$(wt_link "$1")" = "$2" ]
}

# True when the fdb of bridge $1 maps MAC $3 to port $2.
wt_fdb_has() {
	wt_json "any(e['port']=='$2' and e['mac'].lower()=='$3'.lower() for e in r['entries'])" \
		fdb/show "$1" | grep -qx True
}

wt_vmpeer() {
	local log=$1 sock=$2 server=$3 dev
	shift 3
	WT_N_DPDK=$((WT_N_DPDK + 1))
	[ -x "$WT_VMPEER" ] || wt_fail "missing binary $WT_VMPEER (build with ninja -C $WEFT_BUILD)"
	# 1024-entry rings: a receiver descheduled for a while on a busy machine loses nothing.
	dev="net_virtio_user0,path=$sock,queues=1,queue_size=${WT_VMPEER_QSIZE:-1024}"
	# A virtio_user client started before its socket exists fails: wait for the switch's socket.
	if [ "$server" = 1 ]; then
		dev="$dev,server=1"
	else
		wt_wait "vhost-user socket $sock" 30 test -S "$sock"
	fi
	wt_spawn "$log" "$WT_VMPEER" --no-huge -m 512 --no-pci -l 1 --log-level='*:notice' \
		--file-prefix="$WT_TAG-vm$WT_N_DPDK" --vdev "$dev" -- "$@"
}

# wt_bc_guests RD NC TIMEOUT MAC_B MAC_C: the two receiving guests of the MAC-table tests on br0
# (rundir RD): B on vhu1 receives 1 frame, C on vhu2 receives NC with a 4096-entry ring (a
# receiver descheduled on a busy machine loses nothing), both announcing their MAC; returns once
# br0 has learned both. Sets C_PID.
wt_bc_guests() {
	local rd=$1 nc=$2 secs=$3 mac_b=$4 mac_c=$5
	wt_vmpeer vmB "$rd/vhu1.sock" 0 --recv 1 --timeout "$secs" --src "$mac_b" --announce
	WT_VMPEER_QSIZE=4096 wt_vmpeer vmC "$rd/vhu2.sock" 0 --recv "$nc" --timeout "$secs" \
		--src "$mac_c" --announce --rx-ring 4096
	C_PID=$WT_PID
	wt_wait "vmB, vmC ready" 30 eval "wt_log_has vmB '^ready' && wt_log_has vmC '^ready'"
	wt_wait "B and C learned" 10 \
		eval "wt_fdb_has br0 vhu1 $mac_b && wt_fdb_has br0 vhu2 $mac_c"
}

# True when log $1 has a line matching the extended regex $2 ($3 times at least, default 1).
wt_log_has() {
	[ "$(grep -caE "$2" "$T/$1.log" 2>/dev/null)" -ge "${3:-1}" ]
}
