#!/bin/bash
# Checks the checker: weft-vmpeer (the "VM" of the vhost tests) on net_pcap ports, no switch.
#   1. --send writes exactly N frames with seq K..K+N-1, the asked size, the byte pattern and
#      the MACs (read back with scapy).
#   2. --recv on a crafted capture reports each fault exactly (duplicate, out of order, corrupt
#      byte, seq out of range, frame of another source, frame without the magic) and fails;
#      on a clean capture it passes; a clean capture with one extra frame fails; with
#      --seq-start K, seqs K..K+N-1 are expected and K-1 is out of range; with --before-ok
#      too, K-1 is counted apart (before=1) and the run passes.
#   3. --send --random-src: N frames from N distinct source MACs 06:xx:..., seq as usual.
# Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
[ -x "$WT_VMPEER" ] || { echo "FAIL: missing $WT_VMPEER" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "FAIL: must run as root" >&2; exit 1; }
T=$(mktemp -d /tmp/weft-vmpeer-check.XXXXXX)
WT_TAG=wt$$
trap wt_cleanup EXIT

# vmpeer LOG DEVARGS APPARGS...: runs weft-vmpeer in the foreground; returns its status.
vmpeer() {
	local log=$1 dev=$2
	shift 2
	WT_N_DPDK=$((WT_N_DPDK + 1))
	timeout 30 "$WT_VMPEER" --no-huge -m 512 --no-pci -l 0 --log-level='*:error' \
		--file-prefix="$WT_TAG-vm$WT_N_DPDK" --vdev "net_pcap0,$dev" -- "$@" >"$T/$log.log" 2>&1
}

# 1. Sender.
vmpeer send "tx_pcap=$T/sent.pcap" --send 50 --seq-start 7 --size 333 \
	--src 02:00:00:00:0a:01 --dst 02:00:00:00:0b:01 || wt_fail "vmpeer --send failed"
grep -qx 'sent=50 total=50' "$T/send.log" || wt_fail "sender output: $(cat "$T/send.log")"
"$WT_PY" - "$T/sent.pcap" <<'PY' || wt_fail "sent frames are not as specified"
import struct, sys
from scapy.all import rdpcap
pk = rdpcap(sys.argv[1])
assert len(pk) == 50, "%d frames" % len(pk)
for i, p in enumerate(pk):
    b = bytes(p)
    magic, length, _, seq = struct.unpack(">IHHQ", b[14:30])
    assert (p.src, p.dst, p.type) == ("02:00:00:00:0a:01", "02:00:00:00:0b:01", 0x88b5)
    assert len(b) == 333 and length == 333 and magic == 0x57454654 and seq == 7 + i, (i, seq)
    assert all(b[k] == (seq + k) & 0xff for k in range(30, 333)), "pattern of seq %d" % seq
PY
wt_log "sender: 50 frames, seq 7..56, 333 bytes, pattern and MACs as specified"

# 2. Receiver on crafted captures.
"$WT_PY" - "$T" <<'PY' || wt_fail "cannot write the captures"
import struct, sys
from scapy.all import Ether, Raw, wrpcap
def frame(seq, size=80, flip=False, magic=0x57454654, src="02:00:00:00:0a:01"):
    body = bytearray(((seq + i) & 0xff) for i in range(30, size))
    if flip:
        body[5] ^= 1
    hdr = struct.pack(">IHHQ", magic, size, 0, seq)
    return Ether(src=src, dst="02:00:00:00:0b:01", type=0x88b5) / Raw(hdr + bytes(body))
d = sys.argv[1]
wrpcap(d + "/faults.pcap", [frame(0), frame(1), frame(1), frame(3, flip=True), frame(3),
                            frame(2), frame(7), frame(0, magic=0),
                            frame(2, src="02:00:00:00:0c:01")])
wrpcap(d + "/clean.pcap", [frame(s, size=60 + s) for s in range(4)])
wrpcap(d + "/extra.pcap", [frame(s) for s in range(4)] + [frame(2)])
wrpcap(d + "/offset.pcap", [frame(s) for s in range(9, 14)])
PY
check_recv() { # NAME WANT_STATUS WANT_LINE [ARGS...]
	local rc=0
	vmpeer "$1" "rx_pcap=$T/$1.pcap,tx_pcap=/dev/null" --recv 4 --timeout 5 --grace 500 \
		--src-filter 02:00:00:00:0a:01 "${@:4}" || rc=$?
	grep -qx "$3" "$T/$1.log" || wt_fail "$1: $(grep '^received' "$T/$1.log"), want $3"
	[ "$rc" = "$2" ] || wt_fail "$1: exit status $rc, want $2"
	wt_log "$1: $3 (status $rc)"
}
check_recv faults 1 \
	"received=9 matching=7 out_of_order=1 duplicates=1 missing=0 unexpected=1 corrupt=1"
check_recv clean 0 \
	"received=4 matching=4 out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0"
check_recv extra 1 \
	"received=5 matching=5 out_of_order=0 duplicates=1 missing=0 unexpected=0 corrupt=0"
check_recv offset 1 \
	"received=5 matching=5 out_of_order=0 duplicates=0 missing=0 unexpected=1 corrupt=0" \
	--seq-start 10
check_recv offset 0 \
	"received=5 matching=5 out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0" \
	--seq-start 10 --before-ok
grep -qx 'before=1' "$T/offset.log" || wt_fail "--before-ok: $(cat "$T/offset.log")"
wt_log "offset --before-ok: before=1"

# 3. Random sources.
vmpeer rsend "tx_pcap=$T/random.pcap" --send 3000 --random-src --src 02:00:00:00:0a:01 \
	--dst 02:00:00:00:0b:01 || wt_fail "vmpeer --send --random-src failed"
"$WT_PY" - "$T/random.pcap" <<'PY' || wt_fail "--random-src frames are not as specified"
import struct, sys
from scapy.all import rdpcap
pk = rdpcap(sys.argv[1])
assert len(pk) == 3000, "%d frames" % len(pk)
srcs = set()
for i, p in enumerate(pk):
    seq = struct.unpack(">Q", bytes(p)[22:30])[0]
    assert seq == i and p.dst == "02:00:00:00:0b:01" and p.src.startswith("06:"), (i, p.src)
    srcs.add(p.src)
assert len(srcs) == 3000, "%d distinct sources" % len(srcs)
PY
wt_log "random sources: 3000 frames, 3000 distinct source MACs 06:..."
wt_log "PASS"
