#!/usr/bin/python3
"""flood: unknown unicast, broadcast and multicast flooding without hairpin. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6, ICMPv6ND_NS  # noqa: E402
from scapy.layers.l2 import ARP  # noqa: E402

A, B, C, D = ("02:00:00:00:01:0%d" % i for i in range(1, 5))
U = "02:00:00:00:0f:ff"  # never seen anywhere
Q = "02:00:00:00:0e:01"  # lives on br1
BCAST = "ff:ff:ff:ff:ff:ff"
MCAST4 = "01:00:5e:00:00:fb"
MCAST6 = "33:33:ff:00:00:01"

# Bridge br1 floods nothing (its one port is the ingress port): whether such a frame also
# counts as "flooded" is not specified, so that counter is not checked.
case = Case(__file__, skip_counters={("br1", "flooded")})
case.send(1, "p1", eth(U, A, IP(src="10.1.0.1", dst="10.1.0.99") / UDP(dport=9)),
          to=["p2", "p3", "p4"])
case.send(2, "p2", eth(BCAST, B, ARP(hwsrc=B, psrc="10.1.0.2", pdst="10.1.0.1")),
          to=["p1", "p3", "p4"])
case.send(3, "p3", eth(MCAST4, C, IP(src="10.1.0.3", dst="224.0.0.251") / UDP(dport=5353)),
          to=["p1", "p2", "p4"])
case.send(4, "p4", eth(MCAST6, D, IPv6(src="fe80::4", dst="ff02::1:ff00:1") /
                       ICMPv6ND_NS(tgt="fe80::1"), size=86), to=["p1", "p2", "p3"])
# Broadcast from a port whose MAC is known: still flooded, still not back to p1.
case.send(5, "p1", eth(BCAST, A, ARP(hwsrc=A, psrc="10.1.0.1", pdst="10.1.0.2")),
          to=["p2", "p3", "p4"])
# A learned destination: one port only.
case.send(6, "p4", eth(B, D, IP(src="10.1.0.4", dst="10.1.0.2") / UDP(dport=9)), to=["p2"])
# br1: nowhere to flood.
case.send(7, "q1", eth(BCAST, Q, ARP(hwsrc=Q, psrc="10.2.0.1", pdst="10.2.0.2")),
          drop="no_output")
case.send(8, "q1", eth(A, Q, IP(src="10.2.0.1", dst="10.1.0.1") / UDP(dport=9)),
          drop="no_output")
# Q is known on br1 only: on br0 it is unknown unicast.
case.send(9, "p3", eth(Q, C, IP(src="10.1.0.3", dst="10.2.0.1") / UDP(dport=9)),
          to=["p1", "p2", "p4"])
# Unknown unicast again, at full size.
case.send(10, "p2", eth(U, B, IP(src="10.1.0.2", dst="10.1.0.99") / UDP(dport=9), size=1514),
          to=["p1", "p3", "p4"])
case.write()
assert case.counter("br0", "flooded") == 7 and case.counter("br0", "forwarded") == 1
assert case.counter("q1", "drop_no_output") == 2 and case.counter("q1", "rx_dropped") == 2
assert case.counter("br1", "fdb_entries") == 1
