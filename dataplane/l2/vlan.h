/* VLAN handling of a port, the OVS way (tag, trunks, vlan_mode).
 *
 * Pure functions over one frame: no EAL, no global state, safe on any thread. Frames travel
 * through the switch untagged; the VLAN and PCP they belong to ride beside them in a
 * struct wf_vlan_meta. wf_vlan_ingress() strips an 802.1Q tag, wf_vlan_egress_tagged() says
 * whether a port wants the tag pushed back. */
#ifndef WF_VLAN_H
#define WF_VLAN_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "core/drop.h"

enum wf_vlan_mode {
	WF_VLAN_ACCESS,
	WF_VLAN_TRUNK,
	WF_VLAN_NATIVE_TAGGED,
	WF_VLAN_NATIVE_UNTAGGED,
};

/* A port's VLAN configuration. 'trunks' is a 4096-bit set; 'all_trunks' means "trunks is
 * empty": every VLAN. 'tag' is meaningful for access and native modes. */
struct wf_vlan_cfg {
	enum wf_vlan_mode mode;
	uint16_t tag;
	bool all_trunks;
	uint64_t trunks[4096 / 64];
};

struct wf_vlan_meta {
	uint16_t vlan; /* 0..4095 */
	uint8_t pcp;   /* priority from the ingress tag, 0 if untagged */
};

/* Parses a mode name ("access", "trunk", "native-tagged", "native-untagged"). 0 or -EINVAL. */
int wf_vlan_mode_parse(const char *name, enum wf_vlan_mode *mode);
const char *wf_vlan_mode_name(enum wf_vlan_mode);

/* Fills 'cfg' from OVS-style columns: 'tag' < 0 means unset, 'mode' NULL means the default
 * (access if a tag is set, else trunk), 'trunks' an array of 'n_trunks' VLANs (empty = all).
 * Returns 0, or -EINVAL with a reason in 'err' (size 'errlen') when the combination is
 * invalid (a VLAN out of 0..4095, access/native mode without a tag, ...). */
int wf_vlan_cfg_build(struct wf_vlan_cfg *cfg, int tag, const char *mode, const int *trunks,
                      unsigned n_trunks, char *err, unsigned errlen);

static inline bool wf_vlan_in_trunks(const struct wf_vlan_cfg *c, uint16_t vlan)
{
	return c->all_trunks || (c->trunks[vlan >> 6] >> (vlan & 63)) & 1;
}

/* True if a frame of VLAN 'vlan' may leave (or enter) a port with config 'c'. Inline, as
 * wf_vlan_egress_tagged(): the switch asks once per frame. */
static inline bool wf_vlan_member(const struct wf_vlan_cfg *c, uint16_t vlan)
{
	switch (c->mode) {
	case WF_VLAN_ACCESS:
		return vlan == c->tag;
	case WF_VLAN_TRUNK:
		return wf_vlan_in_trunks(c, vlan);
	case WF_VLAN_NATIVE_TAGGED:
	case WF_VLAN_NATIVE_UNTAGGED:
		return vlan == c->tag || wf_vlan_in_trunks(c, vlan);
	}
	return false;
}

/* Ingress, tagged or short frames (wf_vlan_ingress()'s out-of-line part). */
enum wf_drop wf_vlan_ingress_tag(const struct wf_vlan_cfg *c, struct rte_mbuf *m,
                                 struct wf_vlan_meta *meta);

/* Ingress: validates the Ethernet header of 'm' (arrived on a port with config 'c'), strips an
 * 802.1Q tag if present and fills 'meta'. Returns WF_DROP_NONE to forward, or the drop reason
 * (WF_DROP_RUNT, WF_DROP_VLAN_TRUNCATED, WF_DROP_VLAN_NOT_ALLOWED). Inline for the untagged
 * frame (the switch asks once per frame). */
static inline enum wf_drop wf_vlan_ingress(const struct wf_vlan_cfg *c, struct rte_mbuf *m,
                                           struct wf_vlan_meta *meta)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	if (unlikely(rte_pktmbuf_data_len(m) < sizeof(*eh) ||
	             eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)))
		return wf_vlan_ingress_tag(c, m, meta);
	/* Untagged: the port's native VLAN (0 on a plain trunk). */
	meta->vlan = c->mode == WF_VLAN_TRUNK ? 0 : c->tag;
	meta->pcp = 0;
	return WF_DROP_NONE;
}

/* Egress: true if a frame of 'vlan' must leave a port with config 'c' tagged. Only meaningful
 * when wf_vlan_member(c, vlan). */
static inline bool wf_vlan_egress_tagged(const struct wf_vlan_cfg *c, uint16_t vlan)
{
	switch (c->mode) {
	case WF_VLAN_ACCESS:
		return false;
	case WF_VLAN_TRUNK:
	case WF_VLAN_NATIVE_TAGGED:
		return vlan != 0;
	case WF_VLAN_NATIVE_UNTAGGED:
		return vlan != c->tag;
	}
	return false;
}

/* Pushes an 802.1Q tag (TCI = pcp << 13 | vlan) onto 'm', which must not be shared. 0, or
 * -ENOSPC when there is no headroom. */
int wf_vlan_push(struct rte_mbuf *m, const struct wf_vlan_meta *meta);

#endif
