#!/usr/bin/python3
"""learn-unicast: learning from source MACs, then unicast forwarding. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402

A, B, C = "02:00:00:00:00:0a", "02:00:00:00:00:0b", "02:00:00:00:00:0c"


def udp(src, dst, n):
    return IP(src="10.0.0.%d" % src, dst="10.0.0.%d" % dst, id=n) / UDP(sport=1000 + n, dport=7)


case = Case(__file__)
# Same timestamp on p2 and p1: p1 goes first, so A->B floods (B unknown) and B->A is unicast.
case.send(1.0, "p2", eth(A, B, udp(2, 1, 1)), to=["p1"])
case.send(1.0, "p1", eth(B, A, udp(1, 2, 2)), to=["p2", "p3"])
case.send(2.0, "p1", eth(B, A, udp(1, 2, 3)), to=["p2"])
case.send(3.0, "p3", eth(A, C, udp(3, 1, 4)), to=["p1"])
case.send(4.0, "p1", eth(C, A, udp(1, 3, 5)), to=["p3"])
case.send(5.0, "p2", eth(C, B, udp(2, 3, 6), size=1514), to=["p3"])
case.send(6.0, "p3", eth(B, C, udp(3, 2, 7), size=200), to=["p2"])
case.write()
assert case.counter("br0", "fdb_learned") == 3 and case.counter("br0", "flooded") == 1
assert case.counter("br0", "forwarded") == 6 and case.counter("br0", "fdb_entries") == 3
