#!/usr/bin/python3
"""Turns bench/run's raw records into <out>/<stamp>.json, <stamp>.md and <stamp>.png
(gnuplot), and refreshes <out>/latest.{json,md,png}.

  report.py --raw RAW.jsonl --meta META.jsonl --env ENV-JSON --out DIR --stamp STAMP [--quick=0|1]
  report.py --from-json DIR/STAMP.json      rewrites DIR/STAMP.{json,md,png} from its records

RAW: one record per (workload, system, round): value (Mpps or the workload's unit) or error,
cycles_per_pkt / pmd_busy_pct (weft's PMD counters), ovs_cycles_per_pkt, tp_cycles_per_pkt
(testpmd's --record-core-cycles), rss_kb (VmHWM).
Ratios are taken pair by pair (same round, consecutive runs), then their median is reported:
the machine's speed drifts, consecutive runs see nearly the same machine.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

SYSTEMS = ["weft", "ovs", "testpmd"]
LABEL = {"weft": "weft", "ovs": "OVS-DPDK", "testpmd": "testpmd"}


def med(xs):
    return statistics.median(xs) if xs else None


def fmt(v, nd=2):
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return "%.0f" % v
    return ("%%.%df" % nd) % v


def summarize(meta, recs):
    out = {"name": meta["name"], "desc": meta["desc"], "kind": meta["kind"],
           "unit": meta["unit"], "group": meta["group"],
           "x": float(meta["x"]) if meta.get("x") else None, "systems": {}, "ratios": {}}
    per = {}
    for s in meta["systems"].split():
        rs = sorted((r for r in recs if r["system"] == s), key=lambda r: r["round"])
        vals = [r["value"] for r in rs if r.get("value") is not None]
        errs = sorted({r["error"] for r in rs if r.get("error")})
        d = {"values": vals, "errors": errs}
        if vals:
            m = med(vals)
            d.update(median=m, min=min(vals), max=max(vals),
                     spread_pct=(100.0 * (max(vals) - min(vals)) / m) if m else None)
        for k in ("cycles_per_pkt", "pmd_busy_pct", "pkts_per_burst", "ovs_cycles_per_pkt",
                  "tp_cycles_per_pkt", "pmd_oncpu_pct", "gen_oncpu_pct"):
            xs = [r[k] for r in rs if r.get(k) is not None]
            if xs:
                d[k] = med(xs)
        # Rate per second of CPU the PMD thread was actually granted (the machine is shared:
        # other tenants' threads take the switch core for part of a window).
        norm = [r["value"] / (r["pmd_oncpu_pct"] / 100.0) for r in rs
                if r.get("value") is not None and r.get("pmd_oncpu_pct")]
        if norm:
            d["per_cpu_median"] = med(norm)
        rss = [r["rss_kb"] for r in rs if r.get("rss_kb") is not None]
        if rss:
            d["peak_rss_kb"] = max(rss)
        d["available"] = bool(vals)
        out["systems"][s] = d
        per[s] = {r["round"]: r.get("value") for r in rs}
    oncpu = {}
    for s in per:
        oncpu[s] = {r["round"]: r.get("pmd_oncpu_pct") for r in recs if r["system"] == s}
    # The headline where the generator caps Mpps: weft's PMD busy cycles per packet over OVS's
    # processing cycles per packet, pair by pair (same round).
    wc = {r["round"]: r.get("cycles_per_pkt") for r in recs if r["system"] == "weft"}
    oc = {r["round"]: r.get("ovs_cycles_per_pkt") for r in recs if r["system"] == "ovs"}
    cpairs = [wc[k] / oc[k] for k in sorted(wc) if wc.get(k) and oc.get(k)]
    if cpairs:
        out["ratios"]["cycles weft/ovs"] = {"pairs": cpairs, "median": med(cpairs),
                                            "min": min(cpairs), "max": max(cpairs)}
    # testpmd's own count (--record-core-cycles: cycles of the forwarding calls that received
    # frames, per received frame), pair by pair: how much more weft spends than a forwarder
    # that does nothing but move the frames.
    tc = {r["round"]: r.get("tp_cycles_per_pkt") for r in recs if r["system"] == "testpmd"}
    tpairs = [wc[k] / tc[k] for k in sorted(wc) if wc.get(k) and tc.get(k)]
    if tpairs:
        out["ratios"]["cycles weft/testpmd"] = {"pairs": tpairs, "median": med(tpairs),
                                                "min": min(tpairs), "max": max(tpairs)}
    # Each system's fastest round against the other's: the host copies memory at two speeds,
    # run to run (docs/performance.md, "Closed-loop generator and the two copy speeds"), so a
    # pair can compare a fast run with a slow one; over rotated rounds each system's best is
    # most likely a fast-mode run.
    wbest = [v for v in wc.values() if v]
    obest = [v for v in oc.values() if v]
    if wbest and obest:
        out["ratios"]["cycles weft/ovs best"] = {"pairs": [min(wbest) / min(obest)],
                                                 "median": min(wbest) / min(obest),
                                                 "weft": min(wbest), "ovs": min(obest)}
    for other in ("ovs", "testpmd"):
        if "weft" not in per or other not in per:
            continue
        pairs = [per["weft"][k] / per[other][k] for k in sorted(per["weft"])
                 if per["weft"].get(k) and per[other].get(k)]
        if pairs:
            out["ratios"]["weft/" + other] = {"pairs": pairs, "median": med(pairs),
                                              "min": min(pairs), "max": max(pairs)}
        # Each one's fastest round (the two copy speeds, as for "cycles weft/ovs best").
        wv = [v for v in per["weft"].values() if v]
        ov = [v for v in per[other].values() if v]
        if wv and ov:
            out["ratios"]["weft/" + other + " best"] = {"pairs": [max(wv) / max(ov)],
                                                       "median": max(wv) / max(ov),
                                                       "weft": max(wv), other: max(ov)}
        npairs = [(per["weft"][k] / oncpu["weft"][k]) / (per[other][k] / oncpu[other][k])
                  for k in sorted(per["weft"])
                  if per["weft"].get(k) and per[other].get(k) and oncpu["weft"].get(k)
                  and oncpu[other].get(k)]
        if npairs:
            out["ratios"]["weft/" + other + " per-cpu"] = {
                "pairs": npairs, "median": med(npairs), "min": min(npairs), "max": max(npairs)}
    out["by_state"] = by_state(recs)
    return out


# A run's host state from bench/tools/hostprobe: the share of its window in which the VM's two
# vCPUs were far apart on the host (docs/performance.md, "The two copy speeds are the host's
# vCPU placement"). Runs in between are "mixed": by_state() reports them apart (in the JSON),
# the markdown table counts them only.
def host_state(r):
    far = r.get("host_far_pct")
    if far is None:
        return None
    return "near" if far <= 10 else "far" if far >= 90 else "mixed"


# Ratios between runs of the same host state: the median of weft's runs over the median of the
# other system's (pairs of one round rarely share a state, so these are not pair by pair).
def by_state(recs):
    out = {}
    for st in ("near", "far", "mixed"):
        rs = [r for r in recs if host_state(r) == st]
        if not rs:
            continue

        def vals(sysname, key):
            return [r[key] for r in rs if r["system"] == sysname and r.get(key)]
        d = {"runs": {s: len([r for r in rs if r["system"] == s]) for s in SYSTEMS}}
        ppb = vals("weft", "pkts_per_burst")
        if ppb:
            d["weft_pkts_per_burst"] = med(ppb)
        # "near" is not one distance: this host has shown ~30 ns and ~60 ns (docs/performance.md).
        c2c = [r["host_c2c_ns"] for r in rs if r.get("host_c2c_ns") is not None]
        if c2c:
            d["c2c_ns"] = med(c2c)
        for name, a, b in (("cycles weft/ovs", vals("weft", "cycles_per_pkt"),
                            vals("ovs", "ovs_cycles_per_pkt")),
                           ("weft/testpmd", vals("weft", "value"), vals("testpmd", "value"))):
            if a and b:
                d[name] = {"median": med(a) / med(b), "weft": med(a), "other": med(b),
                           "n": [len(a), len(b)]}
        out[st] = d
    return out


def cell(d):
    if not d.get("values") and not d.get("errors"):
        return "not run"
    if not d.get("available"):
        return "not available" if any("not available" in e for e in d.get("errors", [])) else "failed"
    s = fmt(d["median"])
    if len(d["values"]) > 1:
        s += " ±%.0f%%" % (d["spread_pct"] / 2)
    return s


def markdown(res):
    env = res["env"]
    L = []
    L.append("# weft benchmark %s%s" % (res["stamp"], " (quick: 1 short round, smoke only)" if env["quick"] else ""))
    L.append("")
    L.append("%s, %d CPUs, kernel %s; weft %s, Open vSwitch %s, DPDK %s. %d round(s) of %d s "
             "(after %d s warm-up) per system, interleaved; %s. Total %d s." % (
                 env["cpu"], env["n_cpus"], env["kernel"], env["weft_commit"], env["ovs"],
                 env["dpdk"], env["rounds"], env["secs"], env["warmup"], env["pinning"],
                 env["duration_s"]))
    L.append("")
    L.append("Value: median over rounds (± half the min..max spread, in % of the median). "
             "Ratios: median of pair-by-pair ratios (same round); the first column, cyc/pkt "
             "weft/OVS, is the headline where the generator caps Mpps; 'best' divides each system's "
             "fewest cycles/packet of any round (the host ran copies at two speeds run to run); "
             "'best weft/testpmd' each one's highest Mpps of any round. "
             "cyc/pkt: weft PMD busy cycles "
             "per packet (dp-show); OVS: its pmd-stats-show 'avg processing cycles per packet'; "
             "testpmd: its 'CPU cycles/packet' (--record-core-cycles: cycles of the forwarding "
             "calls that received frames, per frame). "
             "PMD on-CPU: share of the window the switch's busiest thread (its PMD) actually ran "
             "(/proc utime+stime; below 100 = the machine's other tenants took the core). "
             "RSS: peak VmHWM of the switch process.")
    L.append("")
    L.append("| workload | cyc/pkt weft/OVS | best cyc/pkt weft/OVS | unit | weft | OVS-DPDK | testpmd | weft/OVS | weft/testpmd | best weft/testpmd | cyc/pkt weft/testpmd | weft cyc/pkt | weft PMD busy | OVS cyc/pkt | testpmd cyc/pkt | PMD on-CPU weft/OVS/testpmd | weft RSS MB | OVS RSS MB | testpmd RSS MB |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for w in res["workloads"]:
        S = w["systems"]

        def g(s):
            return cell(S[s]) if s in S else "n/a"

        def ratio(k):
            r = w["ratios"].get(k)
            if not r:
                return "-"
            return fmt(r["median"]) + ("" if len(r["pairs"]) < 2 else " (%s..%s)" % (fmt(r["min"]), fmt(r["max"])))

        def rss(s):
            v = S.get(s, {}).get("peak_rss_kb")
            return "-" if v is None else "%.0f" % (v / 1024)
        wf = S.get("weft", {})
        busy = wf.get("pmd_busy_pct")
        oncpu = "/".join("-" if S.get(s, {}).get("pmd_oncpu_pct") is None else
                         "%.0f" % S[s]["pmd_oncpu_pct"] for s in SYSTEMS)
        best = w["ratios"].get("cycles weft/ovs best")
        tbest = w["ratios"].get("weft/testpmd best")
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            w["name"], ratio("cycles weft/ovs"),
            "-" if not best else "%s (%s/%s)" % (fmt(best["median"]), fmt(best["weft"], 0), fmt(best["ovs"], 0)),
            w["unit"], g("weft"), g("ovs"), g("testpmd"),
            ratio("weft/ovs"),
            ratio("weft/testpmd"),
            "-" if not tbest else "%s (%s/%s)" % (fmt(tbest["median"]), fmt(tbest["weft"]), fmt(tbest["testpmd"])),
            ratio("cycles weft/testpmd"), fmt(wf.get("cycles_per_pkt"), 0),
            "-" if busy is None else "%.0f%%" % busy,
            fmt(S.get("ovs", {}).get("ovs_cycles_per_pkt"), 0),
            fmt(S.get("testpmd", {}).get("tp_cycles_per_pkt"), 0),
            "-" if oncpu == "-/-/-" else oncpu + "%", rss("weft"), rss("ovs"), rss("testpmd")))
    L.append("")
    L.extend(state_table(res))
    L.append("The same packet workloads normalized by the CPU the switch's PMD thread was "
             "actually given (Mpps ÷ PMD on-CPU share): closer to what each switch does per "
             "core-second on a quiet machine; an upper-bound estimate when the generator, not "
             "the switch, was short of CPU.")
    L.append("")
    L.append("| workload | weft Mpps/CPU | OVS Mpps/CPU | testpmd Mpps/CPU | weft/OVS per CPU | weft/testpmd per CPU |")
    L.append("|---|---|---|---|---|---|")
    for w in res["workloads"]:
        if w["unit"] != "Mpps":
            continue
        S = w["systems"]

        def pc(s):
            v = S.get(s, {}).get("per_cpu_median")
            return fmt(v)

        def rr(k):
            r = w["ratios"].get(k)
            if not r:
                return "-"
            return fmt(r["median"]) + ("" if len(r["pairs"]) < 2 else " (%s..%s)" % (fmt(r["min"]), fmt(r["max"])))
        L.append("| %s | %s | %s | %s | %s | %s |" % (w["name"], pc("weft"), pc("ovs"), pc("testpmd"),
                                                    rr("weft/ovs per-cpu"), rr("weft/testpmd per-cpu")))
    L.append("")
    notes = []
    for w in res["workloads"]:
        for s, d in w["systems"].items():
            for e in d.get("errors", []):
                notes.append("- %s, %s: %s" % (w["name"], LABEL.get(s, s), e))
    if notes:
        L.append("Runs without a number:")
        L.append("")
        L.extend(sorted(set(notes)))
        L.append("")
    L.append("Workloads:")
    L.append("")
    for w in res["workloads"]:
        L.append("- `%s`: %s" % (w["name"], w["desc"]))
    L.append("")
    return "\n".join(L)


def state_table(res):
    rows = [w for w in res["workloads"] if w.get("by_state")]
    if not rows:
        return []
    L = ["By host state (bench/tools/hostprobe, sampled 5 times a second through every window: "
         "'near' = the VM's two vCPUs close on the host in ≥ 90% of the samples, 'far' = apart in "
         "≥ 90%; each system's median over its runs in that state, so a ratio compares like "
         "with like; n = runs).",
         "",
         "| workload | near: cyc/pkt weft/OVS (weft/OVS, n) | far: cyc/pkt weft/OVS (weft/OVS, n) "
         "| near: Mpps weft/testpmd (n) | far: Mpps weft/testpmd (n) | runs near/far/mixed "
         "| weft packets/burst near/far | median one-way ns near/far |",
         "|---|---|---|---|---|---|---|---|"]

    def c(d, k, nd):
        r = d.get(k) if d else None
        if not r:
            return "-"
        return "%s (%s/%s, %d/%d)" % (fmt(r["median"]), fmt(r["weft"], nd), fmt(r["other"], nd),
                                      r["n"][0], r["n"][1])
    for w in rows:
        b = w["by_state"]
        n = "/".join(str(sum(b.get(st, {}).get("runs", {}).values())) for st in ("near", "far", "mixed"))
        ppb = "/".join(fmt(b.get(st, {}).get("weft_pkts_per_burst"), 1) for st in ("near", "far"))
        ns = "/".join(fmt(b.get(st, {}).get("c2c_ns"), 0) for st in ("near", "far"))
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            w["name"], c(b.get("near"), "cycles weft/ovs", 0), c(b.get("far"), "cycles weft/ovs", 0),
            c(b.get("near"), "weft/testpmd", 2), c(b.get("far"), "weft/testpmd", 2), n, ppb, ns))
    L.append("")
    return L


def plot(res, png, tmpdir):
    """Bar chart (Mpps by workload, per system) + scaling curves (MACs, frame size)."""
    if not shutil.which("gnuplot"):
        return "gnuplot not installed"
    rate = [w for w in res["workloads"] if w["unit"] == "Mpps"]
    bars = os.path.join(tmpdir, "bars.dat")
    with open(bars, "w") as f:
        for w in rate:
            row = [w["name"].replace("_", "-")]
            for s in SYSTEMS:
                m = w["systems"].get(s, {}).get("median")
                row.append("%.4f" % m if m is not None else "NaN")
            f.write('"%s" %s\n' % (row[0], " ".join(row[1:])))

    def curve(group, base_x, fname):
        pts = []
        for w in rate:
            x = None
            if w["group"] == group:
                x = w["x"]
            elif w["group"] == "vm2vm":
                x = base_x
            if x is None:
                continue
            pts.append((x, [w["systems"].get(s, {}).get("median") for s in SYSTEMS]))
        pts.sort()
        with open(os.path.join(tmpdir, fname), "w") as f:
            for x, ms in pts:
                f.write("%g %s\n" % (x, " ".join("%.4f" % m if m is not None else "NaN" for m in ms)))
        return len(pts)
    n_macs = curve("macs", 1, "macs.dat")
    n_size = curve("size", 64, "size.dat")
    gp = os.path.join(tmpdir, "plot.gp")
    macs_dat, size_dat = os.path.join(tmpdir, "macs.dat"), os.path.join(tmpdir, "size.dat")
    # The bar chart always; a scaling curve only with two points or more (gnuplot refuses an
    # empty or single-point x range, e.g. a run of a few workloads).
    panels = ["""set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "Mpps"
set xtics rotate by -35 scale 0
set grid ytics
set title "Forwarding rate by workload (median of rounds)"
set key inside top left vertical opaque
set yrange [0:*]
set offsets 0, 0, graph 0.25, 0
plot "%s" using 2:xtic(1) title "weft", "" using 3 title "OVS-DPDK", "" using 4 title "testpmd (ceiling)"
unset xtics
set xtics
set offsets 0, 0, 0, 0
set style data linespoints
""" % bars]
    if n_macs >= 2:
        panels.append("""set key inside bottom left vertical opaque
set logscale x
set xlabel "distinct destination MACs (pre-learned)"
set title "VM->VM scaling with the number of MACs, 64-byte frames"
plot "%s" using 1:2 title "weft" lw 2, "" using 1:3 title "OVS-DPDK" lw 2, "" using 1:4 title "testpmd (no lookup)" lw 2
unset logscale x
""" % macs_dat)
    if n_size >= 2:
        panels.append("""set key inside bottom left vertical opaque
set xlabel "frame size (bytes)"
set xrange [50:2000]
set logscale x
set title "VM->VM frame size sweep, one MAC"
plot "%s" using 1:2 title "weft" lw 2, "" using 1:3 title "OVS-DPDK" lw 2, "" using 1:4 title "testpmd" lw 2
unset logscale x
set key inside top left vertical opaque
set xrange [0:1600]
set xlabel "frame size (bytes)"
set ylabel "Gbit/s (frame bytes)"
set title "VM->VM frame size sweep, throughput"
plot "%s" using 1:($2*$1*8/1000) title "weft" lw 2, "" using 1:($3*$1*8/1000) title "OVS-DPDK" lw 2, "" using 1:($4*$1*8/1000) title "testpmd" lw 2
""" % (size_dat, size_dat))
    n_plots = 1 + (n_macs >= 2) + 2 * (n_size >= 2)
    layout = "2,2" if n_plots > 2 else "1,%d" % n_plots
    with open(gp, "w") as f:
        f.write("""set terminal pngcairo size %s font ",10" noenhanced
set output "%s"
set multiplot layout %s title "weft vs OVS-DPDK vs testpmd, one PMD core (%s)"
set datafile missing "NaN"
%sunset multiplot
""" % ("1400,1000" if n_plots > 2 else "%d,500" % (700 * n_plots), png, layout, res["stamp"],
       "".join(panels)))
    p = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    if p.returncode != 0:
        return "gnuplot failed: " + p.stderr.strip()[-300:]
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw")
    ap.add_argument("--meta")
    ap.add_argument("--env")
    ap.add_argument("--out")
    ap.add_argument("--stamp")
    ap.add_argument("--quick", default="0")
    ap.add_argument("--from-json")
    a = ap.parse_args()
    if a.from_json:
        old = json.load(open(a.from_json))
        recs = old["records"]
        metas = [{"name": w["name"], "desc": w["desc"], "kind": w["kind"], "unit": w["unit"],
                  "systems": " ".join(w["systems"]), "group": w["group"],
                  "x": "" if w["x"] is None else "%g" % w["x"]} for w in old["workloads"]]
        env, a.out, a.stamp = old["env"], os.path.dirname(os.path.abspath(a.from_json)), old["stamp"]
        tmpdir = tempfile.mkdtemp()
    else:
        if not (a.raw and a.meta and a.env and a.out and a.stamp):
            ap.error("--raw, --meta, --env, --out and --stamp are required")
        recs = [json.loads(l) for l in open(a.raw) if l.strip()]
        metas = [json.loads(l) for l in open(a.meta) if l.strip()]
        env = json.loads(a.env)
        tmpdir = os.path.dirname(os.path.abspath(a.raw))
    res = {"stamp": a.stamp, "env": env, "workloads": [], "records": recs}
    for m in metas:
        res["workloads"].append(summarize(m, [r for r in recs if r["workload"] == m["name"]]))
    os.makedirs(a.out, exist_ok=True)
    base = os.path.join(a.out, a.stamp)
    err = plot(res, base + ".png", tmpdir)
    if a.from_json:
        shutil.rmtree(tmpdir, ignore_errors=True)
    res["plot"] = None if err else os.path.basename(base + ".png")
    md = markdown(res)
    if err:
        md += "\nPlot: %s\n" % err
    else:
        md += "\n![plot](%s)\n" % os.path.basename(base + ".png")
    with open(base + ".json", "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    with open(base + ".md", "w") as f:
        f.write(md)
    print(md)
    print("wrote %s.json, %s.md%s" % (base, base, "" if err else ", %s.png" % base))
    return 0


if __name__ == "__main__":
    sys.exit(main())
