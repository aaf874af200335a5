#!/bin/bash
# weft.sh: starts, stops and reports the whole weft stack on this host, like OVS's ovs-ctl:
#
#   ovsdb-lite (the database, <rundir>/db.sock)  ->  weft-controld  ->  weft-dataplane
#
#   scripts/weft.sh start [-- DATAPLANE_ARGS...]   start what is not running (idempotent)
#   scripts/weft.sh stop                           stop controld, the dataplane, the database
#   scripts/weft.sh status                         one line per process; exit 0 if all run
#   scripts/weft.sh restart [-- DATAPLANE_ARGS...]
#
# Environment (defaults):
#   WEFT_RUNDIR  /run/weft                    sockets, pid files, logs
#   WEFT_DB      /var/lib/weft/conf.db        the database file (created from the schema)
#   WEFT_BUILD   <repo>/build                 where the binaries are (ninja -C build)
#   WEFT_VTEP_PS (unset)                      VTEP mode: this host is that Physical_Switch;
#                                             the database server also serves WEFT_VTEP_DB
#                                             (hardware_vtep) on the same socket, for
#                                             vtep-ctl / ovn-controller-vtep (docs/controld.md)
#   WEFT_VTEP_DB /var/lib/weft/vtep.db        the hardware_vtep database file (created from
#                                             openvswitch-vtep's vtep.ovsschema)
#   WEFT_SOCK_GROUP  (unset)                  group of db.sock and dataplane.sock (both are
#                                             mode 0660; read by ovsdb-lite and the dataplane)
# DATAPLANE_ARGS default to "-l 0-1 -- --pmd-sleep-max 1000" (EAL args, then weft's; the run
# directory is added). Then: weftctl show, or ovs-vsctl --db=unix:$WEFT_RUNDIR/db.sock show.
# Processes are found by their pid files only; nothing else is ever signalled.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
RUNDIR=${WEFT_RUNDIR:-/run/weft}
DB=${WEFT_DB:-/var/lib/weft/conf.db}
BUILD=${WEFT_BUILD:-$TOP/build}
LITE=$BUILD/ovsdb-lite/ovsdb-lite
DP=$BUILD/dataplane/weft-dataplane
CTD=$BUILD/control/weft-controld
SCHEMA=$TOP/ovsdb-lite/vswitch.ovsschema
VTEP_PS=${WEFT_VTEP_PS:-}
VTEP_DB=${WEFT_VTEP_DB:-/var/lib/weft/vtep.db}
VTEP_SCHEMA=/usr/share/openvswitch/vtep.ovsschema
# name:pidfile:socket it serves (empty: none)
PROCS=("ovsdb-lite:$RUNDIR/ovsdb-lite.pid:$RUNDIR/db.sock"
	"weft-dataplane:$RUNDIR/dataplane.pid:$RUNDIR/dataplane.sock"
	"weft-controld:$RUNDIR/controld.pid:")

die() { echo "weft.sh: $*" >&2; exit 1; }

pid_of() { # pidfile -> pid of a live process, or nothing
	local p
	[ -r "$1" ] && p=$(head -n1 "$1") && [[ $p =~ ^[0-9]+$ ]] && kill -0 "$p" 2>/dev/null &&
		echo "$p"
}

wait_for() { # DESC SECS CMD...: polls CMD every 0.1 s
	local desc=$1 n=$(($2 * 10)); shift 2
	for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
	die "$desc did not happen within ${n}00 ms (see $RUNDIR/*.log)"
}

start() {
	local dp_args=("-l" "0-1" "--" "--pmd-sleep-max" "1000")
	[ $# -gt 0 ] && dp_args=("$@")
	for b in "$LITE" "$DP" "$CTD"; do
		[ -x "$b" ] || die "$b is not built (run: meson setup build && ninja -C build)"
	done
	mkdir -p "$RUNDIR" "$(dirname "$DB")" || die "cannot create $RUNDIR or $(dirname "$DB")"
	if [ ! -e "$DB" ]; then
		"$LITE" create "$DB" "$SCHEMA" || die "cannot create the database $DB"
	fi
	local dbs=("$DB") vtep=()
	if [ -n "$VTEP_PS" ]; then
		[ -f "$VTEP_SCHEMA" ] || die "$VTEP_SCHEMA missing (openvswitch-vtep, scripts/deps.sh)"
		mkdir -p "$(dirname "$VTEP_DB")" || die "cannot create $(dirname "$VTEP_DB")"
		if [ ! -e "$VTEP_DB" ]; then
			"$LITE" create "$VTEP_DB" "$VTEP_SCHEMA" || die "cannot create $VTEP_DB"
		fi
		dbs+=("$VTEP_DB")
		vtep=(--vtep-db="unix:$RUNDIR/db.sock" --vtep-ps="$VTEP_PS")
	fi
	if [ -z "$(pid_of "$RUNDIR/ovsdb-lite.pid")" ]; then
		"$LITE" --remote="punix:$RUNDIR/db.sock" --pidfile="$RUNDIR/ovsdb-lite.pid" \
			--log-file="$RUNDIR/ovsdb-lite.log" --detach "${dbs[@]}" ||
			die "ovsdb-lite did not start (see $RUNDIR/ovsdb-lite.log)"
	fi
	wait_for "the database socket" 10 test -S "$RUNDIR/db.sock"
	# An Open_vSwitch row, as ovs-vsctl init makes (idempotent).
	ovs-vsctl --db="unix:$RUNDIR/db.sock" --no-wait init >/dev/null ||
		die "cannot initialise the database"
	if [ -z "$(pid_of "$RUNDIR/dataplane.pid")" ]; then
		# The dataplane's EAL args come first; --rundir goes after its "--".
		local eal=() app=() seen=0
		for a in "${dp_args[@]}"; do
			if [ $seen = 0 ] && [ "$a" = "--" ]; then seen=1; continue; fi
			if [ $seen = 0 ]; then eal+=("$a"); else app+=("$a"); fi
		done
		setsid "$DP" "${eal[@]}" -- --rundir "$RUNDIR" "${app[@]}" \
			>>"$RUNDIR/dataplane.log" 2>&1 </dev/null &
		wait_for "the dataplane socket" 30 test -S "$RUNDIR/dataplane.sock"
	fi
	if [ -z "$(pid_of "$RUNDIR/controld.pid")" ]; then
		"$CTD" --db="unix:$RUNDIR/db.sock" --dataplane="$RUNDIR" "${vtep[@]}" \
			--pidfile="$RUNDIR/controld.pid" --log-file="$RUNDIR/controld.log" --detach ||
			die "weft-controld did not start (see $RUNDIR/controld.log)"
	fi
	status
}

stop() {
	local i entry name pidfile p
	# controld first (the dataplane keeps forwarding without it), the database last.
	for i in 2 1 0; do
		entry=${PROCS[$i]}; name=${entry%%:*}; pidfile=${entry#*:}; pidfile=${pidfile%%:*}
		p=$(pid_of "$pidfile") || true
		[ -n "$p" ] || continue
		kill -TERM "$p"
		for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$p" 2>/dev/null; then
			echo "weft.sh: $name ($p) did not stop in 10 s: SIGKILL" >&2
			kill -KILL "$p"
		fi
		echo "$name stopped"
	done
}

status() {
	local entry name pidfile sock p rc=0
	for entry in "${PROCS[@]}"; do
		name=${entry%%:*}; pidfile=${entry#*:}; sock=${pidfile#*:}; pidfile=${pidfile%%:*}
		p=$(pid_of "$pidfile") || true
		if [ -n "$p" ]; then
			printf '%-15s running, pid %s%s\n' "$name" "$p" "${sock:+, $sock}"
		else
			printf '%-15s not running\n' "$name"; rc=1
		fi
	done
	return $rc
}

cmd=${1:-}
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
case $cmd in
start) start "$@" ;;
stop) stop ;;
status) status ;;
restart) stop; start "$@" ;;
*) sed -n '2,/^set -uo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; [ "$cmd" = -h ] || [ "$cmd" = --help ]; exit $? ;;
esac
