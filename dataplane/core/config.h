/* Configuration of bridges and ports (main lcore only).
 *
 * Every function validates its whole request first and either applies it completely or
 * returns -errno with a one-line reason in 'err' and changes nothing. Applying means: build
 * the new objects, publish a new snapshot (wf_config_publish), wait for a grace period, then
 * free what only the old snapshot referenced. */
#ifndef WF_CONFIG_H
#define WF_CONFIG_H

#include <stddef.h>

#include <jansson.h>

#include "core/ctx.h"
#include "ofp/ofp_cfg.h"
#include "vtep/vtep_cfg.h"

/* The control plane's view of a port (port->conf): the columns as configured, shown by
 * `show`. PMDs never read it. */
struct wf_port_conf {
	json_t *options; /* {string: string}, owned */
	int tag;         /* -1 = unset */
	char vlan_mode[20];
	int *trunks;
	unsigned n_trunks;
};

/* The control plane's view of a bridge (br->conf). */
struct wf_bridge_conf {
	json_t *other_config;     /* {string: string}, owned */
	struct wf_vtep_cfg vtep;  /* underlay keys (vtep/vtep.h); enabled with tunnel-ip */
	struct wf_ofp_bridge ofp; /* flow tables (ofp/ofp_cfg.h) */
};

/* A port-add or port-set request. has_* say which columns are given. */
struct wf_port_req {
	const char *bridge;
	const char *name;
	const char *type;      /* NULL or "": replay port (replay mode only) */
	const json_t *options; /* borrowed {string: string}, may be NULL */
	bool has_tag;
	int tag; /* -1: clear */
	bool has_trunks;
	const int *trunks;
	unsigned n_trunks;
	bool has_vlan_mode;
	const char *vlan_mode; /* NULL: clear */
	uint32_t ofport;       /* port-add: OpenFlow port number; 0: the lowest free from 1 */
};

struct wf_bridge *wf_bridge_find(const struct wf_ctx *, const char *name);
struct wf_port *wf_port_find(const struct wf_ctx *, const char *name);

/* other_config is a borrowed {string: string} (may be NULL). */
int wf_bridge_add(struct wf_ctx *, const char *name, const json_t *other_config, char *err,
                  size_t errlen);
int wf_bridge_del(struct wf_ctx *, const char *name, char *err, size_t errlen);
/* Merges 'other_config' into the bridge's (a JSON null value removes a key). */
int wf_bridge_set(struct wf_ctx *, const char *name, const json_t *other_config, char *err,
                  size_t errlen);

int wf_port_add(struct wf_ctx *, const struct wf_port_req *, char *err, size_t errlen);
/* 'bridge' may be NULL; if given, the port must belong to it. */
int wf_port_del(struct wf_ctx *, const char *name, const char *bridge, char *err, size_t errlen);
int wf_port_set(struct wf_ctx *, const struct wf_port_req *, char *err, size_t errlen);

/* Start-up after rte_eal_init() (main lcore), once the options are in 'ctx' (replay, n_pmds,
 * n_mbufs): the mbuf pool, the RCU state, the forwarding threads' buffers (slot 0 = the main
 * lcore, replay mode; one per PMD, lcores taken from EAL's workers), the clock, and an empty
 * snapshot published. 0 or -errno (logged). Used by core/main.c and tests/fuzz (core/setup.c). */
int wf_ctx_setup(struct wf_ctx *);

/* Removes every port and bridge (shutdown). */
void wf_config_clear(struct wf_ctx *);

/* Builds a snapshot from ctx->ports/bridges, publishes it and waits for a grace period, after
 * which the previous snapshot is freed. 0 or -ENOMEM (then nothing changed). */
int wf_config_publish(struct wf_ctx *);

/* Replaces the MAC table of 'br' by a new one with 'params' holding the current entries (a
 * resize, or a rebuild without dead slots), publishes it and frees the old one after the
 * grace period. 0, or -ENOMEM and nothing changed. */
int wf_bridge_fdb_replace(struct wf_ctx *, struct wf_bridge *br,
                          const struct wf_fdb_params *params);

#endif
