#!/bin/bash
# weftctl against the real weft-dataplane.
#  1. live mode (no PMD): add-br/add-port (dpdk net_null, dpdkvhostuser) with merged settings,
#     show, set Port/Interface/Bridge, fdb/add/del/flush, stats, dp/show, error paths (server
#     errors leave the configuration unchanged, chains stop at the first error), del-port,
#     del-br, dp/exit.
#  2. replay mode: replay ports, replay/run, learned fdb entries, counters, dp/exit.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=${WEFT_BUILD:-$TOP/build}
W=$B/cli/weftctl
DP=$B/dataplane/weft-dataplane
for x in "$W" "$DP"; do
	[ -x "$x" ] || { echo "FAIL: $x not built"; exit 1; }
done

D=$(mktemp -d /tmp/weftctl-dp.XXXXXX)
PREFIX=wctl$$
DP_PID=
stop_dp() {
	if [ -n "$DP_PID" ] && kill -0 "$DP_PID" 2>/dev/null; then
		kill "$DP_PID" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$DP_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$DP_PID" 2>/dev/null
	fi
	[ -n "$DP_PID" ] && wait "$DP_PID" 2>/dev/null
	DP_PID=
}
cleanup() {
	stop_dp
	rm -rf "$D" /var/run/dpdk/"$PREFIX"a /var/run/dpdk/"$PREFIX"b
}
trap cleanup EXIT

# start_dp SUFFIX RUNDIR ARGS...: starts the dataplane, waits until it answers dp/show.
start_dp() {
	local suffix=$1 rundir=$2
	shift 2
	mkdir -p "$rundir"
	"$DP" --no-huge -m 256 --no-pci --file-prefix="$PREFIX$suffix" -l 0 -- \
		--rundir "$rundir" "$@" >"$D/dp-$suffix.log" 2>&1 &
	DP_PID=$!
	for _ in $(seq 150); do
		if [ -S "$rundir/dataplane.sock" ] && "$W" --direct --rundir "$rundir" --timeout=2 dp/show \
			>/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$DP_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "FAIL: weft-dataplane did not start"
	cat "$D/dp-$suffix.log"
	exit 1
}

fails=0
fail() {
	echo "FAIL: $*"
	echo "  command: weftctl ${LAST[*]}"
	echo "  rc=$RC stdout:"; sed 's/^/    /' "$D/out"
	echo "  stderr:"; sed 's/^/    /' "$D/err"
	fails=$((fails + 1))
}
RUNDIR=
run() {
	LAST=("$@")
	"$W" --direct --rundir "$RUNDIR" "$@" >"$D/out" 2>"$D/err"
	RC=$?
}
expect_rc() { [ "$RC" = "$1" ] || fail "exit code $RC, expected $1"; }
expect_out() { [ "$(cat "$D/out")" = "$1" ] || fail "stdout differs, expected:
$1"; }
expect_err() { [ "$(cat "$D/err")" = "$1" ] || fail "stderr differs, expected: $1"; }
expect_err_re() { grep -Eq "$1" "$D/err" || fail "stderr does not match: $1"; [ -n "${VERBOSE:-}" ] && cat "$D/err"; true; }
# ok ARGS...: the command succeeds silently.
ok() {
	run "$@"
	expect_rc 0
	[ -s "$D/err" ] && fail "unexpected stderr"
}
# snapshot NAME: saves `show --format=json` (to compare after a failed request).
snapshot() { "$W" --direct --rundir "$RUNDIR" show --format=json >"$D/$1.json"; }
unchanged() {
	snapshot now
	cmp -s "$D/$1.json" "$D/now.json" || fail "configuration changed after a failed request"
}

################ live mode ################
RUNDIR=$D/live
start_dp a "$RUNDIR" --pmds 0

run dp/show
expect_rc 0
grep -q '^mode: live$' "$D/out" && grep -q "^rundir: $RUNDIR\$" "$D/out" &&
	grep -q "^pid: $DP_PID\$" "$D/out" || fail "dp/show"
run dp/show --format=json
/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["mode"] == "live" and r["pid"] == int(sys.argv[2]), r
assert r["n_bridges"] == 0 and r["n_ports"] == 0, r
' "$D/out" "$DP_PID" || fail "dp/show --format=json"

ok add-br br0 -- set Bridge br0 other_config:mac-aging-time=10
ok add-port br0 p0 -- set Interface p0 type=dpdk options:dpdk-devargs=net_null0 \
	-- set Port p0 tag=10
ok add-port br0 vh1 -- set Interface vh1 type=dpdkvhostuser -- set Port vh1 trunks=20,10 \
	vlan_mode=trunk
[ -S "$RUNDIR/vh1.sock" ] || fail "no vhost-user socket $RUNDIR/vh1.sock"
run show
expect_rc 0
expect_out '    Bridge br0
        other_config: {mac-aging-time="10"}
        Port p0
            tag: 10
            vlan_mode: access
            Interface p0
                type: dpdk
                options: {dpdk-devargs=net_null0}
                link_state: up
        Port vh1
            trunks: [10, 20]
            vlan_mode: trunk
            Interface vh1
                type: dpdkvhostuser
                link_state: down'

# set on existing records
ok set Port vh1 tag=30 vlan_mode=native-untagged -- set Bridge br0 other_config:mac-table-size=1024
run show --format=json
/usr/bin/python3 -c '
import json, sys
br = json.load(open(sys.argv[1]))["bridges"][0]
assert br["other_config"] == {"mac-aging-time": "10", "mac-table-size": "1024"}, br
vh = [p for p in br["ports"] if p["name"] == "vh1"][0]
assert vh["tag"] == 30 and vh["vlan_mode"] == "native-untagged" and vh["trunks"] == [10, 20], vh
' "$D/out" || fail "set Port/Bridge not applied"
ok set Port vh1 tag=[] vlan_mode=[] trunks=[]
run show
expect_rc 0
sed -n '/Port vh1/,$p' "$D/out" >"$D/vh1"
grep -q 'tag:' "$D/vh1" && fail "tag not cleared"
grep -q 'trunks:' "$D/vh1" && fail "trunks not cleared"

# fdb verbs
ok fdb/add br0 p0 10 02:00:00:00:00:AA
ok fdb/add br0 vh1 0 02:00:00:00:00:bb
run fdb/show br0
expect_rc 0
expect_out ' port  VLAN  MAC                Age
   p0    10  02:00:00:00:00:aa  static
  vh1     0  02:00:00:00:00:bb  static'
run fdb/stats-show br0
expect_rc 0
[ "$(head -3 "$D/out")" = 'Statistics for bridge "br0":
  Current/maximum MAC entries in the table: 2/1024
  Current static MAC entries in the table : 2' ] || fail "fdb/stats-show: $(cat "$D/out")"
grep -Eq '^  Total number of refused MAC entries     : 0 \(table full\)$' "$D/out" &&
	grep -Eq '^  MAC aging time \(seconds\)                : 10$' "$D/out" &&
	grep -Eq '^  Longest entry displacement \(slots\)      : [01]$' "$D/out" &&
	grep -Eq '^  Total number of evicted MAC entries     : 0$' "$D/out" ||
	fail "fdb/stats-show figures"
run fdb/stats-show nobr
expect_rc 1
expect_err_re "^weftctl: fdb/stats-show: .*'nobr'.*"
ok fdb/del br0 10 02:00:00:00:00:aa
run fdb/show br0 --format=json
/usr/bin/python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))["entries"]
assert [(x["port"], x["vlan"], x["mac"].lower(), x["static"]) for x in e] == \
    [("vh1", 0, "02:00:00:00:00:bb", True)], e
' "$D/out" || fail "fdb/del"
run fdb/flush br0
expect_rc 0
grep -Eq '^flushed [0-9]+ entries$' "$D/out" || fail "fdb/flush output"

# stats
run stats --all p0
expect_rc 0
grep -Eq '^p0 +rx_packets +0$' "$D/out" && grep -Eq '^p0 +drop_runt +0$' "$D/out" ||
	fail "stats --all p0"
grep -q '^vh1 ' "$D/out" && fail "stats p0 shows vh1"
run stats
expect_rc 0
grep -Eq '^name +counter +value$' "$D/out" || fail "stats header"
# Zero counters are left out of the counter rows (before the first blank line); the flow
# table and PMD sections that follow are tables and show zeros.
sed '/^$/,$d' "$D/out" | grep -Eq ' 0$' && fail "stats without --all printed a zero counter"
grep -Eq '^bridge +table +flows +masks +lookups +matched +cache_hits$' "$D/out" ||
	fail "stats has no flow table section"
grep -q '^pmd lcore' "$D/out" && fail "stats printed a PMD section (the dataplane has --pmds 0)"

# server errors: message and errno printed, exit 1, nothing changed
snapshot before
run add-port br0 p0
expect_rc 1
expect_err_re "^weftctl: add-port: .*'p0'.* \\(EEXIST\\)$"
run del-br nobr
expect_rc 1
expect_err_re "^weftctl: del-br: .*'nobr'.* \\(ENOENT\\)$"
run add-port br0 bad -- set Interface bad type=dpdk options:dpdk-devargs=net_nosuchdriver0
expect_rc 1
expect_err_re "^weftctl: add-port: .*'net_nosuchdriver0'.* \\(ENODEV\\)$"
run add-port br0 nt # no type: only valid in replay mode
expect_rc 1
expect_err_re '^weftctl: add-port: port nt: .*type.* \(EINVAL\)$'
run fdb/add br0 nope 1 02:00:00:00:00:01
expect_rc 1
expect_err_re "^weftctl: fdb/add: .*'nope'.*"
run fdb/show nobr
expect_rc 1
expect_err_re "^weftctl: fdb/show: .*'nobr'.*"
run set Port nope tag=1
expect_rc 1
expect_err_re "^weftctl: set: .*'nope'.*"
# a chain stops at the first error: br1 is created, br2 is not
run add-br br1 -- add-port nobr px -- add-br br2
expect_rc 1
expect_err_re "^weftctl: add-port: .*'nobr'.*"
run show
grep -q '^    Bridge br1$' "$D/out" || fail "br1 (before the error) missing"
grep -q 'br2' "$D/out" && fail "br2 (after the error) was created"
ok del-br br1
unchanged before

# bad input: rejected locally, nothing changed
run fdb/add br0 p0 4096 02:00:00:00:00:01
expect_rc 2
expect_err "weftctl: fdb/add: VLAN 4096 out of range 0..4095"
run add-br br3 -- set Bridge br3 other_config:mac-aging-time=0
expect_rc 2
expect_err "weftctl: set: other_config:mac-aging-time 0 out of range 1..86400"
run set Port p0 vlan_mode=dot1q
expect_rc 2
unchanged before

# --may-exist / --if-exists
ok --may-exist add-br br0
ok --may-exist add-port br0 p0 -- set Interface p0 type=dpdk -- set Port p0 tag=11
run show --format=json
/usr/bin/python3 -c '
import json, sys
ports = json.load(open(sys.argv[1]))["bridges"][0]["ports"]
p0 = [p for p in ports if p["name"] == "p0"][0]
assert p0["tag"] == 11 and p0["type"] == "dpdk", p0
' "$D/out" || fail "--may-exist add-port did not apply tag=11"
snapshot before
run --may-exist add-port br0 p0 -- set Interface p0 type=dpdkvhostuser
expect_rc 1
expect_err "weftctl: add-port: --may-exist: port 'p0' has type 'dpdk', not 'dpdkvhostuser' (a type cannot change)"
run add-br brx -- --may-exist add-port brx p0 -- set Port p0 tag=12
expect_rc 1
expect_err "weftctl: add-port: --may-exist: port 'p0' exists on bridge 'br0', not 'brx'"
ok del-br brx
unchanged before
ok --if-exists del-br nobr -- --if-exists del-port nope -- --if-exists del-port br0 nope
unchanged before

# deletions
ok del-port br0 vh1
[ -e "$RUNDIR/vh1.sock" ] && fail "vhost-user socket left after del-port"
ok del-port p0
run show
grep -q 'Port' "$D/out" && fail "ports left after del-port"
ok del-br br0
run show
expect_rc 0
expect_out ""

# dp/exit stops the dataplane
ok dp/exit
for _ in $(seq 50); do
	kill -0 "$DP_PID" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$DP_PID" 2>/dev/null && fail "dataplane still running after dp/exit"
wait "$DP_PID" 2>/dev/null
DP_PID=
run show
expect_rc 1
expect_err_re "^weftctl: cannot connect to $RUNDIR/dataplane.sock: "

################ replay mode ################
RUNDIR=$D/replay
mkdir -p "$RUNDIR" "$D/case" "$D/outp"
/usr/bin/python3 - "$D/case" <<'PY' 2>/dev/null
import sys
from scapy.all import Ether, IP, UDP, wrpcap
a, b = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
f1 = [Ether(src=a, dst="ff:ff:ff:ff:ff:ff") / IP() / UDP() / (b"x" * 20),
      Ether(src=a, dst=b) / IP() / UDP() / (b"y" * 20)]
f1[0].time, f1[1].time = 100.0, 102.0
f2 = [Ether(src=b, dst=a) / IP() / UDP() / (b"z" * 20)]
f2[0].time = 101.0
wrpcap(sys.argv[1] + "/p1.in.pcap", f1)
wrpcap(sys.argv[1] + "/p2.in.pcap", f2)
PY
[ -s "$D/case/p1.in.pcap" ] || { echo "FAIL: cannot write pcaps"; exit 1; }
start_dp b "$RUNDIR" --replay "$D/case" --replay-out "$D/outp"
run dp/show
grep -q '^mode: replay$' "$D/out" || fail "dp/show mode replay"
ok add-br br0 -- add-port br0 p1 -- add-port br0 p2 -- add-port br0 p3
run replay/run
expect_rc 0
expect_out "processed 3 frames"
run fdb/show br0
expect_rc 0
expect_out ' port  VLAN  MAC                Age
   p1     0  02:00:00:00:00:0a    0
   p2     0  02:00:00:00:00:0b    1'
run stats
expect_rc 0
for re in '^p1 +rx_packets +2$' '^p2 +rx_packets +1$' '^p3 +tx_packets +1$' \
	'^br0 +fdb_learned +2$' '^br0 +flooded +1$' '^br0 +forwarded +2$'; do
	grep -Eq "$re" "$D/out" || fail "stats lacks /$re/"
done
run stats p3 --format=json
/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert list(r["ports"]) == ["p3"] and r["ports"]["p3"]["tx_packets"] == 1, r
' "$D/out" || fail "stats p3 --format=json"
run fdb/flush
expect_rc 0
expect_out "flushed 2 entries"
ok dp/exit
for _ in $(seq 50); do
	kill -0 "$DP_PID" 2>/dev/null || break
	sleep 0.1
done
wait "$DP_PID" 2>/dev/null
DP_PID=
for p in p1 p2 p3; do
	[ -e "$D/outp/$p.out.pcap" ] || fail "no $p.out.pcap after replay/run"
done

if [ "$fails" -gt 0 ]; then
	echo "weftctl-dp: $fails check(s) failed"
	exit 1
fi
echo "weftctl-dp: all checks passed"
