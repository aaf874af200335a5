#!/usr/bin/python3
"""flow-match-icmp: ICMP type and code. Regenerate: ./gen.py"""
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
case.send(1, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.2", ICMP(type=8, id=1, seq=1))), to=["p2"])
case.send(2, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.2", ICMP(type=3, code=3))), to=["p3"])
case.send(3, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.2", ICMP(type=3, code=1))),
          drop="flow_drop")
case.send(4, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.2", ICMP(type=0, id=1, seq=1))),
          drop="flow_drop")
case.send(5, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.2")), to=["p2", "p3", "p4"])
case.write()
