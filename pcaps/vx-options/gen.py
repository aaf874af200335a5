#!/usr/bin/python3
"""vx-options: tunnel options (key, ttl, tos, df_default, dst_port), the underlay's
tunnel-udp-port, the choice of underlay bridge by subnet, and a remote no underlay reaches.
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
R2, R2_MAC = ip("192.168.99.3"), mac("02:00:00:00:99:03")
VM1, BCAST = "02:00:00:00:01:01", "ff:ff:ff:ff:ff:ff"

case = Case(__file__)
# A broadcast reaches every tunnel: vx1, vx2 and vx5 by up0, vx3 by up1, vx4 nowhere.
b = eth(BCAST, VM1, ARP(hwsrc=VM1, psrc="10.0.0.1", pdst="10.0.0.9"))
case.send(1, "vm1", b, to=["vx1", "vx2", "vx3", "vx5"], drop="no_underlay")
# Receive side listens on 8472 (tunnel-udp-port): VNI 0 from .2 and VNI 2^24-1 from .3 are
# decapsulated; VXLAN to 4789 is not ours any more.
i1 = eth(VM1, "02:00:00:00:02:01", IP(src="10.0.0.21", dst="10.0.0.1") / UDP(sport=1, dport=2))
case.send(2, "up0", encap(i1, R1_MAC, LOCAL_MAC, R1, LOCAL, 0, 5, dport=8472), to=["vm1"])
i2 = eth(VM1, "02:00:00:00:03:01", IP(src="10.0.0.31", dst="10.0.0.1") / UDP(sport=1, dport=2))
case.send(3, "up0", encap(i2, R2_MAC, LOCAL_MAC, R2, LOCAL, 0xFFFFFF, 6, dport=8472),
          to=["vm1"])
case.send(4, "up0", encap(i2, R2_MAC, LOCAL_MAC, R2, LOCAL, 0xFFFFFF, 7), drop="other_to_us")
# The VTEP of br-phy2 is another address: VXLAN for 10.1.1.1 arriving by up1 is decapsulated
# (its default port 4789), the same packet by up0 is not for br-phy's VTEP.
i3 = eth(VM1, "02:00:00:00:04:01", IP(src="10.0.0.41", dst="10.0.0.1") / UDP(sport=1, dport=2))
f3 = encap(i3, mac("02:00:00:00:10:02"), mac("02:00:00:00:10:01"), ip("10.1.1.2"),
           ip("10.1.1.1"), 7, 8)
case.send(5, "up1", f3, to=["vm1"])
case.send(6, "up0", f3, drop="not_for_us")
case.write()
up0 = [d for _, d in read_pcap(os.path.join(case.dir, "up0.out.pcap"))]
up1 = [d for _, d in read_pcap(os.path.join(case.dir, "up1.out.pcap"))]
v1, v2, v5 = up0
assert v5[0:6] == mac("02:00:00:00:99:fe") and v5[30:34] == ip("172.16.5.6")
assert v1[15] == 184 and v1[20:22] == b"\0\0" and v1[22] == 9 and v1[36:38] == b"\x21\x18"
assert v1[46:50] == b"\0\0\0\0"
assert v2[15] == 0 and v2[20:22] == b"\x40\x00" and v2[22] == 64 and v2[36:38] == b"\x12\xb5"
assert v2[46:50] == b"\xff\xff\xff\x00"
(v3,) = up1
assert v3[6:12] == mac("02:00:00:00:10:01") and v3[26:30] == ip("10.1.1.1")
assert v3[46:50] == b"\0\0\x07\0"
assert [int.from_bytes(d[18:20], "big") for d in (v1, v2, v3, v5)] == [0, 1, 2, 3]
