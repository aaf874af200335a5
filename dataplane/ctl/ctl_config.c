/* Control methods that change the configuration: bridges, ports, static fdb entries,
 * replay runs, exit. The dispatcher (ctl.c) has checked the parameters against the method
 * table (methods.json: keys, types, ranges); each method checks the rest (names exist, MAC
 * syntax, ...) before calling config.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ether.h>

#include "core/config.h"
#include "ctl/ctl.h"
#include "replay/replay.h"
#include "l2/fdb_cfg.h"

static int bridge_add(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	const char *name;
	int ret;
	(void)res;
	if ((ret = wf_ctl_get_str(p, WF_RPC_KEY_NAME, true, &name, err, el)) < 0)
		return ret;
	return wf_bridge_add(ctx, name, json_object_get(p, WF_RPC_KEY_OTHER_CONFIG), err, el);
}

static int bridge_del(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	const char *name;
	int ret;
	(void)res;
	if ((ret = wf_ctl_get_str(p, WF_RPC_KEY_NAME, true, &name, err, el)) < 0)
		return ret;
	return wf_bridge_del(ctx, name, err, el);
}

static int bridge_set(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	const char *name;
	int ret;
	(void)res;
	if ((ret = wf_ctl_get_str(p, WF_RPC_KEY_NAME, true, &name, err, el)) < 0)
		return ret;
	return wf_bridge_set(ctx, name, json_object_get(p, WF_RPC_KEY_OTHER_CONFIG), err, el);
}

/* A port-add/port-set request and the storage its trunks point to (on the caller's stack:
 * no state survives a request). */
struct port_args {
	struct wf_port_req r;
	int trunks[4096];
};

/* Reads the optional port columns of a port-add/port-set request into 'a'. */
static int port_req(const json_t *p, struct port_args *a, char *err, size_t el)
{
	struct wf_port_req *r = &a->r;
	int *trunks = a->trunks;
	json_t *v;
	long tag;
	int ret;

	if ((ret = wf_ctl_get_str(p, WF_RPC_KEY_TYPE, false, &r->type, err, el)) < 0)
		return ret;
	if ((v = json_object_get(p, WF_RPC_KEY_OPTIONS)) && !json_is_null(v))
		r->options = v;
	if ((v = json_object_get(p, WF_RPC_KEY_TAG))) {
		r->has_tag = true;
		r->tag = -1;
		if (!json_is_null(v)) {
			if ((ret = wf_ctl_get_int(p, WF_RPC_KEY_TAG, true, 0, 4095, &tag, err,
			                          el)) < 0)
				return ret;
			r->tag = tag;
		}
	}
	if ((v = json_object_get(p, WF_RPC_KEY_VLAN_MODE))) {
		r->has_vlan_mode = true;
		if ((ret = wf_ctl_get_str(p, WF_RPC_KEY_VLAN_MODE, false, &r->vlan_mode, err, el)) <
		    0)
			return ret;
	}
	if ((v = json_object_get(p, WF_RPC_KEY_TRUNKS))) {
		size_t i;
		json_t *e;
		/* Types and ranges were checked against methods.json (at most 4096 VLANs,
		 * each 0..4095); the bound is checked again because 'trunks' holds 4096. */
		if (json_array_size(v) > 4096)
			return -EINVAL;
		json_array_foreach(v, i, e)
		{
			trunks[i] = json_integer_value(e);
		}
		r->has_trunks = true;
		r->trunks = trunks;
		r->n_trunks = json_array_size(v);
	}
	return 0;
}

static int port_add(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	struct port_args a = {0};
	int ret;
	(void)res;
	if ((ret = wf_ctl_get_str(p, WF_RPC_KEY_BRIDGE, true, &a.r.bridge, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_NAME, true, &a.r.name, err, el)) < 0 ||
	    (ret = port_req(p, &a, err, el)) < 0)
		return ret;
	if (json_object_get(p, WF_RPC_KEY_OFPORT)) {
		long ofport;
		if ((ret = wf_ctl_get_int(p, WF_RPC_KEY_OFPORT, true, 1, FL_PORT_MAX, &ofport, err,
		                          el)) < 0)
			return ret;
		a.r.ofport = ofport;
	}
	return wf_port_add(ctx, &a.r, err, el);
}

static int port_set(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	struct port_args a = {0};
	int ret;
	(void)res;
	if ((ret = wf_ctl_get_str(p, WF_RPC_KEY_NAME, true, &a.r.name, err, el)) < 0 ||
	    (ret = port_req(p, &a, err, el)) < 0)
		return ret;
	return wf_port_set(ctx, &a.r, err, el);
}

static int port_del(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	const char *name, *bridge;
	int ret;
	(void)res;
	if ((ret = wf_ctl_get_str(p, WF_RPC_KEY_NAME, true, &name, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_BRIDGE, false, &bridge, err, el)) < 0)
		return ret;
	return wf_port_del(ctx, name, bridge, err, el);
}

/* Reads bridge, vlan and mac of an fdb-add/fdb-del request. */
static int fdb_key(struct wf_ctx *ctx, const json_t *p, struct wf_bridge **br, uint16_t *vlan,
                   struct rte_ether_addr *mac, char *err, size_t el)
{
	const char *bname, *smac;
	long v;
	int ret;
	if ((ret = wf_ctl_get_str(p, WF_RPC_KEY_BRIDGE, true, &bname, err, el)) < 0 ||
	    (ret = wf_ctl_get_int(p, WF_RPC_KEY_VLAN, true, 0, 4095, &v, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_MAC, true, &smac, err, el)) < 0)
		return ret;
	if (!(*br = wf_bridge_find(ctx, bname))) {
		snprintf(err, el, "no bridge named '%s'", bname);
		return -ENOENT;
	}
	if (rte_ether_unformat_addr(smac, mac) < 0 || strlen(smac) != 17) {
		snprintf(err, el, "'%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", smac);
		return -EINVAL;
	}
	*vlan = v;
	return 0;
}

static int fdb_add(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	struct wf_bridge *br;
	struct rte_ether_addr mac;
	const char *pname;
	uint16_t vlan;
	int ret;
	(void)res;
	if ((ret = fdb_key(ctx, p, &br, &vlan, &mac, err, el)) < 0 ||
	    (ret = wf_ctl_get_str(p, WF_RPC_KEY_PORT, true, &pname, err, el)) < 0)
		return ret;
	struct wf_port *port = wf_port_find(ctx, pname);
	if (!port || port->bridge != br->index) {
		snprintf(err, el, "bridge %s has no port '%s'", br->name, pname);
		return -ENOENT;
	}
	if (rte_is_multicast_ether_addr(&mac)) {
		snprintf(err, el, "%s is a multicast address: multicast always floods",
		         json_string_value(json_object_get(p, WF_RPC_KEY_MAC)));
		return -EINVAL;
	}
	ret = wf_fdb_add_static(br->fdb, vlan, mac.addr_bytes, port->index);
	if (ret == -ENOSPC)
		snprintf(err, el, "MAC table of %s is full", br->name);
	else if (ret < 0)
		snprintf(err, el, "cannot add the entry: %s", strerror(-ret));
	return ret;
}

static int fdb_del(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	struct wf_bridge *br;
	struct rte_ether_addr mac;
	uint16_t vlan;
	int ret;
	(void)res;
	if ((ret = fdb_key(ctx, p, &br, &vlan, &mac, err, el)) < 0)
		return ret;
	if ((ret = wf_fdb_del(br->fdb, vlan, mac.addr_bytes)) < 0)
		snprintf(err, el, "no entry for VLAN %u MAC %s in %s", vlan,
		         json_string_value(json_object_get(p, WF_RPC_KEY_MAC)), br->name);
	return ret;
}

static int fdb_flush(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	const char *bname;
	unsigned n = 0;
	int ret;
	if ((ret = wf_ctl_get_str(p, WF_RPC_KEY_BRIDGE, false, &bname, err, el)) < 0)
		return ret;
	if (bname && !wf_bridge_find(ctx, bname)) {
		snprintf(err, el, "no bridge named '%s'", bname);
		return -ENOENT;
	}
	for (unsigned b = 0; b < WF_MAX_BRIDGES; b++) {
		struct wf_bridge *br = ctx->bridges[b];
		if (br && (!bname || strcmp(bname, br->name) == 0))
			n += wf_fdb_flush(br->fdb, WF_FDB_PORT_NONE, false);
	}
	*res = json_pack("{s:i}", "flushed", n);
	return 0;
}

static int replay_run(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	(void)p;
	long n = wf_replay_run(ctx, err, el);
	if (n < 0)
		return n;
	*res = json_pack("{s:I}", "frames", (json_int_t)n);
	return 0;
}

static int do_exit(struct wf_ctx *ctx, const json_t *p, json_t **res, char *err, size_t el)
{
	(void)p, (void)res, (void)err, (void)el;
	atomic_store(&ctx->quit, true);
	return 0;
}

const struct wf_ctl_method wf_ctl_config_methods[] = {
    {WF_RPC_METHOD_BRIDGE_ADD, bridge_add}, {WF_RPC_METHOD_BRIDGE_DEL, bridge_del},
    {WF_RPC_METHOD_BRIDGE_SET, bridge_set}, {WF_RPC_METHOD_PORT_ADD, port_add},
    {WF_RPC_METHOD_PORT_DEL, port_del},     {WF_RPC_METHOD_PORT_SET, port_set},
    {WF_RPC_METHOD_FDB_ADD, fdb_add},       {WF_RPC_METHOD_FDB_DEL, fdb_del},
    {WF_RPC_METHOD_FDB_FLUSH, fdb_flush},   {WF_RPC_METHOD_REPLAY_RUN, replay_run},
    {WF_RPC_METHOD_EXIT, do_exit},          {NULL, NULL},
};
