"""flowmodel: the flow-table part of the reference model (pcaplib.Model uses it).

Written from the OVS/OpenFlow rules (ovs-ofctl(8), ovs-actions(7)) and the contracts of
flow/flow.h and dataplane/ofp/ofp.h, independently of the C code:
  - a bridge starts with one flow, priority=0,actions=NORMAL;
  - a frame's key: in_port (ofport), one 802.1Q tag (vlan_tci with CFI set when tagged),
    MACs, ethertype, IPv4 addresses/proto/tos, TCP/UDP ports (first fragment only), ICMP
    type/code, ARP op/spa/tpa;
  - table 0 decides: the highest priority matching flow wins, ties by age (the earlier flow);
    a miss drops the frame (drop_no_flow); a miss after resubmit/goto_table does nothing;
  - actions run in order on the frame as the previous ones left it: outputs send it as it is
    (no port VLAN rules), NORMAL is the learning switch on the frame as it is now (VLAN rules
    of the input port apply to it), output to the input port does nothing (IN_PORT does it),
    FLOOD/ALL every other port of the bridge; resubmit/goto_table look the (modified) frame up
    in another table, nested at most 64 deep (deeper: drop_resubmit_depth, nothing more sent);
    a frame nothing was sent for is dropped (drop_flow_drop);
  - every flow a frame matches (resubmits too) counts 1 packet and the received length;
  - timeouts (ovs-ofctl(8), whole seconds of the frame clock): a flow with hard_timeout=H is
    gone once H s have passed since it was added or last modified (mod-flows), whatever its
    traffic; one with idle_timeout=I once I s have passed since its last packet (or its
    addition); 0 = never. The check runs when a frame arrives, before it is looked up.

Parses the subset of the ovs-ofctl flow syntax the cases use (flow/README.md has the whole).
"""
import ipaddress
import struct

DEFAULT_PRIORITY = 32768
MAX_DEPTH = 64
FLOW_DROPS = ("no_flow", "flow_drop", "resubmit_depth")
CFI = 0x1000

# key member widths (bits) for "all ones" masks
WIDTH = {"in_port": 32, "vlan_tci": 16, "dl_src": 48, "dl_dst": 48, "dl_type": 16,
         "nw_src": 32, "nw_dst": 32, "nw_proto": 8, "nw_tos": 8, "tp_src": 16, "tp_dst": 16,
         "tun_id": 64}


def full(member):
    return (1 << WIDTH[member]) - 1


def num(s):
    return int(s, 0)


def mac_int(s):
    return int(s.replace(":", ""), 16)


def ip_int(s):
    return int(ipaddress.IPv4Address(s))


def split_top(s, sep=","):
    """Splits at 'sep' outside parentheses."""
    out, depth, cur = [], 0, ""
    for c in s:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        if c == sep and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += c
    out.append(cur)
    return [x.strip() for x in out if x.strip()]


class Flow:
    def __init__(self):
        self.table = 0
        self.priority = DEFAULT_PRIORITY
        self.cookie = 0
        self.match = {}  # member -> (value, mask)
        self.actions = []  # (name, arg)
        self.n_packets = 0
        self.n_bytes = 0
        self.idle_timeout = 0
        self.hard_timeout = 0
        self.modified = 0  # added or last modified (whole seconds)
        self.used = 0  # last packet, or added

    def expired(self, now):
        return ((self.hard_timeout and now - self.modified >= self.hard_timeout) or
                (self.idle_timeout and now - self.used >= self.idle_timeout))

    def same_rule(self, o):
        return (self.table, self.priority, self.match) == (o.table, o.priority, o.match)

    def matches(self, key):
        return all(key[m] & mask == v for m, (v, mask) in self.match.items())


def _set(match, member, value, mask=None):
    mask = full(member) if mask is None else mask
    ov, om = match.get(member, (0, 0))
    match[member] = ((ov & ~mask) | (value & mask), om | mask)


def _value_mask(v, parse):
    if "/" in v:
        a, b = v.split("/", 1)
        return parse(a), parse(b)
    return parse(v), None


def _ip_value_mask(v):
    if "/" in v:
        a, b = v.split("/", 1)
        if "." in b:
            return ip_int(a), ip_int(b)
        n = int(b)
        return ip_int(a), (0xFFFFFFFF << (32 - n)) & 0xFFFFFFFF
    return ip_int(v), None


def parse_flow(text, ports, match_only=False):
    """A Flow from an ovs-ofctl line; 'ports': {name: ofport}."""
    f = Flow()
    if match_only:
        f.table = None
    text = text.strip()
    acts = None
    if "actions=" in text:
        text, acts = text.split("actions=", 1)
    items = [x for x in text.replace(" ", ",").split(",") if x]
    for it in items:
        k, _, v = it.partition("=")
        m = f.match
        if not _:
            sh = {"ip": (0x0800, None), "arp": (0x0806, None), "tcp": (0x0800, 6),
                  "udp": (0x0800, 17), "icmp": (0x0800, 1)}[k]
            _set(m, "dl_type", sh[0])
            if sh[1] is not None:
                _set(m, "nw_proto", sh[1])
        elif k == "priority":
            f.priority = num(v)
        elif k == "table":
            f.table = num(v)
        elif k == "cookie":
            f.cookie = num(v)
        elif k in ("idle_timeout", "hard_timeout"):
            setattr(f, k, num(v))
        elif k in ("tun_id", "tunnel_id"):
            _set(m, "tun_id", *_value_mask(v, num))
        elif k == "in_port":
            _set(m, "in_port", ports[v] if v in ports else num(v))
        elif k == "dl_vlan":
            vid = num(v)
            if vid == 0xFFFF:
                _set(m, "vlan_tci", 0, 0xFFFF)
            else:
                _set(m, "vlan_tci", CFI | vid, CFI | 0xFFF)
        elif k == "dl_vlan_pcp":
            _set(m, "vlan_tci", CFI | (num(v) << 13), CFI | 0xE000)
        elif k in ("dl_src", "dl_dst"):
            _set(m, k, *_value_mask(v, mac_int))
        elif k == "dl_type":
            _set(m, "dl_type", num(v))
        elif k in ("nw_src", "nw_dst", "arp_spa", "arp_tpa"):
            member = {"arp_spa": "nw_src", "arp_tpa": "nw_dst"}.get(k, k)
            _set(m, member, *_ip_value_mask(v))
        elif k in ("nw_proto", "arp_op"):
            _set(m, "nw_proto", num(v))
        elif k in ("tp_src", "tp_dst", "tcp_src", "tcp_dst", "udp_src", "udp_dst"):
            _set(m, "tp_" + k.split("_")[1], *_value_mask(v, num))
        elif k in ("icmp_type", "icmp_code"):
            _set(m, "tp_src" if k == "icmp_type" else "tp_dst", num(v))
        else:
            raise ValueError("flowmodel: field %r not modelled" % k)
    if acts is not None:
        for a in split_top(acts):
            f.actions.append(_parse_action(a, ports))
    return f


def _port(v, ports):
    if v in ("IN_PORT", "in_port"):
        return "IN_PORT"
    return ports[v] if v in ports else num(v)


def _parse_action(a, ports):
    if a == "drop":
        return ("drop", None)
    if a in ("NORMAL", "FLOOD", "ALL", "IN_PORT", "strip_vlan"):
        return (a, None)
    if a == "push_vlan:0x8100":
        return ("push_vlan", None)
    if a.startswith("resubmit("):
        p, t = a[len("resubmit("):-1].split(",")
        return ("resubmit", (_port(p, ports) if p else "IN_PORT", num(t) if t else None))
    name, _, arg = a.partition(":")
    if not _:
        return ("output", _port(a, ports))
    if name == "output":
        return ("output", _port(arg, ports))
    if name == "resubmit":
        return ("resubmit", (_port(arg, ports), None))
    if name in ("set_tunnel", "set_tunnel64"):
        return ("set_tunnel", num(arg))
    if name in ("goto_table", "mod_vlan_vid", "mod_vlan_pcp"):
        return (name, num(arg))
    if name in ("mod_dl_src", "mod_dl_dst"):
        return (name, bytes.fromhex(arg.replace(":", "")))
    if name == "set_field":
        v, fld = arg.split("->")
        return ("set_field", (fld, v))
    raise ValueError("flowmodel: action %r not modelled" % a)


def default_flow():
    f = Flow()
    f.priority = 0
    f.actions = [("NORMAL", None)]
    return f


def is_default(flows):
    """The only flow is table 0, empty match, actions=NORMAL."""
    return (len(flows) == 1 and flows[0].table == 0 and not flows[0].match and
            flows[0].actions == [("NORMAL", None)])


# --- frames ---------------------------------------------------------------------------------

def extract(frame, in_port, tun_id=0):
    k = {m: 0 for m in WIDTH}
    k["in_port"] = in_port
    k["tun_id"] = tun_id
    if len(frame) < 14:
        return k
    k["dl_dst"] = int.from_bytes(frame[0:6], "big")
    k["dl_src"] = int.from_bytes(frame[6:12], "big")
    off = 12
    et = struct.unpack("!H", frame[12:14])[0]
    if et == 0x8100:
        if len(frame) < 18:
            return k  # truncated tag: MACs only
        k["vlan_tci"] = struct.unpack("!H", frame[14:16])[0] | CFI
        off = 16
        et = struct.unpack("!H", frame[16:18])[0]
    k["dl_type"] = et if et >= 0x600 else 0x05FF
    l3 = off + 2
    if et == 0x0800 and len(frame) >= l3 + 20:
        ihl = (frame[l3] & 0xF) * 4
        k["nw_tos"] = frame[l3 + 1] & 0xFC
        k["nw_proto"] = frame[l3 + 9]
        k["nw_src"] = int.from_bytes(frame[l3 + 12:l3 + 16], "big")
        k["nw_dst"] = int.from_bytes(frame[l3 + 16:l3 + 20], "big")
        frag = struct.unpack("!H", frame[l3 + 6:l3 + 8])[0] & 0x1FFF
        l4 = l3 + ihl
        if frag == 0 and k["nw_proto"] in (6, 17) and len(frame) >= l4 + 4:
            k["tp_src"], k["tp_dst"] = struct.unpack("!HH", frame[l4:l4 + 4])
        elif frag == 0 and k["nw_proto"] == 1 and len(frame) >= l4 + 2:
            k["tp_src"], k["tp_dst"] = frame[l4], frame[l4 + 1]
    elif et == 0x0806 and len(frame) >= l3 + 28:
        op = struct.unpack("!H", frame[l3 + 6:l3 + 8])[0]
        k["nw_proto"] = op if op <= 255 else 0
        k["nw_src"] = int.from_bytes(frame[l3 + 14:l3 + 18], "big")
        k["nw_dst"] = int.from_bytes(frame[l3 + 24:l3 + 28], "big")
    return k


def tagged(frame):
    return len(frame) >= 18 and frame[12:14] == b"\x81\x00"


def set_tci(frame, tci, bits):
    """mod_vlan_vid / mod_vlan_pcp: change those bits of the tag, pushing one (VID 0, PCP 0)
    if the frame has none."""
    if not tagged(frame):
        frame = frame[:12] + b"\x81\x00\x00\x00" + frame[12:]
    old = struct.unpack("!H", frame[14:16])[0]
    new = (old & ~bits) | (tci & bits)
    return frame[:14] + struct.pack("!H", new) + frame[16:]


def push_vlan(frame):
    """push_vlan:0x8100: a new outer tag, a copy of the current one (VID 0, PCP 0 if none)."""
    tci = frame[14:16] if tagged(frame) else b"\x00\x00"
    return frame[:12] + b"\x81\x00" + tci + frame[12:]


def strip(frame):
    return frame[:12] + frame[16:] if tagged(frame) else frame


def set_field(frame, fld, v):
    """set_field on the frame (checksums recomputed by scapy)."""
    from scapy.layers.l2 import Ether

    if fld in ("dl_src", "eth_src"):
        return frame[:6] + bytes.fromhex(v.replace(":", "")) + frame[12:]
    if fld in ("dl_dst", "eth_dst"):
        return bytes.fromhex(v.replace(":", "")) + frame[6:]
    p = Ether(frame)
    from scapy.layers.inet import ICMP, IP, TCP, UDP
    ip = p[IP]
    if fld == "ip_dscp":
        ip.tos = (int(v, 0) << 2) | (ip.tos & 3)
    elif fld == "nw_tos":
        ip.tos = (int(v, 0) & 0xFC) | (ip.tos & 3)
    elif fld in ("icmp_type", "icmp_code"):
        setattr(p[ICMP], fld[5:], int(v, 0))
        del p[ICMP].chksum
    elif fld in ("nw_src", "ip_src"):
        ip.src = v
    elif fld in ("nw_dst", "ip_dst"):
        ip.dst = v
    elif fld in ("tp_dst", "tp_src", "tcp_dst", "tcp_src"):
        # As OVS: in set_field, tp_* is tcp_* (a UDP flow uses udp_*; the parser refuses it).
        setattr(p[TCP], "dport" if fld.endswith("dst") else "sport", int(v, 0))
    elif fld in ("udp_dst", "udp_src"):
        setattr(p[UDP], "dport" if fld.endswith("dst") else "sport", int(v, 0))
    else:
        raise ValueError("flowmodel: set_field to %s not modelled" % fld)
    del ip.chksum
    if TCP in p:
        del p[TCP].chksum
    if UDP in p and p[UDP].chksum:
        del p[UDP].chksum
    out = bytes(p)
    return out + frame[len(out):]  # keep the padding
