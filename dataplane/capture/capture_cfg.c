/* Port capture, control side (see capture_cfg.h): session, BPF filter, pcapng writer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <rte_cycles.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "capture/capture.h"
#include "capture/capture_cfg.h"
#include "core/config.h"
#include "core/log.h"

#define CAP_RECORDS 2047      /* records in flight (pool and ring) */
#define CAP_OUT_MAX (4 << 20) /* unwritten pcapng bytes before records are dropped */
#define CAP_DRAIN   64        /* records taken from the ring per dequeue */
#define PCAPNG_SHB  0x0A0D0D0Au
#define PCAPNG_IDB  1u
#define PCAPNG_EPB  6u

/* The one capture session (ctx->capture) and what capture-show reports. */
struct wf_cap_session {
	struct wf_capture cap; /* what PMDs see through the snapshot */
	const struct wf_port *port;
	uint16_t port_index;
	unsigned dir;
	bool active;
	char port_name[WF_NAME_MAX];
	char path[PATH_MAX];
	int fd;
	bool has_filter;
	struct bpf_program prog;
	uint64_t count, written, filtered, lost_out;
	uint64_t base_ns, base_tsc, tsc_hz;
	uint8_t *out;
	size_t out_len, out_off;
};

static const char *dir_name(unsigned dir)
{
	return dir == (WF_CAP_IN | WF_CAP_OUT) ? "both" : dir == WF_CAP_IN ? "in" : "out";
}

/* Appends 'len' bytes to the output buffer (it has room: checked by the caller). */
static void out_put(struct wf_cap_session *cs, const void *p, size_t len)
{
	memcpy(cs->out + cs->out_len, p, len);
	cs->out_len += len;
}

static void out_u32(struct wf_cap_session *cs, uint32_t v)
{
	out_put(cs, &v, 4);
}

/* An option: code, length, value padded to 4 bytes. */
static void out_opt(struct wf_cap_session *cs, uint16_t code, const void *v, uint16_t len)
{
	static const uint8_t zero[4];
	uint16_t h[2] = {code, len};
	out_put(cs, h, 4);
	out_put(cs, v, len);
	out_put(cs, zero, (4 - len % 4) % 4);
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Section header and the one interface (the captured port), host byte order. */
static void out_header(struct wf_cap_session *cs)
{
	static const char app[] = "weft-dataplane";
	size_t name_len = strlen(cs->port_name);
	uint32_t shb_len = 28 + 4 + pad4(sizeof(app) - 1) + 4;
	uint32_t idb_len = 20 + 4 + pad4(name_len) + 4 + 4 + 4;
	uint8_t tsresol = 9; /* nanoseconds */
	int64_t section_len = -1;

	out_u32(cs, PCAPNG_SHB);
	out_u32(cs, shb_len);
	out_u32(cs, 0x1A2B3C4D);
	out_u32(cs, 1); /* version 1.0 */
	out_put(cs, &section_len, 8);
	out_opt(cs, 4, app, sizeof(app) - 1); /* shb_userappl */
	out_u32(cs, 0);                       /* opt_endofopt */
	out_u32(cs, shb_len);

	out_u32(cs, PCAPNG_IDB);
	out_u32(cs, idb_len);
	out_u32(cs, 1); /* LINKTYPE_ETHERNET, reserved 0 */
	out_u32(cs, WF_CAP_SNAPLEN);
	out_opt(cs, 2, cs->port_name, name_len); /* if_name */
	out_opt(cs, 9, &tsresol, 1);             /* if_tsresol */
	out_u32(cs, 0);
	out_u32(cs, idb_len);
}

/* One Enhanced Packet Block, or a count of lost output when the backlog is full. */
static void out_packet(struct wf_cap_session *cs, const struct wf_cap_rec *r)
{
	uint32_t epb_len = 28 + pad4(r->caplen) + 8 + 4 + 4;
	uint32_t flags = r->dir == WF_CAP_IN ? 1 : 2; /* epb_flags: inbound / outbound */
	uint64_t ns = cs->base_ns + (r->tsc - cs->base_tsc) * 1000000000.0 / cs->tsc_hz;
	static const uint8_t zero[4];

	if (cs->out_len + epb_len > CAP_OUT_MAX) {
		cs->lost_out++;
		return;
	}
	out_u32(cs, PCAPNG_EPB);
	out_u32(cs, epb_len);
	out_u32(cs, 0); /* interface 0 */
	out_u32(cs, ns >> 32);
	out_u32(cs, (uint32_t)ns);
	out_u32(cs, r->caplen);
	out_u32(cs, r->len);
	out_put(cs, r->data, r->caplen);
	out_put(cs, zero, pad4(r->caplen) - r->caplen);
	out_opt(cs, 2, &flags, 4);
	out_u32(cs, 0);
	out_u32(cs, epb_len);
	cs->written++;
}

/* Writes what the file takes now. -1 when the reader is gone. */
static int out_flush(struct wf_cap_session *cs)
{
	while (cs->out_off < cs->out_len) {
		ssize_t w = write(cs->fd, cs->out + cs->out_off, cs->out_len - cs->out_off);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (w <= 0)
			return -1;
		cs->out_off += w;
	}
	if (cs->out_off == cs->out_len)
		cs->out_off = cs->out_len = 0;
	else if (cs->out_off > CAP_OUT_MAX / 2) {
		memmove(cs->out, cs->out + cs->out_off, cs->out_len - cs->out_off);
		cs->out_len -= cs->out_off;
		cs->out_off = 0;
	}
	return 0;
}

/* Takes every record from the ring: filter, count, pcapng. */
static void drain(struct wf_cap_session *cs)
{
	struct wf_cap_rec *recs[CAP_DRAIN];
	unsigned n;

	while ((n = rte_ring_sc_dequeue_burst(cs->cap.ring, (void **)recs, CAP_DRAIN, NULL))) {
		for (unsigned i = 0; i < n; i++) {
			const struct wf_cap_rec *r = recs[i];
			struct pcap_pkthdr h = {.caplen = r->caplen, .len = r->len};
			bool done = cs->count && cs->written >= cs->count;
			if (done ||
			    (cs->has_filter && !pcap_offline_filter(&cs->prog, &h, r->data)))
				cs->filtered += !done;
			else
				out_packet(cs, r);
		}
		rte_mempool_put_bulk(cs->cap.pool, (void **)recs, n);
	}
}

static void session_free(struct wf_cap_session *cs)
{
	if (cs->fd >= 0)
		close(cs->fd);
	if (cs->has_filter)
		pcap_freecode(&cs->prog);
	rte_ring_free(cs->cap.ring);
	rte_mempool_free(cs->cap.pool);
	free(cs->out);
	cs->fd = -1;
	cs->has_filter = false;
	cs->cap.ring = NULL;
	cs->cap.pool = NULL;
	cs->out = NULL;
}

/* Ends the session: no snapshot marks the port any more, then the last records. */
static void session_end(struct wf_ctx *ctx, const char *why)
{
	struct wf_cap_session *cs = ctx->capture;
	cs->active = false;
	if (wf_config_publish(ctx) < 0) { /* out of memory: PMDs may still copy; keep it all */
		cs->active = true;
		return;
	}
	drain(cs);
	for (int i = 0; i < 100 && cs->out_off < cs->out_len && out_flush(cs) == 0; i++)
		usleep(10000); /* up to 1 s for a slow reader to take the tail */
	WF_LOG(INFO,
	       "capture of %s ended (%s): %" PRIu64 " frames written, %" PRIu64 " filtered out",
	       cs->port_name, why, cs->written, cs->filtered);
	session_free(cs);
}

/* Opens cs->path for writing only if it is a FIFO with a reader: the dataplane never creates,
 * truncates or writes a regular file or a device a client names (weftctl makes the FIFO and
 * writes the file itself). The lstat before the open keeps a device's open side effects out;
 * the fstat after it catches a FIFO swapped for something else between the two. */
static int open_fifo(struct wf_cap_session *cs, char *err, size_t errlen)
{
	struct stat before, after;

	if (lstat(cs->path, &before) < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot open '%s': %s", cs->path, strerror(e));
		return -e;
	}
	if (!S_ISFIFO(before.st_mode)) {
		snprintf(err, errlen,
		         "'%s' is not a FIFO: the dataplane writes captures only into a FIFO its "
		         "client made (weftctl capture -w FILE writes FILE itself)",
		         cs->path);
		return -EINVAL;
	}
	cs->fd = open(cs->path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (cs->fd < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot open '%s': %s", cs->path,
		         e == ENXIO ? "a FIFO without a reader" : strerror(e));
		return -e;
	}
	if (fstat(cs->fd, &after) < 0 || !S_ISFIFO(after.st_mode) ||
	    after.st_ino != before.st_ino || after.st_dev != before.st_dev) {
		close(cs->fd);
		cs->fd = -1;
		snprintf(err, errlen, "'%s' changed while it was opened", cs->path);
		return -EINVAL;
	}
	return 0;
}

static int session_setup(struct wf_ctx *ctx, struct wf_cap_session *cs, const char *filter,
                         char *err, size_t errlen)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	struct timespec ts;
	int ret;

	if (filter && filter[0]) {
		pcap_t *dead = pcap_open_dead(DLT_EN10MB, WF_CAP_SNAPLEN);
		if (!dead || pcap_compile(dead, &cs->prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
			snprintf(err, errlen, "filter '%s': %s", filter,
			         dead ? pcap_geterr(dead) : "out of memory");
			if (dead)
				pcap_close(dead);
			return -EINVAL;
		}
		pcap_close(dead);
		cs->has_filter = true;
	}
	snprintf(name, sizeof(name), "wf_cap_%d", getpid());
	cs->cap.pool = rte_mempool_create(name, CAP_RECORDS, sizeof(struct wf_cap_rec), 0, 0, NULL,
	                                  NULL, NULL, NULL, SOCKET_ID_ANY, 0);
	cs->cap.ring = rte_ring_create(name, CAP_RECORDS + 1, SOCKET_ID_ANY, RING_F_SC_DEQ);
	cs->out = malloc(CAP_OUT_MAX);
	if (!cs->cap.pool || !cs->cap.ring || !cs->out) {
		snprintf(err, errlen, "out of memory for the capture buffers");
		return -ENOMEM;
	}
	if ((ret = open_fifo(cs, err, errlen)) < 0)
		return ret;
	clock_gettime(CLOCK_REALTIME, &ts);
	cs->base_ns = ts.tv_sec * 1000000000ull + ts.tv_nsec;
	cs->base_tsc = rte_rdtsc();
	cs->tsc_hz = rte_get_tsc_hz();
	(void)ctx;
	out_header(cs);
	return 0;
}

int wf_capture_start(struct wf_ctx *ctx, const char *port, unsigned dir, const char *path,
                     uint64_t count, const char *filter, char *err, size_t errlen)
{
	const struct wf_port *p = wf_port_find(ctx, port);
	struct wf_cap_session *cs = ctx->capture;
	int ret;

	if (cs && cs->active) {
		snprintf(err, errlen, "a capture of %s is running (capture-stop ends it)",
		         cs->port_name);
		return -EBUSY;
	}
	if (!p) {
		snprintf(err, errlen, "no port named '%s'", port);
		return -ENOENT;
	}
	if (!dir || dir > (WF_CAP_IN | WF_CAP_OUT)) {
		snprintf(err, errlen, "direction must be in, out or both");
		return -EINVAL;
	}
	if (!path[0] || strlen(path) >= sizeof(cs->path)) {
		snprintf(err, errlen, "bad path '%s'", path);
		return -EINVAL;
	}
	if (!cs && !(cs = ctx->capture = calloc(1, sizeof(*cs)))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memset(cs, 0, sizeof(*cs));
	cs->fd = -1;
	cs->port = p;
	cs->port_index = p->index;
	cs->dir = dir;
	cs->count = count;
	snprintf(cs->port_name, sizeof(cs->port_name), "%s", p->name);
	snprintf(cs->path, sizeof(cs->path), "%s", path);
	if ((ret = session_setup(ctx, cs, filter, err, errlen)) < 0) {
		session_free(cs);
		return ret;
	}
	cs->active = true;
	if (wf_config_publish(ctx) < 0) {
		cs->active = false;
		session_free(cs);
		snprintf(err, errlen, "out of memory publishing the configuration");
		return -ENOMEM;
	}
	WF_LOG(INFO, "capture of %s (%s) into %s started", cs->port_name, dir_name(dir), path);
	return 0;
}

int wf_capture_stop(struct wf_ctx *ctx, char *err, size_t errlen)
{
	if (!ctx->capture || !ctx->capture->active) {
		snprintf(err, errlen, "no capture is running");
		return -ENOENT;
	}
	session_end(ctx, "stopped");
	return 0;
}

int wf_capture_poll(struct wf_ctx *ctx)
{
	struct wf_cap_session *cs = ctx->capture;
	if (!cs || !cs->active)
		return 100;
	if (ctx->ports[cs->port_index] != cs->port) {
		session_end(ctx, "port removed");
		return 100;
	}
	drain(cs);
	if (out_flush(cs) < 0)
		session_end(ctx, "reader gone");
	else if (cs->count && cs->written >= cs->count)
		session_end(ctx, "count reached");
	return 10;
}

json_t *wf_capture_status(const struct wf_ctx *ctx)
{
	const struct wf_cap_session *cs = ctx->capture;
	if (!cs || !cs->port_name[0])
		return json_pack("{s:b}", "active", 0);
	uint64_t lost = cs->lost_out;
	for (unsigned i = 0; i < WF_MAX_THREADS; i++)
		lost += cs->cap.n_lost[i];
	return json_pack("{s:b,s:s,s:s,s:s,s:I,s:I,s:I}", "active", cs->active, "port",
	                 cs->port_name, "direction", dir_name(cs->dir), "path", cs->path, "written",
	                 (json_int_t)cs->written, "filtered", (json_int_t)cs->filtered, "lost",
	                 (json_int_t)lost);
}

void wf_capture_snap(const struct wf_ctx *ctx, struct wf_snap *s)
{
	const struct wf_cap_session *cs = ctx->capture;
	if (!cs || !cs->active || ctx->ports[cs->port_index] != cs->port)
		return;
	s->capture = (struct wf_capture *)&cs->cap;
	s->ports[cs->port_index].capture = cs->dir;
}

void wf_capture_fini(struct wf_ctx *ctx)
{
	if (ctx->capture && ctx->capture->active)
		session_end(ctx, "dataplane stopping");
	free(ctx->capture);
	ctx->capture = NULL;
}
