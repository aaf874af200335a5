/* Ports that are DPDK ethdevs: type "dpdk" with options:dpdk-devargs (net_pcap, net_af_packet,
 * net_af_xdp, net_tap, net_null, a PCI device). Devices are hot-plugged with rte_dev_probe()
 * and removed with rte_dev_remove(), so traffic on other ports is never disturbed.
 * (vhost-user ports are in port_vhost.c.) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>

#include "util_num.h"

#include "core/log.h"
#include "ports/port.h"

#define WF_RX_DESC 1024
#define WF_TX_DESC 1024

extern const struct wf_port_class wf_port_dpdk; /* this file's class, defined at its end */

/* The ethdev port id lives in port->priv itself (no allocation, no pointer to chase on the
 * fast path). */
static uint16_t eth_pid(const struct wf_port *port)
{
	return (uint16_t)(uintptr_t)port->priv;
}

static void eth_release(uint16_t pid)
{
	struct rte_eth_dev_info info;
	struct rte_device *dev = NULL;

	if (rte_eth_dev_info_get(pid, &info) == 0)
		dev = (struct rte_device *)info.device;
	rte_eth_dev_stop(pid);
	rte_eth_dev_close(pid);
	if (dev)
		rte_dev_remove(dev);
}

/* The other weft port that uses ethdev 'pid', or NULL. */
static const struct wf_port *eth_owner(const struct wf_ctx *ctx, const struct wf_port *self,
                                       uint16_t pid)
{
	for (unsigned i = 0; i < WF_MAX_PORTS; i++) {
		const struct wf_port *p = ctx->ports[i];
		if (p && p != self && p->cls == &wf_port_dpdk && eth_pid(p) == pid)
			return p;
	}
	return NULL;
}

/* -EEXIST with a reason when 'pid' is another port's device: a second port on one device would
 * share (and, failing, release) the first one's queues. */
static int eth_check_free(const struct wf_ctx *ctx, const struct wf_port *port, uint16_t pid,
                          char *err, size_t errlen)
{
	const struct wf_port *owner = eth_owner(ctx, port, pid);
	char name[RTE_ETH_NAME_MAX_LEN] = "?";

	if (!owner)
		return 0;
	rte_eth_dev_get_name_by_port(pid, name);
	snprintf(err, errlen, "port %s: device '%s' is already used by port %s", port->name, name,
	         owner->name);
	return -EEXIST;
}

/* Creates the device described by 'devargs', configures one rx queue (or options:n_rxq) and
 * one tx queue per forwarding thread, and starts it. */
static int eth_open(struct wf_ctx *ctx, struct wf_port *port, const char *devargs, char *err,
                    size_t errlen)
{
	struct rte_dev_iterator it;
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	uint16_t pid = RTE_MAX_ETHPORTS, nrx = WF_RX_DESC, ntx = WF_TX_DESC;
	unsigned n_threads = ctx->replay || ctx->n_pmds == 0 ? 1 : ctx->n_pmds;
	char name[128];
	int ret;

	snprintf(name, sizeof(name), "%s", devargs); /* the device name: devargs up to a ',' */
	name[strcspn(name, ",")] = 0;
	if (rte_eth_dev_get_port_by_name(name, &pid) == 0 &&
	    (ret = eth_check_free(ctx, port, pid, err, errlen)) < 0)
		return ret;
	pid = RTE_MAX_ETHPORTS;
	ret = rte_dev_probe(devargs);
	if (ret < 0) {
		snprintf(err, errlen,
		         "port %s: cannot create device '%s' (unknown driver, bad devargs or "
		         "device busy; see the dataplane log)",
		         port->name, devargs);

		return ret == -EEXIST ? -EEXIST : -ENODEV;
	}
	if (rte_eth_iterator_init(&it, devargs) == 0) {
		pid = rte_eth_iterator_next(&it);
		rte_eth_iterator_cleanup(&it);
	}
	if (pid >= RTE_MAX_ETHPORTS) {
		if (rte_eth_dev_get_port_by_name(name, &pid) < 0) {
			snprintf(err, errlen, "port %s: device '%s' has no ethdev", port->name,
			         devargs);
			rte_eal_hotplug_remove("vdev", name);
			return -ENODEV;
		}
	}
	if ((ret = eth_check_free(ctx, port, pid, err, errlen)) < 0)
		return ret; /* another name of a device in use (probe gave it back): keep it */
	port->priv = (void *)(uintptr_t)pid;
	if ((ret = rte_eth_dev_info_get(pid, &info)) < 0)
		goto fail;
	const char *nq = wf_port_option(port, "n_rxq");
	long long n_rxq = 1;
	if (nq && util_parse_int(nq, 1, 64, &n_rxq) < 0)
		n_rxq = 0; /* not a number, or out of 1..64: refused below */
	if (n_rxq < 1 || n_rxq > info.max_rx_queues || n_rxq > 64) {
		snprintf(err, errlen, "port %s: options:n_rxq must be 1..%u", port->name,
		         RTE_MIN(info.max_rx_queues, 64));
		eth_release(pid);
		return -EINVAL;
	}
	port->n_rxq = ctx->replay ? 0 : n_rxq;
	port->n_txq = RTE_MIN(n_threads, info.max_tx_queues);
	port->tx_shared = port->n_txq < n_threads;
	memset(&conf, 0, sizeof(conf));
	if (n_rxq > 1) {
		/* Spread flows over the rx queues (and so over PMDs) by RSS where the device can.
		 */
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
		    info.flow_type_rss_offloads &
		    (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP);
		if (!conf.rx_adv_conf.rss_conf.rss_hf)
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_NONE;
	}
	if ((ret = rte_eth_dev_configure(pid, RTE_MAX(n_rxq, 1u), port->n_txq, &conf)) < 0)
		goto fail;
	rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nrx, &ntx);
	for (unsigned q = 0; q < n_rxq; q++)
		if ((ret = rte_eth_rx_queue_setup(pid, q, nrx, rte_eth_dev_socket_id(pid), NULL,
		                                  ctx->pool)) < 0)
			goto fail;
	for (unsigned q = 0; q < port->n_txq; q++)
		if ((ret = rte_eth_tx_queue_setup(pid, q, ntx, rte_eth_dev_socket_id(pid), NULL)) <
		    0)
			goto fail;
	/* Frames straight from a Linux stack (a veth peer's CHECKSUM_PARTIAL) may carry partial
	 * checksums that these drivers do not report (DPDK 22.11): complete them (core/csum.h).
	 */
	port->rx_csum_partial =
	    !strcmp(info.driver_name, "net_af_packet") || !strcmp(info.driver_name, "net_af_xdp");
	rte_eth_promiscuous_enable(pid);
	if ((ret = rte_eth_dev_start(pid)) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "port %s: cannot set up device '%s': %s", port->name, devargs,
	         rte_strerror(-ret));
	eth_release(pid);
	return ret < 0 ? ret : -ENODEV;
}

static void eth_close(struct wf_ctx *ctx, struct wf_port *port)
{
	(void)ctx;
	eth_release(eth_pid(port));
}

static uint16_t eth_rx(struct wf_port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	return rte_eth_rx_burst(eth_pid(port), q, pkts, n);
}

static uint16_t eth_tx(struct wf_port *port, struct wf_txctx *tx, struct rte_mbuf **pkts,
                       uint16_t n)
{
	return rte_eth_tx_burst(eth_pid(port), tx->q, pkts, n);
}

static int eth_get_mac(struct wf_port *port, uint8_t mac[6])
{
	struct rte_ether_addr ea;
	if (rte_eth_macaddr_get(eth_pid(port), &ea) < 0)
		return -ENODEV;
	memcpy(mac, ea.addr_bytes, 6);
	return 0;
}

static bool eth_link_up(struct wf_port *port)
{
	struct rte_eth_link link;
	if (rte_eth_link_get_nowait(eth_pid(port), &link) < 0)
		return false;
	return link.link_status == RTE_ETH_LINK_UP;
}

static uint64_t eth_rx_missed(struct wf_port *port)
{
	struct rte_eth_stats st;
	if (rte_eth_stats_get(eth_pid(port), &st) < 0)
		return 0;
	return st.imissed + st.rx_nombuf;
}

static int dpdk_open(struct wf_ctx *ctx, struct wf_port *port, char *err, size_t errlen)
{
	const char *devargs = wf_port_option(port, "dpdk-devargs");
	if (!devargs || !devargs[0]) {
		snprintf(err, errlen, "port %s: type dpdk needs options:dpdk-devargs", port->name);
		return -EINVAL;
	}
	return eth_open(ctx, port, devargs, err, errlen);
}

const struct wf_port_class wf_port_dpdk = {
    .type = "dpdk",
    .open = dpdk_open,
    .close = eth_close,
    .rx = eth_rx,
    .tx = eth_tx,
    .link_up = eth_link_up,
    .get_mac = eth_get_mac,
    .rx_missed = eth_rx_missed,
};
