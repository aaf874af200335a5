#!/usr/bin/python3
"""flow-mod-replace: mod-flows keeps counters; replace-flows applies only the difference.
Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402
from scapy.layers.inet import IP, TCP, UDP  # noqa: E402

A, B = "02:00:00:00:00:01", "02:00:00:00:00:02"

case = Case(__file__)
case.send(1, "p1", eth(B, A, IP(src="10.0.0.1", dst="10.0.0.2", id=1) / TCP(dport=80)),
          to=["p2"])
case.send(2, "p1", eth(B, A, IP(src="10.0.0.1", dst="10.0.0.2", id=1) / UDP(dport=53)),
          to=["p4"])
case.after('mod-flows br0 --strict "priority=10,ip actions=output:p3"', "")
case.after("dump-flows br0",
           " cookie=0x0, duration=2s, table=0, n_packets=1, n_bytes=60, idle_age=0, "
           "priority=20,udp actions=output:p4\n"
           " cookie=0x0, duration=2s, table=0, n_packets=1, n_bytes=60, idle_age=1, hard_age=0, "
           "priority=10,ip actions=output:p3\n"
           " cookie=0x0, duration=2s, table=0, n_packets=0, n_bytes=0, idle_age=2, "
           "priority=0 actions=NORMAL\n")
case.after("replace-flows br0 flows.txt", "")
case.after("dump-flows br0",
           " cookie=0x0, duration=0s, table=0, n_packets=0, n_bytes=0, idle_age=0, "
           "priority=30,arp actions=FLOOD\n"
           " cookie=0x0, duration=2s, table=0, n_packets=1, n_bytes=60, idle_age=0, hard_age=0, "
           "priority=20,udp actions=drop\n"
           " cookie=0x0, duration=2s, table=0, n_packets=1, n_bytes=60, idle_age=1, hard_age=0, "
           "priority=10,ip actions=output:p3\n")
case.write()
