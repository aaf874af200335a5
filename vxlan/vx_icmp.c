/* vx_icmp.c: answers ICMP echo requests (ping) to our tunnel address, in place. */
#include <arpa/inet.h>
#include <string.h>

#include "vx_priv.h"

enum vx_reason vx_icmp_echo_reply(const struct vx_vtep *v, uint8_t *frame, uint32_t len,
                                  uint32_t *reply_len)
{
	const struct vx_ipv4_hdr *cip = NULL;
	struct vx_eth_hdr *eth = (struct vx_eth_hdr *)frame;
	struct vx_ipv4_hdr *ip;
	struct vx_icmp_hdr *icmp;
	uint32_t ip_len, icmp_len;
	enum vx_reason r;

	r = vx_ipv4_check(v, frame, len, true, &cip);
	if (r != VX_R_OK)
		return r;
	if (cip->proto != VX_IPPROTO_ICMP)
		return VX_R_BAD_ICMP;
	/* Never answer to a source we cannot (or must not) send to. */
	if (cip->src == 0 || cip->src == INADDR_BROADCAST || vx_ip_is_multicast(cip->src) ||
	    (eth->src[0] & 1))
		return VX_R_BAD_ICMP;
	ip_len = ntohs(cip->total_len);
	if (ip_len < VX_IPV4_HLEN + VX_ICMP_HLEN)
		return VX_R_BAD_ICMP;
	icmp_len = ip_len - VX_IPV4_HLEN;
	icmp = (struct vx_icmp_hdr *)(frame + VX_ETH_HLEN + VX_IPV4_HLEN);
	if (icmp->type != VX_ICMP_ECHO || icmp->code != 0)
		return VX_R_BAD_ICMP;
	if (vx_cksum_finish(vx_cksum_add(0, icmp, icmp_len)) != 0)
		return VX_R_BAD_ICMP;
	/* Valid: rewrite in place. */
	ip = (struct vx_ipv4_hdr *)(frame + VX_ETH_HLEN);
	memcpy(eth->dst, eth->src, VX_ETH_ALEN);
	memcpy(eth->src, v->mac, VX_ETH_ALEN);
	ip->dst = ip->src;
	ip->src = v->ip;
	ip->ttl = VX_DEFAULT_TTL;
	ip->cksum = 0;
	ip->cksum = htons(vx_ipv4_cksum(ip));
	icmp->type = VX_ICMP_ECHO_REPLY;
	icmp->cksum = 0;
	icmp->cksum = htons(vx_cksum_finish(vx_cksum_add(0, icmp, icmp_len)));
	*reply_len = VX_ETH_HLEN + ip_len;
	return VX_R_OK;
}
