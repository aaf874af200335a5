#!/usr/bin/python3
"""Hostile-client checks for ovsdb-lite.

usage: hostile.py REMOTE SERVER_PID
Each case sends something bad on its own connection and checks the outcome is an error reply
or a closed connection; meanwhile a well-behaved client keeps doing echo + transactions in a
thread and must never fail or wait more than 2 s. Memory: VmHWM/VmRSS of SERVER_PID from
/proc must stay under a bound. Prints one line per case and a summary; exit 1 on any failure.
"""
import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ovsdb_rpc  # noqa: E402

REMOTE, PID = sys.argv[1], int(sys.argv[2])
RSS_LIMIT_KB = 64 * 1024  # 16 MiB message cap + 256 KiB read budget: one big buffer at a time
failures = []


def status_kb(field):
    for line in open("/proc/%d/status" % PID):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return -1


def outcome(sock, timeout=5.0):
    """Reads what the server says: ('reply', msg) for the first JSON value, ('closed', None)
    at EOF/reset, ('silent', None) on timeout."""
    sock.settimeout(timeout)
    buf = b""
    dec = json.JSONDecoder()
    try:
        while True:
            d = sock.recv(1 << 20)
            if not d:
                return ("closed", None) if not buf.strip() else ("reply", buf[:200])
            buf += d
            try:
                v, _ = dec.raw_decode(buf.decode().lstrip())
                return ("reply", v)
            except ValueError:
                continue
    except (ConnectionResetError, BrokenPipeError):
        return ("closed", None)
    except socket.timeout:
        return ("silent", None)


def is_error_reply(kind, msg):
    if kind == "closed":
        return True
    if kind != "reply" or not isinstance(msg, dict):
        return False
    if msg.get("error"):
        return True
    res = msg.get("result")
    return isinstance(res, list) and any(isinstance(x, dict) and "error" in x for x in res)


def check(name, ok, detail=""):
    print("%-44s %s %s" % (name, "ok" if ok else "FAIL", detail))
    if not ok:
        failures.append(name)


def raw(data, name, expect_close=False, send_timeout=20.0, expect_result=None):
    s = ovsdb_rpc.connect_sock(REMOTE)
    s.settimeout(send_timeout)
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass  # the server may close before reading everything
    kind, msg = outcome(s)
    s.close()
    if expect_result is not None:
        ok = kind == "reply" and isinstance(msg, dict) and msg.get("result") == expect_result
    elif expect_close:
        ok = kind == "closed"
    else:
        ok = is_error_reply(kind, msg)
    check(name, ok, "-> %s %s" % (kind, json.dumps(msg)[:110] if msg is not None else ""))


class GoodClient(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.stop = False
        self.calls = 0
        self.max_lat = 0.0
        self.error = None

    def run(self):
        try:
            c = ovsdb_rpc.Client(REMOTE, timeout=5.0)
            i = 0
            while not self.stop:
                t = time.monotonic()
                r = c.call("echo", ["ping", i])
                if r.get("result") != ["ping", i]:
                    raise RuntimeError("bad echo reply %s" % r)
                r = c.transact("Open_vSwitch", {"op": "insert", "table": "Flow",
                                                "row": {"bridge": "good", "match": str(i)}})
                if "uuid" not in r["result"][0]:
                    raise RuntimeError("bad transact reply %s" % r)
                self.max_lat = max(self.max_lat, time.monotonic() - t)
                self.calls += 1
                i += 1
                time.sleep(0.02)
        except Exception as e:  # noqa: BLE001 - reported as a failure
            self.error = repr(e)


def count_rows(c, table):
    r = c.transact("Open_vSwitch", {"op": "select", "table": table, "where": []})
    return len(r["result"][0]["rows"])


def main():
    good = GoodClient()
    good.start()
    rss0 = status_kb("VmRSS")
    ctl = ovsdb_rpc.wait_for_server(REMOTE)
    n_bridges = count_rows(ctl, "Bridge")

    # A client that sends half a message and stalls: held open for the whole run.
    stall = ovsdb_rpc.connect_sock(REMOTE)
    stall.sendall(b'{"id":1,"method":"transact","params":["Open_vSwitch",{"op":"sel')

    raw(b'{"id":1,"method":"echo","params":[}', "invalid JSON (crossed brackets)")
    raw(b'{"id":1,"method":"echo","params":[1,]}', "invalid JSON (trailing comma)")
    raw(b"hello world\n", "leading garbage")
    raw(b'[1,2,3]', "array instead of request object")
    raw(b'{"id":1,"method":"echo","params":["a"]]', "unbalanced brackets")
    raw(b'{"id":1,"method":"echo","params":["\xff\xfe"]}', "invalid UTF-8")
    raw(b"[" * 200000, "deeply nested (200000 levels)")
    nested = [[]]
    for _ in range(98):
        nested = [nested]
    raw(b'{"id":1,"method":"echo","params":' + json.dumps(nested).encode() + b"}",
        "nested 100 levels (within limit): answered", expect_result=nested)
    raw(b'{"id":1,"method":"echo","params":["' + b"a" * (50 << 20) + b'"]}',
        "50 MB message", expect_close=False)
    raw(b'{"id":1,"method":5,"params":[]}', "method not a string")
    raw(b'{"id":1,"method":"transact","params":"Open_vSwitch"}', "params not an array")
    raw(b'{"id":1,"method":"no_such_method","params":[]}', "unknown method")
    raw(b'{"id":1,"method":"get_schema","params":[5]}', "get_schema db not a string")
    raw(b'{"id":1,"method":"transact","params":["Open_vSwitch",5]}', "transact op not an object")
    raw(b'{"id":1,"method":"transact","params":["Open_vSwitch",{"op":"insert","table":"Nope",'
        b'"row":{}}]}', "unknown table")
    raw(b'{"id":1,"method":"transact","params":["Open_vSwitch",{"op":"insert","table":"Bridge",'
        b'"row":{"name":"evil","zz":1}}]}', "unknown column")
    raw(b'{"id":1,"method":"transact","params":["Open_vSwitch",{"op":"insert","table":"Bridge",'
        b'"row":{"name":7}}]}', "wrong column type")
    raw(b'{"id":1,"method":"transact","params":["Open_vSwitch",{"op":"update","table":"Bridge",'
        b'"where":[["name","~~","x"]],"row":{}}]}', "bad where function")
    raw(b'{"id":1,"method":"transact","params":["Open_vSwitch",{"op":"insert","table":"Bridge",'
        b'"row":{"name":"deep","other_config":' + b"[" * 100 + b"]" * 100 + b"}}]}",
        "deep value in a column")
    raw(b'{"id":1,"method":"monitor","params":["Open_vSwitch",null,5]}', "monitor requests not object")
    raw(b'{"id":1,"method":"monitor","params":["Open_vSwitch",null,{"Nope":{}}]}',
        "monitor unknown table")
    raw(b'{"id":1,"method":"lock","params":[1]}', "lock id not a string")
    raw(b'{"id":1,"method":"transact","params":["_Server",{"op":"select","table":"Database",'
        b'"where":[]}]}', "transact on _Server")

    # A client piling up transactions that block forever: capped, the excess refused.
    w = ovsdb_rpc.Client(REMOTE, timeout=5.0)
    for i in range(300):
        w.send({"id": i, "method": "transact", "params": ["Open_vSwitch", {
            "op": "wait", "table": "Open_vSwitch", "where": [], "columns": ["next_cfg"],
            "until": "==", "rows": [{"next_cfg": -1}]}]})
    refused = 0
    try:
        while refused < 44:
            m = w.recv_msg()
            if (m.get("error") or {}).get("error") == "resources exhausted":
                refused += 1
    except (OSError, ConnectionError):
        pass
    check("blocked transactions capped per client", refused == 44,
          "(%d of 300 refused)" % refused)
    w.close()

    # A client that floods requests and never reads replies: backpressure, not memory growth.
    flood = ovsdb_rpc.connect_sock(REMOTE)
    flood.settimeout(3.0)
    req = json.dumps({"id": 1, "method": "echo", "params": ["x" * 4000]}).encode()
    sent = 0
    try:
        while sent < (200 << 20):
            flood.sendall(req * 64)
            sent += len(req) * 64
    except (socket.timeout, BrokenPipeError, ConnectionResetError):
        pass
    check("non-reading flooder is throttled", sent < (200 << 20), "(sent %d MB before the "
          "server stopped reading)" % (sent >> 20))
    rss_flood = status_kb("VmRSS")

    # Many idle connections.
    idle = [ovsdb_rpc.connect_sock(REMOTE) for _ in range(200)]
    r = ctl.call("echo", [1])
    check("200 idle connections, server answers", r.get("result") == [1])
    for s in idle:
        s.close()
    flood.close()

    # Nothing the hostile clients sent may have changed the database.
    check("bad transactions changed nothing", count_rows(ctl, "Bridge") == n_bridges)

    # The stalled half message still gets nothing, and the server still serves.
    kind, _ = outcome(stall, timeout=0.5)
    check("half message: no reply, connection kept", kind == "silent")
    stall.close()

    time.sleep(0.3)
    good.stop = True
    good.join(10)
    check("good client never failed", good.error is None and good.calls > 10,
          "(calls=%d, max latency %.0f ms, error=%s)" % (good.calls, good.max_lat * 1e3,
                                                       good.error))
    check("good client latency < 2 s", good.max_lat < 2.0)
    hwm, rss = status_kb("VmHWM"), status_kb("VmRSS")
    print("memory: VmRSS start %d kB, during flood %d kB, end %d kB, peak VmHWM %d kB "
          "(limit %d kB)" % (rss0, rss_flood, rss, hwm, RSS_LIMIT_KB))
    check("memory bounded (VmHWM)", 0 < hwm < RSS_LIMIT_KB)
    print("%d checks failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
