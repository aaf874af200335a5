#!/usr/bin/python3
"""vx-flood-set: a tunnel with options:flood=false gets no flooded frame (broadcast, multicast,
unknown unicast) but still its MAC table hits. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, read_pcap  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.l2 import ARP  # noqa: E402

VM1, VM2 = "02:00:00:00:01:01", "02:00:00:00:01:02"
R3 = "02:00:00:00:03:03"  # static behind vx2 (see setup)
BCAST = "ff:ff:ff:ff:ff:ff"

case = Case(__file__)
case.send(1, "vm1", eth(BCAST, VM1, ARP(hwsrc=VM1, psrc="10.0.0.1", pdst="10.0.0.21")),
          to=["vm2", "vx1"])
case.send(2, "vm1", eth("01:00:5e:00:00:fb", VM1, IP(src="10.0.0.1", dst="224.0.0.251") /
                        UDP(sport=5353, dport=5353)), to=["vm2", "vx1"])
case.send(3, "vm2", eth("02:00:00:00:0f:ff", VM2, IP(src="10.0.0.2", dst="10.0.0.99") /
                        UDP(sport=1, dport=2)), to=["vm1", "vx1"])
# A MAC table hit on vx2 still goes there.
case.send(4, "vm1", eth(R3, VM1, IP(src="10.0.0.1", dst="10.0.0.3") / UDP(sport=1, dport=2)),
          to=["vx2"])
case.write()
# On the uplink: the three floods to .2 only, then the unicast to .3.
outer = [d for _, d in read_pcap(os.path.join(case.dir, "up0.out.pcap"))]
assert [d[30:34] for d in outer] == [bytes([192, 168, 99, 2])] * 3 + [bytes([192, 168, 99, 3])]
