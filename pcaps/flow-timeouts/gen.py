#!/usr/bin/python3
"""flow-timeouts: idle_timeout and hard_timeout in pcap time. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402

A, B, C, D = ("02:00:00:00:00:0%d" % i for i in range(1, 5))

case = Case(__file__)
# Flows added at clock 0: A's idle_timeout=2 -> p2, C's hard_timeout=3 -> p3, D's
# idle_timeout=3,hard_timeout=10 -> drop. B is never learned before t=7: NORMAL floods. No
# frame falls on an exact timeout boundary (OVS expires strictly after it, weft at it).
case.send(1, "p1", eth(B, A), to=["p2"])
case.send(1, "p1", eth(B, C), to=["p3"])
case.send(1, "p1", eth(B, D), drop="flow_drop")
case.send(2, "p1", eth(B, A), to=["p2"])
case.send(2, "p1", eth(B, C), to=["p3"])
case.send(3, "p1", eth(B, A), to=["p2"])  # A's flow last used at 3
case.send(3, "p1", eth(B, D), drop="flow_drop")
# t=4: 4 s since C's flow was added (hard_timeout=3), though C sent every second: gone;
# NORMAL floods.
case.send(4, "p1", eth(B, C), to=["p2", "p3"])
case.send(5, "p1", eth(B, D), drop="flow_drop")  # 2 s idle < 3: D's flow stays
# t=6: 3 s without a packet for A's flow (idle_timeout=2): gone; NORMAL floods (learns A).
case.send(6, "p1", eth(B, A), to=["p2", "p3"])
case.send(7, "p1", eth(B, D), drop="flow_drop")  # 2 s again: traffic keeps it
case.send(7, "p2", eth(A, B), to=["p1"])  # NORMAL: A learned at t=6
case.after("dump-flows br0",
           " cookie=0x0, duration=7s, table=0, n_packets=4, n_bytes=240, idle_timeout=3, "
           "hard_timeout=10, idle_age=0, priority=50,dl_src=02:00:00:00:00:04 actions=drop\n"
           " cookie=0x0, duration=7s, table=0, n_packets=3, n_bytes=180, idle_age=0, "
           "priority=0 actions=NORMAL\n")
case.write()
