"""pcaplib: shared code of the pcap cases' gen.py scripts and of the harness.

A case directory (pcaps/<case>/) holds a hand-written `setup` (weftctl command lines) and a
gen.py that describes the frames offered on each port and, for every frame, where it must go
(`to=`) or why it must be dropped (`drop=`). Case.write() then:
  1. runs every frame through a reference model of the dataplane (OVS NORMAL learning switch
     with VLANs, configured by parsing `setup`), in replay order: by timestamp, ties by port
     name, then by the order of send() calls for the same port;
  2. checks that the model agrees with the declared fate of every frame (so each expectation
     is stated twice: by hand in gen.py and by the rules in the model; a disagreement aborts);
  3. writes <port>.in.pcap, <port>.out.pcap (only for ports that must send something) and
     `counters` (every modelled counter of every port and bridge, minus `skip_counters`).

Nothing here ever looks at the dataplane's output: expected outputs come from the rules.
The rules are those of the issue (see tests/pcap/README.md). Use /usr/bin/python3.
"""

import os
import re
import shlex
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flowmodel  # noqa: E402
import vxmodel  # noqa: E402

ETH_P_8021Q = 0x8100
DEFAULT_AGING = 300
DEFAULT_TABLE_SIZE = 65536

PORT_COUNTERS = ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "rx_dropped", "tx_dropped")
DROP_REASONS = ("runt", "vlan_truncated", "vlan_not_allowed", "src_multicast", "same_port",
                "no_output")
BRIDGE_COUNTERS = ("fdb_entries", "fdb_learned", "fdb_moved", "fdb_aged", "fdb_full", "flooded",
                   "forwarded")


# --- pcap files ---------------------------------------------------------------------------

def write_pcap(path, records):
    """Writes a classic little-endian pcap (usec, LINKTYPE_ETHERNET) of (time_us, bytes)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t_us, data in records:
            f.write(struct.pack("<IIII", t_us // 1000000, t_us % 1000000, len(data), len(data)))
            f.write(data)


def read_pcap(path):
    """Returns [(time_us, bytes)] of a classic pcap file (either byte order, usec or nsec).
    Raises ValueError on anything else (pcapng, truncated record)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError("%s: %d bytes, too short for a pcap header" % (path, len(data)))
    magic = data[:4]
    table = {b"\xd4\xc3\xb2\xa1": ("<", 1), b"\xa1\xb2\xc3\xd4": (">", 1),
             b"\x4d\x3c\xb2\xa1": ("<", 1000), b"\xa1\xb2\x3c\x4d": (">", 1000)}
    if magic not in table:
        raise ValueError("%s: not a classic pcap file (magic %s)" % (path, magic.hex()))
    endian, div = table[magic]
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        raise ValueError("%s: link type %d, not Ethernet" % (path, linktype))
    out = []
    off = 24
    while off < len(data):
        if off + 16 > len(data):
            raise ValueError("%s: truncated record header at offset %d" % (path, off))
        sec, frac, caplen, wirelen = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        if off + caplen > len(data):
            raise ValueError("%s: truncated record at offset %d" % (path, off))
        if caplen != wirelen:
            raise ValueError("%s: record %d captured %d of %d bytes" %
                             (path, len(out), caplen, wirelen))
        out.append((sec * 1000000 + frac // div, data[off:off + caplen]))
        off += caplen
    return out


# --- frames -------------------------------------------------------------------------------

def mac(s):
    """'00:00:00:00:00:01' -> 6 bytes."""
    b = bytes(int(x, 16) for x in s.split(":"))
    assert len(b) == 6, s
    return b


def mac_str(b):
    return ":".join("%02x" % x for x in b)


def is_multicast(m):
    return bool(m[0] & 1)


def eth(dst, src, payload=None, vid=None, pcp=0, size=60, ethertype=0x88B5):
    """An Ethernet frame dst<-src, optionally with an 802.1Q tag (vid, pcp).
    payload: a scapy packet (its bytes follow the MAC header; its type sets the ethertype) or
    raw bytes; None = a filler payload of local experimental ethertype 0x88b5.
    size: pad the untagged frame with zeros to this many bytes (no FCS); the tag adds 4.
    This is how a guest's virtio-net would hand the frame over (already padded)."""
    from scapy.layers.l2 import Ether  # deferred: read_pcap users need no scapy

    if isinstance(dst, str):
        dst = mac(dst)
    if isinstance(src, str):
        src = mac(src)
    if payload is None:
        inner = struct.pack("!H", ethertype) + b"weft pcap case"
    elif isinstance(payload, (bytes, bytearray)):
        inner = struct.pack("!H", ethertype) + bytes(payload)
    else:
        # Let scapy choose the ethertype from the payload's layer.
        hdr = bytes(Ether(dst=mac_str(dst), src=mac_str(src)) / payload)
        inner = hdr[12:]
    frame = dst + src + inner
    if len(frame) < size:
        frame += b"\x00" * (size - len(frame))
    if vid is not None:
        frame = push_tag(frame, vid, pcp)
    return frame


def push_tag(frame, vid, pcp=0):
    return frame[:12] + struct.pack("!HH", ETH_P_8021Q, (pcp << 13) | vid) + frame[12:]


def pop_tag(frame):
    return frame[:12] + frame[16:]


# --- setup parsing --------------------------------------------------------------------------

def setup_lines(text):
    """Command lines of a setup file: '#' starts a comment (at line start or after a blank)."""
    out = []
    for raw in text.splitlines():
        line = raw
        for i, c in enumerate(raw):
            if c == "#" and (i == 0 or raw[i - 1].isspace()):
                line = raw[:i]
                break
        line = line.strip()
        if line:
            out.append(line)
    return out


def setup_ports(text):
    """{port: type or ''} of every add-port in a setup text (type from a merged
    'set Interface P type=X'). Replay ports are those whose type is ''."""
    ports = {}
    for line in setup_lines(text):
        cmds = _split_commands(shlex.split(line))
        for argv in cmds:
            if argv[0] == "add-port" and len(argv) >= 3:
                ports.setdefault(argv[2], "")
            if argv[0] == "set" and len(argv) >= 3 and argv[1] == "Interface":
                for kv in argv[3:]:
                    if kv.startswith("type="):
                        ports[argv[2]] = kv[5:]
    return ports


def _split_commands(argv):
    cmds, cur = [], []
    for a in argv:
        if a == "--":
            if cur:
                cmds.append(cur)
            cur = []
        else:
            cur.append(a)
    if cur:
        cmds.append(cur)
    return cmds


def _int_list(v):
    v = v.strip()
    if v.startswith("[") and v.endswith("]"):
        v = v[1:-1]
    return sorted({int(x) for x in v.replace(" ", "").split(",") if x != ""})


# --- reference model --------------------------------------------------------------------------

class Port:
    def __init__(self, name, bridge):
        self.name = name
        self.bridge = bridge
        self.tag = None
        self.trunks = []
        self.vlan_mode = None
        self.type = ""
        self.options = {}
        self.tnl = None  # vxmodel.Tunnel of a type=vxlan port
        self.c = {k: 0 for k in PORT_COUNTERS}
        self.c.update({"drop_" + r: 0 for r in DROP_REASONS})
        self.c.update({"drop_" + r: 0 for r in vxmodel.ALL_DROPS if r not in DROP_REASONS})
        self.c.update({"drop_" + r: 0 for r in flowmodel.FLOW_DROPS})
        self.ofport = None

    def mode(self):
        return self.vlan_mode or ("access" if self.tag is not None else "trunk")

    def ingress_vlan(self, tagged, vid):
        """VLAN of a frame received here, or None if not allowed."""
        m = self.mode()
        if m == "access":
            return self.tag if (not tagged or vid == 0) else None
        if m == "trunk":
            if not tagged:
                return 0
            return vid if (not self.trunks or vid in self.trunks) else None
        # native-tagged / native-untagged
        if not tagged:
            return self.tag
        return vid if (vid == self.tag or not self.trunks or vid in self.trunks) else None

    def member(self, v):
        m = self.mode()
        if m == "access":
            return v == self.tag
        if m == "trunk":
            return not self.trunks or v in self.trunks
        return v == self.tag or not self.trunks or v in self.trunks

    def egress_tagged(self, v):
        m = self.mode()
        if m == "access":
            return False
        if m == "native-untagged":
            return v != self.tag
        return v != 0  # trunk, native-tagged


class Bridge:
    def __init__(self, name):
        self.name = name
        self.ports = []  # names, in add order
        self.aging = DEFAULT_AGING
        self.size = DEFAULT_TABLE_SIZE
        self.fdb = {}  # (vlan, mac) -> [port, last_seen_s, static]
        self.c = {k: 0 for k in BRIDGE_COUNTERS}
        self.other_config = {}
        self.vtep = None  # vxmodel.Vtep of an underlay bridge (other_config:tunnel-ip)
        self.flows = [flowmodel.default_flow()]  # flow tables, in age order

    def set_other_config(self, key, val):
        self.other_config[key] = val
        if key == "mac-aging-time":
            self.aging = int(val)
        elif key == "mac-table-size":
            self.size = int(val)

    def configured(self):
        """After a command changed other_config: a tunnel-ip makes this an underlay bridge
        (its neighbour table survives later changes)."""
        if "tunnel-ip" in self.other_config:
            old = self.vtep
            self.vtep = vxmodel.Vtep(self.other_config, self.name)
            if old:
                self.vtep.neigh = old.neigh
            for k in vxmodel.VTEP_COUNTERS:
                self.c.setdefault(k, 0)

    def age(self, now):
        for key in [k for k, e in self.fdb.items() if not e[2] and now - e[1] > self.aging]:
            del self.fdb[key]
            self.c["fdb_aged"] += 1

    def learn(self, vlan, src, port, now):
        e = self.fdb.get((vlan, src))
        if e is not None:
            if e[2]:
                return "static"
            if e[0] != port:
                e[0] = port
                self.c["fdb_moved"] += 1
            e[1] = now
            return "refreshed"
        if len(self.fdb) >= self.size:
            self.c["fdb_full"] += 1
            return "full"
        self.fdb[(vlan, src)] = [port, now, False]
        self.c["fdb_learned"] += 1
        return "learned"


# Port types that are real devices in replay mode: present, but never given a frame.
DEVICE_TYPES = ("dpdk", "dpdkvhostuser")


class Model:
    """The dataplane's forwarding rules, configured from setup command lines.
    Learning switch (OVS NORMAL with VLANs) plus, when the setup has an underlay bridge or a
    vxlan port, the VTEP rules of vxmodel (encap/decap, ARP, ping, neighbour table)."""

    def __init__(self, setup_text):
        self.bridges = {}
        self.ports = {}
        self.ip_id = 0  # the replay thread's outer IPv4 id counter
        self.flows_used = False  # a flow verb in the setup: flow drop counters are listed
        self.now = 0  # the replay clock (whole seconds): 0 until the first frame
        for line in setup_lines(setup_text):
            for argv in _split_commands(shlex.split(line)):
                self._command(argv, line)
        for br in self.bridges.values():
            if br.vtep and "tunnel-mac" not in br.other_config and any(
                    self.ports[p].type == "dpdk" for p in br.ports):
                raise ValueError("setup: underlay bridge %s takes its MAC from a dpdk port, "
                                 "which the model cannot know: give other_config:tunnel-mac"
                                 % br.name)

    def vx(self):
        """Does the setup use tunnels (then the VXLAN counters are modelled too)?"""
        return any(b.vtep for b in self.bridges.values()) or \
            any(p.tnl for p in self.ports.values())

    def _command(self, argv, line):
        verb = argv[0]
        if verb == "add-br":
            self.bridges[argv[1]] = Bridge(argv[1])
        elif verb == "add-port":
            br = self.bridges[argv[1]]
            p = Port(argv[2], br.name)
            used = {self.ports[n].ofport for n in br.ports}
            p.ofport = next(o for o in range(1, 65280) if o not in used)
            self.ports[p.name] = p
            br.ports.append(p.name)
            self._set_port(p, argv[3:], line)
        elif verb == "set" and argv[1] == "Port":
            self._set_port(self.ports[argv[2]], argv[3:], line)
        elif verb == "set" and argv[1] == "Interface":
            p = self.ports[argv[2]]
            for kv in argv[3:]:
                k, v = kv.split("=", 1)
                if k == "type":
                    p.type = v
                elif k.startswith("options:"):
                    p.options[k.split(":", 1)[1]] = v
                else:
                    raise ValueError("setup: unmodelled Interface column in %r" % line)
            # Device ports (dpdk, vhost-user) exist in a case only to be there: the model
            # refuses to forward a frame to them (Case.write).
            if p.type not in ("", "vxlan") + DEVICE_TYPES:
                raise ValueError("setup: port type %r not modelled in %r" % (p.type, line))
            if p.type == "vxlan" and "remote_ip" in p.options:
                p.tnl = vxmodel.Tunnel(p.options)
        elif verb == "set" and argv[1] == "Bridge":
            br = self.bridges[argv[2]]
            for kv in argv[3:]:
                k, v = kv.split("=", 1)
                if not k.startswith("other_config:"):
                    raise ValueError("setup: unmodelled Bridge column in %r" % line)
                br.set_other_config(k.split(":", 1)[1], v)
            br.configured()
        elif verb in ("add-flow", "del-flows", "mod-flows"):
            self._flow_command(argv)
        elif verb == "fdb/add":
            br = self.bridges[argv[1]]
            br.fdb[(int(argv[3]), mac(argv[4]))] = [argv[2], 0, True]
        elif verb == "tnl/neigh/set":
            br = self.bridges[argv[1]]
            e = br.vtep.ensure(vxmodel.ip(argv[2]))
            e.mac, e.static = mac(argv[3]), True
            e.port = argv[4] if len(argv) > 4 else br.ports[0]
        elif verb == "tnl/neigh/flush":
            for b in self.bridges.values():
                if b.vtep and (len(argv) == 1 or b.name == argv[1]):
                    for e in b.vtep.neigh.values():
                        e.mac, e.port, e.static = None, None, False
        else:
            raise ValueError("setup: command not modelled: %r" % line)

    # -- flow tables (flowmodel.py) --

    def ofports(self, br):
        return {n: self.ports[n].ofport for n in br.ports}

    def _flow_command(self, argv):
        self.flows_used = True
        br = self.bridges[argv[1]]
        args = argv[2:]
        now = self.now
        if argv[0] == "add-flow":
            f = flowmodel.parse_flow(args[0], self.ofports(br))
            f.modified = f.used = now
            for i, o in enumerate(br.flows):
                if o.same_rule(f):
                    br.flows[i] = f
                    break
            else:
                br.flows.append(f)
        elif argv[0] == "mod-flows":
            strict = "--strict" in args
            args = [a for a in args if a != "--strict"]
            f = flowmodel.parse_flow(args[0], self.ofports(br))
            m = flowmodel.parse_flow(args[0].split("actions=")[0], self.ofports(br),
                                     match_only=True)  # all tables unless table= is given
            for o in br.flows:
                if self._selects(o, m, strict):
                    o.actions = f.actions  # counters and age kept
                    o.modified = now  # the hard timer restarts (ovs-ofctl(8), hard_age)
        elif argv[0] == "del-flows":
            strict = "--strict" in args
            args = [a for a in args if a != "--strict"]
            if not args:
                br.flows = []
                return
            m = flowmodel.parse_flow(args[0], self.ofports(br), match_only=True)
            br.flows = [f for f in br.flows if not self._selects(f, m, strict)]
        else:
            raise ValueError("setup: %s not modelled" % argv[0])

    @staticmethod
    def _selects(f, m, strict):
        if m.table is not None and m.table != f.table:
            return False
        if strict:
            return f.priority == m.priority and f.match == m.match
        for member, (v, mask) in m.match.items():
            fv, fm = f.match.get(member, (0, 0))
            if fm & mask != mask or fv & mask != v:
                return False
        return True

    def _bridge_input(self, port, frame, tun=None):
        """A bridge's input stage: NORMAL alone when the default flow is the only one.
        tun: the VNI a key=flow tunnel received (the frame's tun_id); otherwise a tunnel
        port's frames carry its key and other ports' frames 0."""
        br = self.bridges[port.bridge]
        if tun is None:
            tun = port.tnl.vni if port.tnl else 0
        if flowmodel.is_default(br.flows):
            br.flows[0].used = self.now
            br.flows[0].n_packets += 1
            br.flows[0].n_bytes += len(frame)
            return self._switch_input(port, frame, tun=tun)
        port.c["rx_packets"] += 1
        port.c["rx_bytes"] += len(frame)
        st = {"frame": frame, "sent": False, "stop": False, "len": len(frame), "tun": tun}
        if not self._table(port, br, st, 0, 0, port.ofport):
            return self._drop(port, "no_flow")
        if not st["stop"] and not st["sent"]:
            self._drop(port, "flow_drop")

    def _table(self, port, br, st, table, depth, in_port):
        """Looks the frame up in 'table' and runs the winner's actions: True if one matched."""
        if depth > flowmodel.MAX_DEPTH:
            st["stop"] = True
            self._drop(port, "resubmit_depth")
            return True
        key = flowmodel.extract(st["frame"], in_port, st["tun"])
        best = None
        for f in br.flows:  # age order: the first of the highest priority wins
            if f.table == table and f.matches(key) and (best is None or
                                                        f.priority > best.priority):
                best = f
        if best is None:
            return False
        best.n_packets += 1
        best.n_bytes += st["len"]
        best.used = self.now
        for name, arg in best.actions:
            if st["stop"]:
                break
            self._action(port, br, st, name, arg, table, depth, in_port)
        return True

    def _out(self, st, pname):
        op = self.ports[pname]
        st["sent"] = True
        if op.tnl:
            self._tnl_output(op, st["frame"], st["tun"])
        else:
            self._send(pname, st["frame"])

    def _action(self, port, br, st, name, arg, table, depth, in_port):
        by_of = {self.ports[n].ofport: n for n in br.ports}
        fm = flowmodel
        if name == "output":
            if arg != in_port and arg in by_of:
                self._out(st, by_of[arg])
        elif name == "IN_PORT":
            if in_port in by_of:
                self._out(st, by_of[in_port])
        elif name == "NORMAL":
            st["sent"] = True
            self._switch_input(port, st["frame"], count=False, tun=st["tun"])
        elif name in ("FLOOD", "ALL"):
            for n in br.ports:
                if n != port.name:
                    self._out(st, n)
        elif name == "mod_vlan_vid":
            st["frame"] = fm.set_tci(st["frame"], arg, 0x0FFF)
        elif name == "mod_vlan_pcp":
            st["frame"] = fm.set_tci(st["frame"], arg << 13, 0xE000)
        elif name == "strip_vlan":
            st["frame"] = fm.strip(st["frame"])
        elif name == "push_vlan":
            st["frame"] = fm.push_vlan(st["frame"])
        elif name == "mod_dl_src":
            st["frame"] = st["frame"][:6] + arg + st["frame"][12:]
        elif name == "mod_dl_dst":
            st["frame"] = arg + st["frame"][6:]
        elif name == "set_field":
            st["frame"] = fm.set_field(st["frame"], *arg)
        elif name == "resubmit":
            p, t = arg
            self._table(port, br, st, table if t is None else t, depth + 1,
                        in_port if p == "IN_PORT" else p)
        elif name == "set_tunnel":
            st["tun"] = arg  # the VNI a key=flow tunnel sends; fixed-key tunnels keep theirs
        elif name == "goto_table":
            self._table(port, br, st, arg, depth + 1, in_port)
        elif name != "drop":
            raise ValueError("flowmodel: action %s not modelled" % name)

    def flow_stats(self, brname):
        """[(n_packets, n_bytes)] of a bridge's flows in dump-flows order: table, priority
        (highest first), age."""
        fl = self.bridges[brname].flows
        order = sorted(range(len(fl)), key=lambda i: (fl[i].table, -fl[i].priority, i))
        return [(fl[i].n_packets, fl[i].n_bytes) for i in order]

    def _set_port(self, p, kvs, line):
        for kv in kvs:
            k, v = kv.split("=", 1)
            if k == "tag":
                p.tag = int(v)
            elif k == "trunks":
                p.trunks = _int_list(v)
            elif k == "vlan_mode":
                p.vlan_mode = v
            else:
                raise ValueError("setup: unmodelled Port column in %r" % line)

    # -- events of the frame being processed --

    def _drop(self, port, reason):
        port.c["drop_" + reason] += 1
        egress = reason in vxmodel.EGRESS_DROPS
        port.c["tx_dropped" if egress else "rx_dropped"] += 1
        self.ev["drops"].append(reason)

    def _send(self, pname, data, via=None):
        """A frame leaves replay port pname (via: the logical port, e.g. a tunnel)."""
        p = self.ports[pname]
        p.c["tx_packets"] += 1
        p.c["tx_bytes"] += len(data)
        self.ev["out"].append((pname, data))
        self.ev["via"].add(via or pname)
        if via is None:
            self.ev["left"][pname] = data

    def process(self, pname, now_s, frame):
        """Processes one frame received on pname at time now_s (whole seconds).
        Returns {"drop": the first drop reason or None, "drops": every drop reason counted,
        "out": [(port, bytes)] in emission order, "via": the set of ports something left by
        (a tunnel port's name for an encapsulated frame), "vlan": v}."""
        port = self.ports[pname]
        br = self.bridges[port.bridge]
        for b in self.bridges.values():
            b.age(now_s)
            b.flows = [f for f in b.flows if not f.expired(now_s)]  # flow timeouts
        self.now = now_s
        # left: the frame as it left each logical port (a tunnel's: before encapsulation)
        self.ev = {"drops": [], "out": [], "via": set(), "left": {}, "vlan": None}
        if br.vtep:
            port.c["rx_packets"] += 1
            port.c["rx_bytes"] += len(frame)
            self._vtep_input(port, br, frame)
        else:
            self._bridge_input(port, frame)
        ev = self.ev
        ev["drop"] = ev["drops"][0] if ev["drops"] else None
        return ev

    def _switch_input(self, port, frame, count=True, tun=0):
        """NORMAL; count=False: a flow's NORMAL action (the frame was counted already)."""
        pname = port.name
        br = self.bridges[port.bridge]
        now_s = self.now
        if count:
            port.c["rx_packets"] += 1
            port.c["rx_bytes"] += len(frame)
        if len(frame) < 14:
            return self._drop(port, "runt")
        tagged = struct.unpack("!H", frame[12:14])[0] == ETH_P_8021Q
        if tagged and len(frame) < 18:
            return self._drop(port, "vlan_truncated")
        vid = pcp = 0
        inner = frame
        if tagged:
            tci = struct.unpack("!H", frame[14:16])[0]
            vid, pcp = tci & 0xFFF, tci >> 13
            inner = pop_tag(frame)
        vlan = port.ingress_vlan(tagged, vid)
        if vlan is None:
            return self._drop(port, "vlan_not_allowed")
        dst, src = frame[0:6], frame[6:12]
        if is_multicast(src):
            return self._drop(port, "src_multicast")
        self.ev["vlan"] = vlan
        br.learn(vlan, src, pname, now_s)
        targets = None
        if not is_multicast(dst):
            e = br.fdb.get((vlan, dst))
            if e is not None and (e[2] or now_s - e[1] <= br.aging):
                if e[0] == pname:
                    return self._drop(port, "same_port")
                targets = [e[0]]
                br.c["forwarded"] += 1
        if targets is None:
            # Split horizon: what came from a tunnel never floods into a tunnel; nothing floods
            # into a tunnel with options:flood=false.
            targets = [n for n in br.ports if n != pname and self.ports[n].member(vlan)
                       and not (self.ports[n].tnl and (port.tnl or not self.ports[n].tnl.flood))]
            if not targets:
                return self._drop(port, "no_output")
            br.c["flooded"] += 1
        for n in targets:
            op = self.ports[n]
            data = push_tag(inner, vlan, pcp) if op.egress_tagged(vlan) else inner
            if op.tnl:
                self._tnl_output(op, data, tun)
            else:
                self._send(n, data)

    # -- tunnels --

    def _route(self, tp):
        """(underlay bridge, next-hop IP) of tunnel port tp, or None. Like an IP route lookup:
        a connected subnet holding remote_ip wins (first such underlay bridge in setup
        order); else the first underlay bridge with a tunnel-gateway. options:local_ip limits
        the choice to the bridge with that address."""
        t = tp.tnl
        vteps = [b for b in self.bridges.values()
                 if b.vtep and (not t.local or t.local == b.vtep.ip)]
        for b in vteps:
            if b.vtep.same_subnet(t.remote):
                return b, t.remote
        for b in vteps:
            if b.vtep.gateway:
                return b, b.vtep.gateway
        return None

    def _tnl_output(self, tp, inner, tun=0):
        route = self._route(tp)
        if route is None:
            return self._drop(tp, "no_underlay")
        vb, nh = route
        v = vb.vtep
        res, req = v.resolve(v.ensure(nh), self.now)
        if req:
            for u in vb.ports:
                vb.c["arp_requested"] += 1
                self._send(u, v.arp_request(nh))
        if res is None:
            return self._drop(tp, "neigh_unresolved")
        nh_mac, uplink = res
        if len(inner) > v.mtu - vxmodel.IP_OVERHEAD:
            return self._drop(tp, "vx_too_big")
        t = tp.tnl
        vni = tun & 0xFFFFFF if t.key_flow else t.vni
        outer = vxmodel.encap(inner, v.mac, nh_mac, v.ip, t.remote, vni, self.ip_id,
                              t.dst_port, t.ttl, t.tos, t.df)
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        tp.c["tx_packets"] += 1
        tp.c["tx_bytes"] += len(inner)
        vb.c["encapsulated"] += 1
        self.ev["left"][tp.name] = inner
        self._send(uplink, outer, via=tp.name)

    def _vtep_input(self, port, vb, frame):
        v = vb.vtep
        cls = v.classify(frame)
        if cls == "vxlan":
            vnis = {}
            for p in self.ports.values():
                if p.tnl and not p.tnl.key_flow:
                    vnis.setdefault(p.tnl.vni, p.bridge)
            r, info = v.decap(frame, vnis)
            tun = None
            if r == "unknown_vni":
                # A key=flow tunnel routed through this underlay takes what its remote sends
                # on a VNI no other tunnel claims; the VNI becomes the frame's tun_id.
                tp = next((p for p in self.ports.values() if p.tnl and p.tnl.key_flow and
                           p.tnl.remote == info["remote"] and
                           (self._route(p) or (None,))[0] is vb), None)
                if tp is None:
                    return self._drop(port, "vx_" + r)
                tun = info["vni"]
            elif r:
                return self._drop(port, "vx_" + r)
            else:
                obr = self.bridges[vnis[info["vni"]]]
                tp = next((self.ports[n] for n in obr.ports if self.ports[n].tnl and
                           self.ports[n].tnl.remote == info["remote"] and
                           self.ports[n].tnl.vni == info["vni"]), None)
            if tp is None:
                return self._drop(port, "unknown_tunnel")
            if info["csum"]:
                vb.c[info["csum"]] += 1
            vb.c["decapsulated"] += 1
            return self._bridge_input(tp, info["inner"], tun)
        if cls == "arp":
            r, a = vxmodel.arp_parse(frame)
            if a["spa"] != b"\0\0\0\0":  # an RFC 5227 probe has no sender address
                v.learn(a["spa"], a["sha"], port.name, self.now)
                vb.c["arp_learned"] += 1
            if a["op"] == 1:
                vb.c["arp_replied"] += 1
                self._send(port.name, v.arp_reply(a))
            return
        if cls == "icmp_echo":
            r, reply = v.icmp_reply(frame)
            if r:
                return self._drop(port, "vx_" + r)
            vb.c["icmp_replied"] += 1
            return self._send(port.name, reply)
        return self._drop(port, cls)  # other_to_us, not_for_us

    def counters(self):
        """[(name, counter, value)] of every port and bridge, ports first, sorted. Without
        tunnels in the setup only the learning-switch counters are listed."""
        vx = self.vx()
        base = set(PORT_COUNTERS) | {"drop_" + r for r in DROP_REASONS}
        if self.flows_used:
            base |= {"drop_" + r for r in flowmodel.FLOW_DROPS}
        rows = []
        for n in sorted(self.ports):
            for k, v in self.ports[n].c.items():
                if k[5:] in flowmodel.FLOW_DROPS and not self.flows_used:
                    continue
                if vx or k in base:
                    rows.append((n, k, v))
        for n in sorted(self.bridges):
            b = self.bridges[n]
            b.c["fdb_entries"] = len(b.fdb)
            for k, v in b.c.items():
                rows.append((n, k, v))
        return rows


# --- a case -----------------------------------------------------------------------------------

class Case:
    """Collects the frames of one case and writes its files. Usage (in pcaps/<case>/gen.py):

        case = Case(__file__)                  # reads ./setup
        case.send(1.0, "p1", frame, to=["p2", "p3"])
        case.send(2.0, "p2", frame, to={"p1": None})     # dict: port -> expected VLAN tag or None
        case.send(3.0, "p1", frame, drop="runt")
        case.write()
    """

    def __init__(self, gen_file, skip_counters=()):
        self.dir = os.path.dirname(os.path.abspath(gen_file))
        self.name = os.path.basename(self.dir)
        with open(os.path.join(self.dir, "setup")) as f:
            self.setup = f.read()
        self.model = Model(self.setup)
        self.frames = []  # (t_us, port, seq, frame, expectation, where)
        self.skip_counters = set(skip_counters)
        self.afters = []  # (weftctl line, expected stdout)

    def after(self, line, output):
        """A weftctl command line (without "weftctl") the harness runs after the replay and
        the stats, and its exact expected stdout (written by hand). Written to `after` and
        `after.out`. For `dump-flows BR` (with stats, no match), write() also checks every
        line's n_packets/n_bytes against the model's flow counters, in order (up to the first
        after line that adds or deletes flows; mod-flows keeps counters)."""
        self.afters.append((line, output))

    def send(self, t, port, frame, to=None, drop=None):
        """to=: the ports something leaves by (a tunnel port's name for an encapsulated
        copy; [] = consumed, e.g. an ARP reply to us); drop=: the reason counted (a list if
        several). Both may be given: an unresolved tunnel drops the frame AND sends an ARP
        request on the underlay (to=["up0"], drop="neigh_unresolved")."""
        if to is None and drop is None:
            raise ValueError("send(): give to= or drop= (or both)")
        if port not in self.model.ports:
            raise ValueError("send(): port %r not in setup" % port)
        f = sys._getframe(1)
        where = "%s:%d" % (os.path.basename(f.f_code.co_filename), f.f_lineno)
        t_us = int(round(t * 1000000))
        self.frames.append((t_us, port, len(self.frames), bytes(frame), (to, drop), where))

    def _check(self, res, exp, where, port, t_us, frame):
        to, drop = exp
        pre = "%s: frame on %s at t=%.6f: " % (where, port, t_us / 1e6)
        drops = [] if drop is None else [drop] if isinstance(drop, str) else list(drop)
        if drops != res["drops"]:
            raise AssertionError(pre + "declared drop=%s, model: %s" %
                                 (drop, res["drops"] or "no drop, sent to %s" %
                                  sorted(res["via"])))
        if sorted(to or []) != sorted(res["via"]):
            raise AssertionError(pre + "declared to=%s, model sends to %s" %
                                 (sorted(to or []), sorted(res["via"])))
        if isinstance(to, dict):
            by_port = res["left"]
            # The frame without its outer tag (if it came tagged) is what leaves, with a tag
            # of VID 'want' in front of it, or as it is for want None.
            inner = pop_tag(frame) if struct.unpack("!H", frame[12:14])[0] == ETH_P_8021Q \
                else frame
            for p, want in to.items():
                data = by_port[p]
                if want is None:
                    ok, got = data == inner, "untagged" if data == inner else data.hex()
                else:
                    got = struct.unpack("!H", data[14:16])[0] & 0xFFF
                    ok = data[12:14] == b"\x81\x00" and got == want and pop_tag(data) == inner
                if not ok:
                    raise AssertionError(pre + "declared %s leaves with tag %s, model: %s" %
                                         (p, want, got))

    def write(self):
        ins, outs = {}, {}
        # Replay order: timestamp, then port name, then order within the port's file.
        for t_us, port, seq, frame, exp, where in sorted(self.frames,
                                                         key=lambda x: (x[0], x[1], x[2])):
            ins.setdefault(port, []).append((t_us, frame))
            res = self.model.process(port, t_us // 1000000, frame)
            self._check(res, exp, where, port, t_us, frame)
            for p, data in res["out"]:
                if self.model.ports[p].type in DEVICE_TYPES:
                    raise ValueError("%s: the model would send a frame to device port %s "
                                     "(not modelled)" % (where, p))
                outs.setdefault(p, []).append((t_us, data))
        for p in self.model.ports:
            if self.model.ports[p].type:
                continue  # not a replay port (a tunnel): no pcap files
            for kind, table in (("in", ins), ("out", outs)):
                path = os.path.join(self.dir, "%s.%s.pcap" % (p, kind))
                if p in table:
                    write_pcap(path, table[p])
                elif os.path.exists(path):
                    os.unlink(path)
        rows = [r for r in self.model.counters()
                if (r[0], r[1]) not in self.skip_counters and r[1] not in self.skip_counters]
        with open(os.path.join(self.dir, "counters"), "w") as f:
            f.write("# generated by gen.py from the reference model; do not edit\n")
            for n, k, v in rows:
                f.write("%s %s %d\n" % (n, k, v))
        changed = False  # after an after line that adds/deletes flows the model is stale
        for line, output in self.afters:
            argv = shlex.split(line)
            changed |= argv[0] in ("add-flow", "add-flows", "del-flows", "replace-flows")
            if argv[0] == "dump-flows" and len(argv) == 2 and not changed:
                got = [tuple(int(x) for x in re.search(r"n_packets=(\d+), n_bytes=(\d+)",
                                                       ln).groups())
                       for ln in output.splitlines()]
                want = self.model.flow_stats(argv[1])
                if got != want:
                    raise AssertionError("after %r: declared (n_packets, n_bytes) %s, model %s"
                                         % (line, got, want))
        paths = [os.path.join(self.dir, n) for n in ("after", "after.out")]
        if self.afters:
            with open(paths[0], "w") as f:
                f.write("# generated by gen.py: weftctl lines run after the replay\n")
                f.writelines(line + "\n" for line, _ in self.afters)
            with open(paths[1], "w") as f:
                for line, output in self.afters:
                    f.write("$ %s\n%s" % (line, output))
        else:
            for path in paths:
                if os.path.exists(path):
                    os.unlink(path)
        n_out = sum(len(v) for v in outs.values())
        print("%s: %d frames in, %d frames out, %d counters" %
              (self.name, len(self.frames), n_out, len(rows)))

    def counter(self, name, key):
        """A modelled counter after write() (for extra asserts in gen.py)."""
        for n, k, v in self.model.counters():
            if n == name and k == key:
                return v
        raise KeyError((name, key))
