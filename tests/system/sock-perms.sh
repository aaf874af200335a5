#!/bin/bash
# sock-perms: control sockets are mode 0660 with a configurable group, and ovsdb-lite listens
# on TCP only when a ptcp: remote asks, bound where asked.
#  - ovsdb-lite --remote=punix:S --sock-group=daemon: S is srw-rw---- root:daemon; `ss -ltnp`
#    shows no TCP socket of that process.
#  - ovsdb-lite --remote=ptcp:PORT:127.0.0.1 (WEFT_SOCK_GROUP=adm for its punix: remote): one
#    TCP listener, on 127.0.0.1:PORT only; the unix socket's group is adm.
#  - a group that does not exist: exit 2 with a message, no socket file created.
#  - weft-dataplane --sock-group daemon: <rundir>/dataplane.sock is srw-rw---- root:daemon;
#    WEFT_SOCK_GROUP=nosuch: it refuses to start, saying why, and creates no socket.
# weft-controld listens on nothing (it is a client of both). About 3 s.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${WEFT_BUILD:-$TOP/build}
LITE=$BUILD/ovsdb-lite/ovsdb-lite
DPB=$BUILD/dataplane/weft-dataplane
PY=/usr/bin/python3
[ -x "$LITE" ] && [ -x "$DPB" ] || { echo "FAIL: not built in $BUILD"; exit 1; }
getent group daemon >/dev/null && getent group adm >/dev/null ||
  { echo "FAIL: groups daemon and adm needed"; exit 1; }

D=$(mktemp -d /tmp/weft-sockperms.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$D" "/var/run/dpdk/sockperms$$"
}
trap cleanup EXIT
fails=0
check() { # NAME COND...
  local name=$1
  shift
  if "$@"; then echo "$(printf '%-62s' "$name") ok"; else echo "$(printf '%-62s' "$name") FAIL"; fails=$((fails + 1)); fi
}
wait_sock() { for _ in $(seq 100); do [ -S "$1" ] && return 0; sleep 0.05; done; return 1; }
perms() { stat -c '%A %U:%G' "$1" 2>/dev/null; }
# TCP listeners of one process: "ADDR:PORT" lines.
tcp_of() { ss -Hltnp 2>/dev/null | awk -v p="pid=$1," 'index($0, p) {print $4}'; }
gid_of() { getent group "$1" | cut -d: -f3; }

"$LITE" create "$D/db" "$TOP/ovsdb-lite/vswitch.ovsschema" || { echo "FAIL: create"; exit 1; }

# 1. punix only, --sock-group=daemon.
"$LITE" --remote="punix:$D/db.sock" --sock-group=daemon "$D/db" 2>"$D/lite1.log" &
PIDS+=($!)
L1=$!
wait_sock "$D/db.sock" || { cat "$D/lite1.log"; echo "FAIL: ovsdb-lite did not start"; exit 1; }
check "ovsdb-lite punix socket is srw-rw---- root:daemon" \
  [ "$(perms "$D/db.sock")" = "srw-rw---- root:daemon" ]
check "ovsdb-lite without ptcp: has no TCP listener" [ -z "$(tcp_of "$L1")" ]
check "ovsdb-lite without ptcp: ss sees its unix listener" \
  bash -c "ss -Hlxp | grep -q 'pid=$L1,'"
check "ovsdb-client works through the 0660 socket (root)" \
  bash -c "ovsdb-client list-dbs unix:$D/db.sock | grep -qx Open_vSwitch"
kill "$L1"; wait "$L1" 2>/dev/null

# 2. ptcp bound where asked; the group from WEFT_SOCK_GROUP (a gid works too).
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
WEFT_SOCK_GROUP=$(gid_of adm) "$LITE" --remote="punix:$D/db2.sock" \
  --remote="ptcp:$PORT:127.0.0.1" "$D/db" 2>"$D/lite2.log" &
PIDS+=($!)
L2=$!
wait_sock "$D/db2.sock" || { cat "$D/lite2.log"; echo "FAIL: ovsdb-lite did not start"; exit 1; }
for _ in $(seq 50); do [ -n "$(tcp_of "$L2")" ] && break; sleep 0.05; done
check "ovsdb-lite ptcp:$PORT:127.0.0.1 listens on 127.0.0.1:$PORT only" \
  [ "$(tcp_of "$L2")" = "127.0.0.1:$PORT" ]
check "WEFT_SOCK_GROUP=<gid of adm>: socket is srw-rw---- root:adm" \
  [ "$(perms "$D/db2.sock")" = "srw-rw---- root:adm" ]
kill "$L2"; wait "$L2" 2>/dev/null

# 3. an unknown group: usage error, nothing created.
"$LITE" --remote="punix:$D/db3.sock" --sock-group=weft-nosuch "$D/db" 2>"$D/lite3.log"
rc=$?
check "ovsdb-lite --sock-group=weft-nosuch: exit 2" [ $rc -eq 2 ]
check "... says: --sock-group=weft-nosuch: no such group" \
  grep -q -- '--sock-group=weft-nosuch: no such group' "$D/lite3.log"
check "... and creates no socket" [ ! -e "$D/db3.sock" ]

# 4. the dataplane's control socket.
EAL=(--no-huge -m 512 --no-pci -l 0 --file-prefix "sockperms$$" --log-level=3)
mkdir "$D/run"
"$DPB" "${EAL[@]}" -- --rundir "$D/run" --pmds 0 --sock-group daemon >"$D/dp.log" 2>&1 &
PIDS+=($!)
DP=$!
wait_sock "$D/run/dataplane.sock" || { tail "$D/dp.log"; echo "FAIL: dataplane did not start"; exit 1; }
check "dataplane.sock is srw-rw---- root:daemon" \
  [ "$(perms "$D/run/dataplane.sock")" = "srw-rw---- root:daemon" ]
check "the dataplane has no TCP listener" [ -z "$(tcp_of "$DP")" ]
check "weftctl --direct works through it (root)" \
  bash -c "WEFT_RUNDIR=$D/run '$BUILD/cli/weftctl' --direct dp/show >/dev/null"
kill "$DP"; wait "$DP" 2>/dev/null
mkdir "$D/run2"
WEFT_SOCK_GROUP=weft-nosuch "$DPB" "${EAL[@]}" -- --rundir "$D/run2" --pmds 0 >"$D/dp2.log" 2>&1
rc=$?
check "WEFT_SOCK_GROUP=weft-nosuch: the dataplane refuses to start" [ $rc -ne 0 ]
check "... says: --sock-group: no group 'weft-nosuch'" \
  grep -q -- "--sock-group: no group 'weft-nosuch'" "$D/dp2.log"
check "... and creates no socket" [ ! -e "$D/run2/dataplane.sock" ]

[ $fails -eq 0 ] && echo "sock-perms: all checks passed" || echo "sock-perms: $fails check(s) failed"
[ $fails -eq 0 ]
