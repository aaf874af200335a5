#!/usr/bin/python3
"""flow-match-l2: dl_src, dl_dst with a mask, multicast bit, dl_type. Regenerate: ./gen.py"""
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
case.send(1, "p1", eth(BCAST, C), drop="flow_drop")
case.send(2, "p1", eth("01:00:5e:00:00:01", C, ip("10.0.0.3", "224.0.0.1")), drop="flow_drop")
case.send(3, "p1", eth(D, A), to=["p2"])
case.send(4, "p1", eth("02:00:00:00:aa:37", C, ip("10.0.0.3", "10.0.0.4")), to=["p3"])
case.send(5, "p1", eth("02:00:00:00:ab:37", C), to=["p4"])  # ethertype 0x88b5
case.send(6, "p1", eth("02:00:00:00:ab:37", C, ip("10.0.0.3", "10.0.0.4")),
          to=["p2", "p3", "p4"])  # NORMAL: unknown unicast
case.write()
