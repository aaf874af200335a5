#!/usr/bin/python3
"""replay-order: the replay merge order (timestamp, port name, file order). Regenerate: ./gen.py"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pcap"))
from pcaplib import Case, eth  # noqa: E402

A, B, C, D, E, F = ("02:00:00:00:0b:0%d" % i for i in range(1, 7))
ALL = ["zz", "p9", "aa", "p10", "mm"]


def others(p):
    return [x for x in ALL if x != p]


case = Case(__file__)
# Same second, zz sent first in gen order: aa (name order) is processed first and floods.
case.send(5, "zz", eth(B, A), to=["aa"])
case.send(5, "aa", eth(A, B), to=others("aa"))
# One port, one timestamp: file order. Both go to A on zz, in this order.
case.send(6, "mm", eth(A, C, b"first"), to=["zz"])
case.send(6, "mm", eth(A, C, b"second"), to=["zz"])
# Microseconds count: 7.000002 on aa after 7.000001 on zz; both flood to mm in that order.
case.send(7.000002, "aa", eth(D, B, b"later"), to=others("aa"))
case.send(7.000001, "zz", eth(D, A, b"earlier"), to=others("zz"))
# "p10" < "p9": p10 floods first, learns F; p9's frame to F is then unicast.
case.send(9, "p9", eth(F, E), to=["p10"])
case.send(9, "p10", eth(E, F), to=others("p10"))
case.write()
