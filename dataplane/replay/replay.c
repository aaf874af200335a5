/* The replay engine (see replay.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture/capture.h"
#include "core/config.h"
#include "core/log.h"
#include "core/trace.h"
#include "ofp/ofp_cfg.h"
#include "ports/port.h"
#include "replay/replay.h"
#include "l2/fdb_cfg.h"

struct input {
	struct wf_port *port;
	pcap_t *pc;
	struct pcap_pkthdr *hdr; /* next frame, NULL when exhausted */
	const u_char *data;
};

static void input_next(struct input *in)
{
	if (pcap_next_ex(in->pc, &in->hdr, &in->data) != 1)
		in->hdr = NULL;
}

static int input_before(const struct input *a, const struct input *b)
{
	if (a->hdr->ts.tv_sec != b->hdr->ts.tv_sec)
		return a->hdr->ts.tv_sec < b->hdr->ts.tv_sec;
	if (a->hdr->ts.tv_usec != b->hdr->ts.tv_usec)
		return a->hdr->ts.tv_usec < b->hdr->ts.tv_usec;
	return strcmp(a->port->name, b->port->name) < 0;
}

/* Copies a frame into a chain of mbufs, as a NIC or vhost-user would hand over a frame
 * bigger than one buffer. NULL if the pool runs dry. */
static struct rte_mbuf *frame_mbuf(struct rte_mempool *pool, const uint8_t *data, uint32_t len)
{
	struct rte_mbuf *head = NULL;
	uint32_t off = 0;

	do {
		struct rte_mbuf *seg = rte_pktmbuf_alloc(pool);
		if (!seg) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		uint32_t n = RTE_MIN(len - off, (uint32_t)rte_pktmbuf_tailroom(seg));
		memcpy(rte_pktmbuf_append(seg, n), data + off, n);
		off += n;
		if (!head)
			head = seg;
		else if (rte_pktmbuf_chain(head, seg) < 0) {
			rte_pktmbuf_free(seg);
			rte_pktmbuf_free(head);
			return NULL;
		}
	} while (off < len);
	return head;
}

static void age_all(struct wf_ctx *ctx, uint32_t now)
{
	for (unsigned b = 0; b < WF_MAX_BRIDGES; b++)
		if (ctx->bridges[b])
			wf_fdb_age(ctx->bridges[b]->fdb, now);
}

long wf_replay_run(struct wf_ctx *ctx, char *err, size_t errlen)
{
	struct input *inputs;
	struct wf_thread *t = &ctx->threads[0];
	char ebuf[PCAP_ERRBUF_SIZE], path[PATH_MAX + WF_NAME_MAX];
	unsigned n_inputs = 0;
	long n_frames = 0;
	uint32_t last_age = 0;

	if (!ctx->replay) {
		snprintf(err, errlen, "replay-run needs replay mode (--replay DIR)");
		return -ENOTSUP;
	}
	if (!(inputs = calloc(WF_MAX_PORTS, sizeof(*inputs)))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < WF_MAX_PORTS; i++) {
		struct wf_port *p = ctx->ports[i];
		if (!p || wf_port_replay_input(ctx, p, path, sizeof(path)) < 0 ||
		    access(path, F_OK) != 0)
			continue;
		pcap_t *pc = pcap_open_offline(path, ebuf);
		if (!pc) {
			snprintf(err, errlen, "port %s: cannot read '%s': %s", p->name, path, ebuf);
			for (unsigned j = 0; j < n_inputs; j++)
				pcap_close(inputs[j].pc);
			free(inputs);
			return -EIO;
		}
		inputs[n_inputs] = (struct input){.port = p, .pc = pc};
		input_next(&inputs[n_inputs++]);
	}
	for (;;) {
		struct input *next = NULL;
		for (unsigned i = 0; i < n_inputs; i++)
			if (inputs[i].hdr && (!next || input_before(&inputs[i], next)))
				next = &inputs[i];
		if (!next)
			break;
		uint64_t last_frame_ms = (uint64_t)t->now * 1000;
		t->now = next->hdr->ts.tv_sec;
		if (n_frames == 0 || t->now != last_age) {
			age_all(ctx, t->now);
			/* Flow timeouts: hits since the last check came with earlier frames. */
			wf_ofp_expire(ctx, (uint64_t)t->now * 1000, last_frame_ms);
			last_age = t->now;
		}
		struct rte_mbuf *m = frame_mbuf(t->pool, next->data, next->hdr->caplen);
		if (!m) {
			snprintf(err, errlen, "port %s: no buffers for frame %ld (%u bytes)",
			         next->port->name, n_frames, next->hdr->caplen);
			n_frames = -ENOMEM;
			break;
		}
		m->port = next->port->index;
		const struct wf_snap *s = atomic_load_explicit(&ctx->snap, memory_order_acquire);
		uint16_t in = next->port->index;
		wf_capture_burst(t, s, in, WF_CAP_IN, &m, 1);
		if (s->ports[in].trace) /* a live trace (core/trace.h), as a PMD does */
			wf_trace_burst(t, s, in, &m, 1);
		else
			s->bridges[s->ports[in].bridge].input(t, s, in, &m, 1);
		n_frames++;
		input_next(next);
	}
	for (unsigned i = 0; i < n_inputs; i++)
		pcap_close(inputs[i].pc);
	free(inputs);
	for (unsigned i = 0; i < WF_MAX_PORTS; i++)
		if (ctx->ports[i])
			wf_port_replay_flush(ctx->ports[i]);
	return n_frames;
}
