/* Tunnel configuration (control plane, main lcore): the underlay bridge keys and tunnel port
 * options as parsed from the control channel (see vtep.h for the keys), the consistency check
 * and the derivation of VTEPs, tunnel templates and the VNI table for a snapshot. */
#ifndef WF_VTEP_CFG_H
#define WF_VTEP_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/ctx.h"
#include "vtep/vtep.h"

/* Parsed underlay bridge keys (in struct wf_bridge). */
struct wf_vtep_cfg {
	bool enabled;
	uint32_t ip, mask, gateway; /* network order */
	bool has_mac;
	uint8_t mac[6];
	uint16_t mtu, udp_port;
	uint32_t neigh_timeout;
	bool udp_csum_skip; /* other_config:vxlan-udp-csum=ignore (default verify) */
};

/* Parses the underlay keys of a bridge's other_config. 0 or -EINVAL with a reason. */
int wf_vtep_cfg_parse(const json_t *other_config, struct wf_vtep_cfg *cfg, char *err,
                      size_t errlen);
/* Parses a tunnel port's options. 0 or -EINVAL with a reason. */
int wf_tnl_cfg_parse(const char *port, const json_t *options, struct wf_tnl_cfg *cfg, char *err,
                     size_t errlen);

/* Checks that a configuration change keeps tunnels consistent: no VNI in two bridges, no two
 * underlay bridges with one address, no tunnel port on an underlay bridge. 'ctx' holds the
 * candidate state. 0 or -EINVAL/-EEXIST with a reason. */
int wf_vtep_check(const struct wf_ctx *ctx, char *err, size_t errlen);

/* Snapshot building: derives vteps (and their bridges' input stage), tunnel templates and the
 * VNI table into 's'. Returns 0 or -ENOMEM. wf_vtep_snap_free() releases what it allocated. */
int wf_vtep_snap_build(const struct wf_ctx *ctx, struct wf_snap *s);
void wf_vtep_snap_free(struct wf_snap *s);

#endif
