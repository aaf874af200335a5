/* vx_arp.c: ARP on the underlay: decoding, reply for our tunnel address, request for a next hop. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "vx_priv.h"

enum vx_reason vx_arp_parse(const uint8_t *frame, uint32_t len, struct vx_arp *out)
{
	const struct vx_eth_hdr *eth = (const struct vx_eth_hdr *)frame;
	const struct vx_arp_hdr *a = (const struct vx_arp_hdr *)(frame + VX_ETH_HLEN);
	uint16_t op;

	if (len < VX_ARP_FRAME_LEN || ntohs(eth->type) != VX_ETHERTYPE_ARP)
		return VX_R_BAD_ARP;
	if (ntohs(a->htype) != 1 || ntohs(a->ptype) != VX_ETHERTYPE_IP || a->hlen != VX_ETH_ALEN ||
	    a->plen != 4)
		return VX_R_BAD_ARP;
	op = ntohs(a->op);
	if ((op != VX_ARP_OP_REQUEST && op != VX_ARP_OP_REPLY) || (a->sha[0] & 1) ||
	    vx_mac_is_zero(a->sha))
		return VX_R_BAD_ARP;
	out->op = op;
	memcpy(out->sha, a->sha, VX_ETH_ALEN);
	out->spa = a->spa;
	memcpy(out->tha, a->tha, VX_ETH_ALEN);
	out->tpa = a->tpa;
	return VX_R_OK;
}

/* Writes a 42-byte Ethernet/IPv4 ARP frame. */
static void arp_write(uint8_t *out, const uint8_t eth_dst[VX_ETH_ALEN], uint16_t op,
                      const struct vx_vtep *v, const uint8_t tha[VX_ETH_ALEN], uint32_t tpa)
{
	struct vx_eth_hdr *eth = (struct vx_eth_hdr *)out;
	struct vx_arp_hdr *a = (struct vx_arp_hdr *)(out + VX_ETH_HLEN);

	memcpy(eth->dst, eth_dst, VX_ETH_ALEN);
	memcpy(eth->src, v->mac, VX_ETH_ALEN);
	eth->type = htons(VX_ETHERTYPE_ARP);
	a->htype = htons(1);
	a->ptype = htons(VX_ETHERTYPE_IP);
	a->hlen = VX_ETH_ALEN;
	a->plen = 4;
	a->op = htons(op);
	memcpy(a->sha, v->mac, VX_ETH_ALEN);
	a->spa = v->ip;
	memcpy(a->tha, tha, VX_ETH_ALEN);
	a->tpa = tpa;
}

int vx_arp_build_reply(const struct vx_vtep *v, const struct vx_arp *req, uint8_t *out,
                       uint32_t out_size)
{
	uint8_t sha[VX_ETH_ALEN];
	uint32_t spa = req->spa;

	if (req->op != VX_ARP_OP_REQUEST || req->tpa != v->ip || (req->sha[0] & 1) ||
	    vx_mac_is_zero(req->sha))
		return -EINVAL;
	if (out_size < VX_ARP_FRAME_LEN)
		return -ENOSPC;
	/* 'req' may live in 'out' (caller decoded in place): copy what we need first. */
	memcpy(sha, req->sha, VX_ETH_ALEN);
	arp_write(out, sha, VX_ARP_OP_REPLY, v, sha, spa);
	return VX_ARP_FRAME_LEN;
}

int vx_arp_build_request(const struct vx_vtep *v, uint32_t target_ip, uint8_t *out,
                         uint32_t out_size)
{
	static const uint8_t bcast[VX_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t zero[VX_ETH_ALEN] = {0};

	if (target_ip == 0 || target_ip == INADDR_BROADCAST || vx_ip_is_multicast(target_ip))
		return -EINVAL;
	if (out_size < VX_ARP_FRAME_LEN)
		return -ENOSPC;
	arp_write(out, bcast, VX_ARP_OP_REQUEST, v, zero, target_ip);
	return VX_ARP_FRAME_LEN;
}
