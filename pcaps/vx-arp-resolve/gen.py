#!/usr/bin/python3
"""vx-arp-resolve: the next hop of a tunnel is resolved by ARP before the first encapsulation;
frames meanwhile are dropped and counted; requests are rate-limited to one per second per
neighbour; entries age by neigh-timeout. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth, mac, read_pcap  # noqa: E402
from vxmodel import arp_frame, ip, pad60  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402

LOCAL, LOCAL_MAC = ip("192.168.99.1"), mac("02:00:00:00:99:01")
R1, R1_MAC = ip("192.168.99.2"), mac("02:00:00:00:99:02")
GW, GW_MAC = ip("192.168.99.254"), mac("02:00:00:00:99:fe")
VM1, VM3, RVM = "02:00:00:00:01:01", "02:00:00:00:01:03", "02:00:00:00:02:01"


def vm(src, n):
    return eth(RVM, src, IP(src="10.0.0.1", dst="10.0.0.21", id=n) / UDP(sport=1, dport=2))


def reply(sha, spa):
    return pad60(arp_frame(2, LOCAL_MAC, sha, spa, LOCAL_MAC, LOCAL))


case = Case(__file__)
# Unresolved: dropped, and "who has 192.168.99.2" broadcast on the underlay ...
case.send(100.0, "vm1", vm(VM1, 1), to=["up0"], drop="neigh_unresolved")
# ... at most once per second: the same second again = drop only; the next second = again.
case.send(100.5, "vm1", vm(VM1, 2), drop="neigh_unresolved")
case.send(101.2, "vm1", vm(VM1, 3), to=["up0"], drop="neigh_unresolved")
case.send(101.5, "up0", reply(R1_MAC, R1), to=[])
case.send(102, "vm1", vm(VM1, 4), to=["vx1"])
# Off-subnet remotes: the gateway is resolved (one request for both tunnels: the limit is
# per neighbour) and is the outer destination MAC of both.
case.send(103, "vm3", vm(VM3, 5), to=["up0"], drop=["neigh_unresolved"] * 2)
case.send(103.5, "up0", reply(GW_MAC, GW), to=[])
case.send(104, "vm3", vm(VM3, 6), to=["vx3", "vx4"])
# Older than neigh-timeout (learned at 101, now 107): still used, and refreshed by a new
# request (once per second) ...
case.send(107, "vm1", vm(VM1, 7), to=["up0", "vx1"])
case.send(107.5, "vm1", vm(VM1, 8), to=["vx1"])
# ... older than three timeouts (now 117): unresolved again.
case.send(117, "vm1", vm(VM1, 9), to=["up0"], drop="neigh_unresolved")
case.write()
up = [d for _, d in read_pcap(os.path.join(case.dir, "up0.out.pcap"))]
req = [d for d in up if d[12:14] == b"\x08\x06"]
assert [d[38:42] for d in req] == [R1, R1, GW, R1, R1]
assert all(d[:6] == b"\xff" * 6 and d[20:22] == b"\0\x01" and len(d) == 60 for d in req)
via_gw = [d for d in up if d[12:14] == b"\x08\x00" and d[0:6] == GW_MAC]
assert [d[30:34] for d in via_gw] == [ip("172.16.0.5"), ip("172.16.0.6")]
