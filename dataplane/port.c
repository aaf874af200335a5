/* The registry of port classes, one per OVS Interface type. */
#include <string.h>

#include <rte_common.h>

#include "config.h"
#include "port.h"

const struct wf_port_class *wf_port_class_find(const char *type)
{
	static const struct wf_port_class *const classes[] = {
	    &wf_port_dpdk,   &wf_port_vhostuser, &wf_port_vhostuserclient,
	    &wf_port_replay, &wf_port_vxlan,
	};
	for (unsigned i = 0; i < RTE_DIM(classes); i++)
		if (strcmp(classes[i]->type, type) == 0)
			return classes[i];
	return NULL;
}
