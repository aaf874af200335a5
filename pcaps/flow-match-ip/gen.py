#!/usr/bin/python3
"""flow-match-ip: IPv4 nw_src/nw_dst CIDR prefixes and nw_proto. Regenerate: ./gen.py"""
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
case.send(1, "p1", eth(B, A, ip("10.1.5.5", "10.2.0.9", TCP(dport=80))), to=["p2"])
case.send(2, "p1", eth(B, A, ip("10.1.5.5", "10.2.0.9")), to=["p2"])
case.send(3, "p1", eth(B, A, ip("10.9.0.1", "10.2.0.9")), to=["p3"])
case.send(4, "p1", eth(B, A, ip("10.9.0.1", "10.2.7.1")), to=["p3"])
case.send(5, "p1", eth(B, A, ip("10.9.0.1", "10.2.7.1", TCP(dport=80))), drop="flow_drop")
case.send(6, "p1", eth(B, A, ip("10.1.0.1", "10.3.0.1")), drop="flow_drop")
case.send(7, "p1", eth(BCAST, A, ARP(psrc="10.1.0.1", pdst="10.2.0.9")), to=["p2", "p3", "p4"])
case.write()
