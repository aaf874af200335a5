#!/usr/bin/python3
"""table-limit: a full MAC table still floods and counts fdb_full. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402

A, B, C, D, E, F, G, H = ("02:00:00:00:08:0%d" % i for i in range(1, 9))
BCAST = "ff:ff:ff:ff:ff:ff"

case = Case(__file__)
case.send(1, "p1", eth(BCAST, A), to=["p2", "p3"])
case.send(2, "p2", eth(A, B), to=["p1"])
case.send(3, "p3", eth(A, C), to=["p1"])
case.send(4, "p1", eth(B, D), to=["p2"])  # 4 entries: full
case.send(5, "p2", eth(A, E), to=["p1"])  # E not learned (fdb_full 1), still forwarded
case.send(6, "p1", eth(E, A), to=["p2", "p3"])  # E unknown: flood
case.send(7, "p2", eth(A, E), to=["p1"])  # fdb_full 2
case.send(8, "p3", eth(E, F), to=["p1", "p2"])  # fdb_full 3, E still unknown
case.send(9, "p2", eth(C, D), to=["p3"])  # D moves p1 -> p2 while full
case.send(10, "p1", eth(D, A), to=["p2"])
case.send(11, "p1", eth(BCAST, A), to=["p2", "p3"])
# Hundreds of seconds later every entry has aged out, which makes room again. (The runt at
# 399 only moves the clock on: it is dropped before learning.)
case.send(399, "p1", b"\x00" * 13, drop="runt")
case.send(400, "p2", eth(A, E), to=["p1", "p3"])  # E learned at last; A unknown
case.send(401, "p1", eth(E, A), to=["p2"])
case.send(402, "p3", eth(E, F), to=["p2"])
case.send(403, "p1", eth(F, G), to=["p3"])  # 4 entries: E, A, F, G
case.send(404, "p2", eth(G, H), to=["p1"])  # full again: H refused
case.send(405, "p3", eth(H, F), to=["p1", "p2"])
case.write()
assert case.counter("br0", "fdb_full") == 4 and case.counter("br0", "fdb_entries") == 4
assert case.counter("br0", "fdb_moved") == 1 and case.counter("br0", "fdb_learned") == 8
assert case.counter("br0", "fdb_aged") == 4
