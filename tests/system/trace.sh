#!/bin/bash
# System test: weftctl trace (ofproto/trace-style dry runs, pcap traces, live traces).
#   Part 1, a replay-mode dataplane (no PMD; frames only from replay/run and from traces):
#     br-phy (underlay, VTEP 192.168.99.1, uplink up0, static neighbour 192.168.99.2)
#     br0: p1, p2 (trunks), p3 (access VLAN 10), vx1 (VXLAN VNI 100 to 192.168.99.2); only the
#          default flow: NORMAL. replay/run first teaches it B on p2 and C on p3 (VLAN 10).
#     br1: q1, q2, q3 with flow tables (no default flow: a table miss is a drop).
#   Each trace's output is compared exactly with tests/system/trace-golden/NAME.out: NORMAL
#   with a learned MAC, with a flood (and VXLAN encapsulation, outer headers), a VLAN popped at
#   egress and one refused at ingress, a flow's output, a resubmit/goto_table chain with VLAN
#   actions, a table miss, a resubmit loop (resubmit_depth), --pcap over frames made with scapy (on br0, and a VXLAN frame on the
#   underlay: decapsulated into br0), --format=json, bad input (unknown bridge, bad flow with
#   a caret under the token, unknown port, a pcap that cannot be read), the VTEP answering an
#   ARP request. The dry runs change nothing: stats, the MAC table, the neighbour table and the
#   flow counters are the same before and after. Then, the neighbour flushed, a flood's tunnel
#   copy is dropped (neigh_unresolved). A live trace in replay mode (replay/run) is golden too.
#   Part 2, a live dataplane with two weft-vmpeer VMs on vhu0/vhu1: `trace --live vhu0 -c 3`
#   while A sends 50 frames to B: 3 traces (NORMAL, learned B, output:vhu1), B gets all 50;
#   a live trace whose weftctl is killed ends by itself when its lease expires.
# Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass. ~12 s (~20 s
# on an ASan/UBSan build).
set -uo pipefail

source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup trace

GOLD=$WT_TOP/tests/system/trace-golden
A=02:00:00:00:0a:01
B=02:00:00:00:0b:01
C=02:00:00:00:0c:01
RD=$T/run
CASE=$T/case
mkdir -p "$CASE" "$T/out"

# ---- part 1: replay-mode dataplane ------------------------------------------------------------
"$WT_PY" - "$CASE" "$T" "$B" "$C" <<'PY' || wt_fail "scapy: cannot write the pcaps"
import sys
from scapy.all import ARP, Ether, ICMP, IP, UDP, PcapWriter, Raw, VXLAN, wrpcap
case, t, b, c = sys.argv[1:]
A = "02:00:00:00:0a:01"
def at(pkt, ts):
    pkt.time = ts
    return pkt
# replay/run input: B on p2, C on p3 (access VLAN 10): both learned.
wrpcap(case + "/p2.in.pcap", [at(Ether(src=b, dst="ff:ff:ff:ff:ff:ff") / ARP(psrc="10.0.0.2", pdst="10.0.0.1"), 1)])
wrpcap(case + "/p3.in.pcap", [at(Ether(src=c, dst="ff:ff:ff:ff:ff:ff") / ARP(psrc="10.0.10.3", pdst="10.0.10.1"), 1)])
# trace --pcap on br0: A -> B (learned), a broadcast ARP from A, a runt.
w = PcapWriter(t + "/br0.pcap", linktype=1)
for p in [Ether(src=A, dst=b) / IP(src="10.0.0.1", dst="10.0.0.2", id=1) / UDP(sport=1000, dport=2000) / Raw(b"x" * 18),
          Ether(src=A, dst="ff:ff:ff:ff:ff:ff") / ARP(hwsrc=A, psrc="10.0.0.1", pdst="10.0.0.2"),
          bytes(10)]:
    w.write(p)
w.close()
# trace --pcap on br-phy: VXLAN from the remote VTEP, VNI 100, inner A -> B; and a ping to us.
inner = Ether(src=A, dst=b) / IP(src="10.0.0.1", dst="10.0.0.2", id=7) / ICMP(id=1, seq=1)
wrpcap(t + "/up0.pcap", [
    Ether(src="02:00:00:00:99:02", dst="02:00:00:00:99:01") /
    IP(src="192.168.99.2", dst="192.168.99.1", id=9, flags="DF") / UDP(sport=55555, dport=4789) /
    VXLAN(vni=100) / inner,
    Ether(src="02:00:00:00:99:02", dst="02:00:00:00:99:01") /
    IP(src="192.168.99.2", dst="192.168.99.1", id=10) / ICMP(id=2, seq=1),
])
PY

WT_N_DPDK=$((WT_N_DPDK + 1))
WT_RUNDIR=$RD
mkdir -p "$RD"
wt_spawn dataplane "$WT_DP" -l 0 --no-huge -m 256 --no-pci --file-prefix="$WT_TAG-dp$WT_N_DPDK" \
	-- --rundir "$RD" --replay "$CASE" --replay-out "$T/out"
wt_wait "weft-dataplane ready" 30 wctl dp/show
wctl add-br br-phy -- set Bridge br-phy other_config:tunnel-ip=192.168.99.1/24 \
	other_config:tunnel-mac=02:00:00:00:99:01 || wt_fail "add-br br-phy"
wctl add-port br-phy up0 || wt_fail "add-port up0"
wctl add-br br0 -- add-port br0 p1 -- add-port br0 p2 -- add-port br0 p3 -- set Port p3 tag=10 ||
	wt_fail "br0"
wctl add-port br0 vx1 -- set Interface vx1 type=vxlan options:remote_ip=192.168.99.2 \
	options:key=100 || wt_fail "add-port vx1"
wctl tnl/neigh/set br-phy 192.168.99.2 02:00:00:00:99:02 up0 || wt_fail "tnl/neigh/set"
wctl add-br br1 -- add-port br1 q1 -- add-port br1 q2 -- add-port br1 q3 || wt_fail "br1"
wctl replace-flows br1 - <<'EOF' || wt_fail "replace-flows br1"
priority=100,ip,nw_dst=10.0.0.2,actions=output:q2
priority=90,udp,tp_dst=53,actions=mod_vlan_vid:20,resubmit(,1)
table=1,priority=50,dl_vlan=20,actions=mod_vlan_pcp:5,goto_table:2
table=2,priority=10,actions=output:q3
priority=80,tcp,actions=resubmit(,0)
EOF
# A live trace in replay mode: the replay engine traces the frames as a PMD would.
"$WT_CTL" --rundir "$RD" trace --live p2 -c 1 >"$T/live-replay.got" 2>&1 &
TR_PID=$!
WT_PIDS+=("$TR_PID")
wt_wait "live trace of p2 started" 10 grep -q "live trace of p2 started" "$T/dataplane.log"
wctl replay/run >/dev/null || wt_fail "replay/run"
wt_join "$TR_PID" 10 || wt_fail "trace --live p2: $(cat "$T/live-replay.got")"
diff -u "$GOLD/live-replay.out" "$T/live-replay.got" ||
	wt_fail "trace --live p2 (replay): output differs from $GOLD/live-replay.out (above)"
wt_fdb_has br0 p2 $B || wt_fail "B not learned on p2"
wt_fdb_has br0 p3 $C || wt_fail "C not learned on p3"

state() { # everything a dry run must not change
	wctl --format=json stats --all
	wctl fdb/show br0
	wctl tnl/neigh/show br-phy | awk '{$5 = ""; print}' # age column: the clock may move
	wctl dump-flows br1 | sed 's/duration=[^,]*, //; s/idle_age=[^,]*, //; s/hard_age=[^,]*, //' # the clock may move
}
state >"$T/state.before" || wt_fail "state"

n_gold=0
# golden NAME ARGS...: `weftctl trace ARGS` (stdout and stderr) must equal trace-golden/NAME.out.
golden() {
	local name=$1
	shift
	"$WT_CTL" --rundir "$RD" trace "$@" >"$T/$name.got" 2>&1
	echo "exit $?" >>"$T/$name.got"
	if ! diff -u "$GOLD/$name.out" "$T/$name.got" >"$T/$name.diff"; then
		cat "$T/$name.diff"
		wt_fail "trace $name: output differs from $GOLD/$name.out (above)"
	fi
	n_gold=$((n_gold + 1))
}

golden normal-learned br0 "in_port=p1,udp,dl_src=$A,dl_dst=$B,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1000,tp_dst=2000"
golden normal-flood-vxlan br0 "in_port=p1,ip,dl_src=$A,dl_dst=02:00:00:00:0d:01,nw_src=10.0.0.1,nw_dst=10.0.0.4"
golden vlan-egress-pop br0 "in_port=p1,dl_vlan=10,dl_vlan_pcp=3,icmp,dl_src=$A,dl_dst=$C,nw_src=10.0.10.1,nw_dst=10.0.10.3,icmp_type=8"
golden drop-vlan-not-allowed br0 "in_port=p3,dl_vlan=5,dl_src=$C,dl_dst=$A"
golden flow-output br1 "in_port=q1,ip,nw_src=10.0.0.1,nw_dst=10.0.0.2"
golden flow-resubmit-chain br1 "in_port=q1,udp,nw_dst=10.0.0.9,tp_src=5353,tp_dst=53"
golden drop-no-flow br1 "in_port=q2,arp,arp_spa=10.0.0.2,arp_tpa=10.0.0.1"
golden drop-resubmit-depth br1 "in_port=q1,tcp,nw_dst=10.0.0.7,tp_dst=22"
golden pcap-br0 br0 --pcap "$T/br0.pcap" --in-port p1
golden pcap-underlay br-phy --pcap "$T/up0.pcap"
golden underlay-arp br-phy "in_port=up0,arp,dl_src=02:00:00:00:99:02,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=192.168.99.2,arp_tpa=192.168.99.1"
golden err-bridge br9 "in_port=p1"
golden err-flow br0 "in_port=p1,ip,nw_dst=10.0.0.300"
golden err-field br0 "in_port=p1,ip,frobnicate=1"
golden err-port br0 "in_port=nosuch,ip"
golden err-port-number br0 "in_port=42,ip"
golden err-pcap br0 --pcap /nonexistent/x.pcap
golden err-pcap-fifo br0 --pcap /dev/stdin
golden err-usage br0
wt_log "1. $((n_gold + 1)) traces equal their golden outputs (tests/system/trace-golden/)"

"$WT_CTL" --rundir "$RD" trace br1 "in_port=q1,ip,nw_dst=10.0.0.2" --format=json >"$T/j.json" ||
	wt_fail "--format=json"
"$WT_PY" - "$T/j.json" <<'PY' || wt_fail "--format=json: $(cat "$T/j.json")"
import json, sys
r = json.load(open(sys.argv[1]))
t, = r["traces"]
assert t["bridge"] == "br1" and t["in_port"] == "q1" and t["dry_run"] is True, t
assert t["actions"] == ["output:q2"], t["actions"]
assert [s["kind"] for s in t["steps"]] == ["table", "action", "output"], t["steps"]
assert t["text"].endswith("Datapath actions: output:q2\n"), t["text"]
PY
state >"$T/state.after" || wt_fail "state"
diff -u "$T/state.before" "$T/state.after" || wt_fail "a dry run changed counters, MACs, neighbours or flow counters"
wt_log "2. --format=json; the dry runs changed no counter, MAC, neighbour or flow counter"
wctl tnl/neigh/flush br-phy >/dev/null || wt_fail "tnl/neigh/flush"
golden drop-neigh-unresolved br0 "in_port=p1,dl_src=$A,dl_dst=ff:ff:ff:ff:ff:ff,dl_type=0x88b5"
wt_log "3. a tunnel whose next hop is unresolved: $(tail -2 "$T/drop-neigh-unresolved.got" | head -1)"
wctl dp/exit >/dev/null
wt_join "$WT_PID" 20 || wt_fail "replay dataplane did not exit"

# ---- part 2: live traces ----------------------------------------------------------------------
RD=$T/live
wt_dp_start "$RD" dataplane-live
wctl add-br br0 || wt_fail "add-br"
for p in vhu0 vhu1; do
	wctl add-port br0 $p -- set Interface $p type=dpdkvhostuser || wt_fail "add-port $p"
done
wt_vmpeer vmB "$RD/vhu1.sock" 0 --recv 50 --timeout 120 --src $B --announce --src-filter $A
wt_wait "vmB ready" 30 wt_log_has vmB '^ready'
wt_wait "vhu1 link up" 15 wt_link_is vhu1 up
wt_wait "B learned" 15 wt_fdb_has br0 vhu1 $B
"$WT_CTL" --rundir "$RD" trace --live vhu0 -c 3 >"$T/live.out" 2>"$T/live.err" &
TR_PID=$!
WT_PIDS+=("$TR_PID")
live_active() {
	"$WT_PY" - "$RD/dataplane.sock" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b'{"id": 1, "method": "trace-live-poll", "params": {}}\n')
r = json.loads(s.makefile().readline())
sys.exit(0 if r["result"]["active"] else 1)
PY
}
wt_vmpeer vmA "$RD/vhu0.sock" 0 --send 50 --src $A --dst $B --rate 500 --hold
wt_wait "vmA sent 50" 30 wt_log_has vmA '^sent=50 total=50$'
wt_join "$TR_PID" 20 || wt_fail "trace --live: $(cat "$T/live.err")"
grep -q "traced 3 frames of vhu0 (count reached)" "$T/live.err" || wt_fail "live summary: $(cat "$T/live.err")"
for i in 1 2 3; do
	grep -q "^Frame $i of 3 received on vhu0 (lcore 1)$" "$T/live.out" || wt_fail "live: no frame $i: $(cat "$T/live.out")"
done
[ "$(grep -c '^Datapath actions: output:vhu1$' "$T/live.out")" = 3 ] ||
	wt_fail "live: want 3 x output:vhu1: $(cat "$T/live.out")"
[ "$(grep -c "destination $B, VLAN 0: learned on vhu1$" "$T/live.out")" = 3 ] ||
	wt_fail "live: want 3 fdb hits: $(cat "$T/live.out")"
grep -q "Dry run" "$T/live.out" && wt_fail "live traces say dry run"
grep -q "^     -> source $A, VLAN 0, on vhu0: learned$" "$T/live.out" ||
	wt_fail "live: the first frame from A is not learned: $(cat "$T/live.out")"
wt_wait "vmB received 50" 30 wt_log_has vmB 'matching=50'
[ "$(wt_stat vhu1 tx_packets)" -ge 50 ] || wt_fail "vhu1 tx_packets $(wt_stat vhu1 tx_packets), want >= 50"
live_active && wt_fail "the live trace is still active"
wt_log "4. trace --live vhu0 -c 3: 3 traces (learned B, output:vhu1), all 50 frames forwarded"

# A weftctl that dies: the dataplane ends the trace when the lease (5 s) expires.
"$WT_CTL" --rundir "$RD" trace --live vhu0 -c 1000 >/dev/null 2>&1 &
TR_PID=$!
WT_PIDS+=("$TR_PID")
wt_wait "live trace 2 active" 10 live_active
kill -KILL "$TR_PID"
wt_join "$TR_PID" 5
t0=$(date +%s)
# (a poll renews the lease: only the log is watched until the trace ends)
wt_wait "the lease to expire" 15 wt_log_has dataplane-live "live trace of vhu0 ended \(lease expired"
live_active && wt_fail "live trace still active after its lease expired"
"$WT_CTL" --rundir "$RD" trace --live nosuch >"$T/e1" 2>&1 && wt_fail "unknown port accepted"
grep -qx "weftctl: trace: no port named 'nosuch'" "$T/e1" || wt_fail "unknown port: $(cat "$T/e1")"
wt_log "5. a killed weftctl's live trace ended by its lease after $(($(date +%s) - t0)) s; unknown port refused"
echo "PASS: trace (golden dry runs, pcap, underlay, errors, no side effects, live, lease)"
