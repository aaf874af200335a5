#!/usr/bin/python3
"""mac-move: a MAC moving between ports. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402

A, B, C = "02:00:00:00:02:0a", "02:00:00:00:02:0b", "02:00:00:00:02:0c"
BCAST = "ff:ff:ff:ff:ff:ff"

case = Case(__file__)
case.send(1, "p1", eth(BCAST, A), to=["p2", "p3"])
case.send(2, "p2", eth(A, B), to=["p1"])
case.send(3, "p3", eth(B, A), to=["p2"])  # A moves p1 -> p3
case.send(4, "p2", eth(A, B), to=["p3"])
case.send(5, "p1", eth(A, C), to=["p3"])
case.send(6, "p2", eth(C, A), to=["p1"])  # A moves p3 -> p2
case.send(7, "p1", eth(A, C), to=["p2"])
case.send(7.5, "p3", eth(A, B, size=300), to=["p2"])  # B moves p2 -> p3 (A is still on p2)
case.send(8, "p1", eth(B, C), to=["p3"])
case.write()
assert case.counter("br0", "fdb_moved") == 3 and case.counter("br0", "fdb_learned") == 3
assert case.counter("br0", "fdb_entries") == 3
