/* weft's XDP program for an AF_XDP uplink that shares its NIC with the kernel.
 *
 * Loaded by DPDK's net_af_xdp PMD (devarg xdp_prog=<path of weft_xdp.o>), which puts the AF_XDP
 * socket of rx queue q at index q of the XSKMAP named "xsks_map" (the name the PMD requires).
 * Redirected to that socket, i.e. to weft's VTEP:
 *   - ARP whose target protocol address is the tunnel address,
 *   - IPv4 UDP (first or only fragment) to the tunnel address and the VXLAN port,
 *   - IPv4 ICMP to the tunnel address (weft answers echo requests to its VTEP address),
 * each untagged or behind one 802.1Q/802.1ad tag. Everything else goes to the kernel (XDP_PASS).
 * The tunnel address and port come from the array map "weft_xdp_cfg" (see weft_xdp.h), filled
 * after loading by vxlan/xdp/weft-xdp-cfg; until then every frame is passed to the kernel.
 * Build: clang -O2 -g -target bpf (vxlan/xdp/meson.build). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "weft_xdp.h"

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct weft_xdp_cfg);
} weft_xdp_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WEFT_XDP_N_STATS);
	__type(key, __u32);
	__type(value, __u64);
} weft_xdp_stats SEC(".maps");

/* ARP for IPv4 over Ethernet, up to the target protocol address. */
struct arp_eth4 {
	__be16 htype, ptype;
	__u8 hlen, plen;
	__be16 op;
	__u8 sha[6];
	__be32 spa;
	__u8 tha[6];
	__be32 tpa;
} __attribute__((packed));

struct vlan_tag {
	__be16 tci, proto;
};

static __always_inline int verdict(enum weft_xdp_stat s, int action)
{
	__u32 k = s;
	__u64 *n = bpf_map_lookup_elem(&weft_xdp_stats, &k);
	if (n)
		*n += 1;
	return action;
}

/* True when the frame is for the VTEP at 'cfg'. */
static __always_inline int for_vtep(void *data, void *end, const struct weft_xdp_cfg *cfg)
{
	struct ethhdr *eth = data;
	void *l3 = eth + 1;
	__be16 proto;

	if (l3 > end)
		return 0;
	proto = eth->h_proto;
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		struct vlan_tag *vt = l3;
		if ((void *)(vt + 1) > end)
			return 0;
		proto = vt->proto;
		l3 = vt + 1;
	}
	if (proto == bpf_htons(ETH_P_ARP)) {
		struct arp_eth4 *a = l3;
		if ((void *)(a + 1) > end)
			return 0;
		return a->ptype == bpf_htons(ETH_P_IP) && a->plen == 4 && a->tpa == cfg->ip;
	}
	if (proto != bpf_htons(ETH_P_IP))
		return 0;
	struct iphdr *ip = l3;
	if ((void *)(ip + 1) > end || ip->version != 4 || ip->daddr != cfg->ip)
		return 0;
	if (ip->protocol == IPPROTO_ICMP)
		return 1;
	if (ip->protocol != IPPROTO_UDP || (ip->frag_off & bpf_htons(0x1fff)))
		return 0;
	struct udphdr *udp = (void *)((__u8 *)l3 + ip->ihl * 4);
	if (ip->ihl < 5 || (void *)(udp + 1) > end)
		return 0;
	return udp->dest == cfg->udp_port;
}

SEC("xdp")
int weft_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 k = 0, q = ctx->rx_queue_index;
	struct weft_xdp_cfg *cfg = bpf_map_lookup_elem(&weft_xdp_cfg, &k);

	if (!cfg || cfg->ip == 0 || !for_vtep(data, end, cfg))
		return verdict(WEFT_XDP_PASS, XDP_PASS);
	if (!bpf_map_lookup_elem(&xsks_map, &q))
		return verdict(WEFT_XDP_NO_SOCKET, XDP_DROP);
	return verdict(WEFT_XDP_REDIRECT, bpf_redirect_map(&xsks_map, q, XDP_DROP));
}

char _license[] SEC("license") = "Dual BSD/GPL";
