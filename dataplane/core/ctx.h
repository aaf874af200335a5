/* The dataplane's one context: every piece of mutable state of the process lives here.
 * This header is the datapath's view (PMDs include it): it pulls no jansson and no control
 * code. What only the control plane reads (configured columns, options, other_config) hangs
 * off opaque 'conf' pointers defined in core/config.h.
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
#include <sys/types.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_rcu_qsbr.h>
#include <rte_spinlock.h>

#include "core/drop.h"
#include "l2/fdb.h"
#include "l2/vlan.h"

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
struct wf_snap;
struct wf_thread;
struct wf_tnl;
struct wf_vtep;
struct wf_neigh;
struct wf_port_conf;
struct wf_bridge_conf;
struct wf_vhost_reg;
struct wf_capture;
struct wf_cap_session;
struct vx_vni_table;
struct wf_ofp_pipe;
struct wf_ofp_ctr;
struct wf_ofp_tctr;
struct wf_ofp_portmap;
struct wf_ofp_emc;
struct wf_ofp_removed;
struct wf_trace;
struct wf_trace_live;
struct wf_trace_session;

/* Per-port counters of one thread (summed when read). */
struct wf_port_ctr {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t tx_retries;         /* extra enqueue attempts of a class tx (vhost-user) */
	uint64_t rx_csum_completed;  /* partial TCP/UDP checksums completed on rx (core/csum.h) */
	uint64_t drops[WF_DROP_MAX]; /* by enum wf_drop (core/drop.h) */
} __rte_cache_aligned;

/* Underlay (VTEP) bridge events, counted per bridge. */
#define WF_VTEP_COUNTERS(_)                                                                        \
	_(decapsulated)                                                                            \
	_(encapsulated)                                                                            \
	_(arp_replied)                                                                             \
	_(arp_learned)                                                                             \
	_(arp_requested)                                                                           \
	_(icmp_replied)                                                                            \
	_(outer_csum_partial)                                                                      \
	_(inner_csum_completed)

enum wf_vtep_ctr {
#define WF_VTEP_CTR_ENUM(n) WF_VTEP_##n,
	WF_VTEP_COUNTERS(WF_VTEP_CTR_ENUM)
#undef WF_VTEP_CTR_ENUM
	    WF_VTEP_CTR_MAX
};

/* Per-bridge counters of one thread. */
struct wf_bridge_ctr {
	uint64_t flooded, forwarded;
	uint64_t vtep[WF_VTEP_CTR_MAX];
} __rte_cache_aligned;

/* What a class's tx gets besides its port: the forwarding thread and the snapshot it works
 * with (a tunnel encapsulates and hands frames to an uplink through them), the queue, and
 * where the class reports frames it dropped itself (counted by reason, freed). */
struct wf_txctx {
	struct wf_thread *t;
	const struct wf_snap *s;
	uint16_t q;
	uint16_t n_dropped;     /* out */
	uint64_t dropped_bytes; /* out */
};

typedef void (*wf_xstat_fn)(void *arg, const char *name, uint64_t value);

/* One vtable per port type (like OVS's netdev_class); code outside ports/ uses ports only
 * through it. */
struct wf_port_class {
	const char *type; /* OVS Interface type; "" for replay ports */
	bool replay_only; /* allowed only in replay mode (--replay) */
	/* tx only queues frames on other ports and sends nothing itself (tunnels encapsulate onto
	 * their uplink): a dry trace calls it to show what follows; for other classes a dry
	 * trace's output ends at the port. */
	bool tx_in_dry_run;
	/* Validates the port's options (wf_port_option()), creates and starts the device,
	 * sets n_rxq/n_txq/tx_shared and priv. 0 or -errno with a reason in 'err'. On failure
	 * nothing is left behind. Main lcore. */
	int (*open)(struct wf_ctx *, struct wf_port *, char *err, size_t errlen);
	/* Stops and releases the device. Called after a grace period: no PMD uses it. */
	void (*close)(struct wf_ctx *, struct wf_port *);
	/* Burst receive on queue 'q' (a PMD, or the main lcore in replay mode). */
	uint16_t (*rx)(struct wf_port *, uint16_t q, struct rte_mbuf **pkts, uint16_t n);
	/* Burst transmit of pkts[0..n) on queue tx->q. Returns how many frames left by the
	 * port. Frames the class dropped itself are counted and freed by it and reported in
	 * tx->n_dropped/dropped_bytes; the remaining n - ret - tx->n_dropped frames were refused
	 * (queue full, link down) and are the last ones, pkts[n - refused..n): the caller drops
	 * them. */
	uint16_t (*tx)(struct wf_port *, struct wf_txctx *tx, struct rte_mbuf **pkts, uint16_t n);
	/* Current link state (main lcore). */
	bool (*link_up)(struct wf_port *);
	/* The device's MAC address: 0, or -ENOTSUP for classes without one (vhost-user, tunnels,
	 * replay). Main lcore. */
	int (*get_mac)(struct wf_port *, uint8_t mac[6]);
	/* Frames the device dropped before weft saw them (full rx ring, no buffer); NULL when the
	 * class has no device. Main lcore. */
	uint64_t (*rx_missed)(struct wf_port *);
	/* Once a second on the main lcore (housekeeping): the class may repair its device, e.g.
	 * reset a connection its peer broke. NULL: nothing to do. */
	void (*housekeep)(struct wf_ctx *, struct wf_port *);
	/* Times the class reset its device because the peer made it unusable (stats "resets");
	 * NULL: never. Main lcore. */
	uint64_t (*resets)(struct wf_port *);
	/* The class's own counters (stats), each given to emit(arg, name, value); NULL: none.
	 * Main lcore. */
	void (*xstats)(struct wf_port *, wf_xstat_fn emit, void *arg);
};

struct wf_port {
	char name[WF_NAME_MAX];
	uint16_t index;  /* slot in ctx->ports[], the index fdb entries hold */
	uint16_t bridge; /* index in ctx->bridges[] */
	uint32_t ofport; /* OpenFlow port number, 1..FL_PORT_MAX, unique in the bridge */
	const struct wf_port_class *cls;
	const struct wf_vlan_cfg *vlan; /* replaced whole, old one freed after a grace period */
	uint16_t n_rxq, n_txq;
	bool tx_shared; /* fewer tx queues than threads: queues are locked */
	/* Set by the class at open: the device hands over frames as a Linux stack left them,
	 * possibly with partial TCP/UDP checksums (af_packet, AF_XDP); the PMD completes them
	 * (core/csum.h) before a learning bridge sees them (underlay bridges: vx_decap does). */
	bool rx_csum_partial;
	rte_spinlock_t txlock[WF_MAX_THREADS];
	bool link;                 /* last link state seen by the main lcore */
	void *priv;                /* port class data (ports/) */
	struct wf_port_conf *conf; /* control plane only (core/config.h) */
	struct wf_port_ctr ctr[WF_MAX_THREADS];
};

struct wf_bridge {
	char name[WF_NAME_MAX];
	uint16_t index;
	struct wf_fdb *fdb;          /* replaced whole on resize */
	struct wf_neigh *neigh;      /* neighbour table of an underlay bridge, else NULL */
	struct wf_bridge_conf *conf; /* control plane only (core/config.h) */
	struct wf_bridge_ctr ctr[WF_MAX_THREADS];
};

/* A bridge's input stage: takes 'n' (<= WF_BURST) frames received on port 'in' of the bridge
 * and every mbuf with them (sent or dropped). Chosen when the snapshot is built: the learning
 * switch (l2/switch.h: wf_l2_input), an underlay bridge's VTEP (vtep/vtep.h: wf_vtep_input),
 * the flow tables (ofp/ofp.h: wf_ofp_input), whose NORMAL action is the learning switch. */
typedef void wf_input_fn(struct wf_thread *t, const struct wf_snap *s, uint16_t in,
                         struct rte_mbuf **pkts, uint16_t n);

/* Immutable configuration seen by PMDs. */
struct wf_snap_port {
	struct wf_port *port; /* NULL: unused slot */
	const struct wf_vlan_cfg *vlan;
	uint16_t bridge;
	uint32_t ofport;
	uint8_t capture;    /* WF_CAP_IN | WF_CAP_OUT while captured (capture/capture.h) */
	uint8_t trace;      /* 1 while a live trace runs on the port (core/trace.h) */
	struct wf_tnl *tnl; /* tunnel ports: template and next hop (vtep/vtep.h) */
};

struct wf_snap_bridge {
	struct wf_bridge *br; /* NULL: unused slot */
	wf_input_fn *input;   /* the bridge's first stage */
	struct wf_fdb *fdb;
	uint16_t n_ports;
	uint16_t *ports;      /* port indexes, ascending */
	struct wf_vtep *vtep; /* underlay bridges: the VTEP (vtep/vtep.h) */
	/* Flow tables (ofp/ofp.h): the pipeline (NULL for underlay bridges), the ports by
	 * OpenFlow number (n_ports entries, sorted by ofport), and, when the only flow is the
	 * default NORMAL one (input = wf_l2_input), that flow's per-thread counters and the
	 * bridge's per-thread table counters (table 0 counts each frame there). */
	const struct wf_ofp_pipe *ofp;
	struct wf_ofp_portmap *ofports;
	struct wf_ofp_ctr *normal_ctr;
	struct wf_ofp_tctr *normal_tctr;
	/* The bridge has a tunnel port with options:key=flow: its frames carry their tunnel id
	 * (wf_tun_id) from the input stage to that port's tx (set by the input stage: the VNI
	 * of the tunnel they came by, else 0; changed by set_tunnel). */
	bool flow_tnl;
};

struct wf_rxq {
	uint16_t port, queue;
};

struct wf_snap {
	struct wf_snap_port ports[WF_MAX_PORTS];
	struct wf_snap_bridge bridges[WF_MAX_BRIDGES];
	unsigned n_port_slots, n_bridge_slots; /* the wf_ctx's when built: unused slots above */
	uint16_t n_rxqs[WF_MAX_PMDS];
	struct wf_rxq *rxqs[WF_MAX_PMDS];
	struct vx_vni_table *vnis;   /* VNI -> overlay bridge index */
	struct wf_capture *capture;  /* the running capture's ring, if any (capture/capture.h) */
	struct wf_trace_live *trace; /* the running live trace's records (core/trace.h) */
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
	uint16_t txq;          /* transmit queue this thread uses on every port */
	uint32_t now;          /* dataplane clock, seconds */
	uint64_t now_next_tsc; /* PMD loop: the TSC at which 'now' next changes */
	uint16_t ip_id;        /* outer IPv4 id of encapsulated frames */
	struct rte_mempool *pool;
	struct wf_txbuf *txbufs; /* [WF_MAX_PORTS] */
	uint8_t *scratch;        /* WF_SCRATCH_SIZE bytes: contiguous copy of a chained frame */
	struct wf_ofp_emc *emc;  /* exact-match cache of table 0 lookups (ofp/ofp.h) */
	struct wf_trace *trace;  /* recorder of the one frame being traced, else NULL (trace.h) */
	int tun_off; /* offset of the mbuf field holding a frame's tunnel id (wf_tun_id) */
	uint16_t n_touched;
	/* Ports with queued frames; a port flushed early in a flush can be listed once more
	 * (a tunnel's tx queues onto its uplink), hence twice the ports. */
	uint16_t touched[2 * WF_MAX_PORTS];
	/* PMD loop statistics. */
	uint64_t busy_cycles, idle_cycles, n_packets, n_bursts; /* n_bursts: non-empty rx bursts */
};

/* The tunnel id (VNI) of frame 'm' in an mbuf dynamic field: set by decapsulation (the VNI
 * received) and, on bridges with a key=flow tunnel (wf_snap_bridge.flow_tnl), by the input
 * stage and set_tunnel; read by the tx of key=flow tunnel ports. Undefined elsewhere. */
static inline uint32_t *wf_tun_id(const struct wf_thread *t, struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, t->tun_off, uint32_t *);
}

struct wf_ctl_client;

struct wf_ctx {
	char rundir[PATH_MAX];
	char pidfile[PATH_MAX + 32];
	gid_t sock_gid; /* group of <rundir>/dataplane.sock (mode 0660); (gid_t)-1: not changed */
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
	/* One past the highest index in use in ports[] / bridges[]: every slot from there up is
	 * NULL, so scans of the configuration stop there (kept by core/config.c, which alone
	 * fills and empties the slots; indexes are allocated lowest first). */
	unsigned n_port_slots, n_bridge_slots;
	struct wf_thread threads[WF_MAX_THREADS];
	/* vhost-user ports by port index, for the vhost library's callbacks (ports/port_vhost.c).
	 */
	struct wf_vhost_reg *vhost;

	/* The capture session (capture/capture_cfg.c), NULL before the first. */
	struct wf_cap_session *capture;
	/* The live trace session (trace/trace_cfg.c), NULL before the first. */
	struct wf_trace_session *trace;

	/* Flows removed by their timeouts (ofp/ofp_cfg.h), NULL before the first. */
	struct wf_ofp_removed *flow_removed;

	/* Control channel. */
	int ctl_fd;
	struct wf_ctl_client *clients;
};

/* Dataplane clock of the main lcore: replay time in replay mode, else seconds since start
 * (core/ctx.c). */
uint32_t wf_ctx_now(const struct wf_ctx *);

#endif
