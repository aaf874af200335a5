#!/usr/bin/python3
"""usage: rpc_features.py UNIX_REMOTE TCP_REMOTE PROBE_MS
Checks ovsdb-lite's stateful JSON-RPC features with several clients at once: locks and their
notifications, blocked "wait" transactions (retried after a commit, timing out, canceled),
assert, monitor_cancel, and echo probes on an idle TCP client. TCP_REMOTE's server must run with
--probe-interval=PROBE_MS. Prints one line per check; exit 1 on any failure."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ovsdb_rpc  # noqa: E402

UNIX, TCP, PROBE_MS = sys.argv[1], sys.argv[2], int(sys.argv[3])
DB = "Open_vSwitch"
failures = []


def check(name, ok, detail=""):
    print("%-58s %s %s" % (name, "ok" if ok else "FAIL", detail))
    if not ok:
        failures.append(name)


def client(remote=None):
    return ovsdb_rpc.Client(remote or UNIX, timeout=5.0)


def next_note(c, method, timeout=3.0):
    """Waits for a notification 'method' on c; returns its params or None."""
    for i, n in enumerate(c.notes):
        if n.get("method") == method:
            return c.notes.pop(i)["params"]
    c.sock.settimeout(timeout)
    try:
        while True:
            m = c.recv_msg()
            if m.get("method") == method:
                return m["params"]
            c.notes.append(m)
    except (OSError, ConnectionError):
        return None
    finally:
        c.sock.settimeout(5.0)


def test_locks():
    a, b, c = client(), client(), client()
    check("lock: first client gets it", a.call("lock", ["x"])["result"] == {"locked": True})
    check("lock: second client queued", b.call("lock", ["x"])["result"] == {"locked": False})
    r = b.transact(DB, {"op": "assert", "lock": "x"})["result"]
    check("assert by a waiter fails with not owner", r[0].get("error") == "not owner", str(r))
    a.call("unlock", ["x"])
    check("unlock hands the lock over: 'locked' notification", next_note(b, "locked") == ["x"])
    r = b.transact(DB, {"op": "assert", "lock": "x"})["result"]
    check("assert by the owner succeeds", r == [{}], str(r))
    check("steal succeeds", c.call("steal", ["x"])["result"] == {"locked": True})
    check("robbed owner gets 'stolen'", next_note(b, "stolen") == ["x"])
    c.call("unlock", ["x"])
    check("robbed owner gets the lock back", next_note(b, "locked") == ["x"])
    d, e = client(), client()
    d.call("lock", ["y"])
    e.call("lock", ["y"])
    d.close()
    check("disconnect releases locks to the next waiter", next_note(e, "locked") == ["y"])
    for x in (a, b, c, e):
        x.close()


def test_wait():
    a, b = client(), client()
    r = b.transact(DB, {"op": "select", "table": "Open_vSwitch", "where": [],
                        "columns": ["next_cfg"]})
    cfg = r["result"][0]["rows"][0]["next_cfg"]
    a.next_id += 1
    wid = a.next_id
    a.send({"id": wid, "method": "transact", "params": [DB, {
        "op": "wait", "table": "Open_vSwitch", "where": [], "columns": ["next_cfg"],
        "until": "==", "rows": [{"next_cfg": cfg + 1}], "timeout": 10000},
        {"op": "comment", "comment": "waiter"}]})
    a.sock.settimeout(0.3)
    try:
        early = a.recv_msg()
    except OSError:
        early = None
    a.sock.settimeout(5.0)
    check("wait blocks while the condition is false", early is None, str(early))
    b.transact(DB, {"op": "mutate", "table": "Open_vSwitch", "where": [],
                    "mutations": [["next_cfg", "+=", 1]]})
    r = a.wait_reply(wid)
    check("blocked wait completes after the commit", r.get("result") == [{}, {}], str(r))

    t = time.monotonic()
    r = a.transact(DB, {"op": "wait", "table": "Open_vSwitch", "where": [],
                        "columns": ["next_cfg"], "until": "==",
                        "rows": [{"next_cfg": -5}], "timeout": 300})
    dt = time.monotonic() - t
    check("wait times out at its deadline", r["result"][0].get("error") == "timed out" and
          0.25 < dt < 2.0, "(%.2f s)" % dt)

    a.next_id += 1
    cid = a.next_id
    a.send({"id": cid, "method": "transact", "params": [DB, {
        "op": "wait", "table": "Open_vSwitch", "where": [], "columns": ["next_cfg"],
        "until": "==", "rows": [{"next_cfg": -7}]}]})
    a.send({"id": None, "method": "cancel", "params": [cid]})
    r = a.wait_reply(cid)
    check("cancel answers the blocked transaction with 'canceled'",
          r.get("error") == {"error": "canceled"}, str(r))
    # Many blocked waiters, released in order by one commit.
    waiters = [client() for _ in range(20)]
    for i, w in enumerate(waiters):
        w.send({"id": 1, "method": "transact", "params": [DB, {
            "op": "wait", "table": "Open_vSwitch", "where": [], "columns": ["next_cfg"],
            "until": "!=", "rows": [{"next_cfg": cfg + 1}], "timeout": 10000}]})
    time.sleep(0.2)
    b.transact(DB, {"op": "mutate", "table": "Open_vSwitch", "where": [],
                    "mutations": [["next_cfg", "+=", 1]]})
    ok = all(w.wait_reply(1).get("result") == [{}] for w in waiters)
    check("20 blocked waiters released by one commit", ok)
    for x in [a, b] + waiters:
        x.close()


def test_monitor_cancel():
    a, b = client(), client()
    a.call("monitor", [DB, "m", {"Flow": {"columns": ["match"]}}])
    b.transact(DB, {"op": "insert", "table": "Flow", "row": {"match": "one"}})
    check("monitor gets the update", next_note(a, "update") is not None)
    check("monitor_cancel replies {}", a.call("monitor_cancel", ["m"]).get("result") == {})
    b.transact(DB, {"op": "insert", "table": "Flow", "row": {"match": "two"}})
    check("no update after monitor_cancel", next_note(a, "update", timeout=0.5) is None)
    a.close()
    b.close()


def test_probes():
    t = ovsdb_rpc.Client(TCP, timeout=5.0)
    t.call("list_dbs", [])
    t0 = time.monotonic()
    t.sock.settimeout(PROBE_MS / 1000.0 * 4)
    m = t.recv_msg()
    dt = time.monotonic() - t0
    check("idle tcp client gets an echo request", m.get("method") == "echo" and
          m.get("id") is not None and dt >= PROBE_MS / 1000.0 * 0.8, "(after %.2f s)" % dt)
    t.send({"id": m["id"], "result": m["params"], "error": None})
    # Idle for several probe intervals, answering each echo as OVS clients do.
    n_echo = 1
    end = time.monotonic() + PROBE_MS / 1000.0 * 4
    t.sock.settimeout(0.05)
    while time.monotonic() < end:
        try:
            m = t.recv_msg()
        except OSError:
            continue
        if m.get("method") == "echo":
            n_echo += 1
            t.send({"id": m["id"], "result": m["params"], "error": None})
    t.sock.settimeout(5.0)
    try:
        r = t.call("echo", ["alive"])
        alive = r.get("result") == ["alive"]
    except (OSError, ConnectionError):
        alive = False
    check("a client answering probes stays connected", alive and n_echo >= 3,
          "(%d probes answered)" % n_echo)
    t.close()
    mute = ovsdb_rpc.Client(TCP, timeout=5.0)
    mute.call("list_dbs", [])
    mute.sock.settimeout(PROBE_MS / 1000.0 * 6)
    closed = False
    t0 = time.monotonic()
    try:
        while True:
            d = mute.sock.recv(65536)  # read, never answer
            if not d:
                closed = True
                break
    except (OSError, ConnectionError):
        closed = True
    dt = time.monotonic() - t0
    check("a client ignoring probes is disconnected", closed and dt < PROBE_MS / 1000.0 * 4,
          "(after %.2f s)" % dt)


test_locks()
test_wait()
test_monitor_cancel()
test_probes()
print("%d checks failed" % len(failures))
sys.exit(1 if failures else 0)
