#!/usr/bin/python3
"""vx-vtep-mac: without other_config:tunnel-mac, an underlay bridge whose ports have no MAC of
their own (vhost-user, replay) uses the MAC derived from its name, even when another bridge
has a dpdk port (ethdev 0). Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, mac, read_pcap  # noqa: E402
from vxmodel import arp_frame, derived_mac, ip, pad60  # noqa: E402

LOCAL = ip("192.168.99.1")
R1, R1_MAC = ip("192.168.99.2"), mac("02:00:00:00:99:02")
VTEP_MAC = derived_mac("br-phy")

case = Case(__file__)
# Broadcast ARP request for our tunnel address: the reply's sender MAC is the VTEP MAC.
case.send(1, "up0", pad60(arp_frame(1, b"\xff" * 6, R1_MAC, R1, b"\0" * 6, LOCAL)),
          to=["up0"])
# Unicast ARP request to the derived MAC: it is ours, answered too.
case.send(2, "up0", pad60(arp_frame(1, VTEP_MAC, R1_MAC, R1, b"\0" * 6, LOCAL)), to=["up0"])
case.write()
replies = [d for _, d in read_pcap(os.path.join(case.dir, "up0.out.pcap"))]
assert VTEP_MAC[:2] == b"\x02\x77"
assert all(r[6:12] == VTEP_MAC and r[22:28] == VTEP_MAC for r in replies), replies
