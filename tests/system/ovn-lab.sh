#!/bin/bash
# The OVN lab (scripts/lab.sh ovn-check, scripts/ovn-lab.sh) as a system test: weft as an OVN VTEP
# gateway next to two Open vSwitch userspace chassis, OVN central as 3-member Raft clusters.
# Fails on any FAIL line of its results table (the script exits 1 then). 25-40 s.
# Runs scripts/ovn-lab.sh directly (scripts/test.sh has installed the packages and built);
# uses $WEFT_BUILD when given.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp /tmp/weft-ovn-lab-check.XXXXXX)
timeout -k 10 150 "$TOP/scripts/ovn-lab.sh" check 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
if [ "$rc" = 0 ] && grep -qE '^FAIL ' "$out"; then
	echo "FAIL: a FAIL line in the results table" >&2
	rc=1
fi
grep -q '^ovn lab check: every check passed' "$out" || rc=${rc/#0/1}
rm -f "$out"
exit "$rc"
