#!/bin/bash
# System test: weft-dataplane killed -9 under traffic while its guests sit on
# dpdkvhostuserclient ports (the guests own the vhost-user sockets and are NOT restarted).
# The whole stack runs (ovsdb-lite, weft-controld); a new weft-dataplane is started at once on
# the same rundir, weft-controld re-programs it from the database, it reconnects to the guests.
# Checks, exactly:
#   1. weft-controld re-programmed the new dataplane (its ports added a second time); the gaps,
#      measured by a poller over the control socket (every 5 ms): kill -> control socket up,
#      socket up -> first frame delivered again to the receiving guest (vhc1 tx_packets > 0 on
#      the new dataplane), kill -> first frame; printed; socket -> traffic must be < 1 s;
#   2. both guests saw their link go down and up (they kept running: same PIDs);
#   3. after resuming, the same guests run an exact count: the sender goes on with seq M..2M-1
#      and the receiver gets all N once each, in order (frames of the run cut by the kill,
#      seq < M, are counted apart and printed).
# About 15 s. Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup dp-kill-client
RD=$T/run
source "$(dirname "$0")/controld-lib.sh"

RATE=5000
M=$((RATE * 5)) # the run cut by the kill (~5 s of frames); then the exact-count run, M more
N=$M            # (SIGUSR1: the sender sends as many again, seq M..2M-1)
MAC_A=02:00:00:00:0a:03
MAC_B=02:00:00:00:0b:03
SOCK_A=$T/vmA.sock
SOCK_B=$T/vmB.sock

# The guests first: they own the sockets (virtio_user server=1) and wait for the switch.
# B has a 4096-entry ring: descheduled for up to 0.8 s on a loaded machine, it loses nothing.
WT_VMPEER_QSIZE=4096 wt_vmpeer vmB "$SOCK_B" 1 --recv $N --seq-start $M --before-ok --timeout 150 \
	--grace 1000 --src $MAC_B --announce --src-filter $MAC_A --rx-ring 4096
B_PID=$WT_PID
wt_vmpeer vmA "$SOCK_A" 1 --send $M --src $MAC_A --dst $MAC_B --rate $RATE --hold --timeout 150 \
	--announce
A_PID=$WT_PID
wt_wait "guest sockets" 30 test -S "$SOCK_A" -a -S "$SOCK_B"

ct_stack
vs add-br br0 -- add-port br0 vhc1 -- set Interface vhc1 type=dpdkvhostuserclient \
	options:vhost-server-path="$SOCK_B" \
	-- add-port br0 vhc0 -- set Interface vhc0 type=dpdkvhostuserclient \
	options:vhost-server-path="$SOCK_A" || wt_fail "ovs-vsctl configuration"
wt_wait "vhc0 and vhc1 up" 20 eval 'wt_link_is vhc0 up && wt_link_is vhc1 up'
flowing() { [ "$(wt_stat vhc1 tx_packets)" -ge "$1" ]; }
wt_wait "traffic flowing" 30 flowing 2000

# The poller: waits for a new control socket (a dataplane of another pid answers), then asks for vhc1's
# counters every 5 ms until a frame has left by it. Prints realtime stamps.
cat >"$T/poll.py" <<'PYEOF'
import json, socket, sys, time
path = sys.argv[1]
def ask(f, method, params):
    f.write(json.dumps({"id": 1, "method": method, "params": params}) + "\n")
    f.flush()
    line = f.readline()
    if not line:
        raise OSError("EOF")
    return json.loads(line).get("result")
def connect():
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    return s.makefile("rw")
old = ask(connect(), "dp-show", {})["pid"]
print("ready", flush=True)
deadline = time.monotonic() + 60
f = None
t_sock = None
while True:
    if time.monotonic() > deadline:
        sys.exit("no traffic 60 s after the kill (socket up: %s)" % (t_sock is not None))
    try:
        if f is None:
            f = connect()
            if ask(f, "dp-show", {})["pid"] == old:
                raise OSError("the old dataplane")
            if t_sock is None:
                t_sock = time.time()
        r = ask(f, "stats", {"name": "vhc1"})
        if r and r["ports"]["vhc1"]["tx_packets"] > 0:
            print("t_sock=%.6f t_resume=%.6f" % (t_sock, time.time()), flush=True)
            break
    except OSError:
        f = None
    time.sleep(0.005)
PYEOF
"$WT_PY" "$T/poll.py" "$RD/dataplane.sock" >"$T/poll.out" 2>&1 &
POLL_PID=$!
wt_wait "poller ready" 10 grep -q '^ready' "$T/poll.out"
before_kill=$(wt_stat vhc1 tx_packets)
! wt_log_has vmA '^sent=' || wt_fail "the first run ended before the kill: raise M"

t_kill=$(date +%s.%N)
wt_stop "$WT_DP_PID" KILL
WT_N_DPDK=$((WT_N_DPDK + 1))
wt_spawn dataplane2 "$WT_DP" -l 0-1 --no-huge -m 1024 --no-pci \
	--file-prefix="$WT_TAG-dp$WT_N_DPDK" -- --rundir "$RD" --pmd-sleep-max 1000
WT_DP_PID=$WT_PID
wait $POLL_PID || wt_fail "restart not measured: $(cat "$T/poll.out")"
read -r g_sock g_resume g_total < <("$WT_PY" -c "
import re,sys
d=dict(re.findall(r'(\w+)=([0-9.]+)', open('$T/poll.out').read()))
k=float('$t_kill'); s=float(d['t_sock']); r=float(d['t_resume'])
print(int((s-k)*1000), int((r-s)*1000), int((r-k)*1000))")
wt_log "dataplane killed -9 at vhc1 tx_packets=$before_kill; kill -> control socket ${g_sock} ms," \
	"socket -> first frame delivered ${g_resume} ms, kill -> first frame ${g_total} ms"
[ "$g_resume" -lt 1000 ] || wt_fail "traffic resumed ${g_resume} ms after the restart, want < 1000"

wt_log_has controld 'port-add vhc0 on br0' 2 && wt_log_has controld 'port-add vhc1 on br0' 2 ||
	wt_fail "weft-controld did not re-program the new dataplane"

# 2. The guests kept running and saw the outage.
kill -0 "$A_PID" && kill -0 "$B_PID" || wt_fail "a guest exited"
wt_log_has vmA '^link down' && wt_log_has vmB '^link down' || wt_fail "guests saw no link down"
wt_wait "both guests up again" 20 eval "wt_log_has vmA '^ready' 2 && wt_log_has vmB '^ready' 2"
wt_wait "vmA finished the cut run" 60 wt_log_has vmA "^sent=$M total=$M\$"

# 3. Exact count with the same guests.
kill -USR1 "$A_PID"
wt_wait "vmA sent $N more" 60 wt_log_has vmA "^sent=$N total=$((M + N))\$"
wt_join "$B_PID" 60 || wt_fail "vmB exited with status $? (lost, duplicated or extra frames)"
want="received=[0-9]+ matching=[0-9]+ out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0"
wt_log_has vmB "^$want\$" || wt_fail "vmB: $(grep -a '^received=' "$T/vmB.log")"
m=$(sed -n 's/.*matching=\([0-9]*\).*/\1/p' "$T/vmB.log")
before=$(sed -n 's/^before=//p' "$T/vmB.log")
[ "$m" = $((N + before)) ] || wt_fail "vmB matching=$m, want $N + $before"
wt_log "after the restart, same guests: $N frames sent, $N received once each in order" \
	"($(grep -a '^received=' "$T/vmB.log")); $before frames of the cut run arrived"
wt_log "PASS"
