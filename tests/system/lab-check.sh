#!/bin/bash
# The lab (scripts/lab.sh) as a system test: two weft hosts with a VXLAN overlay, two QEMU guests
# and two namespace VMs; every VM pair pings, on-host pairs put no frame on the underlay,
# iperf3 runs across the overlay. `lab.sh check` tears everything down and exits 0 only if
# every check passed. Uses $WEFT_BUILD (set by scripts/test.sh) when given.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
exec timeout -k 10 180 "$TOP/scripts/lab.sh" check
