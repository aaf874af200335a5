/* libFuzzer harness for the vxlan receive path: every function that parses an untrusted
 * underlay frame runs on an exact-size heap copy of the input, so ASan flags any access past it.
 * Also checks the library's promises: vx_decap() never writes the frame and only succeeds with
 * an inner frame inside the buffer (and an inner checksum fix inside it); vx_l4_partial()
 * never writes and gives a fix inside the frame; vx_icmp_echo_reply() leaves rejected frames
 * unchanged and produces valid checksums. Built and run by tests/fuzz/run (target vxlan-decap;
 * README.md there).
 *
 * vx_gso_plan()/vx_gso_write() (software GSO) cut the frame when it is a TCP super-frame:
 * check_gso() below says what is checked.
 *
 * Input: one byte (bits 0-3: receive flags for vx_decap; bits 4-7: the GSO segment size,
 * 8 + 99 * n), then the underlay frame. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "vxlan.h"

static struct vx_vtep vtep;
static struct vx_vni_table *vnis;

static void check(int cond)
{
	if (!cond)
		abort();
}

/* Software GSO: a planned frame's segments are each at most 2048 bytes, carry the frame's
 * payload in order, and plan again as one segment of the same headers (every length field
 * consistent). */
static void check_gso(const uint8_t *f, uint32_t len, uint32_t mss)
{
	struct vx_gso g, g1;
	uint32_t total = 0;

	if (vx_gso_plan(f, len, mss, 2048, &g) != VX_GSO_OK)
		return;
	check(g.n_segs >= 1 && g.n_segs <= VX_GSO_MAX_SEGS && g.mss <= mss && g.mss >= 8);
	check(g.hdr_len + g.payload_len == len);
	for (uint32_t i = 0; i < g.n_segs; i++) {
		uint32_t n = vx_gso_seg_len(&g, i);
		check(n > g.hdr_len && n <= 2048 && n - g.hdr_len <= g.mss);
		uint8_t *s = malloc(n);
		check(s != NULL);
		vx_gso_write(&g, f, i, s);
		check(memcmp(s + g.hdr_len, f + g.hdr_len + total, n - g.hdr_len) == 0);
		total += n - g.hdr_len;
		check(vx_gso_plan(s, n, mss, 2048, &g1) == VX_GSO_OK && g1.n_segs == 1 &&
		      g1.hdr_len == g.hdr_len);
		free(s);
	}
	check(total == g.payload_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x01};
	struct vx_rx_info rx;
	struct vx_arp arp;
	uint8_t *b, *c, out[VX_ARP_FRAME_LEN];
	uint32_t len, rlen, flags;
	enum vx_reason r;

	if (vnis == NULL) {
		struct vx_vni_entry e[] = {{5001, 7}, {0, 1}, {0xffffff, 2}};

		check(vx_vtep_init(&vtep, mac, htonl(0xc0000201), 4789) == 0);
		vnis = vx_vni_table_create(e, 3);
		check(vnis != NULL);
	}
	if (size < 1 || size > 65536)
		return 0;
	/* First byte: receive flags (offload hints, VX_RX_F_UDP_CKSUM_SKIP, VX_RX_F_MAYBE_PARTIAL);
	 * the rest: the frame. */
	flags = data[0] & 15;
	len = (uint32_t)size - 1;
	b = malloc(len);
	c = malloc(len);
	if ((b == NULL || c == NULL) && len > 0)
		abort();
	if (len > 0) {
		memcpy(b, data + 1, len);
		memcpy(c, data + 1, len);
	}

	(void)vx_classify(&vtep, b, len);
	r = vx_decap(&vtep, vnis, b, len, flags, &rx);
	check(r < VX_R__COUNT);
	if (r == VX_R_UNKNOWN_VNI) /* filled too, for key=flow tunnels */
		check(rx.id == VX_VNI_ID_NONE && rx.inner_off + rx.inner_len <= len);
	if (r == VX_R_OK) {
		check(rx.inner_off == VX_ENCAP_LEN && rx.inner_len >= VX_ETH_HLEN);
		check(rx.inner_off + rx.inner_len <= len);
		check(vx_vni_lookup(vnis, rx.vni) == rx.id);
		check(!(rx.flags & ~(VX_RX_I_OUTER_PARTIAL | VX_RX_I_INNER_PARTIAL)));
		if (rx.flags & VX_RX_I_INNER_PARTIAL) /* the fix lands inside the inner frame */
			check(rx.inner_fix.off >= VX_ETH_HLEN &&
			      rx.inner_fix.off + 2 <= rx.inner_len);
		(void)vx_flow_hash(b + rx.inner_off, rx.inner_len);
	}
	struct vx_l4_fix fix;
	enum vx_l4_csum pc = vx_l4_partial(b, len, &fix);
	check(pc == VX_L4_CSUM_NONE || pc == VX_L4_CSUM_PARTIAL || pc == VX_L4_CSUM_TRUNCATED);
	if (pc == VX_L4_CSUM_PARTIAL)
		check(fix.off >= VX_ETH_HLEN && fix.off + 2 <= len);
	check(len == 0 || memcmp(b, c, len) == 0); /* decap/classify/l4_partial never write */
	(void)vx_flow_hash(b, len);

	check_gso(b, len, 8 + (data[0] >> 4) * 99u);
	check(len == 0 || memcmp(b, c, len) == 0);

	if (vx_arp_parse(b, len, &arp) == VX_R_OK && arp.op == VX_ARP_OP_REQUEST &&
	    arp.tpa == vtep.ip)
		check(vx_arp_build_reply(&vtep, &arp, out, sizeof(out)) == VX_ARP_FRAME_LEN);

	rlen = 0;
	r = vx_icmp_echo_reply(&vtep, b, len, &rlen);
	if (r == VX_R_OK) {
		check(rlen <= len && rlen >= 42);
		check(vx_ipv4_cksum((const struct vx_ipv4_hdr *)(b + 14)) == 0);
		check(vx_cksum_finish(vx_cksum_add(0, b + 34, rlen - 34)) == 0);
		check(b[34] == VX_ICMP_ECHO_REPLY);
	} else {
		check(len == 0 || memcmp(b, c, len) == 0);
	}
	free(b);
	free(c);
	return 0;
}
