#!/usr/bin/python3
"""runt-and-truncated-vlan: short frames dropped with their reason. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402

from pcaplib import mac  # noqa: E402

A, B, C = mac("02:00:00:00:09:0a"), mac("02:00:00:00:09:0b"), mac("02:00:00:00:09:0c")
D = mac("02:00:00:00:09:0d")
BCAST = mac("ff:ff:ff:ff:ff:ff")

case = Case(__file__)
case.send(1, "p1", b"\xff", drop="runt")
case.send(2, "p1", BCAST + C, drop="runt")  # 12 bytes: no ethertype
case.send(3, "p1", BCAST + C + b"\x81", drop="runt")  # 13 bytes
case.send(4, "p2", BCAST + C + b"\x81\x00", drop="vlan_truncated")  # 14 bytes
case.send(5, "p2", BCAST + C + b"\x81\x00\x00\x0a\x08", drop="vlan_truncated")  # 17 bytes
case.send(6, "p1", BCAST + A + b"\x08\x00", to=["p2", "p3"])  # 14 bytes, untagged: valid
# 18 bytes, VLAN 10: the access port gets it popped, 14 bytes.
case.send(7, "p2", BCAST + B + b"\x81\x00\x00\x0a\x08\x00", to={"p1": 10, "p3": 10, "a10": None})
case.send(8, "p3", eth(A, B), to=["p1"])  # A was learned from the 14-byte frame
case.send(9, "p3", eth(C, B), to=["p1", "p2"])  # C (source of the dropped frames): unknown
case.send(10, "p2", A + B + b"\x81\x00\x20\x0a\x88\xb5\x01", to=["p1", "p3", "a10"])  # 19, VLAN 10
# 14 bytes on the access port: pushed to 18 bytes on the trunks.
case.send(11, "a10", BCAST + D + b"\x08\x06", to={"p1": 10, "p2": 10, "p3": 10})
# 18-byte priority-tagged (VID 0, PCP 5) on the access port, to B (VLAN 10, p2): VID 10, PCP 5.
case.send(12, "a10", B + D + b"\x81\x00\xa0\x00\x08\x00", to={"p2": 10})
case.send(13, "a10", B + D + b"\x81\x00\xa0", drop="vlan_truncated")  # 15 bytes
case.send(14, "a10", D[:5], drop="runt")
case.write()
assert case.counter("p1", "drop_runt") == 3 and case.counter("p2", "drop_vlan_truncated") == 2
assert case.counter("p1", "rx_dropped") == 3 and case.counter("p2", "rx_dropped") == 2
assert case.counter("p1", "rx_bytes") == 1 + 12 + 13 + 14
