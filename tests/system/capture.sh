#!/bin/bash
# System test: weftctl capture (pcapng through the dataplane) on vhost-user ports, read back by
# tshark. Two weft-vmpeer VMs on br0: A (02:..:0a:01) -> vhu0 -> br0 -> vhu1 -> B.
#   1. capture vhu0 -w FILE -c 50 --direction in while A sends 100 frames: tshark reads
#      exactly 50 packets, all from A, interface "vhu0", every one flagged inbound.
#   2. capture vhu1 -w - -c 20 --direction out --filter 'ether src A' | tshark -r -: 20
#      packets from A, outbound; the stream is valid pcapng on a pipe.
#   3. a filter that matches nothing, stopped by SIGINT: 0 written, every frame filtered out,
#      the file is still valid pcapng (0 packets).
#   4. bad input changes nothing: a bad filter, an unknown port, a relative path over RPC, a
#      path that is not a FIFO over RPC (the dataplane never creates or truncates a file), a
#      second capture while one runs (EBUSY), stop with none running (ENOENT).
# Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail

source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup capture

MAC_A=02:00:00:00:0a:01
MAC_B=02:00:00:00:0b:01
RD=$T/run
command -v tshark >/dev/null || wt_fail "tshark missing (scripts/deps.sh)"
cap() { "$WT_CTL" --rundir "$RD" capture "$@"; }
rpc() { # METHOD JSON-PARAMS: one raw request; prints the reply
	"$WT_PY" - "$RD/dataplane.sock" "$1" "$2" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall((json.dumps({"id": 1, "method": sys.argv[2], "params": json.loads(sys.argv[3])}) + "\n").encode())
print(s.makefile().readline().strip())
PY
}
cap_active() { rpc capture-show '{}' | grep -q '"active": *true'; }

wt_dp_start "$RD" dataplane
wctl add-br br0 || wt_fail "add-br"
for p in vhu0 vhu1; do
	wctl add-port br0 $p -- set Interface $p type=dpdkvhostuser || wt_fail "add-port $p"
done
wt_vmpeer vmB "$RD/vhu1.sock" 0 --recv 100000 --timeout 300 --src $MAC_B --announce \
	--src-filter $MAC_A
wt_wait "vmB ready" 30 wt_log_has vmB '^ready'
wt_wait "vhu1 link up" 15 wt_link_is vhu1 up

# 1. inbound capture into a file, stopped by its count.
cap vhu0 -w "$T/in.pcapng" -c 50 --direction in >"$T/cap1.out" 2>&1 &
CAP_PID=$!
WT_PIDS+=("$CAP_PID")
wt_wait "capture 1 running" 10 cap_active
wt_vmpeer vmA "$RD/vhu0.sock" 0 --send 100 --src $MAC_A --dst $MAC_B --rate 2000 --hold
A_PID=$WT_PID
wt_wait "vmA sent 100" 30 wt_log_has vmA '^sent=100 total=100$'
wt_join "$CAP_PID" 20 || wt_fail "capture 1 did not end by itself: $(cat "$T/cap1.out")"
n=$(tshark -r "$T/in.pcapng" 2>"$T/tshark1.err" | wc -l)
grep -v 'Running as user "root"' "$T/tshark1.err" | grep -q . && wt_fail "tshark: $(cat "$T/tshark1.err")"
[ "$n" = 50 ] || wt_fail "capture 1: tshark read $n packets, want 50"
tshark -r "$T/in.pcapng" -T fields -e eth.src -e frame.interface_name \
	-e frame.packet_flags_direction >"$T/cap1.txt" 2>/dev/null
bad=$(grep -vc "^$MAC_A	vhu0	0x00000001$" "$T/cap1.txt")
[ "$bad" = 0 ] || wt_fail "capture 1: $bad packets not (A, vhu0, inbound): $(head -3 "$T/cap1.txt")"
grep -q "captured 50 frames of vhu0 (in;" "$T/cap1.out" || wt_fail "summary: $(cat "$T/cap1.out")"
wt_log "1. -c 50 --direction in: 50 packets from A on vhu0, inbound ($(cat "$T/cap1.out"))"

# 2. outbound capture on a pipe, with a filter.
(cap vhu1 -w - -c 20 --direction out --filter "ether src $MAC_A" 2>"$T/cap2.err" |
	tshark -r - -T fields -e eth.src -e frame.packet_flags_direction >"$T/cap2.txt" \
		2>"$T/tshark2.err") &
CAP_PID=$!
WT_PIDS+=("$CAP_PID")
wt_wait "capture 2 running" 10 cap_active
kill -USR1 "$A_PID"
wt_join "$CAP_PID" 20 || wt_fail "capture 2 did not end: $(cat "$T/cap2.err")"
n=$(grep -c "^$MAC_A	0x00000002$" "$T/cap2.txt")
[ "$n" = 20 ] && [ "$(wc -l <"$T/cap2.txt")" = 20 ] ||
	wt_fail "capture 2: $(wc -l <"$T/cap2.txt") packets, $n from A outbound, want 20: $(cat "$T/tshark2.err")"
wt_log "2. -w - | tshark -r -: 20 packets from A, outbound"

# 3. a filter matching nothing, stopped by SIGINT.
# (weftctl itself in the background, not a function's subshell: it is the one to signal)
"$WT_CTL" --rundir "$RD" capture vhu0 -w "$T/none.pcapng" --filter "ether src 02:00:00:00:00:99" \
	>"$T/cap3.out" 2>&1 &
CAP_PID=$!
WT_PIDS+=("$CAP_PID")
wt_wait "capture 3 running" 10 cap_active
kill -USR1 "$A_PID"
wt_wait "vmA sent 300" 30 wt_log_has vmA '^sent=100 total=300$'
sleep 0.5
kill -INT "$CAP_PID"
wt_join "$CAP_PID" 10 || wt_fail "capture 3 did not stop on SIGINT"
grep -q "captured 0 frames of vhu0 (both; 100 filtered out, 0 lost)" "$T/cap3.out" ||
	wt_fail "capture 3 summary: $(cat "$T/cap3.out")"
n=$(tshark -r "$T/none.pcapng" 2>&1 | grep -vc 'Running as user "root"')
[ "$n" = 0 ] || wt_fail "capture 3: tshark says $n lines, want an empty valid file"
wt_log "3. filter matching nothing, SIGINT: $(cat "$T/cap3.out")"

# 4. bad input: clear errors, nothing changes.
cap vhu0 -w "$T/x.pcapng" --filter "ether nonsense" >"$T/e1" 2>&1 && wt_fail "bad filter accepted"
grep -q "filter 'ether nonsense'" "$T/e1" || wt_fail "bad filter message: $(cat "$T/e1")"
cap nosuch -w "$T/x.pcapng" >"$T/e2" 2>&1 && wt_fail "unknown port accepted"
grep -q "no port named 'nosuch'" "$T/e2" || wt_fail "unknown port message: $(cat "$T/e2")"
rpc capture-start '{"port":"vhu0","path":"rel.pcapng"}' | grep -q '"EINVAL"' ||
	wt_fail "relative path accepted over RPC"
rpc capture-start '{"port":"vhu0","path":"/tmp/x","direction":"sideways"}' | grep -q '"EINVAL"' ||
	wt_fail "bad direction accepted"
rpc capture-stop '{}' | grep -q '"ENOENT"' || wt_fail "capture-stop with none running"
[ -e "$T/x.pcapng" ] && wt_fail "a refused capture left $T/x.pcapng"
# The dataplane writes only into a FIFO (weftctl writes -w FILE itself): a regular file, a
# device, a symlink to a FIFO and a missing path are refused over RPC and left as they were.
echo keep >"$T/regular"
mkfifo "$T/fifo" && ln -s "$T/fifo" "$T/link"
for bad in "$T/regular:EINVAL" "/dev/null:EINVAL" "$T/link:EINVAL" "$T/missing:ENOENT"; do
	rpc capture-start "{\"port\":\"vhu0\",\"path\":\"${bad%:*}\"}" >"$T/e4"
	grep -q "\"${bad##*:}\"" "$T/e4" || wt_fail "capture into ${bad%:*}: $(cat "$T/e4")"
done
[ "$(cat "$T/regular")" = keep ] || wt_fail "the regular file was changed"
[ -e "$T/missing" ] && wt_fail "the dataplane created $T/missing"
grep -q "is not a FIFO" <(rpc capture-start "{\"port\":\"vhu0\",\"path\":\"$T/regular\"}") ||
	wt_fail "no clear message for a regular file"
"$WT_CTL" --rundir "$RD" capture vhu0 -w "$T/busy.pcapng" -c 1000000 >"$T/cap4.out" 2>&1 &
CAP_PID=$!
WT_PIDS+=("$CAP_PID")
wt_wait "capture 4 running" 10 cap_active
cap vhu1 -w "$T/y.pcapng" >"$T/e3" 2>&1 && wt_fail "second capture accepted"
grep -q "a capture of vhu0 is running" "$T/e3" || wt_fail "busy message: $(cat "$T/e3")"
kill -INT "$CAP_PID"
wt_join "$CAP_PID" 10 || wt_fail "capture 4 did not stop"
cap_active && wt_fail "a capture still runs"
[ "$(wt_stat vhu0 rx_packets)" = 300 ] || wt_fail "vhu0 rx_packets $(wt_stat vhu0 rx_packets), want 300"
wt_log "4. bad filter (no file left), unknown port, relative path, bad direction, a non-FIFO path (file, device, symlink, missing: unchanged), stop without capture, busy: refused"
echo "PASS: capture (file, pipe to tshark, filters, SIGINT, bad input)"
