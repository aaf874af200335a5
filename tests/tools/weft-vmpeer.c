/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * weft-vmpeer: a tiny DPDK "VM" for system tests: one ethdev (a net_virtio_user vdev on a
 * vhost-user socket of the switch) sends or receives numbered test frames.
 *
 *   weft-vmpeer [EAL] -- --send N --src MAC --dst MAC [--size B] [--rate PPS] [--seq-start K]
 *                        [--announce] [--hold] [--timeout S] [--random-src | --src-file F]
 *   weft-vmpeer [EAL] -- --recv N [--seq-start K] [--src MAC --announce] [--src-filter MAC]
 *                        [--timeout S] [--grace MS] [--before-ok] [--rx-ring D]
 *
 * Frame: Ethernet type 0x88b5, magic, length, 64-bit seq, then bytes (seq + offset) & 0xff.
 * --rx-ring D: D receive descriptors (64..4096; default: the driver's, 512 on virtio_user; the
 * devarg queue_size must be at least D): a receiver descheduled on a loaded machine loses
 * nothing for D / rate seconds.
 * --announce: a broadcast from --src without the magic, sent whenever the link comes up.
 * --random-src: each test frame's source MAC is 06:xx:xx:xx:xx:xx, the low 40 bits a bijective
 * scramble of its seq (seq * an odd constant mod 2^40): N frames carry N distinct, random-looking
 * source MACs (a MAC flood), none equal to a 02:... test MAC. --src still sources the announce.
 * --src-file F: test frame i (from --seq-start) comes from the MAC on line i mod L of F (L lines
 * of xx:xx:xx:xx:xx:xx, at most 2^20): a guest that chooses its sources (tests/system/
 * mac-collide.sh). --src still sources the announce.
 *
 * Send: waits for link up, sends exactly N frames (seq K..K+N-1) at --rate (0: as fast as the
 * ring takes them), prints "sent=N total=T", lingers 1 s for the switch to drain the ring.
 * --hold: keeps running; SIGUSR1 sends N more (the sequence continues).
 *
 * Recv: matching frames carry the magic (and come from --src-filter). Stops at N distinct
 * matching frames plus --grace ms, or at --timeout; prints "received=R matching=M
 * out_of_order=O duplicates=D missing=X unexpected=U corrupt=C"; passes only if each seq
 * K..K+N-1 arrived once, intact, and nothing else matching arrived. --before-ok: frames with a
 * seq below K (an earlier run of a sender that keeps its sequence) are not unexpected: they are
 * counted apart and printed on a line of their own, "before=B", before the summary.
 *
 * A second ethdev, if any, is a sink drained in the same loop (benchmarks). Progress on stdout:
 * "link up", "link down", "ready". Start a virtio_user client only once its socket exists.
 * Exit: 0 pass, 1 wrong counts or timeout, 2 usage or setup error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#define VMP_ETHERTYPE 0x88b5
#define VMP_MAGIC     0x57454654u /* "WEFT" */
#define VMP_BURST     32
#define VMP_MAX_N     (1u << 26)
#define VMP_MAX_SRCS  (1u << 20)
#define VMP_HDR_LEN   (sizeof(struct rte_ether_hdr) + sizeof(struct vmp_payload))

struct vmp_payload {
	uint32_t magic;
	uint16_t len; /* frame length */
	uint16_t reserved;
	uint64_t seq;
} __rte_packed;

/* The one context of the process. */
struct vmp_ctx {
	uint16_t port, sink; /* sink == port: no sink port */
	struct rte_mempool *pool;
	struct rte_ether_addr src, dst, src_filter;
	bool has_src, has_dst, has_filter, announce, hold, random_src, before_ok;
	uint64_t n_send, n_recv, seq_start, rate;
	unsigned int size, timeout_s, grace_ms, rx_ring;
	bool link_up;
	unsigned int n_link_down; /* up->down transitions seen */
	/* receive accounting */
	uint8_t *seen; /* one byte per expected seq */
	uint64_t n_sink, n_rx, n_match, n_ooo, n_dup, n_unexpected, n_corrupt, n_distinct;
	uint64_t n_before;           /* seq < seq_start with --before-ok */
	uint64_t seq_end;            /* highest seq seen + 1 */
	struct rte_ether_addr *srcs; /* --src-file: the test frames' sources, n_srcs of them */
	uint32_t n_srcs;
};

static volatile sig_atomic_t vmp_quit;
static volatile sig_atomic_t vmp_more;

static void vmp_on_signal(int sig)
{
	if (sig == SIGUSR1)
		vmp_more = 1;
	else
		vmp_quit = 1;
}

static double vmp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int vmp_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Reads --src-file 'path' into c->srcs: one MAC per line (blank lines skipped), 1..VMP_MAX_SRCS
 * of them. 0 or -EINVAL (message printed). */
static int vmp_read_srcs(struct vmp_ctx *c, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[64];
	unsigned lineno = 0, cap = 0;
	int ret = 0;

	if (f == NULL) {
		fprintf(stderr, "weft-vmpeer: %s: %s\n", path, strerror(errno));
		return -EINVAL;
	}
	free(c->srcs);
	c->srcs = NULL;
	c->n_srcs = 0;
	while (ret == 0 && fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		if (line[0] == 0)
			continue;
		if (c->n_srcs == cap) {
			struct rte_ether_addr *n = NULL;

			cap = cap ? 2 * cap : 1024;
			if (cap <= VMP_MAX_SRCS)
				n = realloc(c->srcs, cap * sizeof(*n));
			if (n == NULL) {
				fprintf(stderr,
				        "weft-vmpeer: %s: more than %u MACs, or out of memory\n",
				        path, VMP_MAX_SRCS);
				ret = -EINVAL;
				break;
			}
			c->srcs = n;
		}
		if (rte_ether_unformat_addr(line, &c->srcs[c->n_srcs]) != 0) {
			fprintf(stderr, "weft-vmpeer: %s:%u: not a MAC: '%s'\n", path, lineno,
			        line);
			ret = -EINVAL;
		}
		c->n_srcs++;
	}
	fclose(f);
	if (ret == 0 && c->n_srcs == 0) {
		fprintf(stderr, "weft-vmpeer: %s: no MAC in the file\n", path);
		ret = -EINVAL;
	}
	return ret;
}

/* Parses the application arguments (after "--"); returns 0 or -EINVAL (message printed). */
static int vmp_parse_args(struct vmp_ctx *c, int argc, char **argv)
{
	/* clang-format off */
	static const struct option opts[] = {
		{"send", 1, 0, 's'}, {"recv", 1, 0, 'r'}, {"src", 1, 0, 'S'}, {"dst", 1, 0, 'D'},
		{"size", 1, 0, 'z'}, {"rate", 1, 0, 'R'}, {"seq-start", 1, 0, 'k'},
		{"announce", 0, 0, 'a'}, {"hold", 0, 0, 'h'}, {"timeout", 1, 0, 't'},
		{"grace", 1, 0, 'g'}, {"src-filter", 1, 0, 'f'}, {"random-src", 0, 0, 'x'},
		{"before-ok", 0, 0, 'b'}, {"rx-ring", 1, 0, 'q'}, {"src-file", 1, 0, 'F'},
		{0, 0, 0, 0},
	};
	/* clang-format on */
	uint64_t v;
	int o, idx;

	c->size = 64;
	c->timeout_s = 30;
	c->grace_ms = 1000;
	optind = 1;
	while ((o = getopt_long(argc, argv, "", opts, &idx)) != -1) {
		int bad = 0;

		switch (o) {
		case 's':
			bad = vmp_parse_u64(optarg, VMP_MAX_N, &c->n_send) || c->n_send == 0;
			break;
		case 'r':
			bad = vmp_parse_u64(optarg, VMP_MAX_N, &c->n_recv) || c->n_recv == 0;
			break;
		case 'S':
			bad = rte_ether_unformat_addr(optarg, &c->src) != 0;
			c->has_src = true;
			break;
		case 'D':
			bad = rte_ether_unformat_addr(optarg, &c->dst) != 0;
			c->has_dst = true;
			break;
		case 'f':
			bad = rte_ether_unformat_addr(optarg, &c->src_filter) != 0;
			c->has_filter = true;
			break;
		case 'z':
			bad = vmp_parse_u64(optarg, RTE_ETHER_MAX_LEN - RTE_ETHER_CRC_LEN, &v) ||
			      v < RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN;
			c->size = v;
			break;
		case 'R':
			bad = vmp_parse_u64(optarg, 100000000, &c->rate);
			break;
		case 'k':
			bad = vmp_parse_u64(optarg, UINT64_MAX / 2, &c->seq_start);
			break;
		case 't':
			bad = vmp_parse_u64(optarg, 86400, &v) || v == 0;
			c->timeout_s = v;
			break;
		case 'g':
			bad = vmp_parse_u64(optarg, 600000, &v);
			c->grace_ms = v;
			break;
		case 'a':
			c->announce = true;
			break;
		case 'h':
			c->hold = true;
			break;
		case 'x':
			c->random_src = true;
			break;
		case 'b':
			c->before_ok = true;
			break;
		case 'F':
			bad = vmp_read_srcs(c, optarg) < 0;
			break;
		case 'q':
			bad = vmp_parse_u64(optarg, 4096, &v) || v < 64;
			c->rx_ring = v;
			break;
		default:
			return -EINVAL;
		}
		if (bad) {
			fprintf(stderr, "weft-vmpeer: invalid value for --%s: '%s'\n",
			        opts[idx].name, optarg);
			return -EINVAL;
		}
	}
	if (optind != argc || !!c->n_send == !!c->n_recv) {
		fprintf(stderr, "weft-vmpeer: exactly one of --send N or --recv N is required\n");
		return -EINVAL;
	}
	if (c->random_src && c->n_srcs) {
		fprintf(stderr, "weft-vmpeer: --random-src and --src-file exclude each other\n");
		return -EINVAL;
	}
	if (c->n_recv && (c->random_src || c->n_srcs)) {
		fprintf(stderr, "weft-vmpeer: --random-src and --src-file are for --send\n");
		return -EINVAL;
	}
	if ((c->n_send && (!c->has_src || !c->has_dst)) || (c->announce && !c->has_src)) {
		fprintf(stderr,
		        "weft-vmpeer: --send needs --src and --dst; --announce needs --src\n");
		return -EINVAL;
	}
	return 0;
}

/* Starts the port (and the sink port, if a second one exists) with one queue pair each, ring
 * sizes as the device says (virtio_user: devarg queue_size). */
static int vmp_port_init(struct vmp_ctx *c)
{
	struct rte_eth_conf conf = {0};
	uint16_t pid;
	int ret = 0;

	if (rte_eth_dev_count_avail() < 1 || rte_eth_dev_count_avail() > 2) {
		fprintf(stderr, "weft-vmpeer: need one or two ports, have %u\n",
		        rte_eth_dev_count_avail());
		return -ENODEV;
	}
	c->port = rte_eth_find_next(0);
	c->sink = rte_eth_dev_count_avail() == 2 ? rte_eth_find_next(c->port + 1) : c->port;
	c->pool = rte_pktmbuf_pool_create("vmp", 8191, 128, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
	                                  rte_socket_id());
	if (c->pool == NULL)
		return -rte_errno;
	RTE_ETH_FOREACH_DEV(pid)
	{
		if (ret == 0)
			ret = rte_eth_dev_configure(pid, 1, 1, &conf);
		if (ret == 0)
			ret = rte_eth_rx_queue_setup(pid, 0, c->rx_ring, rte_socket_id(), NULL,
			                             c->pool);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(pid, 0, 0, rte_socket_id(), NULL);
		if (ret == 0)
			ret = rte_eth_dev_start(pid);
	}
	return ret;
}

/* Writes a test frame (or an announce) into the empty mbuf m; returns m. */
static struct rte_mbuf *vmp_frame(struct vmp_ctx *c, struct rte_mbuf *m, bool announce,
                                  uint64_t seq)
{
	struct rte_ether_hdr *eh;
	struct vmp_payload *pl;

	if (m == NULL)
		return NULL;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, c->size);
	for (unsigned int i = VMP_HDR_LEN; i < c->size; i++)
		((uint8_t *)eh)[i] = (uint8_t)(seq + i);
	eh->src_addr = c->src;
	if (!announce && c->random_src) {
		uint64_t r = (seq * 0x9e3779b97f4a7c15ull) & ((1ull << 40) - 1);
		eh->src_addr.addr_bytes[0] = 0x06; /* locally administered, unicast */
		for (int i = 5; i >= 1; i--, r >>= 8)
			eh->src_addr.addr_bytes[i] = (uint8_t)r;
	}
	if (!announce && c->n_srcs)
		eh->src_addr = c->srcs[(seq - c->seq_start) % c->n_srcs];
	if (announce)
		memset(&eh->dst_addr, 0xff, sizeof(eh->dst_addr));
	else
		eh->dst_addr = c->dst;
	eh->ether_type = rte_cpu_to_be_16(VMP_ETHERTYPE);
	pl = (struct vmp_payload *)(eh + 1);
	pl->magic = announce ? 0 : rte_cpu_to_be_32(VMP_MAGIC);
	pl->len = rte_cpu_to_be_16(c->size);
	pl->reserved = 0;
	pl->seq = rte_cpu_to_be_64(seq);
	return m;
}

/* Updates c->link_up; on a down->up transition sends the announce frame (if asked). */
static void vmp_poll_link(struct vmp_ctx *c)
{
	struct rte_eth_link link;
	struct rte_mbuf *m;
	bool up;

	if (rte_eth_link_get_nowait(c->port, &link) != 0)
		return;
	up = link.link_status == RTE_ETH_LINK_UP;
	if (up == c->link_up)
		return;
	c->link_up = up;
	c->n_link_down += !up;
	printf("link %s\n", up ? "up" : "down");
	if (up && c->announce) {
		m = vmp_frame(c, rte_pktmbuf_alloc(c->pool), true, 0);
		for (int i = 0; m != NULL && i < 1000; i++)
			if (rte_eth_tx_burst(c->port, 0, &m, 1) == 1)
				m = NULL;
			else
				rte_delay_us_sleep(1000);
		if (m != NULL) {
			rte_pktmbuf_free(m);
			fprintf(stderr, "weft-vmpeer: announce not sent\n");
		}
	}
	if (up)
		printf("ready\n");
	fflush(stdout);
}

static void vmp_account(struct vmp_ctx *c, struct rte_mbuf *m)
{
	uint8_t copy[RTE_ETHER_MAX_LEN];
	const struct rte_ether_hdr *eh;
	const struct vmp_payload *pl;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	uint64_t seq;
	bool bad;

	if (len < VMP_HDR_LEN)
		return;
	eh = rte_pktmbuf_read(m, 0, RTE_MIN(len, sizeof(copy)), copy); /* handles chains */
	pl = (const struct vmp_payload *)(eh + 1);
	if (eh->ether_type != rte_cpu_to_be_16(VMP_ETHERTYPE) ||
	    pl->magic != rte_cpu_to_be_32(VMP_MAGIC))
		return;
	if (c->has_filter && !rte_is_same_ether_addr(&eh->src_addr, &c->src_filter))
		return;
	c->n_match++;
	seq = rte_be_to_cpu_64(pl->seq);
	bad = len != rte_be_to_cpu_16(pl->len) || len > sizeof(copy); /* truncated or padded */
	for (uint32_t i = VMP_HDR_LEN; !bad && i < len; i++)
		bad = ((const uint8_t *)eh)[i] != (uint8_t)(seq + i);
	if (bad) {
		c->n_corrupt++;
		return;
	}
	if (c->before_ok && seq < c->seq_start) {
		c->n_before++;
		return;
	}
	seq -= c->seq_start; /* wraps above n_recv when seq < seq_start */
	if (seq >= c->n_recv) {
		c->n_unexpected++;
		return;
	}
	if (c->seen[seq]) {
		c->n_dup++;
		return;
	}
	c->seen[seq] = 1;
	c->n_distinct++;
	if (seq + 1 < c->seq_end)
		c->n_ooo++; /* an earlier frame had a higher seq */
	c->seq_end = RTE_MAX(c->seq_end, seq + 1);
}

/* Receives and accounts (recv mode) or frees (send mode) one burst; returns the count. */
static uint16_t vmp_drain(struct vmp_ctx *c)
{
	struct rte_mbuf *pkts[VMP_BURST];
	uint16_t n;

	if (c->sink != c->port) {
		n = rte_eth_rx_burst(c->sink, 0, pkts, VMP_BURST);
		rte_pktmbuf_free_bulk(pkts, n);
		c->n_sink += n;
	}
	n = rte_eth_rx_burst(c->port, 0, pkts, VMP_BURST);

	for (uint16_t i = 0; i < n; i++)
		if (c->n_recv)
			vmp_account(c, pkts[i]);
	c->n_rx += n;
	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

/* Idle step: drain rx, watch the link, sleep a little when nothing arrived. */
static void vmp_idle(struct vmp_ctx *c, double *last_link)
{
	double t = vmp_now();

	if (t - *last_link > 0.1) {
		vmp_poll_link(c);
		*last_link = t;
	}
	if (vmp_drain(c) == 0)
		rte_delay_us_sleep(100);
}

/* Sends n frames from *seq; returns 0, or -ETIMEDOUT/-EINTR with *seq at the next unsent seq. */
static int vmp_send_batch(struct vmp_ctx *c, uint64_t n, uint64_t *seq)
{
	struct rte_mbuf *pend[VMP_BURST];
	uint16_t n_pend = 0;
	uint64_t sent = 0, built = 0;
	double t_link = 0, t0, deadline = vmp_now() + c->timeout_s;

	while (!c->link_up) {
		if (vmp_quit || vmp_now() > deadline)
			return vmp_quit ? -EINTR : -ETIMEDOUT;
		vmp_idle(c, &t_link);
	}
	t0 = vmp_now();
	while (sent < n) {
		uint64_t due = n;
		uint16_t k;

		if (vmp_quit) {
			rte_pktmbuf_free_bulk(pend, n_pend);
			*seq += sent;
			return -EINTR;
		}
		if (c->rate) {
			double want = (vmp_now() - t0) * (double)c->rate + 1;
			due = want < (double)n ? (uint64_t)want : n;
		}
		k = RTE_MIN((uint64_t)(VMP_BURST - n_pend), due - built);
		if (k && rte_pktmbuf_alloc_bulk(c->pool, pend + n_pend, k) == 0)
			for (; k; k--, built++)
				vmp_frame(c, pend[n_pend++], false, *seq + built);
		k = n_pend ? rte_eth_tx_burst(c->port, 0, pend, n_pend) : 0;
		memmove(pend, pend + k, (n_pend - k) * sizeof(pend[0]));
		n_pend -= k;
		sent += k;
		if (k == 0)
			vmp_idle(c, &t_link);
		else
			vmp_drain(c);
		if (k == 0 && vmp_now() > deadline + 1) {
			rte_pktmbuf_free_bulk(pend, n_pend);
			*seq += sent;
			return -ETIMEDOUT;
		}
	}
	*seq += sent;
	return 0;
}

static int vmp_run_send(struct vmp_ctx *c)
{
	uint64_t seq = c->seq_start, first;
	double t_link = 0, until;
	int ret;

	do {
		vmp_more = 0;
		first = seq;
		ret = vmp_send_batch(c, c->n_send, &seq);
		printf("sent=%" PRIu64 " total=%" PRIu64, seq - first, seq - c->seq_start);
		if (c->sink != c->port)
			printf(" sink=%" PRIu64, c->n_sink);
		printf("\n");
		fflush(stdout);
		if (ret < 0) {
			fprintf(stderr, "weft-vmpeer: send stopped: %s\n", strerror(-ret));
			return ret == -EINTR ? 0 : 1;
		}
		/* Linger so the switch dequeues what is still in the ring. */
		until = vmp_now() + 1.0;
		while (!vmp_quit && !vmp_more && (c->hold || vmp_now() < until))
			vmp_idle(c, &t_link);
	} while (vmp_more && !vmp_quit);
	return 0;
}

static int vmp_run_recv(struct vmp_ctx *c)
{
	double deadline = vmp_now() + c->timeout_s, done_at = 0, t_link = 0;
	uint64_t missing;

	c->seen = calloc(c->n_recv, 1);
	if (c->seen == NULL)
		return 2;
	while (!vmp_quit) {
		double t = vmp_now();

		if (done_at == 0 && c->n_distinct == c->n_recv)
			done_at = t;
		if (done_at ? t - done_at > c->grace_ms / 1000.0 : t > deadline)
			break;
		vmp_idle(c, &t_link);
	}
	missing = c->n_recv - c->n_distinct;
	if (c->before_ok)
		printf("before=%" PRIu64 "\n", c->n_before);
	printf("received=%" PRIu64 " matching=%" PRIu64 " out_of_order=%" PRIu64
	       " duplicates=%" PRIu64 " missing=%" PRIu64 " unexpected=%" PRIu64 " corrupt=%" PRIu64
	       "\n",
	       c->n_rx, c->n_match, c->n_ooo, c->n_dup, missing, c->n_unexpected, c->n_corrupt);
	fflush(stdout);
	free(c->seen);
	return missing == 0 && c->n_dup == 0 && c->n_unexpected == 0 && c->n_corrupt == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct vmp_ctx ctx = {0};
	int n_eal = argc, ret;
	uint16_t pid;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			n_eal = i;
			break;
		}
	signal(SIGINT, vmp_on_signal);
	signal(SIGTERM, vmp_on_signal);
	signal(SIGUSR1, vmp_on_signal);
	signal(SIGPIPE, SIG_IGN); /* a vhost backend that went away must not kill us */
	/* argv[n_eal] ("--") stands in as argv[0] for getopt. */
	if (n_eal >= argc || vmp_parse_args(&ctx, argc - n_eal, argv + n_eal) < 0) {
		fprintf(
		    stderr,
		    "usage: weft-vmpeer [EAL] -- --send N --src MAC --dst MAC [--size B] "
		    "[--rate PPS] [--seq-start K] [--announce] [--hold] [--timeout S] "
		    "[--random-src | --src-file F]\n"
		    "       weft-vmpeer [EAL] -- --recv N [--seq-start K] [--src MAC --announce] "
		    "[--src-filter MAC] [--timeout S] [--grace MS] [--before-ok] [--rx-ring D]\n");
		return 2;
	}
	if (rte_eal_init(n_eal, argv) < 0) {
		fprintf(stderr, "weft-vmpeer: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 2;
	}
	ret = vmp_port_init(&ctx);
	if (ret < 0) {
		fprintf(stderr, "weft-vmpeer: port setup failed: %s\n", rte_strerror(-ret));
		ret = 2;
	} else {
		ret = ctx.n_send ? vmp_run_send(&ctx) : vmp_run_recv(&ctx);
		RTE_ETH_FOREACH_DEV(pid)
		{
			rte_eth_dev_stop(pid);
			rte_eth_dev_close(pid);
		}
	}
	/* DPDK 22.11: after a virtio_user server-mode reconnect, rte_eal_cleanup() panics in the
	 * interrupt thread (epoll_ctl on a closed fd). Skip it then: nothing outlives the process.
	 */
	if (ctx.n_link_down == 0)
		rte_eal_cleanup();
	free(ctx.srcs);
	return ret;
}
