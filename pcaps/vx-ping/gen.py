#!/usr/bin/python3
"""vx-ping: ICMP echo requests to the tunnel address are answered (RFC 792), padded to 60
bytes; anything else ICMP is not. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, read_pcap  # noqa: E402
from scapy.layers.inet import ICMP, IP  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402

LOCAL_MAC, R1_MAC = "02:00:00:00:99:01", "02:00:00:00:99:02"


def echo(dst="192.168.99.1", payload=b"ping", **icmp):
    return eth(LOCAL_MAC, R1_MAC, IP(src="192.168.99.2", dst=dst, id=77, ttl=3) /
               ICMP(id=0x1234, seq=1, **icmp) / payload)


case = Case(__file__)
case.send(1, "up0", echo(), to=["up0"])                         # 46 + padding -> 60
case.send(2, "up0", echo(payload=bytes(range(200))), to=["up0"])  # 246 bytes, no padding
bad = bytearray(echo())
bad[36] ^= 0xFF                                                  # ICMP checksum
case.send(3, "up0", bytes(bad), drop="vx_bad_icmp")
case.send(4, "up0", echo(dst="192.168.99.7"), drop="not_for_us")
case.send(5, "up0", echo(type=0), drop="other_to_us")            # an echo reply
bad = bytearray(echo())
bad[24] ^= 0xFF                                                  # IPv4 header checksum
case.send(6, "up0", bytes(bad), drop="vx_bad_ip_cksum")
# Ethernet padding of a request is not echoed: the reply is cut to the IPv4 length and padded
# with zeros again.
case.send(7, "up0", bytes(echo())[:46] + b"\xaa" * 14, to=["up0"])
case.write()
# Independent check with scapy: swapped addresses, TTL 64, type 0, valid checksums, payload.
r = [Ether(d) for _, d in read_pcap(os.path.join(case.dir, "up0.out.pcap"))]
for p, payload in zip(r, (b"ping", bytes(range(200)))):
    assert p.dst == R1_MAC and p.src == LOCAL_MAC
    assert p[IP].src == "192.168.99.1" and p[IP].dst == "192.168.99.2" and p[IP].ttl == 64
    assert p[ICMP].type == 0 and p[ICMP].id == 0x1234 and p[ICMP].seq == 1
    ip_hdr = p[IP].copy()
    ip_hdr.chksum = None
    assert IP(bytes(ip_hdr)).chksum == p[IP].chksum
    icmp = p[ICMP].copy()
    icmp.chksum = None
    assert ICMP(bytes(icmp)).chksum == p[ICMP].chksum
    assert bytes(p[ICMP].payload)[:len(payload)] == payload
assert len(bytes(r[0])) == 60 and len(bytes(r[1])) == 14 + 20 + 8 + 200
assert bytes(r[2]) == bytes(r[0])
