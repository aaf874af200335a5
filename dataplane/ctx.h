/* The dataplane's one context: every piece of mutable state of the process lives here.
 *
 * Threads: the main lcore runs the control channel, the replay engine and housekeeping
 * (aging, link state); PMD lcores run wf_pmd_main(). Control builds configuration objects,
 * publishes a new immutable struct wf_snap by RCU (rte_rcu_qsbr) and frees what the old
 * snapshot referenced only after a grace period. PMDs read only through the snapshot they
 * loaded at the top of their loop, and never take a lock. */
#ifndef WF_CTX_H
#define WF_CTX_H

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_spinlock.h>

#include "drop.h"
#include "fdb.h"
#include "vlan.h"
#include "vx_reason.h"
#include "vtep_cfg.h"

#define WF_MAX_PORTS    2048
#define WF_MAX_BRIDGES  64
#define WF_MAX_PMDS     16
#define WF_MAX_THREADS  (WF_MAX_PMDS + 1) /* counter slot 0 = main lcore */
#define WF_BURST        32
#define WF_NAME_MAX     64
#define WF_SCRATCH_SIZE 16384
#define WF_PORT_NONE    WF_FDB_PORT_NONE

struct wf_ctx;
struct wf_port;
struct wf_tnl;
struct wf_vtep;
struct wf_neigh;
struct vx_vni_table;
struct vhost_port;

/* Per-port counters of one thread (summed when read). */
struct wf_port_ctr {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t drops[WF_DROP_MAX];
	uint64_t vx_drops[VX_R__COUNT]; /* VXLAN/underlay reasons (vx_reason.h) */
} __rte_cache_aligned;

/* Per-bridge counters of one thread. */
/* Underlay (VTEP) bridge events, counted per bridge. */
#define WF_VTEP_COUNTERS(_)                                                                        \
	_(decapsulated)                                                                            \
	_(encapsulated)                                                                            \
	_(arp_replied)                                                                             \
	_(arp_learned)                                                                             \
	_(arp_requested)                                                                           \
	_(icmp_replied)

enum wf_vtep_ctr {
#define WF_VTEP_CTR_ENUM(n) WF_VTEP_##n,
	WF_VTEP_COUNTERS(WF_VTEP_CTR_ENUM)
#undef WF_VTEP_CTR_ENUM
	    WF_VTEP_CTR_MAX
};

struct wf_bridge_ctr {
	uint64_t flooded, forwarded;
	uint64_t vtep[WF_VTEP_CTR_MAX];
} __rte_cache_aligned;

/* One vtable per port type (like OVS's netdev_class). */
struct wf_port_class {
	const char *type;
	/* Validates port->options, creates and starts the device. 0 or -errno with a reason in
	 * 'err'. On failure nothing is left behind. Main lcore. */
	int (*open)(struct wf_ctx *, struct wf_port *, char *err, size_t errlen);
	/* Stops and releases the device. Called after a grace period: no PMD uses it. */
	void (*close)(struct wf_ctx *, struct wf_port *);
	/* Burst receive/transmit on queue 'q'. tx returns how many it took; the caller frees
	 * the rest. */
	uint16_t (*rx)(struct wf_port *, uint16_t q, struct rte_mbuf **pkts, uint16_t n);
	uint16_t (*tx)(struct wf_port *, uint16_t q, struct rte_mbuf **pkts, uint16_t n);
	/* Current link state (main lcore). */
	bool (*link_up)(struct wf_port *);
	/* Frames the device dropped before weft saw them (full rx ring, no buffer); NULL when the
	 * class has no device. Main lcore. */
	uint64_t (*rx_missed)(struct wf_port *);
};

struct wf_port {
	char name[WF_NAME_MAX];
	char type[32];
	uint16_t index;  /* slot in ctx->ports[], the index fdb entries hold */
	uint16_t bridge; /* index in ctx->bridges[] */
	const struct wf_port_class *cls;
	json_t *options; /* {string: string}, owned */
	/* VLAN columns as configured (for show) and the derived, immutable rules. */
	int tag; /* -1 = unset */
	char vlan_mode[20];
	int *trunks;
	unsigned n_trunks;
	const struct wf_vlan_cfg *vlan; /* replaced whole, old one freed after a grace period */
	/* Device. */
	uint16_t eth_port;
	char devname[WF_NAME_MAX + 16];
	uint16_t n_rxq, n_txq;
	bool tx_shared; /* fewer tx queues than threads: queues are locked */
	rte_spinlock_t txlock[WF_MAX_THREADS];
	bool link;  /* last link state seen by the main lcore */
	void *priv; /* port class data */
	struct wf_port_ctr ctr[WF_MAX_THREADS];
};

struct wf_bridge {
	char name[WF_NAME_MAX];
	uint16_t index;
	json_t *other_config;        /* {string: string}, owned */
	struct wf_fdb *fdb;          /* replaced whole on resize */
	struct wf_vtep_cfg vtep_cfg; /* underlay keys (vtep.h); enabled with tunnel-ip */
	struct wf_neigh *neigh;      /* neighbour table of an underlay bridge, else NULL */
	struct wf_bridge_ctr ctr[WF_MAX_THREADS];
};

/* Immutable configuration seen by PMDs. */
struct wf_snap_port {
	struct wf_port *port; /* NULL: unused slot */
	const struct wf_vlan_cfg *vlan;
	uint16_t bridge;
	struct wf_tnl *tnl; /* tunnel ports: template and next hop (vtep.h) */
};

struct wf_snap_bridge {
	struct wf_bridge *br; /* NULL: unused slot */
	struct wf_fdb *fdb;
	uint16_t n_ports;
	uint16_t *ports;      /* port indexes, ascending */
	struct wf_vtep *vtep; /* underlay bridges: the VTEP (vtep.h) */
};

struct wf_rxq {
	uint16_t port, queue;
};

struct wf_snap {
	struct wf_snap_port ports[WF_MAX_PORTS];
	struct wf_snap_bridge bridges[WF_MAX_BRIDGES];
	uint16_t n_rxqs[WF_MAX_PMDS];
	struct wf_rxq *rxqs[WF_MAX_PMDS];
	struct vx_vni_table *vnis; /* VNI -> overlay bridge index */
};

/* Frames waiting to leave by one port during one burst. */
struct wf_txbuf {
	uint16_t n;
	bool touched; /* listed in wf_thread.touched */
	struct rte_mbuf *pkts[WF_BURST];
};

/* State of one forwarding thread (a PMD, or the main lcore in replay mode). */
struct wf_thread {
	unsigned slot; /* counter slot, 0..WF_MAX_THREADS-1 */
	unsigned lcore;
	uint16_t txq;   /* transmit queue this thread uses on every port */
	uint32_t now;   /* dataplane clock, seconds */
	uint16_t ip_id; /* outer IPv4 id of encapsulated frames */
	struct rte_mempool *pool;
	struct wf_txbuf *txbufs; /* [WF_MAX_PORTS] */
	uint8_t *scratch;        /* WF_SCRATCH_SIZE bytes: contiguous copy of a chained frame */
	uint16_t n_touched;
	uint16_t touched[WF_MAX_PORTS];
	/* PMD loop statistics. */
	uint64_t busy_cycles, idle_cycles, n_packets;
};

struct wf_ctl_client;

struct wf_ctx {
	char rundir[PATH_MAX];
	char pidfile[PATH_MAX + 32];
	bool replay;
	char replay_dir[PATH_MAX], replay_out[PATH_MAX];
	uint32_t pmd_sleep_max_us;
	unsigned n_pmds;
	unsigned n_mbufs;
	unsigned pmd_lcores[WF_MAX_PMDS];
	atomic_bool quit;
	uint64_t tsc_hz, start_tsc;

	struct rte_mempool *pool;
	struct rte_rcu_qsbr *qsbr;
	struct wf_snap *_Atomic snap;
	struct wf_port *ports[WF_MAX_PORTS];
	struct wf_bridge *bridges[WF_MAX_BRIDGES];
	struct wf_thread threads[WF_MAX_THREADS];
	/* vhost-user ports by port index, for the vhost library's callbacks (port_vhost.c). */
	pthread_mutex_t vhost_lock;
	struct vhost_port *vhost[WF_MAX_PORTS];

	/* Control channel. */
	int ctl_fd;
	struct wf_ctl_client *clients;
};

/* Dataplane clock of the main lcore: replay time in replay mode, else seconds since start. */
uint32_t wf_ctx_now(const struct wf_ctx *);

#endif
