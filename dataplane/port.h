/* Port classes (one vtable per OVS Interface type) and helpers shared by them. */
#ifndef WF_PORT_H
#define WF_PORT_H

#include "ctx.h"

extern const struct wf_port_class wf_port_dpdk;            /* type "dpdk" */
extern const struct wf_port_class wf_port_vhostuser;       /* type "dpdkvhostuser" */
extern const struct wf_port_class wf_port_vhostuserclient; /* type "dpdkvhostuserclient" */
extern const struct wf_port_class wf_port_replay;          /* no type, replay mode only */
extern const struct wf_port_class wf_port_vxlan;           /* type "vxlan" (port_tnl.c) */

/* Option 'key' of a port as a string, or NULL. */
const char *wf_port_option(const struct wf_port *, const char *key);

/* Replay ports: flush recorded output files (main lcore, after a replay run). */
void wf_port_replay_flush(struct wf_port *);
/* Replay ports: the pcap input file name of the port ("<dir>/<name>.in.pcap"). */
int wf_port_replay_input(const struct wf_ctx *, const struct wf_port *, char *path, size_t len);

#endif
