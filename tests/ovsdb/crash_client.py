#!/usr/bin/python3
"""Crash-test client: small durable transactions, forever, across server restarts.

usage: crash_client.py REMOTE ACKFILE STOPFILE [NAME]
Inserts Flow rows {"bridge": "crash", "match": "NAME:SEQ"} one transaction at a time. When the
server acknowledges SEQ (a reply with the row's uuid), NAME:SEQ is appended to ACKFILE and flushed
before the next transaction is sent. When the connection breaks (the server was SIGKILLed), the
in-flight transaction is neither acknowledged nor retried; the client reconnects and goes on
with the next SEQ. Stops when STOPFILE exists. Prints "acked=N failed_connects=M inflight_lost=K".
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ovsdb_rpc  # noqa: E402


def main():
    remote, ackfile, stopfile = sys.argv[1:4]
    name = sys.argv[4] if len(sys.argv) > 4 else "c"
    acked = connects = broken = 0
    seq = 0
    c = None
    with open(ackfile, "a") as ack:
        while not os.path.exists(stopfile):
            if c is None:
                try:
                    c = ovsdb_rpc.Client(remote, timeout=5.0)
                    connects += 1
                except OSError:
                    time.sleep(0.005)
                    continue
            seq += 1
            try:
                r = c.transact("Open_vSwitch",
                               {"op": "insert", "table": "Flow",
                                "row": {"bridge": "crash", "match": "%s:%d" % (name, seq),
                                        "actions": "drop"}})
            except (OSError, ConnectionError, ValueError):
                broken += 1
                c.close()
                c = None
                continue
            res = r.get("result")
            if r.get("error") or not res or "uuid" not in res[0]:
                print("unexpected reply for seq %d: %s" % (seq, r))
                return 1
            ack.write("%s:%d\n" % (name, seq))
            ack.flush()
            acked += 1
    print("%s: acked=%d connects=%d inflight_unknown=%d" % (name, acked, connects, broken))
    return 0


if __name__ == "__main__":
    sys.exit(main())
