/* Ports that are Linux network interfaces: type "system" (OVS's name; OVS also reads an empty
 * type so, and weft-controld maps it to "system"). The interface is the one named like the
 * port, read and written with an AF_PACKET socket, as OVS's userspace datapath does:
 *
 *   Linux stack --veth/NIC--> [iface] --AF_PACKET + virtio-net header, recvmmsg-->
 *       rx: a frame whole into one mbuf (+ a 64 KiB spill buffer); a TCP super-frame (GSO,
 *           from a peer with TSO on, a veth's default) cut into segments of the sender's
 *           gso_size (vxlan/ vx_gso_*), plain TCP or TCP in VXLAN; a partial checksum
 *           completed where the header says it is
 *   PMD tx --sendmmsg, one iovec per mbuf segment (no offload asked)--> [iface]
 *
 * Unlike DPDK's net_af_packet (ring frames of a fixed size: GSO frames cut off), nothing a
 * Linux peer sends with its default offloads is lost. The interface is brought up if it was
 * down (and down again at close). Counters of the class (stats): rx_gso_frames,
 * rx_gso_segments, rx_gso_dropped (super-frames that are not TCP, malformed, over
 * VX_GSO_MAX_SEGS segments, or a checksum position outside the frame), rx_too_big (over one
 * buffer, not a super-frame), rx_no_mbuf; these and the kernel's ring drops are rx_missed.
 * One rx queue (one PMD); tx is shared (locked by the caller) when there are several PMDs. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "vxlan.h"

#include "core/log.h"
#include "ports/port.h"

#define SYS_SPILL   (64 * 1024 + 256) /* beyond the mbuf: an IP packet is at most 64 KiB */
#define SYS_PENDING (WF_BURST * (VX_GSO_MAX_SEGS + 1))
#define SYS_SOCKBUF (4 * 1024 * 1024)

extern const struct wf_port_class wf_port_system; /* this file's class, at its end */

struct sys_port {
	int fd;
	int ifindex;
	char ifname[IFNAMSIZ];
	bool was_down; /* brought up at open: brought down at close */
	uint32_t mtu;
	uint32_t room; /* data bytes of one mbuf */
	struct rte_mempool *pool;
	/* rx state of the one rx queue (one PMD). Frames received but not handed over yet (the
	 * segments of a super-frame outnumber a burst) wait in pending[head..head + n_pending). */
	struct rte_mbuf *pending[SYS_PENDING];
	unsigned head, n_pending;
	uint8_t *spill; /* WF_BURST blocks of room + SYS_SPILL bytes */
	struct mmsghdr msgs[WF_BURST];
	struct iovec iov[WF_BURST][3];
	struct virtio_net_hdr vh[WF_BURST];
	/* Written by the PMD, read by the main lcore. */
	_Atomic uint64_t n_gso_frames, n_gso_segments, n_gso_dropped, n_too_big, n_no_mbuf;
	uint64_t n_kernel_drops; /* PACKET_STATISTICS, main lcore (reading resets the kernel's) */
};

static void count(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
	                      memory_order_relaxed);
}

static struct ifreq sys_ifreq(const struct sys_port *sp)
{
	struct ifreq ifr = {0};
	memcpy(ifr.ifr_name, sp->ifname, sizeof(ifr.ifr_name));
	return ifr;
}

/* Interface flags (SIOCGIFFLAGS), or -errno. */
static int sys_flags(const struct sys_port *sp)
{
	struct ifreq ifr = sys_ifreq(sp);
	return ioctl(sp->fd, SIOCGIFFLAGS, &ifr) < 0 ? -errno : ifr.ifr_flags;
}

static int sys_set_up(const struct sys_port *sp, bool up)
{
	struct ifreq ifr = sys_ifreq(sp);
	if (ioctl(sp->fd, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags = (short)(up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP);
	return ioctl(sp->fd, SIOCSIFFLAGS, &ifr) < 0 ? -errno : 0;
}

/* The other weft port on interface 'ifindex', or NULL. */
static const struct wf_port *sys_owner(const struct wf_ctx *ctx, const struct wf_port *self,
                                       int ifindex)
{
	for (unsigned i = 0; i < ctx->n_port_slots; i++) {
		const struct wf_port *p = ctx->ports[i];
		if (p && p != self && p->cls == &wf_port_system &&
		    ((const struct sys_port *)p->priv)->ifindex == ifindex)
			return p;
	}
	return NULL;
}

static void sys_free(struct sys_port *sp)
{
	if (sp->fd >= 0)
		close(sp->fd);
	for (unsigned i = 0; i < sp->n_pending; i++)
		rte_pktmbuf_free(sp->pending[(sp->head + i) % SYS_PENDING]);
	free(sp->spill);
	rte_free(sp);
}

/* Socket on 'sp->ifindex': every protocol, promiscuous, its own frames not looped back, a
 * virtio-net header before each frame (the GSO segment size, where a partial checksum is),
 * non-blocking, 4 MiB buffers. 0 or -errno with what failed in 'what'. */
static int sys_socket(struct sys_port *sp, const char **what)
{
	int one = 1, size = SYS_SOCKBUF;
	struct sockaddr_ll sll = {
	    .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = sp->ifindex};
	struct packet_mreq mr = {.mr_ifindex = sp->ifindex, .mr_type = PACKET_MR_PROMISC};

	*what = "socket(AF_PACKET)";
	if ((sp->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	*what = "setsockopt";
	if (setsockopt(sp->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0 ||
	    setsockopt(sp->fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0 ||
	    setsockopt(sp->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
		return -errno;
	/* Larger buffers where allowed (root: the FORCE variants); the defaults work too. */
	if (setsockopt(sp->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(sp->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(sp->fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(sp->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	*what = "bind";
	return bind(sp->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0 ? -errno : 0;
}

static int sys_open(struct wf_ctx *ctx, struct wf_port *port, char *err, size_t errlen)
{
	unsigned n_threads = ctx->replay || ctx->n_pmds == 0 ? 1 : ctx->n_pmds;
	const char *what = "";
	int ret, flags;

	if (strlen(port->name) >= IFNAMSIZ) {
		snprintf(err, errlen,
		         "port %s: type system opens the network interface of the port's name, "
		         "and interface names are at most %d bytes",
		         port->name, IFNAMSIZ - 1);
		return -EINVAL;
	}
	struct sys_port *sp = rte_zmalloc("wf_sys_port", sizeof(*sp), RTE_CACHE_LINE_SIZE);
	if (sp) {
		sp->fd = -1;
		sp->pool = ctx->pool;
		sp->room = rte_pktmbuf_data_room_size(ctx->pool) - RTE_PKTMBUF_HEADROOM;
		sp->spill = malloc((size_t)WF_BURST * (sp->room + SYS_SPILL));
	}
	if (!sp || !sp->spill) {
		if (sp)
			sys_free(sp);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(sp->ifname, port->name, strlen(port->name) + 1);
	if (!(sp->ifindex = (int)if_nametoindex(sp->ifname))) {
		snprintf(err, errlen, "port %s: no network interface '%s' (type system)",
		         port->name, port->name);
		sys_free(sp);
		return -ENODEV;
	}
	const struct wf_port *owner = sys_owner(ctx, port, sp->ifindex);
	if (owner) {
		snprintf(err, errlen, "port %s: interface '%s' is already used by port %s",
		         port->name, port->name, owner->name);
		sys_free(sp);
		return -EEXIST;
	}
	struct ifreq ifr = sys_ifreq(sp);
	if ((ret = sys_socket(sp, &what)) < 0 ||
	    (what = "SIOCGIFMTU", ioctl(sp->fd, SIOCGIFMTU, &ifr) < 0 && (ret = -errno)) ||
	    (what = "SIOCGIFFLAGS", (ret = flags = sys_flags(sp)) < 0)) {
		snprintf(err, errlen, "port %s: %s: %s", port->name, what, strerror(-ret));
		sys_free(sp);
		return ret;
	}
	sp->mtu = (uint32_t)ifr.ifr_mtu;
	if (!(flags & IFF_UP)) {
		if ((ret = sys_set_up(sp, true)) < 0) {
			snprintf(err, errlen, "port %s: cannot bring interface up: %s", port->name,
			         strerror(-ret));
			sys_free(sp);
			return ret;
		}
		sp->was_down = true;
	}
	port->priv = sp;
	port->n_rxq = ctx->replay ? 0 : 1;
	port->n_txq = 1;
	port->tx_shared = n_threads > 1;
	port->rx_csum_partial = false; /* the kernel says where checksums are partial: sys_csum() */
	WF_LOG(INFO, "port %s: interface %s (index %d, MTU %u)%s", port->name, port->name,
	       sp->ifindex, sp->mtu, sp->was_down ? ", brought up" : "");
	return 0;
}

static void sys_close(struct wf_ctx *ctx, struct wf_port *port)
{
	struct sys_port *sp = port->priv;
	(void)ctx;
	if (sp->was_down)
		sys_set_up(sp, false);
	sys_free(sp);
}

static void pend(struct sys_port *sp, struct rte_mbuf *m)
{
	sp->pending[(sp->head + sp->n_pending++) % SYS_PENDING] = m;
}

/* Cuts the super-frame f[0..len) described by 'vh' into mbufs appended to the pending list. */
static void sys_segment(struct sys_port *sp, const struct virtio_net_hdr *vh, const uint8_t *f,
                        uint32_t len)
{
	struct vx_gso g;
	uint8_t type = vh->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;
	if (type != VIRTIO_NET_HDR_GSO_TCPV4 && type != VIRTIO_NET_HDR_GSO_TCPV6) {
		count(&sp->n_gso_dropped, 1); /* UDP fragmentation offload and others */
		return;
	}
	if (vx_gso_plan(f, len, vh->gso_size, sp->room, &g) != VX_GSO_OK) {
		count(&sp->n_gso_dropped, 1);
		return;
	}
	struct rte_mbuf *segs[VX_GSO_MAX_SEGS];
	if (rte_pktmbuf_alloc_bulk(sp->pool, segs, g.n_segs) < 0) {
		count(&sp->n_no_mbuf, 1);
		return;
	}
	for (uint32_t i = 0; i < g.n_segs; i++) {
		uint32_t n = vx_gso_seg_len(&g, i);
		vx_gso_write(&g, f, i, rte_pktmbuf_mtod(segs[i], uint8_t *));
		segs[i]->data_len = (uint16_t)n;
		segs[i]->pkt_len = n;
		pend(sp, segs[i]);
	}
	count(&sp->n_gso_frames, 1);
	count(&sp->n_gso_segments, g.n_segs);
}

/* Completes the partial checksum 'vh' describes (the field holds the pseudo-header sum, the
 * bytes from csum_start on are summed into it), as the device would have. false if it lies
 * outside the frame. */
static bool sys_csum(const struct virtio_net_hdr *vh, uint8_t *f, uint32_t len)
{
	uint32_t start = vh->csum_start, field = start + vh->csum_offset;
	if (start >= len || field + 2 > len)
		return false;
	uint16_t c = htons(vx_cksum_finish(vx_cksum_add(0, f + start, len - start)));
	memcpy(f + field, &c, 2);
	return true;
}

/* Receives up to 'n' (<= WF_BURST) frames into the pending list, which must be empty: each
 * frame adds at most VX_GSO_MAX_SEGS mbufs. */
static void sys_recv(struct sys_port *sp, uint16_t n)
{
	struct rte_mbuf *bufs[WF_BURST];
	const size_t block = (size_t)sp->room + SYS_SPILL;

	if (rte_pktmbuf_alloc_bulk(sp->pool, bufs, n) < 0) {
		count(&sp->n_no_mbuf, 1);
		return;
	}
	for (uint16_t i = 0; i < n; i++) {
		uint8_t *spill = sp->spill + i * block;
		sp->iov[i][0] = (struct iovec){&sp->vh[i], sizeof(sp->vh[i])};
		sp->iov[i][1] = (struct iovec){rte_pktmbuf_mtod(bufs[i], void *), sp->room};
		sp->iov[i][2] = (struct iovec){spill + sp->room, SYS_SPILL};
		sp->msgs[i].msg_hdr = (struct msghdr){.msg_iov = sp->iov[i], .msg_iovlen = 3};
	}
	int r = recvmmsg(sp->fd, sp->msgs, n, MSG_DONTWAIT, NULL);
	if (r < 0 && errno == EINVAL)
		count(&sp->n_gso_dropped, 1); /* a frame the vnet header cannot describe: gone */
	for (int i = 0; i < r; i++) {
		const struct virtio_net_hdr *vh = &sp->vh[i];
		uint32_t len = sp->msgs[i].msg_len - (uint32_t)sizeof(*vh);
		if ((sp->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ||
		    sp->msgs[i].msg_len < sizeof(*vh)) {
			count(&sp->n_too_big, 1);
		} else if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
			/* The head is in the mbuf, the rest right after it in the spill block. */
			uint8_t *f = sp->spill + i * block;
			memcpy(f, sp->iov[i][1].iov_base, RTE_MIN(len, sp->room));
			sys_segment(sp, vh, f, len);
		} else if (len > sp->room) {
			count(&sp->n_too_big, 1);
		} else if ((vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
		           !sys_csum(vh, rte_pktmbuf_mtod(bufs[i], uint8_t *), len)) {
			count(&sp->n_gso_dropped, 1);
		} else {
			bufs[i]->data_len = (uint16_t)len;
			bufs[i]->pkt_len = len;
			pend(sp, bufs[i]);
			bufs[i] = NULL;
		}
	}
	for (uint16_t i = 0; i < n; i++)
		if (bufs[i])
			rte_pktmbuf_free(bufs[i]);
}

static uint16_t sys_rx(struct wf_port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	struct sys_port *sp = port->priv;
	(void)q;
	if (sp->n_pending == 0)
		sys_recv(sp, RTE_MIN(n, WF_BURST));
	uint16_t k = (uint16_t)RTE_MIN(n, sp->n_pending);
	for (uint16_t i = 0; i < k; i++)
		pkts[i] = sp->pending[(sp->head + i) % SYS_PENDING];
	sp->head = (sp->head + k) % SYS_PENDING;
	sp->n_pending -= k;
	return k;
}

#define SYS_TX_SEGS 8

static const struct virtio_net_hdr sys_no_offload; /* what tx puts before each frame */

static uint16_t sys_tx(struct wf_port *port, struct wf_txctx *tx, struct rte_mbuf **pkts,
                       uint16_t n)
{
	struct sys_port *sp = port->priv;
	struct mmsghdr msgs[WF_BURST];
	struct iovec iov[WF_BURST][SYS_TX_SEGS + 1];
	uint16_t m = 0, sent = 0, done = 0;

	n = RTE_MIN(n, WF_BURST);
	for (uint16_t i = 0; i < n; i++) {
		if (pkts[i]->nb_segs > SYS_TX_SEGS) { /* not from weft's own paths: dropped */
			tx->n_dropped++;
			tx->dropped_bytes += pkts[i]->pkt_len;
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		unsigned k = 1;
		iov[m][0] = (struct iovec){(void *)&sys_no_offload, sizeof(sys_no_offload)};
		for (struct rte_mbuf *s = pkts[i]; s; s = s->next, k++)
			iov[m][k] = (struct iovec){rte_pktmbuf_mtod(s, void *), s->data_len};
		msgs[m].msg_hdr = (struct msghdr){.msg_iov = iov[m], .msg_iovlen = k};
		pkts[m++] = pkts[i];
	}
	while (done < m) {
		int r = sendmmsg(sp->fd, msgs + done, m - done, MSG_DONTWAIT);
		if (r > 0) {
			for (int i = 0; i < r; i++)
				pkts[sent++] = pkts[done + i];
			done += r;
			continue;
		}
		if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR)
			break; /* the rest is refused: the caller drops it (queue full) */
		/* This frame the kernel refuses (too long for the MTU, interface gone): dropped. */
		tx->n_dropped++;
		tx->dropped_bytes += pkts[done]->pkt_len;
		rte_pktmbuf_free(pkts[done++]);
	}
	rte_pktmbuf_free_bulk(pkts, sent);
	/* The refused frames pkts[done..m) go last, where the caller frees them. */
	for (uint16_t j = m - done; j > 0; j--)
		pkts[n - (m - done) + j - 1] = pkts[done + j - 1];
	return sent;
}

static bool sys_link_up(struct wf_port *port)
{
	struct sys_port *sp = port->priv;
	int flags = sys_flags(sp);
	return flags >= 0 && (flags & IFF_UP) && (flags & IFF_RUNNING) &&
	       if_nametoindex(sp->ifname) == (unsigned)sp->ifindex;
}

static int sys_get_mac(struct wf_port *port, uint8_t mac[6])
{
	struct sys_port *sp = port->priv;
	struct ifreq ifr = sys_ifreq(sp);
	if (ioctl(sp->fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

static uint64_t sys_rx_missed(struct wf_port *port)
{
	struct sys_port *sp = port->priv;
	struct tpacket_stats st;
	socklen_t len = sizeof(st);
	if (getsockopt(sp->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
		sp->n_kernel_drops += st.tp_drops;
	return sp->n_kernel_drops + atomic_load(&sp->n_gso_dropped) + atomic_load(&sp->n_too_big) +
	       atomic_load(&sp->n_no_mbuf);
}

static void sys_xstats(struct wf_port *port, wf_xstat_fn emit, void *arg)
{
	struct sys_port *sp = port->priv;
	emit(arg, "rx_gso_frames", atomic_load(&sp->n_gso_frames));
	emit(arg, "rx_gso_segments", atomic_load(&sp->n_gso_segments));
	emit(arg, "rx_gso_dropped", atomic_load(&sp->n_gso_dropped));
	emit(arg, "rx_too_big", atomic_load(&sp->n_too_big));
	emit(arg, "rx_no_mbuf", atomic_load(&sp->n_no_mbuf));
}

const struct wf_port_class wf_port_system = {
    .type = "system",
    .open = sys_open,
    .close = sys_close,
    .rx = sys_rx,
    .tx = sys_tx,
    .link_up = sys_link_up,
    .get_mac = sys_get_mac,
    .rx_missed = sys_rx_missed,
    .xstats = sys_xstats,
};
