/* Port classes: one vtable (struct wf_port_class, core/ctx.h) per OVS Interface type, one file
 * each, and the registry that finds them. Control plane (main lcore) except where noted.
 *
 *   ports/port_eth.c     "dpdk"                 DPDK ethdevs (options:dpdk-devargs)
 *   ports/port_system.c  "system"               the Linux interface named like the port
 *                                               (AF_PACKET; cuts TSO super-frames)
 *   ports/port_vhost.c   "dpdkvhostuser"        vhost-user server socket <rundir>/<name>.sock
 *                        "dpdkvhostuserclient"  vhost-user client (options:vhost-server-path)
 *   ports/port_tnl.c     "vxlan"                VXLAN tunnel: tx encapsulates (vtep/vtep.h)
 *   ports/port_replay.c  "" (replay mode only)  libpcap files of a pcap test case */
#ifndef WF_PORT_H
#define WF_PORT_H

#include <stddef.h>

#include "core/ctx.h"

struct wf_tnl_cfg;

/* The class of OVS Interface type 'type' ("" = replay), or NULL if there is none. */
const struct wf_port_class *wf_port_class_find(const char *type);

/* Writes the user-visible types ("dpdkvhostuser, dpdkvhostuserclient, dpdk, system, vxlan") into
 * 'buf' (classes allowed only in replay mode are left out). */
void wf_port_class_list(char *buf, size_t len);

/* Option 'key' of a port as a string, or NULL. */
const char *wf_port_option(const struct wf_port *, const char *key);

/* get_mac of classes without a MAC address: -ENOTSUP. */
int wf_port_no_mac(struct wf_port *, uint8_t mac[6]);

/* Tunnel ports: the parsed options of 'port', or NULL if it is not a tunnel port. */
const struct wf_tnl_cfg *wf_port_tnl_cfg(const struct wf_port *port);

/* Replay ports: the pcap input file name of the port ("<dir>/<name>.in.pcap"). 0, -ENODEV if
 * 'port' is not a replay port, or -ENAMETOOLONG. */
int wf_port_replay_input(const struct wf_ctx *, const struct wf_port *, char *path, size_t len);
/* Replay ports: flushes the recorded output file; no-op on other ports. */
void wf_port_replay_flush(struct wf_port *);

#endif
