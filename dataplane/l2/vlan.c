/* VLAN ingress/egress rules of a port (see vlan.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

#include "l2/vlan.h"

static const char *const mode_names[] = {
    [WF_VLAN_ACCESS] = "access",
    [WF_VLAN_TRUNK] = "trunk",
    [WF_VLAN_NATIVE_TAGGED] = "native-tagged",
    [WF_VLAN_NATIVE_UNTAGGED] = "native-untagged",
};

int wf_vlan_mode_parse(const char *name, enum wf_vlan_mode *mode)
{
	for (unsigned i = 0; i < RTE_DIM(mode_names); i++) {
		if (strcmp(name, mode_names[i]) == 0) {
			*mode = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *wf_vlan_mode_name(enum wf_vlan_mode mode)
{
	return mode < RTE_DIM(mode_names) ? mode_names[mode] : "?";
}

int wf_vlan_cfg_build(struct wf_vlan_cfg *cfg, int tag, const char *mode, const int *trunks,
                      unsigned n_trunks, char *err, unsigned errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	if (tag > 4095) {
		snprintf(err, errlen, "tag %d out of range 0..4095", tag);
		return -EINVAL;
	}
	if (mode == NULL) {
		cfg->mode = tag >= 0 ? WF_VLAN_ACCESS : WF_VLAN_TRUNK;
	} else if (wf_vlan_mode_parse(mode, &cfg->mode) < 0) {
		snprintf(err, errlen,
		         "vlan_mode '%s' is not one of access, trunk, native-tagged, "
		         "native-untagged",
		         mode);
		return -EINVAL;
	}
	if (cfg->mode != WF_VLAN_TRUNK && tag < 0) {
		snprintf(err, errlen, "vlan_mode %s needs a tag", wf_vlan_mode_name(cfg->mode));
		return -EINVAL;
	}
	cfg->tag = tag < 0 ? 0 : tag;
	cfg->all_trunks = n_trunks == 0;
	for (unsigned i = 0; i < n_trunks; i++) {
		if (trunks[i] < 0 || trunks[i] > 4095) {
			snprintf(err, errlen, "trunk VLAN %d out of range 0..4095", trunks[i]);
			return -EINVAL;
		}
		cfg->trunks[trunks[i] >> 6] |= 1ULL << (trunks[i] & 63);
	}
	return 0;
}

enum wf_drop wf_vlan_ingress_tag(const struct wf_vlan_cfg *c, struct rte_mbuf *m,
                                 struct wf_vlan_meta *meta)
{
	if (rte_pktmbuf_data_len(m) < sizeof(struct rte_ether_hdr))
		return WF_DROP_RUNT;

	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	if (eh->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)) {
		/* Untagged: the port's native VLAN (0 on a plain trunk). */
		meta->vlan = c->mode == WF_VLAN_TRUNK ? 0 : c->tag;
		meta->pcp = 0;
		return WF_DROP_NONE;
	}
	if (rte_pktmbuf_data_len(m) < sizeof(*eh) + sizeof(struct rte_vlan_hdr))
		return WF_DROP_VLAN_TRUNCATED;

	const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eh + 1);
	uint16_t tci = rte_be_to_cpu_16(vh->vlan_tci);
	uint16_t vid = tci & 0xfff;
	meta->pcp = tci >> 13;
	if (vid == 0) {
		/* Priority-tagged: belongs to the native VLAN like an untagged frame. */
		meta->vlan = c->mode == WF_VLAN_TRUNK ? 0 : c->tag;
	} else if (c->mode == WF_VLAN_ACCESS || !wf_vlan_member(c, vid)) {
		return WF_DROP_VLAN_NOT_ALLOWED;
	} else {
		meta->vlan = vid;
	}
	/* Strip: move the MAC addresses 4 bytes forward over the tag. */
	memmove((uint8_t *)eh + sizeof(struct rte_vlan_hdr), eh, 2 * RTE_ETHER_ADDR_LEN);
	rte_pktmbuf_adj(m, sizeof(struct rte_vlan_hdr));
	return WF_DROP_NONE;
}

int wf_vlan_push(struct rte_mbuf *m, const struct wf_vlan_meta *meta)
{
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, sizeof(struct rte_vlan_hdr));
	if (p == NULL)
		return -ENOSPC;
	memmove(p, p + sizeof(struct rte_vlan_hdr), 2 * RTE_ETHER_ADDR_LEN);
	/* The original ethertype already follows: write TPID and TCI in the 4 new bytes. */
	rte_be16_t tag[2] = {
	    rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN),
	    rte_cpu_to_be_16((uint16_t)(meta->pcp << 13 | meta->vlan)),
	};
	memcpy(p + 2 * RTE_ETHER_ADDR_LEN, tag, sizeof(tag));
	return 0;
}
