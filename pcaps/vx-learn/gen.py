#!/usr/bin/python3
"""vx-learn: a remote VM's MAC is learned against the tunnel port it came by, and unicast
back to it is encapsulated to that remote only. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, mac, read_pcap  # noqa: E402
from vxmodel import arp_frame, encap, ip, pad60  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.l2 import ARP  # noqa: E402

LOCAL, LOCAL_MAC = ip("192.168.99.1"), mac("02:00:00:00:99:01")
R1, R1_MAC = ip("192.168.99.2"), mac("02:00:00:00:99:02")
R2, R2_MAC = ip("192.168.99.3"), mac("02:00:00:00:99:03")
VM1, VM2, RVM1, RVM2 = ("02:00:00:00:01:01", "02:00:00:00:01:02", "02:00:00:00:02:01",
                        "02:00:00:00:03:01")
BCAST = "ff:ff:ff:ff:ff:ff"

case = Case(__file__)
# Remote VM 1 (behind .2) broadcasts: learned on vx1, delivered to the local VMs only.
case.send(1, "up0", encap(eth(BCAST, RVM1, ARP(hwsrc=RVM1, psrc="10.0.0.21", pdst="10.0.0.1")),
                          R1_MAC, LOCAL_MAC, R1, LOCAL, 100, 1), to=["vm1", "vm2"])
# Remote VM 2 (behind .3) sends to an unknown MAC: learned on vx2, flooded locally.
case.send(2, "up0", encap(eth("02:00:00:00:0f:ff", RVM2, IP(src="10.0.0.31", dst="10.0.0.99") /
                              UDP(sport=7, dport=8)), R2_MAC, LOCAL_MAC, R2, LOCAL, 100, 1),
          to=["vm1", "vm2"])
# An ARP reply claiming 192.168.99.2 moved to another MAC: the static entry (setup) stays.
case.send(2.5, "up0", pad60(arp_frame(2, LOCAL_MAC, mac("02:00:00:00:99:22"), R1, LOCAL_MAC,
                                      LOCAL)), to=[])
# Unicast back: each goes by its own tunnel only (one outer frame each on up0).
case.send(3, "vm1", eth(RVM1, VM1, IP(src="10.0.0.1", dst="10.0.0.21") / UDP(sport=8, dport=7)),
          to=["vx1"])
case.send(4, "vm2", eth(RVM2, VM2, IP(src="10.0.0.2", dst="10.0.0.31") / UDP(sport=8, dport=7)),
          to=["vx2"])
case.send(5, "vm1", eth(RVM2, VM1, IP(src="10.0.0.1", dst="10.0.0.31") / UDP(sport=8, dport=7)),
          to=["vx2"])
# The VMs are now known too: the remote's unicast reaches vm1 only.
case.send(6, "up0", encap(eth(VM1, RVM1, IP(src="10.0.0.21", dst="10.0.0.1") /
                              UDP(sport=7, dport=8)), R1_MAC, LOCAL_MAC, R1, LOCAL, 100, 2),
          to=["vm1"])
# Remote VM 1 moves behind .3: the entry moves to vx2, and replies follow it.
case.send(7, "up0", encap(eth(VM2, RVM1, IP(src="10.0.0.21", dst="10.0.0.2") /
                              UDP(sport=7, dport=8)), R2_MAC, LOCAL_MAC, R2, LOCAL, 100, 2),
          to=["vm2"])
case.send(8, "vm2", eth(RVM1, VM2, IP(src="10.0.0.2", dst="10.0.0.21") / UDP(sport=8, dport=7)),
          to=["vx2"])
case.write()
assert case.counter("br0", "fdb_moved") == 1 and case.counter("br0", "fdb_entries") == 4
outer = [d for _, d in read_pcap(os.path.join(case.dir, "up0.out.pcap"))]
assert [(d[0:6], d[30:34]) for d in outer] == [(R1_MAC, R1), (R2_MAC, R2), (R2_MAC, R2),
                                              (R2_MAC, R2)]
