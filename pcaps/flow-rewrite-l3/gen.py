#!/usr/bin/python3
"""flow-rewrite-l3: set_field on IPv4/ICMP fields with checksums, push_vlan. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402
from scapy.layers.inet import ICMP, IP, TCP, UDP  # noqa: E402

A, B = "02:00:00:00:00:01", "02:00:00:00:00:02"


def ip(l4, proto=None, tos=0):
    h = IP(src="10.0.0.1", dst="10.0.0.2", id=7, tos=tos)
    if proto is not None:
        h.proto = proto
    return h / l4


case = Case(__file__)
case.send(1, "p1", eth(B, A, ip(ICMP(type=8, id=3, seq=9) / b"ping payload")), to=["p2"])
case.send(2, "p1", eth(B, A, ip(UDP(sport=4000, dport=53) / b"query", tos=0x03)), to=["p3"])
case.send(3, "p1", eth(B, A, ip(TCP(sport=4000, dport=80, flags="S", seq=1000))), to=["p4"])
case.send(4, "p1", eth(B, A, ip(b"\x00\x00\x08\x00gre payload", proto=47, tos=0x01)), to=["p4"])
case.write()
