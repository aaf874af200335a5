#!/usr/bin/python3
"""vx-partial-csum: VXLAN from a Linux sender with checksum offload on (CHECKSUM_PARTIAL read
off a veth): a partial outer UDP checksum is accepted, a partial inner TCP/UDP checksum is
completed before the VM gets the frame, real corruption is still dropped.
Regenerate: ./gen.py"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, mac  # noqa: E402
from vxmodel import cksum, encap, ip  # noqa: E402
from scapy.layers.inet import IP, TCP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.l2 import ARP  # noqa: E402

LOCAL, LOCAL_MAC = ip("192.168.99.1"), mac("02:00:00:00:99:01")
R1, R1_MAC = ip("192.168.99.2"), mac("02:00:00:00:99:02")
VM1, RVM1 = "02:00:00:00:01:01", "02:00:00:00:02:01"
BCAST = "ff:ff:ff:ff:ff:ff"


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def words(b):
    return sum(struct.unpack("!%dH" % (len(b) // 2), b))


def partial_inner(frame, l3, v6=False):
    """The frame with its TCP/UDP checksum replaced by the folded pseudo-header sum (what
    Linux leaves for the device), computed here by hand."""
    f = bytearray(frame)
    if v6:
        proto, l4, l4_len, addrs = f[l3 + 6], l3 + 40, struct.unpack("!H", f[l3 + 4:l3 + 6])[0], f[l3 + 8:l3 + 40]
    else:
        tot = struct.unpack("!H", f[l3 + 2:l3 + 4])[0]
        proto, l4, l4_len, addrs = f[l3 + 9], l3 + 20, tot - 20, f[l3 + 12:l3 + 20]
    off = l4 + (16 if proto == 6 else 6)
    struct.pack_into("!H", f, off, fold(words(bytes(addrs)) + proto + l4_len))
    return bytes(f)


def outer_set(f, value):
    f = bytearray(f)
    struct.pack_into("!H", f, 40, value)
    return bytes(f)


def outer_complete(f, inner_override=None):
    """Outer frame with a complete UDP checksum, computed over 'inner_override' in place of
    the inner frame when given (local checksum offload: as if the inner one were complete)."""
    g = bytearray(f)
    if inner_override is not None:
        g[50:50 + len(inner_override)] = inner_override
    pseudo = bytes(g[26:34]) + struct.pack("!BBH", 0, 17, len(g) - 34)
    struct.pack_into("!H", g, 40, 0)
    c = cksum(pseudo + bytes(g[34:])) or 0xFFFF
    return outer_set(f, c)


def outer_partial(f):
    return outer_set(f, fold(words(bytes(f[26:34])) + 17 + len(f) - 34))


def from_r1(inner, ident):
    return encap(inner, R1_MAC, LOCAL_MAC, R1, LOCAL, 100, ident)


case = Case(__file__)
# The VM announces itself (flooded to the tunnel): its MAC is learned.
case.send(1, "vm1", eth(BCAST, VM1, ARP(hwsrc=VM1, psrc="10.0.0.1", pdst="10.0.0.9")),
          to=["vx1"])
tcp = eth(VM1, RVM1, IP(src="10.0.0.21", dst="10.0.0.1", id=1) /
          TCP(sport=40000, dport=5201, seq=1, flags="PA") / (b"weft" * 50))
udp = eth(VM1, RVM1, IP(src="10.0.0.21", dst="10.0.0.1", id=2) / UDP(sport=5, dport=6) /
          (b"x" * 33))
udp6 = eth(VM1, RVM1, IPv6(src="fd00::21", dst="fd00::1") / UDP(sport=7, dport=8) / (b"y" * 21),
           ethertype=0x86DD)
# 2: a complete inner frame, outer checksum partial (a kernel VXLAN device, udpcsum, with tx
# offload): accepted as it is (outer_csum_partial).
case.send(2, "up0", outer_partial(from_r1(udp, 1)), to=["vm1"])
# 3: inner TCP partial, outer checksum filled as if it were complete (local checksum offload):
# accepted, the inner checksum completed (inner_csum_completed); vm1 gets 'tcp' as built.
p_tcp = partial_inner(tcp, 14)
case.send(3, "up0", outer_complete(from_r1(p_tcp, 2), inner_override=tcp), to=["vm1"])
# 4, 5: outer checksum 0 (noudpcsum), inner UDP over IPv4 / IPv6 partial: completed.
case.send(4, "up0", from_r1(partial_inner(udp, 14), 3), to=["vm1"])
case.send(5, "up0", from_r1(partial_inner(udp6, 14, v6=True), 4), to=["vm1"])
# 6: corrupted under a complete outer checksum: dropped as before.
bad = bytearray(outer_complete(from_r1(udp, 5)))
bad[80] ^= 0x01
case.send(6, "up0", bytes(bad), drop="vx_bad_udp_cksum")
# 7: the LCO frame of 3 with a changed inner source MAC: neither reading verifies.
bad = bytearray(outer_complete(from_r1(p_tcp, 6), inner_override=tcp))
bad[50 + 6 + 5] ^= 0x04
case.send(7, "up0", bytes(bad), drop="vx_bad_udp_cksum")
# 8: a wrong outer checksum that is neither complete nor partial: dropped.
case.send(8, "up0", outer_set(from_r1(udp, 7), 0x1234), drop="vx_bad_udp_cksum")
case.write()
