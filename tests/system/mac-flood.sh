#!/bin/bash
# System test: a MAC flood. VM A sends FLOOD (default 1M) frames as fast as the ring takes them,
# each from another random source MAC (weft-vmpeer --random-src: all distinct), to VM C's MAC,
# into br0 whose MAC table is limited to LIMIT entries (other_config:mac-table-size). B and C
# announced themselves first, so the table holds 2 entries before the flood. Checks, exactly:
#   1. the table is bounded: fdb_entries = LIMIT; learned LIMIT in all (B, C, LIMIT - 2 flood
#      sources); fdb_full (learns refused) = FLOOD - (LIMIT - 2);
#   2. a MAC known before the flood is still unicast: every flood frame went to C (br0
#      forwarded += FLOOD, flooded += 0), B's port sent nothing (vhu1 tx_packets += 0), and
#      B and C are still in the table on their ports;
#   3. counters are honest: vhu0 rx_packets = FLOOD; vhu2 tx_packets + tx_dropped = FLOOD, and
#      C counted exactly vhu2 tx_packets frames (weft-vmpeer), all intact;
#   4. the dataplane's RSS grew by less than 5% over the flood (printed, with the rate).
# About 15-30 s. Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup mac-flood
RD=$T/run

FLOOD=${FLOOD:-1000000}
LIMIT=10000
MAC_A=02:00:00:00:0a:06
MAC_B=02:00:00:00:0b:06
MAC_C=02:00:00:00:0c:06

wt_dp_start "$RD" dataplane
wctl add-br br0 -- set Bridge br0 other_config:mac-table-size=$LIMIT || wt_fail "add-br"
for p in vhu0 vhu1 vhu2; do
	wctl add-port br0 $p -- set Interface $p type=dpdkvhostuser || wt_fail "add-port $p"
done
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$WT_DP_PID/status"; }

wt_bc_guests "$RD" $FLOOD 600 $MAC_B $MAC_C

# Counters of interest, one line.
snap() {
	wt_json "' '.join(map(str, (r['ports']['vhu0']['rx_packets'], r['ports']['vhu1']['tx_packets'],
	r['ports']['vhu2']['tx_packets'], r['ports']['vhu2']['tx_dropped'],
	r['bridges']['br0']['forwarded'], r['bridges']['br0']['flooded'],
	r['bridges']['br0']['fdb_entries'], r['bridges']['br0']['fdb_learned'],
	r['bridges']['br0']['fdb_full'])))" stats
}
s0=($(snap))
[ "${s0[6]}" = 2 ] || wt_fail "fdb_entries ${s0[6]} before the flood, want 2"
rss0=$(rss_kb)

t0=$(date +%s.%N)
wt_vmpeer vmA "$RD/vhu0.sock" 0 --send $FLOOD --src $MAC_A --dst $MAC_C --random-src \
	--timeout 120
wt_join "$WT_PID" 180 || wt_fail "vmA exited with status $?"
arrived() { [ "$(wt_stat vhu0 rx_packets)" -ge $((s0[0] + FLOOD)) ]; }
wt_wait "vhu0 rx_packets +$FLOOD" 30 arrived
t1=$(date +%s.%N)
sleep 1 # nothing more may come; C drains its ring
kill -TERM "$C_PID"
wt_join "$C_PID" 30 # wrong counts by design when C's ring overflowed: checked below
s1=($(snap))
rss1=$(rss_kb)
for i in $(seq 0 8); do d[i]=$((s1[i] - s0[i])); done
rate=$("$WT_PY" -c "print(int($FLOOD / ($t1 - $t0)))")
wt_log "flood: $FLOOD random source MACs in $("$WT_PY" -c "print('%.1f' % ($t1 - $t0))") s" \
	"(~$rate frames/s, sender start included)"

# 1. Bounded table.
wt_log "fdb: entries ${s1[6]} (limit $LIMIT), learned ${s1[7]}, full (refused) ${s1[8]}"
[ "${s1[6]}" = $LIMIT ] || wt_fail "fdb_entries ${s1[6]}, want $LIMIT"
[ "${s1[7]}" = $LIMIT ] || wt_fail "fdb_learned ${s1[7]}, want $LIMIT"
[ "${d[8]}" = $((FLOOD - (LIMIT - 2))) ] ||
	wt_fail "fdb_full +${d[8]}, want $((FLOOD - (LIMIT - 2)))"

# 2. Known MACs still unicast.
wt_log "forwarded +${d[4]}, flooded +${d[5]}, vhu1 (B) tx_packets +${d[1]}"
[ "${d[4]}" = $FLOOD ] && [ "${d[5]}" = 0 ] && [ "${d[1]}" = 0 ] ||
	wt_fail "known MAC not unicast: forwarded +${d[4]}, flooded +${d[5]}, B tx +${d[1]}"
wt_fdb_has br0 vhu1 $MAC_B && wt_fdb_has br0 vhu2 $MAC_C || wt_fail "B or C left the table"

# 3. Honest counters.
got=$(grep -a '^received=' "$T/vmC.log")
m=$(sed -n 's/.*matching=\([0-9]*\).*/\1/p' <<<"$got")
wt_log "vhu0 rx +${d[0]}; vhu2 tx +${d[2]}, tx_dropped +${d[3]}; vmC: $got"
[ "${d[0]}" = $FLOOD ] || wt_fail "vhu0 rx_packets +${d[0]}, want $FLOOD"
[ $((d[2] + d[3])) = $FLOOD ] || wt_fail "vhu2 tx +${d[2]} + dropped +${d[3]} != $FLOOD"
[ "$m" = "${d[2]}" ] || wt_fail "vmC counted $m frames, vhu2 sent ${d[2]}"
[[ $got == *" duplicates=0 "*" corrupt=0" ]] || wt_fail "vmC: $got"

# 4. RSS bounded.
pct=$("$WT_PY" -c "print('%.2f' % (100.0 * ($rss1 - $rss0) / $rss0))")
wt_log "RSS: $rss0 kB before the flood, $rss1 kB after (${pct}%)"
[ $((rss1 * 100)) -le $((rss0 * 105)) ] || wt_fail "RSS grew ${pct}%, want < 5%"
wt_log "PASS"
