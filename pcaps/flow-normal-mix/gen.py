#!/usr/bin/python3
"""flow-normal-mix: flows and NORMAL together: a drop flow, a mirror-then-NORMAL flow, learning. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402
from scapy.layers.inet import ICMP, IP, TCP, UDP  # noqa: E402,F401
from scapy.layers.l2 import ARP  # noqa: E402,F401

A, B, C, D = ("02:00:00:00:00:0%d" % i for i in range(1, 5))
BCAST = "ff:ff:ff:ff:ff:ff"


def ip(src, dst, l4=None):
    return IP(src=src, dst=dst, id=1) / (l4 if l4 is not None else UDP(sport=1000, dport=9))


case = Case(__file__)
case.send(1, "p1", eth(BCAST, A), to=["p2", "p3"])
case.send(2, "p2", eth(A, B), to=["p1"])
case.send(3, "p3", eth(B, C), to=["p1", "p2"])
case.send(4, "p1", eth(C, A), to=["p3"])
case.send(5, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.66")), drop="flow_drop")
case.send(6, "p2", eth(BCAST, B, ip("10.0.0.2", "10.0.0.66")), drop="flow_drop")
case.write()
assert case.counter("br0", "fdb_entries") == 3
