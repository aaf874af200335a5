/* vhost-user ports on DPDK's vhost library: "dpdkvhostuser" (server socket
 * <rundir>/<name>.sock) and "dpdkvhostuserclient" (connects to options:vhost-server-path and
 * reconnects when the guest side restarts).
 *
 * Why not net_vhost: Debian's DPDK is built with RTE_MAX_ETHPORTS=32 and net_vhost makes every
 * vhost-user port an ethdev, so a dataplane could never hold more than 32 of them. Like Open
 * vSwitch, weft drives the vhost library itself; only "dpdk" ports are ethdevs.
 *
 * Threads: the vhost library calls new_device/destroy_device/vring_state_changed on its own
 * thread, with only a device id. Those callbacks find the port in ctx->vhost (a registry
 * guarded by its own lock: control path only). PMDs never lock: a burst announces itself in
 * an atomic 'busy' count, and destroy_device clears 'ready' then waits for 'busy' to drain, so
 * no burst ever runs on a device that is going away.
 *
 * Transmit retries (like OVS's options:tx-retries-max): when the guest's receive ring takes
 * part of a burst, the rest is offered again, at most tx-retries-max times (0..32, default 8);
 * an attempt that takes nothing ends the burst at once, so a guest that stopped draining its
 * ring costs one failed enqueue per burst and never a spin. What is still refused is dropped
 * by the output stage as tx_queue_full on this port. Retries are counted (tx_retries). */
#include <errno.h>
#include <linux/virtio_net.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_pause.h>
#include <rte_vhost.h>

#include "core/log.h"
#include "util.h"
#include "ports/port.h"

#define VHOST_GUEST_RXQ          0 /* we enqueue into the guest's receive ring */
#define VHOST_GUEST_TXQ          1 /* we dequeue from the guest's transmit ring */
#define VHOST_TX_RETRIES_DEFAULT 8
#define VHOST_TX_RETRIES_MAX     32

struct vhost_port {
	char path[PATH_MAX];
	bool client;
	unsigned tx_retries_max; /* options:tx-retries-max */
	struct rte_mempool *pool;
	_Atomic int vid;       /* -1: no device */
	_Atomic bool ready;    /* device up: bursts allowed */
	_Atomic unsigned busy; /* bursts in progress */
};

/* vhost-user ports by port index (ctx->vhost), for the callbacks. */
struct wf_vhost_reg {
	pthread_mutex_t lock;
	struct vhost_port *ports[WF_MAX_PORTS];
};

/* The context the callbacks need: the vhost library passes them no argument of ours. */
static struct wf_ctx *vhost_ctx;

/* Finds the registry slot of 'path' or 'vid' (main lcore or callbacks, under vhost_lock). */
static struct vhost_port *find(const char *path, int vid)
{
	for (unsigned i = 0; i < WF_MAX_PORTS; i++) {
		struct vhost_port *vp = vhost_ctx->vhost->ports[i];
		if (vp && ((path && strcmp(vp->path, path) == 0) || (!path && vp->vid == vid)))
			return vp;
	}
	return NULL;
}

static int new_device(int vid)
{
	char path[PATH_MAX];
	if (rte_vhost_get_ifname(vid, path, sizeof(path)) < 0)
		return -1;
	pthread_mutex_lock(&vhost_ctx->vhost->lock);
	struct vhost_port *vp = find(path, -1);
	if (vp) {
		rte_vhost_enable_guest_notification(vid, VHOST_GUEST_RXQ, 0);
		rte_vhost_enable_guest_notification(vid, VHOST_GUEST_TXQ, 0);
		atomic_store(&vp->vid, vid);
		atomic_store(&vp->ready, true);
	}
	pthread_mutex_unlock(&vhost_ctx->vhost->lock);
	WF_LOG(INFO, "vhost-user %s: device %d %s", path, vid, vp ? "ready" : "of no port");
	return vp ? 0 : -1;
}

static void destroy_device(int vid)
{
	pthread_mutex_lock(&vhost_ctx->vhost->lock);
	struct vhost_port *vp = find(NULL, vid);
	if (vp) {
		atomic_store(&vp->ready, false);
		while (atomic_load(&vp->busy))
			rte_pause();
		atomic_store(&vp->vid, -1);
		WF_LOG(INFO, "vhost-user %s: device %d gone", vp->path, vid);
	}
	pthread_mutex_unlock(&vhost_ctx->vhost->lock);
}

static int vring_state_changed(int vid, uint16_t queue, int enable)
{
	(void)vid, (void)queue, (void)enable;
	return 0;
}

static const struct rte_vhost_device_ops vhost_ops = {
    .new_device = new_device,
    .destroy_device = destroy_device,
    .vring_state_changed = vring_state_changed,
};

static int vhost_open(struct wf_ctx *ctx, struct wf_port *port, const char *path, bool client,
                      char *err, size_t errlen)
{
	/* Offloads weft does not do: the guest must send complete frames and checksums. */
	const uint64_t no_offloads =
	    1ULL << VIRTIO_NET_F_CSUM | 1ULL << VIRTIO_NET_F_GUEST_CSUM |
	    1ULL << VIRTIO_NET_F_GUEST_TSO4 | 1ULL << VIRTIO_NET_F_GUEST_TSO6 |
	    1ULL << VIRTIO_NET_F_GUEST_ECN | 1ULL << VIRTIO_NET_F_GUEST_UFO |
	    1ULL << VIRTIO_NET_F_HOST_TSO4 | 1ULL << VIRTIO_NET_F_HOST_TSO6 |
	    1ULL << VIRTIO_NET_F_HOST_ECN | 1ULL << VIRTIO_NET_F_HOST_UFO;
	struct vhost_port *vp;
	struct stat st;
	const char *opt = wf_port_option(port, "tx-retries-max");
	long long retries = VHOST_TX_RETRIES_DEFAULT;

	if (opt && util_parse_int(opt, 0, VHOST_TX_RETRIES_MAX, &retries) < 0) {
		snprintf(err, errlen,
		         "port %s: options:tx-retries-max must be an integer in 0..%d, not '%s'",
		         port->name, VHOST_TX_RETRIES_MAX, opt);
		return -EINVAL;
	}
	if (strlen(path) > 107) {
		snprintf(err, errlen, "port %s: socket path '%s' is too long for a unix socket",
		         port->name, path);
		return -ENAMETOOLONG;
	}
	if (!ctx->vhost) { /* first vhost-user port: the registry lives until the process ends */
		if (!(ctx->vhost = calloc(1, sizeof(*ctx->vhost)))) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		pthread_mutex_init(&ctx->vhost->lock, NULL);
	}
	pthread_mutex_lock(&ctx->vhost->lock);
	vhost_ctx = ctx;
	bool taken = find(path, -1) != NULL;
	pthread_mutex_unlock(&ctx->vhost->lock);
	if (taken) {
		snprintf(err, errlen, "port %s: socket '%s' is used by another port", port->name,
		         path);
		return -EEXIST;
	}
	/* A stale server socket left by a crash would make the bind fail. */
	if (!client && stat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "port %s: '%s' exists and is not a socket",
			         port->name, path);
			return -EEXIST;
		}
		unlink(path);
	}
	if (!(vp = calloc(1, sizeof(*vp)))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(vp->path, sizeof(vp->path), "%s", path);
	vp->client = client;
	vp->tx_retries_max = (unsigned)retries;
	vp->pool = ctx->pool;
	vp->vid = -1;
	pthread_mutex_lock(&ctx->vhost->lock);
	ctx->vhost->ports[port->index] = vp;
	pthread_mutex_unlock(&ctx->vhost->lock);
	if (rte_vhost_driver_register(path, client ? RTE_VHOST_USER_CLIENT : 0) < 0) {
		snprintf(err, errlen, "port %s: cannot register vhost-user socket '%s'", port->name,
		         path);
		goto fail;
	}
	if (rte_vhost_driver_disable_features(path, no_offloads) < 0 ||
	    rte_vhost_driver_callback_register(path, &vhost_ops) < 0 ||
	    rte_vhost_driver_start(path) < 0) {
		snprintf(err, errlen, "port %s: cannot %s vhost-user socket '%s' (see the log)",
		         port->name, client ? "connect" : "listen on", path);
		rte_vhost_driver_unregister(path);
		goto fail;
	}
	port->priv = vp;
	port->n_rxq = 1;
	port->n_txq = 1;
	port->tx_shared = ctx->n_pmds > 1;
	return 0;
fail:
	pthread_mutex_lock(&ctx->vhost->lock);
	ctx->vhost->ports[port->index] = NULL;
	pthread_mutex_unlock(&ctx->vhost->lock);
	free(vp);
	return -ENODEV;
}

static void vhost_close(struct wf_ctx *ctx, struct wf_port *port)
{
	struct vhost_port *vp = port->priv;
	pthread_mutex_lock(&ctx->vhost->lock);
	ctx->vhost->ports[port->index] = NULL;
	pthread_mutex_unlock(&ctx->vhost->lock);
	/* No PMD uses the port any more (grace period passed): no need to drain 'busy'. */
	for (int i = 0; i < 100 && rte_vhost_driver_unregister(vp->path) < 0; i++)
		usleep(10000);
	if (!vp->client)
		unlink(vp->path);
	free(vp);
	port->priv = NULL;
}

static uint16_t vhost_rx(struct wf_port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	struct vhost_port *vp = port->priv;
	uint16_t got = 0;
	(void)q;
	atomic_fetch_add(&vp->busy, 1);
	if (atomic_load(&vp->ready))
		got = rte_vhost_dequeue_burst(atomic_load_explicit(&vp->vid, memory_order_relaxed),
		                              VHOST_GUEST_TXQ, vp->pool, pkts, n);
	atomic_fetch_sub_explicit(&vp->busy, 1, memory_order_release);
	return got;
}

/* Copies frames into the guest and frees what it took (the contract of a port class tx); a
 * partial enqueue is retried up to tx_retries_max times while each attempt takes something. */
static uint16_t vhost_tx(struct wf_port *port, struct wf_txctx *tx, struct rte_mbuf **pkts,
                         uint16_t n)
{
	struct vhost_port *vp = port->priv;
	uint16_t sent = 0;
	unsigned retries = 0;
	atomic_fetch_add(&vp->busy, 1);
	if (atomic_load(&vp->ready)) {
		int vid = atomic_load_explicit(&vp->vid, memory_order_relaxed);
		for (;;) {
			uint16_t k =
			    rte_vhost_enqueue_burst(vid, VHOST_GUEST_RXQ, pkts + sent, n - sent);
			sent += k;
			if (k == 0 || sent == n || retries == vp->tx_retries_max)
				break;
			retries++;
		}
	}
	atomic_fetch_sub_explicit(&vp->busy, 1, memory_order_release);
	port->ctr[tx->t->slot].tx_retries += retries;
	rte_pktmbuf_free_bulk(pkts, sent);
	return sent;
}

static bool vhost_link_up(struct wf_port *port)
{
	struct vhost_port *vp = port->priv;
	return atomic_load(&vp->ready);
}

static int vhostuser_open(struct wf_ctx *ctx, struct wf_port *port, char *err, size_t errlen)
{
	char path[PATH_MAX + WF_NAME_MAX + 16];
	int n = snprintf(path, sizeof(path), "%s/%s.sock", ctx->rundir, port->name);
	if (n >= (int)sizeof(path) || n > 107) {
		snprintf(err, errlen, "port %s: socket path '%s' is too long for a unix socket",
		         port->name, path);
		return -ENAMETOOLONG;
	}
	return vhost_open(ctx, port, path, false, err, errlen);
}

static int vhostuserclient_open(struct wf_ctx *ctx, struct wf_port *port, char *err, size_t errlen)
{
	const char *path = wf_port_option(port, "vhost-server-path");
	if (!path || !path[0]) {
		snprintf(err, errlen,
		         "port %s: type dpdkvhostuserclient needs options:vhost-server-path",
		         port->name);
		return -EINVAL;
	}
	return vhost_open(ctx, port, path, true, err, errlen);
}

const struct wf_port_class wf_port_vhostuser = {
    .type = "dpdkvhostuser",
    .open = vhostuser_open,
    .close = vhost_close,
    .rx = vhost_rx,
    .tx = vhost_tx,
    .link_up = vhost_link_up,
    .get_mac = wf_port_no_mac,
};

const struct wf_port_class wf_port_vhostuserclient = {
    .type = "dpdkvhostuserclient",
    .open = vhostuserclient_open,
    .close = vhost_close,
    .rx = vhost_rx,
    .tx = vhost_tx,
    .link_up = vhost_link_up,
    .get_mac = wf_port_no_mac,
};
