/* Unit tests of vlan.c: OVS tag/trunks/vlan_mode rules on fake mbufs built on the stack. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "l2/vlan.h"

struct fake {
	struct rte_mbuf m;
	uint8_t buf[256];
};

/* Builds a frame: dst, src MACs, optional 802.1Q tag (tci >= 0), ethertype 0x0800, payload. */
static void fake_frame(struct fake *f, int tci, unsigned len)
{
	uint8_t *p;
	memset(f, 0, sizeof(*f));
	f->m.buf_addr = f->buf;
	f->m.buf_len = sizeof(f->buf);
	f->m.data_off = 64;
	f->m.nb_segs = 1;
	p = f->buf + 64;
	for (unsigned i = 0; i < len; i++)
		p[i] = (uint8_t)i;
	if (len >= 14) {
		memset(p, 0xaa, 6);
		memset(p + 6, 0x02, 6);
		unsigned off = 12;
		if (tci >= 0 && len >= 16) {
			p[12] = 0x81, p[13] = 0x00;
			if (len >= 18)
				p[14] = tci >> 8, p[15] = tci & 0xff;
			off = 16;
		}
		if (len >= off + 2)
			p[off] = 0x08, p[off + 1] = 0x00;
	}
	f->m.data_len = len;
	f->m.pkt_len = len;
}

static const uint8_t *data(struct fake *f)
{
	return rte_pktmbuf_mtod(&f->m, const uint8_t *);
}

static struct wf_vlan_cfg cfg(int tag, const char *mode, const int *trunks, unsigned n)
{
	struct wf_vlan_cfg c;
	char err[128];
	assert_int_equal(wf_vlan_cfg_build(&c, tag, mode, trunks, n, err, sizeof(err)), 0);
	return c;
}

static void test_cfg_defaults_and_errors(void **state)
{
	struct wf_vlan_cfg c;
	char err[128];
	int bad[] = {4096};
	(void)state;
	c = cfg(10, NULL, NULL, 0);
	assert_int_equal(c.mode, WF_VLAN_ACCESS);
	c = cfg(-1, NULL, NULL, 0);
	assert_int_equal(c.mode, WF_VLAN_TRUNK);
	assert_true(c.all_trunks);
	assert_int_equal(wf_vlan_cfg_build(&c, -1, "access", NULL, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "needs a tag"));
	assert_int_equal(wf_vlan_cfg_build(&c, 4096, NULL, NULL, 0, err, sizeof(err)), -EINVAL);
	assert_int_equal(wf_vlan_cfg_build(&c, -1, "bogus", NULL, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "bogus"));
	assert_int_equal(wf_vlan_cfg_build(&c, -1, NULL, bad, 1, err, sizeof(err)), -EINVAL);
}

static void test_runt_and_truncated(void **state)
{
	struct fake f;
	struct wf_vlan_meta meta;
	struct wf_vlan_cfg c = cfg(-1, NULL, NULL, 0);
	(void)state;
	fake_frame(&f, -1, 13);
	assert_int_equal(wf_vlan_ingress(&c, &f.m, &meta), WF_DROP_RUNT);
	fake_frame(&f, -1, 14);
	assert_int_equal(wf_vlan_ingress(&c, &f.m, &meta), WF_DROP_NONE);
	fake_frame(&f, 5, 17);
	assert_int_equal(wf_vlan_ingress(&c, &f.m, &meta), WF_DROP_VLAN_TRUNCATED);
	assert_int_equal(f.m.data_len, 17); /* untouched */
}

static void test_access_port(void **state)
{
	struct fake f;
	struct wf_vlan_meta meta;
	struct wf_vlan_cfg c = cfg(10, NULL, NULL, 0);
	(void)state;
	fake_frame(&f, -1, 60);
	assert_int_equal(wf_vlan_ingress(&c, &f.m, &meta), WF_DROP_NONE);
	assert_int_equal(meta.vlan, 10);
	assert_int_equal(f.m.data_len, 60);
	/* Tagged with a VLAN: not allowed on an access port, even its own. */
	fake_frame(&f, 10, 64);
	assert_int_equal(wf_vlan_ingress(&c, &f.m, &meta), WF_DROP_VLAN_NOT_ALLOWED);
	/* Priority-tagged (VID 0): belongs to the access VLAN; the tag is stripped. */
	fake_frame(&f, 5 << 13, 64);
	assert_int_equal(wf_vlan_ingress(&c, &f.m, &meta), WF_DROP_NONE);
	assert_int_equal(meta.vlan, 10);
	assert_int_equal(meta.pcp, 5);
	assert_int_equal(f.m.data_len, 60);
	assert_int_equal(data(&f)[12], 0x08);
	assert_int_equal(data(&f)[6], 0x02);
	assert_true(wf_vlan_member(&c, 10));
	assert_false(wf_vlan_member(&c, 11));
	assert_false(wf_vlan_egress_tagged(&c, 10));
}

static void test_trunk_port(void **state)
{
	struct fake f;
	struct wf_vlan_meta meta;
	int trunks[] = {10, 20};
	struct wf_vlan_cfg c = cfg(-1, "trunk", trunks, 2);
	(void)state;
	fake_frame(&f, (3 << 13) | 20, 64);
	assert_int_equal(wf_vlan_ingress(&c, &f.m, &meta), WF_DROP_NONE);
	assert_int_equal(meta.vlan, 20);
	assert_int_equal(meta.pcp, 3);
	assert_int_equal(f.m.data_len, 60);
	assert_memory_equal(data(&f), "\xaa\xaa\xaa\xaa\xaa\xaa\x02\x02\x02\x02\x02\x02\x08\x00",
	                    14);
	fake_frame(&f, 30, 64);
	assert_int_equal(wf_vlan_ingress(&c, &f.m, &meta), WF_DROP_VLAN_NOT_ALLOWED);
	fake_frame(&f, -1, 60);
	assert_int_equal(wf_vlan_ingress(&c, &f.m, &meta), WF_DROP_NONE);
	assert_int_equal(meta.vlan, 0);
	assert_false(wf_vlan_member(&c, 0));
	assert_true(wf_vlan_egress_tagged(&c, 10));
	struct wf_vlan_cfg all = cfg(-1, NULL, NULL, 0);
	assert_true(wf_vlan_member(&all, 0));
	assert_true(wf_vlan_member(&all, 4095));
	assert_false(wf_vlan_egress_tagged(&all, 0));
}

static void test_native_modes(void **state)
{
	struct fake f;
	struct wf_vlan_meta meta;
	int trunks[] = {20};
	struct wf_vlan_cfg nu = cfg(10, "native-untagged", trunks, 1);
	struct wf_vlan_cfg nt = cfg(10, "native-tagged", trunks, 1);
	(void)state;
	fake_frame(&f, -1, 60);
	assert_int_equal(wf_vlan_ingress(&nu, &f.m, &meta), 0);
	assert_int_equal(meta.vlan, 10);
	fake_frame(&f, 10, 64);
	assert_int_equal(wf_vlan_ingress(&nt, &f.m, &meta), 0);
	assert_int_equal(meta.vlan, 10);
	fake_frame(&f, 30, 64);
	assert_int_equal(wf_vlan_ingress(&nt, &f.m, &meta), WF_DROP_VLAN_NOT_ALLOWED);
	assert_false(wf_vlan_egress_tagged(&nu, 10));
	assert_true(wf_vlan_egress_tagged(&nu, 20));
	assert_true(wf_vlan_egress_tagged(&nt, 10));
	assert_true(wf_vlan_member(&nu, 20));
	assert_false(wf_vlan_member(&nu, 30));
}

static void test_push(void **state)
{
	struct fake f;
	struct wf_vlan_meta meta = {.vlan = 100, .pcp = 6};
	(void)state;
	fake_frame(&f, -1, 60);
	assert_int_equal(wf_vlan_push(&f.m, &meta), 0);
	assert_int_equal(f.m.data_len, 64);
	assert_int_equal(f.m.pkt_len, 64);
	static const uint8_t want[] = {0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0x02, 0x02, 0x02,
	                               0x02, 0x02, 0x02, 0x81, 0x00, 0xc0, 0x64, 0x08, 0x00};
	assert_memory_equal(data(&f), want, sizeof(want));
	/* No headroom: refused, frame untouched. */
	fake_frame(&f, -1, 60);
	f.m.data_off = 2;
	memmove(f.buf + 2, f.buf + 64, 60);
	assert_int_equal(wf_vlan_push(&f.m, &meta), -ENOSPC);
	assert_int_equal(f.m.data_len, 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cfg_defaults_and_errors),
	    cmocka_unit_test(test_runt_and_truncated),
	    cmocka_unit_test(test_access_port),
	    cmocka_unit_test(test_trunk_port),
	    cmocka_unit_test(test_native_modes),
	    cmocka_unit_test(test_push),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
