#!/usr/bin/python3
"""flow-del-match: del-flows with a match (non-strict) and --strict. Regenerate: ./gen.py"""
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
case.send(1, "p1", eth(B, A, ip("10.0.0.9", "10.0.0.1", TCP(dport=80))), to=["p2"])
case.send(2, "p1", eth(B, A, ip("10.0.0.9", "10.0.0.2")), to=["p3"])
case.send(3, "p1", eth(B, A, ip("10.0.0.9", "10.0.0.3", TCP(dport=80))), to=["p2", "p3", "p4"])
case.after("dump-flows br0 --no-stats",
           " priority=100,ip,nw_dst=10.0.0.1 actions=output:p2\n"
           " priority=100,ip,nw_dst=10.0.0.2 actions=output:p3\n"
           " priority=0 actions=NORMAL\n")
case.write()
