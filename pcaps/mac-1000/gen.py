#!/usr/bin/python3
"""mac-1000: 1,000 random source MACs learned, then reached by unicast. Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402

import random  # noqa: E402

from pcaplib import mac_str  # noqa: E402
from scapy.layers.l2 import ARP  # noqa: E402

N = 1000
HOST_PORTS = ["p1", "p3", "p4"]
S, S_IP = "02:00:00:00:0a:00", "10.10.0.1"
BCAST = "ff:ff:ff:ff:ff:ff"

rng = random.Random(20261126)
hosts = []  # (mac, ip, port)
seen = {S}
while len(hosts) < N:
    b = bytearray(rng.getrandbits(8) for _ in range(6))
    b[0] &= 0xFE  # unicast
    m = mac_str(b)
    if m in seen:
        continue
    seen.add(m)
    i = len(hosts)
    hosts.append((m, "10.10.%d.%d" % (1 + i // 250, 1 + i % 250), rng.choice(HOST_PORTS)))

case = Case(__file__)
case.send(1, "p2", eth(BCAST, S, ARP(op=1, hwsrc=S, psrc=S_IP, pdst="10.10.255.254")),
          to=HOST_PORTS)
for i, (m, ip, port) in enumerate(hosts):
    req = ARP(op=1, hwsrc=m, psrc=ip, pdst=S_IP)
    case.send(10 + i * 0.01, port, eth(BCAST, m, req), to=[p for p in case.model.ports if p != port])
order = list(range(N))
rng.shuffle(order)
for k, i in enumerate(order):
    m, ip, port = hosts[i]
    rep = ARP(op=2, hwsrc=S, psrc=S_IP, hwdst=m, pdst=ip)
    case.send(30 + k * 0.01, "p2", eth(m, S, rep), to=[port])
case.write()
assert case.counter("br0", "fdb_entries") == N + 1 and case.counter("br0", "fdb_learned") == N + 1
assert case.counter("br0", "forwarded") == N and case.counter("br0", "flooded") == N + 1
