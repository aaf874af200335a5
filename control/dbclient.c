/* RFC 7047 client helpers (see dbclient.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbclient.h"

struct ctd_db {
	struct ctd_rpc *rpc;
	ctd_rpc_notify_fn *notify;
	void *arg;
};

static void db_notify(void *arg, const char *method, const json_t *params, const json_t *id)
{
	struct ctd_db *db = arg;
	if (id && !strcmp(method, "echo")) {
		/* RFC 7047 4.1.11: echo replies with its params. */
		ctd_rpc_reply(db->rpc, id, json_deep_copy(params ? params : json_array()));
		return;
	}
	if (db->notify)
		db->notify(db->arg, method, params, id);
}

/* "unix:PATH" (ip[0] = 0) or "tcp:IP:PORT" (ip, *port); false if neither. */
static bool parse_target(const char *target, char ip[16], int *port)
{
	struct in_addr a;
	int n = 0;
	ip[0] = '\0';
	if (!strncmp(target, "unix:", 5))
		return target[5] != '\0';
	return !strncmp(target, "tcp:", 4) &&
	       sscanf(target + 4, "%15[0-9.]:%d%n", ip, port, &n) == 2 && !target[4 + n] &&
	       *port >= 1 && *port <= 65535 && inet_pton(AF_INET, ip, &a) == 1;
}

bool ctd_db_target_ok(const char *target)
{
	char ip[16];
	int port;
	return parse_target(target, ip, &port);
}

int ctd_db_open(const char *target, ctd_rpc_notify_fn *notify, void *arg, struct ctd_db **dbp)
{
	char ip[16];
	int port = 0;
	bool tcp = !strncmp(target, "tcp:", 4);
	if (!parse_target(target, ip, &port))
		return -EINVAL;
	struct ctd_db *db = calloc(1, sizeof(*db));
	if (!db)
		return -ENOMEM;
	int ret = tcp ? ctd_rpc_open_tcp(ip, port, false, &db->rpc)
	              : ctd_rpc_open_unix(target + 5, false, &db->rpc);
	if (ret < 0) {
		free(db);
		return ret;
	}
	db->notify = notify;
	db->arg = arg;
	ctd_rpc_set_notify(db->rpc, db_notify, db);
	*dbp = db;
	return 0;
}

void ctd_db_close(struct ctd_db *db)
{
	if (!db)
		return;
	ctd_rpc_close(db->rpc);
	free(db);
}

struct ctd_rpc *ctd_db_rpc(struct ctd_db *db)
{
	return db->rpc;
}

static char *dup_error(const json_t *e)
{
	const char *err = json_string_value(json_object_get(e, "error"));
	const char *det = json_string_value(json_object_get(e, "details"));
	char *s = NULL;
	if (!err) {
		char *dump = json_dumps(e, JSON_COMPACT | JSON_ENCODE_ANY);
		if (asprintf(&s, "%s", dump ? dump : "unknown error") < 0)
			s = NULL;
		free(dump);
		return s;
	}
	if (asprintf(&s, "%s%s%s", err, det ? ": " : "", det ? det : "") < 0)
		s = NULL;
	return s;
}

int ctd_db_check_results(const json_t *results, char **errp)
{
	size_t i;
	const json_t *r;
	if (!json_is_array(results)) {
		if (errp)
			*errp = strdup("transact result is not an array");
		return -EPROTO;
	}
	json_array_foreach(results, i, r)
	{
		if (json_is_object(r) && json_object_get(r, "error")) {
			if (errp)
				*errp = dup_error(r);
			return -EIO;
		}
	}
	return 0;
}

int ctd_db_transact_sync(struct ctd_db *db, const char *dbname, json_t *ops, int timeout_ms,
                         json_t **results, char **errp)
{
	json_t *params = json_array(), *res = NULL, *err = NULL;
	size_t i;
	json_t *op;
	int ret;

	if (results)
		*results = NULL;
	json_array_append_new(params, json_string(dbname));
	json_array_foreach(ops, i, op) json_array_append(params, op);
	json_decref(ops);
	ret = ctd_rpc_call_sync(db->rpc, "transact", params, timeout_ms, &res, &err);
	if (ret < 0) {
		if (errp && asprintf(errp, "transact: %s", strerror(-ret)) < 0)
			*errp = NULL;
		return ret;
	}
	if (err) {
		if (errp)
			*errp = dup_error(err);
		json_decref(err);
		return -EPROTO;
	}
	ret = ctd_db_check_results(res, errp);
	if (results && ret == 0)
		*results = res;
	else
		json_decref(res);
	return ret;
}

static int is_tagged(const json_t *v, const char *tag)
{
	return json_is_array(v) && json_array_size(v) == 2 &&
	       json_is_string(json_array_get(v, 0)) &&
	       !strcmp(json_string_value(json_array_get(v, 0)), tag);
}

size_t ctd_datum_n(const json_t *datum)
{
	if (!datum)
		return 0;
	if (is_tagged(datum, "set") || is_tagged(datum, "map"))
		return json_array_size(json_array_get(datum, 1));
	return 1;
}

const json_t *ctd_datum_at(const json_t *datum, size_t i)
{
	if (is_tagged(datum, "set"))
		return json_array_get(json_array_get(datum, 1), i);
	return i == 0 ? datum : NULL;
}

const char *ctd_datum_uuid_str(const json_t *atom)
{
	if (is_tagged(atom, "uuid") || is_tagged(atom, "named-uuid"))
		return json_string_value(json_array_get(atom, 1));
	return NULL;
}

json_t *ctd_datum_map_object(const json_t *datum)
{
	json_t *o = json_object();
	size_t i;
	json_t *pair;
	if (!o || !is_tagged(datum, "map"))
		return o;
	json_array_foreach(json_array_get(datum, 1), i, pair)
	{
		json_t *k = json_array_get(pair, 0), *v = json_array_get(pair, 1);
		if (json_is_string(k) && v)
			json_object_set(o, json_string_value(k), v);
	}
	return o;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *ctd_datum_map_from_object(const json_t *obj)
{
	size_t n = json_object_size(obj), i = 0;
	const char **keys = malloc((n ? n : 1) * sizeof(*keys));
	json_t *pairs = json_array();
	const char *k;
	json_t *v;
	if (!keys || !pairs) {
		free(keys);
		json_decref(pairs);
		return NULL;
	}
	json_object_foreach((json_t *)obj, k, v) keys[i++] = k;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++)
		json_array_append_new(pairs,
		                      json_pack("[s,O]", keys[i], json_object_get(obj, keys[i])));
	free(keys);
	return json_pack("[s,o]", "map", pairs);
}

json_t *ctd_datum_set(json_t *atoms)
{
	return json_pack("[s,o]", "set", atoms);
}

json_t *ctd_datum_uuid(const char *uuid)
{
	return json_pack("[s,s]", "uuid", uuid);
}

json_t *ctd_op_update_uuid(const char *table, const char *uuid, json_t *row)
{
	return json_pack("{s:s,s:s,s:[[s,s,o]],s:o}", "op", "update", "table", table, "where",
	                 "_uuid", "==", ctd_datum_uuid(uuid), "row", row);
}
