#!/usr/bin/python3
"""jumbo-chains: frames of 2.5 to 8 KB (mbuf chains) through VLAN push/pop, flooding copies,
VXLAN encapsulation and decapsulation. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, mac  # noqa: E402
from vxmodel import encap, ip  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402

LOCAL, LOCAL_MAC = ip("192.168.99.1"), mac("02:00:00:00:99:01")
R1, R1_MAC = ip("192.168.99.2"), mac("02:00:00:00:99:02")
A, B, C, R = "02:00:00:00:00:0a", "02:00:00:00:00:0b", "02:00:00:00:00:0c", "02:00:00:00:02:01"
BCAST = "ff:ff:ff:ff:ff:ff"


def udp(n):
    return IP(src="10.0.0.1", dst="10.0.0.2", id=n) / UDP(sport=1000 + n, dport=7)


case = Case(__file__)
# A 4000-byte broadcast from the access port (VLAN 7): copied to the trunks vm2, vm3 and the
# tunnel vx1 (trunks too), each tagged 7 (a push on a chain; the tunnel encapsulates it).
case.send(1, "vm1", eth(BCAST, A, udp(1), size=4000), to=["vm2", "vm3", "vx1"])
# A tagged 5000-byte frame back from the trunk: untagged on the access port (pop on a chain).
case.send(2, "vm2", eth(A, B, udp(2), vid=7, size=5000), to=["vm1"])
# Untagged 3000-byte frame from vm3 to an unknown MAC on VLAN 0: flooded to vm2 and the tunnel
# (encapsulated as a chain), not to the access port.
case.send(3, "vm3", eth(R, C, udp(3), size=3000), to=["vm2", "vx1"])
# An 8000-byte VXLAN frame from the remote VTEP (decapsulated from a chain): to vm3 (C learned).
inner = eth(C, R, udp(4), size=7900)
case.send(4, "up0", encap(inner, R1_MAC, LOCAL_MAC, R1, LOCAL, 100, 3), to=["vm3"])
case.write()
assert case.counter("br0", "flooded") == 2 and case.counter("br0", "forwarded") == 2
