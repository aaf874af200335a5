#!/usr/bin/python3
"""vlan-access-trunk: VLAN membership, isolation, tag push/pop. Regenerate: ./gen.py"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402

from scapy.layers.inet import IP, UDP  # noqa: E402

A1, A2, B, T1, N1, N2 = ("02:00:00:00:07:%02x" % i for i in range(1, 7))
BCAST = "ff:ff:ff:ff:ff:ff"
U = None  # leaves untagged


def ip(n):
    return IP(src="10.7.0.%d" % n, dst="10.7.0.255", id=n) / UDP(sport=4000 + n, dport=9)


def inner_tagged(vid, pcp, pkt):
    """Payload after an (inner) 0x8100 ethertype: TCI, 0x0800, the IP packet."""
    return struct.pack("!HH", (pcp << 13) | vid, 0x0800) + bytes(pkt)


case = Case(__file__)
# VLAN 10 broadcast from an access port: access VLAN 10 untagged, trunks and natives tagged.
case.send(1, "a10", eth(BCAST, A1, ip(1)),
          to={"a10b": U, "t1": 10, "t2": 10, "n1": 10, "n2": 10})
# VLAN 20 broadcast: not t2 (trunks=10), untagged on n1 (native VLAN 20).
case.send(2, "a20", eth(BCAST, A2, ip(2)), to={"t1": 20, "n1": U, "n2": 20})
# Tagged 10 (PCP 5) from t1 to A1 (learned in VLAN 10 on a10): popped.
case.send(3, "t1", eth(A1, T1, ip(3), vid=10, pcp=5), to={"a10": U})
# Same MAC, VLAN 20: A1 unknown there, flood VLAN 20; n2 keeps the tag with PCP 3.
case.send(4, "t1", eth(A1, T1, ip(4), vid=20, pcp=3), to={"a20": U, "n1": U, "n2": 20})
# Access VLAN 10 to T1 (learned in VLAN 10 on t1): pushed tag 10, PCP 0.
case.send(5, "a10b", eth(T1, B, ip(5)), to={"t1": 10})
# Tagged frames on an access port are dropped, even with the port's own VID.
case.send(6, "a20", eth(BCAST, A2, ip(6), vid=20), drop="vlan_not_allowed")
case.send(6.5, "a10", eth(BCAST, A1, ip(7), vid=20), drop="vlan_not_allowed")
# Priority-tagged (VID 0, PCP 6) on an access port = its VLAN; pushed tags carry PCP 6.
case.send(7, "a10", eth(BCAST, A1, ip(8), vid=0, pcp=6),
          to={"a10b": U, "t1": 10, "t2": 10, "n1": 10, "n2": 10})
# t2 carries VLAN 10 only.
case.send(8, "t2", eth(BCAST, B, ip(9), vid=20), drop="vlan_not_allowed")
# native-untagged n1: untagged = VLAN 20, tagged 10 allowed, tagged 30 not.
case.send(9, "n1", eth(BCAST, N1, ip(10)), to={"a20": U, "t1": 20, "n2": 20})
case.send(10, "n1", eth(BCAST, N1, ip(11), vid=10, pcp=2),
          to={"a10": U, "a10b": U, "t1": 10, "t2": 10, "n2": 10})
case.send(11, "n1", eth(BCAST, N1, ip(12), vid=30), drop="vlan_not_allowed")
# native-tagged n2: untagged = VLAN 10, sent tagged everywhere it is tagged.
case.send(12, "n2", eth(BCAST, N2, ip(13)),
          to={"a10": U, "a10b": U, "t1": 10, "t2": 10, "n1": 10})
# n2 tagged 20 to N1 (learned in VLAN 20 on n1): n1's native VLAN, popped.
case.send(13, "n2", eth(N1, N2, ip(14), vid=20, pcp=1), to={"n1": U})
# n2 tagged 10 to N1 (learned in VLAN 10 on n1 too): stays tagged 10.
case.send(13.5, "n2", eth(N1, N2, ip(15), vid=10), to={"n1": 10})
case.send(14, "n2", eth(BCAST, N2, ip(16), vid=30), drop="vlan_not_allowed")
# Untagged on the all-VLAN trunk t1 = VLAN 0: no other port is in VLAN 0.
case.send(15, "t1", eth(BCAST, T1, ip(17)), drop="no_output")
# VLAN 10 frame for A2 (known in VLAN 20 only): flooded in VLAN 10, never reaches a20.
case.send(16, "t1", eth(A2, T1, ip(18), vid=10),
          to={"a10": U, "a10b": U, "t2": 10, "n1": 10, "n2": 10})
# t2 tagged 10 to N2 (learned in VLAN 10 on n2).
case.send(17, "t2", eth(N2, B, ip(19), vid=10, pcp=7), to={"n2": 10})
# Untagged from n2 (VLAN 10) to B (learned in VLAN 10 on t2 at 17): tagged 10.
case.send(18, "n2", eth(B, N2, ip(20), size=1514), to={"t2": 10})
# Access VLAN 20 to A1 (known only in VLAN 10): flood in VLAN 20.
case.send(19, "a20", eth(A1, A2, ip(21)), to={"t1": 20, "n1": U, "n2": 20})
# A1 (known in VLAN 10 on a10) speaks in VLAN 20 on a20: a new entry, not a move.
case.send(20, "a20", eth(BCAST, A1, ip(22)), to={"t1": 20, "n1": U, "n2": 20})
case.send(21, "t1", eth(A1, T1, ip(23), vid=10), to={"a10": U})
case.send(22, "t1", eth(A1, T1, ip(24), vid=20), to={"a20": U})
# Double-tagged (outer VID 10, inner VID 100): only the outer tag counts and is popped.
case.send(23, "t1", eth(A1, T1, inner_tagged(100, 4, ip(25)), vid=10, pcp=2, ethertype=0x8100),
          to={"a10": U})
case.send(24, "t2", eth(BCAST, B, inner_tagged(200, 0, ip(26)), vid=10, ethertype=0x8100),
          to={"a10": U, "a10b": U, "t1": 10, "n1": 10, "n2": 10})
# VLAN 30 (in t2's trunks list, a30's tag): only t1 and a30 are members.
case.send(25, "t2", eth(BCAST, B, ip(27), vid=30, pcp=1), to={"t1": 30, "a30": U})
case.send(26, "a30", eth(B, A1, ip(28)), to={"t2": 30})
# native-untagged n1, tagged with its own VID 20 (PCP 4): VLAN 20, like untagged; N1 (known in
# VLAN 20 on n1) is the source; to A2 (VLAN 20, a20): popped.
case.send(27, "n1", eth(A2, N1, ip(29), vid=20, pcp=4), to={"a20": U})
case.send(28, "n1", eth(BCAST, N1, ip(30), vid=20, pcp=4), to={"a20": U, "t1": 20, "n2": 20})
case.write()
assert case.counter("a20", "drop_vlan_not_allowed") == 1
assert case.counter("t1", "drop_no_output") == 1 and case.counter("br0", "fdb_moved") == 1  # B: a10b -> t2 at 17
assert case.counter("a40", "tx_packets") == 0 and case.counter("a30", "tx_packets") == 1
