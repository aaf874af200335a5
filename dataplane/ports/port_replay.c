/* Replay ports (pcap test mode): a port with no type reads "<case>/<name>.in.pcap" (through
 * the replay engine, replay.c) and records every frame it sends to
 * "<out>/<name>.out.pcap". libpcap, not net_pcap: the engine controls time and order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <pcap/pcap.h>

#include "core/log.h"
#include "ports/port.h"

struct replay_port {
	pcap_t *dead;
	pcap_dumper_t *out;
	const struct wf_ctx *ctx;
};

extern const struct wf_port_class wf_port_replay;

int wf_port_replay_input(const struct wf_ctx *ctx, const struct wf_port *port, char *path,
                         size_t len)
{
	if (port->cls != &wf_port_replay)
		return -ENODEV;
	int n = snprintf(path, len, "%s/%s.in.pcap", ctx->replay_dir, port->name);
	return n < (int)len ? 0 : -ENAMETOOLONG;
}

static int replay_open(struct wf_ctx *ctx, struct wf_port *port, char *err, size_t errlen)
{
	char path[PATH_MAX + WF_NAME_MAX + 16];
	struct replay_port *rp = calloc(1, sizeof(*rp));

	if (!rp) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(path, sizeof(path), "%s/%s.out.pcap", ctx->replay_out, port->name);
	rp->ctx = ctx;
	rp->dead = pcap_open_dead(DLT_EN10MB, 65535);
	rp->out = rp->dead ? pcap_dump_open(rp->dead, path) : NULL;
	if (!rp->out) {
		snprintf(err, errlen, "port %s: cannot create '%s': %s", port->name, path,
		         rp->dead ? pcap_geterr(rp->dead) : "pcap_open_dead failed");
		if (rp->dead)
			pcap_close(rp->dead);
		free(rp);
		return -EIO;
	}
	port->priv = rp;
	port->n_rxq = 0; /* the replay engine feeds it, not a PMD */
	/* Captures are often taken on veths: VXLAN in them may carry partial inner checksums
	 * under a zero outer one (vx_decap looks for them). The replay engine hands frames
	 * straight to the input stages: learning-bridge frames are not completed (pmd.c does
	 * that for af_packet/AF_XDP ports). */
	port->rx_csum_partial = true;
	port->n_txq = 1;
	return 0;
}

static void replay_close(struct wf_ctx *ctx, struct wf_port *port)
{
	struct replay_port *rp = port->priv;
	(void)ctx;
	pcap_dump_close(rp->out);
	pcap_close(rp->dead);
	free(rp);
	port->priv = NULL;
}

static uint16_t replay_rx(struct wf_port *port, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	(void)port, (void)q, (void)pkts, (void)n;
	return 0;
}

static uint16_t replay_tx(struct wf_port *port, struct wf_txctx *tx, struct rte_mbuf **pkts,
                          uint16_t n)
{
	struct replay_port *rp = port->priv;
	uint8_t buf[16384];
	(void)tx;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint32_t len = RTE_MIN(rte_pktmbuf_pkt_len(m), (uint32_t)sizeof(buf));
		const uint8_t *data = rte_pktmbuf_read(m, 0, len, buf);
		struct pcap_pkthdr h = {
		    .ts = {.tv_sec = rp->ctx->threads[0].now},
		    .caplen = len,
		    .len = len,
		};
		pcap_dump((u_char *)rp->out, &h, data);
		rte_pktmbuf_free(m);
	}
	return n;
}

static bool replay_link_up(struct wf_port *port)
{
	(void)port;
	return true;
}

void wf_port_replay_flush(struct wf_port *port)
{
	struct replay_port *rp = port->priv;
	if (port->cls == &wf_port_replay)
		pcap_dump_flush(rp->out);
}

const struct wf_port_class wf_port_replay = {
    .type = "",
    .replay_only = true,
    .open = replay_open,
    .close = replay_close,
    .rx = replay_rx,
    .tx = replay_tx,
    .link_up = replay_link_up,
    .get_mac = wf_port_no_mac,
};
