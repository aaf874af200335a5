#!/usr/bin/python3
"""flow-default: a new bridge has exactly the flow priority=0,actions=NORMAL, which counts. Regenerate: ./gen.py"""
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
case.send(3, "p1", eth(B, A, size=100), to=["p2"])
case.after("dump-flows br0",
           " cookie=0x0, duration=3s, table=0, n_packets=3, n_bytes=220, idle_age=0, priority=0 "
           "actions=NORMAL\n")
case.write()
