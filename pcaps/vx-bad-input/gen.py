#!/usr/bin/python3
"""vx-bad-input: every class of bad underlay input is dropped with its named counter and never
reaches a VM. Regenerate: ./gen.py"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, mac, read_pcap  # noqa: E402
from vxmodel import cksum, encap, ip  # noqa: E402
from scapy.layers.inet import IP, TCP, UDP  # noqa: E402
from scapy.layers.l2 import ARP  # noqa: E402

LOCAL, LOCAL_MAC = ip("192.168.99.1"), mac("02:00:00:00:99:01")
R1, R1_MAC = ip("192.168.99.2"), mac("02:00:00:00:99:02")
RVM, BCAST = "02:00:00:00:02:01", "ff:ff:ff:ff:ff:ff"
# The inner frame of every bad packet: a broadcast, so a leak would reach vm1 for sure.
INNER = eth(BCAST, RVM, ARP(hwsrc=RVM, psrc="10.0.0.21", pdst="10.0.0.1"))


def good(inner=INNER, vni=100, src=R1, ident=1):
    return bytearray(encap(inner, R1_MAC, LOCAL_MAC, src, LOCAL, vni, ident))


def fix_ip(f):
    """Recomputes the outer IPv4 header checksum (after an edit)."""
    ihl = (f[14] & 0xF) * 4
    f[24:26] = b"\0\0"
    f[24:26] = struct.pack("!H", cksum(bytes(f[14:14 + ihl])))
    return bytes(f)


def edit(off, data, f=None):
    f = good() if f is None else f
    f[off:off + len(data)] = data
    return fix_ip(f)


def sized(ip_len, udp_len=None, keep=None):
    """A VXLAN frame cut to an outer IPv4 total length ip_len (UDP length udp_len)."""
    f = good()[:14 + ip_len]
    f[16:18] = struct.pack("!H", ip_len)
    if udp_len is not None:
        f[38:40] = struct.pack("!H", udp_len)
    return fix_ip(f) + b"\0" * max(0, 60 - 14 - ip_len)


def scapy_outer(**kw):
    """The good frame rebuilt by scapy with outer IPv4 fields changed (options, flags...)."""
    udp = bytes(good()[34:])
    return eth(LOCAL_MAC, R1_MAC, IP(src="192.168.99.2", dst="192.168.99.1", proto=17, **kw) /
               udp)


case = Case(__file__)
t = iter(range(1, 100))
# VXLAN header.
case.send(next(t), "up0", edit(42, b"\x00"), drop="vx_no_i_flag")           # flags 0
case.send(next(t), "up0", edit(42, b"\x80"), drop="vx_no_i_flag")           # only reserved
case.send(next(t), "up0", bytes(good(vni=101)), drop="vx_unknown_vni")
case.send(next(t), "up0", sized(20 + 8 + 8 + 10, 8 + 8 + 10), drop="vx_inner_too_short")
case.send(next(t), "up0", sized(20 + 8 + 4, 8 + 4), drop="vx_trunc_vxlan")
# UDP.
case.send(next(t), "up0", edit(36, struct.pack("!H", 4790)), drop="other_to_us")
case.send(next(t), "up0", edit(40, b"\x12\x34"), drop="vx_bad_udp_cksum")
case.send(next(t), "up0", edit(38, struct.pack("!H", 8 + 8 + 60 - 2)), drop="vx_bad_udp_len")
case.send(next(t), "up0", sized(20 + 4), drop="vx_trunc_udp")
# Outer IPv4.
case.send(next(t), "up0", eth(LOCAL_MAC, R1_MAC, b"\x45" + b"\0" * 15, ethertype=0x0800,
                              size=30), drop="vx_trunc_ipv4")      # 30 bytes on the wire
case.send(next(t), "up0", edit(14, b"\x65"), drop="vx_bad_ip_version")
case.send(next(t), "up0", scapy_outer(options=[b"\x01\x01\x01\x00"]), drop="vx_ip_options")
case.send(next(t), "up0", edit(16, struct.pack("!H", 20 + 16 + 60 + 1)), drop="vx_bad_ip_len")
case.send(next(t), "up0", bytes(edit(24, b"\xde\xad")[:24]) + b"\xde\xad" +
          bytes(good()[26:]), drop="vx_bad_ip_cksum")
case.send(next(t), "up0", scapy_outer(flags="MF"), drop="vx_fragment")
case.send(next(t), "up0", scapy_outer(frag=100), drop="vx_fragment")
case.send(next(t), "up0", edit(22, b"\x00"), drop="vx_ttl_zero")
# Not for us / not VXLAN.
case.send(next(t), "up0", edit(30, ip("192.168.99.77")), drop="not_for_us")   # foreign IP
f = good()
f[0:6] = mac("02:00:00:00:99:77")
case.send(next(t), "up0", bytes(f), drop="not_for_us")                       # foreign MAC
case.send(next(t), "up0", b"\x02\x00\x00\x00\x99\x01\x02", drop="not_for_us")  # runt
case.send(next(t), "up0", eth(LOCAL_MAC, R1_MAC, bytes(good()[14:]), ethertype=0x86DD),
          drop="not_for_us")
case.send(next(t), "up0", eth(LOCAL_MAC, R1_MAC, IP(src="192.168.99.2", dst="192.168.99.1") /
                              TCP(dport=4789)), drop="other_to_us")
# Valid VXLAN from a VTEP no tunnel port of VNI 100 names.
case.send(next(t), "up0", bytes(good(src=ip("192.168.99.9"))), drop="unknown_tunnel")
# Last, the same inner frame correctly sent: the path works, and vm1 gets only this one.
case.send(next(t), "up0", bytes(good()), to=["vm1"])
case.write()
vm = [d for _, d in read_pcap(os.path.join(case.dir, "vm1.out.pcap"))]
assert vm == [INNER]
for r in ("vx_no_i_flag", "vx_unknown_vni", "other_to_us", "vx_trunc_ipv4", "vx_trunc_udp",
          "vx_trunc_vxlan", "vx_inner_too_short", "vx_ip_options", "vx_fragment",
          "vx_bad_ip_cksum", "vx_ttl_zero", "not_for_us", "unknown_tunnel"):
    assert case.counter("up0", "drop_" + r) > 0, r
