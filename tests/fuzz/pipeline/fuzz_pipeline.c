/* libFuzzer harness for the whole frame pipeline in replay mode: one frame per input enters a
 * bridge through its input hook (s->bridges[..].input, as the replay engine and the PMDs call
 * it) on this thread, and goes wherever weft sends it: flow tables (ofp/), the learning switch
 * and VLAN rules (l2/), the VTEP (vtep/: classify, decap into the overlay, ARP and ping
 * replies, neighbour learning), tunnel encapsulation and output (core/output.c) to replay
 * ports, whose pcap files are symlinks to /dev/null.
 *
 * Configuration (built once through control requests, as `weftctl --direct` sends them):
 *   br-phy  underlay: tunnel-ip 192.168.99.1/24, port up0; neighbour 192.168.99.2 static
 * (MAC tables of 256 entries: flushing them for every input is cheap)
 *   br0     learning: vm1 (trunk), a10 (access VLAN 10), t1 (trunks 10,20),
 *           vx1 (vxlan, remote 192.168.99.2, key 5000), vx2 (vxlan, remote 192.168.99.3
 *           unresolved, key 5001)
 *   br1     flow tables: f1, f2, f3 (access VLAN 20), flows with NORMAL, VLAN, set_field,
 *           resubmit and goto_table actions
 * Input: byte 0 = ingress port (bits 0-5, modulo the port count) and segmentation (bit 7: the
 * frame is a chain of mbufs of byte-1 bytes each (1..255, odd), else one mbuf as a NIC hands
 * a small frame over; at most 64 segments); then the frame. The MAC tables are flushed and the
 * neighbour table reset before every input, so an input always meets the same state. Properties:
 * never crashes; every mbuf comes back to the pool (none leaked or freed twice). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "../common/fuzz_dp.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct wf_ctx *ctx;
static const char *const in_ports[] = {"up0", "vm1", "a10", "t1", "f1", "f2", "f3"};
#define N_IN (sizeof(in_ports) / sizeof(in_ports[0]))
static uint16_t in_index[N_IN];
static unsigned pool_full;

static const char *const setup[] = {
    "{\"id\":1,\"method\":\"bridge-add\",\"params\":{\"name\":\"br-phy\",\"other_config\":"
    "{\"tunnel-ip\":\"192.168.99.1/"
    "24\",\"tunnel-mac\":\"02:00:00:00:99:01\",\"mac-table-size\":\"256\"}}}",
    "{\"id\":2,\"method\":\"port-add\",\"params\":{\"bridge\":\"br-phy\",\"name\":\"up0\"}}",
    "{\"id\":3,\"method\":\"bridge-add\",\"params\":{\"name\":\"br0\",\"other_config\":{\"mac-"
    "table-size\":\"256\"}}}",
    "{\"id\":4,\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"vm1\"}}",
    "{\"id\":5,\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"a10\","
    "\"tag\":10}}",
    "{\"id\":6,\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"t1\","
    "\"trunks\":[10,20]}}",
    "{\"id\":7,\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"vx1\","
    "\"type\":\"vxlan\",\"options\":{\"remote_ip\":\"192.168.99.2\",\"key\":\"5000\"}}}",
    "{\"id\":8,\"method\":\"port-add\",\"params\":{\"bridge\":\"br0\",\"name\":\"vx2\","
    "\"type\":\"vxlan\",\"options\":{\"remote_ip\":\"192.168.99.3\",\"key\":\"5001\"}}}",
    "{\"id\":9,\"method\":\"bridge-add\",\"params\":{\"name\":\"br1\",\"other_config\":{\"mac-"
    "table-size\":\"256\"}}}",
    "{\"id\":10,\"method\":\"port-add\",\"params\":{\"bridge\":\"br1\",\"name\":\"f1\"}}",
    "{\"id\":11,\"method\":\"port-add\",\"params\":{\"bridge\":\"br1\",\"name\":\"f2\"}}",
    "{\"id\":12,\"method\":\"port-add\",\"params\":{\"bridge\":\"br1\",\"name\":\"f3\","
    "\"tag\":20}}",
    "{\"id\":13,\"method\":\"flow-add\",\"params\":{\"bridge\":\"br1\",\"flows\":["
    "\"priority=10,ip actions=goto_table:1\","
    "\"priority=10,arp actions=resubmit(,2),output:f3\","
    "\"priority=20,udp,tp_dst=7 actions=resubmit(,3)\","
    "\"priority=20,udp,tp_dst=9 actions=resubmit(f2,4)\","
    "\"priority=30,tcp,tp_dst=80 actions=set_field:10.9.9.9->nw_dst,set_field:8080->tp_dst,"
    "mod_dl_src:02:00:00:00:00:aa,output:f2\","
    "\"priority=30,icmp actions=set_field:0->icmp_type,set_field:46->ip_dscp,NORMAL\","
    "\"priority=25,dl_vlan=5 actions=mod_vlan_vid:7,mod_vlan_pcp:3,output:f2,strip_vlan,"
    "output:f3\","
    "\"priority=5,in_port=f3 actions=push_vlan:0x8100,set_field:4098->vlan_tci,output:f1\","
    "\"priority=1 actions=NORMAL\","
    "\"table=1,priority=10,ip,nw_dst=10.0.0.2 actions=output:f2\","
    "\"table=1,priority=8,ip,nw_dst=10.0.0.0/24 actions=output:f3\","
    "\"table=1,priority=7,ip,nw_dst=10.0.16.0/20 actions=resubmit(,2)\","
    "\"table=1,priority=5,ip actions=mod_dl_dst:02:00:00:00:00:99,resubmit(,2)\","
    "\"table=2,priority=1 actions=output:f3,IN_PORT\","
    "\"table=3,priority=1 actions=resubmit(,3)\","
    "\"table=4,priority=1,in_port=f2 actions=FLOOD\","
    "\"table=4,priority=0 actions=ALL\"]}}",
};

static const char *const reset[] = {
    "{\"id\":1,\"method\":\"fdb-flush\",\"params\":{}}",
    "{\"id\":2,\"method\":\"tnl-neigh-flush\",\"params\":{}}",
    ("{\"id\":3,\"method\":\"tnl-neigh-set\",\"params\":{\"bridge\":\"br-phy\","
     "\"ip\":\"192.168.99.2\",\"mac\":\"02:00:00:00:99:02\"}}"),
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const out_ports[] = {"up0", "vm1", "a10", "t1", "f1", "f2", "f3"};
	char path[PATH_MAX + 64];

	(void)argc;
	(void)argv;
	ctx = fuzz_dp_init("pipeline");
	for (unsigned i = 0; i < sizeof(out_ports) / sizeof(out_ports[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.out.pcap", ctx->replay_out, out_ports[i]);
		if (symlink("/dev/null", path) < 0) {
			perror(path);
			abort();
		}
	}
	for (unsigned i = 0; i < sizeof(setup) / sizeof(setup[0]); i++)
		if (fuzz_dp_request(ctx, setup[i], strlen(setup[i]))) {
			fprintf(stderr, "pipeline: set-up request %u failed: %s\n", i, setup[i]);
			abort();
		}
	for (unsigned i = 0; i < N_IN; i++) {
		struct wf_port *p = wf_port_find(ctx, in_ports[i]);

		if (!p)
			abort();
		in_index[i] = p->index;
	}
	pool_full = rte_mempool_avail_count(ctx->pool);
	return 0;
}

/* The replay engine's frame_mbuf(), with a chosen segment size (at most MAX_SEGS segments:
 * chains as long as a NIC or vhost-user hands over, and the pool never runs dry). */
#define MAX_SEGS 64
static struct rte_mbuf *frame_mbuf(struct rte_mempool *pool, const uint8_t *data, uint32_t len,
                                   uint32_t seg_max)
{
	struct rte_mbuf *head = NULL, *tail = NULL;
	uint32_t off = 0;

	if (seg_max < len / MAX_SEGS + 1)
		seg_max = len / MAX_SEGS + 1;
	do {
		struct rte_mbuf *seg = rte_pktmbuf_alloc(pool);
		uint32_t n;

		if (!seg)
			abort();
		n = RTE_MIN(RTE_MIN(len - off, seg_max), (uint32_t)rte_pktmbuf_tailroom(seg));
		memcpy(rte_pktmbuf_append(seg, n), data + off, n);
		off += n;
		if (!head) {
			head = tail = seg;
		} else {
			/* rte_pktmbuf_chain() without its walk to the last segment. */
			tail->next = seg;
			tail = seg;
			head->nb_segs++;
			head->pkt_len += n;
		}
	} while (off < len);
	return head;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_thread *t = &ctx->threads[0];
	const struct wf_snap *s;
	struct rte_mbuf *m;
	uint32_t seg_max = UINT32_MAX;
	uint16_t in;
	unsigned avail;

	if (size < 1 || size > 9216 + 2)
		return 0;
	in = in_index[(data[0] & 0x3f) % N_IN];
	if (data[0] & 0x80) {
		if (size < 2)
			return 0;
		seg_max = data[1] | 1u;
		data++;
		size--;
	}
	for (unsigned i = 0; i < sizeof(reset) / sizeof(reset[0]); i++)
		if (fuzz_dp_request(ctx, reset[i], strlen(reset[i])))
			abort();
	t->now = 1000;
	m = frame_mbuf(ctx->pool, data + 1, (uint32_t)size - 1, seg_max);
	if (!m)
		return 0;
	m->port = in;
	s = atomic_load_explicit(&ctx->snap, memory_order_acquire);
	s->bridges[s->ports[in].bridge].input(t, s, in, &m, 1);
	avail = rte_mempool_avail_count(ctx->pool);
	if (avail != pool_full) {
		fprintf(stderr, "pipeline: %u mbufs not returned to the pool\n", pool_full - avail);
		abort();
	}
	return 0;
}
