/* vx_gso.c: software segmentation of TCP super-frames (see vxlan.h, "Software GSO").
 *
 * A super-frame is one IP packet longer than the link's MTU that a Linux sender with TSO built
 * for the device to cut (GSO): headers once, then up to 64 KiB of TCP payload, and, beside
 * the frame, the segment size (gso_size, the MSS; af_packet's vnet header). Segment i is
 * the same headers followed by payload bytes [i * mss, (i + 1) * mss), with every length
 * field, the IPv4 identifications, the TCP sequence number and flags, and every checksum made
 * what the kernel's own GSO would have made them:
 *
 *   frame:    | eth | IP | (UDP | VXLAN | eth | IP) | TCP | payload ..................... |
 *   seg i:    | eth | IP'| (UDP'| VXLAN | eth | IP')| TCP'| payload[i*mss .. +mss) |
 *
 *   IP':  IPv4 total length, id + i, header checksum; IPv6 payload length
 *   UDP': length; checksum recomputed when the super-frame had one (always over IPv6)
 *   TCP': seq + i * mss; FIN and PSH only on the last segment, CWR only on the first;
 *         checksum over the segment (a partial one in the super-frame is not carried over) */
#include <arpa/inet.h>
#include <string.h>

#include "vx_priv.h"

#define VX_GSO_VXLAN_PORT 4789
#define TCP_FIN           0x01
#define TCP_PSH           0x08
#define TCP_CWR           0x80

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Parses the IP header at f[off], whose packet must end exactly at 'end'. Sets its version and
 * the offset and protocol of what follows. VX_GSO_OK, or why not. */
static enum vx_gso_result parse_ip(const uint8_t *f, uint32_t end, uint16_t et, uint32_t off,
                                   uint8_t *ver, uint32_t *l4, uint8_t *proto)
{
	if (et == VX_ETHERTYPE_IP) {
		if (end < off + VX_IPV4_HLEN || (f[off] >> 4) != 4)
			return VX_GSO_BAD;
		uint32_t ihl = (f[off] & 0xf) * 4u;
		if (ihl < VX_IPV4_HLEN || end < off + ihl || vx_rd16(f + off + 2) != end - off)
			return VX_GSO_BAD;
		if (vx_rd16(f + off + 6) & (VX_IPV4_MF | VX_IPV4_OFF_MASK))
			return VX_GSO_BAD; /* a fragment is never a GSO frame */
		*ver = 4;
		*l4 = off + ihl;
		*proto = f[off + 9];
		return VX_GSO_OK;
	}
	if (et == VX_ETHERTYPE_IPV6) {
		if (end < off + 40 || (f[off] >> 4) != 6 || vx_rd16(f + off + 4) != end - off - 40)
			return VX_GSO_BAD;
		*ver = 6;
		*l4 = off + 40;
		*proto = f[off + 6]; /* extension headers: not TCP/UDP, refused below */
		return VX_GSO_OK;
	}
	return VX_GSO_NOT_TCP;
}

enum vx_gso_result vx_gso_plan(const uint8_t *f, uint32_t len, uint32_t mss, uint32_t max_frame,
                               struct vx_gso *g)
{
	uint32_t off = 0, l4;
	uint8_t proto;
	enum vx_gso_result r;

	memset(g, 0, sizeof(*g));
	uint16_t et = vx_eth_skip(f, len, &off);
	if (!et)
		return VX_GSO_BAD;
	if ((r = parse_ip(f, len, et, off, &g->ip_ver[0], &l4, &proto)) != VX_GSO_OK)
		return r;
	g->ip_off[0] = (uint16_t)off;
	g->n_ip = 1;
	if (proto == VX_IPPROTO_UDP) {
		/* VXLAN (UDP to 4789, I flag) carrying Ethernet, IP, TCP: a tunnel super-frame. */
		if (len < l4 + VX_UDP_HLEN + VX_VXLAN_HLEN)
			return VX_GSO_BAD;
		if (vx_rd16(f + l4 + 2) != VX_GSO_VXLAN_PORT || !(f[l4 + 8] & VX_VXLAN_FLAG_I))
			return VX_GSO_NOT_TCP;
		if (vx_rd16(f + l4 + 4) != len - l4)
			return VX_GSO_BAD;
		g->udp_off = (uint16_t)l4;
		off = l4 + VX_UDP_HLEN + VX_VXLAN_HLEN;
		if (!(et = vx_eth_skip(f, len, &off)))
			return VX_GSO_BAD;
		if ((r = parse_ip(f, len, et, off, &g->ip_ver[1], &l4, &proto)) != VX_GSO_OK)
			return r;
		g->ip_off[1] = (uint16_t)off;
		g->n_ip = 2;
	}
	if (proto != VX_IPPROTO_TCP)
		return VX_GSO_NOT_TCP;
	if (len < l4 + 20)
		return VX_GSO_BAD;
	uint32_t doff = (f[l4 + 12] >> 4) * 4u;
	if (doff < 20 || len < l4 + doff)
		return VX_GSO_BAD;
	g->tcp_off = (uint16_t)l4;
	g->hdr_len = l4 + doff;
	g->payload_len = len - g->hdr_len;
	/* The sender's segment size, unless a segment would not fit in 'max_frame'. */
	g->mss = max_frame > g->hdr_len ? max_frame - g->hdr_len : 0;
	if (mss < g->mss)
		g->mss = mss;
	if (g->mss < 8 || g->payload_len == 0)
		return VX_GSO_BAD;
	g->n_segs = (g->payload_len + g->mss - 1) / g->mss;
	return g->n_segs <= VX_GSO_MAX_SEGS ? VX_GSO_OK : VX_GSO_TOO_MANY;
}

uint32_t vx_gso_seg_len(const struct vx_gso *g, uint32_t i)
{
	uint32_t start = i * g->mss;
	uint32_t n = g->payload_len - start < g->mss ? g->payload_len - start : g->mss;
	return g->hdr_len + n;
}

/* Sum of the pseudo-header of the IP header at s[ip] (version 'ver') for 'l4_len' bytes of
 * protocol 'proto'. */
static uint32_t pseudo_sum(const uint8_t *s, uint32_t ip, uint8_t ver, uint8_t proto,
                           uint32_t l4_len)
{
	uint32_t sum = ver == 4 ? vx_cksum_add(0, s + ip + 12, 8) : vx_cksum_add(0, s + ip + 8, 32);
	return sum + proto + (l4_len & 0xffff) + (l4_len >> 16);
}

static void fix_ip(uint8_t *s, uint32_t ip, uint8_t ver, uint32_t seg_len, uint32_t i)
{
	if (ver == 6) {
		wr16(s + ip + 4, (uint16_t)(seg_len - ip - 40));
		return;
	}
	uint32_t ihl = (s[ip] & 0xf) * 4u;
	wr16(s + ip + 2, (uint16_t)(seg_len - ip));
	wr16(s + ip + 4, (uint16_t)(vx_rd16(s + ip + 4) + i));
	wr16(s + ip + 10, 0);
	wr16(s + ip + 10, vx_cksum_finish(vx_cksum_add(0, s + ip, ihl)));
}

void vx_gso_write(const struct vx_gso *g, const uint8_t *f, uint32_t i, uint8_t *s)
{
	uint32_t seg_len = vx_gso_seg_len(g, i), t = g->tcp_off;
	uint8_t inner = g->n_ip - 1, flags;

	memcpy(s, f, g->hdr_len);
	memcpy(s + g->hdr_len, f + g->hdr_len + i * g->mss, seg_len - g->hdr_len);
	/* TCP: sequence number, flags, checksum of the segment. */
	uint32_t seq;
	memcpy(&seq, s + t + 4, 4);
	seq = htonl(ntohl(seq) + i * g->mss);
	memcpy(s + t + 4, &seq, 4);
	flags = s[t + 13];
	if (i + 1 < g->n_segs)
		flags &= (uint8_t) ~(TCP_FIN | TCP_PSH);
	if (i > 0)
		flags &= (uint8_t)~TCP_CWR;
	s[t + 13] = flags;
	wr16(s + t + 16, 0);
	uint32_t sum =
	    pseudo_sum(s, g->ip_off[inner], g->ip_ver[inner], VX_IPPROTO_TCP, seg_len - t);
	wr16(s + t + 16, vx_cksum_finish(vx_cksum_add(sum, s + t, seg_len - t)));
	/* Inner IP (the only one for a plain frame), then the tunnel's UDP and outer IP. */
	fix_ip(s, g->ip_off[inner], g->ip_ver[inner], seg_len, i);
	if (g->n_ip == 1)
		return;
	uint32_t u = g->udp_off;
	wr16(s + u + 4, (uint16_t)(seg_len - u));
	if (vx_rd16(s + u + 6) || g->ip_ver[0] == 6) {
		wr16(s + u + 6, 0);
		sum = pseudo_sum(s, g->ip_off[0], g->ip_ver[0], VX_IPPROTO_UDP, seg_len - u);
		uint16_t c = vx_cksum_finish(vx_cksum_add(sum, s + u, seg_len - u));
		wr16(s + u + 6, c ? c : 0xffff);
	}
	fix_ip(s, g->ip_off[0], g->ip_ver[0], seg_len, i);
}
