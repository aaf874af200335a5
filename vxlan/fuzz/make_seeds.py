#!/usr/bin/python3
# Writes a seed corpus for fuzz_decap into the directory given as argument (scapy frames:
# VXLAN to 192.0.2.1 with and without UDP checksum, ARP request, ICMP echo, UDP to another
# port). Each seed is one flag byte (receive offload hints) followed by the frame.
import os
import sys

from scapy.all import ARP, ICMP, IP, UDP, Ether, Raw
from scapy.layers.vxlan import VXLAN

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
us, peer = "02:00:00:00:00:01", "02:00:00:00:00:02"
inner = Ether(dst="52:54:00:aa:bb:cc", src="52:54:00:11:22:33") / IP(src="10.0.0.1",
                                                                      dst="10.0.0.2") / \
    UDP(sport=1, dport=2) / Raw(b"x" * 20)
frames = {
    "vxlan_cksum": Ether(dst=us, src=peer) / IP(src="192.0.2.2", dst="192.0.2.1") /
    UDP(sport=50000, dport=4789) / VXLAN(vni=5001) / inner,
    "vxlan_nocksum": Ether(dst=us, src=peer) / IP(src="192.0.2.2", dst="192.0.2.1") /
    UDP(sport=50000, dport=4789, chksum=0) / VXLAN(vni=5001) / inner,
    "arp": Ether(dst="ff:ff:ff:ff:ff:ff", src=peer) / ARP(op=1, hwsrc=peer, psrc="192.0.2.2",
                                                          pdst="192.0.2.1"),
    "icmp": Ether(dst=us, src=peer) / IP(src="192.0.2.2", dst="192.0.2.1") /
    ICMP(type=8, id=1, seq=1) / Raw(b"ping"),
    "udp_other": Ether(dst=us, src=peer) / IP(src="192.0.2.2", dst="192.0.2.1") /
    UDP(sport=5, dport=53) / Raw(b"q"),
}
for name, f in frames.items():
    with open(os.path.join(out, name), "wb") as fh:
        fh.write(b"\x00" + bytes(f))
