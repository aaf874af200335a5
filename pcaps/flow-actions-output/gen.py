#!/usr/bin/python3
"""flow-actions-output: output (name, number, several), IN_PORT, FLOOD, ALL, drop. Regenerate: ./gen.py"""
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
case.send(1, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.2")), to=["p2"])
case.send(2, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.3")), to=["p3", "p4"])
case.send(3, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.3"), vid=20), to={"p3": 20, "p4": 20})
case.send(4, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.4")), to=["p1"])
case.send(5, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.5")), drop="flow_drop")
case.send(6, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.6")), to=["p2", "p3", "p4"])
case.send(7, "p2", eth(B, A, ip("10.0.0.1", "10.0.0.7")), to=["p1", "p3", "p4"])
case.send(8, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.8")), drop="flow_drop")
case.send(9, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.9")), drop="flow_drop")
case.send(10, "p1", eth(BCAST, A, ARP(psrc="10.0.0.1", pdst="10.0.0.2")), drop="no_flow")
case.write()
