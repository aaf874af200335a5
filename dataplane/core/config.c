/* Bridges and ports: validation, creation, removal, snapshot publication (see config.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "util_num.h"

#include "core/config.h"
#include "core/log.h"
#include "ports/port.h"
#include "vtep/neigh.h"
#include "vtep/vtep_cfg.h"
#include "l2/fdb_cfg.h"
#include "vtep/neigh_cfg.h"

/* Every write to ctx->ports[] and ctx->bridges[] goes through these two: they keep
 * n_port_slots / n_bridge_slots, one past the highest slot in use. */
static void set_port_slot(struct wf_ctx *ctx, unsigned idx, struct wf_port *port)
{
	ctx->ports[idx] = port;
	if (port && idx >= ctx->n_port_slots)
		ctx->n_port_slots = idx + 1;
	while (ctx->n_port_slots && !ctx->ports[ctx->n_port_slots - 1])
		ctx->n_port_slots--;
}

static void set_bridge_slot(struct wf_ctx *ctx, unsigned idx, struct wf_bridge *br)
{
	ctx->bridges[idx] = br;
	if (br && idx >= ctx->n_bridge_slots)
		ctx->n_bridge_slots = idx + 1;
	while (ctx->n_bridge_slots && !ctx->bridges[ctx->n_bridge_slots - 1])
		ctx->n_bridge_slots--;
}

struct wf_bridge *wf_bridge_find(const struct wf_ctx *ctx, const char *name)
{
	for (unsigned i = 0; i < ctx->n_bridge_slots; i++)
		if (ctx->bridges[i] && strcmp(ctx->bridges[i]->name, name) == 0)
			return ctx->bridges[i];
	return NULL;
}

struct wf_port *wf_port_find(const struct wf_ctx *ctx, const char *name)
{
	for (unsigned i = 0; i < ctx->n_port_slots; i++)
		if (ctx->ports[i] && strcmp(ctx->ports[i]->name, name) == 0)
			return ctx->ports[i];
	return NULL;
}

static struct wf_port *port_by_ofport(const struct wf_ctx *ctx, uint16_t bridge, uint32_t ofport)
{
	for (unsigned i = 0; i < ctx->n_port_slots; i++)
		if (ctx->ports[i] && ctx->ports[i]->bridge == bridge &&
		    ctx->ports[i]->ofport == ofport)
			return ctx->ports[i];
	return NULL;
}

static int check_name(const struct wf_ctx *ctx, const char *what, const char *name, char *err,
                      size_t errlen)
{
	size_t len = name ? strlen(name) : 0;
	if (len == 0 || len >= WF_NAME_MAX) {
		snprintf(err, errlen, "%s name must be 1..%d characters", what, WF_NAME_MAX - 1);
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!(c == '-' || c == '_' || c == '.' || (c >= '0' && c <= '9') ||
		      (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
			snprintf(err, errlen, "%s name '%s' has a character outside [A-Za-z0-9._-]",
			         what, name);
			return -EINVAL;
		}
	}
	/* Names become file names (<rundir>/<name>.sock): no "." or "..", nor any "..". */
	if (strstr(name, "..") || !strcmp(name, ".")) {
		snprintf(err, errlen, "%s name '%s' must not be '.' or contain '..'", what, name);
		return -EINVAL;
	}
	if (wf_bridge_find(ctx, name) || wf_port_find(ctx, name)) {
		snprintf(err, errlen, "%s name '%s' is already in use", what, name);
		return -EEXIST;
	}
	return 0;
}

/* Validates a bridge's other_config (already merged) and extracts fdb parameters. */
static int bridge_params(const json_t *oc, struct wf_fdb_params *p, struct wf_vtep_cfg *vc,
                         char *err, size_t errlen)
{
	const char *k;
	json_t *v;
	long long x;

	p->aging_s = WF_FDB_DEFAULT_AGING;
	p->max_entries = WF_FDB_DEFAULT_SIZE;
	json_object_foreach((json_t *)oc, k, v)
	{
		if (!json_is_string(v)) {
			snprintf(err, errlen, "other_config:%s must be a string", k);
			return -EINVAL;
		}
	}
	if ((v = json_object_get(oc, "mac-aging-time"))) {
		if (util_parse_int(json_string_value(v), 1, 86400, &x) < 0) {
			snprintf(err, errlen, "other_config:mac-aging-time '%s' is not 1..86400",
			         json_string_value(v));
			return -EINVAL;
		}
		p->aging_s = x;
	}
	if ((v = json_object_get(oc, "mac-table-size"))) {
		if (util_parse_int(json_string_value(v), 1, WF_FDB_MAX_SIZE, &x) < 0) {
			snprintf(err, errlen, "other_config:mac-table-size '%s' is not 1..%u",
			         json_string_value(v), WF_FDB_MAX_SIZE);
			return -EINVAL;
		}
		p->max_entries = x;
	}
	return wf_vtep_cfg_parse(oc, vc, err, errlen);
}

static json_t *merge_config(const json_t *base, const json_t *delta)
{
	json_t *m = base ? json_deep_copy(base) : json_object();
	const char *k;
	json_t *v;
	if (delta) {
		json_object_foreach((json_t *)delta, k, v)
		{
			if (json_is_null(v))
				json_object_del(m, k);
			else
				json_object_set(m, k, v);
		}
	}
	return m;
}

int wf_bridge_add(struct wf_ctx *ctx, const char *name, const json_t *other_config, char *err,
                  size_t errlen)
{
	struct wf_fdb_params p;
	struct wf_vtep_cfg vc;
	int ret = check_name(ctx, "bridge", name, err, errlen);
	if (ret < 0)
		return ret;
	if (other_config && !json_is_object(other_config)) {
		snprintf(err, errlen, "other_config must be an object of strings");
		return -EINVAL;
	}
	json_t *oc = merge_config(NULL, other_config);
	if ((ret = bridge_params(oc, &p, &vc, err, errlen)) < 0)
		goto fail;
	unsigned idx;
	for (idx = 0; idx < WF_MAX_BRIDGES && ctx->bridges[idx]; idx++)
		;
	if (idx == WF_MAX_BRIDGES) {
		snprintf(err, errlen, "too many bridges (max %d)", WF_MAX_BRIDGES);
		ret = -ENOSPC;
		goto fail;
	}
	struct wf_bridge *br = rte_zmalloc("wf_bridge", sizeof(*br), RTE_CACHE_LINE_SIZE);
	struct wf_bridge_conf *conf = calloc(1, sizeof(*conf));
	struct wf_fdb *fdb = wf_fdb_create(&p);
	struct wf_neigh *neigh = vc.enabled ? wf_neigh_create(vc.neigh_timeout) : NULL;
	if (!br || !conf || !fdb || (vc.enabled && !neigh)) {
		rte_free(br);
		free(conf);
		wf_neigh_destroy(neigh);
		if (fdb)
			wf_fdb_destroy(fdb);
		snprintf(err, errlen, "out of memory for bridge '%s'", name);
		ret = -ENOMEM;
		goto fail;
	}
	if (wf_ofp_bridge_init(&conf->ofp, wf_ofp_now_ms(ctx)) < 0) {
		rte_free(br);
		free(conf);
		wf_neigh_destroy(neigh);
		wf_fdb_destroy(fdb);
		snprintf(err, errlen, "out of memory for bridge '%s'", name);
		ret = -ENOMEM;
		goto fail;
	}
	snprintf(br->name, sizeof(br->name), "%s", name);
	br->index = idx;
	br->conf = conf;
	conf->other_config = oc;
	conf->vtep = vc;
	br->fdb = fdb;
	br->neigh = neigh;
	set_bridge_slot(ctx, idx, br);
	if ((ret = wf_vtep_check(ctx, err, errlen)) < 0 || (ret = wf_config_publish(ctx)) < 0) {
		if (ret == -ENOMEM)
			snprintf(err, errlen, "out of memory publishing the configuration");
		set_bridge_slot(ctx, idx, NULL);
		wf_fdb_destroy(fdb);
		wf_neigh_destroy(neigh);
		wf_ofp_bridge_fini(&conf->ofp);
		free(conf);
		rte_free(br);
		goto fail;
	}
	WF_LOG(INFO, "bridge %s added (aging %us, table %u)", name, p.aging_s, p.max_entries);
	return 0;
fail:
	json_decref(oc);
	return ret;
}

int wf_bridge_fdb_replace(struct wf_ctx *ctx, struct wf_bridge *br,
                          const struct wf_fdb_params *params)
{
	struct wf_fdb *fdb = wf_fdb_create(params), *old = br->fdb;
	if (!fdb)
		return -ENOMEM;
	wf_fdb_copy(fdb, old, wf_ctx_now(ctx));
	br->fdb = fdb;
	if (wf_config_publish(ctx) < 0) {
		br->fdb = old;
		wf_fdb_destroy(fdb);
		return -ENOMEM;
	}
	wf_fdb_destroy(old); /* after the grace period publish waited for */
	return 0;
}

int wf_bridge_set(struct wf_ctx *ctx, const char *name, const json_t *other_config, char *err,
                  size_t errlen)
{
	struct wf_bridge *br = wf_bridge_find(ctx, name);
	struct wf_fdb_params p, old;
	struct wf_vtep_cfg vc, old_vc;
	int ret;

	if (!br) {
		snprintf(err, errlen, "no bridge named '%s'", name ? name : "");
		return -ENOENT;
	}
	if (!json_is_object(other_config)) {
		snprintf(err, errlen, "other_config must be an object of strings");
		return -EINVAL;
	}
	json_t *oc = merge_config(br->conf->other_config, other_config);
	if ((ret = bridge_params(oc, &p, &vc, err, errlen)) < 0) {
		json_decref(oc);
		return ret;
	}
	/* Underlay keys first: they can be refused by the consistency check. */
	old_vc = br->conf->vtep;
	br->conf->vtep = vc;
	if ((ret = wf_vtep_check(ctx, err, errlen)) < 0) {
		br->conf->vtep = old_vc;
		json_decref(oc);
		return ret;
	}
	bool new_neigh = vc.enabled && !br->neigh;
	if (new_neigh && !(br->neigh = wf_neigh_create(vc.neigh_timeout))) {
		br->conf->vtep = old_vc;
		json_decref(oc);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* One new snapshot carries the new MAC table (if resized) and the tunnel derivations. */
	wf_fdb_get_params(br->fdb, &old);
	if (p.max_entries != old.max_entries)
		ret = wf_bridge_fdb_replace(ctx, br, &p);
	else
		ret = wf_config_publish(ctx);
	if (ret < 0) {
		snprintf(err, errlen,
		         "out of memory for a %u-entry MAC table or the new configuration",
		         p.max_entries);
		br->conf->vtep = old_vc;
		if (new_neigh) {
			wf_neigh_destroy(br->neigh); /* never published */
			br->neigh = NULL;
		}
		json_decref(oc);
		return ret;
	}
	if (p.aging_s != old.aging_s)
		wf_fdb_set_aging(br->fdb, p.aging_s);
	if (br->neigh)
		br->neigh->timeout_s = vc.neigh_timeout;
	json_decref(br->conf->other_config);
	br->conf->other_config = oc;
	return 0;
}

static void port_free(struct wf_port *port)
{
	if (port->conf) {
		json_decref(port->conf->options);
		free(port->conf->trunks);
		free(port->conf);
	}
	free((void *)port->vlan);
	rte_free(port);
}

/* Removes a port: publish a snapshot without it, then (after the grace period) free it. If no
 * snapshot can be built (ENOMEM) the port stays, since PMDs still see it. 0 or -ENOMEM. */
static int port_remove(struct wf_ctx *ctx, struct wf_port *port)
{
	struct wf_bridge *br = ctx->bridges[port->bridge];
	set_port_slot(ctx, port->index, NULL);
	if (wf_config_publish(ctx) < 0) {
		set_port_slot(ctx, port->index, port);
		return -ENOMEM;
	}
	/* No PMD references the port any more: forget what was learned on it, then close. */
	wf_fdb_flush(br->fdb, port->index, true);
	port->cls->close(ctx, port);
	WF_LOG(INFO, "port %s removed from %s", port->name, br->name);
	port_free(port);
	return 0;
}

int wf_bridge_del(struct wf_ctx *ctx, const char *name, char *err, size_t errlen)
{
	struct wf_bridge *br = wf_bridge_find(ctx, name);
	if (!br) {
		snprintf(err, errlen, "no bridge named '%s'", name ? name : "");
		return -ENOENT;
	}
	for (unsigned i = 0; i < ctx->n_port_slots; i++) {
		if (ctx->ports[i] && ctx->ports[i]->bridge == br->index &&
		    port_remove(ctx, ctx->ports[i]) < 0)
			goto nomem;
	}
	set_bridge_slot(ctx, br->index, NULL);
	if (wf_config_publish(ctx) < 0) {
		set_bridge_slot(ctx, br->index, br);
		goto nomem;
	}
	wf_fdb_destroy(br->fdb);
	wf_neigh_destroy(br->neigh);
	json_decref(br->conf->other_config);
	wf_ofp_bridge_fini(&br->conf->ofp);
	free(br->conf);
	WF_LOG(INFO, "bridge %s removed", br->name);
	rte_free(br);
	return 0;
nomem:
	snprintf(err, errlen,
	         "out of memory publishing the configuration (bridge %s partly removed)", name);
	return -ENOMEM;
}

/* Validates the VLAN columns of 'req' over the current ones of 'port' (NULL for a new port)
 * and builds the rules. On success *cfgp is malloc'd and 'port' columns are not touched. */
static int port_vlan(const struct wf_port_req *req, const struct wf_port *port,
                     struct wf_vlan_cfg **cfgp, char *err, size_t errlen)
{
	const struct wf_port_conf *pc = port ? port->conf : NULL;
	int tag = req->has_tag ? req->tag : pc ? pc->tag : -1;
	const char *mode = req->has_vlan_mode       ? req->vlan_mode
	                   : pc && pc->vlan_mode[0] ? pc->vlan_mode
	                                            : NULL;
	const int *trunks = req->has_trunks ? req->trunks : pc ? pc->trunks : NULL;
	unsigned n = req->has_trunks ? req->n_trunks : pc ? pc->n_trunks : 0;
	struct wf_vlan_cfg *cfg = malloc(sizeof(*cfg));

	if (!cfg) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	int ret = wf_vlan_cfg_build(cfg, tag, mode, trunks, n, err, errlen);
	if (ret < 0) {
		free(cfg);
		return ret;
	}
	*cfgp = cfg;
	return 0;
}

/* Copies the request's VLAN columns into the port's shown columns. */
static int port_take_vlan_columns(struct wf_port_conf *pc, const struct wf_port_req *req)
{
	if (req->has_tag)
		pc->tag = req->tag;
	if (req->has_vlan_mode)
		snprintf(pc->vlan_mode, sizeof(pc->vlan_mode), "%s",
		         req->vlan_mode ? req->vlan_mode : "");
	if (req->has_trunks) {
		int *t = NULL;
		if (req->n_trunks) {
			t = malloc(req->n_trunks * sizeof(*t));
			if (!t)
				return -ENOMEM;
			memcpy(t, req->trunks, req->n_trunks * sizeof(*t));
		}
		free(pc->trunks);
		pc->trunks = t;
		pc->n_trunks = req->n_trunks;
	}
	return 0;
}

static int check_options(const json_t *options, char *err, size_t errlen)
{
	const char *k;
	json_t *v;
	if (!options)
		return 0;
	if (!json_is_object(options)) {
		snprintf(err, errlen, "options must be an object of strings");
		return -EINVAL;
	}
	json_object_foreach((json_t *)options, k, v)
	{
		if (!json_is_string(v)) {
			snprintf(err, errlen, "options:%s must be a string", k);
			return -EINVAL;
		}
	}
	return 0;
}

int wf_port_add(struct wf_ctx *ctx, const struct wf_port_req *req, char *err, size_t errlen)
{
	struct wf_bridge *br = req->bridge ? wf_bridge_find(ctx, req->bridge) : NULL;
	const char *type = req->type ? req->type : "";
	struct wf_vlan_cfg *vlan = NULL;
	int ret;

	if (!br) {
		snprintf(err, errlen, "no bridge named '%s'", req->bridge ? req->bridge : "");
		return -ENOENT;
	}
	if ((ret = check_name(ctx, "port", req->name, err, errlen)) < 0)
		return ret;
	const struct wf_port_class *cls = wf_port_class_find(type);
	if (!cls || (cls->replay_only && !ctx->replay)) {
		char types[256];
		wf_port_class_list(types, sizeof(types));
		if (type[0])
			snprintf(err, errlen, "port %s: unknown type '%s' (use %s)", req->name,
			         type, types);
		else
			snprintf(err, errlen,
			         "port %s: no type given (use %s; typeless replay ports need "
			         "--replay)",
			         req->name, types);
		return -EINVAL;
	}
	if ((ret = check_options(req->options, err, errlen)) < 0)
		return ret;
	uint32_t ofport = req->ofport;
	if (ofport && port_by_ofport(ctx, br->index, ofport)) {
		snprintf(err, errlen, "port %s: ofport %u is already port %s of %s", req->name,
		         ofport, port_by_ofport(ctx, br->index, ofport)->name, br->name);
		return -EEXIST;
	}
	if (ofport > FL_PORT_MAX) {
		snprintf(err, errlen, "port %s: ofport %u is not 1..%u", req->name, ofport,
		         FL_PORT_MAX);
		return -EINVAL;
	}
	for (uint32_t o = 1; !ofport && o <= FL_PORT_MAX; o++)
		if (!port_by_ofport(ctx, br->index, o))
			ofport = o;
	if ((ret = port_vlan(req, NULL, &vlan, err, errlen)) < 0)
		return ret;
	unsigned idx;
	for (idx = 0; idx < WF_MAX_PORTS && ctx->ports[idx]; idx++)
		;
	struct wf_port *port = NULL;
	if (idx == WF_MAX_PORTS) {
		snprintf(err, errlen, "too many ports (max %d)", WF_MAX_PORTS);
		ret = -ENOSPC;
		goto fail;
	}
	port = rte_zmalloc("wf_port", sizeof(*port), RTE_CACHE_LINE_SIZE);
	if (port && !(port->conf = calloc(1, sizeof(*port->conf)))) {
		rte_free(port);
		port = NULL;
	}
	if (!port) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	snprintf(port->name, sizeof(port->name), "%s", req->name);
	port->index = idx;
	port->bridge = br->index;
	port->ofport = ofport;
	port->cls = cls;
	port->conf->tag = -1;
	port->conf->options = req->options ? json_deep_copy(req->options) : json_object();
	for (unsigned i = 0; i < WF_MAX_THREADS; i++)
		rte_spinlock_init(&port->txlock[i]);
	if (port_take_vlan_columns(port->conf, req) < 0) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	port->vlan = vlan;
	vlan = NULL;
	if ((ret = cls->open(ctx, port, err, errlen)) < 0)
		goto fail;
	port->link = cls->link_up(port);
	set_port_slot(ctx, idx, port);
	if ((ret = wf_vtep_check(ctx, err, errlen)) < 0 || (ret = wf_config_publish(ctx)) < 0) {
		if (ret == -ENOMEM)
			snprintf(err, errlen, "out of memory publishing the configuration");
		set_port_slot(ctx, idx, NULL);
		cls->close(ctx, port);
		goto fail;
	}
	WF_LOG(INFO, "port %s (%s) added to %s as index %u", port->name, type[0] ? type : "replay",
	       br->name, idx);
	return 0;
fail:
	free(vlan);
	if (port)
		port_free(port);
	return ret;
}

int wf_port_del(struct wf_ctx *ctx, const char *name, const char *bridge, char *err, size_t errlen)
{
	struct wf_port *port = name ? wf_port_find(ctx, name) : NULL;
	if (!port) {
		snprintf(err, errlen, "no port named '%s'", name ? name : "");
		return -ENOENT;
	}
	if (bridge && strcmp(ctx->bridges[port->bridge]->name, bridge) != 0) {
		snprintf(err, errlen, "bridge %s does not have a port %s", bridge, name);
		return -ENOENT;
	}
	if (port_remove(ctx, port) < 0) {
		snprintf(err, errlen, "out of memory publishing the configuration");
		return -ENOMEM;
	}
	return 0;
}

int wf_port_set(struct wf_ctx *ctx, const struct wf_port_req *req, char *err, size_t errlen)
{
	struct wf_port *port = req->name ? wf_port_find(ctx, req->name) : NULL;
	struct wf_vlan_cfg *vlan;
	int ret;

	if (!port) {
		snprintf(err, errlen, "no port named '%s'", req->name ? req->name : "");
		return -ENOENT;
	}
	if (req->type && strcmp(req->type, port->cls->type) != 0) {
		snprintf(err, errlen, "port %s: type cannot change (%s); delete and re-add it",
		         port->name, port->cls->type[0] ? port->cls->type : "replay");
		return -EINVAL;
	}
	if (req->options) {
		if ((ret = check_options(req->options, err, errlen)) < 0)
			return ret;
		json_t *merged = merge_config(port->conf->options, req->options);
		int same = json_equal(merged, port->conf->options);
		json_decref(merged);
		if (!same) {
			snprintf(err, errlen,
			         "port %s: options cannot change on a running port; delete and "
			         "re-add it",
			         port->name);
			return -EBUSY;
		}
	}
	if ((ret = port_vlan(req, port, &vlan, err, errlen)) < 0)
		return ret;
	const struct wf_vlan_cfg *old = port->vlan;
	port->vlan = vlan;
	if (wf_config_publish(ctx) < 0) {
		port->vlan = old;
		free(vlan);
		snprintf(err, errlen, "out of memory publishing the configuration");
		return -ENOMEM;
	}
	free((void *)old);
	if (port_take_vlan_columns(port->conf, req) < 0) {
		snprintf(err, errlen, "out of memory (VLAN rules applied, columns not shown)");
		return -ENOMEM;
	}
	/* What was learned on the port may belong to VLANs it left. */
	wf_fdb_flush(ctx->bridges[port->bridge]->fdb, port->index, false);
	return 0;
}

void wf_config_clear(struct wf_ctx *ctx)
{
	char err[256];
	for (unsigned i = 0; i < ctx->n_bridge_slots; i++)
		if (ctx->bridges[i])
			wf_bridge_del(ctx, ctx->bridges[i]->name, err, sizeof(err));
}
