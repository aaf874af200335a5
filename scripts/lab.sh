#!/bin/bash
# weft lab: two hosts with a VXLAN overlay, on one machine, as root.
#
#   scripts/lab.sh [up]   installs what is missing (scripts/deps.sh), builds (meson setup build,
#                         ninja -C build; or uses $WEFT_BUILD), creates the lab, checks it, prints
#                         a table and the weftctl commands to look around, then keeps running
#                         until `scripts/lab.sh down` (or Ctrl-C); everything is torn down then.
#   scripts/lab.sh check  the same, then tears everything down; exit 0 only if every check
#                         passed (well under 3 minutes on 2 cores). tests/system/lab-check.sh.
#   scripts/lab.sh down   stops a running `lab.sh up` (and removes what a killed one left).
#   scripts/lab.sh ovn    weft as an OVN VTEP gateway (issue 13): OVN central with NB and SB as
#                         3-member Raft clusters, two Open vSwitch userspace chassis, weft driven
#                         by ovn-controller-vtep; checks, prints a results table, keeps running
#                         until `scripts/lab.sh ovn-down`. `scripts/lab.sh ovn-check`: the same,
#                         torn down, exit 0 only if every check passed (25-40 s;
#                         tests/system/ovn-lab.sh). Everything about it: scripts/ovn-lab.sh.
#
# Topology (VNI 100, overlay 10.100.0.0/24, underlay 192.168.99.0/24):
#   Each host runs ovsdb-lite + weft-controld + weft-dataplane, configured through its
#   database: hostA with weftctl, hostB with the real ovs-vsctl.
#   hostA: weft (rundir <R>/hostA), br-phy tunnel-ip 192.168.99.1/24, uplink up0 = net_af_xdp
#          on ulA with weft's XDP program (vxlan/xdp); br0: vx1 (-> .2, key 100),
#          qA = QEMU guest 10.100.0.1 (vhost-user), nA = namespace VM 10.100.0.11 (AF_XDP)
#   hostB: weft (rundir <R>/hostB), br-phy tunnel-ip 192.168.99.2/24, uplink up0 =
#          net_af_packet on ulB; br0: vx1 (-> .1, key 100),
#          qB = QEMU guest 10.100.0.2, nB = namespace VM 10.100.0.21
#   ulA <-> ulB: a veth pair (the underlay wire).
# Checks: every VM pair pings (the guests ping each other from their init, the namespace VMs
# ping everyone); underlay frames (kernel counters of ulB, rx+tx, i.e. every frame on the wire)
# during each pair's measured pings: 0 for on-host pairs, > 0 for cross-host pairs; iperf3
# TCP nA -> nB and nB -> nA across the overlay give a throughput (>= 1 Mbit/s), the namespace
# VMs' partial checksums (offloads on) were completed by weft (>= 1000 each); hostB's kernel
# pings hostA's kernel address on the NIC weft shares through XDP (192.168.99.11/.12 are the
# kernels' own underlay addresses).
# Namespace VMs keep their veth offloads (no ethtool step: partial checksums, which weft
# completes, and GSO, which an XDP program on the host end makes the kernel segment first, so
# their host ends are AF_XDP ports, not af_packet: vxlan/README.md "Partial checksums").
# Namespace VMs are veth pairs whose host end is a net_af_xdp port: a net_tap interface moved
# into another namespace reports link down to its PMD (it asks by name in its own namespace).
# Env: WEFT_BUILD (use this build dir), LAB_IPERF_SECS (default 5), GUEST_TIMEOUT (s, 120).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
MODE=${1:-up}
LAB_RUN=/run/weft-lab
OVNLAB_RUN=/run/weft-ovnlab
case $MODE in
up | check | ovn | ovn-check) ;;
ovn-down)
	pid=$(cat "$OVNLAB_RUN/lab.pid" 2>/dev/null)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		for _ in $(seq 300); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && { echo "lab.sh: pid $pid did not stop" >&2; exit 1; }
		echo "lab.sh: OVN lab (pid $pid) stopped"
	else
		# A lab killed with SIGKILL leaves its daemons (their pid files are in its directory)
		# and its namespaces (prefix weftovnlab-): remove only those.
		dir=$(cat "$OVNLAB_RUN/dir" 2>/dev/null)
		if [ -n "$dir" ] && [ -d "$dir" ]; then
			find "$dir" -name '*.pid' -print0 | while read -r -d '' f; do
				p=$(cat "$f" 2>/dev/null) && [ -n "$p" ] && kill -TERM "$p" 2>/dev/null
			done
		fi
		n=0
		for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^weftovnlab-/ {print $1}'); do
			ip netns del "$ns" && n=$((n + 1))
		done
		rm -rf "$OVNLAB_RUN"
		echo "lab.sh: no OVN lab running (removed $n leftover namespaces)"
	fi
	exit 0
	;;
down)
	pid=$(cat "$LAB_RUN/lab.pid" 2>/dev/null)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		for _ in $(seq 300); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && { echo "lab.sh: pid $pid did not stop" >&2; exit 1; }
		echo "lab.sh: lab (pid $pid) stopped"
	else
		# A lab killed with SIGKILL leaves its namespaces: remove only ours (prefix weftlab-).
		n=0
		for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^weftlab-/ {print $1}'); do
			ip netns del "$ns" && n=$((n + 1))
		done
		rm -rf "$LAB_RUN"
		echo "lab.sh: no lab running (removed $n leftover namespaces)"
	fi
	exit 0
	;;
*)
	echo "usage: $0 [up|check|down|ovn|ovn-check|ovn-down]" >&2
	exit 2
	;;
esac
[ "$(id -u)" = 0 ] || { echo "lab.sh: run as root (namespaces, vhost-user, XDP)" >&2; exit 1; }

"$TOP/scripts/deps.sh" || { echo "lab.sh: scripts/deps.sh failed" >&2; exit 1; }
if [ -z "${WEFT_BUILD:-}" ]; then
	WEFT_BUILD=$TOP/build
	if [ ! -f "$WEFT_BUILD/build.ninja" ]; then
		meson setup "$WEFT_BUILD" "$TOP" >/dev/null || { echo "lab.sh: meson setup failed" >&2; exit 1; }
	fi
fi
ninja -C "$WEFT_BUILD" >"/tmp/weft-lab-build.$$.log" 2>&1 ||
	{ tail -n 30 "/tmp/weft-lab-build.$$.log"; echo "lab.sh: build failed" >&2; exit 1; }
rm -f "/tmp/weft-lab-build.$$.log"
export WEFT_BUILD
case $MODE in
ovn)
	pid=$(cat "$OVNLAB_RUN/lab.pid" 2>/dev/null)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		echo "lab.sh: an OVN lab is already running (pid $pid); scripts/lab.sh ovn-down first" >&2
		exit 1
	fi
	grep -q '^weftovnlab-' <<<"$(ip netns list)" && "$0" ovn-down >/dev/null
	exec "$TOP/scripts/ovn-lab.sh" up
	;;
ovn-check) exec "$TOP/scripts/ovn-lab.sh" check ;;
esac

source "$TOP/tests/system/overlay-lib.sh"
if [ "$MODE" = up ]; then
	pid=$(cat "$LAB_RUN/lab.pid" 2>/dev/null)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		echo "lab.sh: a lab is already running (pid $pid); scripts/lab.sh down first" >&2
		exit 1
	fi
	grep -q '^weftlab-' <<<"$(ip netns list)" && "$0" down >/dev/null
fi
ov_setup lab
LAB_FAILED=0
if [ "$MODE" = up ]; then
	OV_P=weftlab # fixed names, for the commands printed at the end
	RUN=$LAB_RUN
	rm -rf "$RUN"
	mkdir -p "$RUN"
	echo $$ >"$RUN/lab.pid"
	trap 'exit 0' TERM INT # `lab.sh down`: a normal stop, the EXIT trap tears down
	lab_cleanup_run() { rm -rf "$LAB_RUN"; }
else
	OV_P=weftlab$$
	RUN=$T/run
	mkdir -p "$RUN"
	lab_cleanup_run() { :; }
fi
lab_exit() {
	local rc=$?
	lab_cleanup_run
	(exit "$rc")
	ov_cleanup
}
trap lab_exit EXIT
for b in "$OV_XDP_OBJ" "$OV_XDP_CFG"; do
	[ -e "$b" ] || wt_fail "missing $b (needs clang and libbpf-dev: scripts/deps.sh)"
done
command -v qemu-system-x86_64 >/dev/null || wt_fail "qemu-system-x86_64 missing (scripts/deps.sh)"
GDIR=$("$TOP/tests/qemu/mkguest.sh") || wt_fail "guest image build failed (tests/qemu/mkguest.sh)"
IPERF_SECS=${LAB_IPERF_SECS:-5}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-120}
A=$OV_P-hostA B=$OV_P-hostB NA=$OV_P-nA NB=$OV_P-nB
RA=$RUN/hostA RB=$RUN/hostB
declare -A IP=([qA]=10.100.0.1 [qB]=10.100.0.2 [nA]=10.100.0.11 [nB]=10.100.0.21)
declare -A HOST=([qA]=A [qB]=B [nA]=A [nB]=B)
ROWS=()

wt_log "building the lab in namespaces $OV_P-* (logs in $T)"
ov_ns hostA
ov_ns hostB
ov_ns nA
ov_ns nB
ov_veth "$A" ulA "$B" ulB
# The hosts' kernels keep addresses of their own on the underlay NICs: hostA's NIC is shared
# through weft's XDP program (only weft's ARP/ICMP/VXLAN go to the AF_XDP socket).
ip -n "$A" addr add 192.168.99.11/24 dev ulA
ip -n "$B" addr add 192.168.99.12/24 dev ulB
ov_nsvm "$A" vnA "$NA" "${IP[nA]}/24" offload
ov_nsvm "$B" vnB "$NB" "${IP[nB]}/24" offload
ip -n "$NA" link set eth0 mtu 1450 # 1500 underlay - 50 bytes of VXLAN over IPv4
ip -n "$NB" link set eth0 mtu 1450

# Each host runs the full stack (ovsdb-lite, weft-dataplane, weft-controld) and is configured
# through its database: hostA with weftctl, hostB with the real ovs-vsctl (neither with
# --no-wait: each command returns once weft-controld has it live in the dataplane).
ov_stack "$A" "$RA" weftA
ov_stack "$B" "$RB" weftB
declare -A CFG=([A]=ovwc [B]=ovvs)
ovwc "$RA" add-br br-phy -- set Bridge br-phy other_config:tunnel-ip=192.168.99.1/24 ||
	wt_fail "hostA: br-phy"
ovwc "$RA" add-port br-phy up0 -- set Interface up0 type=dpdk \
	options:dpdk-devargs="net_af_xdp0,iface=ulA,xdp_prog=$OV_XDP_OBJ" || wt_fail "hostA: up0 (af_xdp)"
ip netns exec "$A" "$OV_XDP_CFG" ulA set 192.168.99.1 4789 || wt_fail "hostA: weft-xdp-cfg"
ovvs "$RB" add-br br-phy -- set Bridge br-phy other_config:tunnel-ip=192.168.99.2/24 ||
	wt_fail "hostB: br-phy"
OV_CFG=ovvs ov_afpacket_port "$RB" br-phy up0 ulB 0
for h in A B; do
	rd=$RUN/host$h
	[ $h = A ] && remote=192.168.99.2 || remote=192.168.99.1
	c=${CFG[$h]}
	$c "$rd" add-br br0 || wt_fail "host$h: br0"
	$c "$rd" add-port br0 vx1 -- set Interface vx1 type=vxlan options:remote_ip=$remote \
		options:key=100 || wt_fail "host$h: vx1"
	$c "$rd" add-port br0 q$h -- set Interface q$h type=dpdkvhostuser || wt_fail "host$h: q$h"
done
OV_CFG=ovwc ov_afxdp_port "$RA" br0 nA vnA 1
OV_CFG=ovvs ov_afxdp_port "$RB" br0 nB vnB 0

wire() { ov_veth_pkts "$B" ulB; }

# QEMU guests (TCG): each pings the other from its init (tests/qemu/guest-init), then stays up
# to answer. ipv6.disable=1: no IPv6 chatter flooded across the overlay.
declare -A G_PID
wire0=$(wire)
for h in A B; do
	[ $h = A ] && o=B || o=A
	wt_spawn "q$h" nice -n 10 qemu-system-x86_64 -accel tcg -m 256 -smp 1 -no-reboot \
		-nodefaults -no-user-config -display none -serial stdio \
		-object memory-backend-memfd,id=mem,size=256M,share=on -numa node,memdev=mem \
		-kernel "$GDIR/vmlinuz" -initrd "$GDIR/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1 ipv6.disable=1 weft.ip=${IP[q$h]}/24 weft.peer=${IP[q$o]} weft.tries=$GUEST_TIMEOUT" \
		-chardev "socket,id=c0,path=$RUN/host$h/q$h.sock" -netdev vhost-user,id=n0,chardev=c0 \
		-device "virtio-net-pci,netdev=n0,mac=52:54:00:64:00:0$([ $h = A ] && echo 1 || echo 2),vectors=0,romfile="
	G_PID[$h]=$WT_PID
done
wt_log "weft on hostA and hostB, guests qA and qB booting (TCG)"

fail() {
	echo "CHECK FAILED: $*"
	LAB_FAILED=1
}

# A pair's row: "a b where by result frames verdict".
row() {
	ROWS+=("$(printf '%-4s %-12s <-> %-4s %-12s %-10s %-12s %-9s %8s  %s' "$1" "${IP[$1]}" "$2" "${IP[$2]}" "$3" "$4" "$5" "$6" "$7")")
}

# Pings from namespace VM $1 to VM $2: one ARP warm-up ping, then 5 counted on the wire.
ns_pair() {
	local from=$1 to=$2 where ok=0 w0 w1 n v got
	[ "${HOST[$from]}" = "${HOST[$to]}" ] && where=on-host || where=cross-host
	for _ in 1 2 3; do
		ov_ping "$OV_P-$from" "${IP[$to]}" 1 && { ok=1; break; }
	done
	sleep 0.3
	w0=$(wire)
	got=$(ip netns exec "$OV_P-$from" ping -c 5 -W 1 -i 0.2 "${IP[$to]}" 2>/dev/null |
		sed -n 's/.* \([0-9]*\) received.*/\1/p')
	[ "${got:-0}" = 5 ] || ok=0
	w1=$(wire)
	n=$((w1 - w0))
	v=PASS
	[ $ok = 1 ] || { v=FAIL; fail "$from -> $to: ${got:-0}/5 answered"; }
	if [ $where = on-host ] && [ $n != 0 ]; then
		v=FAIL
		fail "$from -> $to (on-host): $n frames on the underlay"
	fi
	if [ $where = cross-host ] && [ $n -lt 10 ]; then
		v=FAIL
		fail "$from -> $to (cross-host): $n frames on the underlay, want >= 10"
	fi
	row "$from" "$to" $where "$from (ping)" "${got:-0}/5" "$n" $v
}

# 1. The guests' own pings (qA <-> qB, cross-host): wait for both verdicts.
end=$(($(date +%s) + GUEST_TIMEOUT + 30))
until wt_log_has qA 'WEFT_PING_(OK|FAIL)' && wt_log_has qB 'WEFT_PING_(OK|FAIL)'; do
	for h in A B; do
		kill -0 "${G_PID[$h]}" 2>/dev/null || wt_fail "guest q$h (QEMU) exited"
	done
	[ "$(date +%s)" -lt "$end" ] || wt_fail "no ping verdict from both guests in ${GUEST_TIMEOUT}s"
	sleep 0.5
done
n=$(($(wire) - wire0))
if wt_log_has qA WEFT_PING_OK && wt_log_has qB WEFT_PING_OK; then
	v=PASS
	[ $n -ge 12 ] || { v=FAIL; fail "qA <-> qB: $n frames on the underlay, want >= 12"; }
	row qA qB cross-host "guests" "3/3 each" "$n" $v
else
	fail "qA <-> qB: a guest could not ping the other (see $T/qA.log, $T/qB.log)"
	row qA qB cross-host "guests" "lost" "$n" FAIL
fi
wt_log "guests pinged each other ($(grep -aho 'WEFT_PING_[A-Z]* [^ ]* -> [^ ]*' "$T/qA.log" "$T/qB.log" | tr '\n' ' '))"
# A VM probes a neighbour it learned from a request by unicast 5 s after using it: let the
# guests' probes pass so that they do not land in an on-host pair's measurement.
sleep 6

# 2. On-host pairs, then 3. cross-host pairs (same reason: probes after cross-host use).
ns_pair nA qA
ns_pair nB qB
ns_pair nA nB
ns_pair nA qB
ns_pair nB qA

# 4. iperf3 TCP across the overlay, both directions (-R: the server in nB sends).
IPERF=()
iperf() { # iperf "" | -R
	local dir=$1 what mbps w0 w1 pid
	[ -z "$dir" ] && what="nA -> nB" || what="nB -> nA"
	wt_spawn iperf3-server ip netns exec "$NB" iperf3 -s -1 -B "${IP[nB]}"
	pid=$WT_PID
	wt_wait "iperf3 server listening" 10 sh -c "ip netns exec '$NB' ss -ltn | grep -q ':5201 '"
	w0=$(wire)
	mbps=$(ip netns exec "$NA" iperf3 -c "${IP[nB]}" $dir -t "$IPERF_SECS" -J 2>>"$T/iperf3-client.err" |
		"$WT_PY" -c "import json,sys; r=json.load(sys.stdin); print('%.1f' % (r['end']['sum_received']['bits_per_second'] / 1e6))" 2>>"$T/iperf3-client.err")
	w1=$(wire)
	wt_stop "$pid" TERM || true
	if [ -n "$mbps" ] && [ "${mbps%.*}" -ge 1 ]; then
		IPERF+=("$(printf 'iperf3 TCP %s (cross-host, %s s): %8s Mbit/s, %7d underlay frames   PASS' "$what" "$IPERF_SECS" "$mbps" $((w1 - w0)))")
	else
		fail "iperf3 $what: no throughput ($(tail -n 3 "$T/iperf3-client.err" | tr '\n' ' '))"
		IPERF+=("iperf3 TCP $what (cross-host): FAIL")
	fi
}
iperf ""
iperf -R
# The namespace VMs kept their offloads: weft completed their partial TCP checksums.
csA=$(ov_stat "$RA" nA rx_csum_completed) csB=$(ov_stat "$RB" nB rx_csum_completed)
if [ "$csA" -ge 1000 ] && [ "$csB" -ge 1000 ]; then
	IPERF+=("$(printf 'partial checksums (VM offloads on) completed by weft: nA %d, nB %d   PASS' "$csA" "$csB")")
else
	fail "partial checksums completed: nA $csA, nB $csB (want >= 1000 each: VM offloads on)"
	IPERF+=("partial checksums completed: nA $csA, nB $csB   FAIL")
fi

# 5. The shared NIC: hostB's kernel pings hostA's kernel address on ulA (XDP_PASS), last, so
# that the kernels' own ARP traffic cannot fall into a VM pair's measurement.
p0=$(ip netns exec "$A" "$OV_XDP_CFG" ulA show | sed -n 's/.* pass=\([0-9]*\).*/\1/p')
if ov_ping "$B" 192.168.99.11 || ov_ping "$B" 192.168.99.11; then
	p1=$(ip netns exec "$A" "$OV_XDP_CFG" ulA show | sed -n 's/.* pass=\([0-9]*\).*/\1/p')
	if [ $((p1 - p0)) -ge 3 ]; then
		KERNEL_ROW="hostB kernel 192.168.99.12 -> hostA kernel 192.168.99.11 on weft's AF_XDP NIC: answered, XDP passed $((p1 - p0)) frames to hostA's kernel   PASS"
	else
		fail "kernel ping on ulA: XDP pass counter grew by $((p1 - p0)), want >= 3"
		KERNEL_ROW="hostB kernel -> hostA kernel on weft's AF_XDP NIC: FAIL (XDP pass +$((p1 - p0)))"
	fi
else
	fail "hostB's kernel cannot ping hostA's kernel address 192.168.99.11 on the AF_XDP NIC"
	KERNEL_ROW="hostB kernel -> hostA kernel on weft's AF_XDP NIC: FAIL"
fi

# Weft's own view.
encA=$(ov_stat "$RA" br-phy encapsulated) decA=$(ov_stat "$RA" br-phy decapsulated)
encB=$(ov_stat "$RB" br-phy encapsulated) decB=$(ov_stat "$RB" br-phy decapsulated)
xdp=$(ip netns exec "$A" "$OV_XDP_CFG" ulA show)
# The database path: every interface created by weft-controld (an ofport, no error) and the
# last change live (cur_cfg = next_cfg).
CFG_ROW=
for h in A B; do
	rd=$RUN/host$h
	cur=$(ovvs "$rd" get Open_vSwitch . cur_cfg) next=$(ovvs "$rd" get Open_vSwitch . next_cfg)
	bad=$(ovvs "$rd" --bare --columns=name,ofport find Interface 'ofport<1' | grep -c .)
	errs=$(ovvs "$rd" --bare --columns=error list Interface | grep -c .)
	if [ "$cur" = "$next" ] && [ "$bad" -eq 0 ] && [ "$errs" -eq 0 ]; then
		tool=$([ $h = A ] && echo weftctl || echo ovs-vsctl)
		CFG_ROW+="host$h: $tool -> ovsdb-lite -> weft-controld -> dataplane: cur_cfg=$cur=next_cfg, every interface has an ofport, no error   PASS"$'\n'
	else
		CFG_ROW+="host$h: database path: cur_cfg=$cur next_cfg=$next, $bad interface(s) without ofport, $errs error(s)   FAIL"$'\n'
		LAB_FAILED=1
	fi
done

echo
echo "weft lab: two hosts, VNI 100 (underlay frames = frames on the ulA<->ulB wire, rx+tx of ulB)"
printf '%-4s %-12s     %-4s %-12s %-10s %-12s %-9s %8s  %s\n' VM ip VM ip where "pinged by" result frames check
for r in "${ROWS[@]}"; do echo "$r"; done
for r in "${IPERF[@]}"; do echo "$r"; done
echo "hostA: encapsulated=$encA decapsulated=$decA   hostB: encapsulated=$encB decapsulated=$decB"
echo "$KERNEL_ROW"
echo "hostA XDP program on ulA: $xdp"
printf '%s' "$CFG_ROW"
if [ "$MODE" = check ]; then
	if [ $LAB_FAILED = 0 ]; then
		echo "lab check: every check passed"
		exit 0
	fi
	echo "lab check: FAILED"
	exit 1
fi
echo "Look around:"
C=$WEFT_BUILD/cli/weftctl
for h in A B; do
	echo "  $C --rundir $RUN/host$h show            (the database, as ovs-vsctl show; weft-controld applies it)"
	echo "  $C --direct --rundir $RUN/host$h show   (the dataplane's own view)"
	echo "  $C --rundir $RUN/host$h stats"
	echo "  $C --rundir $RUN/host$h fdb/show br0"
	echo "  $C --rundir $RUN/host$h dp/show"
	echo "  $C --rundir $RUN/host$h tnl/neigh/show"
done
echo "  ip netns exec $NA ping ${IP[nB]}        ip netns exec $NA iperf3 -c ${IP[nB]} (server: ip netns exec $NB iperf3 -s)"
echo "  ip netns exec $A $OV_XDP_CFG ulA show"
echo "  guest consoles: $T/qA.log $T/qB.log; weft logs: $T/weftA.log $T/weftB.log (dataplane),"
echo "  $T/weftA-controld.log $T/weftB-controld.log, $T/weftA-db.log $T/weftB-db.log"
echo
[ $LAB_FAILED = 0 ] && echo "lab is up; every check passed." || echo "lab is up, but some checks FAILED (above)."
echo "scripts/lab.sh down (or Ctrl-C) tears it down."
while :; do
	sleep 1
done
