#!/usr/bin/python3
"""vx-encap-flows: 400 varied inner frames (seeded) through one tunnel: outer source port per
flow, IPv4 id and checksum per frame. Regenerate: ./gen.py"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, read_pcap  # noqa: E402
from vxmodel import cksum, flow_hash  # noqa: E402
from scapy.layers.inet import ICMP, IP, TCP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.l2 import ARP  # noqa: E402
from scapy.layers.sctp import SCTP  # noqa: E402

rng = random.Random(7348)
VM1, RVM = "02:00:00:00:01:01", "02:00:00:00:02:01"


def a4():
    return "10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))


def inner():
    k = rng.randrange(8)
    size = rng.choice((60, 60, 64, 128, 333, 1000, 1460))
    vid = rng.choice((None, None, None, rng.randrange(1, 4095)))
    sp, dp = rng.randrange(65536), rng.randrange(65536)
    if k == 0:
        l3 = IP(src=a4(), dst=a4(), id=rng.randrange(65536)) / UDP(sport=sp, dport=dp)
    elif k == 1:
        l3 = IP(src=a4(), dst=a4(), flags=rng.choice(("DF", ""))) / TCP(sport=sp, dport=dp)
    elif k == 2:  # fragments: no ports in the hash
        l3 = IP(src=a4(), dst=a4(), flags="MF", frag=rng.randrange(2)) / UDP(sport=sp, dport=dp)
    elif k == 3:
        l3 = IP(src=a4(), dst=a4()) / ICMP(id=sp)
    elif k == 4:
        l3 = IPv6(src="fd00::%x" % sp, dst="fd00::%x" % dp) / UDP(sport=sp, dport=dp)
    elif k == 5:
        l3 = IP(src=a4(), dst=a4()) / SCTP(sport=sp, dport=dp)
    elif k == 6:
        l3 = ARP(hwsrc=VM1, psrc=a4(), pdst=a4())
    else:
        l3 = bytes(rng.randrange(256) for _ in range(20))
        return eth(RVM, VM1, l3, ethertype=rng.randrange(0x0600, 0x8000), size=size, vid=vid)
    return eth(RVM, VM1, l3, size=size, vid=vid)


case = Case(__file__)
frames = [inner() for _ in range(400)]
for i, f in enumerate(frames):
    want = {"vx1": struct.unpack("!H", f[14:16])[0] & 0xFFF} if f[12:14] == b"\x81\x00" \
        else ["vx1"]
    case.send(1 + i * 0.001, "vm1", f, to=want)
case.write()
out = [d for _, d in read_pcap(os.path.join(case.dir, "up0.out.pcap"))]
assert len(out) == 400
for i, (f, o) in enumerate(zip(frames, out)):
    assert o[50:] == f and struct.unpack("!H", o[18:20])[0] == i and cksum(o[14:34]) == 0
    assert struct.unpack("!H", o[34:36])[0] == 49152 + ((flow_hash(f) * 16384) >> 32)
assert len({o[34:36] for o in out}) > 300  # the flows spread over the source ports
