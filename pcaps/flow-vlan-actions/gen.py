#!/usr/bin/python3
"""flow-vlan-actions: mod_vlan_vid then NORMAL, strip_vlan, mod_vlan_pcp. Regenerate: ./gen.py"""
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
case.send(1, "p1", eth(BCAST, A), to={"p2": None, "p4": 10})
case.send(2, "p2", eth(A, B), to={"p1": 10})  # default flow, NORMAL: A learned in VLAN 10
case.send(3, "p4", eth(C, D, vid=10, pcp=3), to={"p3": None})
case.send(4, "p1", eth(C, A, vid=30, pcp=1), to={"p4": 30})
case.send(5, "p1", eth(C, A, vid=20, pcp=1), to={"p4": 30})
case.write()
# The pcp rewrite, checked on the frame the model sends.
out = case.model.ev["out"]
assert out[0][1][14] >> 5 == 1  # frame 5 kept its PCP
