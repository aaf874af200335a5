"""vxmodel: the VXLAN / underlay (VTEP) part of the pcap cases' reference model.

Written from RFC 7348 (VXLAN), RFC 826 (ARP), RFC 792 (ICMP echo), RFC 791/768 (IPv4/UDP)
and weft's documented contracts (dataplane/vtep/vtep.h, dataplane/vtep/neigh.h, vxlan/vxlan.h,
vxlan/vx_reason.h); pcaplib.Model drives it. Nothing here runs or reads weft.

Per-frame values that are not fixed by an RFC are computed from the documented rules:
  - outer UDP source port: vxlan's flow hash of the inner frame (re-implemented below, see
    flow_hash()), mapped onto 49152..65535 by multiply-shift (vx_src_port());
  - outer IPv4 id: one counter per dataplane thread, 0 first, +1 per encapsulated frame
    (replay mode has one thread); UDP checksum 0; DF per df_default (default set);
  - ARP replies and ICMP echo replies are padded with zeros to 60 bytes.
Addresses are bytes (4 for IPv4, 6 for MACs); helpers ip()/mac() convert text.
"""

import struct

VX_UDP_PORT = 4789
SPORT_MIN, SPORT_MAX = 49152, 65535
ENCAP_LEN = 50
IP_OVERHEAD = 36
NEIGH_DEFAULT_TIMEOUT = 300

# Counter suffixes (drop_<name>): dataplane/core/drop.h (one enum: the dataplane reasons, then "vx_" + vxlan/vx_reason.h names).
# (name, ingress?) -- ingress drops add to rx_dropped, the others to tx_dropped.
WF_DROPS = (("runt", 1), ("vlan_truncated", 1), ("vlan_not_allowed", 1), ("src_multicast", 1),
            ("same_port", 1), ("no_output", 1), ("no_mbuf", 0), ("tx_queue_full", 0),
            ("link_down", 0), ("not_for_us", 1), ("other_to_us", 1), ("unknown_tunnel", 1),
            ("neigh_unresolved", 0), ("no_underlay", 0))
VX_REASONS = ("trunc_eth", "not_ipv4", "trunc_ipv4", "bad_ip_version", "ip_options",
              "bad_ip_len", "bad_ip_cksum", "fragment", "ttl_zero", "foreign_dst", "not_udp",
              "trunc_udp", "bad_udp_len", "wrong_port", "bad_udp_cksum", "trunc_vxlan",
              "no_i_flag", "inner_too_short", "unknown_vni", "bad_arp", "bad_icmp", "too_big")
EGRESS_DROPS = {n for n, ing in WF_DROPS if not ing} | {"vx_too_big"}
ALL_DROPS = tuple(n for n, _ in WF_DROPS) + tuple("vx_" + r for r in VX_REASONS)
VTEP_COUNTERS = ("decapsulated", "encapsulated", "arp_replied", "arp_learned", "arp_requested",
                 "icmp_replied", "outer_csum_partial", "inner_csum_completed")

M64, M32 = (1 << 64) - 1, (1 << 32) - 1
BCAST = b"\xff" * 6


def ip(s):
    return bytes(int(x) for x in s.split("."))


def ip_str(b):
    return ".".join(str(x) for x in b)


def u32(b):
    return struct.unpack("!I", b)[0]


# --- checksums and the flow hash ------------------------------------------------------------

def cksum(data):
    """RFC 1071 Internet checksum of 'data' (odd length padded with a zero byte)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def _fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def l4_partial(f):
    """vx_l4_partial(): (offset, completed checksum) when the TCP/UDP checksum of Ethernet
    frame f (up to two VLAN tags; IPv4 not fragmented, or IPv6 with TCP/UDP next) is the
    folded, uncomplemented pseudo-header sum a Linux sender with offloads leaves; else None
    (truncated IP packets included)."""
    o, et = 14, f[12:14] if len(f) >= 14 else None
    if et is None:
        return None
    for _ in range(2):
        if et not in (b"\x81\x00", b"\x88\xa8"):
            break
        if len(f) < o + 4:
            return None
        et, o = f[o + 2:o + 4], o + 4
    if et == b"\x08\x00":
        if len(f) < o + 20 or f[o] >> 4 != 4:
            return None
        ihl, tot = (f[o] & 15) * 4, struct.unpack("!H", f[o + 2:o + 4])[0]
        if ihl < 20 or tot < ihl or len(f) < o + tot or struct.unpack("!H", f[o + 6:o + 8])[0] & 0x3FFF:
            return None
        proto, l4, l4_len, addrs = f[o + 9], o + ihl, tot - ihl, f[o + 12:o + 20]
    elif et == b"\x86\xdd":
        if len(f) < o + 40 or f[o] >> 4 != 6:
            return None
        l4_len, proto, l4, addrs = struct.unpack("!H", f[o + 4:o + 6])[0], f[o + 6], o + 40, f[o + 8:o + 40]
        if len(f) < l4 + l4_len:
            return None
    else:
        return None
    if proto == 6 and l4_len >= 20:
        field = l4 + 16
    elif proto == 17 and l4_len >= 8:
        field = l4 + 6
    else:
        return None
    v = struct.unpack("!H", f[field:field + 2])[0]
    ps = sum(struct.unpack("!%dH" % (len(addrs) // 2), addrs)) + proto + l4_len
    if v == 0 or v != _fold(ps):
        return None
    c = cksum(f[l4:l4 + l4_len])
    if c == 0 and proto == 17:
        c = 0xFFFF
    return field, c


def _hadd(h, w):
    h = ((h ^ w) * 0x9E3779B97F4A7C15) & M64
    return h ^ (h >> 29)


def _hfinal(h):
    x = (h ^ (h >> 32)) & M32
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    x ^= x >> 16
    return x


def _rd32(b, off):
    """A 32-bit word as the library loads it (memcpy on a little-endian host)."""
    return struct.unpack("<I", b[off:off + 4])[0]


def flow_hash(f):
    """vxlan's inner-flow hash (vxlan.h, vx_flow_hash()): seed "weft"; per 32-bit word w,
    h = ((h ^ w) * 0x9e3779b97f4a7c15) mod 2^64, h ^= h >> 29; final 32-bit avalanche.
    Words: frames < 14 bytes: every byte; up to two 802.1Q/802.1ad tags: each VID; IPv4
    (IHL >= 5, header present): source, destination, protocol, and for unfragmented
    TCP/UDP/SCTP the 4 port bytes; IPv6: addresses, next header, ports; otherwise the 12 MAC
    bytes as three words and the ethertype."""
    h = 0x77656674
    n = len(f)
    if n < 14:
        for c in f:
            h = _hadd(h, c)
        return _hfinal(h)
    off = 12
    typ = struct.unpack("!H", f[off:off + 2])[0]
    tags = 0
    while typ in (0x8100, 0x88A8) and tags < 2 and n >= off + 6:
        h = _hadd(h, struct.unpack("!H", f[off + 2:off + 4])[0] & 0x0FFF)
        off += 4
        typ = struct.unpack("!H", f[off:off + 2])[0]
        tags += 1
    off += 2
    if typ == 0x0800 and n >= off + 20 and f[off] >> 4 == 4:
        ihl = (f[off] & 0xF) * 4
        if ihl >= 20 and n >= off + ihl:
            proto = f[off + 9]
            h = _hadd(h, _rd32(f, off + 12))
            h = _hadd(h, _rd32(f, off + 16))
            h = _hadd(h, proto)
            frag = struct.unpack("!H", f[off + 6:off + 8])[0]
            if not frag & 0x3FFF and proto in (6, 17, 132) and n >= off + ihl + 4:
                h = _hadd(h, _rd32(f, off + ihl))
            return _hfinal(h)
    elif typ == 0x86DD and n >= off + 40 and f[off] >> 4 == 6:
        nh = f[off + 6]
        for i in range(8, 40, 4):
            h = _hadd(h, _rd32(f, off + i))
        h = _hadd(h, nh)
        if nh in (6, 17, 132) and n >= off + 44:
            h = _hadd(h, _rd32(f, off + 40))
        return _hfinal(h)
    for i in range(0, 12, 4):
        h = _hadd(h, _rd32(f, i))
    h = _hadd(h, typ)
    return _hfinal(h)


def src_port(fhash, lo=SPORT_MIN, hi=SPORT_MAX):
    """vx_src_port(): multiply-shift of the 32-bit hash onto [lo, hi]."""
    return lo + ((fhash * (hi - lo + 1)) >> 32)


# --- frames the VTEP builds ------------------------------------------------------------------

def pad60(frame):
    return frame + b"\0" * max(0, 60 - len(frame))


def ipv4_header(src, dst, proto, payload_len, ident=0, ttl=64, tos=0, df=True):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + payload_len, ident,
                      0x4000 if df else 0, ttl, proto, 0, src, dst)
    return hdr[:10] + struct.pack("!H", cksum(hdr)) + hdr[12:]


def encap(inner, smac, dmac, sip, dip, vni, ident, dport=VX_UDP_PORT, ttl=64, tos=0, df=True):
    """RFC 7348 section 5 outer headers + 'inner': Ethernet, IPv4 (no options), UDP with
    checksum 0 and the flow-hash source port, VXLAN with only the I flag."""
    udp_len = 8 + 8 + len(inner)
    eth = dmac + smac + b"\x08\x00"
    iph = ipv4_header(sip, dip, 17, udp_len, ident, ttl, tos, df)
    udp = struct.pack("!HHHH", src_port(flow_hash(inner)), dport, udp_len, 0)
    vxh = struct.pack("!BBHI", 0x08, 0, 0, vni << 8)
    return eth + iph + udp + vxh + inner


def arp_frame(op, eth_dst, sha, spa, tha, tpa):
    """A 42-byte Ethernet/IPv4 ARP frame (RFC 826), unpadded."""
    return eth_dst + sha + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + \
        sha + spa + tha + tpa


# --- the VTEP ---------------------------------------------------------------------------------

class Neigh:
    def __init__(self, addr):
        self.ip = addr
        self.mac = None      # None = unresolved
        self.port = None
        self.updated = 0
        self.last_req = None
        self.static = False


def derived_mac(name):
    """The VTEP MAC of an underlay bridge without tunnel-mac whose ports have no MAC of their
    own (vhost-user, replay): 02:77 and the FNV-1a hash of the bridge name, as stored by a
    little-endian host (dataplane/vtep/vtep_cfg.c). A dpdk port's MAC would win."""
    h = 2166136261
    for c in name.encode():
        h = ((h ^ c) * 16777619) & M32
    return b"\x02\x77" + struct.pack("<I", h)


class Vtep:
    """One underlay bridge's VTEP (other_config keys of dataplane/vtep/vtep.h)."""

    def __init__(self, cfg, name):
        addr, _, plen = cfg["tunnel-ip"].partition("/")
        self.ip = ip(addr)
        plen = int(plen or 32)
        self.mask = (M32 << (32 - plen)) & M32
        self.gateway = ip(cfg["tunnel-gateway"]) if "tunnel-gateway" in cfg else None
        if "tunnel-mac" in cfg:
            self.mac = bytes(int(x, 16) for x in cfg["tunnel-mac"].split(":"))
        else:
            self.mac = derived_mac(name)
        self.mtu = int(cfg.get("tunnel-mtu", 1500))
        self.udp_port = int(cfg.get("tunnel-udp-port", VX_UDP_PORT))
        self.udp_csum_skip = cfg.get("vxlan-udp-csum", "verify") == "ignore"
        self.timeout = int(cfg.get("neigh-timeout", NEIGH_DEFAULT_TIMEOUT))
        self.neigh = {}

    def same_subnet(self, addr):
        return not ((u32(addr) ^ u32(self.ip)) & self.mask)

    def ensure(self, addr):
        return self.neigh.setdefault(addr, Neigh(addr))

    def learn(self, addr, mac, port, now):
        """From an ARP packet to us: creates or updates a dynamic entry; statics stay."""
        e = self.ensure(addr)
        if not e.static:
            e.mac, e.port, e.updated = mac, port, now

    def resolve(self, e, now):
        """(mac, port) or None, and whether to send an ARP request now (neigh.h policy)."""
        usable = e.mac is not None
        want = not usable
        if usable and not e.static:
            age = now - e.updated
            if age > 3 * self.timeout:
                usable = False
            want = age > self.timeout
        send = False
        if want and (e.last_req is None or now - e.last_req >= 1):
            e.last_req = now
            send = True
        return ((e.mac, e.port) if usable else None), send

    # -- receive side (vxlan.h: vx_classify, vx_decap, vx_arp_parse, vx_icmp_echo_reply) --

    def classify(self, f):
        n = len(f)
        if n < 14 or (f[0:6] != self.mac and f[0:6] != BCAST):
            return "not_for_us"
        typ = struct.unpack("!H", f[12:14])[0]
        if typ == 0x0806:
            r, a = arp_parse(f)
            return "arp" if r is None and a["tpa"] == self.ip else "not_for_us"
        if typ != 0x0800:
            return "not_for_us"
        if n < 34 or f[14] >> 4 != 4:
            return "vxlan"
        if f[30:34] != self.ip:
            return "not_for_us"
        ihl = (f[14] & 0xF) * 4
        if ihl < 20:
            return "vxlan"
        l4 = 14 + ihl
        frag = struct.unpack("!H", f[20:22])[0]
        proto = f[23]
        if proto == 1:
            if not frag & 0x3FFF and n >= l4 + 2 and f[l4] == 8 and f[l4 + 1] == 0:
                return "icmp_echo"
            return "other_to_us"
        if proto == 17:
            if not frag & 0x1FFF and n >= l4 + 4 and \
                    struct.unpack("!H", f[l4 + 2:l4 + 4])[0] != self.udp_port:
                return "other_to_us"
            return "vxlan"
        return "other_to_us"

    def ipv4_check(self, f):
        n = len(f)
        if n < 14:
            return "trunc_eth"
        if f[12:14] != b"\x08\x00":
            return "not_ipv4"
        if n < 34:
            return "trunc_ipv4"
        if f[14] >> 4 != 4:
            return "bad_ip_version"
        if f[14] != 0x45:
            return "ip_options"
        ip_len = struct.unpack("!H", f[16:18])[0]
        if ip_len < 20 or ip_len > n - 14:
            return "bad_ip_len"
        if cksum(f[14:34]) != 0:
            return "bad_ip_cksum"
        if struct.unpack("!H", f[20:22])[0] & 0x3FFF:
            return "fragment"
        if f[22] == 0:
            return "ttl_zero"
        if f[30:34] != self.ip:
            return "foreign_dst"
        return None

    def decap(self, f, vnis):
        """(reason or None, info): RFC 7348 receive checks in vx_decap()'s documented order."""
        r = self.ipv4_check(f)
        if r:
            return r, None
        if f[23] != 17:
            return "not_udp", None
        ip_len = struct.unpack("!H", f[16:18])[0]
        if ip_len < 28:
            return "trunc_udp", None
        sport, dport, udp_len, ucs = struct.unpack("!HHHH", f[34:42])
        if udp_len != ip_len - 20:
            return "bad_udp_len", None
        if dport != self.udp_port:
            return "wrong_port", None
        # Partial checksums of Linux senders (vxlan/README.md): an outer one equal to the
        # pseudo-header sum is accepted; an outer one right once the partial inner one is
        # completed (LCO) is accepted; with 0 or not verified, the inner one is completed.
        inner_avail, fix, flag = f[50:34 + udp_len] if udp_len >= 16 else b"", None, None
        if ucs != 0 and not self.udp_csum_skip:
            pseudo = f[26:34] + struct.pack("!BBH", 0, 17, udp_len)
            if cksum(pseudo + f[34:34 + udp_len]) != 0:
                if ucs == _fold(sum(struct.unpack("!5H", pseudo[:8] + b"\0\x11")) + udp_len):
                    flag = "outer_csum_partial"
                else:
                    fix = l4_partial(inner_avail)
                    if fix is None or fix[0] % 2:
                        return "bad_udp_cksum", None
                    g = bytearray(f[34:34 + udp_len])
                    struct.pack_into("!H", g, 16 + fix[0], fix[1])
                    if cksum(pseudo + bytes(g)) != 0:
                        return "bad_udp_cksum", None
        else:
            fix = l4_partial(inner_avail)
        if udp_len < 16:
            return "trunc_vxlan", None
        if not f[42] & 0x08:
            return "no_i_flag", None
        inner_len = udp_len - 16
        if inner_len < 14:
            return "inner_too_short", None
        vni = struct.unpack("!I", f[46:50])[0] >> 8
        inner = bytearray(f[50:50 + inner_len])
        if fix:
            struct.pack_into("!H", inner, fix[0], fix[1])
            flag = "inner_csum_completed"
        # unknown_vni comes with the info too: a key=flow tunnel may still take the frame.
        return None if vni in vnis else "unknown_vni", \
            {"vni": vni, "remote": f[26:30], "inner": bytes(inner), "csum": flag}

    def icmp_reply(self, f):
        """(reason or None, reply padded to 60)."""
        r = self.ipv4_check(f)
        if r:
            return r, None
        if f[23] != 1:
            return "bad_icmp", None
        src = f[26:30]
        if src in (b"\0" * 4, b"\xff" * 4) or 224 <= src[0] <= 239 or f[6] & 1:
            return "bad_icmp", None
        ip_len = struct.unpack("!H", f[16:18])[0]
        if ip_len < 28:
            return "bad_icmp", None
        icmp = f[34:14 + ip_len]
        if icmp[0] != 8 or icmp[1] != 0 or cksum(icmp) != 0:
            return "bad_icmp", None
        iph = bytearray(f[14:34])
        iph[8] = 64
        iph[10:12] = b"\0\0"
        iph[12:16], iph[16:20] = self.ip, src
        iph[10:12] = struct.pack("!H", cksum(bytes(iph)))
        body = b"\0\0\0\0" + icmp[4:]
        body = b"\0\0" + struct.pack("!H", cksum(body)) + icmp[4:]
        return None, pad60(f[6:12] + self.mac + b"\x08\x00" + bytes(iph) + body)

    def arp_reply(self, a):
        return pad60(arp_frame(2, a["sha"], self.mac, self.ip, a["sha"], a["spa"]))

    def arp_request(self, target):
        return pad60(arp_frame(1, BCAST, self.mac, self.ip, b"\0" * 6, target))


def arp_parse(f):
    """(reason or None, fields) of vx_arp_parse()."""
    if len(f) < 42 or f[12:14] != b"\x08\x06":
        return "bad_arp", None
    htype, ptype, hlen, plen, op = struct.unpack("!HHBBH", f[14:22])
    if htype != 1 or ptype != 0x0800 or hlen != 6 or plen != 4:
        return "bad_arp", None
    sha = f[22:28]
    if op not in (1, 2) or sha[0] & 1 or sha == b"\0" * 6:
        return "bad_arp", None
    return None, {"op": op, "sha": sha, "spa": f[28:32], "tha": f[32:38], "tpa": f[38:42]}


class Tunnel:
    """Options of a type=vxlan port (dataplane/vtep/vtep.h, OVS names)."""

    def __init__(self, opts):
        self.remote = ip(opts["remote_ip"])
        # options:key=flow: the VNI is the frame's tun_id (set_tunnel), and frames of a VNI
        # no other tunnel claims come in by this port with that tun_id.
        self.key_flow = opts.get("key") == "flow"
        self.vni = 0 if self.key_flow else int(opts.get("key", 0))
        self.dst_port = int(opts.get("dst_port", VX_UDP_PORT))
        self.local = ip(opts["local_ip"]) if "local_ip" in opts else None
        self.ttl = int(opts.get("ttl", 64))
        self.tos = int(opts.get("tos", 0))
        self.df = opts.get("df_default", "true") == "true"
        self.flood = opts.get("flood", "true") == "true"  # weft's: false = no flooded frames
