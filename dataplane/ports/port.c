/* The registry of port classes, one per OVS Interface type (see port.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <rte_common.h>

#include "core/config.h"
#include "ports/port.h"

extern const struct wf_port_class wf_port_dpdk;
extern const struct wf_port_class wf_port_vhostuser;
extern const struct wf_port_class wf_port_vhostuserclient;
extern const struct wf_port_class wf_port_vxlan;
extern const struct wf_port_class wf_port_replay;
extern const struct wf_port_class wf_port_system;

static const struct wf_port_class *const classes[] = {
    &wf_port_vhostuser, &wf_port_vhostuserclient, &wf_port_dpdk,
    &wf_port_system,    &wf_port_vxlan,           &wf_port_replay,
};

const struct wf_port_class *wf_port_class_find(const char *type)
{
	for (unsigned i = 0; i < RTE_DIM(classes); i++)
		if (strcmp(classes[i]->type, type) == 0)
			return classes[i];
	return NULL;
}

void wf_port_class_list(char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < RTE_DIM(classes) && off < len; i++)
		if (!classes[i]->replay_only)
			off += snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
			                classes[i]->type);
}

const char *wf_port_option(const struct wf_port *port, const char *key)
{
	return json_string_value(json_object_get(port->conf->options, key));
}

int wf_port_no_mac(struct wf_port *port, uint8_t mac[6])
{
	(void)port, (void)mac;
	return -ENOTSUP;
}
