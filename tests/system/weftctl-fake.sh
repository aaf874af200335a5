#!/bin/bash
# weftctl end to end against tests/cli/fake-dp.py (a scripted stand-in for the dataplane's
# control socket): exact requests sent (merging, chaining, stop at first error), outputs
# (tables and --format=json), exit codes, error messages (local validation without contacting
# the server, server errors, timeouts, bad replies, connection failures).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=${WEFT_BUILD:-$TOP/build}
W=$B/cli/weftctl
[ -x "$W" ] || { echo "FAIL: $W not built"; exit 1; }

D=$(mktemp -d /tmp/weftctl-fake.XXXXXX)
FAKE_PID=
cleanup() {
	if [ -n "$FAKE_PID" ] && kill -0 "$FAKE_PID" 2>/dev/null; then
		kill "$FAKE_PID" 2>/dev/null
		wait "$FAKE_PID" 2>/dev/null
	fi
	rm -rf "$D"
}
trap cleanup EXIT

/usr/bin/python3 "$TOP/tests/cli/fake-dp.py" "$D" "$D/log" 2>"$D/fake.err" &
FAKE_PID=$!
for _ in $(seq 50); do
	[ -S "$D/dataplane.sock" ] && break
	sleep 0.1
done
[ -S "$D/dataplane.sock" ] || { echo "FAIL: fake-dp did not start"; cat "$D/fake.err"; exit 1; }
touch "$D/log"

fails=0
fail() {
	echo "FAIL: $*"
	echo "  command: weftctl ${LAST[*]}"
	echo "  rc=$RC stdout:"; sed 's/^/    /' "$D/out"
	echo "  stderr:"; sed 's/^/    /' "$D/err"
	fails=$((fails + 1))
}
# run ARGS...: weftctl --direct --rundir $D ARGS (the dataplane path, no database); sets RC, $D/out, $D/err, NREQ (requests it sent).
run() {
	local before
	before=$(wc -l <"$D/log")
	LAST=("$@")
	"$W" --direct --rundir "$D" "$@" >"$D/out" 2>"$D/err"
	RC=$?
	NREQ=$(($(wc -l <"$D/log") - before))
}
expect_rc() { [ "$RC" = "$1" ] || fail "exit code $RC, expected $1"; }
expect_out() { [ "$(cat "$D/out")" = "$1" ] || fail "stdout differs, expected:
$1"; }
expect_err() { [ "$(cat "$D/err")" = "$1" ] || fail "stderr differs, expected: $1"; }
expect_nreq() { [ "$NREQ" = "$1" ] || fail "$NREQ requests sent, expected $1"; }
# expect_reqs LINE...: the last requests received, exactly.
expect_reqs() {
	local got want
	got=$(tail -n "$#" "$D/log")
	want=$(printf '%s\n' "$@")
	[ "$got" = "$want" ] || fail "requests differ, got:
$got
expected:
$want"
}

# --- help: no request
run --help
expect_rc 0; expect_nreq 0
grep -q '^usage: weftctl \[OPTIONS\] COMMAND' "$D/out" || fail "no usage line"
grep -q 'fdb/add BR PORT VLAN MAC' "$D/out" || fail "fdb/add missing from usage"
run add-port --help
expect_rc 0; expect_nreq 0
grep -q '^usage: weftctl \[OPTIONS\] add-port BR PORT$' "$D/out" || fail "no add-port usage"

# --- configuration verbs: exact requests, merged adds, nothing printed
run add-br br5 -- set Bridge br5 other_config:mac-aging-time=10
expect_rc 0; expect_out ""; expect_nreq 1
expect_reqs '{"id":1,"method":"bridge-add","params":{"name":"br5","other_config":{"mac-aging-time":"10"}}}'

run add-port br5 p5 -- set Interface p5 type=dpdk options:dpdk-devargs=net_null0 \
	-- set Port p5 trunks=20,10 vlan_mode=trunk
expect_rc 0; expect_out ""; expect_nreq 1
expect_reqs '{"id":1,"method":"port-add","params":{"bridge":"br5","name":"p5","type":"dpdk","options":{"dpdk-devargs":"net_null0"},"trunks":[10,20],"vlan_mode":"trunk"}}'

# --may-exist: EEXIST accepted once `show` confirms the record, merged settings applied
run add-br br0
expect_rc 1; expect_nreq 1
expect_err "weftctl: add-br: bridge 'br0' already exists (EEXIST)"
run --may-exist add-br br0
expect_rc 0; expect_out ""; expect_nreq 2
expect_reqs '{"id":1,"method":"bridge-add","params":{"name":"br0"}}' \
	'{"id":2,"method":"show","params":{}}'
run --may-exist add-br br0 -- set Bridge br0 other_config:mac-table-size=64
expect_rc 0; expect_nreq 3
expect_reqs '{"id":3,"method":"bridge-set","params":{"name":"br0","other_config":{"mac-table-size":"64"}}}'
run --may-exist add-port br0 p0 -- set Interface p0 type=dpdk -- set Port p0 tag=3
expect_rc 0; expect_out ""; expect_nreq 3
expect_reqs '{"id":1,"method":"port-add","params":{"bridge":"br0","name":"p0","type":"dpdk","tag":3}}' \
	'{"id":2,"method":"show","params":{}}' \
	'{"id":3,"method":"port-set","params":{"name":"p0","tag":3}}'
run --may-exist add-port br1 p0 -- add-br never
expect_rc 1; expect_nreq 2
expect_err "weftctl: add-port: --may-exist: port 'p0' exists on bridge 'br0', not 'br1'"
run add-br x -- --may-exist add-port br0 vh1 -- set Interface vh1 type=dpdk
expect_rc 1; expect_nreq 3
expect_err "weftctl: add-port: --may-exist: port 'vh1' has type 'dpdkvhostuser', not 'dpdk' (a type cannot change)"
# --if-exists: ENOENT accepted
run --if-exists del-br err-nobr -- del-port br0 x -- --if-exists del-port err-p
expect_rc 0; expect_nreq 3
run del-port err-p
expect_rc 1
expect_err "weftctl: del-port: no such record 'err-p' (ENOENT)"

run set Port p0 tag=5 -- set Port p0 tag=[] vlan_mode=[] -- set Interface p0 options:x=y \
	-- set Bridge br0 other_config:mac-table-size=100 -- del-port br0 p0 -- del-br br0
expect_rc 0; expect_nreq 6
expect_reqs '{"id":1,"method":"port-set","params":{"name":"p0","tag":5}}' \
	'{"id":2,"method":"port-set","params":{"name":"p0","tag":null,"vlan_mode":null}}' \
	'{"id":3,"method":"port-set","params":{"name":"p0","options":{"x":"y"}}}' \
	'{"id":4,"method":"bridge-set","params":{"name":"br0","other_config":{"mac-table-size":"100"}}}' \
	'{"id":5,"method":"port-del","params":{"name":"p0","bridge":"br0"}}' \
	'{"id":6,"method":"bridge-del","params":{"name":"br0"}}'

run fdb/add br0 vh1 10 02:00:00:00:00:0A -- fdb/del br0 10 2:0:0:0:0:a
expect_rc 0; expect_out ""
expect_reqs '{"id":1,"method":"fdb-add","params":{"bridge":"br0","port":"vh1","vlan":10,"mac":"02:00:00:00:00:0a"}}' \
	'{"id":2,"method":"fdb-del","params":{"bridge":"br0","vlan":10,"mac":"02:00:00:00:00:0a"}}'

# --- output verbs
run show
expect_rc 0
expect_out '    Bridge br0
        other_config: {mac-aging-time="10"}
        Port p0
            trunks: [10, 20]
            vlan_mode: trunk
            Interface p0
                type: dpdk
                options: {dpdk-devargs=net_null0}
                link_state: up
        Port vh1
            tag: 10
            vlan_mode: access
            Interface vh1
                type: dpdkvhostuser
                link_state: down'
expect_reqs '{"id":1,"method":"show","params":{}}'

run show --format=json
expect_rc 0
/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert [b["name"] for b in r["bridges"]] == ["br0"], r
assert [p["name"] for p in r["bridges"][0]["ports"]] == ["vh1", "p0"], r
assert r["bridges"][0]["ports"][1]["options"] == {"dpdk-devargs": "net_null0"}, r
' "$D/out" || fail "show --format=json is not the result JSON"

run fdb/show br0
expect_rc 0
expect_out ' port  VLAN  MAC                Age
   p0    10  02:00:00:00:00:01    3
  vh1    10  02:00:00:00:00:02  static'
expect_reqs '{"id":1,"method":"fdb-show","params":{"bridge":"br0"}}'

run --format json fdb/show br0
expect_rc 0
[ "$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["entries"]))' "$D/out")" = 2 ] ||
	fail "fdb/show --format json"

run stats
expect_rc 0
expect_out 'name  counter      value
p0    rx_packets       5
p0    rx_bytes       320
p0    drop_runt        1
vh1   tx_packets       4
br0   fdb_entries      2'
expect_reqs '{"id":1,"method":"stats","params":{}}'

run stats --all p0
expect_rc 0
[ "$(wc -l <"$D/out")" = 9 ] || fail "stats --all should print every counter (9 lines)"
grep -q '^br0   fdb_full         0$' "$D/out" || fail "stats --all lacks the zero counter"
expect_reqs '{"id":1,"method":"stats","params":{"name":"p0"}}'

run dp/show
expect_rc 0
grep -q '^pid: 4242$' "$D/out" && grep -q '^mode: live$' "$D/out" &&
	grep -q '^pmd thread lcore 1:$' "$D/out" && grep -q '^  rx queues: p0/0$' "$D/out" &&
	grep -q '^  busy cycles: 10 (25.0%)$' "$D/out" || fail "dp/show output"
run dp/show --format=json
expect_rc 0
[ "$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$D/out")" = 4242 ] ||
	fail "dp/show --format=json"

run fdb/flush
expect_rc 0; expect_out "flushed 2 entries"
expect_reqs '{"id":1,"method":"fdb-flush","params":{}}'
run fdb/flush br0
expect_reqs '{"id":1,"method":"fdb-flush","params":{"bridge":"br0"}}'
run replay/run
expect_rc 0; expect_out "processed 7 frames"
expect_reqs '{"id":1,"method":"replay-run","params":{}}'

# $WEFT_RUNDIR is used without --rundir.
WEFT_RUNDIR=$D "$W" --direct show >/dev/null 2>"$D/err" || fail "WEFT_RUNDIR not honoured: $(cat "$D/err")"

# --- server errors: message printed, exit 1, later commands not sent
run del-br err-nobr
expect_rc 1; expect_out ""; expect_nreq 1
expect_err "weftctl: del-br: no such record 'err-nobr' (ENOENT)"
run add-br a -- add-port a err-p -- add-br c
expect_rc 1; expect_nreq 2
expect_err "weftctl: add-port: no such record 'err-p' (ENOENT)"
expect_reqs '{"id":1,"method":"bridge-add","params":{"name":"a"}}' \
	'{"id":2,"method":"port-add","params":{"bridge":"a","name":"err-p"}}'
run fdb/show err-x
expect_rc 1; expect_out ""

# --- bad input: precise error, exit 2, nothing sent
bad() { # bad "expected stderr" ARGS...
	local want=$1
	shift
	run "$@"
	expect_rc 2; expect_nreq 0; expect_err "weftctl: $want"
}
bad "unknown command 'add-bridge' (try --help)" add-bridge br0
bad "fdb/add: VLAN 4096 out of range 0..4095" fdb/add br0 p0 4096 02:00:00:00:00:01
bad "fdb/add: invalid MAC '02:00:00:00:00:zz' (expected xx:xx:xx:xx:xx:xx)" \
	fdb/add br0 p0 1 02:00:00:00:00:zz
bad "set: unknown column 'mtu' in table Port (known: tag, trunks, vlan_mode)" set Port p0 mtu=9000
bad "set: invalid tag 'x' (expected an integer 0..4095)" add-port br0 p0 -- set Port p0 tag=x
bad "add-port: expected 2 arguments (BR PORT), got 1" add-br b -- add-port b
bad "set Interface p0: type can only be set when the port is added (add-port BR p0 -- set Interface p0 type=dpdk)" \
	set Interface p0 type=dpdk
bad "invalid --timeout 'soon' (expected an integer 0..86400)" --timeout=soon show
bad "unknown option '--verbose' (try --help)" --verbose show
bad "option --may-exist is not valid for 'del-br' (only add-br, add-port)" --may-exist del-br b
bad "option --if-exists must precede add-br, add-port, del-br or del-port" show -- --if-exists

# --- transport failures
t0=$(date +%s)
run --timeout=1 del-br hang-1
expect_rc 1
expect_err "weftctl: bridge-del: no reply from $D/dataplane.sock within 1 s"
[ $(($(date +%s) - t0)) -le 4 ] || fail "--timeout=1 took too long"
run del-br garbage-1
expect_rc 1
grep -q "^weftctl: bridge-del: invalid JSON from $D/dataplane.sock: " "$D/err" || fail "garbage reply"
"$W" --direct --rundir "$D/none" show >"$D/out" 2>"$D/err"
RC=$?
LAST=(--rundir "$D/none" show)
expect_rc 1
expect_err "weftctl: cannot connect to $D/none/dataplane.sock: No such file or directory"

# Without --direct the configuration verbs need the database; no db.sock: a clear message.
"$W" --rundir "$D/none" add-br br0 >"$D/out" 2>"$D/err"
RC=$?
LAST=(--rundir "$D/none" add-br br0)
expect_rc 1
expect_err "weftctl: cannot connect to the database unix:$D/none/db.sock (No such file or directory); start it (scripts/weft.sh start) or use --direct"

# --- dp/exit: the server answers, then stops
run dp/exit
expect_rc 0; expect_out ""
expect_reqs '{"id":1,"method":"exit","params":{}}'
for _ in $(seq 50); do
	kill -0 "$FAKE_PID" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$FAKE_PID" 2>/dev/null && fail "fake-dp still running after dp/exit"
wait "$FAKE_PID" 2>/dev/null
FAKE_PID=

if [ -s "$D/fake.err" ]; then
	echo "fake-dp stderr:"
	cat "$D/fake.err"
fi
if [ "$fails" -gt 0 ]; then
	echo "weftctl-fake: $fails check(s) failed"
	exit 1
fi
echo "weftctl-fake: all checks passed"
