#!/usr/bin/python3
"""Side-by-side stage tables of bench/profile.sh runs (docs/performance.md, "Where the cycles go").

  stages_compare.py DIR      DIR holds <system>-<workload>/stages.json (profile.sh --out)

For each workload with a weft and an OVS profile: the stages of both (% of samples, cycles/packet),
the group totals, weft/OVS, and the floors: the DPDK library's cycles/packet (OVS's, weft's)
over OVS's cycles/packet, i.e. weft/OVS if weft's own code cost nothing.
"""
import json
import os
import sys

R = sys.argv[1]
GO = {"DPDK library": 0, "own": 1, "other": 2}


def load(d):
    p = os.path.join(R, d, "stages.json")
    return json.load(open(p)) if os.path.exists(p) else None


def cell(x, k):
    for s in x["stages"]:
        if (s["stage"], s["group"]) == k:
            return f"{100 * s['share']:.1f}", f"{s['cycles_per_packet']:.0f}"
    return "-", "-"


def group(x, n):
    return x["groups"].get(n, {"share": 0, "cycles_per_packet": 0})


wls = sorted({d.split("-", 1)[1] for d in os.listdir(R) if d.startswith(("weft-", "ovs-"))})
for wl in wls:
    w, o = load("weft-" + wl), load("ovs-" + wl)
    if not (w and o):
        continue
    print(f"### {wl}\n")
    print(f"- {w['title']}\n- {o['title']}\n")
    print("| stage | group | weft % | weft cyc/pkt | OVS % | OVS cyc/pkt |")
    print("|---|---|---|---|---|---|")
    keys = []
    for x in (w, o):
        for s in x["stages"]:
            if (s["stage"], s["group"]) not in keys:
                keys.append((s["stage"], s["group"]))
    keys.sort(key=lambda k: GO[k[1]])
    for k in keys:
        a, b = cell(w, k)
        c, d = cell(o, k)
        print(f"| {k[0]} | {k[1]} | {a} | {b} | {c} | {d} |")
    for n in GO:
        gw, gv = group(w, n), group(o, n)
        print(f"| **{n}, total** | | {100 * gw['share']:.1f} | {gw['cycles_per_packet']:.0f} | "
              f"{100 * gv['share']:.1f} | {gv['cycles_per_packet']:.0f} |")
    C = o["cycles_per_packet"]
    print(f"| **total** | | 100 | {w['cycles_per_packet']:.0f} | 100 | {C:.0f} |\n")
    lw, lo = group(w, "DPDK library")["cycles_per_packet"], group(o, "DPDK library")["cycles_per_packet"]
    ow, oo = group(w, "own")["cycles_per_packet"], group(o, "own")["cycles_per_packet"]
    print(f"weft/OVS {w['cycles_per_packet'] / C:.2f}; floor = library/OVS total: OVS's library "
          f"{lo / C:.2f}, weft's library {lw / C:.2f}; own code weft/OVS {ow / oo:.2f} "
          f"({ow:.0f}/{oo:.0f})\n")
