/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * weft-vhost-evil: a hostile vhost-user front-end ("VM") for system tests. Plain C, no DPDK:
 * it speaks the vhost-user protocol itself over the switch's unix socket (GET_FEATURES,
 * SET_FEATURES, SET_OWNER, SET_MEM_TABLE with a memfd passed as SCM_RIGHTS, SET_VRING_NUM/ADDR/
 * BASE/KICK/CALL, SET_VRING_ENABLE) and drives split virtqueues in its own memory, so that it
 * can write what a well-behaved driver never would.
 *
 *   weft-vhost-evil --socket PATH --mode MODE [--frames N]
 *
 * Every attack runs on a connection of its own ("case"): set up, post frames, wait, print one
 * line, close. Valid frames are 64-byte Ethernet frames (after a 12-byte virtio-net header)
 * from and to 02:00:00:00:0e:01 (a switch drops them as same_port: they reach no other port).
 * A case line reads
 *   case=NAME setup=ok|refused posted=P used=U valid_before=V closed=C
 * P: chains made available; U: the used index the switch reached (chains it consumed, valid or
 * not) after 1 s; V: valid frames posted before the bad chain (they must arrive); C: 1 when
 * chains were left in the ring and the switch closed the connection within 5 s.
 *
 * Modes (each a list of cases):
 *   good        N valid frames (a control)
 *   bad-desc    2 valid, then a descriptor at an unmapped guest address / of len 0 / of len
 *               0xffffffff, then 2 valid
 *   loop-chain  2 valid, then a chain whose next points back / to itself / an indirect table
 *               longer than the queue, then 2 valid
 *   huge-chain  one legal 64000-byte chain in 250 descriptors of 256 bytes; one 64000-byte
 *               chain in 1000 descriptors of 64 bytes (more segments than DPDK takes: 256)
 *   bad-mem     SET_MEM_TABLE with 9 regions / a zero-size region / an fd that cannot be
 *               mmapped / two overlapping regions; vring addresses outside every region; a
 *               region larger than its memfd (rings inside, buffers past the end of the file)
 *   ring-past-eof  like region-past-eof, the file ending inside the
 *               descriptor table
 *   shrink      a good device, then its memfd truncated to 4 KiB
 *   bad-idx     2 valid frames, then avail idx moved 5000 ahead (more than the queue size)
 *   disconnect  valid frames as fast as the switch takes them, the socket closed after N/2;
 *               reconnect, N more; prints "disconnect first=U1 second=U2" (consumed each time)
 *
 * Exit: 0 when every case ran (whatever the switch did), 2 usage or local setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* vhost-user requests (QEMU docs/interop/vhost-user.rst) */
enum {
	EV_GET_FEATURES = 1,
	EV_SET_FEATURES = 2,
	EV_SET_OWNER = 3,
	EV_SET_MEM_TABLE = 5,
	EV_SET_VRING_NUM = 8,
	EV_SET_VRING_ADDR = 9,
	EV_SET_VRING_BASE = 10,
	EV_SET_VRING_KICK = 12,
	EV_SET_VRING_CALL = 13,
	EV_SET_VRING_ENABLE = 18,
};
#define EV_VERSION         0x1
#define EV_F_VERSION_1     32
#define EV_F_PROTOCOL      30
#define EV_MAX_REGIONS     9 /* one more than the spec's 8, for the attack */
#define EV_DESC_F_NEXT     1
#define EV_DESC_F_INDIRECT 4

#define EV_QS    1024          /* queue size of both rings */
#define EV_MEM   (4u << 20)    /* memfd size */
#define EV_GPA   0x40000000ull /* guest physical address of the memfd's first byte */
#define EV_HDR   12            /* virtio_net_hdr_mrg_rxbuf (VERSION_1) */
#define EV_FRAME 64
#define EV_SLOT  2048
#define EV_TXQ   1 /* the guest's transmit ring: the switch dequeues from it */
#define EV_RXQ   0
/* offsets in the memfd */
#define EV_Q_OFF(q) ((q) == EV_TXQ ? 0x0u : 0x8000u)
#define EV_DESC(q)  EV_Q_OFF(q)
#define EV_AVAIL(q) (EV_Q_OFF(q) + 0x4000u)
#define EV_USED(q)  (EV_Q_OFF(q) + 0x5000u)
#define EV_IND      0x10000u /* indirect tables */
#define EV_BUF      0x40000u /* buffers: EV_QS slots of EV_SLOT bytes */

struct ev_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct ev_region {
	uint64_t gpa, size, uaddr, offset;
};

struct ev_msg {
	uint32_t req, flags, size;
	union {
		uint64_t u64;
		struct {
			uint32_t index, num;
		} state;
		struct {
			uint32_t index, flags;
			uint64_t desc, used, avail, log;
		} addr;
		struct {
			uint32_t nregions, padding;
			struct ev_region r[EV_MAX_REGIONS];
		} mem;
	} p;
} __attribute__((packed));

/* One connection and the guest memory it shares. */
struct ev_conn {
	int sock, memfd, kick[2], call[2];
	uint8_t *mem;
	uint16_t avail_idx; /* next avail index to publish */
	uint16_t next_desc; /* next free descriptor */
	uint32_t posted;
};

/* How a case bends the set-up. */
struct ev_setup {
	int nregions;       /* 0: one good region */
	bool zero_size;     /* region size 0 */
	bool bad_fd;        /* an fd mmap refuses (a pipe) */
	bool overlap;       /* a second region over the same guest addresses */
	bool ring_outside;  /* vring addresses in no region */
	uint64_t mem_bytes; /* region size announced (0: EV_MEM) when the memfd is smaller */
	uint64_t file_bytes;
};

static const char *ev_path;

static void ev_die(const char *what)
{
	fprintf(stderr, "weft-vhost-evil: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void ev_sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Sends one message with 'nfds' descriptors; returns 0 or -1 (peer gone). */
static int ev_send(struct ev_conn *c, uint32_t req, const void *payload, uint32_t size,
                   const int *fds, int nfds)
{
	struct ev_msg m = {.req = req, .flags = EV_VERSION, .size = size};
	char cbuf[CMSG_SPACE(sizeof(int) * EV_MAX_REGIONS)];
	struct iovec iov = {&m, 12 + size};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	if (size)
		memcpy(&m.p, payload, size);
	if (nfds) {
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	return sendmsg(c->sock, &mh, MSG_NOSIGNAL) == (ssize_t)(12 + size) ? 0 : -1;
}

static int ev_get_u64(struct ev_conn *c, uint32_t req, uint64_t *v)
{
	struct ev_msg m;
	if (ev_send(c, req, NULL, 0, NULL, 0) < 0)
		return -1;
	if (recv(c->sock, &m, 12 + 8, MSG_WAITALL) != 20 || m.req != req)
		return -1;
	*v = m.p.u64;
	return 0;
}

static uint64_t ev_gpa(uint32_t off)
{
	return EV_GPA + off;
}

static struct ev_desc *ev_desc(struct ev_conn *c, unsigned i)
{
	return (struct ev_desc *)(c->mem + EV_DESC(EV_TXQ)) + i;
}

static volatile uint16_t *ev_avail(struct ev_conn *c)
{
	return (volatile uint16_t *)(c->mem + EV_AVAIL(EV_TXQ)); /* [0] flags [1] idx [2..] ring */
}

static uint16_t ev_used_idx(struct ev_conn *c)
{
	return __atomic_load_n((uint16_t *)(c->mem + EV_USED(EV_TXQ) + 2), __ATOMIC_ACQUIRE);
}

static void ev_publish(struct ev_conn *c, uint16_t head)
{
	ev_avail(c)[2 + c->avail_idx % EV_QS] = head;
	c->avail_idx++;
	c->posted++;
	__atomic_store_n((uint16_t *)&ev_avail(c)[1], c->avail_idx, __ATOMIC_RELEASE);
	uint64_t one = 1;
	if (write(c->kick[1], &one, 8) < 0) {
		/* the switch polls; a kick is a courtesy */
	}
}

/* Writes a valid frame into a buffer slot; returns its offset. */
static uint32_t ev_frame(struct ev_conn *c, unsigned slot)
{
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0x0e, 0x01};
	uint32_t off = EV_BUF + (slot % EV_QS) * EV_SLOT;
	uint8_t *p = c->mem + off;
	memset(p, 0, EV_HDR + EV_FRAME);
	memcpy(p + EV_HDR, mac, 6);
	memcpy(p + EV_HDR + 6, mac, 6);
	p[EV_HDR + 12] = 0x88, p[EV_HDR + 13] = 0xb6;
	return off;
}

/* Posts one valid single-descriptor frame. */
static void ev_post_valid(struct ev_conn *c)
{
	uint16_t d = c->next_desc++ % EV_QS;
	*ev_desc(c, d) = (struct ev_desc){ev_gpa(ev_frame(c, d)), EV_HDR + EV_FRAME, 0, 0};
	ev_publish(c, d);
}

/* Posts a one-descriptor chain of any address and length. */
static void ev_post_raw(struct ev_conn *c, uint64_t addr, uint32_t len)
{
	uint16_t d = c->next_desc++ % EV_QS;
	*ev_desc(c, d) = (struct ev_desc){addr, len, 0, 0};
	ev_publish(c, d);
}

static void ev_close(struct ev_conn *c)
{
	if (c->sock >= 0)
		close(c->sock);
	for (int i = 0; i < 2; i++)
		close(c->kick[i]), close(c->call[i]);
	if (c->mem)
		munmap(c->mem, EV_MEM);
	if (c->memfd >= 0)
		close(c->memfd);
	memset(c, 0, sizeof(*c));
	c->sock = c->memfd = -1;
}

/* Connects and negotiates per 's'. Returns 0 when every message was sent, -1 when the switch
 * closed the connection on us (a refused set-up); exits 2 on a local error. */
static int ev_setup(struct ev_conn *c, const struct ev_setup *s)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	uint64_t features, mem_bytes = s->mem_bytes ? s->mem_bytes : EV_MEM;
	int pipefd[2] = {-1, -1};

	memset(c, 0, sizeof(*c));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", ev_path);
	if ((c->sock = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		ev_die("socket");
	for (int i = 0; connect(c->sock, (struct sockaddr *)&sa, sizeof(sa)) < 0; i++) {
		if (i == 100)
			ev_die(ev_path);
		ev_sleep_ms(100);
	}
	if ((c->memfd = memfd_create("evil", MFD_CLOEXEC)) < 0 ||
	    ftruncate(c->memfd, s->file_bytes ? s->file_bytes : EV_MEM) < 0)
		ev_die("memfd");
	c->mem = mmap(NULL, EV_MEM, PROT_READ | PROT_WRITE, MAP_SHARED, c->memfd, 0);
	if (c->mem == MAP_FAILED)
		ev_die("mmap");
	if (!s->file_bytes)
		memset(c->mem, 0, EV_MEM);
	else
		memset(c->mem, 0, s->file_bytes);
	for (int i = 0; i < 2; i++) {
		c->kick[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		c->call[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (c->kick[i] < 0 || c->call[i] < 0)
			ev_die("eventfd");
	}
	if (ev_get_u64(c, EV_GET_FEATURES, &features) < 0)
		return -1;
	features &= 1ull << EV_F_VERSION_1 | 1ull << EV_F_PROTOCOL;
	if (ev_send(c, EV_SET_FEATURES, &features, 8, NULL, 0) < 0 ||
	    ev_send(c, EV_SET_OWNER, NULL, 0, NULL, 0) < 0)
		return -1;

	struct ev_msg m;
	int fds[EV_MAX_REGIONS], n = s->nregions ? s->nregions : 1;
	memset(&m, 0, sizeof(m));
	m.p.mem.nregions = (uint32_t)n;
	for (int i = 0; i < n; i++) {
		/* extra regions: disjoint, same memfd (the spec allows one fd per region) */
		m.p.mem.r[i] = (struct ev_region){EV_GPA + (uint64_t)i * EV_MEM, mem_bytes,
		                                  (uint64_t)(uintptr_t)c->mem + i * EV_MEM, 0};
		fds[i] = c->memfd;
	}
	if (s->zero_size)
		m.p.mem.r[0].size = 0;
	if (s->bad_fd) {
		if (pipe(pipefd) < 0)
			ev_die("pipe");
		fds[0] = pipefd[0];
	}
	if (s->overlap) {
		m.p.mem.r[1] = m.p.mem.r[0];
		m.p.mem.r[1].uaddr += EV_MEM; /* same guest addresses, other "host" addresses */
		fds[1] = c->memfd;
		m.p.mem.nregions = 2, n = 2;
	}
	int rc = ev_send(c, EV_SET_MEM_TABLE, &m.p, 8 + n * sizeof(struct ev_region), fds, n);
	if (pipefd[0] >= 0)
		close(pipefd[0]), close(pipefd[1]);
	if (rc < 0)
		return -1;

	for (uint32_t q = 0; q < 2; q++) {
		uint64_t base = s->ring_outside ? 0x7f0000000000ull : (uint64_t)(uintptr_t)c->mem;
		struct {
			uint32_t index, num;
		} st = {q, EV_QS};
		struct {
			uint32_t index, flags;
			uint64_t desc, used, avail, log;
		} a = {q, 0, base + EV_DESC(q), base + EV_USED(q), base + EV_AVAIL(q), 0};
		uint64_t kick = q, call = q;
		if (ev_send(c, EV_SET_VRING_NUM, &st, 8, NULL, 0) < 0 ||
		    ev_send(c, EV_SET_VRING_ADDR, &a, sizeof(a), NULL, 0) < 0)
			return -1;
		st.num = 0;
		if (ev_send(c, EV_SET_VRING_BASE, &st, 8, NULL, 0) < 0 ||
		    ev_send(c, EV_SET_VRING_KICK, &kick, 8, &c->kick[q], 1) < 0 ||
		    ev_send(c, EV_SET_VRING_CALL, &call, 8, &c->call[q], 1) < 0)
			return -1;
	}
	for (uint32_t q = 0; q < 2; q++) {
		struct {
			uint32_t index, num;
		} st = {q, 1};
		if (ev_send(c, EV_SET_VRING_ENABLE, &st, 8, NULL, 0) < 0)
			return -1;
	}
	/* A switch that refused something closes the connection: see it now. */
	ev_sleep_ms(300);
	char b;
	ssize_t r = recv(c->sock, &b, 1, MSG_DONTWAIT);
	if (r == 0 || (r < 0 && errno != EAGAIN))
		return -1;
	return 0;
}

/* Waits up to 'ms' for the used index to reach 'want'; returns what it reached. */
static uint16_t ev_wait_used(struct ev_conn *c, uint16_t want, unsigned ms)
{
	for (unsigned t = 0; t < ms; t += 10) {
		if (ev_used_idx(c) == want)
			break;
		ev_sleep_ms(10);
	}
	return ev_used_idx(c);
}

/* Waits up to 'ms' for the switch to close the connection; true if it did. */
static bool ev_wait_closed(struct ev_conn *c, unsigned ms)
{
	for (unsigned t = 0; t < ms; t += 10) {
		char b;
		ssize_t r = recv(c->sock, &b, 1, MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN))
			return true;
		ev_sleep_ms(10);
	}
	return false;
}

static void ev_report_wait(const char *name, const char *setup, struct ev_conn *c, unsigned before,
                           unsigned wait_ms)
{
	/* chains left in the ring: wait for the switch to give up on them and drop us */
	bool closed = c->sock >= 0 && c->mem && ev_used_idx(c) != c->avail_idx
	                  ? ev_wait_closed(c, wait_ms)
	                  : false;
	printf("case=%s setup=%s posted=%u used=%u valid_before=%u closed=%d\n", name, setup,
	       c->posted, c->mem ? (unsigned)ev_used_idx(c) : 0u, before, closed);
	fflush(stdout);
}

static void ev_report(const char *name, const char *setup, struct ev_conn *c, unsigned before)
{
	ev_report_wait(name, setup, c, before, 5000);
}

/* A case of 2 valid frames, one bad chain written by 'bad', 2 valid frames. */
static void ev_case_bad(const char *name, void (*bad)(struct ev_conn *))
{
	struct ev_conn c;
	static const struct ev_setup good;
	if (ev_setup(&c, &good) < 0) {
		ev_report(name, "refused", &c, 0);
		ev_close(&c);
		return;
	}
	ev_post_valid(&c);
	ev_post_valid(&c);
	ev_wait_used(&c, 2, 3000); /* the device may take a moment to come up */
	bad(&c);
	ev_post_valid(&c);
	ev_post_valid(&c);
	ev_wait_used(&c, (uint16_t)c.posted, 1000);
	ev_report(name, "ok", &c, 2);
	ev_close(&c);
}

static void ev_bad_unmapped(struct ev_conn *c)
{
	ev_post_raw(c, 0xdead00000000ull, EV_HDR + EV_FRAME);
}

static void ev_bad_len0(struct ev_conn *c)
{
	ev_post_raw(c, ev_gpa(ev_frame(c, c->next_desc)), 0);
}

static void ev_bad_lenmax(struct ev_conn *c)
{
	ev_post_raw(c, ev_gpa(ev_frame(c, c->next_desc)), 0xffffffffu);
}

/* Two descriptors whose nexts point at each other. */
static void ev_bad_loop(struct ev_conn *c)
{
	uint16_t a = c->next_desc++ % EV_QS, b = c->next_desc++ % EV_QS;
	*ev_desc(c, a) = (struct ev_desc){ev_gpa(ev_frame(c, a)), 32, EV_DESC_F_NEXT, b};
	*ev_desc(c, b) = (struct ev_desc){ev_gpa(ev_frame(c, b)), 32, EV_DESC_F_NEXT, a};
	ev_publish(c, a);
}

static void ev_bad_self(struct ev_conn *c)
{
	uint16_t a = c->next_desc++ % EV_QS;
	*ev_desc(c, a) = (struct ev_desc){ev_gpa(ev_frame(c, a)), 32, EV_DESC_F_NEXT, a};
	ev_publish(c, a);
}

/* An indirect table of 2 * EV_QS descriptors, each chained to the next. */
static void ev_bad_indirect(struct ev_conn *c)
{
	struct ev_desc *t = (struct ev_desc *)(c->mem + EV_IND);
	unsigned n = 2 * EV_QS;
	for (unsigned i = 0; i < n; i++)
		t[i] =
		    (struct ev_desc){ev_gpa(ev_frame(c, 0)), 8, EV_DESC_F_NEXT, (uint16_t)(i + 1)};
	t[n - 1].flags = 0;
	uint16_t a = c->next_desc++ % EV_QS;
	*ev_desc(c, a) =
	    (struct ev_desc){ev_gpa(EV_IND), n * (uint32_t)sizeof(*t), EV_DESC_F_INDIRECT, 0};
	ev_publish(c, a);
}

/* One chain of 'n' descriptors of 'seg' bytes: a virtio header and one frame of n*seg-12
 * bytes, from and to the test MAC. */
static void ev_post_chain(struct ev_conn *c, unsigned n, uint32_t seg)
{
	uint32_t off = EV_BUF; /* the frame is contiguous in memory, cut in segments */
	uint16_t head = c->next_desc % EV_QS;
	memset(c->mem + off, 0xa5, (size_t)n * seg);
	ev_frame(c, 0);
	for (unsigned i = 0; i < n; i++) {
		uint16_t d = c->next_desc++ % EV_QS;
		*ev_desc(c, d) =
		    (struct ev_desc){ev_gpa(off + i * seg), seg, i + 1 < n ? EV_DESC_F_NEXT : 0,
		                     (uint16_t)((d + 1) % EV_QS)};
	}
	ev_publish(c, head);
}

static void ev_case_chain(const char *name, unsigned n, uint32_t seg)
{
	struct ev_conn c;
	static const struct ev_setup good;
	if (ev_setup(&c, &good) < 0) {
		ev_report(name, "refused", &c, 0);
		ev_close(&c);
		return;
	}
	ev_post_valid(&c);
	ev_wait_used(&c, 1, 3000);
	ev_post_chain(&c, n, seg);
	ev_post_valid(&c);
	ev_wait_used(&c, (uint16_t)c.posted, 1000);
	ev_report(name, "ok", &c, 1);
	ev_close(&c);
}

/* A set-up the switch should refuse; if it does not, 2 valid frames show whether the device
 * works. */
static void ev_case_setup(const char *name, const struct ev_setup *s)
{
	struct ev_conn c;
	if (ev_setup(&c, s) < 0) {
		ev_report(name, "refused", &c, 0);
		ev_close(&c);
		return;
	}
	for (int i = 0; i < 2; i++) {
		if (s->file_bytes) /* buffers past the end of the file: left unwritten */
			ev_post_raw(&c, ev_gpa(EV_MEM / 2 + i * EV_SLOT), EV_HDR + EV_FRAME);
		else
			ev_post_valid(&c);
	}
	ev_wait_used(&c, 2, 1500);
	/* only a refused memory table is worth waiting for (the switch drops us) */
	ev_report_wait(name, "ok", &c, 0, s->file_bytes ? 5000 : 0);
	ev_close(&c);
}

static void ev_case_idx(void)
{
	struct ev_conn c;
	static const struct ev_setup good;
	if (ev_setup(&c, &good) < 0) {
		ev_report("idx-ahead", "refused", &c, 0);
		ev_close(&c);
		return;
	}
	ev_post_valid(&c);
	ev_post_valid(&c);
	ev_wait_used(&c, 2, 3000);
	c.avail_idx += 5000;
	__atomic_store_n((uint16_t *)&ev_avail(&c)[1], c.avail_idx, __ATOMIC_RELEASE);
	ev_wait_used(&c, c.avail_idx, 3000); /* a switch that takes them all gets there */
	ev_sleep_ms(200);                    /* and one that went further would show it */
	ev_report("idx-ahead", "ok", &c, 2);
	ev_close(&c);
}

/* Posts valid frames as fast as the ring takes them until 'n' were posted, then closes the
 * socket at once (frames still in the ring). Returns the used index once the switch let go. */
static unsigned ev_burst_and_close(unsigned n, bool close_early)
{
	struct ev_conn c;
	static const struct ev_setup good;
	if (ev_setup(&c, &good) < 0)
		return ~0u;
	while (c.posted < n) {
		if ((uint16_t)(c.avail_idx - ev_used_idx(&c)) < EV_QS)
			ev_post_valid(&c);
	}
	if (!close_early)
		ev_wait_used(&c, c.avail_idx, 3000);
	close(c.sock);
	c.sock = -1;
	ev_sleep_ms(500); /* the switch has noticed: the used index is final */
	unsigned used = ev_used_idx(&c);
	ev_close(&c);
	return used;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"socket", 1, 0, 's'}, {"mode", 1, 0, 'm'}, {"frames", 1, 0, 'n'}, {0, 0, 0, 0}};
	const char *mode = NULL;
	unsigned n = 20000;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 's')
			ev_path = optarg;
		else if (o == 'm')
			mode = optarg;
		else if (o == 'n')
			n = (unsigned)strtoul(optarg, NULL, 10);
		else
			return 2;
	}
	if (!ev_path || !mode || n == 0 || n > 60000) {
		fprintf(stderr, "usage: weft-vhost-evil --socket PATH --mode MODE [--frames N]\n");
		return 2;
	}
	if (!strcmp(mode, "good")) {
		struct ev_conn c;
		static const struct ev_setup good;
		if (ev_setup(&c, &good) < 0)
			ev_die("set-up refused");
		unsigned k = n > EV_QS - 1 ? EV_QS - 1 : n;
		for (unsigned i = 0; i < k; i++)
			ev_post_valid(&c);
		ev_wait_used(&c, (uint16_t)k, 3000);
		ev_report("good", "ok", &c, k);
		ev_close(&c);
	} else if (!strcmp(mode, "bad-desc")) {
		ev_case_bad("unmapped", ev_bad_unmapped);
		ev_case_bad("len0", ev_bad_len0);
		ev_case_bad("lenmax", ev_bad_lenmax);
	} else if (!strcmp(mode, "loop-chain")) {
		ev_case_bad("loop", ev_bad_loop);
		ev_case_bad("self-loop", ev_bad_self);
		ev_case_bad("indirect-long", ev_bad_indirect);
	} else if (!strcmp(mode, "huge-chain")) {
		ev_case_chain("chain-250x256", 250, 256);
		ev_case_chain("chain-1000x64", 1000, 64);
	} else if (!strcmp(mode, "bad-mem")) {
		ev_case_setup("regions-9", &(struct ev_setup){.nregions = 9});
		ev_case_setup("region-size0", &(struct ev_setup){.zero_size = true});
		ev_case_setup("region-pipe-fd", &(struct ev_setup){.bad_fd = true});
		ev_case_setup("regions-overlap", &(struct ev_setup){.overlap = true});
		ev_case_setup("ring-outside", &(struct ev_setup){.ring_outside = true});
	} else if (!strcmp(mode, "bad-mem-eof")) {
		/* the region says 4 MiB, the file has 64 KiB: rings inside, buffers past its end */
		ev_case_setup("region-past-eof", &(struct ev_setup){.file_bytes = 0x10000});
	} else if (!strcmp(mode, "ring-past-eof")) {
		/* the file ends inside the transmit ring's descriptor table */
		struct ev_conn c;
		int r = ev_setup(&c, &(struct ev_setup){.file_bytes = 0x1000});
		printf("case=ring-past-eof setup=%s\n", r < 0 ? "refused" : "ok");
		ev_sleep_ms(1000);
		close(c.sock);
		return 0;
	} else if (!strcmp(mode, "shrink")) {
		/* a good device, then its memfd cut to 4 KiB under the switch's feet */
		struct ev_conn c;
		static const struct ev_setup good;
		if (ev_setup(&c, &good) < 0)
			ev_die("set-up refused");
		ev_post_valid(&c);
		ev_wait_used(&c, 1, 3000);
		printf("case=shrink used=%u\n", ev_used_idx(&c));
		fflush(stdout);
		if (ftruncate(c.memfd, 0x1000) < 0) /* our own mapping past 4 KiB is gone too */
			ev_die("ftruncate");
		ev_sleep_ms(1000);
		close(c.sock);
		_exit(0);
	} else if (!strcmp(mode, "bad-idx")) {
		ev_case_idx();
	} else if (!strcmp(mode, "disconnect")) {
		unsigned u1 = ev_burst_and_close(n / 2, true);
		unsigned u2 = ev_burst_and_close(n, false);
		printf("disconnect first=%u second=%u\n", u1, u2);
	} else {
		fprintf(stderr, "weft-vhost-evil: unknown mode '%s'\n", mode);
		return 2;
	}
	return 0;
}
