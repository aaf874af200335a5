#!/usr/bin/python3
"""Folds perf samples of a switch's PMD thread into stages (bench/profile.sh).

  perf script -F comm,tid,event,ip,sym,symoff,dso | stages.py --system weft|ovs|testpmd \
      --cycles-per-packet C [--json FILE] [--title T]

Input: samples with DWARF call chains (perf record --call-graph dwarf), one frame a line, leaf
first. Each sample goes to one stage: its frames are tried leaf first against RULES (in table
order for each frame); the first frame that matches decides. Symbol rules only match frames perf
could name. A frame it could not name ([unknown]: a static function of a library that keeps only
its exported symbols, like Debian's librte_vhost) matches only the DSO rules of RULES (mempool,
net_pcap, kernel, ...), so a sample inside a static vhost copy routine walks up to the exported
function that called it (rte_vhost_dequeue_burst or rte_vhost_enqueue_burst). If no frame
matches, FALLBACK decides by the leaf's DSO (a stripped binary's own code, a vhost sample whose
chain could not be unwound), else "unresolved". A named leaf that no rule matches is placed by
FALLBACK at once (a weft function missing from the table is "weft: other", not its caller's),
except the helpers of WALK (vxlan/ checksum and hash helpers, PLT stubs), which walk up.

memcpy/memmove (libc) and clock_gettime (vdso) are stages of their own, counted in the group of
their caller's stage; the rest of libc, and the kernel under a system call, count in their
caller's stage (the pcap sink's fwrite/write are the pcap port's).

--lines BIN (a -g build whose .text is the profiled binary's): wf_l2_input's own samples
(l2_forward is inlined there) go to parse/VLAN, fdb learn, fdb lookup or output by the
"/* Stage N:" comment of dataplane/l2/switch.c their source line falls under, and the hottest
source lines of weft's own samples are printed.

Output: a Markdown table: stage, group, samples, % of samples, cycles/packet = share x the
switch's measured busy cycles per packet (weft dp-show, OVS pmd-stats-show, testpmd's
--record-core-cycles count), then the totals of
the groups: "DPDK library" (work both switches do through the same DPDK code), "own" (the
switch's own code) and "other" (timer interrupts and scheduling, unresolved).
"""
import argparse
import json
import os
import re
import sys

LIB, OWN, OTHER = "DPDK library", "own", "other"
KERNEL = r"kernel\.kallsyms|\[kernel|vmlinux"

# (stage, group, "sym" or "dso", regex). Tried in this order on each frame, leaf first.
RULES = [
    # DPDK vhost library: the copies into and out of guest memory and the virtqueue work.
    ("vhost dequeue", LIB, "sym",
     r"^(rte_vhost_dequeue_burst|rte_vhost_async_try_dequeue_burst|virtio_dev_tx_\w+|"
     r"(copy_)?desc_to_mbuf\w*|vhost_dequeue_\w+)$"),
    ("vhost enqueue", LIB, "sym",
     r"^(rte_vhost_enqueue_burst|rte_vhost_submit_enqueue_burst|virtio_dev_rx_\w+|"
     r"(copy_)?mbuf_to_desc\w*|vhost_enqueue_\w+|vhost_flush_enqueue_\w+)$"),
    # Other vhost calls are the switch's choice (weft: rte_vhost_get_vring_base per burst for
    # its rx_missed counter, rte_vhost_avail_entries for its stall check): counted as its own.
    ("vhost other calls (the switch's choice)", OWN, "sym",
     r"^(rte_vhost_\w+|vhost_\w+_notify\w*|vhost_user_\w+)$"),
    # mbuf and mempool (the refill/flush of the per-lcore caches; the cache itself is inline).
    ("mbuf alloc/free", LIB, "sym",
     r"^(rte_pktmbuf_\w+|__rte_pktmbuf_\w+|rte_mbuf_\w+|rte_mempool_\w+|common_ring_\w+|"
     r"rte_ring_\w+|bucket_\w+|stack_\w+)$"),
    ("mbuf alloc/free", LIB, "dso", r"librte_(mempool|mbuf|ring)"),
    # ethdev PMDs used by the vxlan workloads' uplink and sink (net_pcap).
    ("pcap port (net_pcap, libpcap)", LIB, "dso", r"librte_net_pcap|libpcap"),
    ("ethdev", LIB, "dso", r"librte_ethdev"),
    ("kernel", OTHER, "dso", KERNEL),
    # memcpy/memmove of libc (DPDK's rte_memcpy is inline and stays in its caller's stage).
    ("memcpy (libc)", None, "sym", r"^(__)?(mem(cpy|move)\w*)$"),
    ("clock_gettime (vdso)", None, "sym", r"clock_gettime"),
    ("clock_gettime (vdso)", None, "dso", r"\[vdso\]"),
    # weft (release build: not stripped, static functions named).
    ("weft: PMD loop", OWN, "sym", r"^wf_pmd_main$"),
    # The free of transmitted frames, weft's inline copy of rte_pktmbuf_free_bulk (core/mbuf.h).
    ("weft: mbuf free (core/mbuf.h)", OWN, "sym", r"^wf_mbuf_free_bulk$"),
    ("weft: vhost port glue", OWN, "sym",
     r"^(vhost_rx|vhost_tx|count_lost|stall_check|guard_tripped)$"),
    ("weft: eth port glue", OWN, "sym", r"^(eth_rx|eth_tx|eth_pid)$"),
    ("weft: parse/VLAN", OWN, "sym", r"^(wf_vlan_\w+|wf_csum_\w+|wf_mbuf_write16)$"),
    ("weft: fdb learn", OWN, "sym",
     r"^(wf_fdb_learn|fdb_find_or_insert|fdb_update|fdb_reserve|fdb_unreserve)$"),
    ("weft: fdb lookup", OWN, "sym", r"^wf_fdb_lookup_bulk$"),
    ("weft: output", OWN, "sym",
     r"^(wf_output|wf_output_raw|wf_output_raw_bulk|wf_output_full|wf_flush|tx_port|tx_dry|wf_drop|"
     r"output_run)$"),
    ("weft: ofp flow stage", OWN, "sym",
     r"^(wf_ofp_\w+|fl_\w+|frames|frame_key|traced_frame|one_frame|emc_probe|emc_slot|run_actions|run_table|"
     r"table0|table0_cls|output_port|flush_pending|output_only|output_port_of|run_count|batch_filter|batch_select|"
     r"set_field|write_l3|push_tag|strip_tag|set_tci)$"),
    ("weft: tunnel encap", OWN, "sym", r"^(wf_tnl_tx|tnl_encap|vx_encap|arp_request|tnl_drop_all)$"),
    ("weft: tunnel decap", OWN, "sym",
     r"^(wf_vtep_input|decap|vx_decap|vx_classify|overlay_input|find_tunnel|flow_tunnel|"
     r"vx_vni_lookup|arp_input|icmp_input)$"),
    ("weft: neighbour table", OWN, "sym", r"^wf_neigh_\w+$"),
    # l2_forward is always_inline in wf_l2_input: its ingress loop (count, VLAN classify,
    # untag, source check), learn loop (the repeat-source test) and output loop are one symbol.
    ("weft: L2 stage (ingress/learn/output loops)", OWN, "sym", r"^(wf_l2_input|wf_l2_normal|flood|set_tun_ids)$"),
    ("weft: capture/trace hooks", OWN, "sym", r"^(wf_capture_\w+|wf_trace_\w+)$"),
    # testpmd: its vhost ports are the net_vhost ethdev driver (its rx/tx burst functions are
    # static: unnamed in Debian's library, placed by DSO) over the same vhost library calls.
    ("testpmd: net_vhost driver", OWN, "dso", r"librte_net_vhost"),
    # OVS 3.1 (names used when ovs-vswitchd has symbols; Debian's binary is stripped).
    ("OVS: PMD loop", OWN, "sym", r"^(pmd_thread_main|pmd_perf_\w+|dp_netdev_pmd_try_optimize)$"),
    ("OVS: netdev-dpdk vhost glue", OWN, "sym",
     r"^(netdev_dpdk_vhost_\w+|__netdev_dpdk_vhost_send|netdev_dpdk_\w+|netdev_rxq_recv|"
     r"netdev_send|dp_packet_\w+)$"),
    ("OVS: parse (miniflow_extract)", OWN, "sym", r"^(miniflow_extract|miniflow_hash\w*|parse_\w+)$"),
    ("OVS: EMC/SMC/dpcls lookup", OWN, "sym",
     r"^(emc_\w+|smc_\w+|dpcls_\w+|dfc_\w+|fast_path_processing|lookup_\w+|"
     r"dpcls_subtable_lookup\w*|netdev_flow_key_\w+)$"),
    ("OVS: actions/output", OWN, "sym",
     r"^(dp_execute_\w+|odp_execute_\w+|dp_netdev_execute_actions|packet_batch_per_flow_\w+|"
     r"dp_netdev_pmd_flush_output\w*|dp_netdev_flow_used|push_tnl_action|netdev_tnl_\w+)$"),
    ("OVS: dpif-netdev input", OWN, "sym",
     r"^(dp_netdev_input\w*|dp_netdev_process_rxq_port|dp_netdev_recirculate)$"),
]
FALLBACK = [
    ("weft: other", OWN, "dso", r"weft-dataplane$"),
    ("OVS (stripped binary: own code, not split)", OWN, "dso", r"ovs-vswitchd"),
    ("testpmd: io forwarding (stripped binary)", OWN, "dso", r"dpdk-testpmd"),
    ("vhost (caller unresolved)", LIB, "dso", r"librte_vhost"),
    ("other DPDK", LIB, "dso", r"librte_"),
    ("libc (other)", None, "dso", r"libc\.so|libc-|^inlined$"),  # perf names some libc frames "(inlined)"
]
# Named helpers whose time is their caller's stage (vxlan/ helpers serve encap and decap; PLT
# stubs are the call they stand for).
WALK = re.compile(r"^vx_(cksum|ipv4|udp4|l4|flow_hash|mtu|src_port)\w*$|@plt$")
COMPILED = [(st, g, k, re.compile(rx)) for st, g, k, rx in RULES]
FB_COMPILED = [(st, g, k, re.compile(rx)) for st, g, k, rx in FALLBACK]
FRAME = re.compile(r"^\s+([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$")


def match(rules, sym, dso):
    for st, g, kind, rx in rules:
        if kind == "sym" and sym and sym != "[unknown]" and rx.search(sym):
            return st, g
        if kind == "dso" and rx.search(dso):
            return st, g
    return None


def classify(frames):
    """frames: [(sym, dso)] leaf first -> (stage, group)."""
    for i, (sym, dso, _) in enumerate(frames):
        named = sym and sym != "[unknown]" and not WALK.search(sym)
        # A named function's own time is its own: a rule, else its DSO's fallback.
        m = match(COMPILED, sym, dso) or (match(FB_COMPILED, sym, dso) if named and i == 0 else None)
        if m:
            st, g = m
            if st == "kernel":
                # A system call belongs to the user code that made it (the pcap sink's writes
                # to /dev/null); anything else (timer interrupt, preemption) is "other".
                user = [f for f in frames[i:] if not re.search(KERNEL, f[1])]
                if any(f[0].startswith("entry_SYSCALL") for f in frames[i:]) and user:
                    return classify(user)
                return "kernel: interrupts, scheduling", OTHER
            if g is None:  # libc, vdso: memcpy and clock_gettime stay a stage of their own,
                # in their caller's group; the rest of libc is its caller's stage.
                caller = classify(frames[i + 1:])
                return (st, caller[1]) if st != "libc (other)" else caller
            return st, g
    if frames:
        m = match(FB_COMPILED, frames[0][0], frames[0][1])
        if m:
            return m[0], m[1] or OTHER
    return "unresolved", OTHER


L2_SYMS = ("wf_l2_input", "wf_l2_normal")
# wf_l2_input's own samples by the "/* Stage N:" comment of l2_forward they fall under: they
# join the stage of the same name (the functions those loops call are matched by RULES).
L2_STAGES = ["weft: parse/VLAN", "weft: fdb learn", "weft: fdb lookup", "weft: output"]


def resolve(lines_bin, samples):
    """{(sym, off): [(function, file:line), ...] innermost first} for the leaf frames of
    'samples' in weft-dataplane, from LINES_BIN (a -g build with the profiled .text)."""
    import subprocess
    nm = subprocess.run(["nm", lines_bin], capture_output=True, text=True, check=True).stdout
    base = {}
    for line in nm.splitlines():
        p = line.split()
        if len(p) == 3:
            base.setdefault(p[2], int(p[0], 16))
    keys = {(fr[0][0], fr[0][2]) for fr in samples
            if fr[0][1].endswith("weft-dataplane") and fr[0][2] is not None and fr[0][0] in base}
    addr = {k: base[k[0]] + k[1] for k in keys}
    out = subprocess.run(["addr2line", "-a", "-f", "-i", "-e", lines_bin] +
                         ["%x" % a for a in sorted(set(addr.values()))],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    chain = {}
    cur = None
    i = 0
    while i < len(out):
        if re.match(r"^0x[0-9a-f]+$", out[i]):
            cur = int(out[i], 16)
            chain[cur] = []
            i += 1
            continue
        loc = out[i + 1] if i + 1 < len(out) else ""
        chain[cur].append((out[i], re.sub(r"^.*/(dataplane|flow|vxlan|util)/", r"\1/", loc)))
        i += 2
    return {k: chain.get(a, []) for k, a in addr.items()}


def l2_stage(chain, marks):
    """The L2_STAGES entry of one wf_l2_input address (its l2_forward source line)."""
    for fn, loc in chain:
        if fn == "l2_forward":
            mm = re.search(r":(\d+)", loc)
            ln = int(mm.group(1)) if mm else 0
            k = 0
            for no, stage in marks:
                if ln >= no:
                    k = stage
            return L2_STAGES[k]
    return "weft: L2 stage (outside l2_forward)"


def l2_marks():
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../dataplane/l2/switch.c")
    marks = []
    with open(src) as f:
        for no, line in enumerate(f, 1):
            mm = re.search(r"/\* Stage ([1-4]):", line)
            if mm:
                marks.append((no, int(mm.group(1)) - 1))
    if [k for _, k in marks] != [0, 1, 2, 3]:
        sys.exit("stages.py: dataplane/l2/switch.c has no '/* Stage 1..4:' comments")
    return marks


def read_samples(f):
    frames = []
    event = None
    for line in f:
        if not line.strip():
            if frames:
                yield frames
            frames = []
            continue
        m = FRAME.match(line)
        if m:
            so = re.match(r"^(.*)\+0x([0-9a-f]+)$", m.group(2))  # perf script -F ...,symoff
            sym, off = (so.group(1), int(so.group(2), 16)) if so else (m.group(2), None)
            frames.append((sym, m.group(3), off))
        else:  # a sample's header: comm tid event:
            if frames:
                yield frames
            frames = []
            if event is None:
                ev = re.search(r"\s(\S+):\s*$", line)
                if ev:
                    event = ev.group(1)
                    read_samples.event = event
    if frames:
        yield frames


read_samples.event = None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--system", required=True)
    ap.add_argument("--cycles-per-packet", type=float, required=True)
    ap.add_argument("--json")
    ap.add_argument("--title", default="")
    ap.add_argument("--lines", help="a -g build of weft-dataplane with the same .text: splits "
                    "wf_l2_input's own samples by source line (ingress, learn, lookup, output)")
    a = ap.parse_args()
    counts = {}
    leaf = {}
    n = 0
    samples = list(read_samples(sys.stdin))
    n = len(samples)
    if n == 0:
        sys.exit("stages.py: no samples")
    chains = resolve(a.lines, samples) if a.lines else {}
    marks = l2_marks() if a.lines else None
    hot = {}
    for frames in samples:
        st = classify(frames)
        key = (frames[0][0], frames[0][2])
        if key in chains:
            if st[0].startswith("weft: L2 stage") and frames[0][0] in L2_SYMS:
                st = (l2_stage(chains[key], marks), OWN)
            c = chains[key]
            if c:  # innermost source line, in its outermost function
                h = (c[0][1], c[0][0], c[-1][0])
                hot[h] = hot.get(h, 0) + 1
        counts[st] = counts.get(st, 0) + 1
        k = (frames[0][0], frames[0][1].rsplit("/", 1)[-1])
        leaf[k] = leaf.get(k, 0) + 1
    cpp = a.cycles_per_packet
    order = {r[0]: i for i, r in enumerate(RULES + FALLBACK)}
    gorder = {LIB: 0, OWN: 1, OTHER: 2}
    rows = sorted(counts.items(), key=lambda kv: (gorder[kv[0][1]], order.get(kv[0][0], 99)))
    if a.title:
        print(a.title)
        print()
    print("| stage | group | samples | % of samples | cycles/packet |")
    print("|---|---|---|---|---|")
    for (st, g), c in rows:
        print(f"| {st} | {g} | {c} | {100 * c / n:.1f} | {cpp * c / n:.0f} |")
    groups = {}
    for (st, g), c in counts.items():
        groups[g] = groups.get(g, 0) + c
    print(f"| **total** | | {n} | 100.0 | {cpp:.0f} |")
    print()
    for g in (LIB, OWN, OTHER):
        c = groups.get(g, 0)
        print(f"- {g}: {100 * c / n:.1f}% of samples, {cpp * c / n:.0f} cycles/packet")
    print()
    print("Top leaf symbols (self):")
    print()
    for (sym, dso), c in sorted(leaf.items(), key=lambda kv: -kv[1])[:15]:
        print(f"    {100 * c / n:5.1f}%  {sym}  ({dso})")
    if hot:
        print()
        print("Hottest source lines of weft's own samples (innermost line; function, outermost):")
        print()
        for (loc, fn, outer), c in sorted(hot.items(), key=lambda kv: -kv[1])[:20]:
            print(f"    {100 * c / n:5.1f}%  {loc}  ({fn}{'' if fn == outer else ' in ' + outer})")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"system": a.system, "event": read_samples.event, "samples": n,
                       "cycles_per_packet": cpp, "title": a.title,
                       "stages": [{"stage": st, "group": g, "samples": c, "share": c / n,
                                   "cycles_per_packet": cpp * c / n} for (st, g), c in rows],
                       "groups": {g: {"share": c / n, "cycles_per_packet": cpp * c / n}
                                  for g, c in groups.items()},
                       "hot_lines": [{"line": l, "function": fn, "in": o, "share": c / n}
                                     for (l, fn, o), c in sorted(hot.items(), key=lambda kv: -kv[1])[:40]],
                       "top_leaf": [{"sym": s, "dso": d, "share": c / n} for (s, d), c in
                                    sorted(leaf.items(), key=lambda kv: -kv[1])[:30]]},
                      f, indent=1)


if __name__ == "__main__":
    main()
