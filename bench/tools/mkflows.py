#!/usr/bin/python3
"""The flows of the `flows` bench workload, in the ovs-ofctl dialect (weft and OVS read the
same file), and the generator arguments whose frames hit them.

  mkflows.py wild|exact OUT_PORT FILE     writes the flows to FILE (one a line); prints the
                                          macgen arguments (--dst-ip A.B.C.D --ips M)

wild:  1,000 flows over 10 masks: 100 destination prefixes of each length /23 .. /32, laid out
       back to back from 10.64.0.0 (longest ranges first, each block aligned to its prefix), no
       two overlapping; priority 100 + prefix length (longest prefix wins, as in routing).
       The 102,300 addresses they cover are contiguous: frames cycling over them hit every flow
       (a /23 flow takes 512 of every 102,300 frames, a /32 one).
exact: 100,000 exact-match flows udp,nw_dst=10.128.0.0+k,tp_dst=2000 (k = 0..99,999); frames
       cycle over the 100,000 addresses (UDP destination port 2000: macgen's).
Both end with the default flow priority=0,actions=NORMAL, which no frame reaches. Every other
flow outputs to OUT_PORT.
"""
import ipaddress
import sys

WILD_BASE = int(ipaddress.IPv4Address("10.64.0.0"))
EXACT_BASE = int(ipaddress.IPv4Address("10.128.0.0"))
WILD_LENGTHS = range(23, 33)
WILD_PER_MASK = 100
EXACT_N = 100000


def ip(v):
    return str(ipaddress.IPv4Address(v))


def wild(out):
    lines, a = [], WILD_BASE
    for plen in WILD_LENGTHS:
        size = 1 << (32 - plen)
        assert a % size == 0
        for _ in range(WILD_PER_MASK):
            lines.append("priority=%d,ip,nw_dst=%s/%d,actions=output:%s" % (100 + plen, ip(a), plen, out))
            a += size
    return lines, WILD_BASE, a - WILD_BASE


def exact(out):
    lines = ["priority=100,udp,nw_dst=%s,tp_dst=2000,actions=output:%s" % (ip(EXACT_BASE + k), out)
             for k in range(EXACT_N)]
    return lines, EXACT_BASE, EXACT_N


def main(argv):
    if len(argv) != 4 or argv[1] not in ("wild", "exact"):
        sys.stderr.write(__doc__)
        return 2
    lines, base, n = (wild if argv[1] == "wild" else exact)(argv[2])
    lines.append("priority=0,actions=NORMAL")
    with open(argv[3], "w") as f:
        f.write("\n".join(lines) + "\n")
    print("--dst-ip %s --ips %d" % (ip(base), n))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
