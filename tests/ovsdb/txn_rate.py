#!/usr/bin/python3
"""Transaction rate of one client doing small durable inserts, one transaction per round trip.

usage: txn_rate.py REMOTE [N] [LABEL] [CLIENTS]
  REMOTE  unix:PATH or tcp:IP:PORT of an Open_vSwitch database using weft's vswitch.ovsschema
  N       number of transactions (default 2000), split among
  CLIENTS concurrent clients (default 1), each waiting for its reply before the next request
Each transaction inserts one Flow row and ends with {"op": "commit", "durable": true}, which
makes ovsdb-server fsync like ovsdb-lite always does. Prints one line:
  LABEL: N txns in S s = R txn/s (p50 X ms, p99 Y ms)
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ovsdb_rpc  # noqa: E402


def run_client(remote, first, n, lat, errors):
    c = ovsdb_rpc.wait_for_server(remote)
    for i in range(first, first + n):
        t = time.monotonic()
        r = c.transact("Open_vSwitch",
                       {"op": "insert", "table": "Flow",
                        "row": {"bridge": "bench", "table": 0, "priority": i % 65536,
                                "match": "seq=%d" % i, "actions": "drop"}},
                       {"op": "commit", "durable": True})
        lat.append(time.monotonic() - t)
        res = r.get("result")
        if r.get("error") or not res or "uuid" not in res[0] or \
                (len(res) > 1 and res[1] and "error" in res[1]):
            errors.append("transaction %d failed: %s" % (i, r))
            return
    c.close()


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    remote = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    label = sys.argv[3] if len(sys.argv) > 3 else remote
    k = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    lat, errors = [], []
    threads = [threading.Thread(target=run_client, args=(remote, j * (n // k), n // k, lat,
                                                         errors)) for j in range(k)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.monotonic() - t0
    if errors:
        print("%s: %s" % (label, errors[0]))
        return 1
    n = len(lat)
    lat.sort()
    print("%s: %d clients, %d txns in %.2f s = %.0f txn/s (p50 %.2f ms, p99 %.2f ms)" %
          (label, k, n, dt, n / dt, lat[n // 2] * 1e3, lat[min(n - 1, n * 99 // 100)] * 1e3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
