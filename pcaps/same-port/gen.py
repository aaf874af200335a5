#!/usr/bin/python3
"""same-port: no hairpin for a destination learned on the ingress port. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402

A, B, C = "02:00:00:00:05:0a", "02:00:00:00:05:0b", "02:00:00:00:05:0c"
BCAST = "ff:ff:ff:ff:ff:ff"

case = Case(__file__)
case.send(1, "p1", eth(BCAST, A), to=["p2", "p3"])
case.send(2, "p1", eth(A, B), drop="same_port")  # A and B both behind p1; B learned anyway
case.send(3, "p2", eth(B, C), to=["p1"])  # B was learned on p1
case.send(4, "p1", eth(A, A), drop="same_port")  # to itself
case.send(5, "p2", eth(C, C), drop="same_port")
case.send(6, "p3", eth(A, "02:00:00:00:05:0d"), to=["p1"])
case.write()
assert case.counter("p1", "drop_same_port") == 2 and case.counter("p1", "rx_dropped") == 2
assert case.counter("p2", "drop_same_port") == 1 and case.counter("br0", "fdb_entries") == 4
