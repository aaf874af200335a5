/* Write-back: the Interface and Open_vSwitch columns OVS users read, computed from the
 * dataplane's state and compared with the replica, so only real changes are written.
 *
 * For each Interface the desired state reaches (desired.h):
 * - in the dataplane: ofport (ofport_request if free, else the ofport it already has, else the
 *   lowest free number >= 1: stable across restarts since it lives in the database),
 *   link_state, status (driver_name, port_index, and for vhost-user: mode, socket,
 *   status=connected|disconnected), statistics (rx/tx packets, bytes, dropped), error (empty,
 *   or a port-set failure);
 * - not created (an error is known for it): ofport -1, error = the dataplane's message,
 *   link_state and status empty;
 * - the bridge's local port: ofport 65534 (OVS's LOCAL), link_state up, a status saying it has
 *   no dataplane port, no error; a bond: ofport -1 and the error.
 * Interfaces with neither a dataplane port nor an error are left alone. Bridges whose flows
 * were never initialized get their default Flow row and marker (flowdb.h: ctd_flows_init_ops);
 * Flow rows of bridges that no longer exist are deleted (ctd_flows_gc_ops).
 * Open_vSwitch cur_cfg is set to next_cfg when 'set_cur_cfg'.
 *
 * Pure: returns the RFC 7047 operations to transact (possibly none).
 */
#ifndef CTD_WRITEBACK_H
#define CTD_WRITEBACK_H

#include <jansson.h>
#include <stdbool.h>

#include "desired.h"
#include "replica.h"
#include "state.h"

struct ctd_wb_input {
	const struct ctd_replica *replica;
	const struct ctd_desired *desired;
	const struct ctd_state *actual; /* the dataplane after the pass */
	const json_t *stats;            /* the dataplane's `stats` result, or NULL */
	const struct ctd_smap *errors;  /* interface name -> error message */
	const char *rundir;             /* for vhost-user server socket paths */
	bool set_cur_cfg;
};

/* A new array of "update" operations on Interface and Open_vSwitch rows (empty when the
 * database already holds every value). NULL only when out of memory. */
json_t *ctd_writeback_ops(const struct ctd_wb_input *in);

/* True when two RFC 7047 values are the same datum (a set of one equals its atom, maps and sets
 * compare regardless of order). */
bool ctd_datum_equal(const json_t *a, const json_t *b);

#endif /* CTD_WRITEBACK_H */
