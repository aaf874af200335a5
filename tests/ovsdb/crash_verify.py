#!/usr/bin/python3
"""usage: crash_verify.py REMOTE ACKFILE...
Checks that every NAME:SEQ line of the ACKFILEs has its Flow row in the database.
Prints "acked=N present=M lost=L" and exits 1 if L > 0 or a row appears twice."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ovsdb_rpc  # noqa: E402

remote = sys.argv[1]
acked = [x for f in sys.argv[2:] for x in open(f).read().split()]
c = ovsdb_rpc.wait_for_server(remote)
r = c.transact("Open_vSwitch", {"op": "select", "table": "Flow",
                                "where": [["bridge", "==", "crash"]], "columns": ["match"]})
rows = r["result"][0]["rows"]
present = [row["match"] for row in rows]
pset = set(present)
lost = [s for s in acked if s not in pset]
dups = len(present) - len(pset)
print("acked=%d present=%d lost=%d duplicates=%d" % (len(acked), len(present), len(lost), dups))
if lost:
    print("lost sequence numbers (first 20):", lost[:20])
sys.exit(1 if lost or dups else 0)
