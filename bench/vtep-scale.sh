#!/bin/bash
# VTEP mode at scale (docs/scaling.md): weft-controld applying a large hardware_vtep database.
#   w:   the weft stack (ovsdb-lite serving Open_vSwitch + hardware_vtep, weft-dataplane,
#        weft-controld --vtep-db --vtep-ps=ps0): br-phy (tunnel-ip 192.168.99.1/24, uplink up0 =
#        af_packet on ul0), vm1 (af_packet on vw0) bound to ls0 (tunnel_key 5000)
#   ul:  the other end of the underlay veth; it owns the $LOCS locator addresses 192.168.99.101..
#        (the kernel answers weft's ARP for them and drops the VXLAN frames: a sink)
#   vm:  namespace VM 10.77.0.1 behind vm1
# Measures, each change written by ONE ovsdb-client transaction on the VTEP database:
#   A  $LOCS Physical_Locators, one Ucast_Macs_Remote each and an unknown-dst Mcast_Macs_Remote
#      with all of them: time until the dataplane has the $LOCS tunnel ports (vx5000-IP)
#   B  $MACS - $LOCS more Ucast_Macs_Remote over the same locators: time until the fdb of vtep5000
#      has $MACS static entries
#   C  head-end replication: $NB broadcasts (ping -b) from vm, then $NB unicasts to one remote
#      MAC: encapsulations per frame and PMD busy cycles per frame (dp/show), uplink drops; one
#      frame every 10 ms, so a frame's cycles include the PMD's wake-up from its idle sleep
#   D  every remote row deleted in one transaction: time until no tunnel and no static entry
# and the CPU time of ovsdb-lite and weft-controld during B and D and in the steady state.
# Env: LOCS (100), MACS (10000), NB (300), WEFT_BUILD. Root. Prints one line per figure.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../tests/system/overlay-lib.sh"
LOCS=${LOCS:-100}
MACS=${MACS:-10000}
NB=${NB:-300}
[ "$LOCS" -ge 1 ] && [ "$LOCS" -le 150 ] || { echo "LOCS must be 1..150" >&2; exit 2; }
[ "$MACS" -ge "$LOCS" ] || { echo "MACS must be >= LOCS" >&2; exit 2; }
ov_setup vtep-scale
WT_TAG=ovnlab$$
OV_P=ovnlab$$
PATH=$PATH:/usr/sbin
VSCHEMA=/usr/share/openvswitch/vtep.ovsschema
[ -f "$VSCHEMA" ] || wt_fail "$VSCHEMA missing (scripts/deps.sh: openvswitch-vtep)"
W=$OV_P-w UL=$OV_P-ul VM=$OV_P-vm RD=$T/rd DB=unix:$T/rd/db.sock
ms() { date +%s%3N; }
cpu() { awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"; } # ms
vc() { vtep-ctl --db="$DB" --timeout=10 "$@"; }

ov_ns w
ov_ns ul
ov_ns vm
ov_veth "$W" ul0 "$UL" u0
for i in $(seq "$LOCS"); do
	ip -n "$UL" addr add "192.168.99.$((100 + i))/24" dev u0 || wt_fail "locator address $i"
done
ov_nsvm "$W" vw0 "$VM" 10.77.0.1/24
mkdir -p "$RD"
LITE=$WEFT_BUILD/ovsdb-lite/ovsdb-lite
"$LITE" create "$RD/conf.db" "$WT_TOP/ovsdb-lite/vswitch.ovsschema" || wt_fail "ovsdb-lite create"
"$LITE" create "$RD/vtep.db" "$VSCHEMA" || wt_fail "ovsdb-lite create vtep.db"
wt_spawn db "$LITE" --remote="punix:$RD/db.sock" "$RD/conf.db" "$RD/vtep.db"
DB_PID=$WT_PID
wt_wait "ovsdb-lite" 10 test -S "$RD/db.sock"
ovs-vsctl --db="$DB" --no-wait init || wt_fail "ovs-vsctl init"
ov_dp "$W" "$RD" dataplane
wt_spawn controld "$WEFT_BUILD/control/weft-controld" --db="$DB" --dataplane="$RD" \
	--stats-interval=500 --vtep-db="$DB" --vtep-ps=ps0
CTD_PID=$WT_PID
OV_CFG=ovvs
ovvs "$RD" add-br br-phy -- set Bridge br-phy other_config:tunnel-ip=192.168.99.1/24 || wt_fail "br-phy"
ov_afpacket_port "$RD" br-phy up0 ul0 0
ovvs "$RD" add-br br-local || wt_fail "br-local"
ov_afpacket_port "$RD" br-local vm1 vw0 1
vc add-ps ps0 && vc add-port ps0 vm1 && vc add-ls ls0 && vc set Logical_Switch ls0 tunnel_key=5000 &&
	vc bind-ls ps0 vm1 0 ls0 || wt_fail "vtep-ctl"
dpj() {
	local e=$1
	shift
	ovctl "$RD" --format=json "$@" | "$WT_PY" -c "import json,sys; r=json.load(sys.stdin); print($e)"
}
has_br() { dpj "any(b['name']=='vtep5000' for b in r['bridges'])" show | grep -qx True; }
wt_wait "bridge vtep5000" 15 has_br
ntun() { dpj "sum(1 for b in r['bridges'] if b['name']=='vtep5000' for p in b['ports'] if p['name'].startswith('vx5000-'))" show; }
nstatic() { dpj "sum(1 for e in r['entries'] if e['static'])" fdb/show vtep5000; }
LSU=$(vc get Logical_Switch ls0 _uuid)

# The transactions, written by Python (ovsdb-client transact reads them from the command line).
gen() { # gen A|B|D
	"$WT_PY" - "$1" "$LOCS" "$MACS" "$LSU" "$DB" <<'EOF'
import json, subprocess, sys
step, locs, macs, ls, db = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
mac = lambda i: "02:00:%02x:%02x:%02x:%02x" % ((i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255)
ops = ["hardware_vtep"]
if step == "A":
    for i in range(locs):
        ops.append({"op": "insert", "table": "Physical_Locator", "uuid-name": "l%d" % i,
                    "row": {"dst_ip": "192.168.99.%d" % (101 + i), "encapsulation_type": "vxlan_over_ipv4"}})
        ops.append({"op": "insert", "table": "Ucast_Macs_Remote",
                    "row": {"MAC": mac(i), "logical_switch": ["uuid", ls], "locator": ["named-uuid", "l%d" % i]}})
    ops.append({"op": "insert", "table": "Physical_Locator_Set", "uuid-name": "set",
                "row": {"locators": ["set", [["named-uuid", "l%d" % i] for i in range(locs)]]}})
    ops.append({"op": "insert", "table": "Mcast_Macs_Remote",
                "row": {"MAC": "unknown-dst", "logical_switch": ["uuid", ls], "locator_set": ["named-uuid", "set"]}})
elif step == "B":
    out = subprocess.run(["ovsdb-client", "transact", db, json.dumps(["hardware_vtep",
        {"op": "select", "table": "Physical_Locator", "where": [], "columns": ["_uuid", "dst_ip"]}])],
        capture_output=True, text=True, check=True).stdout
    rows = json.loads(out)[0]["rows"]
    loc = {r["dst_ip"]: r["_uuid"][1] for r in rows}
    for i in range(locs, macs):
        ops.append({"op": "insert", "table": "Ucast_Macs_Remote",
                    "row": {"MAC": mac(i), "logical_switch": ["uuid", ls],
                            "locator": ["uuid", loc["192.168.99.%d" % (101 + i % locs)]]}})
else:
    ops.append({"op": "delete", "table": "Ucast_Macs_Remote", "where": []})
    ops.append({"op": "delete", "table": "Mcast_Macs_Remote", "where": []})
print(json.dumps(ops))
EOF
}
transact() { # transact FILE: one transaction (JSON-RPC on the socket: a 10k-row transaction is
	# too long for ovsdb-client's command line); fails on an error in the reply
	"$WT_PY" - "$1" "$RD/db.sock" <<'EOF' || wt_fail "transaction $1"
import json, socket, sys
ops = json.load(open(sys.argv[1]))
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[2])
s.sendall(json.dumps({"method": "transact", "params": ops, "id": 1}).encode())
dec, buf = json.JSONDecoder(), ""
while True:
    data = s.recv(1 << 20)
    if not data:
        sys.exit("connection closed")
    buf += data.decode()
    try:
        msg, end = dec.raw_decode(buf.lstrip())
    except ValueError:
        continue
    buf = buf.lstrip()[end:]
    if msg.get("method") == "echo":
        s.sendall(json.dumps({"result": msg["params"], "error": None, "id": msg["id"]}).encode())
        continue
    if msg.get("id") != 1:
        continue
    bad = msg.get("error") or [r for r in msg["result"] if isinstance(r, dict) and "error" in r]
    if bad:
        sys.exit("error: %s" % json.dumps(bad)[:300])
    break
EOF
}
until_eq() { # until_eq WANT SECS CMD...: ms until CMD prints WANT (fails after SECS)
	local want=$1 secs=$2 t0
	shift 2
	t0=$(ms)
	until [ "$("$@" 2>/dev/null)" = "$want" ]; do
		[ $(($(ms) - t0)) -lt $((secs * 1000)) ] || wt_fail "timeout (${secs}s) waiting for $* = $want"
		sleep 0.1
	done
	echo $(($(ms) - T0))
}

gen A >"$T/a.json" || wt_fail "generating step A"
T0=$(ms)
transact "$T/a.json"
tx=$(($(ms) - T0))
t=$(until_eq "$LOCS" 60 ntun)
s=$(until_eq "$LOCS" 60 nstatic)
echo "A  $LOCS locators + $LOCS remote MACs + unknown-dst flood set, 1 transaction ($tx ms): $LOCS tunnel ports after $t ms, $LOCS static entries after $s ms"
gen B >"$T/b.json" || wt_fail "generating step B"
c0=$(cpu "$DB_PID") d0=$(cpu "$CTD_PID")
T0=$(ms)
transact "$T/b.json"
tx=$(($(ms) - T0))
s=$(until_eq "$MACS" 120 nstatic)
echo "B  $((MACS - LOCS)) more remote MACs, 1 transaction ($tx ms): $MACS static entries in vtep5000's fdb after $s ms"
echo "   CPU during B: ovsdb-lite $(($(cpu "$DB_PID") - c0)) ms, weft-controld $(($(cpu "$CTD_PID") - d0)) ms"
grep -E 'pass [0-9]+: [0-9]+ operations (to apply|applied)' "$T/controld.log" | tail -n 2 | sed 's/^/   controld: /'
# Steady state with every MAC in place: the MAC sync compares the fdb with the database every
# --stats-interval (500 ms).
sleep 1
d0=$(cpu "$CTD_PID")
sleep 4
echo "   steady, $MACS MACs: weft-controld $((($(cpu "$CTD_PID") - d0) / 4)) ms of CPU per second (MAC sync every 500 ms)"

# C. Head-end replication.
snap() { # time vm1.rx up0.tx up0.tx_dropped encapsulated busy_cycles idle_cycles tsc_hz
	ovctl "$RD" --format=json stats >"$T/stats.json"
	ovctl "$RD" --format=json dp/show | "$WT_PY" -c 'import json, sys, time
r = json.load(open(sys.argv[1]))
p = {**r.get("ports", {}), **r.get("bridges", {})}
d = json.load(sys.stdin)
busy = sum(x["busy_cycles"] for x in d["pmds"]); idle = sum(x["idle_cycles"] for x in d["pmds"])
print(time.time(), p["vm1"].get("rx_packets", 0), p["up0"].get("tx_packets", 0),
      p["up0"].get("tx_dropped", 0), p["br-phy"].get("encapsulated", 0), busy, idle, d["tsc_hz"])' "$T/stats.json"
}
burst() { # burst LABEL PING-ARGS...: NB frames from vm, the deltas
	local a b label=$1
	shift
	a=$(snap)
	ip netns exec "$VM" ping -q -c "$NB" -i 0.01 "$@" >/dev/null 2>&1
	sleep 0.5
	b=$(snap)
	"$WT_PY" - "$label" "$NB" "$a" "$b" <<'EOF'
import sys
label, n = sys.argv[1], int(sys.argv[2])
a = [float(x) for x in sys.argv[3].split()]
b = [float(x) for x in sys.argv[4].split()]
d = [y - x for x, y in zip(a, b)]
rx = d[1] or 1
print("C  %-9s %d frames from vm1 (rx %d): %.1f encapsulations each, uplink tx %d, tx_dropped %d, "
      "PMD busy %.0f cycles (%.1f us) per frame" % (label, n, d[1], d[4] / rx, d[2], d[3], d[5] / rx,
                                                     d[5] / rx / b[7] * 1e6))
EOF
}
# A permanent neighbour: the unicast frames go to remote MAC 0 (behind 192.168.99.101).
ip -n "$VM" neigh replace 10.77.0.2 lladdr 02:00:00:00:00:00 dev eth0 nud permanent
# One broadcast first: weft resolves the locators' MACs (ARP) before the measured frames.
ip netns exec "$VM" ping -c 1 -W 1 -b 10.77.0.255 >/dev/null 2>&1
sleep 1
burst broadcast -b 10.77.0.255
burst unicast 10.77.0.2

# D. Everything removed at once.
gen D >"$T/d.json"
c0=$(cpu "$DB_PID") d0=$(cpu "$CTD_PID")
T0=$(ms)
transact "$T/d.json"
tx=$(($(ms) - T0))
t=$(until_eq 0 120 ntun)
s=$(until_eq 0 120 nstatic)
echo "D  every remote row deleted, 1 transaction ($tx ms): 0 tunnel ports after $t ms, 0 static entries after $s ms"
echo "   CPU during D: ovsdb-lite $(($(cpu "$DB_PID") - c0)) ms, weft-controld $(($(cpu "$CTD_PID") - d0)) ms"
errs=$(grep -cE '\|ERR\|' "$T/controld.log")
echo "   controld: $errs ERR lines; RSS weft-controld $(ps -o rss= -p "$CTD_PID" | tr -d ' ') kB"
