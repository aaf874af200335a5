#!/bin/bash
# System test: weft-dataplane restarted under weft-controld. Configuration through ovs-vsctl:
# br0 (other_config) with vhu0, vhu1 (VLAN 10), vhc2 (dpdkvhostuserclient), bad0 (refused); br1
# with vhu3 (trunks) and three flows (weftctl add-flow: the Flow table). Then the dataplane is
# stopped and started again on the same rundir.
# Checks, exactly:
#   1. the gap from the control socket appearing to the whole configuration being back (every
#      bridge, port, type, option, VLAN column, other_config, as `show` reports it, and br1's
#      flows as `flow-dump` reports them, polled over the socket every 5 ms) is printed and is
#      < 1 s;
#   2. the new dataplane forwards: two VMs exchange N frames, all arrive once, in order;
#   3. the database keeps its values: same ofports; bad0 still refused with its error.
# Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup controld-dp-restart
RD=$T/run
source "$(dirname "$0")/controld-lib.sh"

N=2000
MAC_A=02:00:00:00:0a:01
MAC_B=02:00:00:00:0b:01

ct_stack
vs add-br br0 -- set Bridge br0 other_config:mac-aging-time=120 other_config:mac-table-size=4096 \
	-- add-port br0 vhu0 -- set Interface vhu0 type=dpdkvhostuser -- set Port vhu0 tag=10 \
	-- add-port br0 vhu1 -- set Interface vhu1 type=dpdkvhostuser -- set Port vhu1 tag=10 \
	-- add-port br0 vhc2 -- set Interface vhc2 type=dpdkvhostuserclient \
	options:vhost-server-path="$T/vm2.sock" \
	-- add-br br1 -- add-port br1 vhu3 -- set Interface vhu3 type=dpdkvhostuser \
	-- set Port vhu3 trunks=30,40 || wt_fail "ovs-vsctl configuration"
vs add-port br0 bad0 -- set Interface bad0 type=dpdk options:dpdk-devargs=net_nonexistent0 \
	2>/dev/null || wt_fail "add-port bad0"
[ "$(ct_iface ofport bad0)" = -1 ] || wt_fail "bad0 ofport $(ct_iface ofport bad0)"
ofports=$(for i in vhu0 vhu1 vhc2 vhu3; do ct_iface ofport $i; done | tr '\n' ' ')
w() { "$WT_CTL" --db="unix:$RD/db.sock" --rundir "$RD" --timeout=10 "$@"; }
for f in "priority=200,dl_type=0x88cc,actions=drop" "priority=100,in_port=vhu3,actions=NORMAL" \
	"table=1,priority=5,dl_vlan=30,actions=NORMAL"; do
	w add-flow br1 "$f" || wt_fail "add-flow br1 $f"
done

# The configuration as `show` reports it, without what is not configuration.
CANON='import json,sys
def canon(r):
    return sorted((b["name"], sorted(b["other_config"].items()),
                   sorted((p["name"], p["type"], sorted(p["options"].items()), p["tag"],
                           sorted(p["trunks"]), p["vlan_mode"]) for p in b["ports"]))
                  for b in r["bridges"])
def canon_flows(r):
    return sorted((f["table"], f["priority"], f["match"], f["actions"]) for f in r["flows"])'
want=$(wctl --format=json show | "$WT_PY" -c "$CANON
print(json.dumps(canon(json.load(sys.stdin))))")
[[ $want == *vhu3* && $want == *vhc2* && $want != *bad0* ]] || wt_fail "configuration: $want"
want_flows=$(w --direct --format=json dump-flows br1 | "$WT_PY" -c "$CANON
print(json.dumps(canon_flows(json.load(sys.stdin))))")
[[ $want_flows == *0x88cc* && $want_flows == *dl_vlan=30* ]] || wt_fail "flows: $want_flows"

# Stop the dataplane; the poller then times the restart from the socket's appearance.
wt_stop "$WT_DP_PID" TERM || wt_fail "weft-dataplane exited with status $? on SIGTERM"
[ ! -e "$RD/dataplane.sock" ] || wt_fail "dataplane.sock left behind"
wt_wait "weft-controld to see the dataplane gone" 10 \
	wt_log_has controld 'dataplane .*connection lost'
# Poller: waits for the socket file, then asks `show` every 5 ms until it matches.
cat >"$T/poll.py" <<PYEOF
$CANON
import os, socket, time
path, want, want_flows = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
deadline = time.monotonic() + 60
while not os.path.exists(path):
    if time.monotonic() > deadline:
        sys.exit("the control socket never appeared")
    time.sleep(0.002)
t0 = time.monotonic()
f, got, polls = None, None, 0
while True:
    if time.monotonic() - t0 > 10:
        sys.exit("configuration incomplete 10 s after the socket appeared: %s" % json.dumps(got))
    try:
        if f is None:
            s = socket.socket(socket.AF_UNIX)
            s.connect(path)
            f = s.makefile("rw")
        f.write('{"id":1,"method":"show","params":{}}\n'
                '{"id":2,"method":"flow-dump","params":{"bridge":"br1"}}\n')
        f.flush()
        show, dump = json.loads(f.readline()), json.loads(f.readline())
        got = json.loads(json.dumps(canon(show["result"])))
        got_flows = (json.loads(json.dumps(canon_flows(dump["result"])))
                     if dump.get("result") else None)
        polls += 1
        if got == want and got_flows == want_flows:
            break
    except OSError:
        f = None
    time.sleep(0.005)
print("gap_ms=%d polls=%d" % ((time.monotonic() - t0) * 1000, polls))
PYEOF
"$WT_PY" "$T/poll.py" "$RD/dataplane.sock" "$want" "$want_flows" >"$T/poll.out" 2>&1 &
POLL_PID=$!
WT_N_DPDK=$((WT_N_DPDK + 1))
wt_spawn dataplane2 "$WT_DP" -l 0-1 --no-huge -m 1024 --no-pci \
	--file-prefix="$WT_TAG-dp$WT_N_DPDK" -- --rundir "$RD" --pmd-sleep-max 1000
WT_DP_PID=$WT_PID
wait $POLL_PID || wt_fail "restart not measured: $(cat "$T/poll.out")"
gap=$(sed -n 's/^gap_ms=\([0-9]*\) .*/\1/p' "$T/poll.out")
[ -n "$gap" ] || wt_fail "poller: $(cat "$T/poll.out")"
wt_log "dataplane restart: configuration and flows complete ${gap} ms after the control socket appeared ($(cat "$T/poll.out"))"
[ "$gap" -lt 1000 ] || wt_fail "re-programming took ${gap} ms, want < 1000"

# 2. The new dataplane forwards.
wt_vmpeer vmB "$RD/vhu1.sock" 0 --recv $N --timeout 60 --grace 1000 --src $MAC_B --announce \
	--src-filter $MAC_A
B_PID=$WT_PID
wt_wait "vmB ready" 30 wt_log_has vmB '^ready'
wt_vmpeer vmA "$RD/vhu0.sock" 0 --send $N --src $MAC_A --dst $MAC_B --rate 10000
wt_join "$WT_PID" 30 || wt_fail "vmA exited with status $?"
wt_join "$B_PID" 60 || wt_fail "vmB exited with status $? (lost, duplicated or extra frames)"
want="received=$N matching=$N out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0"
wt_log_has vmB "^$want\$" || wt_fail "vmB: $(grep -a '^received=' "$T/vmB.log"), want $want"
wt_log "traffic after the restart: $want"

# 3. The database keeps its values.
now=$(for i in vhu0 vhu1 vhc2 vhu3; do ct_iface ofport $i; done | tr '\n' ' ')
[ "$now" = "$ofports" ] || wt_fail "ofports changed: $ofports -> $now"
[ "$(ct_iface ofport bad0)" = -1 ] || wt_fail "bad0 ofport $(ct_iface ofport bad0)"
[[ $(ct_iface error bad0) == *ENODEV* ]] || wt_fail "bad0 error $(ct_iface error bad0)"
wt_log "ofports unchanged ($now), bad0 still refused"
wt_log "PASS"
