#!/usr/bin/python3
"""flow-match-vlan: dl_vlan, dl_vlan_pcp and dl_vlan=0xffff (no tag) on the frame as received. Regenerate: ./gen.py"""
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
case.send(1, "p1", eth(B, A, vid=10), to=["p2"])
case.send(2, "p1", eth(B, A, vid=10, pcp=5), to=["p2"])  # priority 30 over 20
case.send(3, "p1", eth(B, A, vid=20, pcp=5), to=["p3"])
case.send(4, "p1", eth(B, A), to=["p4"])
case.send(5, "p1", eth(B, A, vid=30), to={"p2": 30, "p3": 30, "p4": 30})
case.write()
