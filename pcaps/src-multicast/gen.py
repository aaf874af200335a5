#!/usr/bin/python3
"""src-multicast: multicast/broadcast source MACs are dropped. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402

A, B = "02:00:00:00:06:0a", "02:00:00:00:06:0b"
M4, M6, BCAST, M3 = "01:00:5e:00:00:01", "33:33:00:00:00:01", "ff:ff:ff:ff:ff:ff", \
    "03:00:00:00:00:01"

case = Case(__file__)
case.send(1, "p1", eth(BCAST, M4), drop="src_multicast")
case.send(2, "p2", eth(A, BCAST), drop="src_multicast")
case.send(3, "p1", eth(B, M6), drop="src_multicast")
case.send(4, "p3", eth(B, M3), drop="src_multicast")
case.send(5, "p2", eth(M4, B), to=["p1", "p3"])  # multicast destination: flood
case.send(6, "p1", eth(B, A), to=["p2"])  # ordinary traffic unaffected
case.send(7, "p3", eth(A, "06:00:00:00:06:0c"), to=["p1"])  # group bit clear: fine
case.write()
assert case.counter("p1", "drop_src_multicast") == 2 and case.counter("p1", "rx_dropped") == 2
assert case.counter("br0", "fdb_entries") == 3 and case.counter("br0", "fdb_learned") == 3
