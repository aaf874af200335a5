/* The learning switch (l2/switch.c) takes frames in bursts: it learns every source of a burst,
 * looks every destination up at once, and queues the frames after a unicast one that share its
 * port and VLAN as one run. This test checks that a burst leaves exactly as the same frames one
 * at a time do: same frames, bytes and order on every port, same counters.
 *
 * Two identical bridges run in one replay-mode dataplane (the pipeline in-process, as
 * tests/fuzz/pipeline does; replay ports write what they send to pcap files):
 *
 *   brA: a-vm1 a-vm2 (trunks, all VLANs)  a-t1 (trunks 10,20)  a-a10 (access 10)
 *        a-nu (native-untagged 20, trunks 10)  a-nt (native-tagged 20, trunks 10)
 *   brB: the same with the prefix b-
 *
 * Both learn the same MACs on vm2, t1, a10, nu and nt first, one frame at a time; t1's MAC is
 * then made static in VLANs 10 and 20 and t1 narrowed to VLAN 10 (the narrowing flushes the
 * port's learned entries, not its static ones), so the VLAN-20 entry is stale. Random bursts from
 * vm1 (1..32 frames, a seeded generator) go into brA as bursts and into brB frame by frame. A
 * frame's destination is a learned MAC, a source of vm1 (same port), an unknown MAC, broadcast or
 * multicast; its VLAN untagged, priority-tagged, 10, 20 or 30, its priority random; most
 * frames repeat the previous destination and VLAN with another priority (runs to a tagging
 * port, where each frame must keep its own priority); a few are runts or truncated tags.
 * The sources of vm1 are learned there beforehand and never used elsewhere, so learning a
 * burst's sources first changes nothing that one at a time would see.
 *
 * Since both bridges run the same code (one frame is a run of one), a last burst is also
 * checked against what OVS would send: eight frames of VLAN 10 with priorities 0..7 to t1's
 * MAC must leave t1 as they came, tagged VLAN 10, each with its own priority, in order; the
 * two VLAN-20 frames after them (t1's entry there is stale) are flooded, to vm2 and not t1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pcap/pcap.h>
#include <rte_mbuf.h>

#include "../../tests/fuzz/common/fuzz_dp.h"
#include "ports/port.h"

#define N_BURSTS 400
#define MAX_N    32

static struct wf_ctx *ctx;
static const char *const ports[] = {"vm1", "vm2", "t1", "a10", "nu", "nt"};
#define N_PORTS (sizeof(ports) / sizeof(ports[0]))

static void req(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (fuzz_dp_request(ctx, line, strlen(line)) != 0)
		fail_msg("request failed: %s", line);
}

/* Both bridges, identically. */
static void setup_bridges(void)
{
	for (char p = 'a'; p <= 'b'; p++) {
		req("{\"id\":1,\"method\":\"bridge-add\",\"params\":{\"name\":\"br%c\"}}", p - 32);
		req("{\"id\":2,\"method\":\"port-add\",\"params\":{\"bridge\":\"br%c\",\"name\":\"%"
		    "c-vm1\"}}",
		    p - 32, p);
		req("{\"id\":3,\"method\":\"port-add\",\"params\":{\"bridge\":\"br%c\",\"name\":\"%"
		    "c-vm2\"}}",
		    p - 32, p);
		req("{\"id\":4,\"method\":\"port-add\",\"params\":{\"bridge\":\"br%c\",\"name\":\"%"
		    "c-t1\","
		    "\"trunks\":[10,20]}}",
		    p - 32, p);
		req("{\"id\":5,\"method\":\"port-add\",\"params\":{\"bridge\":\"br%c\",\"name\":\"%"
		    "c-a10\","
		    "\"tag\":10}}",
		    p - 32, p);
		req("{\"id\":6,\"method\":\"port-add\",\"params\":{\"bridge\":\"br%c\",\"name\":\"%"
		    "c-nu\","
		    "\"tag\":20,\"vlan_mode\":\"native-untagged\",\"trunks\":[10]}}",
		    p - 32, p);
		req("{\"id\":7,\"method\":\"port-add\",\"params\":{\"bridge\":\"br%c\",\"name\":\"%"
		    "c-nt\","
		    "\"tag\":20,\"vlan_mode\":\"native-tagged\",\"trunks\":[10]}}",
		    p - 32, p);
	}
}

static uint16_t port_index(char bridge, const char *name)
{
	char full[32];
	struct wf_port *p;

	snprintf(full, sizeof(full), "%c-%s", bridge, name);
	p = wf_port_find(ctx, full);
	assert_non_null(p);
	return p->index;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* A frame: dst, src, an 802.1Q tag if vid >= 0 (vid 0: priority-tagged), ethertype 0x88b5,
 * 'pay' payload bytes. 'len' < 0: the frame is cut to -len bytes (runt or truncated tag). */
struct frame {
	uint8_t b[128];
	unsigned len;
};

static void frame_build(struct frame *f, const uint8_t dst[6], const uint8_t src[6], int vid,
                        unsigned pcp, unsigned pay)
{
	unsigned o = 12;

	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	if (vid >= 0) {
		f->b[o++] = 0x81;
		f->b[o++] = 0x00;
		f->b[o++] = (uint8_t)(pcp << 5 | (unsigned)vid >> 8);
		f->b[o++] = (uint8_t)vid;
	}
	f->b[o++] = 0x88;
	f->b[o++] = 0xb5;
	for (unsigned i = 0; i < pay; i++)
		f->b[o++] = (uint8_t)rnd(256);
	f->len = o;
}

static struct rte_mbuf *frame_mbuf(const struct frame *f)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ctx->pool);

	assert_non_null(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)f->len), f->b, f->len);
	return m;
}

/* Sends 'n' frames in on port 'name' of bridge 'p': as one burst, or one at a time. */
static void offer(char p, const char *name, const struct frame *f, unsigned n, bool burst)
{
	struct wf_thread *t = &ctx->threads[0];
	const struct wf_snap *s = atomic_load_explicit(&ctx->snap, memory_order_acquire);
	uint16_t in = port_index(p, name);
	struct rte_mbuf *pkts[MAX_N];

	for (unsigned i = 0; i < n; i++) {
		pkts[i] = frame_mbuf(&f[i]);
		pkts[i]->port = in;
	}
	if (burst) {
		s->bridges[s->ports[in].bridge].input(t, s, in, pkts, (uint16_t)n);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		s->bridges[s->ports[in].bridge].input(t, s, in, &pkts[i], 1);
}

static void offer_both(const char *name, const struct frame *f, unsigned n)
{
	offer('a', name, f, n, false);
	offer('b', name, f, n, false);
}

static void mac(uint8_t m[6], uint8_t kind, uint8_t i)
{
	const uint8_t v[6] = {0x02, 0, 0, 0, kind, i};
	memcpy(m, v, 6);
}

/* Learned MACs: on vm2 (VLANs 0, 10, 20, 30), t1 (10, 20), a10 (10), nu (20 untagged, 10),
 * nt (20 untagged, 10). Then t1 allows only VLAN 10: its VLAN-20 entries are stale. */
#define N_DST 5
static const char *const dst_port[N_DST] = {"vm2", "t1", "a10", "nu", "nt"};

static void learn_all(void)
{
	static const int vids[N_DST][4] = {{-1, 10, 20, 30},
	                                   {10, 20, -2, -2},
	                                   {-1, -2, -2, -2},
	                                   {-1, 10, -2, -2},
	                                   {-1, 10, -2, -2}};
	uint8_t src[6], bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct frame f;

	for (unsigned p = 0; p < N_DST; p++)
		for (unsigned i = 0; i < 4 && vids[p][i] != -2; i++) {
			mac(src, 0xd0, (uint8_t)p);
			frame_build(&f, bc, src, vids[p][i], 0, 20);
			offer_both(dst_port[p], &f, 1);
		}
	/* vm1's own sources, in every VLAN a burst uses. */
	for (uint8_t k = 0; k < 2; k++) {
		static const int v1[] = {-1, 10, 20, 30};
		for (unsigned i = 0; i < 4; i++) {
			mac(src, 0x51, k);
			frame_build(&f, bc, src, v1[i], 0, 20);
			offer_both("vm1", &f, 1);
		}
	}
	for (char p = 'A'; p <= 'B'; p++)
		for (int v = 10; v <= 20; v += 10)
			req("{\"id\":7,\"method\":\"fdb-add\",\"params\":{\"bridge\":\"br%c\","
			    "\"vlan\":%d,"
			    "\"mac\":\"02:00:00:00:d0:01\",\"port\":\"%c-t1\"}}",
			    p, v, p + 32);
	req("{\"id\":8,\"method\":\"port-set\",\"params\":{\"name\":\"a-t1\",\"trunks\":[10]}}");
	req("{\"id\":9,\"method\":\"port-set\",\"params\":{\"name\":\"b-t1\",\"trunks\":[10]}}");
}

/* A random burst from vm1 ('from_vm2' false) or vm2; counts the frames that repeat the
 * previous one's destination and VLAN to a learned MAC (a run of at least two). vm1's sources
 * are its two learned MACs (0x51); vm2's are 64 new ones (0xf0), learned by these bursts, so a
 * burst from vm2 never sends to them (a burst learns its sources before it looks up, one frame
 * at a time does not), while later bursts from vm1 do. */
static unsigned burst_gen(struct frame *f, unsigned n, bool from_vm2)
{
	static const int vids[] = {-1, 0, 10, 20, 30};
	uint8_t dst[6], src[6];
	int vid = -1;
	unsigned repeats = 0;
	bool known = false;

	for (unsigned i = 0; i < n; i++) {
		if (i == 0 || rnd(4) == 0) {
			unsigned c = rnd(11);
			known = c < N_DST || c == 5;
			if (c < N_DST)
				mac(dst, 0xd0, (uint8_t)c);
			else if (c == 5)
				mac(dst, 0x51, (uint8_t)rnd(2)); /* vm1's own */
			else if (c == 6)
				mac(dst, 0xee, (uint8_t)rnd(3)); /* never learned: flood */
			else if (c == 7)
				memset(dst, 0xff, 6);
			else if (c == 8 && !from_vm2)
				mac(dst, 0xf0, (uint8_t)rnd(64)); /* learned from vm2, or not yet */
			else {
				const uint8_t mc[6] = {0x01, 0x00, 0x5e, 0, 0, (uint8_t)rnd(4)};
				memcpy(dst, mc, 6);
			}
			vid = vids[rnd(5)];
		} else if (known) {
			repeats++;
		}
		if (from_vm2) {
			if (i == 0 || rnd(3) == 0)
				mac(src, 0xf0, (uint8_t)rnd(64));
		} else {
			mac(src, 0x51, (uint8_t)rnd(2));
		}
		frame_build(&f[i], dst, src, vid, rnd(8), rnd(50));
		if (rnd(50) == 0)
			f[i].len = vid >= 0 ? 12 + rnd(6) : rnd(14); /* runt or truncated tag */
	}
	return repeats;
}

/* Every frame port a-NAME sent equals, in order, what b-NAME sent; returns how many. */
static unsigned compare_port(const char *name)
{
	char pa[PATH_MAX + 64], pb[PATH_MAX + 64], err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *ha, *hb;
	const u_char *da, *db;
	pcap_t *a, *b;
	unsigned n = 0;
	int ra, rb;

	wf_port_replay_flush(wf_port_find(ctx, (snprintf(pa, sizeof(pa), "a-%s", name), pa)));
	wf_port_replay_flush(wf_port_find(ctx, (snprintf(pb, sizeof(pb), "b-%s", name), pb)));
	snprintf(pa, sizeof(pa), "%s/a-%s.out.pcap", ctx->replay_out, name);
	snprintf(pb, sizeof(pb), "%s/b-%s.out.pcap", ctx->replay_out, name);
	a = pcap_open_offline(pa, err);
	b = pcap_open_offline(pb, err);
	assert_non_null(a);
	assert_non_null(b);
	for (;;) {
		ra = pcap_next_ex(a, &ha, &da);
		rb = pcap_next_ex(b, &hb, &db);
		if (ra != 1 || rb != 1)
			break;
		if (ha->caplen != hb->caplen || memcmp(da, db, ha->caplen) != 0)
			fail_msg("port %s: frame %u differs (burst %u bytes, one at a time %u)",
			         name, n, ha->caplen, hb->caplen);
		n++;
	}
	if (ra != rb)
		fail_msg("port %s: the burst sent %s frames than one at a time (after %u)", name,
		         ra == 1 ? "more" : "fewer", n);
	pcap_close(a);
	pcap_close(b);
	return n;
}

/* The last 'n' frames port 'name' sent are f[0..n), byte for byte. */
static void check_tail(const char *name, const struct frame *f, unsigned n)
{
	char path[PATH_MAX + 64], err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	struct frame got[64];
	unsigned total = 0;
	pcap_t *pc;

	wf_port_replay_flush(wf_port_find(ctx, name));
	snprintf(path, sizeof(path), "%s/%s.out.pcap", ctx->replay_out, name);
	pc = pcap_open_offline(path, err);
	assert_non_null(pc);
	while (pcap_next_ex(pc, &h, &d) == 1) {
		struct frame *g = &got[total++ % 64];
		g->len = h->caplen < sizeof(g->b) ? h->caplen : sizeof(g->b);
		memcpy(g->b, d, g->len);
	}
	pcap_close(pc);
	assert_true(total >= n);
	for (unsigned i = 0; i < n; i++) {
		const struct frame *g = &got[(total - n + i) % 64];
		if (g->len != f[i].len || memcmp(g->b, f[i].b, g->len) != 0)
			fail_msg("%s: frame %u of the last burst is not as sent (priority %u)",
			         name, i, i);
	}
}

/* The counters of port or bridge 'name' ("stats" returns {"ports": {NAME: ...}, "bridges":
 * {NAME: ...}}). */
static json_t *stats_of(const char *name)
{
	char line[256];
	json_t *r, *res, *o;

	snprintf(line, sizeof(line), "{\"id\":1,\"method\":\"stats\",\"params\":{\"name\":\"%s\"}}",
	         name);
	r = wf_ctl_dispatch(ctx, line, strlen(line));
	assert_non_null(r);
	res = json_object_get(r, "result");
	o = json_object_get(json_object_get(res, "ports"), name);
	if (!o)
		o = json_object_get(json_object_get(res, "bridges"), name);
	if (!o)
		fail_msg("no counters for %s", name);
	o = json_deep_copy(o);
	json_decref(r);
	return o;
}

static void compare_stats(const char *a, const char *b)
{
	json_t *ja = stats_of(a), *jb = stats_of(b);

	if (!json_equal(ja, jb)) {
		char *sa = json_dumps(ja, JSON_SORT_KEYS), *sb = json_dumps(jb, JSON_SORT_KEYS);
		fail_msg("counters of %s differ from %s:\n%s\n%s", a, b, sa, sb);
	}
	json_decref(ja);
	json_decref(jb);
}

/* Both bridges' MAC tables hold the same entries (port names but their prefix); returns how
 * many. */
static unsigned compare_fdb(void)
{
	const char *line_a = "{\"id\":1,\"method\":\"fdb-show\",\"params\":{\"bridge\":\"brA\"}}";
	const char *line_b = "{\"id\":1,\"method\":\"fdb-show\",\"params\":{\"bridge\":\"brB\"}}";
	json_t *ra = wf_ctl_dispatch(ctx, line_a, strlen(line_a));
	json_t *rb = wf_ctl_dispatch(ctx, line_b, strlen(line_b));
	json_t *ea = json_object_get(json_object_get(ra, "result"), "entries");
	json_t *eb = json_object_get(json_object_get(rb, "result"), "entries");
	json_t *va, *vb;
	size_t i;

	assert_true(json_is_array(ea) && json_is_array(eb));
	assert_int_equal(json_array_size(ea), json_array_size(eb));
	json_array_foreach(ea, i, va)
	{
		vb = json_array_get(eb, i);
		const char *pa = json_string_value(json_object_get(va, "port"));
		const char *pb = json_string_value(json_object_get(vb, "port"));
		assert_true(pa && pb && pa[0] == 'a' && pb[0] == 'b');
		assert_string_equal(pa + 1, pb + 1);
		json_object_del(va, "port");
		json_object_del(vb, "port");
		if (!json_equal(va, vb))
			fail_msg("MAC table entry %zu differs", i);
	}
	i = json_array_size(ea);
	json_decref(ra);
	json_decref(rb);
	return (unsigned)i;
}

static void test_burst_equals_one_at_a_time(void **state)
{
	struct frame f[MAX_N];
	unsigned repeats = 0, frames = 0, sent = 0, pool_full;

	(void)state;
	pool_full = rte_mempool_avail_count(ctx->pool);
	ctx->threads[0].now = 1000;
	setup_bridges();
	learn_all();
	for (unsigned k = 0; k < N_BURSTS; k++) {
		unsigned n = 1 + rnd(MAX_N);

		const char *from = rnd(3) == 0 ? "vm2" : "vm1";

		repeats += burst_gen(f, n, from[2] == '2');
		frames += n;
		offer('a', from, f, n, true);
		offer('b', from, f, n, false);
	}
	/* The last burst, with an expectation of its own (see the top comment). */
	uint8_t d1[6], s0[6];
	mac(d1, 0xd0, 1);
	mac(s0, 0x51, 0);
	for (unsigned i = 0; i < 10; i++)
		frame_build(&f[i], d1, s0, i < 8 ? 10 : 20, i & 7, 20 + i);
	offer('a', "vm1", f, 10, true);
	offer('b', "vm1", f, 10, false);
	check_tail("a-t1", f, 8);      /* VLAN 10: unicast, each with its priority */
	check_tail("a-vm2", f + 8, 2); /* VLAN 20: t1's entry is stale, flooded (not to t1) */
	for (unsigned i = 0; i < N_PORTS; i++) {
		char a[16], b[16];

		sent += compare_port(ports[i]);
		snprintf(a, sizeof(a), "a-%s", ports[i]);
		snprintf(b, sizeof(b), "b-%s", ports[i]);
		compare_stats(a, b);
	}
	compare_stats("brA", "brB");
	unsigned entries = compare_fdb();
	/* The test exercised what it is about: many runs, and more frames out than in (floods). */
	print_message("%u frames in %u bursts, %u repeating the previous destination, %u sent, %u "
	              "MAC table entries\n",
	              frames, N_BURSTS, repeats, sent, entries);
	assert_true(entries > 64); /* vm2's sources were learned */
	assert_true(repeats > frames / 4);
	assert_true(sent > frames);
	assert_int_equal(rte_mempool_avail_count(ctx->pool), pool_full); /* none leaked */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_burst_equals_one_at_a_time),
	};

	ctx = fuzz_dp_init("l2-burst");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
