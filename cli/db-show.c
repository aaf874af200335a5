/* weftctl database backend: show, get, list-br, list-ports from a snapshot (see db-show.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dbclient.h"

#include "db-show.h"
#include "db-txn.h"
#include "output.h"

static const char *const tables[] = {"Open_vSwitch", "Bridge", "Port", "Interface"};

/* ovsdb's string_needs_quotes(). */
static bool needs_quotes(const char *s)
{
	if (!isalpha((unsigned char)s[0]) && s[0] != '_') {
		return true;
	}
	for (const char *p = s + 1; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '.') {
			return true;
		}
	}
	return !strcmp(s, "true") || !strcmp(s, "false");
}

static void print_string(FILE *f, const char *s)
{
	if (needs_quotes(s)) {
		cli_output_quoted(f, s);
	} else {
		fputs(s, f);
	}
}

static void print_atom(FILE *f, const json_t *a)
{
	const char *u = ctd_datum_uuid_str(a);

	if (u) {
		fputs(u, f);
	} else if (json_is_string(a)) {
		print_string(f, json_string_value(a));
	} else if (json_is_integer(a)) {
		fprintf(f, "%lld", (long long)json_integer_value(a));
	} else if (json_is_real(a)) {
		fprintf(f, "%.17g", json_real_value(a));
	} else if (json_is_boolean(a)) {
		fputs(json_is_true(a) ? "true" : "false", f);
	}
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void print_map(FILE *f, const json_t *datum)
{
	json_t *obj = ctd_datum_map_object(datum);
	size_t n = json_object_size(obj), i = 0;
	const char **keys = calloc(n + 1, sizeof(*keys));
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v)
	{
		if (keys) {
			keys[i++] = k;
		}
	}
	if (keys) {
		qsort(keys, n, sizeof(*keys), cmp_keys);
	}
	fputc('{', f);
	for (i = 0; keys && i < n; i++) {
		fputs(i ? ", " : "", f);
		print_string(f, keys[i]);
		fputc('=', f);
		print_atom(f, json_object_get(obj, keys[i]));
	}
	fputc('}', f);
	free(keys);
	json_decref(obj);
}

static bool is_map(const json_t *datum, const json_t *type)
{
	if (type) {
		return json_object_get(type, "value") != NULL;
	}
	return json_is_array(datum) &&
	       !strcmp(json_string_value(json_array_get(datum, 0)) ?: "", "map");
}

static bool is_multi(const json_t *type)
{
	const json_t *max = json_object_get(type, "max");

	return json_is_string(max) || (json_is_integer(max) && json_integer_value(max) > 1);
}

void cli_db_print_datum(FILE *f, const json_t *datum, const json_t *type)
{
	size_t n = ctd_datum_n(datum);

	if (is_map(datum, type)) {
		print_map(f, datum);
		return;
	}
	if (n == 1 && !is_multi(type)) {
		print_atom(f, ctd_datum_at(datum, 0));
		return;
	}
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		print_atom(f, ctd_datum_at(datum, i));
	}
	fputc(']', f);
}

static int cmp_uuid_atoms(const void *a, const void *b)
{
	return strcmp(ctd_datum_uuid_str(*(json_t *const *)a) ?: "",
	              ctd_datum_uuid_str(*(json_t *const *)b) ?: "");
}

/* The rows of 'table' referenced by 'datum', in uuid order (as ovsdb sorts a set). */
static const json_t **referenced(const json_t *snap, const char *table, const json_t *datum,
                                 size_t *n)
{
	size_t m = ctd_datum_n(datum);
	const json_t **atoms = calloc(m + 1, sizeof(*atoms));
	const json_t **rows = calloc(m + 1, sizeof(*rows));

	*n = 0;
	if (!atoms || !rows) {
		free(atoms);
		free(rows);
		return NULL;
	}
	for (size_t i = 0; i < m; i++) {
		atoms[i] = ctd_datum_at(datum, i);
	}
	qsort(atoms, m, sizeof(*atoms), cmp_uuid_atoms);
	for (size_t i = 0; i < m; i++) {
		const json_t *row = cli_db_snap_by_uuid(snap, table, ctd_datum_uuid_str(atoms[i]));

		if (row) {
			rows[(*n)++] = row;
		}
	}
	free(atoms);
	return rows;
}

/* "<indent>col: value" when the column is not empty. */
static void show_col(FILE *f, const char *indent, const json_t *row, const char *col, bool multi)
{
	const json_t *d = json_object_get(row, col);
	json_t *type;

	if (!d || (json_is_string(d) && !json_string_length(d)) ||
	    (!json_is_string(d) && !json_is_integer(d) && !json_is_real(d) && !json_is_boolean(d) &&
	     ctd_datum_n(d) == 0)) {
		return;
	}
	type = multi ? json_pack("{s:s}", "max", "unlimited") : NULL;
	fprintf(f, "%s%s: ", indent, col);
	cli_db_print_datum(f, d, type);
	fputc('\n', f);
	json_decref(type);
}

static const json_t *col_type(const json_t *snap, const char *table, const char *col)
{
	const json_t *t = json_object_get(
	    json_object_get(
	        json_object_get(json_object_get(json_object_get(snap, "_schema"), "tables"), table),
	        "columns"),
	    col);

	return json_object_get(t, "type");
}

static void show(FILE *f, const json_t *snap)
{
	const json_t *ovs = cli_db_snap_find(snap, "Open_vSwitch", ".");
	size_t nb, np, ni;
	const json_t **brs;

	if (!ovs) {
		return;
	}
	fprintf(f, "%s\n", ctd_datum_uuid_str(json_object_get(ovs, "_uuid")) ?: "?");
	brs = referenced(snap, "Bridge", json_object_get(ovs, "bridges"), &nb);
	for (size_t i = 0; brs && i < nb; i++) {
		const json_t **ports =
		    referenced(snap, "Port", json_object_get(brs[i], "ports"), &np);

		fputs("    Bridge ", f);
		print_string(f, json_string_value(json_object_get(brs[i], "name")) ?: "");
		fputc('\n', f);
		show_col(f, "        ", brs[i], "fail_mode", false);
		show_col(f, "        ", brs[i], "datapath_type", false);
		for (size_t j = 0; ports && j < np; j++) {
			const json_t **ifs = referenced(
			    snap, "Interface", json_object_get(ports[j], "interfaces"), &ni);

			fputs("        Port ", f);
			print_string(f, json_string_value(json_object_get(ports[j], "name")) ?: "");
			fputc('\n', f);
			show_col(f, "            ", ports[j], "tag", false);
			show_col(f, "            ", ports[j], "trunks", true);
			for (size_t k = 0; ifs && k < ni; k++) {
				fputs("            Interface ", f);
				print_string(f, json_string_value(json_object_get(ifs[k], "name"))
				                    ?: "");
				fputc('\n', f);
				show_col(f, "                ", ifs[k], "type", false);
				show_col(f, "                ", ifs[k], "options", false);
				show_col(f, "                ", ifs[k], "error", false);
			}
			free(ifs);
		}
		free(ports);
	}
	free(brs);
	show_col(f, "    ", ovs, "ovs_version", false);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Prints the sorted names of the rows referenced by 'datum' (skipping 'except'). */
static void list_names(FILE *f, const json_t *snap, const char *table, const json_t *datum,
                       const char *except)
{
	size_t n, m = 0;
	const json_t **rows = referenced(snap, table, datum, &n);
	const char **names = calloc(n + 1, sizeof(*names));

	for (size_t i = 0; rows && names && i < n; i++) {
		const char *name = json_string_value(json_object_get(rows[i], "name")) ?: "";

		if (!except || strcmp(name, except)) {
			names[m++] = name;
		}
	}
	qsort(names, m, sizeof(*names), cmp_str);
	for (size_t i = 0; i < m; i++) {
		fprintf(f, "%s\n", names[i]);
	}
	free(names);
	free(rows);
}

/* The table and row named by cmd->table / cmd->record (*rowp NULL: no record given). */
static int find_row(const json_t *snap, const struct cli_cmd *cmd, const char **tablep,
                    const json_t **rowp, char **errp)
{
	const char *table = NULL;
	const json_t *row;

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if (!strcasecmp(cmd->table, tables[i])) {
			table = tables[i];
		}
	}
	if (!table) {
		return cli_error(errp,
		                 "unknown table \"%s\" (weftctl knows Open_vSwitch, Bridge, "
		                 "Port, Interface)",
		                 cmd->table);
	}
	*tablep = table;
	*rowp = NULL;
	if (!cmd->record) {
		return 0;
	}
	row = cli_db_snap_find(snap, table, cmd->record);
	if (!row) {
		row = cli_db_snap_by_uuid(snap, table, cmd->record);
	}
	if (!row) {
		return cli_fail(errp, ENOENT, "no row \"%s\" in table %s", cmd->record, table);
	}
	*rowp = row;
	return 0;
}

/* ovs-vsctl list: _uuid, then every column of the schema in name order, "%-20s: value". */
static void list_row(FILE *f, const json_t *snap, const char *table, const json_t *row)
{
	const json_t *cols = json_object_get(
	    json_object_get(json_object_get(json_object_get(snap, "_schema"), "tables"), table),
	    "columns");
	size_t n = json_object_size(cols), i = 0;
	const char **names = calloc(n + 1, sizeof(*names));
	const char *k;
	json_t *v;

	fprintf(f, "%-20s: ", "_uuid");
	print_atom(f, json_object_get(row, "_uuid"));
	fputc('\n', f);
	json_object_foreach((json_t *)cols, k, v)
	{
		if (names) {
			names[i++] = k;
		}
	}
	if (names) {
		qsort(names, n, sizeof(*names), cmp_keys);
	}
	for (i = 0; names && i < n; i++) {
		const json_t *d = json_object_get(row, names[i]);

		fprintf(f, "%-20s: ", names[i]);
		if (d) {
			cli_db_print_datum(f, d, col_type(snap, table, names[i]));
		}
		fputc('\n', f);
	}
	free(names);
}

static int list(FILE *f, const json_t *snap, const struct cli_cmd *cmd, char **errp)
{
	const char *table;
	const json_t *row;
	int ret = find_row(snap, cmd, &table, &row, errp);
	size_t i;
	json_t *r;

	if (ret < 0) {
		return ret;
	}
	if (row) {
		list_row(f, snap, table, row);
		return 0;
	}
	json_array_foreach(cli_db_snap_rows(snap, table), i, r)
	{
		fputs(i ? "\n" : "", f);
		list_row(f, snap, table, r);
	}
	return 0;
}

/* Prints one COLUMN[:KEY] of 'row'. */
static int get_one(FILE *f, const json_t *snap, const struct cli_cmd *cmd, const char *table,
                   const json_t *row, const char *column, char **errp)
{
	const char *key;
	const json_t *d, *type;
	char *col;
	int ret = 0;

	col = strdup(column);
	if (!col) {
		return cli_fail(errp, ENOMEM, "out of memory");
	}
	key = strchr(col, ':');
	if (key) {
		col[key - col] = '\0';
		key++;
	}
	d = json_object_get(row, col);
	type = col_type(snap, table, col);
	if (!d) {
		ret = cli_error(errp, "%s does not contain a column whose name matches \"%s\"",
		                table, col);
	} else if (key) {
		json_t *obj = ctd_datum_map_object(d);
		const json_t *v = json_object_get(obj, key);

		if (!is_map(d, type)) {
			ret =
			    cli_error(errp, "cannot specify key to get for non-map column %s", col);
		} else if (!v) {
			ret = cli_fail(errp, ENOENT, "no key \"%s\" in %s record \"%s\" column %s",
			               key, table, cmd->record, col);
		} else {
			print_atom(f, v);
			fputc('\n', f);
		}
		json_decref(obj);
	} else {
		cli_db_print_datum(f, d, type);
		fputc('\n', f);
	}
	free(col);
	return ret;
}

/* Every COLUMN[:KEY] of the command (cmd->column holds them separated by newlines), one line
 * each, like ovs-vsctl get; nothing is printed if one fails. */
static int get(FILE *f, const json_t *snap, const struct cli_cmd *cmd, char **errp)
{
	const char *table = NULL;
	const json_t *row;
	char *buf = NULL, *cols = NULL, *save = NULL;
	size_t len = 0;
	int ret = find_row(snap, cmd, &table, &row, errp);
	FILE *mem;

	if (ret < 0) {
		return ret;
	}
	if (!(cols = strdup(cmd->column)) || !(mem = open_memstream(&buf, &len))) {
		free(cols);
		return cli_fail(errp, ENOMEM, "out of memory");
	}
	for (char *c = strtok_r(cols, "\n", &save); c && !ret; c = strtok_r(NULL, "\n", &save)) {
		ret = get_one(mem, snap, cmd, table, row, c, errp);
	}
	fclose(mem);
	if (!ret) {
		fwrite(buf, 1, len, f);
	}
	free(buf);
	free(cols);
	return ret;
}

int cli_db_show_cmd(FILE *f, const json_t *snap, const struct cli_cmd *cmd, char **errp)
{
	const json_t *ovs = cli_db_snap_find(snap, "Open_vSwitch", ".");
	const json_t *br;

	switch (cmd->verb) {
	case CLI_CMD_SHOW:
		show(f, snap);
		return 0;
	case CLI_CMD_GET:
		return get(f, snap, cmd, errp);
	case CLI_CMD_LIST:
		return list(f, snap, cmd, errp);
	case CLI_CMD_LIST_BR:
		list_names(f, snap, "Bridge", json_object_get(ovs, "bridges"), NULL);
		return 0;
	case CLI_CMD_LIST_PORTS:
		br = cli_db_snap_find(snap, "Bridge", cmd->bridge);
		if (!br) {
			return cli_fail(errp, ENOENT, "no bridge named %s", cmd->bridge);
		}
		list_names(f, snap, "Port", json_object_get(br, "ports"), cmd->bridge);
		return 0;
	default:
		return 0;
	}
}
