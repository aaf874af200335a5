/* Tunnel ports (type "vxlan"): no device of their own. The switch hands their output to
 * wf_tnl_output() (vtep.c), which encapsulates and sends by an underlay uplink; their input
 * comes from decapsulation on the underlay bridge. port->priv holds the parsed options. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "port.h"
#include "vtep_cfg.h"

static int tnl_open(struct wf_ctx *ctx, struct wf_port *port, char *err, size_t errlen)
{
	struct wf_tnl_cfg *c = malloc(sizeof(*c));
	int ret;
	(void)ctx;
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if ((ret = wf_tnl_cfg_parse(port->name, port->options, c, err, errlen)) < 0) {
		free(c);
		return ret;
	}
	port->priv = c;
	port->n_rxq = 0;
	port->n_txq = 0;
	return 0;
}

static void tnl_close(struct wf_ctx *ctx, struct wf_port *port)
{
	(void)ctx;
	free(port->priv);
	port->priv = NULL;
}

static uint16_t tnl_rx(struct wf_port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	(void)port, (void)q, (void)pkts, (void)n;
	return 0;
}

/* Never called: the switch diverts tunnel output to wf_tnl_output(). */
static uint16_t tnl_tx(struct wf_port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	(void)port, (void)q, (void)pkts, (void)n;
	return 0;
}

static bool tnl_link_up(struct wf_port *port)
{
	(void)port;
	return true;
}

const struct wf_port_class wf_port_vxlan = {
    .type = "vxlan",
    .open = tnl_open,
    .close = tnl_close,
    .rx = tnl_rx,
    .tx = tnl_tx,
    .link_up = tnl_link_up,
};
