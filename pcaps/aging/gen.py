#!/usr/bin/python3
"""aging: MAC aging in pcap time (default 300 s). Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402

A, B, C = "02:00:00:00:03:0a", "02:00:00:00:03:0b", "02:00:00:00:03:0c"
Y, Z = "02:00:00:00:03:01", "02:00:00:00:03:02"
BCAST = "ff:ff:ff:ff:ff:ff"

case = Case(__file__)
# The example: a MAC seen at t=0 (a valid time, not "never") is unknown at t=400.
case.send(0, "p1", eth(BCAST, Z), to=["p2", "p3"])
case.send(100, "p2", eth(Z, Y), to=["p1"])
case.send(400, "p2", eth(Z, Y), to=["p1", "p3"])
case.send(1000, "p1", eth(BCAST, A), to=["p2", "p3"])  # A on p1, seen at 1000
case.send(1001, "p2", eth(A, B), to=["p1"])  # B on p2, seen at 1001
case.send(1200, "p3", eth(A, C), to=["p1"])  # A idle 200 s: known
case.send(1300, "p3", eth(A, C), to=["p1"])  # A idle exactly 300 s: still known
case.send(1301, "p3", eth(B, C), to=["p2"])  # B idle exactly 300 s: still known
case.send(1301.5, "p3", eth(A, C), to=["p1", "p2"])  # A idle 301 s: aged out, floods
case.send(1302, "p3", eth(B, C), to=["p1", "p2"])  # B idle 301 s: aged out, floods
case.send(1350, "p3", eth(BCAST, C), to=["p1", "p2"])  # the clock moves on
# A and B speak again (long after they aged out): learned afresh. C (seen 1350) is known.
case.send(1400, "p1", eth(C, A), to=["p3"])
case.send(1401, "p2", eth(A, B), to=["p1"])
# At 1700: B idle 299 s, A idle exactly 300 s, C idle 350 s (aged out).
case.send(1700, "p2", eth(C, B), to=["p1", "p3"])
case.send(1700.5, "p2", eth(A, B), to=["p1"])
case.send(1701, "p2", eth(A, B), to=["p1", "p3"])  # A idle 301 s: aged out
case.send(1800, "p2", eth(A, B), to=["p1", "p3"])
case.write()
# Aged: Z (at 400), Y (seen 400, gone before 1000), then A, B, C, A.
assert case.counter("br0", "fdb_aged") == 6 and case.counter("br0", "fdb_learned") == 7
assert case.counter("br0", "fdb_entries") == 1 and case.counter("br0", "fdb_moved") == 0
