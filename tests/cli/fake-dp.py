#!/usr/bin/python3
"""A stand-in for weft-dataplane's control socket, for testing weftctl alone.

usage: fake-dp.py RUNDIR LOG

Listens on RUNDIR/dataplane.sock (JSON-RPC 1.0, one JSON object per line, see
docs/control-rpc.md), appends every request line it receives to LOG, and answers:
  - a request that does not match the method table (dataplane/ctl/methods.json: unknown
    method or key, missing key, wrong type) with the dataplane's error {"errno": "EINVAL",
    "message": ...} (ctl_methods.py gives the same messages);
  - show, fdb-show, stats, dp-show, fdb-flush, replay-run: fixed results (below);
  - any request whose params hold a string value starting with "err-": an error
    {"errno": "ENOENT", "message": "no such record '<value>'"};
  - a value starting with "hang-": no answer (the client must time out);
  - a value starting with "garbage-": a line that is not JSON;
  - an add of a bridge / port (bridge-*, port-* "add" methods of the table) present in the
    fixed `show` result (br0; p0, vh1): an error {"errno": "EEXIST", ...};
  - exit: {} then the server stops;
  - anything else: {}.
Connections are served one at a time; several requests per connection are answered in order.
"""
import json
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../dataplane/ctl"))
import ctl_methods  # noqa: E402

TABLE = ctl_methods.load()

SHOW = {"bridges": [
    {"name": "br0", "other_config": {"mac-aging-time": "10"}, "ports": [
        {"name": "vh1", "type": "dpdkvhostuser", "options": {}, "tag": 10, "trunks": [],
         "vlan_mode": "access", "link": "down", "port_index": 1},
        {"name": "p0", "type": "dpdk", "options": {"dpdk-devargs": "net_null0"},
         "tag": None, "trunks": [10, 20], "vlan_mode": "trunk", "link": "up",
         "port_index": 0},
    ]},
]}
FDB = {"entries": [
    {"port": "p0", "vlan": 10, "mac": "02:00:00:00:00:01", "age": 3, "static": False},
    {"port": "vh1", "vlan": 10, "mac": "02:00:00:00:00:02", "age": 0, "static": True},
]}
STATS = {"ports": {"p0": {"rx_packets": 5, "rx_bytes": 320, "tx_packets": 0,
                          "drop_runt": 1},
                   "vh1": {"rx_packets": 0, "tx_packets": 4}},
         "bridges": {"br0": {"fdb_entries": 2, "fdb_full": 0}}}
DP_SHOW = {"pid": 4242, "rundir": "/fake", "mode": "live",
           "pmds": [{"lcore": 1, "rxqs": ["p0/0"], "busy_cycles": 10,
                     "idle_cycles": 30, "packets": 5}],
           "n_ports": 2, "n_bridges": 1, "pmd_sleep_max_us": 0}
RESULTS = {"show": SHOW, "fdb-show": FDB, "stats": STATS, "dp-show": DP_SHOW,
           "fdb-flush": {"flushed": 2}, "replay-run": {"frames": 7}}
EXIT = "exit"
# Canned answers are keyed by method name: each must be a method of the table.
for _m in list(RESULTS) + [EXIT]:
    assert _m in TABLE.methods, "fake-dp: method %s is not in methods.json" % _m


def special(params):
    """Returns (prefix, value) of the first string param with a magic prefix."""
    if isinstance(params, dict):
        for v in params.values():
            if isinstance(v, str):
                for prefix in ("err-", "hang-", "garbage-"):
                    if v.startswith(prefix):
                        return prefix, v
    return None, None


def existing(method, params):
    """The EEXIST message for adding ("RECORD-add") a bridge or port that the fixed `show`
    result holds, or None."""
    record, _, action = method.partition("-")
    name = params.get("name") if isinstance(params, dict) else None
    if action != "add":
        return None
    for br in SHOW["bridges"]:
        if record == "bridge" and br["name"] == name:
            return "bridge '%s' already exists" % name
        for port in br["ports"]:
            if record == "port" and port["name"] == name:
                return "port name '%s' is already in use" % name
    return None


def serve(conn, log):
    """Answers the requests of one connection. Returns False when asked to exit."""
    buf = b""
    while True:
        data = conn.recv(65536)
        if not data:
            return True
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            log.write(line.decode() + "\n")
            log.flush()
            req = json.loads(line)
            rid, method = req.get("id"), req.get("method")
            prefix, value = special(req.get("params"))
            if prefix == "hang-":
                continue
            if prefix == "garbage-":
                conn.sendall(b"this is not json\n")
                continue
            invalid = TABLE.check_request(method, req.get("params"))
            exists = not invalid and existing(method, req.get("params"))
            if invalid:
                rep = {"id": rid, "result": None,
                       "error": {"errno": "EINVAL", "message": invalid}}
            elif exists:
                rep = {"id": rid, "result": None,
                       "error": {"errno": "EEXIST", "message": exists}}
            elif prefix == "err-":
                rep = {"id": rid, "result": None,
                       "error": {"errno": "ENOENT",
                                 "message": "no such record '%s'" % value}}
            else:
                rep = {"id": rid, "result": RESULTS.get(method, {}), "error": None}
            conn.sendall((json.dumps(rep) + "\n").encode())
            if method == EXIT and not invalid:
                return False


def main():
    rundir, logpath = sys.argv[1], sys.argv[2]
    path = os.path.join(rundir, "dataplane.sock")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(8)
    with open(logpath, "a") as log:
        running = True
        while running:
            conn, _ = srv.accept()
            try:
                running = serve(conn, log)
            except (ConnectionError, json.JSONDecodeError) as e:
                print("fake-dp: %s" % e, file=sys.stderr)
            finally:
                conn.close()
    srv.close()
    os.unlink(path)


if __name__ == "__main__":
    main()
