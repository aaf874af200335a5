/* Unit tests of the write-back (writeback.c): which Interface / Open_vSwitch columns are
 * written for a given replica, desired state, dataplane state and errors, and that nothing is
 * written once the database holds those values (no transaction storms). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dbclient.h"
#include "desired.h"
#include "writeback.h"

/* br0 (local port), vhu0 (ofport_request 5), vhu1 (holds ofport 1), bad0, bond p2 (e1, e2). */
static const char *replica_json =
    "{\"Open_vSwitch\":{\"o1\":{\"new\":{\"bridges\":[\"uuid\",\"b1\"],\"next_cfg\":7,"
    "\"cur_cfg\":6}}},"
    "\"Bridge\":{\"b1\":{\"new\":{\"name\":\"br0\",\"ports\":[\"set\",[[\"uuid\",\"p0\"],"
    "[\"uuid\",\"p1\"],[\"uuid\",\"p2\"],[\"uuid\",\"p3\"],[\"uuid\",\"p4\"]]],"
    "\"other_config\":[\"map\",[]],"
    "\"external_ids\":[\"map\",[[\"weft-flows\",\"initialized\"]]]}}}," /* flows: test_flows */
    "\"Port\":{\"p0\":{\"new\":{\"name\":\"br0\",\"interfaces\":[\"uuid\",\"i0\"]}},"
    "\"p1\":{\"new\":{\"name\":\"vhu0\",\"interfaces\":[\"uuid\",\"i1\"]}},"
    "\"p2\":{\"new\":{\"name\":\"bond\",\"interfaces\":[\"set\",[[\"uuid\",\"i2\"],"
    "[\"uuid\",\"i3\"]]]}},"
    "\"p3\":{\"new\":{\"name\":\"vhu1\",\"interfaces\":[\"uuid\",\"i4\"]}},"
    "\"p4\":{\"new\":{\"name\":\"bad0\",\"interfaces\":[\"uuid\",\"i5\"]}}},"
    "\"Interface\":{"
    "\"i0\":{\"new\":{\"name\":\"br0\",\"type\":\"internal\",\"ofport\":[\"set\",[]]}},"
    "\"i1\":{\"new\":{\"name\":\"vhu0\",\"type\":\"dpdkvhostuser\",\"ofport_request\":5,"
    "\"ofport\":[\"set\",[]],\"error\":[\"set\",[]]}},"
    "\"i2\":{\"new\":{\"name\":\"e1\",\"type\":\"dpdk\"}},"
    "\"i3\":{\"new\":{\"name\":\"e2\",\"type\":\"dpdk\"}},"
    "\"i4\":{\"new\":{\"name\":\"vhu1\",\"type\":\"dpdkvhostuserclient\",\"ofport\":1,"
    "\"options\":[\"map\",[[\"vhost-server-path\",\"/tmp/v.sock\"]]]}},"
    "\"i5\":{\"new\":{\"name\":\"bad0\",\"type\":\"dpdk\",\"options\":[\"map\",[["
    "\"dpdk-devargs\",\"net_nonexistent0\"]]]}}}}";

static const char *show_json =
    "{\"bridges\":[{\"name\":\"br0\",\"other_config\":{},\"ports\":["
    "{\"name\":\"vhu0\",\"type\":\"dpdkvhostuser\",\"options\":{},\"tag\":null,\"trunks\":[],"
    "\"vlan_mode\":\"trunk\",\"link\":\"up\",\"port_index\":3},"
    "{\"name\":\"vhu1\",\"type\":\"dpdkvhostuserclient\",\"options\":{\"vhost-server-path\":"
    "\"/tmp/v.sock\"},\"tag\":null,\"trunks\":[],\"vlan_mode\":\"trunk\",\"link\":\"down\","
    "\"port_index\":4}]}]}";

static const char *stats_json =
    "{\"ports\":{\"vhu0\":{\"rx_packets\":10,\"tx_packets\":20,\"rx_bytes\":640,"
    "\"tx_bytes\":1280,\"rx_dropped\":1,\"tx_dropped\":2,\"drop_runt\":1},\"vhu1\":{"
    "\"rx_packets\":0,\"tx_packets\":0,\"rx_bytes\":0,\"tx_bytes\":0,\"rx_dropped\":0,"
    "\"tx_dropped\":0}},\"bridges\":{}}";

struct fixture {
	struct ctd_replica r;
	struct ctd_desired d;
	struct ctd_state actual;
	json_t *stats;
	struct ctd_smap errors;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	json_error_t jerr;
	json_t *j = json_loads(replica_json, 0, &jerr);
	assert_non_null(j);
	assert_int_equal(ctd_replica_reset(&f->r, j), 0);
	json_decref(j);
	assert_int_equal(ctd_desired_build(&f->d, &f->r), 0);
	j = json_loads(show_json, 0, &jerr);
	assert_int_equal(ctd_state_from_show(&f->actual, j), 0);
	json_decref(j);
	f->stats = json_loads(stats_json, 0, &jerr);
	assert_non_null(f->stats);
	assert_int_equal(ctd_smap_set(&f->errors, "bad0", "ENODEV: no such device"), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	ctd_replica_clear(&f->r);
	ctd_desired_free(&f->d);
	ctd_state_free(&f->actual);
	json_decref(f->stats);
	ctd_smap_free(&f->errors);
	free(f);
	return 0;
}

static json_t *ops_for(struct fixture *f, bool cur_cfg)
{
	struct ctd_wb_input in = {&f->r,      &f->d,    &f->actual, f->stats,
	                          &f->errors, "/run/w", cur_cfg};
	json_t *ops = ctd_writeback_ops(&in);
	assert_non_null(ops);
	return ops;
}

/* The "row" of the update of 'table' row 'uuid' in 'ops', or NULL. */
static json_t *row_of(json_t *ops, const char *uuid)
{
	size_t i;
	json_t *op;
	json_array_foreach(ops, i, op)
	{
		json_t *w = json_array_get(json_object_get(op, "where"), 0);
		if (!strcmp(ctd_datum_uuid_str(json_array_get(w, 2)), uuid))
			return json_object_get(op, "row");
	}
	return NULL;
}

static void check_row(json_t *ops, const char *uuid, const char *want)
{
	json_error_t jerr;
	json_t *w = json_loads(want, 0, &jerr), *got = row_of(ops, uuid);
	assert_non_null(w);
	char *gs = got ? json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	if (!got || !json_equal(w, got))
		fail_msg("row %s: got %s, want %s", uuid, gs ? gs : "(none)", want);
	free(gs);
	json_decref(w);
}

static void test_first_write(void **state)
{
	struct fixture *f = *state;
	json_t *ops = ops_for(f, true);
	/* Local port, vhu0, bond (2), vhu1, bad0, cur_cfg. */
	assert_int_equal(json_array_size(ops), 7);
	check_row(ops, "i0",
	          "{\"ofport\":65534,\"link_state\":\"up\",\"error\":[\"set\",[]],\"status\":"
	          "[\"map\",[[\"dataplane\",\"none (the bridge's local port)\"],"
	          "[\"driver_name\",\"internal\"]]]}");
	/* ofport_request honoured; error already empty: not written. */
	check_row(ops, "i1",
	          "{\"ofport\":5,\"link_state\":\"up\",\"status\":[\"map\",[[\"driver_name\","
	          "\"vhost-user\"],[\"mode\",\"server\"],[\"port_index\",\"3\"],[\"socket\","
	          "\"/run/w/vhu0.sock\"],[\"status\",\"connected\"]]],\"statistics\":[\"map\","
	          "[[\"rx_bytes\",640],[\"rx_dropped\",1],[\"rx_packets\",10],[\"tx_bytes\",1280],"
	          "[\"tx_dropped\",2],[\"tx_packets\",20]]]}");
	/* vhu1 keeps the ofport it has (not written again). */
	check_row(ops, "i4",
	          "{\"link_state\":\"down\",\"error\":[\"set\",[]],\"status\":[\"map\",[["
	          "\"driver_name\",\"vhost-user\"],[\"mode\",\"client\"],[\"port_index\",\"4\"],"
	          "[\"socket\",\"/tmp/v.sock\"],[\"status\",\"disconnected\"]]],\"statistics\":"
	          "[\"map\",[[\"rx_bytes\",0],[\"rx_dropped\",0],[\"rx_packets\",0],[\"tx_bytes\","
	          "0],[\"tx_dropped\",0],[\"tx_packets\",0]]]}");
	check_row(ops, "i5",
	          "{\"ofport\":-1,\"error\":\"ENODEV: no such device\",\"link_state\":[\"set\",[]],"
	          "\"status\":[\"map\",[]]}");
	check_row(
	    ops, "i2",
	    "{\"ofport\":-1,\"error\":\"port bond has 2 interfaces: bonds are not supported\","
	    "\"link_state\":[\"set\",[]],\"status\":[\"map\",[]]}");
	check_row(ops, "o1", "{\"cur_cfg\":7}");
	json_decref(ops);
	/* Without set_cur_cfg: no Open_vSwitch update. */
	ops = ops_for(f, false);
	assert_int_equal(json_array_size(ops), 6);
	assert_null(row_of(ops, "o1"));
	json_decref(ops);
}

/* Applies 'ops' to the replica as the server's update notification would. */
static void apply_to_replica(struct fixture *f, json_t *ops)
{
	size_t i;
	json_t *op, *u = json_object();
	json_array_foreach(ops, i, op)
	{
		const char *table = json_string_value(json_object_get(op, "table"));
		const char *uuid = ctd_datum_uuid_str(
		    json_array_get(json_array_get(json_object_get(op, "where"), 0), 2));
		json_t *row = json_deep_copy(ctd_replica_row(&f->r, table, uuid));
		json_object_update(row, json_object_get(op, "row"));
		if (!json_object_get(u, table))
			json_object_set_new(u, table, json_object());
		json_object_set_new(json_object_get(u, table), uuid,
		                    json_pack("{s:o,s:{}}", "new", row, "old"));
	}
	bool changed = false;
	assert_int_equal(ctd_replica_update(&f->r, u, &changed), 0);
	json_decref(u);
}

/* Once written, the same inputs write nothing; changed counters write only statistics. */
static void test_no_storm(void **state)
{
	struct fixture *f = *state;
	json_t *ops = ops_for(f, true);
	apply_to_replica(f, ops);
	json_decref(ops);
	ops = ops_for(f, true);
	assert_int_equal(json_array_size(ops), 0);
	json_decref(ops);
	json_object_set_new(json_object_get(json_object_get(f->stats, "ports"), "vhu1"),
	                    "rx_packets", json_integer(3));
	ops = ops_for(f, true);
	assert_int_equal(json_array_size(ops), 1);
	json_t *row = row_of(ops, "i4");
	assert_int_equal(json_object_size(row), 1);
	assert_non_null(json_object_get(row, "statistics"));
	json_decref(ops);
}

/* Lowest free ofport for an interface without one; a request taken by another is not. */
static void test_ofport_allocation(void **state)
{
	struct fixture *f = *state;
	json_t *i1 = (json_t *)ctd_replica_row(&f->r, "Interface", "i1");
	json_object_set_new(i1, "ofport_request", json_integer(1)); /* vhu1 holds 1 */
	json_t *ops = ops_for(f, false);
	check_row(ops, "i1",
	          "{\"ofport\":1,\"link_state\":\"up\",\"status\":[\"map\",[["
	          "\"driver_name\",\"vhost-user\"],[\"mode\",\"server\"],"
	          "[\"port_index\",\"3\"],[\"socket\",\"/run/w/vhu0.sock\"],"
	          "[\"status\",\"connected\"]]],\"statistics\":[\"map\",[[\"rx_bytes\","
	          "640],[\"rx_dropped\",1],[\"rx_packets\",10],[\"tx_bytes\",1280],"
	          "[\"tx_dropped\",2],[\"tx_packets\",20]]]}");
	/* vhu1 lost 1 to the request: it gets the lowest free one, 2. */
	assert_int_equal(json_integer_value(json_object_get(row_of(ops, "i4"), "ofport")), 2);
	json_decref(ops);
}

static void test_datum_equal(void **state)
{
	json_error_t e;
	(void)state;
	json_t *a = json_loads("[\"set\",[\"up\"]]", 0, &e), *b = json_string("up");
	assert_true(ctd_datum_equal(a, b));
	json_t *m1 = json_loads("[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]", 0, &e);
	json_t *m2 = json_loads("[\"map\",[[\"b\",\"2\"],[\"a\",\"1\"]]]", 0, &e);
	assert_true(ctd_datum_equal(m1, m2));
	json_t *s1 = json_loads("[\"set\",[1,2]]", 0, &e),
	       *s2 = json_loads("[\"set\",[2,1]]", 0, &e);
	assert_true(ctd_datum_equal(s1, s2));
	json_t *empty = json_loads("[\"set\",[]]", 0, &e);
	assert_false(ctd_datum_equal(empty, b));
	assert_false(ctd_datum_equal(NULL, b));
	json_decref(a), json_decref(b), json_decref(m1), json_decref(m2);
	json_decref(s1), json_decref(s2), json_decref(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_first_write, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_storm, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ofport_allocation, setup, teardown),
	    cmocka_unit_test(test_datum_equal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
