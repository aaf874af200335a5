#!/bin/bash
# System test: ovsdb-lite killed -9 (three times) during configuration churn, under the whole
# stack. A churn loop runs K changes one after the other with the real ovs-vsctl, WAITING for
# each (it returns 0 only once the change is committed and weft-controld has it live), and
# records which were acknowledged: add-port pI (type dpdkvhostuser, tag I, in one transaction)
# for every I, and del-port of the port added two steps earlier every third step (when that add
# was acknowledged); a change that fails is followed by a 0.1 s pause. Meanwhile, after K/4,
# K/2 and 3K/4 acknowledged adds, ovsdb-lite is killed -9 and restarted on the same database.
# Checks, exactly, afterwards:
#   1. no acknowledged change is lost: every port whose add was acknowledged (and no delete was
#      attempted) is in the database, and every port whose delete was acknowledged is not;
#   2. no half change: every port of the database is whole (in br0, tag I, one Interface pI of
#      type dpdkvhostuser), no Port or Interface row is orphaned, and ports whose fate is
#      unknown (a change not acknowledged) are either whole or absent;
#   3. weft-controld reconverges: the dataplane's `show` has exactly the database's ports, with
#      the same type and tag, and a new waiting change applies.
# About 30 s. Binaries from $WEFT_BUILD (default <repo>/build). Run as root. Exit 0 = pass.
set -uo pipefail
source "$(dirname "$0")/../tools/weft-test-lib.sh"
wt_setup ovsdb-kill-churn
RD=$T/run
source "$(dirname "$0")/controld-lib.sh"

K=${CHURN_OPS:-150}
ct_stack
vs add-br br0 || wt_fail "add-br"

# The churn loop: one line per change, "add|del NAME rc".
churn() {
	local i j rc
	declare -A acked
	for i in $(seq 1 "$K"); do
		vs --timeout=5 add-port br0 p$i -- set Interface p$i type=dpdkvhostuser \
			-- set Port p$i tag=$i >/dev/null 2>&1
		rc=$?
		echo "add p$i $rc"
		[ $rc = 0 ] && acked[p$i]=1
		[ $rc = 0 ] || sleep 0.1 # the database is down: keep a steady pace
		j=$((i - 2))
		if [ $((i % 3)) = 0 ] && [ -n "${acked[p$j]:-}" ]; then
			vs --timeout=5 del-port br0 p$j >/dev/null 2>&1
			echo "del p$j $?"
		fi
	done
	echo done
}
churn >"$T/churn.log" 2>&1 &
CHURN_PID=$!
WT_PIDS+=("$CHURN_PID")

for round in 1 2 3; do
	at=$((round * K / 4))
	wt_wait "$at acknowledged adds" 120 wt_log_has churn '^add .* 0$' $at
	wt_stop "$CT_DB_PID" KILL
	wt_log "ovsdb-lite killed -9 after $(grep -c '^add ' "$T/churn.log") adds"
	sleep 0.3
	ct_db_start
done
wt_join "$CHURN_PID" 300 || wt_fail "churn loop status $?"
grep -q '^done$' "$T/churn.log" || wt_fail "churn loop did not finish"
n_ack=$(grep -c ' 0$' "$T/churn.log")
n_all=$(grep -cE '^(add|del) ' "$T/churn.log")
wt_log "churn: $n_all changes, $n_ack acknowledged, $((n_all - n_ack)) not"

# The database and the dataplane as JSON.
db_json() {
	ovsdb-client transact "unix:$RD/db.sock" '["Open_vSwitch",
	 {"op":"select","table":"Bridge","where":[],"columns":["name","ports"]},
	 {"op":"select","table":"Port","where":[],"columns":["_uuid","name","tag","interfaces"]},
	 {"op":"select","table":"Interface","where":[],"columns":["_uuid","name","type"]}]'
}
# Prints "NAME TAG TYPE" of every port of br0 in the database (but br0's internal one), sorted; fails on orphans or a
# port that is not whole (not exactly one interface of its name).
cat >"$T/db.py" <<'PYEOF'
import json, sys
br, ports, ifaces = [t["rows"] for t in json.load(sys.stdin)]
def uuids(col):  # an OVSDB set of uuids, or one uuid
    return [u[1] for u in col[1]] if col[0] == "set" else [col[1]]
iface = {r["_uuid"][1]: r for r in ifaces}
port = {r["_uuid"][1]: r for r in ports}
in_br = [u for b in br for u in uuids(b["ports"])]
assert len(br) == 1 and br[0]["name"] == "br0", "bridges: %s" % br
used_if = [u for p in ports for u in uuids(p["interfaces"])]
assert sorted(in_br) == sorted(port), "orphan Port rows"
assert sorted(used_if) == sorted(iface), "orphan Interface rows"
out = []
for p in ports:
    ifs = [iface[u] for u in uuids(p["interfaces"])]
    tag = p["tag"] if not isinstance(p["tag"], list) else None
    assert len(ifs) == 1 and ifs[0]["name"] == p["name"], "port %s not whole" % p["name"]
    if ifs[0]["type"] != "internal":  # the bridge's own port: not a dataplane port
        out.append("%s %s %s" % (p["name"], tag, ifs[0]["type"]))
print("\n".join(sorted(out)))
PYEOF
dp_ports() {
	wt_json "'\n'.join(sorted('%s %s %s' % (p['name'], p['tag'], p['type'])
	for b in r['bridges'] if b['name'] == 'br0' for p in b['ports']))" show
}
converged() {
	db_json | "$WT_PY" "$T/db.py" >"$T/db.ports" && dp_ports >"$T/dp.ports" &&
		cmp -s "$T/db.ports" "$T/dp.ports"
}
for _ in $(seq 100); do
	converged && break
	sleep 0.2
done
converged || wt_fail "weft-controld did not reconverge in 20 s: database vs dataplane:
$(diff "$T/db.ports" "$T/dp.ports" | head -20)"
db_json | "$WT_PY" "$T/db.py" >"$T/db.ports" || wt_fail "database not whole"
n_db=$(wc -l <"$T/db.ports")

# 1 and 2: every port's fate.
lost=0 half=0 unknown_present=0 unknown_absent=0
for i in $(seq 1 "$K"); do
	add=$(sed -n "s/^add p$i //p" "$T/churn.log")
	del=$(sed -n "s/^del p$i //p" "$T/churn.log")
	line=$(grep "^p$i " "$T/db.ports")
	if [ -n "$line" ] && [ "$line" != "p$i $i dpdkvhostuser" ]; then
		wt_log "half change: $line"
		half=$((half + 1))
	fi
	if [ "$add" = 0 ] && [ -z "$del" ]; then
		[ -n "$line" ] || { wt_log "acknowledged add of p$i lost"; lost=$((lost + 1)); }
	elif [ "$del" = 0 ]; then
		[ -z "$line" ] || { wt_log "acknowledged del of p$i lost"; lost=$((lost + 1)); }
	elif [ -n "$line" ]; then
		unknown_present=$((unknown_present + 1))
	else
		unknown_absent=$((unknown_absent + 1))
	fi
done
wt_log "database: $n_db ports, all whole; acknowledged changes lost: $lost; half changes: $half;" \
	"not acknowledged: $unknown_present applied whole, $unknown_absent not applied"
[ $lost = 0 ] && [ $half = 0 ] || wt_fail "$lost acknowledged changes lost, $half half changes"
wt_log "dataplane = database: $(wc -l <"$T/dp.ports") ports, same names, tags and types"

# 3. weft-controld still serves: a waiting change applies.
vs add-port br0 last -- set Interface last type=dpdkvhostuser || wt_fail "add-port last"
wt_has_port last || wt_fail "port last not in the dataplane"
wt_log "PASS"
