#!/bin/bash
# System test: a guest that aims its source MACs at one slot of the MAC table. weft's code is
# public, so a guest knows how the table hashes; what it must not know is the table's secret
# (dataplane/l2/fdb.c fdb_home()). VM A sends one frame from each of N (default 4096) source
# MACs built so that CRC32-C of the table key, the hash without the secret, gives all of them
# the same home slot in br0's table (mac-table-size 8192: 16384 slots). The set comes from the
# linearity of CRC32-C: MACs base ^ v, v in the kernel of the map from the key's low 40 bits to
# the home slot (gen_macs below, checked against that unkeyed hash before use). Checks, exactly:
#   1. every source is learned: fdb_entries = N + 2 (B and C announced first), learned N + 2;
#   2. the longest displacement of an entry from its home slot (fdb/stats-show: the longest
#      walk of a lookup that finds its MAC) is under 64 slots: what random MACs give (at this
#      load, ~10); the hash without the secret gives N - 1 (4095) on this set (test_fdb_hash in
#      dataplane/tests is the same check in-process);
#   3. every frame went to C (forwarded += N, flooded += 0), B received nothing, and B and C
#      are still in the table on their ports; vhu0 rx_packets = N, C counted N frames intact.
# About 5 s. Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup mac-collide
RD=$T/run

N=${N:-4096}
LIMIT=8192
SLOT_BITS=14 # log2(2 * LIMIT): weft sizes the table at twice its limit
MAC_A=02:00:00:00:0a:07
MAC_B=02:00:00:00:0b:07
MAC_C=02:00:00:00:0c:07

# gen_macs N SLOT_BITS: N distinct unicast MACs whose untagged table key (1 << 63 | VLAN 0
# << 48 | MAC) has the same CRC32-C home slot; prints them, one per line.
gen_macs() {
	"$WT_PY" - "$1" "$2" <<'EOF'
import sys
n, bits = int(sys.argv[1]), int(sys.argv[2])
mask = (1 << bits) - 1

def crc32c(k):  # the x86 crc32 instruction on 8 bytes: initial 0, no final inversion
    crc = 0
    for byte in range(8):
        crc ^= (k >> (8 * byte)) & 0xff
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc

pivots, kernel = [], []  # pivots: (bit, image, vector); reduce in order (echelon form)
for i in range(40):
    img, vec = crc32c(1 << i) & mask, 1 << i
    for bit, pimg, pvec in pivots:
        if img & bit:
            img, vec = img ^ pimg, vec ^ pvec
    if img:
        pivots.append((img & -img, img, vec))
    else:
        kernel.append(vec)
need = (n - 1).bit_length()
assert len(kernel) >= need, "kernel too small"
base = 1 << 63 | 0x02_5e_10_20_30_40
home = crc32c(base) & mask
for j in range(n):
    k = base
    for b in range(need):
        if j >> b & 1:
            k ^= kernel[b]
    assert crc32c(k) & mask == home and not (k >> 40) & 1
    mac = k & ((1 << 48) - 1)
    print(":".join("%02x" % (mac >> (40 - 8 * i) & 0xff) for i in range(6)))
EOF
}
gen_macs "$N" $SLOT_BITS >"$T/srcs.txt" || wt_fail "gen_macs"
[ "$(sort -u "$T/srcs.txt" | wc -l)" = "$N" ] || wt_fail "gen_macs: not $N distinct MACs"

wt_dp_start "$RD" dataplane
wctl add-br br0 -- set Bridge br0 other_config:mac-table-size=$LIMIT || wt_fail "add-br"
for p in vhu0 vhu1 vhu2; do
	wctl add-port br0 $p -- set Interface $p type=dpdkvhostuser || wt_fail "add-port $p"
done

wt_bc_guests "$RD" "$N" 300 $MAC_B $MAC_C

snap() {
	wt_json "' '.join(map(str, (r['ports']['vhu0']['rx_packets'], r['ports']['vhu1']['tx_packets'],
	r['ports']['vhu2']['tx_packets'], r['bridges']['br0']['forwarded'],
	r['bridges']['br0']['flooded'], r['bridges']['br0']['fdb_entries'],
	r['bridges']['br0']['fdb_learned'])))" stats
}
s0=($(snap))
[ "${s0[5]}" = 2 ] || wt_fail "fdb_entries ${s0[5]} before, want 2"

# Paced: C must receive every frame (this test is about the table, not about overruns).
wt_vmpeer vmA "$RD/vhu0.sock" 0 --send "$N" --src $MAC_A --dst $MAC_C --src-file "$T/srcs.txt" \
	--rate 200000 --timeout 120
wt_join "$WT_PID" 120 || wt_fail "vmA exited with status $?"
wt_join "$C_PID" 60 || wt_fail "vmC: $(grep -a '^received=' "$T/vmC.log")"
s1=($(snap))
for i in $(seq 0 6); do d[i]=$((s1[i] - s0[i])); done

# 1. Every source learned.
wt_log "fdb: entries ${s1[5]}, learned ${s1[6]} (want $((N + 2)) each)"
[ "${s1[5]}" = $((N + 2)) ] && [ "${s1[6]}" = $((N + 2)) ] ||
	wt_fail "fdb_entries ${s1[5]}, fdb_learned ${s1[6]}, want $((N + 2))"

# 2. The walk stays short.
wctl fdb/stats-show br0 >"$T/fdb-stats.txt" || wt_fail "fdb/stats-show"
sed 's/^/  /' "$T/fdb-stats.txt"
walk=$(sed -n 's/^  Longest entry displacement (slots) *: \([0-9]*\)$/\1/p' "$T/fdb-stats.txt")
[ -n "$walk" ] || wt_fail "no 'Longest entry displacement' line"
jwalk=$(wt_json "r['displacement_max']" fdb/stats-show br0)
[ "$jwalk" = "$walk" ] || wt_fail "displacement_max $jwalk in JSON, $walk in the table output"
wt_log "longest displacement: $walk slots for $N sources aimed at one home slot (unkeyed: $((N - 1)))"
[ "$walk" -lt 64 ] || wt_fail "longest displacement $walk slots, want < 64"

# 3. Forwarding unchanged.
wt_log "forwarded +${d[3]}, flooded +${d[4]}, vhu1 (B) tx +${d[1]}, vhu0 rx +${d[0]}, vhu2 tx +${d[2]}"
[ "${d[0]}" = "$N" ] && [ "${d[2]}" = "$N" ] && [ "${d[3]}" = "$N" ] && [ "${d[4]}" = 0 ] &&
	[ "${d[1]}" = 0 ] || wt_fail "forwarding: counters above, want $N / $N / $N / 0 / 0"
wt_fdb_has br0 vhu1 $MAC_B && wt_fdb_has br0 vhu2 $MAC_C || wt_fail "B or C left the table"
got=$(grep -a '^received=' "$T/vmC.log")
[[ $got == *" matching=$N "*" duplicates=0 missing=0 "*" corrupt=0" ]] ||
	wt_fail "vmC: $got"
wt_log "PASS"
