#!/usr/bin/python3
"""vx-mtu: an inner frame that does not fit tunnel-mtu minus the 36 bytes of outer IPv4 +
UDP + VXLAN is dropped on the tunnel port (drop_vx_too_big). Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, read_pcap  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402

VM1, RVM = "02:00:00:00:01:01", "02:00:00:00:02:01"


def frame(size, vid=None):
    return eth(RVM, VM1, IP(src="10.0.0.1", dst="10.0.0.21") / UDP(sport=1, dport=2), size=size,
               vid=vid)


case = Case(__file__)
case.send(1, "vm1", frame(1364), to=["vx1"])              # exactly fits: outer IP 1400
case.send(2, "vm1", frame(1365), drop="vx_too_big")       # one byte too many
case.send(3, "vm1", frame(1360, vid=10), to={"vx1": 10})  # tagged: 1364 with the tag
case.send(4, "vm1", frame(1361, vid=10), drop="vx_too_big")
case.send(5, "vm1", frame(9000), drop="vx_too_big")
case.send(6, "vm1", frame(60), to=["vx1"])
case.write()
out = [d for _, d in read_pcap(os.path.join(case.dir, "up0.out.pcap"))]
assert [len(d) for d in out] == [1414, 1414, 110]
assert [int.from_bytes(d[16:18], "big") for d in out] == [1400, 1400, 96]
