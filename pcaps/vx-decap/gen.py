#!/usr/bin/python3
"""vx-decap: VXLAN from a remote VTEP is decapsulated and reaches the right VM only.
Regenerate: ./gen.py"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, mac  # noqa: E402
from vxmodel import cksum, encap, ip  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.l2 import ARP  # noqa: E402

LOCAL, LOCAL_MAC = ip("192.168.99.1"), mac("02:00:00:00:99:01")
R1, R1_MAC = ip("192.168.99.2"), mac("02:00:00:00:99:02")
R2, R2_MAC = ip("192.168.99.3"), mac("02:00:00:00:99:03")
VM1, VM2, RVM1, RVM2 = ("02:00:00:00:01:01", "02:00:00:00:01:02", "02:00:00:00:02:01",
                        "02:00:00:00:03:01")
BCAST = "ff:ff:ff:ff:ff:ff"


def from_r1(inner, ident, pad=0):
    return encap(inner, R1_MAC, LOCAL_MAC, R1, LOCAL, 100, ident) + b"\0" * pad


case = Case(__file__)
# The VMs announce themselves (flooded to vm2 and both tunnels): their MACs are learned.
case.send(1, "vm1", eth(BCAST, VM1, ARP(hwsrc=VM1, psrc="10.0.0.1", pdst="10.0.0.9")),
          to=["vm2", "vx1", "vx2"])
case.send(2, "vm2", eth(BCAST, VM2, ARP(hwsrc=VM2, psrc="10.0.0.2", pdst="10.0.0.9")),
          to=["vm1", "vx1", "vx2"])
# From the remote VM behind 192.168.99.2: to vm1 only, then to vm2 only.
i1 = eth(VM1, RVM1, IP(src="10.0.0.21", dst="10.0.0.1") / UDP(sport=5, dport=6))
case.send(3, "up0", from_r1(i1, 7), to=["vm1"])
i2 = eth(VM2, RVM1, IP(src="10.0.0.21", dst="10.0.0.2") / UDP(sport=5, dport=6), size=300)
case.send(4, "up0", from_r1(i2, 8), to=["vm2"])
# Ethernet padding after the outer IPv4 packet is not part of the inner frame (which is
# 14 + 4 bytes: the UDP length says so).
i3 = eth(VM1, RVM1, b"\x01\x02\x03\x04", ethertype=0x88B5, size=18)
case.send(5, "up0", from_r1(i3, 9, pad=8), to=["vm1"])
# A non-zero, correct outer UDP checksum is verified and accepted (RFC 7348 allows it).
f = bytearray(from_r1(i1, 10))
pseudo = f[26:34] + struct.pack("!BBH", 0, 17, len(f) - 34)
struct.pack_into("!H", f, 40, cksum(bytes(pseudo + f[34:])) or 0xFFFF)
case.send(6, "up0", bytes(f), to=["vm1"])
# From the other remote (192.168.99.3): arrives by vx2, to vm2.
i4 = eth(VM2, RVM2, IP(src="10.0.0.31", dst="10.0.0.2") / UDP(sport=5, dport=6))
case.send(7, "up0", encap(i4, R2_MAC, LOCAL_MAC, R2, LOCAL, 100, 1), to=["vm2"])
case.write()
