#!/usr/bin/python3
"""vx-vni-isolation: two overlay bridges with different VNIs on one host stay isolated.
Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, mac, read_pcap  # noqa: E402
from vxmodel import encap, ip  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.l2 import ARP  # noqa: E402

LOCAL, LOCAL_MAC = ip("192.168.99.1"), mac("02:00:00:00:99:01")
R1, R1_MAC = ip("192.168.99.2"), mac("02:00:00:00:99:02")
VM1, VM3, RVM = "02:00:00:00:01:01", "02:00:00:00:01:03", "02:00:00:00:02:01"
BCAST = "ff:ff:ff:ff:ff:ff"


def from_r1(inner, vni, ident):
    return encap(inner, R1_MAC, LOCAL_MAC, R1, LOCAL, vni, ident)


arp = eth(BCAST, RVM, ARP(hwsrc=RVM, psrc="10.0.0.21", pdst="10.0.0.1"))
case = Case(__file__)
# The same inner broadcast, once per VNI: each reaches only its own overlay's VM.
case.send(1, "up0", from_r1(arp, 100, 1), to=["vm1"])
case.send(2, "up0", from_r1(arp, 200, 2), to=["vm3"])
# The remote VM's MAC is now known in both bridges (learned separately): unicast from each
# VM goes out with its own bridge's VNI.
case.send(3, "vm1", eth(RVM, VM1, IP(src="10.0.0.1", dst="10.0.0.21") / UDP(sport=1, dport=2)),
          to=["vx1"])
case.send(4, "vm3", eth(RVM, VM3, IP(src="10.0.0.1", dst="10.0.0.21") / UDP(sport=1, dport=2)),
          to=["vx3"])
# VM broadcasts stay in their bridge.
case.send(5, "vm1", eth(BCAST, VM1, ARP(hwsrc=VM1, psrc="10.0.0.1", pdst="10.0.0.21")),
          to=["vx1"])
case.send(6, "vm3", eth(BCAST, VM3, ARP(hwsrc=VM3, psrc="10.0.0.1", pdst="10.0.0.21")),
          to=["vx3"])
# VNI 100 traffic to vm3's MAC is unknown in br0: flooded there (vm1), never to vm3.
case.send(7, "up0", from_r1(eth(VM3, RVM, IP(src="10.0.0.21", dst="10.0.0.1") /
                                UDP(sport=2, dport=1)), 100, 3), to=["vm1"])
# A VNI nobody configured.
case.send(8, "up0", from_r1(arp, 300, 4), drop="vx_unknown_vni")
case.write()
vnis = [int.from_bytes(d[46:49], "big") for _, d in read_pcap(os.path.join(case.dir,
                                                                          "up0.out.pcap"))]
assert vnis == [100, 200, 100, 200], vnis
