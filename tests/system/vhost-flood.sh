#!/bin/bash
# System test: flooding and forwarding between three dpdkvhostuser ports with weft-vmpeer VMs.
# A (vhu0) sends; B (vhu1) and C (vhu2) receive; C announced its MAC, nobody owns MAC_X.
#   1. N broadcast frames of 1514 bytes: B and C each get all N, intact and in order.
#   2. N frames of 999 bytes to the unknown MAC_X: flooded, B and C each get all N.
#   3. N frames of 64 bytes to C's MAC: forwarded to vhu2 only (vhu1 tx_packets does not move).
# Exact checks: vmpeer counts (B: 2N, C: 3N, no duplicate/corrupt/extra frame) and weft's
# counters (vhu0 rx +3N, vhu1 tx +2N, vhu2 tx +3N, br0 flooded +2N, forwarded +N; table 0 of
# br0, which has only the default flow, +3N lookups and +3N matched; PMD packets +3N).
# Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup vhost-flood

N=3000
RATE=10000
MAC_A=02:00:00:00:0a:03
MAC_C=02:00:00:00:0c:03
MAC_X=02:00:00:00:99:99
RD=$T/run

wt_dp_start "$RD" dataplane
wctl add-br br0 || wt_fail "add-br"
for p in vhu0 vhu1 vhu2; do
	wctl add-port br0 $p -- set Interface $p type=dpdkvhostuser || wt_fail "add-port $p"
done
wt_vmpeer vmB "$RD/vhu1.sock" 0 --recv $((2 * N)) --timeout 90 --grace 1500 --src-filter $MAC_A
B_PID=$WT_PID
wt_vmpeer vmC "$RD/vhu2.sock" 0 --recv $((3 * N)) --timeout 90 --grace 1500 --src-filter $MAC_A \
	--src $MAC_C --announce
C_PID=$WT_PID
wt_wait "vhu1 link up" 20 wt_link_is vhu1 up
wt_wait "vhu2 link up" 20 wt_link_is vhu2 up
wt_wait "fdb: $MAC_C on vhu2 (C's announce)" 15 wt_fdb_has br0 vhu2 $MAC_C

# counters: prints "vhu0.rx vhu1.tx vhu2.tx flooded forwarded t0.lookups t0.matched pmd.packets"
counters() {
	wctl --format=json stats | "$WT_PY" -c 'import json, sys
r = json.load(sys.stdin)
p, b = r["ports"], r["bridges"]["br0"]
t0 = [t for t in b["tables"] if t["table"] == 0][0]
print(p["vhu0"]["rx_packets"], p["vhu1"]["tx_packets"], p["vhu2"]["tx_packets"],
      b["flooded"], b["forwarded"], t0["lookups"], t0["matched"],
      sum(m["packets"] for m in r["pmds"]))'
}
# phase NAME SEQ DST SIZE WANT_DELTAS: one sender run, then the counter deltas must be exact.
phase() {
	local name=$1 seq=$2 dst=$3 size=$4 want=$5 before after delta
	before=$(counters)
	wt_vmpeer "$name" "$RD/vhu0.sock" 0 --send $N --seq-start "$seq" --src $MAC_A --dst "$dst" \
		--size "$size" --rate $RATE
	wt_join "$WT_PID" 60 || wt_fail "$name exited with status $?"
	wt_log_has "$name" "^sent=$N total=$N\$" || wt_fail "$name did not send $N frames"
	sleep 1 # the sender lingered 1 s already; nothing more may come
	after=$(counters)
	delta=$("$WT_PY" -c 'import sys
a, b = sys.argv[1].split(), sys.argv[2].split()
print(" ".join(str(int(y) - int(x)) for x, y in zip(a, b)))' "$before" "$after")
	wt_log "$name ($size B to $dst): deltas vhu0.rx vhu1.tx vhu2.tx flooded forwarded t0.lookups t0.matched pmd.packets = $delta"
	[ "$delta" = "$want" ] || wt_fail "$name: counter deltas '$delta', want '$want'"
}
phase broadcast 0 ff:ff:ff:ff:ff:ff 1514 "$N $N $N $N 0 $N $N $N"
phase unknown $N $MAC_X 999 "$N $N $N $N 0 $N $N $N"
phase known $((2 * N)) $MAC_C 64 "$N 0 $N 0 $N $N $N $N"
# weftctl stats prints the flow tables and the PMDs as tables of their own, with the JSON's
# numbers (3N frames and C's announce: nothing moves now).
read -r _ _ _ _ _ l0 m0 _ <<<"$(counters)"
wctl stats >"$T/stats.txt" || wt_fail "weftctl stats"
grep -Eq "^br0 +0 +1 +1 +$l0 +$m0 +0\$" "$T/stats.txt" ||
	wt_fail "weftctl stats: no table 0 row of br0 with $l0 lookups: $(cat "$T/stats.txt")"
grep -Eq '^pmd lcore +packets +bursts +pkts/burst +busy_cycles +idle_cycles +busy% +cycles/pkt$' \
	"$T/stats.txt" || wt_fail "weftctl stats: no PMD section: $(cat "$T/stats.txt")"

for v in vmB:$B_PID:$((2 * N)) vmC:$C_PID:$((3 * N)); do
	IFS=: read -r name pid n <<<"$v"
	wt_join "$pid" 60 || wt_fail "$name exited with status $? ($(grep -a '^received' "$T/$name.log"))"
	want="matching=$n out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0"
	wt_log_has "$name" " $want\$" || wt_fail "$name: $(grep -a '^received' "$T/$name.log")"
	wt_log "$name: $(grep -a '^received' "$T/$name.log")"
done
wt_stop "$WT_DP_PID" TERM || wt_fail "weft-dataplane exited with status $? on SIGTERM"
wt_log "PASS"
