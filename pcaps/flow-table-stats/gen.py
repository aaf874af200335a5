#!/usr/bin/python3
"""flow-table-stats: per-table lookups/matched/cache hits, resubmit, a table miss, a
default-only bridge. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.l2 import ARP  # noqa: E402

A, B, C, D = ("02:00:00:00:00:0%d" % i for i in range(1, 5))
BCAST = "ff:ff:ff:ff:ff:ff"


def ip(dst):
    return IP(src="10.0.0.1", dst=dst, id=1) / UDP(sport=1000, dport=9)


case = Case(__file__)
for t in (1, 2, 3):
    case.send(t, "p1", eth(B, A, ip("10.0.0.2")), to=["p2"])
for t in (4, 5):
    case.send(t, "p1", eth(B, A, ip("10.0.0.7")), to=["p3"])
case.send(6, "p1", eth(B, A, ip("10.1.0.1")), drop="flow_drop")
case.send(7, "p1", eth(BCAST, A, ARP(psrc="10.0.0.1", pdst="10.0.0.3")), to=["p2", "p3"])
case.send(8, "q1", eth(BCAST, C), to=["q2"])
case.send(9, "q2", eth(C, D), to=["q1"])
case.after("stats br0",
           "name  counter          value\n"
           "br0   fdb_entries          1\n"
           "br0   fdb_learned          1\n"
           "br0   flooded              1\n"
           "br0   flow_lookups         7\n"
           "br0   flow_cache_hits      3\n"
           "br0   flow_count           4\n"
           "br0   flow_tables          2\n"
           "br0   flow_masks           4\n"
           "\n"
           "bridge  table  flows  masks  lookups  matched  cache_hits\n"
           "br0         0      2      2        7        7           3\n"
           "br0         1      2      2        6        5           -\n")
case.after("stats br1",
           "name  counter       value\n"
           "br1   fdb_entries       2\n"
           "br1   fdb_learned       2\n"
           "br1   flooded           1\n"
           "br1   forwarded         1\n"
           "br1   flow_lookups      2\n"
           "br1   flow_count        1\n"
           "br1   flow_tables       1\n"
           "br1   flow_masks        1\n"
           "\n"
           "bridge  table  flows  masks  lookups  matched  cache_hits\n"
           "br1         0      1      1        2        2           0\n")
case.write()
