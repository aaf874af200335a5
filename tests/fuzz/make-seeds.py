#!/usr/bin/python3
"""Regenerates the seed corpora of tests/fuzz/<target>/corpus/ from the project's own material:
pcap case setup lines and frames (pcaps/*/), flow strings, ovsdb-lite's compat transactions and
the captured OVSDB traces (default /work/shared/ovsdb-traces, skipped if absent). Deterministic;
file names are content hashes, so re-running adds nothing twice.

    tests/fuzz/make-seeds.py [--traces DIR]
"""
import argparse
import glob
import hashlib
import json
import os
import shlex
import struct
import sys
import zlib

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FUZZ = os.path.join(TOP, "tests", "fuzz")


def put(target, data, limit=None):
    d = os.path.join(FUZZ, target, "corpus")
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def setup_lines():
    for path in sorted(glob.glob(os.path.join(TOP, "pcaps", "*", "setup")) +
                       glob.glob(os.path.join(TOP, "pcaps", "*", "after"))):
        for line in open(path):
            line = line.strip()
            if line and not line.startswith("#"):
                yield os.path.basename(os.path.dirname(path)), line


def flows():
    out = set()
    for _, line in setup_lines():
        try:
            args = shlex.split(line)
        except ValueError:
            continue
        if args and args[0] in ("add-flow", "mod-flows", "del-flows") and len(args) >= 3:
            out.add((args[0], args[-1]))
    for path in glob.glob(os.path.join(TOP, "pcaps", "*", "flows*.txt")):
        for line in open(path):
            line = line.strip()
            if line and not line.startswith("#"):
                out.add(("add-flow", line))
    tsv = os.path.join(TOP, "flow", "tests", "ofctl_cases.tsv")
    if os.path.exists(tsv):
        for line in open(tsv):
            if line.strip() and not line.startswith("#"):
                out.add(("add-flow", line.split("\t")[0]))
    return sorted(out)


def seeds_flow_parse():
    for verb, flow in flows():
        mo = 1 if verb == "del-flows" else 0
        names = 2 if any(f"p{i}" in flow for i in range(1, 5)) else 0
        put("flow-parse", bytes([mo | names]) + flow.encode())


def seeds_vsctl_argv():
    seen = set()
    for _, line in setup_lines():
        try:
            args = shlex.split(line)
        except ValueError:
            continue
        key = "\0".join(args)
        if key not in seen:
            seen.add(key)
            put("vsctl-argv", key)
    for extra in (["--direct", "show"], ["--format=json", "list", "Bridge"],
                  ["--timeout=5", "--no-wait", "add-br", "br0", "--", "set", "Bridge", "br0",
                   "other_config:mac-table-size=4"], ["add-port", "--help"], ["--help"],
                  ["stats", "--all"], ["dump-flows", "--no-stats", "br0", "in_port=p1"]):
        put("vsctl-argv", "\0".join(extra))


def rpc_stream(msgs, setting):
    return bytes([setting]) + "".join(json.dumps(m) for m in msgs).encode()


def seeds_ovsdb_stream(traces):
    streams = []
    if traces and os.path.isdir(traces):
        for path in sorted(glob.glob(os.path.join(traces, "*.jsonl"))):
            conns = {}
            for line in open(path):
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if rec.get("dir") == "C->S" and isinstance(rec.get("msg"), dict):
                    conns.setdefault(rec.get("conn"), []).append(rec["msg"])
                elif "request_ops" in rec:
                    conns.setdefault("ops", []).append(
                        {"id": len(conns.get("ops", [])), "method": "transact",
                         "params": ["Open_vSwitch"] + rec["request_ops"]})
            streams += list(conns.values())
    compat = os.path.join(TOP, "ovsdb-lite", "tests", "test_compat_vswitch.jsonl")
    if os.path.exists(compat):
        msgs = [{"id": i, "method": "transact", "params": ["Open_vSwitch"] + json.loads(l)}
                for i, l in enumerate(open(compat)) if l.strip().startswith("[")]
        for i in range(0, len(msgs), 8):
            streams.append(msgs[i:i + 8])
    locks = [{"id": 1, "method": "lock", "params": ["l"]},
             {"id": 2, "method": "steal", "params": ["l"]},
             {"id": 3, "method": "transact", "params": ["Open_vSwitch",
                                                        {"op": "assert", "lock": "l"}]},
             {"id": 4, "method": "unlock", "params": ["l"]},
             {"id": 5, "method": "echo", "params": []},
             {"id": 6, "method": "list_dbs", "params": []},
             {"id": 7, "method": "set_db_change_aware", "params": [True]}]
    monitor = [{"id": 1, "method": "monitor_cond", "params": [
                   "Open_vSwitch", "m", {"Bridge": [{"columns": ["name"], "where": [
                       ["name", "==", "br0"]]}]}]},
               {"id": 2, "method": "transact", "params": [
                   "Open_vSwitch", {"op": "insert", "table": "Open_vSwitch", "row": {
                       "bridges": ["named-uuid", "b"]}},
                   {"op": "insert", "table": "Bridge", "uuid-name": "b",
                    "row": {"name": "br0"}}]},
               {"id": 3, "method": "monitor_cond_change", "params": [
                   "m", "m", {"Bridge": [{"where": [True]}]}]},
               {"id": 4, "method": "transact", "params": [
                   "Open_vSwitch", {"op": "wait", "table": "Bridge", "where": [],
                                    "columns": ["name"], "until": "==", "rows": [],
                                    "timeout": 0}]},
               {"id": 5, "method": "transact", "params": [
                   "Open_vSwitch", {"op": "wait", "table": "Bridge", "where": [],
                                    "columns": ["name"], "until": "!=",
                                    "rows": [{"name": "br0"}]}]},
               {"id": None, "method": "cancel", "params": [5]},
               {"id": 6, "method": "monitor_cancel", "params": ["m"]},
               {"id": 7, "method": "monitor", "params": ["Open_vSwitch", None, {
                   "Bridge": {"columns": ["name"]}}]}]
    streams += [locks, monitor]
    for i, s in enumerate(streams):
        put("ovsdb-stream", rpc_stream(s, 0x7f if i % 3 else (0x0f if i % 2 else 0x00)))
    put("ovsdb-stream", b"\x80" + json.dumps(
        {"id": 1, "method": "echo", "params": ["x" * 600]}).encode())
    put("ovsdb-stream", b"\x7f" + b"[" * 200)
    put("ovsdb-stream", b"\x7f{\"id\":1,\"method\":\"get_schema\",\"params\":[\"Open_vSwitch\"]} junk")


def record(body):
    b = json.dumps(body, separators=(",", ":")).encode()
    return b"ODBL1 %d %08x\n" % (len(b), zlib.crc32(b) & 0xffffffff) + b + b"\n"


def seeds_ovsdb_journal():
    schema = json.load(open(os.path.join(TOP, "ovsdb-lite", "vswitch.ovsschema")))
    snap = record({"schema": schema, "data": {}})
    u = ["%08x-0000-4000-8000-%012x" % (i, i) for i in range(8)]
    txns = [
        record({"txn": {"Open_vSwitch": {u[0]: {"bridges": ["uuid", u[1]], "_version": ["uuid", u[5]]}},
                        "Bridge": {u[1]: {"name": "br0", "ports": ["uuid", u[2]]}},
                        "Port": {u[2]: {"name": "br0", "interfaces": ["uuid", u[3]]}},
                        "Interface": {u[3]: {"name": "br0", "type": "internal"}}},
                "comment": "add-br br0"}),
        record({"txn": {"Bridge": {u[1]: {"other_config": ["map", [["mac-table-size", "4"]]]}}},
                "comment": "set"}),
        record({"txn": {"Interface": {u[3]: None}}, "comment": "delete"}),
        record({"txn": {"Flow": {u[4]: {"bridge": ["uuid", u[1]], "table": 0, "priority": 10,
                                        "match": "ip", "actions": "NORMAL"}}}}),
    ]
    put("ovsdb-journal", b"\x00" + snap)
    put("ovsdb-journal", b"\x00" + snap + b"".join(txns))
    put("ovsdb-journal", b"\x01" + b"".join(txns))
    for t in txns:
        put("ovsdb-journal", b"\x01" + t)
    put("ovsdb-journal", b"\x01" + txns[0][:-7])                 # torn tail
    put("ovsdb-journal", b"\x01" + txns[0].replace(b"ODBL1 ", b"ODBL1 9"))  # bad length
    put("ovsdb-journal", b"\x00" + snap[:40])


def req(method, params=None, i=1):
    r = {"id": i, "method": method}
    if params is not None:
        r["params"] = params
    return json.dumps(r)


def seeds_dp_ctl():
    br = lambda n, **oc: ("bridge-add", {"name": n, **({"other_config": oc} if oc else {})})
    seqs = [
        [br("br0"), ("port-add", {"bridge": "br0", "name": "p1"}),
         ("port-add", {"bridge": "br0", "name": "p2", "tag": 10}),
         ("port-add", {"bridge": "br0", "name": "p3", "trunks": [10, 20],
                       "vlan_mode": "native-untagged"}),
         ("fdb-add", {"bridge": "br0", "vlan": 10, "mac": "02:00:00:00:00:01", "port": "p2"}),
         ("fdb-show", {"bridge": "br0"}), ("show", None), ("stats", {}),
         ("port-set", {"name": "p2", "tag": None, "trunks": [5]}),
         ("fdb-del", {"bridge": "br0", "vlan": 10, "mac": "02:00:00:00:00:01"}),
         ("fdb-flush", {}), ("port-del", {"name": "p1"}), ("bridge-del", {"name": "br0"})],
        [br("br-phy", **{"tunnel-ip": "192.168.99.1/24", "tunnel-mac": "02:00:00:00:99:01",
                         "tunnel-gateway": "192.168.99.254", "tunnel-mtu": "1600"}),
         ("port-add", {"bridge": "br-phy", "name": "up0"}),
         ("tnl-neigh-set", {"bridge": "br-phy", "ip": "192.168.99.2",
                            "mac": "02:00:00:00:99:02"}),
         br("br0", **{"mac-table-size": "4", "mac-aging-time": "10"}),
         ("port-add", {"bridge": "br0", "name": "vx1", "type": "vxlan",
                       "options": {"remote_ip": "192.168.99.2", "key": "5000"}}),
         ("port-set", {"name": "vx1", "options": {"key": "flow", "dst_port": "4790"}}),
         ("tnl-neigh-show", {}), ("tnl-neigh-flush", {"bridge": "br-phy"}),
         ("bridge-set", {"name": "br-phy", "other_config": {"tunnel-ip": None}}),
         ("dp-show", None)],
        [br("br0"), ("port-add", {"bridge": "br0", "name": "p1", "ofport": 7}),
         ("port-add", {"bridge": "br0", "name": "p2"}),
         ("flow-add", {"bridge": "br0", "flow": "priority=10,ip,nw_dst=10.0.0.2 actions=output:p2"}),
         ("flow-add", {"bridge": "br0", "flows": ["table=1,udp,tp_dst=7 actions=resubmit(,2)",
                                                  "arp actions=NORMAL"]}),
         ("flow-mod", {"bridge": "br0", "flow": "ip actions=drop"}),
         ("flow-dump", {"bridge": "br0"}),
         ("flow-replace", {"bridge": "br0", "flows": ["priority=0 actions=NORMAL"]}),
         ("flow-del", {"bridge": "br0", "flow": "table=1"}),
         ("replay-run", None)],
        # Empty port and bridge slots below the highest one in use (scans stop there):
        # br3 and vx2 are added while slot 1 of each is free.
        [br("br0"), br("br1"), br("br2"),
         ("port-add", {"bridge": "br0", "name": "p1"}),
         ("port-add", {"bridge": "br1", "name": "p2"}),
         ("port-add", {"bridge": "br2", "name": "vx1", "type": "vxlan",
                       "options": {"remote_ip": "192.168.99.2", "key": "5001"}}),
         ("bridge-del", {"name": "br0"}), ("bridge-del", {"name": "br1"}), br("br3"),
         ("port-add", {"bridge": "br3", "name": "vx2", "type": "vxlan",
                       "options": {"remote_ip": "192.168.99.3", "key": "5002"}}),
         ("show", None)],
    ]
    for seq in seqs:
        put("dp-ctl", "\n".join(req(m, p, i + 1) for i, (m, p) in enumerate(seq)))
    methods = json.load(open(os.path.join(TOP, "dataplane", "ctl", "methods.json")))["methods"]
    for m in methods:
        if m["name"] != "exit":
            put("dp-ctl", req(m["name"], {}))
    put("dp-ctl", "{\"id\":1,\"method\":\"show\",\"params\":[1]}")


PORTS = ["up0", "vm1", "a10", "t1", "f1", "f2", "f3"]


def pcap_frames(path):
    data = open(path, "rb").read()
    if len(data) < 24:
        return
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl


def seeds_pipeline():
    for path in sorted(glob.glob(os.path.join(TOP, "pcaps", "*", "*.in.pcap"))):
        case = os.path.basename(os.path.dirname(path))
        port = os.path.basename(path)[:-len(".in.pcap")]
        if port in PORTS:
            idx = PORTS.index(port)
        elif case.startswith("vx-"):
            idx = 0 if port.startswith("up") else 1
        elif case.startswith("flow-"):
            idx = 4
        else:
            idx = 1
        for n, frame in enumerate(pcap_frames(path)):
            if n >= 4:
                break
            put("pipeline", bytes([idx]) + frame)
            if n == 0 and len(frame) > 60:
                put("pipeline", bytes([0x80 | idx, 17]) + frame)  # chained mbufs


def seeds_vxlan_decap():
    """One flag byte (receive offload hints, bits 0-1; GSO segment size, bits 4-7) then an
    underlay frame: scapy frames for the harness's VTEP (192.0.2.1, VNI 5001), TCP
    super-frames, then the vx-* pcap cases' frames."""
    from scapy.all import ARP, ICMP, IP, UDP, Ether, Raw
    from scapy.layers.vxlan import VXLAN

    us, peer = "02:00:00:00:00:01", "02:00:00:00:00:02"
    inner = Ether(dst="52:54:00:aa:bb:cc", src="52:54:00:11:22:33") / \
        IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1, dport=2) / Raw(b"x" * 20)
    under = Ether(dst=us, src=peer) / IP(src="192.0.2.2", dst="192.0.2.1")
    frames = [
        under / UDP(sport=50000, dport=4789) / VXLAN(vni=5001) / inner,
        under / UDP(sport=50000, dport=4789, chksum=0) / VXLAN(vni=5001) / inner,
        Ether(dst="ff:ff:ff:ff:ff:ff", src=peer) / ARP(op=1, hwsrc=peer, psrc="192.0.2.2",
                                                       pdst="192.0.2.1"),
        under / ICMP(type=8, id=1, seq=1) / Raw(b"ping"),
        under / UDP(sport=5, dport=53) / Raw(b"q"),
    ]
    for flags, f in enumerate(frames):
        put("vxlan-decap", bytes([flags & 3]) + bytes(f))
    # TCP super-frames (what a TSO sender hands a veth peer), segment size 8 + 14 * 99 = 1394:
    # plain IPv4, IPv6, and TCP in VXLAN.
    from scapy.all import IPv6, TCP
    tcp = TCP(sport=40000, dport=5201, flags="PA", seq=1000) / Raw(bytes(range(256)) * 16)
    eth = Ether(dst=us, src=peer)
    for f in [eth / IP(src="10.0.0.1", dst="10.0.0.2") / tcp,
              eth / IPv6(src="fd00::1", dst="fd00::2") / tcp,
              under / UDP(sport=50000, dport=4789) / VXLAN(vni=5001) /
              Ether(dst="52:54:00:aa:bb:cc", src="52:54:00:11:22:33") /
              IP(src="10.0.0.1", dst="10.0.0.2") / tcp]:
        put("vxlan-decap", bytes([14 << 4]) + bytes(f))
    for path in sorted(glob.glob(os.path.join(TOP, "pcaps", "vx-*", "*.in.pcap"))):
        for n, frame in enumerate(pcap_frames(path)):
            if n >= 4:
                break
            put("vxlan-decap", bytes([n & 3]) + frame)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--traces", default="/work/shared/ovsdb-traces")
    a = ap.parse_args()
    seeds_flow_parse()
    seeds_vsctl_argv()
    seeds_ovsdb_stream(a.traces)
    seeds_ovsdb_journal()
    seeds_dp_ctl()
    seeds_pipeline()
    seeds_vxlan_decap()
    for t in sorted(os.listdir(FUZZ)):
        d = os.path.join(FUZZ, t, "corpus")
        if os.path.isdir(d):
            print(f"{t}: {len(os.listdir(d))} seeds")


if __name__ == "__main__":
    sys.exit(main())
