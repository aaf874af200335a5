#!/usr/bin/python3
"""usage: rpc_probe.py REMOTE
Sends a fixed list of raw JSON-RPC requests (bad database names, unknown methods, lock
misuse, bad monitor requests, ...) on one connection and prints each reply, one per line, in a
canonical form (sorted keys; an error reply's "result": null dropped, since ovsdb-server omits
it and ovsdb-lite sends it as JSON-RPC 1.0 asks; UUIDs as <uuid>). Then it sets up monitors
and prints the update/update2 notifications a series of changes produces. Used by tests/system/ovsdb-clients.sh to check
that ovsdb-lite answers exactly like ovsdb-server."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ovsdb_rpc  # noqa: E402

REQUESTS = [
    ["get_schema", ["_NoSuchDb"]],
    ["get_schema", []],
    ["transact", ["_NoSuchDb", {"op": "select", "table": "Bridge", "where": []}]],
    ["transact", []],
    ["monitor", ["_NoSuchDb", None, {}]],
    ["monitor_cond", ["_NoSuchDb", None, {}]],
    ["no_such_method", []],
    ["cancel", [12345]],  # cancel is a notification: as a request it is an unknown method
    ["echo", ["hello", 1, [2]]],
    ["lock", ["l1"]],
    ["lock", ["l1"]],
    ["steal", ["l1"]],
    ["unlock", ["l2"]],
    ["unlock", ["l1"]],
    ["steal", ["l3"]],
    ["monitor", ["Open_vSwitch", "m", {"Nope": {}}]],
    ["monitor", ["Open_vSwitch", "m", {"Bridge": {"columns": ["nope"]}}]],
    ["monitor", ["Open_vSwitch", "m", {"Bridge": {"columns": ["name"]}}]],
    ["monitor", ["Open_vSwitch", "m", {"Bridge": {"columns": ["name"]}}]],
    ["monitor_cancel", ["nope"]],
    ["monitor_cancel", ["m"]],
    ["monitor_cond", ["Open_vSwitch", "c", {"Bridge": [{"columns": ["name"],
                                                          "where": [["name", "==", "x"]]}]}]],
    ["transact", ["Open_vSwitch", {"op": "select", "table": "Nope", "where": []}]],
    ["transact", ["Open_vSwitch", {"op": "insert", "table": "Bridge", "row": {"name": 5}}]],
    ["transact", ["Open_vSwitch", {"op": "assert", "lock": "l9"}]],
    ["transact", ["Open_vSwitch", {"op": "wait", "table": "Open_vSwitch", "where": [],
                                   "columns": ["next_cfg"], "until": "==",
                                   "rows": [{"next_cfg": 999}], "timeout": 0}]],
    ["set_db_change_aware", [True]],
]


# Monitors (update and update2, select flags, "where", set/map/optional columns) and the
# changes that must produce notifications on them. Run against an empty database.
MONITORS = [
    ["monitor", ["Open_vSwitch", "v1", {"Flow": {"columns": ["match", "priority",
                                                              "external_ids"]}}]],
    ["monitor", ["Open_vSwitch", "v1-nomod", {"Flow": {
        "columns": ["priority"], "select": {"initial": False, "modify": False}}}]],
    ["monitor_cond", ["Open_vSwitch", "v2", {"Flow": [{"columns": ["match", "priority",
                                                                    "external_ids"],
                                                        "where": [["priority", ">=", 10]]}]}]],
    ["monitor_cond", ["Open_vSwitch", "v2-ovs", {"Open_vSwitch": [{"columns": [
        "datapath_types", "other_config", "next_cfg", "ovs_version", "dpdk_initialized"]}]}]],
]
FLOW = [["match", "==", "a"]]
CHANGES = [
    {"op": "insert", "table": "Flow", "row": {"match": "a", "priority": 5,
                                              "external_ids": ["map", [["k", "v"]]]}},
    {"op": "update", "table": "Flow", "where": FLOW, "row": {"priority": 20}},
    {"op": "mutate", "table": "Flow", "where": FLOW, "mutations": [
        ["external_ids", "insert", ["map", [["k2", "v2"]]]]]},
    {"op": "update", "table": "Flow", "where": FLOW,
     "row": {"external_ids": ["map", [["k", "new"], ["k3", "v3"]]]}},
    {"op": "update", "table": "Flow", "where": FLOW, "row": {"priority": 1}},
    {"op": "delete", "table": "Flow", "where": FLOW},
    {"op": "insert", "table": "Open_vSwitch", "row": {
        "datapath_types": ["set", ["netdev", "system"]], "other_config": ["map", [["x", "1"]]]}},
    {"op": "update", "table": "Open_vSwitch", "where": [], "row": {
        "datapath_types": ["set", ["system", "weft"]],
        "other_config": ["map", [["x", "2"], ["y", "3"]]], "ovs_version": "1"}},
    {"op": "update", "table": "Open_vSwitch", "where": [], "row": {
        "ovs_version": "2", "dpdk_initialized": True, "next_cfg": 3}},
    {"op": "update", "table": "Open_vSwitch", "where": [], "row": {
        "ovs_version": ["set", []], "datapath_types": ["set", []]}},
]


UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def canon_value(v):
    """UUIDs replaced by <uuid>; an object keyed by UUIDs (rows) becomes a sorted list of
    [key, value] pairs, so that rows keyed by random UUIDs compare in a stable order."""
    if isinstance(v, dict):
        items = [[UUID_RE.sub("<uuid>", k), canon_value(x)] for k, x in v.items()]
        if any(UUID_RE.search(k) for k in v):
            return sorted(items, key=lambda kv: json.dumps(kv, sort_keys=True))
        return dict(items)
    if isinstance(v, list):
        return [canon_value(x) for x in v]
    if isinstance(v, str):
        return UUID_RE.sub("<uuid>", v)
    return v


def canon(m):
    m = dict(m)
    if m.get("error") is not None and m.get("result") is None:
        m.pop("result", None)
    return json.dumps(canon_value(m), sort_keys=True)


c = ovsdb_rpc.wait_for_server(sys.argv[1])
for method, params in REQUESTS:
    r = c.call(method, params)
    print("%s %s -> %s" % (method, json.dumps(params), canon(r)))
for method, params in MONITORS:
    print("%s %s -> %s" % (method, json.dumps(params), canon(c.call(method, params))))
other = ovsdb_rpc.wait_for_server(sys.argv[1])
for op in CHANGES:
    r = other.transact("Open_vSwitch", op)
    print("change %s -> %s" % (json.dumps(op), canon(r)))
    c.call("echo", [])  # replies come after the notifications the commit produced
    for n in sorted(canon(x) for x in c.notes):
        print("  notified %s" % n)
    c.notes = []

# monitor_cond_change: rows entering/leaving the new condition, renamed monitor, errors.
for m in ["a", "b", "c"]:
    other.transact("Open_vSwitch", {"op": "insert", "table": "Flow",
                                    "row": {"match": m, "priority": ord(m)}})
CONDS = [
    ["monitor_cond", ["Open_vSwitch", "cc1", {"Flow": [{"columns": ["match"],
                                                         "where": [["match", "==", "a"]]}]}]],
    ["monitor_cond_change", ["cc1", "cc2", {"Flow": [{"where": [["match", "!=", "a"]]}]}]],
    ["monitor_cond_change", ["cc2", "cc3", {"Flow": [{"where": [True]}]}]],
    ["monitor_cond_change", ["cc3", "cc3", {"Nope": [{"where": [True]}]}]],
    ["monitor_cond_change", ["cc3", "cc3", {"Flow": [{"columns": ["priority"],
                                                      "where": [True]}]}]],
    ["monitor_cond_change", ["zz", "cc4", {"Flow": [{"where": [True]}]}]],
    ["monitor_cond_change", ["cc3", "cc3", {"Flow": [{"where": [["match", "==", "b"]]}]}]],
]
c.notes = []
for method, params in CONDS:
    print("%s %s -> %s" % (method, json.dumps(params), canon(c.call(method, params))))
    c.call("echo", [])
    for n in sorted(canon(x) for x in c.notes):
        print("  notified %s" % n)
    c.notes = []
