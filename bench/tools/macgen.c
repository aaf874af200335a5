/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * macgen: the benchmark's traffic generator and sink (one DPDK process, one lcore).
 *
 *   macgen [EAL args] -- [--tx-port P] [--rx-port P] [--macs N] [--size B] [--stats FILE]
 *                        [--dst-ip A.B.C.D] [--ips M] [--learn] [--loop P]
 *
 * Transmits UDP/IPv4 frames of B bytes (default 64, no FCS; 60..2000) on ethdev P (default 0)
 * as fast as the port takes them. Frame k goes to destination MAC 02:01:xx:xx:xx:xx where the
 * low 32 bits are (k mod N) (N default 1, so every frame goes to 02:01:00:00:00:00); the source
 * is 02:00:00:00:03:01. Its destination IP is dst-ip + (k mod M) (dst-ip default 10.0.1.1, M
 * default 1; the sum wraps at 2^32), with a valid IPv4 header checksum; source 10.0.0.1, UDP
 * ports 1000 -> 2000. With --rx-port, every frame arriving on that port is counted and freed
 * (a "VM" sink). --tx-port -1 disables transmission (sink only).
 *
 * With --learn (needs --rx-port), before generating, every one of the N destination MACs is
 * sent once as a SOURCE, out of the rx port (towards the switch, from the sink's side; to
 * 02:00:00:00:03:01): a switch that learns only from traffic (OVS at a million MACs, where
 * pre-learning with fdb/add takes too long) then knows where each destination is.
 *
 * With --loop P (needs --rx-port; a closed loop, the "pre-filled ring" mode), the generator
 * keeps P frames in flight and re-sends every frame it receives instead of making new ones:
 * frames are made only to top the population up to P (at the start, and for any the switch
 * dropped: frames not back after 20-40 ms count as lost, see mg_in_flight()), and a received frame
 * only gets its destination MAC/IP re-stamped for the next k (with --macs/--ips > 1) before it goes
 * out again on the tx port. Per packet the generator then does one receive and one transmit (no
 * allocation, fill or free of its own), so a switch that is slower than that, not the generator,
 * sets the rate. rx_packets counts as before.
 *
 * Counters are written, after every burst, to FILE (mmap'd, created/truncated): four native
 * little-endian uint64: tx_packets, tx_retries (bursts the port did not take whole), rx_packets,
 * rx_bytes. Readers (bench/lib.sh: `od -An -t u8 FILE`) may see a value one burst old.
 *
 * Frames the port did not take are kept and offered again (no alloc/free churn while the
 * switch is the bottleneck). Runs until SIGINT/SIGTERM; prints a summary line and exits 0.
 * Exit 2: usage or set-up error (message on stderr).
 *
 * Thread-safety: single-threaded; the signal handler only sets the context's quit flag.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#define MG_BURST     32
#define MG_HDR_LEN   (sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) + 8)
#define MG_MIN_SIZE  60
#define MG_MAX_SIZE  2000
#define MG_RING_SIZE 1024

/* Shared counters (the --stats file). */
struct mg_stats {
	uint64_t tx_packets;
	uint64_t tx_retries;
	uint64_t rx_packets;
	uint64_t rx_bytes;
};

/* The one context of the process. */
struct mg_ctx {
	int tx_port; /* -1: none */
	int rx_port; /* -1: none */
	uint32_t n_macs;
	uint32_t dst_ip; /* host order */
	uint32_t n_ips;
	uint16_t size;
	bool learn;
	uint32_t loop; /* --loop: frames kept in flight; 0: open loop (make every frame) */
	const char *stats_path;
	struct mg_stats *stats; /* mmap'd file, or &local */
	struct mg_stats local;
	struct rte_mempool *pool;
	uint8_t hdr[MG_HDR_LEN]; /* template: Ethernet + IPv4 + UDP */
	volatile sig_atomic_t quit;
};

static struct mg_ctx *mg_the_ctx; /* for the signal handler only */

static void mg_on_signal(int sig)
{
	(void)sig;
	if (mg_the_ctx)
		mg_the_ctx->quit = 1;
}

static void mg_usage(void)
{
	fprintf(
	    stderr,
	    "usage: macgen [EAL args] -- [--tx-port P|-1] [--rx-port P] [--macs N]\n"
	    "              [--size BYTES] [--stats FILE] [--dst-ip A.B.C.D] [--ips M] [--learn]\n"
	    "              [--loop P]\n");
}

/* Parses a decimal number in [lo, hi] into *out; 0 or -EINVAL. */
static int mg_parse_num(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static int mg_parse_args(struct mg_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"tx-port", required_argument, NULL, 't'}, {"rx-port", required_argument, NULL, 'r'},
	    {"macs", required_argument, NULL, 'm'},    {"size", required_argument, NULL, 's'},
	    {"stats", required_argument, NULL, 'S'},   {"dst-ip", required_argument, NULL, 'd'},
	    {"ips", required_argument, NULL, 'i'},     {"learn", no_argument, NULL, 'l'},
	    {"loop", required_argument, NULL, 'L'},    {NULL, 0, NULL, 0},
	};
	struct in_addr a;
	long v;
	int c;

	ctx->tx_port = 0;
	ctx->rx_port = -1;
	ctx->n_macs = 1;
	ctx->dst_ip = RTE_IPV4(10, 0, 1, 1);
	ctx->n_ips = 1;
	ctx->size = 64;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (mg_parse_num(optarg, -1, RTE_MAX_ETHPORTS - 1, &v) < 0)
				goto bad;
			ctx->tx_port = (int)v;
			break;
		case 'r':
			if (mg_parse_num(optarg, 0, RTE_MAX_ETHPORTS - 1, &v) < 0)
				goto bad;
			ctx->rx_port = (int)v;
			break;
		case 'm':
			if (mg_parse_num(optarg, 1, UINT32_MAX, &v) < 0)
				goto bad;
			ctx->n_macs = (uint32_t)v;
			break;
		case 's':
			if (mg_parse_num(optarg, MG_MIN_SIZE, MG_MAX_SIZE, &v) < 0)
				goto bad;
			ctx->size = (uint16_t)v;
			break;
		case 'S':
			ctx->stats_path = optarg;
			break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &a) != 1)
				goto bad;
			ctx->dst_ip = rte_be_to_cpu_32(a.s_addr);
			break;
		case 'i':
			if (mg_parse_num(optarg, 1, UINT32_MAX, &v) < 0)
				goto bad;
			ctx->n_ips = (uint32_t)v;
			break;
		case 'l':
			ctx->learn = true;
			break;
		case 'L':
			if (mg_parse_num(optarg, MG_BURST, 65536, &v) < 0)
				goto bad;
			ctx->loop = (uint32_t)v;
			break;
		default:
			mg_usage();
			return -EINVAL;
		}
	}
	if (optind != argc || ((ctx->learn || ctx->loop) && ctx->rx_port < 0) ||
	    (ctx->loop && ctx->tx_port < 0)) {
		mg_usage();
		return -EINVAL;
	}
	return 0;
bad:
	fprintf(stderr, "macgen: bad option value '%s'\n", optarg);
	mg_usage();
	return -EINVAL;
}

/* Maps the counters file; 0 or -errno. */
static int mg_stats_open(struct mg_ctx *ctx)
{
	ctx->stats = &ctx->local;
	if (!ctx->stats_path)
		return 0;
	int fd = open(ctx->stats_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, sizeof(struct mg_stats)) < 0) {
		int e = errno;
		fprintf(stderr, "macgen: %s: %s\n", ctx->stats_path, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	void *p = mmap(NULL, sizeof(struct mg_stats), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "macgen: mmap %s: %s\n", ctx->stats_path, strerror(errno));
		return -errno;
	}
	ctx->stats = p;
	memset(ctx->stats, 0, sizeof(*ctx->stats));
	return 0;
}

/* Builds the header template for ctx->size byte frames. */
static void mg_build_template(struct mg_ctx *ctx)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)ctx->hdr;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	static const struct rte_ether_addr src = {{0x02, 0x00, 0x00, 0x00, 0x03, 0x01}};
	static const struct rte_ether_addr dst = {{0x02, 0x01, 0x00, 0x00, 0x00, 0x00}};

	memset(ctx->hdr, 0, sizeof(ctx->hdr));
	rte_ether_addr_copy(&dst, &eth->dst_addr);
	rte_ether_addr_copy(&src, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(ctx->size - sizeof(*eth));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1));
	ip->dst_addr = rte_cpu_to_be_32(ctx->dst_ip);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(1000);
	udp->dst_port = rte_cpu_to_be_16(2000);
	udp->dgram_len = rte_cpu_to_be_16(ctx->size - sizeof(*eth) - sizeof(*ip));
}

/* Sets up 'port' with one rx and one tx queue and starts it; 0 or -errno. */
static int mg_port_init(struct mg_ctx *ctx, uint16_t port)
{
	struct rte_eth_conf conf;
	uint16_t nrx = MG_RING_SIZE, ntx = MG_RING_SIZE;
	int ret;

	if (!rte_eth_dev_is_valid_port(port)) {
		fprintf(stderr, "macgen: no ethdev %u (give one --vdev per port)\n", port);
		return -ENODEV;
	}
	memset(&conf, 0, sizeof(conf));
	if ((ret = rte_eth_dev_configure(port, 1, 1, &conf)) < 0 ||
	    (ret = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrx, &ntx)) < 0 ||
	    (ret = rte_eth_rx_queue_setup(port, 0, nrx, rte_eth_dev_socket_id(port), NULL,
	                                  ctx->pool)) < 0 ||
	    (ret = rte_eth_tx_queue_setup(port, 0, ntx, rte_eth_dev_socket_id(port), NULL)) < 0 ||
	    (ret = rte_eth_dev_start(port)) < 0) {
		fprintf(stderr, "macgen: port %u set-up failed: %s\n", port, rte_strerror(-ret));
		return ret;
	}
	return 0;
}

/* Writes frame k's destination MAC and IP (and its IPv4 header checksum) into the frame at
 * 'p', which already holds the template. */
static void mg_stamp(const struct mg_ctx *ctx, uint8_t *p, uint64_t k)
{
	uint32_t mac = ctx->n_macs == 1 ? 0 : (uint32_t)(k % ctx->n_macs);

	p[2] = mac >> 24;
	p[3] = mac >> 16;
	p[4] = mac >> 8;
	p[5] = mac;
	if (ctx->n_ips > 1) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + sizeof(struct rte_ether_hdr));
		ip->dst_addr = rte_cpu_to_be_32(ctx->dst_ip + (uint32_t)(k % ctx->n_ips));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
}

/* Fills 'n' fresh mbufs with frames k, k+1, ... (destination MAC and IP from k); returns the
 * next k. */
static uint64_t mg_fill(const struct mg_ctx *ctx, struct rte_mbuf **pkts, unsigned n, uint64_t k)
{
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);

		memcpy(p, ctx->hdr, MG_HDR_LEN);
		mg_stamp(ctx, p, k++);
		m->data_len = ctx->size;
		m->pkt_len = ctx->size;
	}
	return k;
}

/* --learn: the n_macs destination MACs, once each, as sources out of the rx port (frames
 * k = 0..n_macs-1 of mg_fill() with their MACs swapped). Returns how many were sent. */
static uint64_t mg_learn(struct mg_ctx *ctx)
{
	struct rte_mbuf *b[MG_BURST];
	uint64_t k = 0;

	while (k < ctx->n_macs && !ctx->quit) {
		unsigned n = (unsigned)RTE_MIN((uint64_t)MG_BURST, ctx->n_macs - k), sent = 0;
		if (rte_pktmbuf_alloc_bulk(ctx->pool, b, n) != 0)
			continue; /* the switch still holds the last ones: try again */
		mg_fill(ctx, b, n, k);
		for (unsigned i = 0; i < n; i++) {
			struct rte_ether_hdr *eth = rte_pktmbuf_mtod(b[i], struct rte_ether_hdr *);
			struct rte_ether_addr t = eth->src_addr;
			eth->src_addr = eth->dst_addr;
			eth->dst_addr = t;
		}
		while (sent < n && !ctx->quit)
			sent += rte_eth_tx_burst(ctx->rx_port, 0, b + sent, n - sent);
		if (sent < n)
			rte_pktmbuf_free_bulk(b + sent, n - sent);
		k += sent;
	}
	return k;
}

/* Frames waiting to be transmitted: new ones (open loop) or received ones (--loop). */
struct mg_txq {
	struct rte_mbuf *pkts[8 * MG_BURST];
	unsigned n;
	uint64_t k; /* the next frame number */
};

/* Makes up to 'want' new frames at the end of 'q' (fewer if the pool is short). */
static void mg_make(struct mg_ctx *ctx, struct mg_txq *q, unsigned want)
{
	want = RTE_MIN(want, (unsigned)RTE_DIM(q->pkts) - q->n);
	if (want && rte_pktmbuf_alloc_bulk(ctx->pool, q->pkts + q->n, want) == 0) {
		q->k = mg_fill(ctx, q->pkts + q->n, want, q->k);
		q->n += want;
	}
}

/* Offers the queue to the tx port; what it did not take stays queued, in order. */
static void mg_send(struct mg_ctx *ctx, struct mg_txq *q)
{
	uint16_t sent = rte_eth_tx_burst(ctx->tx_port, 0, q->pkts, (uint16_t)RTE_MIN(q->n, 256u));

	if (sent < q->n) {
		memmove(q->pkts, q->pkts + sent, (q->n - sent) * sizeof(q->pkts[0]));
		ctx->stats->tx_retries++;
	}
	q->n -= sent;
	ctx->stats->tx_packets += sent;
}

/* Drains up to four bursts of the rx port (the sink never lags); with --loop, appends the
 * frames to 'q' re-stamped as the next frames, else frees them. */
static void mg_sink(struct mg_ctx *ctx, struct mg_txq *q)
{
	struct rte_mbuf *rx[MG_BURST];

	for (int b = 0; b < 4; b++) {
		bool loop = ctx->loop && q->n + MG_BURST <= RTE_DIM(q->pkts);
		uint16_t n = rte_eth_rx_burst(ctx->rx_port, 0, rx, MG_BURST);
		uint64_t bytes = 0;

		if (!n)
			break;
		for (uint16_t i = 0; i < n; i++) {
			bytes += rx[i]->pkt_len;
			if (loop && (ctx->n_macs > 1 || ctx->n_ips > 1))
				mg_stamp(ctx, rte_pktmbuf_mtod(rx[i], uint8_t *), q->k++);
		}
		if (loop) {
			memcpy(q->pkts + q->n, rx, n * sizeof(rx[0]));
			q->n += n;
		} else {
			rte_pktmbuf_free_bulk(rx, n);
		}
		ctx->stats->rx_packets += n;
		ctx->stats->rx_bytes += bytes;
		if (n < MG_BURST)
			break;
	}
}

/* --loop: frames the switch dropped never come back. Every MG_LOSS_MS, the frames sent before
 * the previous check that have still not been received are counted lost (a round trip takes
 * well under a millisecond), so the population is topped up again. Returns the frames in
 * flight: queued, or sent and neither received nor lost. */
#define MG_LOSS_MS 20
struct mg_flight {
	uint64_t lost;
	uint64_t mark_tx; /* tx_packets at the previous check */
	uint64_t next;    /* TSC of the next check */
};

static uint64_t mg_in_flight(const struct mg_ctx *ctx, const struct mg_txq *q, struct mg_flight *f)
{
	const struct mg_stats *st = ctx->stats;
	uint64_t now = rte_get_tsc_cycles(), back;

	if (now >= f->next) {
		if (st->rx_packets + f->lost < f->mark_tx)
			f->lost = f->mark_tx - st->rx_packets;
		f->mark_tx = st->tx_packets;
		f->next = now + rte_get_tsc_hz() / 1000 * MG_LOSS_MS;
	}
	back = st->rx_packets + f->lost;
	return q->n + (st->tx_packets > back ? st->tx_packets - back : 0);
}

/* Generator/sink loop until SIGINT/SIGTERM; returns the frames counted lost (--loop). Open
 * loop: a new burst whenever the queue is short of one. --loop: new frames only while fewer
 * than P are in flight. */
static uint64_t mg_loop(struct mg_ctx *ctx)
{
	struct mg_txq q = {.n = 0, .k = 0};
	struct mg_flight f = {0, 0, 0};

	while (!ctx->quit) {
		if (ctx->tx_port >= 0) {
			if (!ctx->loop) {
				if (q.n < MG_BURST)
					mg_make(ctx, &q, MG_BURST - q.n);
			} else {
				uint64_t in_flight = mg_in_flight(ctx, &q, &f);
				if (in_flight < ctx->loop)
					mg_make(ctx, &q,
					        RTE_MIN(ctx->loop - in_flight, (uint64_t)MG_BURST));
			}
			if (q.n)
				mg_send(ctx, &q);
		}
		if (ctx->rx_port >= 0)
			mg_sink(ctx, &q);
	}
	if (q.n)
		rte_pktmbuf_free_bulk(q.pkts, q.n);
	return f.lost;
}

int main(int argc, char **argv)
{
	static struct mg_ctx ctx;
	int n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "macgen: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 2;
	}
	argc -= n;
	argv += n;
	mg_the_ctx = &ctx;
	if (mg_parse_args(&ctx, argc, argv) < 0 || mg_stats_open(&ctx) < 0)
		goto fail;
	if (ctx.tx_port < 0 && ctx.rx_port < 0) {
		fprintf(stderr, "macgen: nothing to do (--tx-port -1 and no --rx-port)\n");
		goto fail;
	}
	ctx.pool = rte_pktmbuf_pool_create("macgen", 16383, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
	                                   rte_socket_id());
	if (!ctx.pool) {
		fprintf(stderr, "macgen: mbuf pool: %s\n", rte_strerror(rte_errno));
		goto fail;
	}
	mg_build_template(&ctx);
	if ((ctx.tx_port >= 0 && mg_port_init(&ctx, ctx.tx_port) < 0) ||
	    (ctx.rx_port >= 0 && ctx.rx_port != ctx.tx_port && mg_port_init(&ctx, ctx.rx_port) < 0))
		goto fail;
	signal(SIGINT, mg_on_signal);
	signal(SIGTERM, mg_on_signal);
	printf("macgen: tx port %d, rx port %d, %u dst MACs, %u dst IPs, %u-byte frames, %s\n",
	       ctx.tx_port, ctx.rx_port, ctx.n_macs, ctx.n_ips, ctx.size,
	       ctx.loop ? "closed loop" : "open loop");
	fflush(stdout);

	if (ctx.learn) {
		printf("macgen: learning frames sent: %" PRIu64 "\n", mg_learn(&ctx));
		fflush(stdout);
	}
	uint64_t t0 = rte_get_timer_cycles();
	uint64_t lost = mg_loop(&ctx);
	double secs = (double)(rte_get_timer_cycles() - t0) / rte_get_timer_hz();
	printf("macgen: %.1f s: tx %" PRIu64 " (%" PRIu64 " retried bursts), rx %" PRIu64
	       ", lost in the closed loop %" PRIu64 "\n",
	       secs, ctx.stats->tx_packets, ctx.stats->tx_retries, ctx.stats->rx_packets, lost);
	uint16_t pid;
	RTE_ETH_FOREACH_DEV(pid)
	{
		rte_eth_dev_stop(pid);
		rte_eth_dev_close(pid);
	}
	rte_eal_cleanup();
	return 0;
fail:
	rte_eal_cleanup();
	return 2;
}
