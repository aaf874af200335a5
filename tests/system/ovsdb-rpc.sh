#!/bin/bash
# ovsdb-rpc: ovsdb-lite's stateful JSON-RPC features and command line.
#  - tests/ovsdb/rpc_features.py: locks (locked/stolen notifications, release on disconnect,
#    assert), blocked "wait" transactions (released by a commit, timeout, cancel, 20 waiters),
#    monitor_cancel, echo probes on TCP (--probe-interval).
#  - command line: usage errors (exit 2), create/open errors (exit 1), --detach + --pidfile
#    (ready before the parent exits, pid file locked against a second server, files removed on
#    SIGTERM).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${WEFT_BUILD:-$TOP/build}
LITE=$BUILD/ovsdb-lite/ovsdb-lite
SCHEMA=$TOP/ovsdb-lite/vswitch.ovsschema
PY=/usr/bin/python3
[ -x "$LITE" ] || { echo "FAIL: $LITE not built"; exit 1; }

D=$(mktemp -d /tmp/ovsdb-rpc.XXXXXX)
SPID=
DPID=
cleanup() {
  [ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
  [ -n "$DPID" ] && kill "$DPID" 2>/dev/null
  rm -rf "$D"
}
trap cleanup EXIT
fails=0
check() { # NAME COND...
  local name=$1
  shift
  if "$@"; then echo "$(printf '%-58s' "$name") ok"; else echo "$(printf '%-58s' "$name") FAIL"; fails=$((fails + 1)); fi
}

PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$LITE" create "$D/db" "$SCHEMA" || { echo "FAIL: create"; exit 1; }
"$LITE" --remote="punix:$D/sock" --remote="ptcp:$PORT:127.0.0.1" --probe-interval=400 \
  "$D/db" 2>"$D/server.log" &
SPID=$!
for _ in $(seq 100); do [ -S "$D/sock" ] && break; sleep 0.05; done
ovs-vsctl --db="unix:$D/sock" --no-wait init || { echo "FAIL: init"; exit 1; }
check "ovs-vsctl over ptcp works" ovs-vsctl --db="tcp:127.0.0.1:$PORT" --no-wait --timeout=5 add-br brtcp
$PY "$TOP/tests/ovsdb/rpc_features.py" "unix:$D/sock" "tcp:127.0.0.1:$PORT" 400 || fails=$((fails + 1))

# Command line.
expect_exit() { # WANT-STATUS WANT-TEXT CMD...
  local want=$1 text=$2
  shift 2
  local out st
  out=$("$@" 2>&1)
  st=$?
  [ $st -eq "$want" ] && grep -q -- "$text" <<<"$out" && return 0
  echo "    got status $st, output: $out"
  return 1
}
check "no arguments: usage error" expect_exit 2 "missing DBFILE" "$LITE"
check "no --remote: usage error" expect_exit 2 "at least one --remote" "$LITE" "$D/db"
check "bad remote: usage error" expect_exit 2 "expected punix:PATH or ptcp" "$LITE" --remote=tcp:1.2.3.4:5 "$D/db"
check "unknown option: usage error" expect_exit 2 "unknown or malformed option" "$LITE" --bogus "$D/db"
check "bad --probe-interval: usage error" expect_exit 2 "probe-interval" "$LITE" --probe-interval=-3 --remote=punix:$D/x "$D/db"
check "create with one argument: usage error" expect_exit 2 "create needs" "$LITE" create "$D/new"
check "create over an existing file fails" expect_exit 1 "create" "$LITE" create "$D/db" "$SCHEMA"
echo '{"name": 5}' >"$D/bad.schema"
check "create from a bad schema fails" expect_exit 1 "create" "$LITE" create "$D/new" "$D/bad.schema"
check "create from a bad schema leaves no file" test ! -e "$D/new"
check "missing database file fails" expect_exit 1 "nope.db" "$LITE" --remote=punix:$D/x "$D/nope.db"
"$LITE" create "$D/db2" "$SCHEMA"
"$LITE" create "$D/db3" "$SCHEMA"
check "two DBFILEs of one database name fail" expect_exit 1 "two databases named Open_vSwitch" "$LITE" --remote=punix:$D/x "$D/db2" "$D/db3"
check "one DBFILE twice fails" expect_exit 1 "locked" "$LITE" --remote=punix:$D/x "$D/db2" "$D/db2"
check "nine DBFILEs: usage error" expect_exit 2 "too many DBFILEs" "$LITE" --remote=punix:$D/x $(for i in $(seq 9); do echo "$D/db2"; done)
check "ptcp bad address fails" expect_exit 1 "bad IPv4" "$LITE" --remote=ptcp:1:999.1.1.1 "$D/db2"
long=$D/$(printf 'x%.0s' $(seq 120))
check "punix path too long fails" expect_exit 1 "too long" "$LITE" --remote=punix:$long "$D/db2"
check "help exits 0" expect_exit 0 "usage: ovsdb-lite" "$LITE" --help

# --detach + --pidfile on a second database.
check "--detach returns once ready" "$LITE" --detach --pidfile="$D/lite.pid" --remote=punix:$D/d.sock "$D/db2"
DPID=$(cat "$D/lite.pid" 2>/dev/null)
check "pid file names a live process" kill -0 "${DPID:-0}"
check "detached server answers" ovs-vsctl --db="unix:$D/d.sock" --no-wait --timeout=5 init
check "second server on the same pid file refused" expect_exit 1 "already locked" "$LITE" --pidfile="$D/lite.pid" --remote=punix:$D/d2.sock "$D/db2"
kill "$DPID"
for _ in $(seq 50); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.05; done
check "SIGTERM: detached server exits" sh -c "! kill -0 $DPID 2>/dev/null"
check "SIGTERM: socket and pid file removed" test ! -e "$D/d.sock" -a ! -e "$D/lite.pid"
DPID=

kill -0 "$SPID" || { echo "FAIL: server died"; fails=$((fails + 1)); }
echo "server log:"
sed 's/^[^|]*|ovsdb-lite|/  /' "$D/server.log" | head -20
[ $fails -eq 0 ] && echo "PASS: ovsdb-rpc" || echo "FAIL: $fails check group(s) failed"
[ $fails -eq 0 ]
