#!/usr/bin/python3
"""vx-flood-two-remotes: broadcast, multicast and unknown unicast from a VM are replicated
head-end: one encapsulated copy per remote VTEP, plus the local VM. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, read_pcap  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.l2 import ARP  # noqa: E402

VM1, VM2 = "02:00:00:00:01:01", "02:00:00:00:01:02"
BCAST = "ff:ff:ff:ff:ff:ff"

case = Case(__file__)
case.send(1, "vm1", eth(BCAST, VM1, ARP(hwsrc=VM1, psrc="10.0.0.1", pdst="10.0.0.21")),
          to=["vm2", "vx1", "vx2"])
case.send(2, "vm1", eth("01:00:5e:00:00:fb", VM1, IP(src="10.0.0.1", dst="224.0.0.251") /
                        UDP(sport=5353, dport=5353)), to=["vm2", "vx1", "vx2"])
case.send(3, "vm2", eth("02:00:00:00:0f:ff", VM2, IP(src="10.0.0.2", dst="10.0.0.99") /
                        UDP(sport=1, dport=2)), to=["vm1", "vx1", "vx2"])
# Tagged (VLAN 20 on the trunk VM port): every copy keeps its tag.
case.send(4, "vm2", eth(BCAST, VM2, ARP(hwsrc=VM2, psrc="10.0.0.2", pdst="10.0.0.1"), vid=20),
          to={"vm1": 20, "vx1": 20, "vx2": 20})
case.write()
# Head-end replication: per flooded frame, up0 carries the copy to .2 then the copy to .3.
outer = [d for _, d in read_pcap(os.path.join(case.dir, "up0.out.pcap"))]
assert len(outer) == 8
assert [d[30:34] for d in outer] == [bytes([192, 168, 99, 2]), bytes([192, 168, 99, 3])] * 4
assert all(a[50:] == b[50:] for a, b in zip(outer[0::2], outer[1::2]))
