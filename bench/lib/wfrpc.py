#!/usr/bin/python3
"""Tiny client of weft-dataplane's control socket (JSON lines, docs/control-rpc.md). Every
request is checked against the method table (dataplane/ctl/methods.json) before it is sent.

  wfrpc.py SOCK METHOD [PARAMS-JSON]      one request; prints the result; exit 1 on error
  wfrpc.py SOCK --batch                   stdin lines "METHOD PARAMS-JSON", pipelined in
                                          windows of 256; prints "n ok"; exit 1 on first error
  wfrpc.py SOCK --fdb-add BR PORT N       static fdb entries 02:01:xx:xx:xx:xx, k = 0..N-1
                                          (pipelined); prints "fdb-add: N entries in S s"
  wfrpc.py SOCK --flow-replace BR FILE    one flow-replace with FILE's lines (ovs-ofctl flows;
                                          blank and '#' lines skipped; too long for argv);
                                          prints "flow-replace: N flows in S s"
  wfrpc.py SOCK --flows-hit BR            flow-dump of BR; prints "HIT TOTAL": flows with
                                          n_packets > 0, flows (the default flow excluded)
"""
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../dataplane/ctl"))
import ctl_methods  # noqa: E402

WINDOW = 256
TABLE = ctl_methods.load()  # dataplane/ctl/methods.json: every request is checked before sending
# The methods this helper builds requests for, and the keys it uses: checked against the table
# at import, so a renamed method or key fails here, not in the middle of a benchmark.
FDB_ADD, FLOW_REPLACE, FLOW_DUMP = "fdb-add", "flow-replace", "flow-dump"
USES = {FDB_ADD: ("bridge", "port", "vlan", "mac"), FLOW_REPLACE: ("bridge", "flows"),
        FLOW_DUMP: ("bridge",)}
for _m, _keys in USES.items():
    assert _m in TABLE.methods, _m
    assert set(_keys) <= set(TABLE.keys(_m)), (_m, _keys)


def mac(k):
    return "02:01:%02x:%02x:%02x:%02x" % ((k >> 24) & 255, (k >> 16) & 255, (k >> 8) & 255, k & 255)


class Client:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.r = self.s.makefile("rb")
        self.next_id = 0

    def send(self, method, params):
        err = TABLE.check_request(method, params)
        if err:
            raise SystemExit("wfrpc: %s %s does not match methods.json: %s"
                             % (method, json.dumps(params), err))
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        self.s.sendall((json.dumps(msg) + "\n").encode())

    def recv(self):
        line = self.r.readline()
        if not line:
            raise SystemExit("wfrpc: connection closed by the dataplane")
        reply = json.loads(line)
        if reply.get("error"):
            raise SystemExit("wfrpc: error: %s" % json.dumps(reply["error"]))
        return reply.get("result")

    def pipeline(self, reqs):
        """Sends (method, params) pairs keeping WINDOW requests in flight; returns the count."""
        inflight = n = 0
        for method, params in reqs:
            self.send(method, params)
            inflight += 1
            if inflight >= WINDOW:
                self.recv()
                inflight -= 1
            n += 1
        while inflight:
            self.recv()
            inflight -= 1
        return n


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    c = Client(argv[1])
    if argv[2] == "--batch":
        def reqs():
            for line in sys.stdin:
                line = line.strip()
                if line:
                    m, _, p = line.partition(" ")
                    yield m, json.loads(p) if p else {}
        print("%d ok" % c.pipeline(reqs()))
    elif argv[2] == "--fdb-add":
        br, port, n = argv[3], argv[4], int(argv[5])
        t = time.monotonic()
        c.pipeline((FDB_ADD, {"bridge": br, "port": port, "vlan": 0, "mac": mac(k)})
                   for k in range(n))
        print("fdb-add: %d entries in %.1f s" % (n, time.monotonic() - t))
    elif argv[2] == "--flow-replace":
        with open(argv[4]) as f:
            flows = [ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
        t = time.monotonic()
        c.send(FLOW_REPLACE, {"bridge": argv[3], "flows": flows})
        c.recv()
        print("flow-replace: %d flows in %.1f s" % (len(flows), time.monotonic() - t))
    elif argv[2] == "--flows-hit":
        c.send(FLOW_DUMP, {"bridge": argv[3]})
        flows = [f for f in c.recv()["flows"] if not (f["priority"] == 0 and f["match"] == ""
                                                       and f["table"] == 0)]
        print(sum(1 for f in flows if f["n_packets"] > 0), len(flows))
    else:
        c.send(argv[2], json.loads(argv[3]) if len(argv) > 3 else {})
        print(json.dumps(c.recv()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
