#!/bin/bash
# System test: far more vhost-user ports than Debian's DPDK allows ethdevs (RTE_MAX_ETHPORTS is
# 32): 300 dpdkvhostuser ports are hot-added to a running dataplane (each creates its socket),
# traffic between two of them still flows exactly (weft-vmpeer), and all are removed again
# (sockets gone). Binaries from $WEFT_BUILD. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup vhost-many
N_PORTS=300
RD=$T/run
wt_dp_start "$RD" dataplane
wctl add-br br0 || wt_fail "add-br"
# One weftctl call per 50 ports (chained with --), like a provisioning script would.
t0=$(date +%s.%N)
for ((i = 0; i < N_PORTS; i += 50)); do
	args=()
	for ((j = i; j < i + 50; j++)); do
		args+=(-- add-port br0 "v$j" -- set Interface "v$j" type=dpdkvhostuser)
	done
	wctl "${args[@]:1}" || wt_fail "adding ports v$i..v$((i + 49))"
done
t1=$(date +%s.%N)
n=$(ls "$RD"/v*.sock 2>/dev/null | wc -l)
[ "$n" -eq $N_PORTS ] || wt_fail "$n sockets for $N_PORTS ports"
wt_log "$N_PORTS vhost-user ports added in $(echo "$t1 - $t0" | bc) s, $n sockets"

# Traffic between the last two ports.
A=v$((N_PORTS - 2))
B=v$((N_PORTS - 1))
wt_vmpeer vmB "$RD/$B.sock" 0 --recv 1000 --timeout 60 --src 02:00:00:00:0b:01 --announce \
	--src-filter 02:00:00:00:0a:01
B_PID=$WT_PID
wt_wait "vmB ready" 30 wt_log_has vmB '^ready'
wt_wait "$B link up" 15 wt_link_is $B up
wt_vmpeer vmA "$RD/$A.sock" 0 --send 1000 --src 02:00:00:00:0a:01 --dst 02:00:00:00:0b:01 \
	--rate 20000
wt_join "$B_PID" 90 || wt_fail "vmB: not exactly 1000 intact frames in order"
grep -q 'received=1000 matching=1000 out_of_order=0 duplicates=0 missing=0 unexpected=0 corrupt=0' \
	"$T/vmB.log" || wt_fail "vmB: $(grep received= "$T/vmB.log")"
wt_log "1000 frames $A -> $B delivered"

for ((i = 0; i < N_PORTS; i += 50)); do
	args=()
	for ((j = i; j < i + 50; j++)); do args+=(-- del-port "v$j"); done
	wctl "${args[@]:1}" || wt_fail "removing ports v$i..v$((i + 49))"
done
n=$(ls "$RD"/v*.sock 2>/dev/null | wc -l)
[ "$n" -eq 0 ] || wt_fail "$n sockets left after removing every port"
wt_log "all ports removed, no socket left"
wt_stop "$WT_DP_PID" TERM || wt_fail "weft-dataplane exited with status $? on SIGTERM"
wt_log "PASS"
