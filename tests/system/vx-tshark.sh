#!/bin/bash
# vx-tshark: Wireshark's dissectors accept every frame weft-dataplane sends on the underlay.
# Runs the VXLAN pcap cases that make weft emit underlay frames (encapsulation, head-end
# replication, MTU-sized frames, ARP requests and replies, ICMP echo replies) with
# tests/pcap/run-case -k (which also checks them byte for byte), then dissects each recorded
# <uplink>.out.pcap with tshark, IPv4 and UDP checksum validation on, and fails on any
# expert info of severity warning or error (malformed packet, bad checksum, bogus length...).
# Also checks that every UDP datagram to 4789 is dissected as VXLAN with the I flag, and, so
# the check itself is known to work, that the same tshark check rejects the deliberately bad
# frames of pcaps/vx-bad-input. Uses $WEFT_BUILD (default <repo>/build). Exit 0 = pass.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
export WEFT_BUILD=${WEFT_BUILD:-$TOP/build}
CASES=(vx-encap vx-encap-flows vx-flood-two-remotes vx-mtu vx-arp-resolve vx-arp-reply vx-ping)
command -v tshark >/dev/null || { echo "FAIL: tshark not installed (scripts/deps.sh)"; exit 1; }

KEPT=()
cleanup() {
	for d in "${KEPT[@]}"; do
		case "$d" in /tmp/weft-pcap-*) rm -rf "$d" ;; esac
	done
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

TS=(tshark -n -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE)

# Prints the warning/error sections of tshark's expert summary of pcap $1 (empty = clean).
expert_problems() {
	"${TS[@]}" -r "$1" -q -z expert 2>/dev/null |
		awk '/^(Errors|Warns) \(/ { on = 1 } /^(Notes|Chats|Comments) \(/ { on = 0 } on'
}

# Number of frames of pcap $1 matching display filter $2.
count() {
	"${TS[@]}" -r "$1" -Y "$2" 2>/dev/null | wc -l
}

for c in "${CASES[@]}"; do
	out=$("$TOP/tests/pcap/run-case" -k "$TOP/pcaps/$c")
	rc=$?
	dir=$(sed -n 's/^kept //p' <<<"$out" | tail -1)
	[ -n "$dir" ] && KEPT+=("$dir")
	if [ $rc -ne 0 ] || [ -z "$dir" ]; then
		fail "$c: run-case failed:"
		sed 's/^/    /' <<<"$out"
		continue
	fi
	for p in "$dir"/out/up0.out.pcap; do
		n=$(count "$p" "frame")
		[ "$n" -gt 0 ] || { fail "$c: weft sent nothing on up0"; continue; }
		probs=$(expert_problems "$p")
		[ -z "$probs" ] || fail "$c: tshark expert warnings/errors on weft's up0 output:
$probs"
		n_vx=$(count "$p" "udp.dstport == 4789")
		n_ok=$(count "$p" "vxlan && vxlan.flag_i == 1 && vxlan.vni && udp.checksum == 0")
		[ "$n_vx" -eq "$n_ok" ] || fail "$c: $n_vx UDP/4789 datagrams, $n_ok dissected as VXLAN with a VNI"
		n_bad=$(count "$p" "ip.checksum.status == 0 || udp.checksum.status == 0 || _ws.malformed")
		[ "$n_bad" -eq 0 ] || fail "$c: $n_bad frames with a bad checksum or malformed"
		echo "ok   $c: $n frames on up0 ($n_vx VXLAN), no tshark warning"
	done
done

# The check must be able to fail: the bad-input case's frames are full of errors.
probs=$(expert_problems "$TOP/pcaps/vx-bad-input/up0.in.pcap")
if grep -q "Bad checksum" <<<"$probs" && grep -q "Malformed" <<<"$probs"; then
	echo "ok   the same check rejects pcaps/vx-bad-input/up0.in.pcap"
else
	fail "tshark check did not flag the deliberately bad frames of vx-bad-input:
$probs"
fi

[ $fails -eq 0 ] && echo "vx-tshark: PASS" || echo "vx-tshark: $fails failure(s)"
[ $fails -eq 0 ]
