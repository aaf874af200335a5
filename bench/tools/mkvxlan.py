#!/usr/bin/python3
"""Writes the decap workload's input: 64 VXLAN frames (VNI 100, UDP 4789, UDP checksum 0) from
the remote VTEP 02:00:00:00:99:02 / 192.168.99.2 to the local VTEP 02:00:00:00:99:01 /
192.168.99.1, each carrying an inner frame of INNER bytes (default 64, no FCS) from
02:00:00:00:02:01 to 02:00:00:00:01:01 over 8 UDP flows.

  mkvxlan.py OUT.pcap [INNER]
"""
import sys

from scapy.all import IP, UDP, Ether, Raw, wrpcap
from scapy.layers.vxlan import VXLAN


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    size = int(argv[2]) if len(argv) == 3 else 64
    frames = []
    for i in range(64):
        f = i % 8
        inner = (Ether(src="02:00:00:00:02:01", dst="02:00:00:00:01:01") /
                 IP(src="10.0.0.%d" % (1 + f), dst="10.0.1.1") / UDP(sport=1000 + f, dport=2000))
        inner = inner / Raw(b"\x00" * (size - len(inner)))
        frames.append(Ether(src="02:00:00:00:99:02", dst="02:00:00:00:99:01") /
                      IP(src="192.168.99.2", dst="192.168.99.1", flags="DF", ttl=64) /
                      UDP(sport=49152 + f, dport=4789, chksum=0) / VXLAN(flags=0x08, vni=100) /
                      inner)
    wrpcap(argv[1], frames)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
