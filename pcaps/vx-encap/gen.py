#!/usr/bin/python3
"""vx-encap: VM frames leave by a VXLAN tunnel with byte-exact outer headers, once ARP has
resolved the remote VTEP. Regenerate: ./gen.py"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, mac  # noqa: E402
from vxmodel import arp_frame, cksum, flow_hash, ip, pad60  # noqa: E402
from scapy.layers.inet import IP, TCP, UDP  # noqa: E402
from scapy.layers.l2 import ARP  # noqa: E402

LOCAL_MAC, R1_MAC = "02:00:00:00:99:01", "02:00:00:00:99:02"
VM1, RVM = "02:00:00:00:01:01", "02:00:00:00:02:01"
BCAST = "ff:ff:ff:ff:ff:ff"

case = Case(__file__)
# The remote VTEP is not resolved yet: the frame is dropped on vx1 and a broadcast ARP request
# "who has 192.168.99.2, tell 192.168.99.1" goes out on the underlay.
f1 = eth(RVM, VM1, IP(src="10.0.0.1", dst="10.0.0.2", id=1) / UDP(sport=1000, dport=2000))
case.send(1, "vm1", f1, to=["up0"], drop="neigh_unresolved")
# The remote answers: learned, nothing sent back.
reply = pad60(arp_frame(2, mac(LOCAL_MAC), mac(R1_MAC), ip("192.168.99.2"), mac(LOCAL_MAC),
                        ip("192.168.99.1")))
case.send(2, "up0", reply, to=[])
# Now every frame to the overlay is encapsulated (outer IPv4 ids 0, 1, 2, 3).
case.send(3, "vm1", f1, to=["vx1"])
f2 = eth(RVM, VM1, IP(src="10.0.0.1", dst="10.0.0.2", id=2) / TCP(sport=40000, dport=22),
         size=200)
case.send(4, "vm1", f2, to=["vx1"])
# Tagged on the trunk VM port, VLAN 10: vx1 is a trunk too, the inner frame keeps the tag.
f3 = eth(RVM, VM1, IP(src="10.0.0.1", dst="10.0.0.2", id=3) / UDP(sport=1000, dport=2000),
         vid=10, pcp=3)
case.send(5, "vm1", f3, to={"vx1": 10})
f4 = eth(BCAST, VM1, ARP(hwsrc=VM1, psrc="10.0.0.1", pdst="10.0.0.2"))
case.send(6, "vm1", f4, to=["vx1"])
case.write()

# Independent spot check of the first encapsulated frame against RFC 7348, field by field.
out = [d for t, d in __import__("pcaplib").read_pcap(os.path.join(case.dir, "up0.out.pcap"))]
o = out[1]
assert o[0:6] == mac(R1_MAC) and o[6:12] == mac(LOCAL_MAC) and o[12:14] == b"\x08\x00"
assert o[14] == 0x45 and struct.unpack("!H", o[16:18])[0] == 20 + 8 + 8 + len(f1)
assert o[18:20] == b"\x00\x00" and o[20:22] == b"\x40\x00" and o[22] == 64 and o[23] == 17
assert cksum(o[14:34]) == 0 and o[26:30] == ip("192.168.99.1") and o[30:34] == ip("192.168.99.2")
sport, dport, ulen, ucs = struct.unpack("!HHHH", o[34:42])
assert 49152 <= sport <= 65535 and sport == 49152 + ((flow_hash(f1) * 16384) >> 32)
assert dport == 4789 and ulen == 16 + len(f1) and ucs == 0
assert o[42:50] == b"\x08\x00\x00\x00\x00\x00\x64\x00" and o[50:] == f1
assert [struct.unpack("!H", d[18:20])[0] for d in out[1:]] == [0, 1, 2, 3]
