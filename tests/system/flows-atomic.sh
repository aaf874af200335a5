#!/bin/bash
# System test: a flow set switches atomically under traffic (replace-flows, add-flows --bundle):
# no frame ever sees half of the old set and half of the new one.
#
# Two tables: set A rewrites dl_dst to X in table 0 and outputs X to vhu1 in table 1; set B
# rewrites to Y and outputs Y to vhu2. A frame that met table 0 of one set and table 1 of the
# other would find no flow in table 1 and be dropped (drop_flow_drop). vmA sends N numbered
# frames at RATE/s on vhu0 while the set is switched back and forth every ~20 ms:
#   phase 1: `replace-flows br0 A` / `add-flows --bundle br0 B` (A's table-1 flow stays, B's
#            table-0 flow replaces A's): every frame arrives exactly once at vmB or vmC
#            (received B + C = N, no duplicate or corrupt frame), both got some, vhu0 counts
#            0 drops, and the dataplane's counters agree (vhu1 + vhu2 tx = vhu0 rx = N);
#   phase 2 (the control): the same switches done non-atomically (del-flows, then add-flow
#            line by line) under the same traffic DO drop frames: the check above can see a
#            half-applied set.
# Also: add-flows with a bad line in the middle is refused whole (line named), nothing added.
# Takes ~30 s. Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup flows-atomic
RD=$T/run

N=30000
RATE=10000
MAC_A=02:00:00:00:0a:01
X=02:00:00:00:0b:01
Y=02:00:00:00:0c:01

cat >"$T/A.txt" <<EOF
priority=10,in_port=vhu0 actions=mod_dl_dst:$X,resubmit(,1)
table=1,priority=10,dl_dst=$X actions=output:vhu1
EOF
cat >"$T/B.txt" <<EOF
# B's table-0 flow replaces A's (same match and priority); its table-1 flow is added.
priority=10,in_port=vhu0 actions=mod_dl_dst:$Y,resubmit(,1)
table=1,priority=10,dl_dst=$Y actions=output:vhu2
EOF

wt_dp_start "$RD" dataplane
wctl add-br br0 || wt_fail "add-br"
for p in vhu0 vhu1 vhu2; do
	wctl add-port br0 $p -- set Interface $p type=dpdkvhostuser || wt_fail "add-port $p"
done

# A bad line refuses the whole file.
printf '%s\n' "priority=5,ip actions=output:vhu1" "priority=5,ip,nw_dst=10.0.0.300 actions=drop" \
	>"$T/bad.txt"
out=$(wctl add-flows br0 --bundle "$T/bad.txt" 2>&1) && wt_fail "a bad flow file was accepted"
echo "$out" | grep -q "10.0.0.300" || wt_fail "the error does not name the bad token: $out"
wctl dump-flows br0 --no-stats | grep -q "priority=5" && wt_fail "part of a refused file applied"
wt_log "bad file refused whole: $out"

wctl replace-flows br0 "$T/A.txt" || wt_fail "replace-flows A"

# phase RUN_NAME SWITCH_FN SEQ_START: N frames while SWITCH_FN switches A<->B; sets globals
# RX_B RX_C DUP COR (vmpeer counts) and DROPS (vhu0 drops during the phase), SWITCHES.
phase() {
	local name=$1 fn=$2 k=$3 d0 d1 i=0 b c
	d0=$(($(wt_stat vhu0 drop_flow_drop) + $(wt_stat vhu0 drop_no_flow)))
	wt_vmpeer "${name}B" "$RD/vhu1.sock" 0 --recv $N --seq-start "$k" --timeout 12 --grace 500
	b=$WT_PID
	wt_vmpeer "${name}C" "$RD/vhu2.sock" 0 --recv $N --seq-start "$k" --timeout 12 --grace 500
	c=$WT_PID
	wt_wait "${name}B ready" 30 wt_log_has "${name}B" '^ready'
	wt_wait "${name}C ready" 30 wt_log_has "${name}C" '^ready'
	wt_vmpeer "${name}A" "$RD/vhu0.sock" 0 --send $N --seq-start "$k" --src $MAC_A --dst $X \
		--rate $RATE
	local a=$WT_PID
	wt_wait "vhu0 link up" 15 wt_link_is vhu0 up
	while kill -0 "$a" 2>/dev/null && ! wt_log_has "${name}A" '^sent='; do
		"$fn" $((i % 2))
		i=$((i + 1))
		sleep 0.02
	done
	wt_join "$a" 30 || wt_fail "${name}A exited with status $?"
	wt_join "$b" 40 || true # each receiver gets only part of the sequence: counts checked below
	wt_join "$c" 40 || true
	SWITCHES=$i
	d1=$(($(wt_stat vhu0 drop_flow_drop) + $(wt_stat vhu0 drop_no_flow)))
	DROPS=$((d1 - d0))
	count() { sed -n "s/.*received=[0-9]* matching=\([0-9]*\) .* duplicates=\([0-9]*\) .* corrupt=\([0-9]*\).*/\1 \2 \3/p" "$T/$1.log" | tail -1; }
	read -r RX_B DUP_B COR_B < <(count "${name}B")
	read -r RX_C DUP_C COR_C < <(count "${name}C")
	[ -n "$RX_B" ] && [ -n "$RX_C" ] || wt_fail "$name: no counts from the receivers"
	DUP=$((DUP_B + DUP_C))
	COR=$((COR_B + COR_C))
	wt_log "$name: $SWITCHES switches, vmB got $RX_B, vmC got $RX_C (sum $((RX_B + RX_C)) of $N)," \
		"duplicates $DUP, corrupt $COR, vhu0 drops $DROPS"
}

atomic_switch() {
	if [ "$1" = 0 ]; then
		wctl add-flows br0 --bundle "$T/B.txt" || wt_fail "add-flows --bundle B"
	else
		wctl replace-flows br0 --bundle "$T/A.txt" || wt_fail "replace-flows A"
	fi
}
split_switch() {
	local f l
	f=$T/A.txt
	[ "$1" = 0 ] && f=$T/B.txt
	wctl del-flows br0 || wt_fail "del-flows"
	grep -v '^#' "$f" | while read -r l; do
		wctl add-flow br0 "$l" || wt_fail "add-flow $l"
	done
}

tx1=$(wt_stat vhu1 tx_packets)
tx2=$(wt_stat vhu2 tx_packets)
rx0=$(wt_stat vhu0 rx_packets)
phase atomic atomic_switch 0
[ "$SWITCHES" -ge 20 ] || wt_fail "only $SWITCHES switches during the traffic"
[ "$DROPS" = 0 ] || wt_fail "atomic switches dropped $DROPS frames (a frame saw a mixed set)"
[ $((RX_B + RX_C)) = $N ] || wt_fail "atomic: vmB + vmC received $((RX_B + RX_C)), not $N"
[ "$DUP" = 0 ] && [ "$COR" = 0 ] || wt_fail "atomic: duplicates $DUP, corrupt $COR"
[ "$RX_B" -gt 0 ] && [ "$RX_C" -gt 0 ] || wt_fail "atomic: one set never applied (B $RX_B, C $RX_C)"
d_rx0=$(($(wt_stat vhu0 rx_packets) - rx0))
d_tx=$(($(wt_stat vhu1 tx_packets) - tx1 + $(wt_stat vhu2 tx_packets) - tx2))
[ "$d_rx0" = $N ] && [ "$d_tx" = $N ] ||
	wt_fail "atomic: dataplane counted vhu0 rx $d_rx0, vhu1+vhu2 tx $d_tx (want $N each)"

wctl replace-flows br0 "$T/A.txt" || wt_fail "replace-flows A"
phase split split_switch $N
[ "$DROPS" -gt 0 ] || wt_fail "control: non-atomic switches dropped nothing (the test cannot see a mixed set)"
[ $((RX_B + RX_C + DROPS)) = $N ] || wt_fail "control: received $((RX_B + RX_C)) + dropped $DROPS != $N"

echo "PASS: atomic switching lost 0 of $N frames; the non-atomic control lost $DROPS"
