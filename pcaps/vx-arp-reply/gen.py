#!/usr/bin/python3
"""vx-arp-reply: ARP requests for our tunnel address are answered (padded to 60 bytes) and
teach us the sender; other ARP is not for us. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, mac, read_pcap  # noqa: E402
from vxmodel import arp_frame, ip, pad60  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402

LOCAL, LOCAL_MAC = ip("192.168.99.1"), mac("02:00:00:00:99:01")
R1, R1_MAC = ip("192.168.99.2"), mac("02:00:00:00:99:02")
OTHER, OTHER_MAC = ip("192.168.99.7"), mac("02:00:00:00:99:07")
BCAST, ZERO = b"\xff" * 6, b"\0" * 6

case = Case(__file__)
# Broadcast request from the remote VTEP: "192.168.99.1 is at 02:00:00:00:99:01" to it.
case.send(1, "up0", pad60(arp_frame(1, BCAST, R1_MAC, R1, ZERO, LOCAL)), to=["up0"])
# The sender was learned: the first VM frame to the overlay is encapsulated at once (no ARP
# request, no unresolved drop).
case.send(2, "vm1", eth("02:00:00:00:02:01", "02:00:00:00:01:01",
                        IP(src="10.0.0.1", dst="10.0.0.21") / UDP(sport=1, dport=2)),
          to=["vx1"])
# Unicast request to our MAC, unpadded (42 bytes): answered too, reply padded.
case.send(3, "up0", arp_frame(1, LOCAL_MAC, OTHER_MAC, OTHER, ZERO, LOCAL), to=["up0"])
# A request for another address on the segment, and one whose sender MAC is multicast: not
# for us (drop_not_for_us), no reply.
case.send(4, "up0", pad60(arp_frame(1, BCAST, OTHER_MAC, OTHER, ZERO, ip("192.168.99.2"))),
          drop="not_for_us")
case.send(5, "up0", pad60(arp_frame(1, BCAST, b"\x03" + OTHER_MAC[1:], OTHER, ZERO, LOCAL)),
          drop="not_for_us")
# A reply addressed to us (gratuitous update from .7): learned, nothing sent.
case.send(6, "up0", pad60(arp_frame(2, LOCAL_MAC, OTHER_MAC, OTHER, LOCAL_MAC, LOCAL)), to=[])
# An RFC 5227 probe for our address (sender IP 0.0.0.0): answered (to the prober's MAC,
# target IP 0.0.0.0, as Linux does), but there is no sender address to learn.
PROBER = mac("02:00:00:00:99:42")
case.send(7, "up0", pad60(arp_frame(1, BCAST, PROBER, b"\0" * 4, ZERO, LOCAL)), to=["up0"])
# Afterwards (dataplane clock 7): .2 learned at 1, .7 refreshed at 6, nothing for 0.0.0.0.
HDR = "bridge  IP            MAC                port  age  state\n"
case.after("tnl/neigh/show br-phy", HDR +
           "br-phy  192.168.99.2  02:00:00:00:99:02  up0     6  reachable\n"
           "br-phy  192.168.99.7  02:00:00:00:99:07  up0     1  reachable\n")
# A tunnel added now has an unresolved next hop (nothing learned from the probe may resolve
# it); flush forgets the learned entries; a static entry shows as static.
case.after("add-port br0 vx5 -- set Interface vx5 type=vxlan options:remote_ip=192.168.99.5 "
           "options:key=100", "")
case.after("tnl/neigh/show", HDR +
           "br-phy  192.168.99.2  02:00:00:00:99:02  up0     6  reachable\n"
           "br-phy  192.168.99.5  -                  -       -  incomplete\n"
           "br-phy  192.168.99.7  02:00:00:00:99:07  up0     1  reachable\n")
case.after("tnl/neigh/flush br-phy", "flushed 2 entries\n")
case.after("tnl/neigh/set br-phy 192.168.99.5 02:00:00:00:99:05 up0", "")
case.after("tnl/neigh/show br-phy", HDR +
           "br-phy  192.168.99.2  -                  -       -  incomplete\n"
           "br-phy  192.168.99.5  02:00:00:00:99:05  up0     -  static\n"
           "br-phy  192.168.99.7  -                  -       -  incomplete\n")
case.write()
replies = [d for _, d in read_pcap(os.path.join(case.dir, "up0.out.pcap"))]
# RFC 826 reply: to the requester, op 2, sender = us, target = the requester.
assert replies[0] == R1_MAC + LOCAL_MAC + b"\x08\x06\x00\x01\x08\x00\x06\x04\x00\x02" + \
    LOCAL_MAC + LOCAL + R1_MAC + R1 + b"\0" * 18
assert len(replies[2]) == 60 and replies[2][:6] == OTHER_MAC
assert replies[3][:6] == PROBER and replies[3][32:42] == PROBER + b"\0" * 4
assert case.counter("br-phy", "arp_learned") == 3  # the probe teaches nothing
