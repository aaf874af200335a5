/* Plain C model of a switch configuration, shared by the desired state (built from the
 * database, desired.c) and the actual state (the dataplane's `show`, state.c), and compared by
 * the pure diff (diff.h).
 *
 * Ownership: a ctd_state owns every string and array under it; ctd_state_free() releases all.
 * String maps are kept sorted by key with unique keys (ctd_smap_set). Trunk lists are sorted
 * and unique (ctd_port_set_trunks). Builders return NULL / -ENOMEM only when out of memory.
 */
#ifndef CTD_STATE_H
#define CTD_STATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct ctd_kv {
	char *key;
	char *value;
};

struct ctd_smap {
	struct ctd_kv *kv; /* sorted by key */
	size_t n_kv;
};

struct ctd_port {
	char *name;
	char *type; /* "" = none */
	struct ctd_smap options;
	int tag;     /* -1 = none */
	int *trunks; /* sorted, unique; none = every VLAN */
	size_t n_trunks;
	char *vlan_mode; /* NULL = default: access with a tag, else trunk */
	/* OpenFlow port number. Desired: the Interface's ofport_request, else the ofport the
	 * DB already shows (1..65279), sent with port-add; 0 = the dataplane chooses. Actual:
	 * what `show` reports. Not compared by the diff (a number is only given at creation). */
	int ofport;
	/* Only in an actual state (from `show`): */
	int port_index; /* -1 if unknown */
	bool link_up;
};

struct ctd_bridge {
	char *name;
	struct ctd_smap other_config;
	struct ctd_port *ports;
	size_t n_ports;
	/* OpenFlow flows (flowdb.h). Desired: flow strings built from the bridge's Flow rows
	 * (ctd_flow_row_string), syntax-checked. Actual: from `flow-dump`. The diff compares them
	 * canonicalized. Not managed (no flow-dump, no flow-replace): underlay bridges. */
	bool flows_managed;
	bool flows_known; /* actual: the flow-dump answered */
	char **flows;
	size_t n_flows;
};

struct ctd_state {
	struct ctd_bridge *bridges;
	size_t n_bridges;
};

/* String maps. */
int ctd_smap_set(struct ctd_smap *, const char *key, const char *value);
const char *ctd_smap_get(const struct ctd_smap *, const char *key);
bool ctd_smap_equal(const struct ctd_smap *, const struct ctd_smap *);
void ctd_smap_free(struct ctd_smap *);
/* From a JSON object of strings (non-strings: -EINVAL); to a new JSON object. */
int ctd_smap_from_json(struct ctd_smap *, const json_t *obj);
json_t *ctd_smap_to_json(const struct ctd_smap *);

/* Builders. Returned pointers stay valid until the next add to the same array. */
struct ctd_bridge *ctd_state_add_bridge(struct ctd_state *, const char *name);
struct ctd_port *ctd_bridge_add_port(struct ctd_bridge *, const char *name, const char *type);
int ctd_port_set_trunks(struct ctd_port *, const int *trunks, size_t n);
int ctd_port_set_vlan_mode(struct ctd_port *, const char *mode);

/* The VLAN mode in force: vlan_mode, else "access" with a tag, else "trunk". */
const char *ctd_port_vlan_mode(const struct ctd_port *);

/* True when the VLAN columns (tag, trunks, effective mode) are the same. */
bool ctd_port_vlan_equal(const struct ctd_port *, const struct ctd_port *);

void ctd_state_free(struct ctd_state *);

/* Reads the result of the dataplane's `show` (docs/control-rpc.md). -EPROTO on a malformed
 * result. */
int ctd_state_from_show(struct ctd_state *, const json_t *result);

#endif /* CTD_STATE_H */
