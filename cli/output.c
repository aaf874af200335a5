/* weftctl output: tables and JSON. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flows.h"
#include "output.h"

void cli_output_ovs_string(FILE *f, const char *s)
{
	bool bare = isalpha((unsigned char)s[0]) || s[0] == '_';

	for (const char *p = s; *p && bare; p++) {
		bare = isalnum((unsigned char)*p) || strchr("_.-", *p);
	}
	if (bare) {
		fputs(s, f);
		return;
	}
	cli_output_quoted(f, s);
}

void cli_output_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			fputc('\\', f);
		}
		fputc(*p, f);
	}
	fputc('"', f);
}

static const char *str_of(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "?";
}

/* Prints {k=v, ...} of a string map; non-string values are printed as JSON. */
static void print_map(FILE *f, const json_t *map)
{
	const char *key;
	json_t *value;
	bool first = true;

	fputc('{', f);
	json_object_foreach((json_t *)map, key, value)
	{
		if (!first) {
			fputs(", ", f);
		}
		first = false;
		cli_output_ovs_string(f, key);
		fputc('=', f);
		if (json_is_string(value)) {
			cli_output_ovs_string(f, json_string_value(value));
		} else {
			char *text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);

			fputs(text ? text : "?", f);
			free(text);
		}
	}
	fputs("}\n", f);
}

static int cmp_by_name(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;

	return strcmp(str_of(x, "name"), str_of(y, "name"));
}

/* Returns the elements of array 'arr' sorted by their "name" (malloc'd, *n set), or NULL. */
static json_t **sorted_by_name(const json_t *arr, size_t *n)
{
	json_t **v;

	*n = json_array_size(arr);
	v = calloc(*n + 1, sizeof(*v));
	if (!v) {
		*n = 0;
		return NULL;
	}
	for (size_t i = 0; i < *n; i++) {
		v[i] = json_array_get(arr, i);
	}
	qsort(v, *n, sizeof(*v), cmp_by_name);
	return v;
}

static void show_port(FILE *f, const json_t *port)
{
	const char *name = str_of(port, "name");
	const json_t *tag = json_object_get(port, "tag");
	const json_t *trunks = json_object_get(port, "trunks");
	const json_t *mode = json_object_get(port, "vlan_mode");
	const json_t *options = json_object_get(port, "options");
	const char *type = json_string_value(json_object_get(port, "type"));
	const char *link = json_string_value(json_object_get(port, "link"));

	fputs("        Port ", f);
	cli_output_ovs_string(f, name);
	fputc('\n', f);
	if (json_is_integer(tag)) {
		fprintf(f, "            tag: %lld\n", (long long)json_integer_value(tag));
	}
	if (json_array_size(trunks) > 0) {
		fputs("            trunks: [", f);
		for (size_t i = 0; i < json_array_size(trunks); i++) {
			fprintf(f, "%s%lld", i ? ", " : "",
			        (long long)json_integer_value(json_array_get(trunks, i)));
		}
		fputs("]\n", f);
	}
	if (json_is_string(mode)) {
		fprintf(f, "            vlan_mode: %s\n", json_string_value(mode));
	}
	fputs("            Interface ", f);
	cli_output_ovs_string(f, name);
	fputc('\n', f);
	if (type && type[0]) {
		fprintf(f, "                type: %s\n", type);
	}
	if (json_object_size(options) > 0) {
		fputs("                options: ", f);
		print_map(f, options);
	}
	if (link) {
		fprintf(f, "                link_state: %s\n", link);
	}
}

void cli_output_show(FILE *f, const json_t *result)
{
	size_t n_bridges, n_ports;
	json_t **bridges = sorted_by_name(json_object_get(result, "bridges"), &n_bridges);

	for (size_t i = 0; i < n_bridges; i++) {
		const json_t *br = bridges[i];
		const json_t *oc = json_object_get(br, "other_config");
		json_t **ports = sorted_by_name(json_object_get(br, "ports"), &n_ports);

		fputs("    Bridge ", f);
		cli_output_ovs_string(f, str_of(br, "name"));
		fputc('\n', f);
		if (json_object_size(oc) > 0) {
			fputs("        other_config: ", f);
			print_map(f, oc);
		}
		for (size_t j = 0; j < n_ports; j++) {
			show_port(f, ports[j]);
		}
		free(ports);
	}
	free(bridges);
}

void cli_output_fdb(FILE *f, const json_t *result)
{
	const json_t *entries = json_object_get(result, "entries");
	int width = 5;
	size_t i;
	json_t *e;

	json_array_foreach(entries, i, e)
	{
		int len = (int)strlen(str_of(e, "port"));

		width = len > width ? len : width;
	}
	fprintf(f, "%*s  VLAN  MAC                Age\n", width, "port");
	json_array_foreach(entries, i, e)
	{
		char mac[18];

		/* Lower case, as MACs are written everywhere else. */
		snprintf(mac, sizeof(mac), "%s", str_of(e, "mac"));
		for (char *p = mac; *p; p++) {
			*p = (char)tolower((unsigned char)*p);
		}
		fprintf(f, "%*s  %4lld  %-17s  ", width, str_of(e, "port"),
		        (long long)json_integer_value(json_object_get(e, "vlan")), mac);
		if (json_is_true(json_object_get(e, "static"))) {
			fputs("static\n", f);
		} else {
			fprintf(f, "%3lld\n",
			        (long long)json_integer_value(json_object_get(e, "age")));
		}
	}
}

/* One stats row to print. */
struct stat_row {
	const char *name;
	const char *counter;
	char value[24];
};

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends the rows of one group ("ports" or "bridges"), names sorted, counters in server
 * order. 'rows' has room for every counter. */
static void stats_group(const json_t *group, bool all, struct stat_row *rows, size_t *n_rows)
{
	size_t n = json_object_size(group), k = 0;
	const char **names = calloc(n + 1, sizeof(*names));
	const char *key;
	json_t *counters;

	if (!names) {
		return;
	}
	json_object_foreach((json_t *)group, key, counters)
	{
		names[k++] = key;
	}
	qsort(names, k, sizeof(*names), cmp_key);
	for (size_t i = 0; i < k; i++) {
		const char *counter;
		json_t *value;

		counters = json_object_get(group, names[i]);
		json_object_foreach(counters, counter, value)
		{
			struct stat_row *r = &rows[*n_rows];

			if (json_is_array(value) || json_is_object(value)) {
				continue; /* sections of their own (bridges' "tables") */
			}
			if (json_is_integer(value)) {
				if (!all && json_integer_value(value) == 0) {
					continue;
				}
				snprintf(r->value, sizeof(r->value), "%lld",
				         (long long)json_integer_value(value));
			} else {
				snprintf(r->value, sizeof(r->value), "?");
			}
			r->name = names[i];
			r->counter = counter;
			(*n_rows)++;
		}
	}
	free(names);
}

static size_t count_counters(const json_t *group)
{
	const char *key;
	json_t *counters;
	size_t n = 0;

	json_object_foreach((json_t *)group, key, counters)
	{
		n += json_object_size(counters);
	}
	return n;
}

/* A grid of cells for the stats sections: column 0 left-aligned, the others right-aligned,
 * widths from the content. */
#define GRID_COLS 8
struct grid {
	size_t n_cols, n_rows;
	char (*cells)[GRID_COLS][32]; /* row 0: the header */
};

static bool grid_init(struct grid *g, size_t n_rows, size_t n_cols, const char *const *header)
{
	g->n_cols = n_cols;
	g->n_rows = 1;
	g->cells = calloc(n_rows + 1, sizeof(*g->cells));
	for (size_t c = 0; g->cells && c < n_cols; c++) {
		snprintf(g->cells[0][c], sizeof(g->cells[0][c]), "%s", header[c]);
	}
	return g->cells != NULL;
}

static void grid_print(FILE *f, struct grid *g)
{
	int w[GRID_COLS] = {0};

	for (size_t r = 0; r < g->n_rows; r++) {
		for (size_t c = 0; c < g->n_cols; c++) {
			int l = (int)strlen(g->cells[r][c]);
			w[c] = l > w[c] ? l : w[c];
		}
	}
	for (size_t r = 0; r < g->n_rows; r++) {
		fprintf(f, "%-*s", w[0], g->cells[r][0]);
		for (size_t c = 1; c < g->n_cols; c++) {
			fprintf(f, "  %*s", w[c], g->cells[r][c]);
		}
		fputc('\n', f);
	}
	free(g->cells);
}

/* An integer field as text, or "-" when absent or not an integer. */
static void int_cell(char *cell, size_t n, const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	if (json_is_integer(v)) {
		snprintf(cell, n, "%lld", (long long)json_integer_value(v));
	} else {
		snprintf(cell, n, "-");
	}
}

/* The flow tables of every bridge that reports them (names sorted), one row per table. */
static void stats_tables(FILE *f, const json_t *bridges)
{
	static const char *const header[] = {"bridge",  "table",   "flows",     "masks",
	                                     "lookups", "matched", "cache_hits"};
	static const char *const keys[] = {"table",   "flows",   "masks",
	                                   "lookups", "matched", "cache_hits"};
	size_t n = json_object_size(bridges), k = 0, n_rows = 0;
	const char **names = calloc(n + 1, sizeof(*names));
	const char *key;
	json_t *br;
	struct grid g;

	if (!names) {
		return;
	}
	json_object_foreach((json_t *)bridges, key, br)
	{
		if (json_is_array(json_object_get(br, "tables"))) {
			names[k++] = key;
			n_rows += json_array_size(json_object_get(br, "tables"));
		}
	}
	qsort(names, k, sizeof(*names), cmp_key);
	if (k && grid_init(&g, n_rows, 7, header)) {
		for (size_t i = 0; i < k; i++) {
			const json_t *tables =
			    json_object_get(json_object_get(bridges, names[i]), "tables");
			size_t j;
			json_t *t;

			json_array_foreach(tables, j, t)
			{
				char(*row)[32] = g.cells[g.n_rows++];

				snprintf(row[0], sizeof(row[0]), "%s", names[i]);
				for (size_t c = 0; c < 6; c++) {
					int_cell(row[c + 1], sizeof(row[c + 1]), t, keys[c]);
				}
			}
		}
		fputc('\n', f);
		grid_print(f, &g);
	}
	free(names);
}

/* One row per PMD: its loop counters and what they give per burst / packet. */
static void stats_pmds(FILE *f, const json_t *pmds)
{
	static const char *const header[] = {"pmd lcore",   "packets",     "bursts", "pkts/burst",
	                                     "busy_cycles", "idle_cycles", "busy%",  "cycles/pkt"};
	size_t i;
	json_t *p;
	struct grid g;

	if (!json_array_size(pmds) || !grid_init(&g, json_array_size(pmds), 8, header)) {
		return;
	}
	json_array_foreach(pmds, i, p)
	{
		char(*row)[32] = g.cells[g.n_rows++];
		double busy = (double)json_integer_value(json_object_get(p, "busy_cycles"));
		double idle = (double)json_integer_value(json_object_get(p, "idle_cycles"));

		int_cell(row[0], sizeof(row[0]), p, "lcore");
		int_cell(row[1], sizeof(row[1]), p, "packets");
		int_cell(row[2], sizeof(row[2]), p, "bursts");
		snprintf(row[3], sizeof(row[3]), "%.1f",
		         json_number_value(json_object_get(p, "packets_per_burst")));
		int_cell(row[4], sizeof(row[4]), p, "busy_cycles");
		int_cell(row[5], sizeof(row[5]), p, "idle_cycles");
		snprintf(row[6], sizeof(row[6]), "%.1f",
		         busy + idle > 0 ? 100 * busy / (busy + idle) : 0);
		snprintf(row[7], sizeof(row[7]), "%.0f",
		         json_number_value(json_object_get(p, "cycles_per_packet")));
	}
	fputc('\n', f);
	grid_print(f, &g);
}

void cli_output_stats(FILE *f, const json_t *result, bool all)
{
	const json_t *ports = json_object_get(result, "ports");
	const json_t *bridges = json_object_get(result, "bridges");
	struct stat_row *rows =
	    calloc(count_counters(ports) + count_counters(bridges) + 1, sizeof(*rows));
	int w_name = 4, w_counter = 7, w_value = 5;
	size_t n_rows = 0;

	if (!rows) {
		return;
	}
	stats_group(ports, all, rows, &n_rows);
	stats_group(bridges, all, rows, &n_rows);
	for (size_t i = 0; i < n_rows; i++) {
		int l;

		l = (int)strlen(rows[i].name);
		w_name = l > w_name ? l : w_name;
		l = (int)strlen(rows[i].counter);
		w_counter = l > w_counter ? l : w_counter;
		l = (int)strlen(rows[i].value);
		w_value = l > w_value ? l : w_value;
	}
	fprintf(f, "%-*s  %-*s  %*s\n", w_name, "name", w_counter, "counter", w_value, "value");
	for (size_t i = 0; i < n_rows; i++) {
		fprintf(f, "%-*s  %-*s  %*s\n", w_name, rows[i].name, w_counter, rows[i].counter,
		        w_value, rows[i].value);
	}
	free(rows);
	stats_tables(f, bridges);
	stats_pmds(f, json_object_get(result, "pmds"));
}

static long long int_of(const json_t *obj, const char *key)
{
	return (long long)json_integer_value(json_object_get(obj, key));
}

void cli_output_fdb_stats(FILE *f, const char *bridge, const json_t *result)
{
	static const struct {
		const char *label, *key, *suffix;
	} lines[] = {
	    {"Current static MAC entries in the table", "static", ""},
	    {"Total number of learned MAC entries", "learned", ""},
	    {"Total number of expired MAC entries", "aged", ""},
	    {"Total number of evicted MAC entries", "evicted", ""},
	    {"Total number of port moved MAC entries", "moved", ""},
	    {"Total number of refused MAC entries", "full", " (table full)"},
	    {"MAC aging time (seconds)", "aging_s", ""},
	    {"Longest entry displacement (slots)", "displacement_max", ""},
	};

	fputs("Statistics for bridge ", f);
	cli_output_quoted(f, bridge);
	fprintf(f, ":\n  Current/maximum MAC entries in the table: %lld/%lld\n",
	        int_of(result, "entries"), int_of(result, "max_entries"));
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		fprintf(f, "  %-40s: %lld%s\n", lines[i].label, int_of(result, lines[i].key),
		        lines[i].suffix);
}

void cli_output_dp_show(FILE *f, const json_t *result)
{
	const json_t *pmds = json_object_get(result, "pmds");
	size_t i;
	json_t *pmd;

	fprintf(f, "pid: %lld\n", int_of(result, "pid"));
	fprintf(f, "rundir: %s\n", str_of(result, "rundir"));
	fprintf(f, "mode: %s\n", str_of(result, "mode"));
	fprintf(f, "bridges: %lld\n", int_of(result, "n_bridges"));
	fprintf(f, "ports: %lld\n", int_of(result, "n_ports"));
	fprintf(f, "pmd_sleep_max_us: %lld\n", int_of(result, "pmd_sleep_max_us"));
	const json_t *mb = json_object_get(result, "mbufs");
	if (mb)
		fprintf(f, "mbufs: %lld in use, %lld available, pool of %lld\n",
		        int_of(mb, "in_use"), int_of(mb, "avail"), int_of(mb, "size"));
	json_array_foreach(pmds, i, pmd)
	{
		const json_t *rxqs = json_object_get(pmd, "rxqs");
		long long busy = int_of(pmd, "busy_cycles"), idle = int_of(pmd, "idle_cycles");
		size_t j;
		json_t *q;

		fprintf(f, "pmd thread lcore %lld:\n", int_of(pmd, "lcore"));
		fputs("  rx queues:", f);
		json_array_foreach(rxqs, j, q)
		{
			fprintf(f, " %s", json_is_string(q) ? json_string_value(q) : "?");
		}
		fprintf(f, "%s\n", json_array_size(rxqs) ? "" : " (none)");
		fprintf(f, "  packets: %lld\n", int_of(pmd, "packets"));
		fprintf(f, "  busy cycles: %lld (%.1f%%)\n", busy,
		        busy + idle > 0 ? 100.0 * (double)busy / (double)(busy + idle) : 0.0);
		fprintf(f, "  idle cycles: %lld\n", idle);
		fprintf(f, "  bursts: %lld (%.1f packets/burst, %.0f busy cycles/packet)\n",
		        int_of(pmd, "bursts"),
		        json_number_value(json_object_get(pmd, "packets_per_burst")),
		        json_number_value(json_object_get(pmd, "cycles_per_packet")));
	}
}

/* Sort key of a neighbour row: bridge name, then IP numerically (unparsable IPs last). */
static int cmp_neigh(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(str_of(x, "bridge"), str_of(y, "bridge"));
	struct in_addr ix = {0}, iy = {0};
	int okx, oky;

	if (c) {
		return c;
	}
	okx = inet_pton(AF_INET, str_of(x, "ip"), &ix) == 1;
	oky = inet_pton(AF_INET, str_of(y, "ip"), &iy) == 1;
	if (okx != oky) {
		return oky - okx;
	}
	if (ntohl(ix.s_addr) != ntohl(iy.s_addr)) {
		return ntohl(ix.s_addr) < ntohl(iy.s_addr) ? -1 : 1;
	}
	return 0;
}

/* A string field, or "-" when absent (incomplete entries have no MAC, port or age). */
static const char *dash_of(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v)) {
		return "-";
	}
	return json_is_string(v) ? json_string_value(v) : "?";
}

void cli_output_tnl_neigh(FILE *f, const json_t *result)
{
	const json_t *entries = json_object_get(result, "entries");
	size_t n = json_array_size(entries);
	json_t **v = calloc(n + 1, sizeof(*v));
	char(*ages)[24] = calloc(n + 1, sizeof(*ages));
	int w_br = 6, w_ip = 2, w_port = 4, w_age = 3;

	if (!v || !ages) {
		free(v);
		free(ages);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		v[i] = json_array_get(entries, i);
	}
	qsort(v, n, sizeof(*v), cmp_neigh);
	for (size_t i = 0; i < n; i++) {
		const json_t *age = json_object_get(v[i], "age");
		int l;

		/* Static entries do not age: their age means nothing. */
		if (json_is_integer(age) && !json_is_true(json_object_get(v[i], "static"))) {
			snprintf(ages[i], sizeof(ages[i]), "%lld",
			         (long long)json_integer_value(age));
		} else {
			snprintf(ages[i], sizeof(ages[i]), "-");
		}
		l = (int)strlen(str_of(v[i], "bridge"));
		w_br = l > w_br ? l : w_br;
		l = (int)strlen(str_of(v[i], "ip"));
		w_ip = l > w_ip ? l : w_ip;
		l = (int)strlen(dash_of(v[i], "port"));
		w_port = l > w_port ? l : w_port;
		l = (int)strlen(ages[i]);
		w_age = l > w_age ? l : w_age;
	}
	fprintf(f, "%-*s  %-*s  %-17s  %-*s  %*s  %s\n", w_br, "bridge", w_ip, "IP", "MAC", w_port,
	        "port", w_age, "age", "state");
	for (size_t i = 0; i < n; i++) {
		char mac[18];

		snprintf(mac, sizeof(mac), "%s", dash_of(v[i], "mac"));
		for (char *p = mac; *p; p++) {
			*p = (char)tolower((unsigned char)*p);
		}
		fprintf(f, "%-*s  %-*s  %-17s  %-*s  %*s  %s\n", w_br, str_of(v[i], "bridge"), w_ip,
		        str_of(v[i], "ip"), mac, w_port, dash_of(v[i], "port"), w_age, ages[i],
		        str_of(v[i], "state"));
	}
	free(v);
	free(ages);
}

int cli_output_result(FILE *f, const struct cli_cmd *cmd, const json_t *result, enum cli_format fmt)
{
	switch (cmd->verb) {
	case CLI_CMD_SHOW:
	case CLI_CMD_FDB_SHOW:
	case CLI_CMD_FDB_STATS:
	case CLI_CMD_STATS:
	case CLI_CMD_DP_SHOW:
	case CLI_CMD_FDB_FLUSH:
	case CLI_CMD_REPLAY_RUN:
	case CLI_CMD_TNL_NEIGH_SHOW:
	case CLI_CMD_TNL_NEIGH_FLUSH:
	case CLI_CMD_DUMP_FLOWS:
		break;
	default:
		return 0; /* nothing to print */
	}
	if (fmt == CLI_FMT_JSON) {
		if (json_dumpf(result, f, JSON_INDENT(2) | JSON_ENCODE_ANY) < 0) {
			return -EIO;
		}
		fputc('\n', f);
	} else if (cmd->verb == CLI_CMD_SHOW) {
		cli_output_show(f, result);
	} else if (cmd->verb == CLI_CMD_DUMP_FLOWS) {
		cli_output_flows(f, result, cmd->no_stats);
	} else if (cmd->verb == CLI_CMD_FDB_SHOW) {
		cli_output_fdb(f, result);
	} else if (cmd->verb == CLI_CMD_FDB_STATS) {
		cli_output_fdb_stats(f, cmd->bridge, result);
	} else if (cmd->verb == CLI_CMD_STATS) {
		cli_output_stats(f, result, cmd->all);
	} else if (cmd->verb == CLI_CMD_DP_SHOW) {
		cli_output_dp_show(f, result);
	} else if (cmd->verb == CLI_CMD_TNL_NEIGH_SHOW) {
		cli_output_tnl_neigh(f, result);
	} else if (cmd->verb == CLI_CMD_FDB_FLUSH || cmd->verb == CLI_CMD_TNL_NEIGH_FLUSH) {
		fprintf(f, "flushed %lld entries\n", int_of(result, "flushed"));
	} else {
		fprintf(f, "processed %lld frames\n", int_of(result, "frames"));
	}
	return ferror(f) ? -EIO : 0;
}
