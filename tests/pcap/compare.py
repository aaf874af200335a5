#!/usr/bin/python3
"""compare.py: checks a pcap case's recorded outputs and counters against its expectations.

    compare.py CASE_DIR OUT_DIR STATS_JSON     (exit 0: all match; 1: mismatch, printed)

CASE_DIR is pcaps/<case> (setup, <port>.out.pcap, counters); OUT_DIR holds what the dataplane
wrote (<port>.out.pcap for every replay port); STATS_JSON is the output of
`weftctl stats --all --format=json`: {"ports": {name: {counter: n}}, "bridges": {...}}.

Rules: every replay port of the setup (add-port without an Interface type) must have sent
exactly the frames of its .out.pcap, byte for byte and in order (timestamps ignored); a replay
port without a .out.pcap must have sent nothing. Every "<name> <counter> <value>" line of
`counters` must hold; a counter missing from the stats is a failure naming it.
compare() returns the problems as text (a list of strings, empty when everything matches);
the harness (run-case) prints them.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcaplib import mac_str, read_pcap, setup_ports  # noqa: E402

MAX_FRAME_DIFFS = 5  # differing frames shown per port


def describe(data):
    """A one-line, tshark-like summary of a frame (scapy), with its length."""
    try:
        from scapy.all import Ether, conf  # all layers, so the summary names IP, ARP...

        conf.verb = 0
        if len(data) < 14:
            s = "runt %s" % data.hex()
        else:
            s = "%s > %s" % (mac_str(data[6:12]), mac_str(data[0:6]))
            if data[12:14] == b"\x81\x00" and len(data) >= 18:
                tci = int.from_bytes(data[14:16], "big")
                s += " vlan %d pcp %d" % (tci & 0xFFF, tci >> 13)
            s += " | " + Ether(data).summary()
    except Exception as e:  # a summary is a convenience; never fail the comparison on it
        s = "(no summary: %s)" % e
    return "%4d bytes  %s" % (len(data), s)


def hexdiff(exp, got):
    """Lines showing where two frames first differ: 16-byte rows around the first difference."""
    n = min(len(exp), len(got))
    first = next((i for i in range(n) if exp[i] != got[i]), n)
    lines = ["first difference at byte %d (expected %d bytes, got %d)" %
             (first, len(exp), len(got))]
    start = (first // 16) * 16
    for row in range(start, min(start + 32, max(len(exp), len(got))), 16):
        e, g = exp[row:row + 16], got[row:row + 16]
        marks = "".join("^^ " if (i >= len(e) or i >= len(g) or e[i] != g[i]) else "   "
                        for i in range(max(len(e), len(g))))
        lines.append("  %04x expected %s" % (row, " ".join("%02x" % b for b in e) or "(ended)"))
        lines.append("  %04x got      %s" % (row, " ".join("%02x" % b for b in g) or "(ended)"))
        if marks.strip():
            lines.append("                %s" % marks.rstrip())
    return lines


def compare_frames(port, exp, got):
    """exp/got: [(time_us, bytes)]. Returns problem lines for one port (empty if equal)."""
    eb = [d for _, d in exp]
    gb = [d for _, d in got]
    if eb == gb:
        return []
    ndiff = sum(1 for i in range(max(len(eb), len(gb)))
                if i >= len(eb) or i >= len(gb) or eb[i] != gb[i])
    out = ["port %s: expected %d frames, got %d; %d frame position(s) differ" %
           (port, len(eb), len(gb), ndiff)]
    shown = 0
    for i in range(max(len(eb), len(gb))):
        e = eb[i] if i < len(eb) else None
        g = gb[i] if i < len(gb) else None
        if e == g:
            continue
        if shown == MAX_FRAME_DIFFS:
            out.append("  ... (%d more)" % (ndiff - shown))
            break
        shown += 1
        when = " (input time %.6f)" % (exp[i][0] / 1e6) if e is not None else ""
        out.append("  frame %d%s:" % (i, when))
        out.append("    expected: %s" % (describe(e) if e is not None else "nothing (no frame)"))
        out.append("    got:      %s" % (describe(g) if g is not None else "nothing (no frame)"))
        if e is not None and g is not None:
            out.extend("    " + line for line in hexdiff(e, g))
    return out


def read_counters(path):
    """[(lineno, name, counter, value)] of a counters file; raises ValueError on bad lines."""
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            w = line.split()
            if len(w) != 3 or not w[2].lstrip("-").isdigit():
                raise ValueError("%s:%d: expected '<port-or-bridge> <counter> <value>', got %r" %
                                 (path, n, line))
            rows.append((n, w[0], w[1], int(w[2])))
    return rows


def compare_counters(path, stats):
    out = []
    try:
        rows = read_counters(path)
    except ValueError as e:
        return ["counters: %s" % e]
    ports = stats.get("ports") or {}
    bridges = stats.get("bridges") or {}
    for _, name, counter, want in rows:
        table = ports.get(name, bridges.get(name))
        if table is None:
            out.append("counter %s %s: no port or bridge %r in the stats" % (name, counter, name))
        elif counter not in table:
            out.append("counter %s %s: missing from the stats of %s" % (name, counter, name))
        elif table[counter] != want:
            out.append("counter %s %s: expected %d, got %s" % (name, counter, want,
                                                                table[counter]))
    return out


def compare(case_dir, out_dir, stats):
    """Returns the list of problem lines (empty = the case passed)."""
    problems = []
    with open(os.path.join(case_dir, "setup")) as f:
        ports = setup_ports(f.read())
    replay = sorted(p for p, t in ports.items() if t == "")
    for fn in sorted(os.listdir(case_dir)):
        if fn.endswith(".out.pcap") and fn[:-len(".out.pcap")] not in replay:
            problems.append("case error: %s names no replay port of the setup" % fn)
    for p in replay:
        exp_path = os.path.join(case_dir, p + ".out.pcap")
        got_path = os.path.join(out_dir, p + ".out.pcap")
        try:
            exp = read_pcap(exp_path) if os.path.exists(exp_path) else []
        except ValueError as e:
            problems.append("case error: %s" % e)
            continue
        if not os.path.exists(got_path):
            problems.append("port %s: the dataplane wrote no %s.out.pcap (expected %d frames)" %
                            (p, p, len(exp)))
            continue
        try:
            got = read_pcap(got_path)
        except ValueError as e:
            problems.append("port %s: unreadable output: %s" % (p, e))
            continue
        problems.extend(compare_frames(p, exp, got))
    cpath = os.path.join(case_dir, "counters")
    if os.path.exists(cpath):
        if stats is None:
            problems.append("counters: no stats to check them against")
        else:
            problems.extend(compare_counters(cpath, stats))
    return problems


def main(argv):
    if len(argv) != 4:
        print("usage: compare.py CASE_DIR OUT_DIR STATS_JSON", file=sys.stderr)
        return 2
    with open(argv[3]) as f:
        stats = json.load(f)
    problems = compare(argv[1], argv[2], stats)
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
