#!/usr/bin/python3
"""aging-custom: per-bridge mac-aging-time. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402

A, B, C = ("02:00:00:00:0c:0%d" % i for i in range(1, 4))
X, Y, Z = ("02:00:00:00:0d:0%d" % i for i in range(1, 4))

T0 = 1764000000  # realistic epoch seconds (Nov 2025), as in real captures

case = Case(__file__)
case.send(T0 + 100, "p1", eth(B, A), to=["p2", "p3"])
case.send(T0 + 100, "q1", eth(Y, X), to=["q2", "q3"])
case.send(T0 + 101, "p2", eth(A, B), to=["p1"])
case.send(T0 + 101, "q2", eth(X, Y), to=["q1"])
case.send(T0 + 110, "p3", eth(A, C), to=["p1"])  # A idle 10 s: known
case.send(T0 + 111, "p3", eth(B, C), to=["p2"])  # B idle 10 s: known
case.send(T0 + 111.5, "p3", eth(A, C), to=["p1", "p2"])  # A idle 11 s: gone
case.send(T0 + 112, "q3", eth(X, Z), to=["q1"])  # br1: X idle 12 s, known
case.send(T0 + 150, "q3", eth(Y, Z), to=["q2"])  # br1: Y idle 49 s, known
case.send(T0 + 151, "p3", eth(B, C), to=["p1", "p2"])  # br0: B gone
case.send(T0 + 152, "q1", eth(Z, X), to=["q3"])
case.write()
assert case.counter("br0", "fdb_aged") == 3 and case.counter("br1", "fdb_aged") == 0
