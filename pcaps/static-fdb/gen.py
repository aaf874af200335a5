#!/usr/bin/python3
"""static-fdb: a static fdb entry beats learning, moving and aging. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402

S = "00:00:00:00:00:01"  # static on p1 (see setup)
S2 = "00:00:00:00:00:02"  # static on a10 in VLAN 10 (see setup)
BCAST = "ff:ff:ff:ff:ff:ff"
X, Y, Z, W = ("02:00:00:00:04:0%d" % i for i in range(1, 5))

case = Case(__file__)
case.send(1, "p2", eth(S, X), to=["p1"])  # static hit: no flood
case.send(2, "p3", eth(X, S), to=["p2"])  # S as a source on p3: forwarded, entry not moved
case.send(3, "p3", eth(S, Y), to=["p1"])  # still p1
case.send(4, "p1", eth(X, S), to=["p2"])
case.send(5, "p1", eth(S, Z), drop="same_port")  # S lives on p1, the ingress port
case.send(6, "p2", eth(S, X, size=1000), to=["p1"])
# Hundreds of seconds later: X, Y, Z have aged out, S has not.
case.send(400, "p2", eth(S, W), to=["p1"])
case.send(406, "p3", eth(S, Y), to=["p1"])
case.send(407, "p2", eth(X, W), to=["p1", "p3"])
case.send(408, "p2", eth(S, W), to=["p1"])
case.send(409, "p3", eth(W, S), to=["p2"])  # S still speaks from p3; entry stays on p1
case.send(410, "p3", eth(S, Y), to=["p1"])
# S2 is static in VLAN 10 only (on a10): in VLAN 0 it is unknown.
case.send(411, "p2", eth(S2, W), to=["p1", "p3"])
case.send(412, "p2", eth(S2, W, vid=10), to={"a10": None})
case.send(413, "a10", eth(W, S2), to={"p2": 10})  # W learned in VLAN 10 at 412
case.send(414, "p3", eth(BCAST, S2, vid=10, pcp=3), to={"p1": 10, "p2": 10, "a10": None})
case.send(415, "p1", eth(S2, X, vid=10), to={"a10": None})  # static entry did not move
case.write()
assert case.counter("br0", "fdb_moved") == 0 and case.counter("br0", "fdb_aged") == 3
assert case.counter("br0", "fdb_entries") == 6  # S, Y, W, S2, W and X in VLAN 10
