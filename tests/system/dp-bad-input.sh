#!/bin/bash
# System test: hostile control-channel input (tests/dp/bad_input.py) against a live
# weft-dataplane: every bad request gets an error naming the problem, nothing changes, other
# clients keep being served. Exit 0 = pass.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=${WEFT_BUILD:-$TOP/build}
T=$(mktemp -d /tmp/weft-badin.XXXXXX)
DP=
cleanup() {
	[ -n "$DP" ] && kill "$DP" 2>/dev/null && wait "$DP" 2>/dev/null
	rm -rf "$T" "/var/run/dpdk/badin$$"
}
trap cleanup EXIT
"$B/dataplane/weft-dataplane" -l 0 --file-prefix=badin$$ -- --rundir "$T" --pmds 0 >"$T/dp.log" 2>&1 &
DP=$!
for i in $(seq 100); do [ -S "$T/dataplane.sock" ] && break; sleep 0.1; done
[ -S "$T/dataplane.sock" ] || { cat "$T/dp.log"; echo "dataplane did not start"; exit 1; }
/usr/bin/python3 "$TOP/tests/dp/bad_input.py" "$T/dataplane.sock" || { tail -20 "$T/dp.log"; exit 1; }
kill -0 "$DP" || { echo "dataplane died"; exit 1; }
kill "$DP"; wait "$DP"; rc=$?; DP=
[ $rc -eq 0 ] || { echo "dataplane exit status $rc"; tail -20 "$T/dp.log"; exit 1; }
