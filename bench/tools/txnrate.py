#!/usr/bin/python3
"""OVSDB transaction rate: CLIENTS processes, each with its own connection, do small durable
inserts back to back (one transaction per round trip) for SECS seconds.

  txnrate.py SOCK CLIENTS SECS        prints "<txn/s> <p50 ms> <p99 ms> <n>"; exit 1 on error

Each transaction: insert one row into the Flow table of an Open_vSwitch database with weft's
schema (ovsdb-lite/vswitch.ovsschema; Flow is a root table, so rows stay), then
{"op": "commit", "durable": true} (ovsdb-server then fsyncs before replying; ovsdb-lite always
does). Works against ovsdb-server and ovsdb-lite alike (RFC 7047 over a unix socket).
"""
import json
import multiprocessing
import socket
import sys
import time


def rpc_conn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(100):
        try:
            s.connect(path)
            return s
        except OSError:
            time.sleep(0.1)
    raise SystemExit("txnrate: cannot connect to %s" % path)


def worker(path, wid, secs, start, q):
    s = rpc_conn(path)
    dec = json.JSONDecoder()
    buf = ""
    lat = []
    n = 0
    start.wait()
    end = time.monotonic() + secs
    while time.monotonic() < end:
        req = {"id": n, "method": "transact", "params": [
            "Open_vSwitch",
            {"op": "insert", "table": "Flow",
             "row": {"bridge": "bench%d" % wid, "table": 0, "priority": n % 65536,
                     "match": "w=%d,seq=%d" % (wid, n), "actions": "drop"}},
            {"op": "commit", "durable": True}]}
        t = time.monotonic()
        s.sendall(json.dumps(req).encode())
        while True:
            buf = buf.lstrip()
            try:
                obj, k = dec.raw_decode(buf)
                buf = buf[k:]
            except ValueError:
                data = s.recv(65536)
                if not data:
                    q.put(("error", "connection closed"))
                    return
                buf += data.decode()
                continue
            if obj.get("method") == "echo":
                s.sendall(json.dumps({"id": obj["id"], "result": obj["params"], "error": None}).encode())
                continue
            if obj.get("id") != n:
                continue
            res = obj.get("result")
            if obj.get("error") or not res or any(r and "error" in r for r in res):
                q.put(("error", json.dumps(obj)[:300]))
                return
            break
        lat.append(time.monotonic() - t)
        n += 1
    q.put(("ok", n, lat))


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    path, clients, secs = argv[1], int(argv[2]), float(argv[3])
    q = multiprocessing.Queue()
    start = multiprocessing.Event()
    ps = [multiprocessing.Process(target=worker, args=(path, i, secs, start, q)) for i in range(clients)]
    for p in ps:
        p.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    start.set()
    total, lats = 0, []
    for _ in ps:
        r = q.get()
        if r[0] != "ok":
            print("txnrate: %s" % r[1], file=sys.stderr)
            for p in ps:
                p.terminate()
            return 1
        total += r[1]
        lats += r[2]
    elapsed = time.monotonic() - t0
    for p in ps:
        p.join()
    lats.sort()
    if not lats:
        print("txnrate: no transaction completed", file=sys.stderr)
        return 1
    print("%.1f %.2f %.2f %d" % (total / elapsed, 1000 * lats[len(lats) // 2],
                                 1000 * lats[min(len(lats) - 1, int(len(lats) * 0.99))], total))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
