#!/bin/bash
# System test: the flow stage's burst path (table 0 looked up 32 frames at a time: the
# exact-match cache, then fl_cls_lookup_batch for the rest) gives every frame its own flow and
# counts as one frame at a time would.
#
# Two flows on br0 (and no default flow):
#   priority=20,dl_src=$MAC_A,dl_type=0x88b5 actions=output:vhu1
#   priority=10,dl_type=0x88b5 actions=output:vhu2
# phase 1: vmA sends N1 frames from $MAC_A (all one key) -> every one reaches vmB (vhu1);
# phase 2: vmA sends N2 frames with --random-src (N2 distinct keys) -> every one reaches vmC.
# Checked exactly: each receiver's sequence (once, intact, nothing else), vhu1/vhu2 tx, each
# flow's n_packets and n_bytes, table 0's lookups and matched (N1 + N2) and cache hits (N1 - 1: the one
# key's first frame misses, every repeat hits — also a repeat inside the same 32 frames as
# that first miss; the N2 distinct keys never hit), no drop on vhu0; and that the PMD really
# took frames in bursts (packets per rx burst > 1), so frames() ran with n > 1.
# Takes ~15 s. Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup flows-burst
RD=$T/run

N1=10000
N2=10000
RATE=20000
MAC_A=02:00:00:00:0a:01
MAC_B=02:00:00:00:0b:01

wt_dp_start "$RD" dataplane
wctl add-br br0 || wt_fail "add-br"
for p in vhu0 vhu1 vhu2; do
	wctl add-port br0 $p -- set Interface $p type=dpdkvhostuser || wt_fail "add-port $p"
done
cat >"$T/flows.txt" <<EOF
priority=20,dl_src=$MAC_A,dl_type=0x88b5 actions=output:vhu1
priority=10,dl_type=0x88b5 actions=output:vhu2
EOF
wctl replace-flows br0 "$T/flows.txt" || wt_fail "replace-flows"

# send_recv NAME PORT_SOCK N SEQ_START SENDER_ARGS...: vmpeer NAME-rx receives N frames on
# PORT_SOCK while NAME-tx sends them on vhu0; fails unless the receiver got each one once.
send_recv() {
	local name=$1 sock=$2 n=$3 k=$4 rx tx
	shift 4
	wt_vmpeer "$name-rx" "$RD/$sock" 0 --recv "$n" --seq-start "$k" --timeout 30 --grace 300
	rx=$WT_PID
	wt_wait "$name-rx ready" 30 wt_log_has "$name-rx" '^ready'
	wt_vmpeer "$name-tx" "$RD/vhu0.sock" 0 --send "$n" --seq-start "$k" --dst $MAC_B \
		--rate $RATE "$@"
	tx=$WT_PID
	wt_join "$tx" 60 || wt_fail "$name-tx exited with status $?"
	wt_join "$rx" 60 || wt_fail "$name-rx: $(tail -1 "$T/$name-rx.log")"
	wt_log "$name: $(tail -1 "$T/$name-rx.log")"
}

send_recv one vhu1.sock $N1 0 --src $MAC_A
send_recv many vhu2.sock $N2 $N1 --src $MAC_A --random-src

st=$(wctl --format=json stats) || wt_fail "stats"
py() { echo "$st" | "$WT_PY" -c "import json,sys; r=json.load(sys.stdin); print($1)"; }
t0="[t for t in r['bridges']['br0']['tables'] if t['table'] == 0][0]"
lookups=$(py "${t0}['lookups']")
matched=$(py "${t0}['matched']")
hits=$(py "${t0}['cache_hits']")
ppb=$(py "max(p['packets_per_burst'] for p in r['pmds'])")
tx1=$(py "r['ports']['vhu1'].get('tx_packets', 0)")
tx2=$(py "r['ports']['vhu2'].get('tx_packets', 0)")
drops=$(py "sum(v for k, v in r['ports']['vhu0'].items() if k.startswith('drop_'))")
wt_log "table 0: lookups $lookups, matched $matched, cache hits $hits; vhu1 tx $tx1, vhu2 tx $tx2;" \
	"vhu0 drops $drops; packets per rx burst $ppb"
[ "$lookups" = $((N1 + N2)) ] || wt_fail "table 0 lookups $lookups, want $((N1 + N2))"
[ "$matched" = $((N1 + N2)) ] || wt_fail "table 0 matched $matched, want $((N1 + N2))"
[ "$hits" = $((N1 - 1)) ] || wt_fail "table 0 cache hits $hits, want $((N1 - 1))"
[ "$tx1" = $N1 ] && [ "$tx2" = $N2 ] || wt_fail "vhu1 tx $tx1 (want $N1), vhu2 tx $tx2 (want $N2)"
[ "$drops" = 0 ] || wt_fail "vhu0 dropped $drops frames"
"$WT_PY" -c "import sys; sys.exit(0 if $ppb > 1 else 1)" ||
	wt_fail "the PMD took $ppb packets per burst: the burst path was not exercised"

dump=$(wctl dump-flows br0) || wt_fail "dump-flows"
# vmpeer's frames are 64 bytes: output_only() adds a run of one flow's frames at once.
echo "$dump" | grep -q "n_packets=$N1, n_bytes=$((N1 * 64)),.*priority=20" ||
	wt_fail "the priority=20 flow did not count $N1 packets of 64 bytes: $dump"
echo "$dump" | grep -q "n_packets=$N2, n_bytes=$((N2 * 64)),.*priority=10" ||
	wt_fail "the priority=10 flow did not count $N2 packets of 64 bytes: $dump"

echo "PASS: $((N1 + N2)) frames through the burst path, each to its flow; cache hits $hits;" \
	"$ppb packets per burst"
