#!/usr/bin/python3
"""flow-priority: the highest-priority matching flow wins; ties go to the older flow. Regenerate: ./gen.py"""
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
case.send(1, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.9", TCP(dport=22))), to=["p2"])
case.send(2, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.3", TCP(dport=22))), to=["p3"])
case.send(3, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.3")), to=["p3"])  # tie: older flow
case.send(4, "p1", eth(B, A, ip("10.0.0.1", "10.0.0.7")), to=["p4"])
case.send(5, "p1", eth(BCAST, A, ARP(psrc="10.0.0.1", pdst="10.0.0.3")), to=["p2", "p3", "p4"])
case.after("dump-flows br0",
           " cookie=0x0, duration=5s, table=0, n_packets=2, n_bytes=120, idle_age=2, "
           "priority=20,ip,nw_dst=10.0.0.3 actions=output:p3\n"
           " cookie=0x0, duration=5s, table=0, n_packets=1, n_bytes=60, idle_age=1, "
           "priority=20,udp actions=output:p4\n"
           " cookie=0x0, duration=5s, table=0, n_packets=1, n_bytes=60, idle_age=4, "
           "priority=10,ip actions=output:p2\n"
           " cookie=0x0, duration=5s, table=0, n_packets=1, n_bytes=60, idle_age=0, "
           "priority=0 actions=NORMAL\n")
case.write()
