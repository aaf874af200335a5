#!/bin/bash
# System test: `bench/run --quick` (every workload, one short round) produces every number.
# Checks, in the JSON it writes, that each workload has a numeric value for each of its systems
# (a run may only lack one when the workload reports the component "not available", e.g.
# ovsdb-lite not built), a weft/OVS ratio, weft's and testpmd's cycles per packet for the packet workloads, the
# host probe's record of every packet run and the report's "By host state" table (and that hostprobe
# refuses bad arguments), a
# peak RSS for every measured run, and that the Markdown table and the PNG plot were written.
# Never checks a speed. Takes ~3.5 minutes (flows:wild adds ~40 s). Needs root (DPDK, network namespaces).
# bench/run stops everything it started (by PID) on exit; this script removes its output dir.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mktemp -d /tmp/bench-quick.XXXXXX)
export KEEP_W=1 # keep the scratch dir (runs.log) for the failure report; removed below
# bench/run's scratch dir (named in its first log line) holds runs.log: shown on failure.
scratch() { sed -n 's/.*; scratch \(\/tmp\/weft-bench\.[A-Za-z0-9]*\)$/\1/p' "$OUT/run.log" | head -1; }
cleanup() {
	local s
	s=$(scratch)
	[ -n "$s" ] && rm -rf "$s"
	rm -rf "$OUT"
}
trap cleanup EXIT
BUILD=${BENCH_BUILD:-$TOP/build-release}
export BUILD

# bench/run used to end silently between two measurements now and then on a loaded machine
# (2 of ~10 runs, then twice in a row on 2026-12-07 after vxlan-encap's OVS round with a fuzzer
# beside it): a run that failed without an "error" line in runs.log made run_one's
# `grep | tail | cut` fail under pipefail, which ended bench/run with nothing logged. It now
# records the run as FAILED, and each run's ERR trap names the command that ended it. Which
# command that was in those runs is not known yet. The first failure is shown in full and the
# run is made once more; a second failure fails the test.
report() {
	tail -30 "$OUT/run.log"
	local s
	s=$(scratch)
	[ -n "$s" ] && [ -f "$s/runs.log" ] && { echo "--- last lines of the runs' log"; tail -25 "$s/runs.log"; }
	[ -n "$s" ] && rm -rf "$s"
}
for attempt in 1 2; do
	rc=0
	"$TOP/bench/run" --quick --out "$OUT" >"$OUT/run.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] && break
	report
	echo "bench/run --quick exited with status $rc (attempt $attempt)"
	[ "$attempt" = 2 ] && { echo "FAIL: bench/run --quick failed twice"; exit 1; }
	rm -f "$OUT"/*.json "$OUT"/*.md "$OUT"/*.png
done
json=$(ls "$OUT"/*.json 2>/dev/null | head -1)
[ -n "$json" ] || { tail -30 "$OUT/run.log"; echo "FAIL: no JSON written"; exit 1; }
[ -s "${json%.json}.md" ] || { echo "FAIL: no Markdown table"; exit 1; }
[ -s "${json%.json}.png" ] || { echo "FAIL: no PNG plot"; exit 1; }
[ "$(head -c 4 "${json%.json}.png" | od -An -c | tr -d " ")" = "211PNG" ] || { echo "FAIL: plot is not a PNG"; exit 1; }

/usr/bin/python3 - "$json" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))
missing = []
n = 0
for w in res["workloads"]:
    for s, d in w["systems"].items():
        if d.get("median") is not None:
            n += 1
            if d.get("peak_rss_kb") is None:
                missing.append("%s/%s: no peak RSS" % (w["name"], s))
            if s == "weft" and w["unit"] == "Mpps" and d.get("cycles_per_pkt") is None:
                missing.append("%s/weft: no cycles per packet" % w["name"])
            if s == "testpmd" and w["unit"] == "Mpps" and d.get("tp_cycles_per_pkt") is None:
                missing.append("%s/testpmd: no cycles per packet" % w["name"])
            if w["unit"] == "Mpps" and not any(
                    r.get("host_far_pct") is not None for r in res["records"]
                    if r["workload"] == w["name"] and r["system"] == s):
                missing.append("%s/%s: no host probe (host_far_pct)" % (w["name"], s))
        elif all(e.startswith("not available") for e in d.get("errors", [])) and d.get("errors"):
            print("note: %s/%s %s" % (w["name"], s, "; ".join(d["errors"])))
        else:
            missing.append("%s/%s: no value (%s)" % (w["name"], s, "; ".join(d.get("errors", [])) or "no record"))
    if "ovs" in w["systems"] and w["systems"]["weft"].get("median") and \
            w["systems"]["ovs"].get("median") and "weft/ovs" not in w["ratios"]:
        missing.append("%s: no weft/OVS ratio" % w["name"])
names = [w["name"] for w in res["workloads"]]
for want in ("vm2vm", "vm2vm:loop", "vxlan-encap", "vxlan-decap", "ovsdb:1", "ovsdb:8"):
    if want not in names:
        missing.append("workload %s not run" % want)
for g in ("macs", "size", "control", "flows"):
    if not any(w["group"] == g for w in res["workloads"]):
        missing.append("no %s workload" % g)
if not any(w.get("by_state") for w in res["workloads"]) or \
        "By host state" not in open(sys.argv[1][:-len(".json")] + ".md").read():
    missing.append("no 'By host state' summary")
if missing:
    print("FAIL: %d number(s) missing:" % len(missing))
    for m in missing:
        print("  " + m)
    sys.exit(1)
print("PASS: %d values from %d workloads" % (n, len(names)))
PY

# hostprobe refuses bad arguments (usage, exit 2) and changes nothing.
H=$BUILD/bench/hostprobe
[ -x "$H" ] || H=$BUILD/bench-tools/hostprobe # bench/run's own build of it (older BUILD dirs)
for args in "0 0 1" "0 1 x" "0 1 0" "a 1 1" "0 1"; do
	# shellcheck disable=SC2086 # the words are the arguments
	if "$H" $args >/dev/null 2>"$OUT/probe.err"; then
		echo "FAIL: hostprobe $args was accepted"
		exit 1
	fi
	grep -q usage "$OUT/probe.err" || { echo "FAIL: hostprobe $args: no usage message"; exit 1; }
done
echo "PASS: hostprobe refuses bad arguments"
