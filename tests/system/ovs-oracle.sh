#!/bin/bash
# System test: the pcap cases' expectations (written by hand through tests/pcap's reference
# model) agree with the real Open vSwitch 3.1: tests/pcap/ovs-oracle runs every case it can
# express (flows, NORMAL learning, VLANs, static fdb, table size) in `ovs-vswitchd
# --enable-dummy` and compares what each port sends, frame by frame. Cases with a deliberate,
# documented difference carry pcaps/<case>/ovs-differs. Fails on any other difference, if a
# flow case could not be run in OVS, or if fewer than 20 cases agree.
# Takes ~10 s. Run as root.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
out=$("$TOP/tests/pcap/ovs-oracle") || { echo "$out"; echo "FAIL: OVS disagrees with a case"; exit 1; }
echo "$out" | grep -v '^SKIP vx-'
n=$(echo "$out" | grep -c '^PASS') || true
flows=$(echo "$out" | grep -cE '^(PASS|KNOWN) flow-') || true
nflow=$(ls -d "$TOP"/pcaps/flow-* | wc -l)
[ "$flows" = "$nflow" ] || { echo "FAIL: only $flows of $nflow flow cases compared with OVS"; exit 1; }
[ "$n" -ge 20 ] || { echo "FAIL: only $n cases compared with OVS"; exit 1; }
echo "PASS: $n cases agree with OVS 3.1; $flows flow cases compared (KNOWN: see their ovs-differs)"
