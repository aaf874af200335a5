#!/bin/bash
# demo-flows.sh: a two-VM switch with OpenFlow flows on the whole stack, as a transcript.
#
#   sudo scripts/demo-flows.sh          (after ./scripts/test.sh or ninja -C build)
#
# Starts ovsdb-lite + weft-controld + weft-dataplane (scripts/weft.sh, private run dir and
# database under /tmp), two "VMs" (weft-vmpeer on dpdkvhostuser ports vhu0 and vhu1), then
# prints each command and its output: add-flow, traffic, dump-flows with counters, trace,
# del-flows, replace-flows, a capture read by tshark. Stops everything it started (by PID)
# at exit. Binaries from $WEFT_BUILD (default <repo>/build).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
export WEFT_BUILD=${WEFT_BUILD:-$TOP/build}
D=$(mktemp -d /tmp/weft-demo.XXXXXX)
export WEFT_RUNDIR=$D/run WEFT_DB=$D/conf.db
VMPEER=$WEFT_BUILD/tests/tools/weft-vmpeer
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	"$TOP/scripts/weft.sh" stop >/dev/null 2>&1 || true
	rm -rf "$D"
}
trap cleanup EXIT
A=02:00:00:00:0a:01
B=02:00:00:00:0b:01

run() { # prints "$ weftctl ARGS" and the output
	echo "\$ weftctl $*"
	"$WEFT_BUILD/cli/weftctl" --rundir "$WEFT_RUNDIR" "$@" 2>&1 | sed 's/^/  /'
}
vm() { # vm NAME SOCK ARGS...: a weft-vmpeer "VM" in the background
	local name=$1 sock=$2
	shift 2
	"$VMPEER" --no-huge -m 512 --no-pci -l 1 --log-level='*:notice' \
		--file-prefix="demo-$$-$name" --vdev "net_virtio_user0,path=$sock,queues=1" \
		-- "$@" >"$D/$name.log" 2>&1 &
	PIDS+=($!)
}
send() { # send N: vmA sends N frames to vmB's MAC, waits until done
	vm "send$1$RANDOM" "$WEFT_RUNDIR/vhu0.sock" --send "$1" --src $A --dst $B --rate 20000
	wait "${PIDS[-1]}" || true
	echo "  (vmA sent $1 frames A -> B)"
}

"$TOP/scripts/weft.sh" start -- -l 0-1 --no-huge -m 1024 --no-pci --file-prefix="demo-$$" \
	-- --pmd-sleep-max 1000 >/dev/null
run add-br br0
run add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuser
run add-port br0 vhu1 -- set Interface vhu1 type=dpdkvhostuser
vm vmB "$WEFT_RUNDIR/vhu1.sock" --recv 1000000 --src $B --announce --timeout 3600
sleep 3
run dump-flows br0
send 1000
run dump-flows br0
run add-flow br0 "priority=100,in_port=vhu0,dl_dst=$B,actions=drop"
send 500
run dump-flows br0
run trace br0 "in_port=vhu0,dl_src=$A,dl_dst=$B,udp,nw_dst=10.0.0.2,tp_dst=53"
run del-flows br0 "dl_dst=$B"
cat >"$D/flows.txt" <<EOF
priority=0 actions=NORMAL
priority=50,dl_src=$A actions=mod_vlan_vid:10,output:vhu1
EOF
echo "\$ cat flows.txt"
sed 's/^/  /' "$D/flows.txt"
run replace-flows br0 "$D/flows.txt"
send 300
run dump-flows br0
run stats --format=json | grep -E '"(flow_lookups|flow_cache_hits|flow_masks)"' | head -3
echo "\$ weftctl capture vhu1 -c 3 -w - | tshark -r - -T fields -e eth.src -e eth.dst -e vlan.id -e frame.len"
"$WEFT_BUILD/cli/weftctl" --rundir "$WEFT_RUNDIR" capture vhu1 -c 3 -w - 2>/dev/null |
	tshark -r - -T fields -e eth.src -e eth.dst -e vlan.id -e frame.len 2>/dev/null |
	sed 's/^/  /' &
cap=$!
sleep 1
send 3
wait "$cap" || true
