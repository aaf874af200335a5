#!/usr/bin/python3
"""vx-set-tunnel: options:key=flow and set_tunnel. Regenerate: ./gen.py"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, mac, read_pcap  # noqa: E402
from vxmodel import encap, ip  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402

LOCAL, LOCAL_MAC = ip("192.168.99.1"), mac("02:00:00:00:99:01")
R1, R1_MAC = ip("192.168.99.2"), mac("02:00:00:00:99:02")
R2, R2_MAC = ip("192.168.99.3"), mac("02:00:00:00:99:03")
VM1, VM2 = "02:00:00:00:01:01", "02:00:00:00:01:02"
RA, RB, RC = "02:00:00:00:02:01", "02:00:00:00:02:02", "02:00:00:00:02:03"
BCAST = "ff:ff:ff:ff:ff:ff"


def udp(dst, src, n):
    return eth(dst, src, IP(src="10.0.0.%d" % n, dst="10.0.0.99") / UDP(sport=n, dport=7))


def remote(inner, vni, ident, sip=R1, smac=R1_MAC):
    return encap(inner, smac, LOCAL_MAC, sip, LOCAL, vni, ident)


case = Case(__file__)
case.send(1, "vm1", udp(RA, VM1, 1), to=["vxf"])  # VNI 5000
case.send(2, "vm1", udp(RB, VM1, 2), to=["vxf"])  # two copies: VNI 6000, then VNI 1
case.send(3, "vm1", udp(RC, VM1, 3), to=["vx7"])  # VNI 7: the fixed key wins
case.send(4, "vm2", udp(BCAST, VM2, 4), to=["vm1", "vxf", "vx7"])  # NORMAL: VNI 0 and 7
case.send(5, "up0", remote(udp(VM1, RA, 5), 5000, 1), to=["vm1"])
case.send(6, "up0", remote(udp(VM2, RB, 6), 6000, 2), to=["vm2"])
case.send(7, "up0", remote(udp(VM2, RB, 7), 7, 3), to=["vm2"])  # vx7's VNI
case.send(8, "up0", remote(udp(VM1, RA, 8), 9999, 4), drop="flow_drop")  # vxf, no flow
case.send(9, "up0", remote(udp(VM1, RA, 9), 5000, 5, R2, R2_MAC), drop="vx_unknown_vni")
case.write()

# By hand: the VNIs on the wire, in order.
out = [d for _, d in read_pcap(os.path.join(case.dir, "up0.out.pcap"))]
vnis = [struct.unpack("!I", o[46:50])[0] >> 8 for o in out]
assert vnis == [5000, 6000, 1, 7, 0, 7], vnis
