/* Tunnel configuration as parsed from the control channel (see vtep.h for the keys). */
#ifndef WF_VTEP_CFG_H
#define WF_VTEP_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Parsed underlay bridge keys (in struct wf_bridge). */
struct wf_vtep_cfg {
	bool enabled;
	uint32_t ip, mask, gateway; /* network order */
	bool has_mac;
	uint8_t mac[6];
	uint16_t mtu, udp_port;
	uint32_t neigh_timeout;
};

/* Parsed tunnel port options (port->priv of type vxlan). */
struct wf_tnl_cfg {
	uint32_t remote_ip, local_ip; /* network order; local_ip 0 = any */
	uint32_t vni;
	uint16_t dst_port;
	uint8_t ttl, tos;
	bool df;
};

/* Parses the underlay keys of a bridge's other_config. 0 or -EINVAL with a reason. */
int wf_vtep_cfg_parse(const json_t *other_config, struct wf_vtep_cfg *cfg, char *err,
                      size_t errlen);
/* Parses a tunnel port's options. 0 or -EINVAL with a reason. */
int wf_tnl_cfg_parse(const char *port, const json_t *options, struct wf_tnl_cfg *cfg, char *err,
                     size_t errlen);

#endif
