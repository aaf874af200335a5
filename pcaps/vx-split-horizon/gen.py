#!/usr/bin/python3
"""vx-split-horizon: what arrives by one tunnel is flooded to the local ports only, never to
the other tunnel (full-mesh overlay). Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, mac  # noqa: E402
from vxmodel import encap, ip  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.l2 import ARP  # noqa: E402

LOCAL, LOCAL_MAC = ip("192.168.99.1"), mac("02:00:00:00:99:01")
R1, R1_MAC = ip("192.168.99.2"), mac("02:00:00:00:99:02")
R2, R2_MAC = ip("192.168.99.3"), mac("02:00:00:00:99:03")
RVM1, RVM2 = "02:00:00:00:02:01", "02:00:00:00:03:01"
BCAST = "ff:ff:ff:ff:ff:ff"

case = Case(__file__)
case.send(1, "up0", encap(eth(BCAST, RVM1, ARP(hwsrc=RVM1, psrc="10.0.0.21", pdst="10.0.0.1")),
                          R1_MAC, LOCAL_MAC, R1, LOCAL, 100, 1), to=["vm1", "vm2"])
case.send(2, "up0", encap(eth("01:00:5e:00:00:01", RVM2, IP(src="10.0.0.31", dst="224.0.0.1") /
                              UDP(sport=1, dport=2)), R2_MAC, LOCAL_MAC, R2, LOCAL, 100, 1),
          to=["vm1", "vm2"])
case.send(3, "up0", encap(eth("02:00:00:00:0f:ff", RVM1, IP(src="10.0.0.21", dst="10.0.0.99") /
                              UDP(sport=1, dport=2)), R1_MAC, LOCAL_MAC, R1, LOCAL, 100, 2),
          to=["vm1", "vm2"])
# A local VM's broadcast still goes to both tunnels (split horizon is tunnel-to-tunnel only).
case.send(4, "vm1", eth(BCAST, "02:00:00:00:01:01", ARP(hwsrc="02:00:00:00:01:01", psrc="10.0.0.1", pdst="10.0.0.9")),
          to=["vm2", "vx1", "vx2"])
case.write()
assert case.counter("vx2", "tx_packets") == 1 and case.counter("vx1", "tx_packets") == 1
