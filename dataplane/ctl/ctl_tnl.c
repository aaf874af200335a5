/* Control methods of the underlay: the neighbour table of underlay bridges. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ether.h>

#include "core/config.h"
#include "ctl/ctl.h"
#include "vtep/neigh.h"
#include "vtep/neigh_cfg.h"

/* The underlay bridge named in 'p' ("bridge"), or every one when absent and !required. */
static int vtep_bridge(struct wf_ctx *ctx, const json_t *p, bool required, struct wf_bridge **br,
                       char *err, size_t el)
{
	const char *name;
	int ret = wf_ctl_get_str(p, WF_RPC_KEY_BRIDGE, required, &name, err, el);
	*br = NULL;
	if (ret < 0 || !name)
		return ret;
	if (!(*br = wf_bridge_find(ctx, name))) {
		snprintf(err, el, "no bridge named '%s'", name);
		return -ENOENT;
	}
	if (!(*br)->neigh) {
		snprintf(err, el, "bridge %s is not an underlay bridge (no other_config:tunnel-ip)",
		         name);
		return -EINVAL;
	}
	return 0;
}

static int neigh_show(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	struct wf_bridge *only;
	uint32_t now = wf_ctx_now(ctx);
	int ret;
	if ((ret = vtep_bridge(ctx, p, false, &only, err, el)) < 0)
		return ret;
	json_t *rows = json_array();
	for (unsigned b = 0; b < WF_MAX_BRIDGES; b++) {
		struct wf_bridge *br = ctx->bridges[b];
		if (!br || !br->neigh || (only && only != br))
			continue;
		for (unsigned i = 0; i < WF_NEIGH_MAX; i++) {
			struct wf_neigh_entry *e = &br->neigh->e[i];
			uint32_t ip = atomic_load(&e->ip);
			uint64_t mp = atomic_load(&e->macport);
			char ips[INET_ADDRSTRLEN], macs[RTE_ETHER_ADDR_FMT_SIZE] = "";
			if (!ip)
				continue;
			inet_ntop(AF_INET, &ip, ips, sizeof(ips));
			json_t *r = json_pack("{s:s,s:s,s:b}", "bridge", br->name, "ip", ips,
			                      "static", atomic_load(&e->is_static));
			if (mp) {
				snprintf(macs, sizeof(macs), "%02x:%02x:%02x:%02x:%02x:%02x",
				         (uint8_t)mp, (uint8_t)(mp >> 8), (uint8_t)(mp >> 16),
				         (uint8_t)(mp >> 24), (uint8_t)(mp >> 32),
				         (uint8_t)(mp >> 40));
				uint16_t port = wf_neigh_port(mp);
				json_object_set_new(r, "mac", json_string(macs));
				json_object_set_new(
				    r, "port",
				    json_string(port < WF_MAX_PORTS && ctx->ports[port]
				                    ? ctx->ports[port]->name
				                    : "?"));
				json_object_set_new(r, "age",
				                    json_integer(now - atomic_load(&e->updated)));
			}
			/* As the fast path sees it: past three timeouts a dynamic entry is
			 * unusable. */
			bool is_static = atomic_load(&e->is_static);
			uint32_t age = now - atomic_load(&e->updated);
			const char *state = !mp                              ? "incomplete"
			                    : is_static                      ? "static"
			                    : age > 3 * br->neigh->timeout_s ? "expired"
			                    : age > br->neigh->timeout_s     ? "stale"
			                                                     : "reachable";
			json_object_set_new(r, "state", json_string(state));
			json_array_append_new(rows, r);
		}
	}
	*res = json_pack("{s:o}", "entries", rows);
	return 0;
}

static int neigh_set(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	struct wf_bridge *br;
	const char *ips, *macs, *pname;
	struct rte_ether_addr mac;
	struct in_addr ip;
	int ret;
	(void)res;
	if ((ret = vtep_bridge(ctx, p, true, &br, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_IP, true, &ips, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_MAC, true, &macs, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_PORT, false, &pname, err, el)) < 0)
		return ret;
	if (inet_pton(AF_INET, ips, &ip) != 1 || !ip.s_addr || ip.s_addr == 0xffffffff ||
	    (ntohl(ip.s_addr) >> 28) == 14) {
		snprintf(err, el, "'%s' is not a unicast IPv4 address", ips);
		return -EINVAL;
	}
	if (strlen(macs) != 17 || rte_ether_unformat_addr(macs, &mac) < 0 ||
	    !rte_is_unicast_ether_addr(&mac) || rte_is_zero_ether_addr(&mac)) {
		snprintf(err, el, "'%s' is not a unicast MAC address", macs);
		return -EINVAL;
	}
	struct wf_port *port = NULL;
	if (pname) {
		port = wf_port_find(ctx, pname);
		if (!port || port->bridge != br->index) {
			snprintf(err, el, "bridge %s has no port '%s'", br->name, pname);
			return -ENOENT;
		}
	} else {
		for (unsigned i = 0; i < WF_MAX_PORTS && !port; i++)
			if (ctx->ports[i] && ctx->ports[i]->bridge == br->index)
				port = ctx->ports[i];
		if (!port) {
			snprintf(err, el, "bridge %s has no uplink port yet", br->name);
			return -ENOENT;
		}
	}
	if ((ret = wf_neigh_set_static(br->neigh, ip.s_addr, mac.addr_bytes, port->index)) < 0)
		snprintf(err, el, "neighbour table of %s is full", br->name);
	return ret;
}

static int neigh_flush(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	struct wf_bridge *only;
	unsigned n = 0;
	int ret;
	if ((ret = vtep_bridge(ctx, p, false, &only, err, el)) < 0)
		return ret;
	for (unsigned b = 0; b < WF_MAX_BRIDGES; b++) {
		struct wf_bridge *br = ctx->bridges[b];
		if (br && br->neigh && (!only || only == br))
			n += wf_neigh_flush(br->neigh, true);
	}
	*res = json_pack("{s:i}", "flushed", n);
	return 0;
}

const struct wf_ctl_method wf_ctl_tnl_methods[] = {
    {WF_RPC_METHOD_TNL_NEIGH_SHOW, neigh_show},
    {WF_RPC_METHOD_TNL_NEIGH_SET, neigh_set},
    {WF_RPC_METHOD_TNL_NEIGH_FLUSH, neigh_flush},
    {NULL, NULL},
};
