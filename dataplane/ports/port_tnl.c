/* Tunnel ports (type "vxlan"): no device of their own. Their tx is the encapsulation path
 * (wf_tnl_tx, vtep/vtep.c), which sends by an underlay uplink; their input comes from
 * decapsulation on the underlay bridge (wf_vtep_input). port->priv holds the parsed options. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/config.h"
#include "ports/port.h"
#include "vtep/vtep.h"
#include "vtep/vtep_cfg.h"

static int tnl_open(struct wf_ctx *ctx, struct wf_port *port, char *err, size_t errlen)
{
	struct wf_tnl_cfg *c = malloc(sizeof(*c));
	int ret;
	(void)ctx;
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if ((ret = wf_tnl_cfg_parse(port->name, port->conf->options, c, err, errlen)) < 0) {
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

static bool tnl_link_up(struct wf_port *port)
{
	(void)port;
	return true;
}

const struct wf_port_class wf_port_vxlan = {
    .type = "vxlan",
    .tx_in_dry_run = true,
    .open = tnl_open,
    .close = tnl_close,
    .rx = tnl_rx,
    .tx = wf_tnl_tx,
    .link_up = tnl_link_up,
    .get_mac = wf_port_no_mac,
};

const struct wf_tnl_cfg *wf_port_tnl_cfg(const struct wf_port *port)
{
	return port->cls == &wf_port_vxlan ? port->priv : NULL;
}
