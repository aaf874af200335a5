#!/usr/bin/python3
"""The dataplane's plane rule: datapath files (what PMDs run) include, directly or through
other project headers, neither jansson nor a control-plane header. Exit 1 naming the chain.
  check_layout.py DATAPLANE_DIR VXLAN_DIR"""
import os
import re
import sys

DP, VX = sys.argv[1], sys.argv[2]
DATAPATH = ["core/ctx.h", "core/ctx.c", "core/drop.h", "core/drop.c", "core/output.h",
            "core/output.c", "core/pmd.h", "core/pmd.c", "l2/switch.h", "l2/switch.c",
            "l2/vlan.h", "l2/vlan.c", "l2/fdb.h", "l2/fdb.c", "vtep/vtep.h", "vtep/vtep.c",
            "vtep/neigh.h", "vtep/neigh.c", "capture/capture.h", "capture/capture.c", "ofp/ofp.h", "ofp/ofp.c",
            "core/trace.h", "core/trace.c", "core/csum.h", "core/csum.c", "ports/port.h",
            "ports/port_eth.c", "ports/port_vhost.c", "ports/port_replay.c",
            "ports/vhost_guard.h", "ports/vhost_guard.c"]
# ports/port_tnl.c is control only: the vxlan class's tx is wf_tnl_tx in vtep/vtep.c.
CONTROL = {"core/config.h", "ofp/ofp_cfg.h", "vtep/vtep_cfg.h", "ctl/ctl.h", "ctl/methods.h",
           "replay/replay.h", "core/eal_args.h", "capture/capture_cfg.h",
           "trace/trace_cfg.h", "l2/fdb_cfg.h", "vtep/neigh_cfg.h"}
# A lock-free table's one implementation file serves both planes: it may include its own
# control header (and nothing else of the control plane).
OWN_CONTROL = {"l2/fdb.c": "l2/fdb_cfg.h", "vtep/neigh.c": "vtep/neigh_cfg.h"}
INC = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def resolve(name):
    for d in (DP, VX):
        p = os.path.join(d, name)
        if os.path.exists(p):
            return os.path.relpath(p, DP) if d == DP else "vxlan/" + name
    return None


def walk(rel, chain, seen, bad):
    path = os.path.join(DP, rel) if not rel.startswith("vxlan/") else \
        os.path.join(VX, rel[len("vxlan/"):])
    for kind, name in INC.findall(open(path).read()):
        if kind == "<":
            if name == "jansson.h":
                bad.append(" -> ".join(chain + ["<jansson.h>"]))
            continue
        r = resolve(name)
        if r is None:
            continue
        if r in CONTROL:
            if len(chain) == 1 and OWN_CONTROL.get(chain[0]) == r:
                continue
            bad.append(" -> ".join(chain + [r]))
        if r not in seen:
            seen.add(r)
            walk(r, chain + [r], seen, bad)


bad = []
for f in DATAPATH:
    walk(f, [f], {f}, bad)
for b in bad:
    print("datapath includes control:", b)
print("%d datapath files checked, %d violations" % (len(DATAPATH), len(bad)))
sys.exit(1 if bad else 0)
