#!/usr/bin/python3
"""flow-del-all: del-flows BR removes every flow, the default one too: frames are dropped as no_flow. Regenerate: ./gen.py"""
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
case.send(1, "p1", eth(BCAST, A), drop="no_flow")
case.send(2, "p2", eth(A, B), drop="no_flow")
case.send(3, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.2")), drop="no_flow")
case.after("dump-flows br0", "")
case.write()
assert case.counter("p1", "drop_no_flow") == 2 and case.counter("br0", "fdb_entries") == 0
