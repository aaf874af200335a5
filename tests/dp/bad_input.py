#!/usr/bin/python3
"""Hostile control-channel input for weft-dataplane: every bad request must get an error reply
naming the problem (or, for a line that is not JSON-RPC at all, an error reply with id null),
the configuration must not change, and the dataplane must keep answering.

usage: bad_input.py SOCKET
"""
import json
import os
import socket
import stat
import sys
import tempfile
import threading
import time

SOCK = sys.argv[1]
failures = []


def conn():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(SOCK)
    return s, s.makefile("rwb")


def call_raw(f, line):
    f.write(line + b"\n")
    f.flush()
    reply = f.readline()
    if not reply:
        raise RuntimeError("connection closed on %r" % line[:60])
    return json.loads(reply)


def call(f, method, params=None, rid=1):
    req = {"id": rid, "method": method}
    if params is not None:
        req["params"] = params
    return call_raw(f, json.dumps(req).encode())


def expect_error(f, what, line_or_req, errno=None, text=None):
    if isinstance(line_or_req, bytes):
        r = call_raw(f, line_or_req)
    else:
        r = call(f, *line_or_req)
    err = r.get("error")
    if not err or r.get("result") is not None:
        failures.append("%s: expected an error, got %r" % (what, r))
        return
    n = len(failures)
    if errno and err.get("errno") != errno:
        failures.append("%s: errno %s, want %s (%s)" % (what, err.get("errno"), errno, err))
    if text and text not in err.get("message", ""):
        failures.append("%s: message %r lacks %r" % (what, err.get("message"), text))
    print("%s %-42s -> %s: %s" % ("ok  " if len(failures) == n else "FAIL", what,
                                  err.get("errno"), err.get("message")))


s, f = conn()
for m, p in [("bridge-add", {"name": "br0", "other_config": {"mac-aging-time": "30"}}),
             ("port-add", {"bridge": "br0", "name": "p0", "type": "dpdk",
                           "options": {"dpdk-devargs": "net_null0"}, "tag": 10}),
             ("bridge-add", {"name": "bru", "other_config": {"tunnel-ip": "192.168.99.1/24"}}),
             ("port-add", {"bridge": "bru", "name": "up0", "type": "dpdk",
                           "options": {"dpdk-devargs": "net_null9"}})]:
    r = call(f, m, p)
    assert r["error"] is None, r
def state(f):
    """Everything a bad request must not change: config, MAC tables, neighbours."""
    return (call(f, "show")["result"], call(f, "fdb-show", {"bridge": "br0"})["result"],
            call(f, "tnl-neigh-show")["result"])


r = call(f, "fdb-add", {"bridge": "br0", "port": "p0", "vlan": 10, "mac": "02:00:00:00:00:42"})
assert r["error"] is None, r
before_state = state(f)
before = before_state[0]

cases = [
    ("not JSON", b"{this is not json", "EINVAL", "invalid JSON"),
    ("JSON but not an object", b"[1,2,3]", "EINVAL", "object"),
    ("no method", b'{"id":1}', "EINVAL", "method"),
    ("method not a string", b'{"id":1,"method":5}', "EINVAL", "method"),
    ("params not an object", b'{"id":1,"method":"show","params":[1]}', "EINVAL", "params"),
    ("duplicate keys", b'{"id":1,"method":"show","method":"exit"}', "EINVAL", "invalid JSON"),
    ("deep nesting", b"[" * 100000 + b"]" * 100000, "EINVAL", None),
    ("unknown method", ("frobnicate", {}), "EINVAL", "unknown method"),
    ("unknown parameter", ("bridge-add", {"name": "brx", "colour": "red"}), "EINVAL", "colour"),
    ("bridge name missing", ("bridge-add", {}), "EINVAL", "name"),
    ("bridge name wrong type", ("bridge-add", {"name": 7}), "EINVAL", "name"),
    ("bridge name bad chars", ("bridge-add", {"name": "a/b"}), "EINVAL", "a/b"),
    ("bridge exists", ("bridge-add", {"name": "br0"}), "EEXIST", "br0"),
    ("aging not a number", ("bridge-set", {"name": "br0", "other_config": {"mac-aging-time": "soon"}}), "EINVAL", "mac-aging-time"),
    ("table size too big", ("bridge-set", {"name": "br0", "other_config": {"mac-table-size": "99999999"}}), "EINVAL", "mac-table-size"),
    ("other_config value not string", ("bridge-set", {"name": "br0", "other_config": {"x": 1}}), "EINVAL", "other_config:x"),
    ("tunnel-ip garbage", ("bridge-set", {"name": "br0", "other_config": {"tunnel-ip": "1.2.3"}}), "EINVAL", "tunnel-ip"),
    ("port on missing bridge", ("port-add", {"bridge": "nobr", "name": "p1", "type": "dpdk"}), "ENOENT", "nobr"),
    ("port unknown type", ("port-add", {"bridge": "br0", "name": "p1", "type": "warp"}), "EINVAL", "warp"),
    ("port no type (live mode)", ("port-add", {"bridge": "br0", "name": "p1"}), "EINVAL", "no type given"),
    ("dpdk without devargs", ("port-add", {"bridge": "br0", "name": "p1", "type": "dpdk"}), "EINVAL", "dpdk-devargs"),
    ("dpdk bad devargs", ("port-add", {"bridge": "br0", "name": "p1", "type": "dpdk", "options": {"dpdk-devargs": "net_nosuch0"}}), "ENODEV", "net_nosuch0"),
    ("n_rxq not a number", ("port-add", {"bridge": "br0", "name": "p1", "type": "dpdk", "options": {"dpdk-devargs": "net_null4", "n_rxq": "2abc"}}), "EINVAL", "n_rxq"),
    ("vhostuserclient without path", ("port-add", {"bridge": "br0", "name": "p1", "type": "dpdkvhostuserclient"}), "EINVAL", "vhost-server-path"),
    ("tag out of range", ("port-add", {"bridge": "br0", "name": "p1", "type": "dpdk", "options": {"dpdk-devargs": "net_null1"}, "tag": 4096}), "EINVAL", "tag"),
    ("trunks not a list", ("port-set", {"name": "p0", "trunks": 5}), "EINVAL", "trunks"),
    ("trunk out of range", ("port-set", {"name": "p0", "trunks": [1, 5000]}), "EINVAL", "trunks"),
    ("bad vlan_mode", ("port-set", {"name": "p0", "vlan_mode": "sideways"}), "EINVAL", "sideways"),
    ("access without tag", ("port-set", {"name": "p0", "tag": None, "vlan_mode": "access"}), "EINVAL", "needs a tag"),
    ("type change", ("port-set", {"name": "p0", "type": "dpdkvhostuser"}), "EINVAL", "type cannot change"),
    ("options change", ("port-set", {"name": "p0", "options": {"dpdk-devargs": "net_null7"}}), "EBUSY", "options"),
    ("port name reused", ("port-add", {"bridge": "br0", "name": "p0", "type": "dpdk", "options": {"dpdk-devargs": "net_null2"}}), "EEXIST", "p0"),
    ("port named like a bridge", ("port-add", {"bridge": "br0", "name": "br0", "type": "dpdk", "options": {"dpdk-devargs": "net_null3"}}), "EEXIST", "br0"),
    ("vxlan without remote_ip", ("port-add", {"bridge": "br0", "name": "vx1", "type": "vxlan", "options": {"key": "5"}}), "EINVAL", "remote_ip"),
    ("vxlan key too big", ("port-add", {"bridge": "br0", "name": "vx1", "type": "vxlan", "options": {"remote_ip": "10.0.0.2", "key": "16777216"}}), "EINVAL", "key"),
    ("vxlan unknown option", ("port-add", {"bridge": "br0", "name": "vx1", "type": "vxlan", "options": {"remote_ip": "10.0.0.2", "colour": "red"}}), "EINVAL", "colour"),
    ("del missing port", ("port-del", {"name": "nope"}), "ENOENT", "nope"),
    ("del port wrong bridge", ("port-del", {"name": "p0", "bridge": "brz"}), "ENOENT", None),
    ("fdb-add bad mac", ("fdb-add", {"bridge": "br0", "port": "p0", "vlan": 10, "mac": "zz:00:00:00:00:01"}), "EINVAL", "MAC"),
    ("fdb-add multicast mac", ("fdb-add", {"bridge": "br0", "port": "p0", "vlan": 10, "mac": "01:00:5e:00:00:01"}), "EINVAL", "multicast"),
    ("fdb-add vlan too big", ("fdb-add", {"bridge": "br0", "port": "p0", "vlan": 4096, "mac": "02:00:00:00:00:01"}), "EINVAL", "vlan"),
    ("fdb-add unknown port", ("fdb-add", {"bridge": "br0", "port": "px", "vlan": 1, "mac": "02:00:00:00:00:01"}), "ENOENT", "px"),
    ("fdb-del absent", ("fdb-del", {"bridge": "br0", "vlan": 1, "mac": "02:00:00:00:00:09"}), "ENOENT", None),
    ("fdb-show unknown bridge", ("fdb-show", {"bridge": "nobr"}), "ENOENT", "nobr"),
    ("stats unknown name", ("stats", {"name": "ghost"}), "ENOENT", "ghost"),
    ("replay-run in live mode", ("replay-run", {}), "ENOTSUP", "replay"),
    ("neigh zero MAC", ("tnl-neigh-set", {"bridge": "bru", "ip": "192.168.99.2", "mac": "00:00:00:00:00:00"}), "EINVAL", "MAC"),
    ("neigh multicast IP", ("tnl-neigh-set", {"bridge": "bru", "ip": "224.0.0.1", "mac": "02:00:00:00:00:01"}), "EINVAL", "unicast"),
    ("neigh unknown port", ("tnl-neigh-set", {"bridge": "bru", "ip": "192.168.99.2", "mac": "02:00:00:00:00:01", "port": "p0"}), "ENOENT", "p0"),
    ("vxlan port on underlay bridge", ("port-add", {"bridge": "bru", "name": "vx1", "type": "vxlan", "options": {"remote_ip": "192.168.99.2"}}), "EINVAL", "underlay"),
    ("second underlay same IP", ("bridge-add", {"name": "bru2", "other_config": {"tunnel-ip": "192.168.99.1/24"}}), "EEXIST", "tunnel-ip"),
    ("gateway off subnet", ("bridge-set", {"name": "bru", "other_config": {"tunnel-gateway": "10.0.0.1"}}), "EINVAL", "tunnel-gateway"),
    ("neigh on a non-underlay bridge", ("tnl-neigh-set", {"bridge": "br0", "ip": "1.1.1.1", "mac": "02:00:00:00:00:01"}), "EINVAL", "underlay"),
    # Names become file names (<rundir>/<name>.sock): nothing that could leave the run dir.
    ("port name ..", ("port-add", {"bridge": "br0", "name": "..", "type": "dpdkvhostuser"}), "EINVAL", "must not be '.' or contain '..'"),
    ("port name with ..", ("port-add", {"bridge": "br0", "name": "a..b", "type": "dpdkvhostuser"}), "EINVAL", "contain '..'"),
    ("port name .", ("port-add", {"bridge": "br0", "name": ".", "type": "dpdkvhostuser"}), "EINVAL", "must not be '.'"),
    ("port name ../escape", ("port-add", {"bridge": "br0", "name": "../escape", "type": "dpdkvhostuser"}), "EINVAL", "outside [A-Za-z0-9._-]"),
    ("port name with /", ("port-add", {"bridge": "br0", "name": "a/b", "type": "dpdkvhostuser"}), "EINVAL", "outside [A-Za-z0-9._-]"),
    ("port name with space", ("port-add", {"bridge": "br0", "name": "a b", "type": "dpdkvhostuser"}), "EINVAL", "outside [A-Za-z0-9._-]"),
    ("port name with tab", ("port-add", {"bridge": "br0", "name": "a\tb", "type": "dpdkvhostuser"}), "EINVAL", "outside [A-Za-z0-9._-]"),
    ("port name with control char", ("port-add", {"bridge": "br0", "name": "a\x01b", "type": "dpdkvhostuser"}), "EINVAL", "outside [A-Za-z0-9._-]"),
    ("port name of 64 bytes", ("port-add", {"bridge": "br0", "name": "p" * 64, "type": "dpdkvhostuser"}), "EINVAL", "1..63 characters"),
    ("bridge name ..", ("bridge-add", {"name": ".."}), "EINVAL", "contain '..'"),
    ("bridge name of 64 bytes", ("bridge-add", {"name": "b" * 64}), "EINVAL", "1..63 characters"),
    ("client socket path too long", ("port-add", {"bridge": "br0", "name": "c1", "type": "dpdkvhostuserclient", "options": {"vhost-server-path": "/tmp/" + "x" * 120}}), "ENAMETOOLONG", "too long"),
]
for what, req, errno, text in cases:
    expect_error(f, what, req, errno, text)

after_state = state(f)
if after_state != before_state:
    failures.append("state changed:\n  before %s\n  after  %s" % (before_state, after_state))
else:
    print("ok   configuration, MAC table and neighbours unchanged after %d bad requests" % len(cases))

# Paths: a server-mode socket is created inside the run dir only (and removed with its port);
# a client-mode vhost-server-path may be anywhere, and weft never creates, chmods or unlinks a
# file there.
RUNDIR = os.path.dirname(os.path.abspath(SOCK))
OUT = tempfile.mkdtemp(prefix="weft-badin-out.")
listing = lambda d: sorted(os.listdir(d))
out_before = listing(OUT)
target = os.path.join(OUT, "not-a-socket")
with open(target, "w") as t:
    t.write("keep me\n")
os.chmod(target, 0o604)
st0 = os.stat(target)
for name, path in [("cl1", target), ("cl2", os.path.join(OUT, "absent.sock"))]:
    r = call(f, "port-add", {"bridge": "br0", "name": name, "type": "dpdkvhostuserclient",
                             "options": {"vhost-server-path": path}})
    if r.get("error") is None:
        call(f, "port-del", {"name": name})
    print("ok   client port %s -> %s: %s" % (name, path, (r.get("error") or {}).get("message", "added, removed")))
st1 = os.stat(target)
if (st1.st_mode, st1.st_ino, st1.st_size, st1.st_mtime_ns) != (st0.st_mode, st0.st_ino, st0.st_size, st0.st_mtime_ns) \
        or open(target).read() != "keep me\n":
    failures.append("a client-mode vhost-server-path file was changed")
elif listing(OUT) != sorted(out_before + ["not-a-socket"]):
    failures.append("files appeared at client-mode paths: %s" % listing(OUT))
else:
    print("ok   client-mode paths: no file created, changed or removed there")
r = call(f, "port-add", {"bridge": "br0", "name": "srv.1", "type": "dpdkvhostuser"})
sock = os.path.join(RUNDIR, "srv.1.sock")
if r.get("error") is not None or not stat.S_ISSOCK(os.stat(sock).st_mode):
    failures.append("server-mode port: %r, %s" % (r, listing(RUNDIR)))
else:
    call(f, "port-del", {"name": "srv.1"})
    if os.path.exists(sock):
        failures.append("server-mode socket left after port-del")
    else:
        print("ok   server-mode socket created in the run dir, removed with its port")
if os.path.lexists(os.path.join(os.path.dirname(RUNDIR), "escape.sock")):
    failures.append("'../escape' made a socket outside the run dir")
os.unlink(target)
os.rmdir(OUT)

# A half-written request on one connection does not block another.
s2, f2 = conn()
s2.sendall(b'{"id":1,"method":"sh')
s3, f3 = conn()
r = call(f3, "dp-show")
if r.get("error") is not None:
    failures.append("dp-show failed while another client stalls: %r" % r)
else:
    print("ok   a stalled client does not block others")
s2.close()

# A line too long to be a request closes that connection, nothing else.
s4 = socket.socket(socket.AF_UNIX)
s4.connect(SOCK)
try:
    chunk = b"x" * (1 << 20)
    for _ in range(20):
        s4.sendall(chunk)
except (BrokenPipeError, ConnectionResetError):
    pass
s4.close()
r = call(f3, "show")
if r.get("result") != before:
    failures.append("after an oversized line: %r" % r)
else:
    print("ok   oversized line dropped that connection only")

# A client that pipelines many requests before reading any reply is served, in order, and
# the dataplane does not block on it (replies are buffered, reading pauses meanwhile).
s5, f5 = conn()
N = 20000
writer = threading.Thread(target=lambda: s5.sendall(
    b"".join(b'{"id":%d,"method":"dp-show"}\n' % i for i in range(N))))
writer.start()
time.sleep(0.5)  # several MB of replies are pending now: reading from s5 has paused
r = call(f3, "show")  # another client is served meanwhile
ids = [json.loads(f5.readline())["id"] for _ in range(N)]
writer.join()
if ids != list(range(N)) or r.get("result") != before:
    failures.append("pipelined requests: replies out of order or missing")
else:
    print("ok   %d pipelined requests answered in order; others served meanwhile" % N)
s5.close()

if failures:
    for x in failures:
        print("FAIL", x)
    sys.exit(1)
print("all bad input rejected; the dataplane kept serving")
