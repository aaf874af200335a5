#!/usr/bin/python3
"""usage: rpc_probe.py REMOTE
Sends a fixed list of raw JSON-RPC requests (bad database names, unknown methods, lock
misuse, bad monitor requests, ...) on one connection and prints each reply, one per line, in a
canonical form (sorted keys; an error reply's "result": null dropped, since ovsdb-server omits
it and ovsdb-lite sends it as JSON-RPC 1.0 asks). Used by tests/system/ovsdb-clients.sh to check
that ovsdb-lite answers exactly like ovsdb-server."""
import json
import os
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
    ["set_db_change_aware", [True]],
]


def canon(m):
    m = dict(m)
    if m.get("error") is not None and m.get("result") is None:
        m.pop("result", None)
    return json.dumps(m, sort_keys=True)


c = ovsdb_rpc.wait_for_server(sys.argv[1])
for method, params in REQUESTS:
    r = c.call(method, params)
    print("%s %s -> %s" % (method, json.dumps(params), canon(r)))
