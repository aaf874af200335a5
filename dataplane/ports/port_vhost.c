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
 * guarded by its own lock: control path only). PMDs never lock and write nothing shared for
 * it: a burst runs only while 'ready' is set, and destroy_device clears 'ready' then waits for
 * an RCU grace period (ctx->qsbr: every PMD reports a quiescent state between two loop
 * iterations, never inside a burst), so no burst ever runs on a device that is going away.
 * Bursts run on PMDs only (a dry trace on the main lcore sends nothing to a vhost port).
 *
 * Transmit retries (like OVS's options:tx-retries-max): when the guest's receive ring takes
 * part of a burst, the rest is offered again, at most tx-retries-max times (0..32, default 8);
 * an attempt that takes nothing ends the burst at once, so a guest that stopped draining its
 * ring costs one failed enqueue per burst and never a spin. What is still refused is dropped
 * by the output stage as tx_queue_full on this port. Retries are counted (tx_retries).
 *
 * Hostile guests (tests/system/vhost-hostile.sh, ports/README.md "Hostile guests"). DPDK 22.11's
 * vhost library validates messages and descriptors, but a chain it refuses (unmapped address,
 * a loop, more than 256 segments, an indirect table longer than the ring) is simply left at the
 * head of the guest's transmit ring: every dequeue returns 0 and the port is dead while its link
 * says up. weft adds two checks, each ending in a reset of the connection (unregister and
 * register the socket again, main lcore, counted in "resets"; the guest sees a disconnect and
 * may reconnect):
 *   - stall: the PMD that polls the port sees chains available, buffers in the pool and nothing
 *     dequeued for VHOST_STALL_MS; it stops polling the port (link down) and the chains left in
 *     the ring are counted in rx_missed;
 *   - lost chains: chains the library consumes but returns no frame for (len 0) are counted
 *     in rx_missed (its last_avail_idx against the frames it returned);
 *   - memory: new_device refuses a memory region that the file behind it does not fully back
 *     (DPDK maps it without looking at the file's size; touching the rest is a SIGBUS). The
 *     SIGBUS guard (vhost_guard.h) keeps the process alive when such a page is touched anyway
 *     (rings past the end of the file, read by the library before new_device; a file that
 *     shrinks after the check): a burst that faulted is dropped (rx_missed) and the device
 *     reset; a fault in the library's own thread is matched to its device by address. */
#include <errno.h>
#include <inttypes.h>
#include <linux/virtio_net.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_vhost.h>

#include "core/log.h"
#include "core/mbuf.h"
#include "util_num.h"
#include "ports/port.h"
#include "ports/vhost_guard.h"

#define VHOST_GUEST_RXQ          0 /* we enqueue into the guest's receive ring */
#define VHOST_GUEST_TXQ          1 /* we dequeue from the guest's transmit ring */
#define VHOST_TX_RETRIES_DEFAULT 8
#define VHOST_TX_RETRIES_MAX     32
#define VHOST_STALL_MS           1000 /* chains available, nothing dequeued: a stuck ring */
#define VHOST_STALL_CHECK_MS     10   /* how often an idle PMD looks at the ring */
#define VHOST_STALL_POLLS        32  /* empty polls between two looks at the clock (a power of 2) */
#define VHOST_STALL_MIN_MBUFS    512 /* fewer free buffers than this: not the guest's fault */

enum vhost_reset_why { VHOST_RESET_NONE, VHOST_RESET_STALL, VHOST_RESET_MEMORY };

struct vhost_port {
	char path[PATH_MAX];
	bool client;
	unsigned tx_retries_max; /* options:tx-retries-max */
	struct rte_mempool *pool;
	_Atomic int vid;      /* -1: no device */
	_Atomic int conn_vid; /* the connection's device id, ready or not (-1: none) */
	uint64_t faults_seen; /* guard faults already matched (housekeeping) */
	_Atomic bool ready;   /* device up: bursts allowed */
	/* receive side: only the one PMD that polls the port writes these */
	uint64_t stall_since, stall_checked; /* TSC; stall_since 0: not stalled */
	uint32_t n_empty;    /* empty polls (stall_check() every VHOST_STALL_POLLS) */
	uint16_t last_avail; /* the library's last_avail_idx after a dequeue */
	bool have_last;      /* last_avail is valid (reset by new_device) */
	/* a reset asked for by a PMD or a callback, done by housekeeping (main lcore) */
	_Atomic int reset_why;         /* enum vhost_reset_why */
	_Atomic int reset_vid;         /* the device (connection) it is about */
	_Atomic unsigned stuck_chains; /* chains left in the ring when it stalled */
	_Atomic uint64_t resets;       /* stats "resets" */
	/* stats "rx_missed": chains the library consumed without a frame for weft, and chains
	 * abandoned by resets */
	_Atomic uint64_t missed;
};

/* vhost-user ports by port index (ctx->vhost), for the callbacks. */
struct wf_vhost_reg {
	pthread_mutex_t lock;
	struct wf_vguard_rec guard; /* the SIGBUS guard's record */
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

/* True when every memory region of 'vid' that a regular file backs lies within that file
 * (hugetlbfs files and memfds are regular files); else says which one does not. */
static bool mem_backed(int vid, char *why, size_t len)
{
	struct rte_vhost_memory *mem;
	bool ok = true;
	if (rte_vhost_get_mem_table(vid, &mem) < 0) {
		snprintf(why, len, "no memory table");
		return false;
	}
	for (uint32_t i = 0; i < mem->nregions && ok; i++) {
		const struct rte_vhost_mem_region *r = &mem->regions[i];
		struct stat st;
		uint64_t end = r->host_user_addr - (uint64_t)(uintptr_t)r->mmap_addr + r->size;
		if (fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size < end) {
			snprintf(why, len,
			         "memory region %u (guest address 0x%" PRIx64 ", %" PRIu64
			         " bytes) ends at byte %" PRIu64 " of a file of %lld bytes",
			         i, r->guest_phys_addr, r->size, end, (long long)st.st_size);
			ok = false;
		}
	}
	free(mem);
	return ok;
}

static int new_device(int vid)
{
	char path[PATH_MAX], why[160];
	if (rte_vhost_get_ifname(vid, path, sizeof(path)) < 0)
		return -1;
	bool mem_ok = mem_backed(vid, why, sizeof(why));
	pthread_mutex_lock(&vhost_ctx->vhost->lock);
	struct vhost_port *vp = find(path, -1);
	if (vp && !mem_ok) {
		/* Never mark it ready: no PMD touches that memory. Housekeeping drops the guest. */
		int none = VHOST_RESET_NONE;
		atomic_store(&vp->reset_vid, vid);
		atomic_compare_exchange_strong(&vp->reset_why, &none, VHOST_RESET_MEMORY);
		pthread_mutex_unlock(&vhost_ctx->vhost->lock);
		WF_LOG(WARNING, "vhost-user %s: device %d refused: %s", path, vid, why);
		return -1;
	}
	if (vp) {
		vp->stall_since = 0;
		vp->stall_checked = 0;
		vp->have_last = false;
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
		/* A PMD that saw 'ready' is in that burst until its next quiescent state. */
		rte_rcu_qsbr_synchronize(vhost_ctx->qsbr, RTE_QSBR_THRID_INVALID);
		atomic_store(&vp->vid, -1);
		/* A guest that left with its ring stuck: no reset needed, its chains are lost. */
		int stall = VHOST_RESET_STALL;
		if (atomic_load(&vp->reset_vid) == vid &&
		    atomic_compare_exchange_strong(&vp->reset_why, &stall, VHOST_RESET_NONE))
			atomic_fetch_add(&vp->missed, atomic_exchange(&vp->stuck_chains, 0));
		WF_LOG(INFO, "vhost-user %s: device %d gone", vp->path, vid);
	}
	pthread_mutex_unlock(&vhost_ctx->vhost->lock);
}

/* The connection's device id, for matching guard faults before new_device (vhost thread). */
static int new_connection(int vid)
{
	char path[PATH_MAX];
	if (rte_vhost_get_ifname(vid, path, sizeof(path)) < 0)
		return 0;
	pthread_mutex_lock(&vhost_ctx->vhost->lock);
	struct vhost_port *vp = find(path, -1);
	if (vp)
		atomic_store(&vp->conn_vid, vid);
	pthread_mutex_unlock(&vhost_ctx->vhost->lock);
	return 0;
}

static void destroy_connection(int vid)
{
	pthread_mutex_lock(&vhost_ctx->vhost->lock);
	for (unsigned i = 0; i < WF_MAX_PORTS; i++) {
		struct vhost_port *vp = vhost_ctx->vhost->ports[i];
		int v = vid;
		if (vp)
			atomic_compare_exchange_strong(&vp->conn_vid, &v, -1);
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
    .new_connection = new_connection,
    .destroy_connection = destroy_connection,
};

/* Registers and starts vp's socket (open, and again after a reset). Main lcore. */
static int vhost_start(struct vhost_port *vp, const char *name, char *err, size_t errlen)
{
	/* Offloads weft does not do: the guest must send complete frames and checksums. */
	const uint64_t no_offloads =
	    1ULL << VIRTIO_NET_F_CSUM | 1ULL << VIRTIO_NET_F_GUEST_CSUM |
	    1ULL << VIRTIO_NET_F_GUEST_TSO4 | 1ULL << VIRTIO_NET_F_GUEST_TSO6 |
	    1ULL << VIRTIO_NET_F_GUEST_ECN | 1ULL << VIRTIO_NET_F_GUEST_UFO |
	    1ULL << VIRTIO_NET_F_HOST_TSO4 | 1ULL << VIRTIO_NET_F_HOST_TSO6 |
	    1ULL << VIRTIO_NET_F_HOST_ECN | 1ULL << VIRTIO_NET_F_HOST_UFO;
	if (rte_vhost_driver_register(vp->path, vp->client ? RTE_VHOST_USER_CLIENT : 0) < 0) {
		snprintf(err, errlen, "port %s: cannot register vhost-user socket '%s'", name,
		         vp->path);
		return -ENODEV;
	}
	if (rte_vhost_driver_disable_features(vp->path, no_offloads) < 0 ||
	    rte_vhost_driver_callback_register(vp->path, &vhost_ops) < 0 ||
	    rte_vhost_driver_start(vp->path) < 0) {
		snprintf(err, errlen, "port %s: cannot %s vhost-user socket '%s' (see the log)",
		         name, vp->client ? "connect" : "listen on", vp->path);
		rte_vhost_driver_unregister(vp->path);
		return -ENODEV;
	}
	return 0;
}

/* Unregisters the socket (the connection closes, destroy_device runs); retried while the
 * vhost thread is busy with it. Main lcore. */
static void vhost_stop(struct vhost_port *vp)
{
	for (int i = 0; i < 100 && rte_vhost_driver_unregister(vp->path) < 0; i++)
		usleep(10000);
	if (!vp->client)
		unlink(vp->path);
}

static int vhost_open(struct wf_ctx *ctx, struct wf_port *port, const char *path, bool client,
                      char *err, size_t errlen)
{
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
		int g = wf_vguard_install(&ctx->vhost->guard);
		if (g < 0)
			WF_LOG(WARNING, "vhost-user: no SIGBUS guard (%s)", strerror(-g));
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
	vp->conn_vid = -1;
	vp->faults_seen = atomic_load(&ctx->vhost->guard.n_faults);
	pthread_mutex_lock(&ctx->vhost->lock);
	ctx->vhost->ports[port->index] = vp;
	pthread_mutex_unlock(&ctx->vhost->lock);
	if (vhost_start(vp, port->name, err, errlen) < 0)
		goto fail;
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
	/* No PMD uses the port any more (grace period passed). */
	vhost_stop(vp);
	free(vp);
	port->priv = NULL;
}

/* Chains the library consumed in the last dequeue but returned no frame for (a descriptor
 * no longer than the virtio-net header, a frame it could not copy): it drops them silently;
 * weft counts them in rx_missed (its last_avail_idx moved by more than it returned). */
static void count_lost(struct vhost_port *vp, int vid, uint16_t got)
{
	uint16_t avail, used;
	if (rte_vhost_get_vring_base(vid, VHOST_GUEST_TXQ, &avail, &used) < 0)
		return;
	uint16_t consumed = (uint16_t)(avail - vp->last_avail);
	if (vp->have_last && consumed > got)
		atomic_fetch_add_explicit(&vp->missed, consumed - got, memory_order_relaxed);
	vp->last_avail = avail;
	vp->have_last = true;
}

/* After an empty dequeue (the one PMD polling the port): chains available, enough free
 * buffers and nothing dequeued for VHOST_STALL_MS means the chain at the head of the ring is
 * one the vhost library refuses and will refuse for ever; ask housekeeping for a reset. */
static void stall_check(struct vhost_port *vp, int vid)
{
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	if (now - vp->stall_checked < hz * VHOST_STALL_CHECK_MS / 1000)
		return;
	vp->stall_checked = now;
	uint16_t pending = rte_vhost_avail_entries(vid, VHOST_GUEST_TXQ);
	if (pending == 0 || rte_mempool_avail_count(vp->pool) < VHOST_STALL_MIN_MBUFS) {
		vp->stall_since = 0;
		return;
	}
	if (!vp->stall_since) {
		vp->stall_since = now;
	} else if (now - vp->stall_since >= hz * VHOST_STALL_MS / 1000) {
		int none = VHOST_RESET_NONE;
		atomic_store(&vp->stuck_chains, pending);
		atomic_store(&vp->reset_vid, vid);
		atomic_compare_exchange_strong(&vp->reset_why, &none, VHOST_RESET_STALL);
	}
}

/* The guard replaced guest memory under the last burst of 'vid' (vhost_guard.h): its frames
 * may hold zeros where the guest's data was; drop them (rx_missed) and ask for a reset. */
static uint16_t guard_tripped(struct vhost_port *vp, int vid, struct rte_mbuf **pkts, uint16_t got)
{
	int none = VHOST_RESET_NONE;
	rte_pktmbuf_free_bulk(pkts, got);
	atomic_fetch_add(&vp->missed, got);
	atomic_store(&vp->reset_vid, vid);
	atomic_compare_exchange_strong(&vp->reset_why, &none, VHOST_RESET_MEMORY);
	return 0;
}

static uint16_t vhost_rx(struct wf_port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	struct vhost_port *vp = port->priv;
	uint16_t got = 0;
	(void)q;
	if (atomic_load_explicit(&vp->ready, memory_order_acquire) &&
	    atomic_load_explicit(&vp->reset_why, memory_order_relaxed) == VHOST_RESET_NONE) {
		int vid = atomic_load_explicit(&vp->vid, memory_order_relaxed);
		wf_vguard_hit = false;
		got = rte_vhost_dequeue_burst(vid, VHOST_GUEST_TXQ, vp->pool, pkts, n);
		if (unlikely(wf_vguard_hit)) {
			got = guard_tripped(vp, vid, pkts, got);
		} else {
			count_lost(vp, vid, got);
			if (got)
				vp->stall_since = 0;
			else if ((++vp->n_empty & (VHOST_STALL_POLLS - 1)) == 0)
				stall_check(vp, vid); /* not the clock on every empty poll */
		}
	}
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
	if (atomic_load_explicit(&vp->ready, memory_order_acquire)) {
		int vid = atomic_load_explicit(&vp->vid, memory_order_relaxed);
		wf_vguard_hit = false;
		for (;;) {
			uint16_t k =
			    rte_vhost_enqueue_burst(vid, VHOST_GUEST_RXQ, pkts + sent, n - sent);
			sent += k;
			if (k == 0 || sent == n || retries == vp->tx_retries_max)
				break;
			retries++;
		}
		if (unlikely(wf_vguard_hit)) /* copied into replaced pages: the guest got nothing */
			guard_tripped(vp, vid, NULL, 0);
	}
	port->ctr[tx->t->slot].tx_retries += retries;
	wf_mbuf_free_bulk(pkts, sent);
	return sent;
}

static bool vhost_link_up(struct wf_port *port)
{
	struct vhost_port *vp = port->priv;
	return atomic_load(&vp->ready) && atomic_load(&vp->reset_why) == VHOST_RESET_NONE;
}

/* True when 'addr' lies in the memory the library mapped for device 'vid'. */
static bool vid_maps(int vid, uintptr_t addr)
{
	struct rte_vhost_memory *mem;
	bool in = false;
	if (vid < 0 || rte_vhost_get_mem_table(vid, &mem) < 0)
		return false;
	for (uint32_t i = 0; i < mem->nregions && !in; i++) {
		uintptr_t a = (uintptr_t)mem->regions[i].mmap_addr;
		in = addr >= a && addr - a < mem->regions[i].mmap_size;
	}
	free(mem);
	return in;
}

/* A guard fault since the last look whose address is in this port's device memory (a fault
 * in the library's thread, which no PMD saw): ask for a reset of that device. */
static void guard_match(struct wf_ctx *ctx, struct vhost_port *vp)
{
	uint64_t n = atomic_load(&ctx->vhost->guard.n_faults);
	if (n == vp->faults_seen)
		return;
	vp->faults_seen = n;
	uintptr_t addr = atomic_load(&ctx->vhost->guard.last_addr);
	int vid = atomic_load(&vp->conn_vid);
	if (!vid_maps(vid, addr))
		return;
	int none = VHOST_RESET_NONE;
	atomic_store(&vp->reset_vid, vid);
	atomic_compare_exchange_strong(&vp->reset_why, &none, VHOST_RESET_MEMORY);
	WF_LOG(WARNING, "vhost-user %s: device %d touched memory its file no longer has", vp->path,
	       vid);
}

/* Serves a reset a PMD or new_device asked for: drops the guest's connection by registering
 * the socket again (a client port reconnects; a server port listens again). */
static void vhost_housekeep(struct wf_ctx *ctx, struct wf_port *port)
{
	struct vhost_port *vp = port->priv;
	char err[256];
	guard_match(ctx, vp);
	int why = atomic_load(&vp->reset_why);
	if (why == VHOST_RESET_NONE)
		return;
	if (why == VHOST_RESET_MEMORY) {
		/* Only if that device is still there and still refused (the guest may have left,
		 * and its id gone to a new connection). */
		char path[PATH_MAX], why_s[160];
		int vid = atomic_load(&vp->reset_vid);
		if (rte_vhost_get_ifname(vid, path, sizeof(path)) < 0 || strcmp(path, vp->path) ||
		    mem_backed(vid, why_s, sizeof(why_s))) {
			atomic_store(&vp->reset_why, VHOST_RESET_NONE);
			return;
		}
	}
	/* taken now: destroy_device (below) counts what is left, i.e. nothing */
	unsigned stuck = atomic_exchange(&vp->stuck_chains, 0);
	if (why == VHOST_RESET_STALL)
		WF_LOG(WARNING,
		       "port %s: guest transmit ring stuck for %d ms at a chain the vhost library "
		       "refuses (%u chains pending): resetting the connection",
		       port->name, VHOST_STALL_MS, stuck);
	else
		WF_LOG(WARNING,
		       "port %s: guest memory not backed by its file: resetting the connection",
		       port->name);
	vhost_stop(vp); /* destroy_device: not ready, no burst in progress */
	atomic_fetch_add(&vp->missed, stuck);
	atomic_fetch_add(&vp->resets, 1);
	atomic_store(&vp->reset_why, VHOST_RESET_NONE);
	if (vhost_start(vp, port->name, err, sizeof(err)) < 0)
		WF_LOG(ERR, "%s (the port stays down; delete and add it again)", err);
}

static uint64_t vhost_resets(struct wf_port *port)
{
	struct vhost_port *vp = port->priv;
	return atomic_load(&vp->resets);
}

static uint64_t vhost_rx_missed(struct wf_port *port)
{
	struct vhost_port *vp = port->priv;
	return atomic_load(&vp->missed);
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
    .rx_missed = vhost_rx_missed,
    .housekeep = vhost_housekeep,
    .resets = vhost_resets,
};

const struct wf_port_class wf_port_vhostuserclient = {
    .type = "dpdkvhostuserclient",
    .open = vhostuserclient_open,
    .close = vhost_close,
    .rx = vhost_rx,
    .tx = vhost_tx,
    .link_up = vhost_link_up,
    .get_mac = wf_port_no_mac,
    .rx_missed = vhost_rx_missed,
    .housekeep = vhost_housekeep,
    .resets = vhost_resets,
};
