/* weftctl database backend runner (see db-run.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dbclient.h"

#include "db-run.h"
#include "db-show.h"
#include "db-txn.h"

#define PROG    "weftctl"
#define DB_NAME "Open_vSwitch"
#define POLL_MS 20

static const char *const snap_tables[] = {"Open_vSwitch", "Bridge", "Port", "Interface", "Flow"};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int timeout_ms(const struct cli_opts *opts)
{
	return opts->timeout_s > 0 ? opts->timeout_s * 1000 : -1;
}

static void report(const char *what, char *msg)
{
	fprintf(stderr, "%s: %s%s%s\n", PROG, what, msg ? ": " : "", msg ? msg : "");
	free(msg);
}

/* Reads the four tables (and the schema when 'schema') into a new snapshot object. */
static int snapshot(struct ctd_db *db, const struct cli_opts *opts, bool schema, json_t **snapp)
{
	json_t *ops = json_array(), *results = NULL, *snap = json_object();
	char *err = NULL;
	int ret;

	for (size_t i = 0; i < sizeof(snap_tables) / sizeof(snap_tables[0]); i++) {
		json_array_append_new(ops, json_pack("{s:s,s:s,s:[]}", "op", "select", "table",
		                                     snap_tables[i], "where"));
	}
	ret = ctd_db_transact_sync(db, DB_NAME, ops, timeout_ms(opts), &results, &err);
	if (ret < 0) {
		report("cannot read the database", err ? err : strdup(strerror(-ret)));
		json_decref(snap);
		return -EIO;
	}
	for (size_t i = 0; i < sizeof(snap_tables) / sizeof(snap_tables[0]); i++) {
		json_object_set(snap, snap_tables[i],
		                json_object_get(json_array_get(results, i), "rows"));
	}
	json_decref(results);
	if (schema) {
		json_t *result = NULL, *error = NULL;

		ret = ctd_rpc_call_sync(ctd_db_rpc(db), "get_schema", json_pack("[s]", DB_NAME),
		                        timeout_ms(opts), &result, &error);
		if (ret == 0 && result) {
			json_object_set_new(snap, "_schema", result);
		} else {
			json_decref(error);
		}
	}
	*snapp = snap;
	return 0;
}

static int read_cur_cfg(struct ctd_db *db, const struct cli_opts *opts, long long *cur)
{
	json_t *ops = json_pack("[{s:s,s:s,s:[],s:[s]}]", "op", "select", "table", DB_NAME, "where",
	                        "columns", "cur_cfg");
	json_t *results = NULL;
	char *err = NULL;
	int ret = ctd_db_transact_sync(db, DB_NAME, ops, timeout_ms(opts), &results, &err);

	if (ret == 0) {
		*cur = json_integer_value(json_object_get(
		    json_array_get(json_object_get(json_array_get(results, 0), "rows"), 0),
		    "cur_cfg"));
	}
	free(err);
	json_decref(results);
	return ret;
}

/* Polls cur_cfg until it reaches 'want'. */
static int wait_cfg(struct ctd_db *db, const struct cli_opts *opts, long long want)
{
	long long deadline = opts->timeout_s > 0 ? now_ms() + opts->timeout_s * 1000LL : -1;
	long long cur = 0;

	for (;;) {
		int ret = read_cur_cfg(db, opts, &cur);

		if (ret < 0) {
			report("lost the database while waiting for the change to be applied",
			       strdup(strerror(-ret)));
			return -EIO;
		}
		if (cur >= want) {
			return 0;
		}
		if (deadline >= 0 && now_ms() >= deadline) {
			fprintf(
			    stderr,
			    "%s: timed out after %d s waiting for the change to be applied "
			    "(next_cfg %lld, cur_cfg %lld); is weft-controld running? (--no-wait "
			    "does not wait)\n",
			    PROG, opts->timeout_s, want, cur);
			return -EIO;
		}
		poll(NULL, 0, POLL_MS);
	}
}

static bool has_verb(const struct cli_cmd_list *list, bool reads)
{
	for (size_t i = 0; i < list->n_cmds; i++) {
		enum cli_cmd_verb v = list->cmds[i].verb;
		bool r = v == CLI_CMD_SHOW || v == CLI_CMD_GET || v == CLI_CMD_LIST_BR ||
		         v == CLI_CMD_LIST_PORTS || v == CLI_CMD_LIST;

		if (r == reads) {
			return true;
		}
	}
	return false;
}

/* Runs the transaction; *next_cfg = the new next_cfg (or -1 when not bumped). -EAGAIN
 * (nothing printed) when a "wait" guard failed and 'may_retry': the snapshot is stale. */
static int commit(struct ctd_db *db, const struct cli_opts *opts, json_t *ops, long long *next_cfg,
                  bool may_retry)
{
	size_t n = json_array_size(ops);
	json_t *results = NULL;
	char *err = NULL;
	int ret;

	*next_cfg = -1;
	if (!opts->no_wait && n > 0) {
		json_t *last = json_array_get(ops, n - 1);

		if (!strcmp(json_string_value(json_object_get(last, "op")), "select")) {
			*next_cfg = 0;
		}
	}
	ret = ctd_db_transact_sync(db, DB_NAME, ops, timeout_ms(opts), &results, &err);
	if (ret < 0 && may_retry && err && !strncmp(err, "timed out", 9)) {
		free(err);
		return -EAGAIN;
	}
	if (ret < 0) {
		report("transaction failed", err ? err : strdup(strerror(-ret)));
		return -EIO;
	}
	if (*next_cfg == 0) {
		*next_cfg = json_integer_value(json_object_get(
		    json_array_get(json_object_get(json_array_get(results, n - 1), "rows"), 0),
		    "next_cfg"));
	}
	json_decref(results);
	return 0;
}

int cli_db_run(const char *target, const struct cli_opts *opts, const struct cli_cmd_list *list)
{
	bool need_schema = false, committed = false;
	struct ctd_db *db = NULL;
	json_t *snap = NULL, *ops = NULL;
	long long next_cfg = -1;
	char *err = NULL;
	int ret;

	for (size_t i = 0; i < list->n_cmds; i++) {
		need_schema |=
		    list->cmds[i].verb == CLI_CMD_GET || list->cmds[i].verb == CLI_CMD_LIST;
	}
	ret = ctd_db_open(target, NULL, NULL, &db);
	if (ret < 0) {
		fprintf(stderr,
		        "%s: cannot connect to the database %s (%s); start it (scripts/weft.sh "
		        "start) or use --direct\n",
		        PROG, target, strerror(-ret));
		return -EIO;
	}
	/* A failed "wait" guard (db-flows.h: weft-controld initialized a bridge's flows after
	 * the snapshot) means a stale snapshot: take another one, a few times. */
	for (int attempt = 0;; attempt++) {
		json_decref(snap);
		snap = NULL;
		ret = snapshot(db, opts, need_schema, &snap);
		if (ret < 0) {
			goto out;
		}
		ret = cli_db_txn_build(snap, list, !opts->no_wait, &ops, &err);
		if (ret < 0) {
			fprintf(stderr, "%s: %s\n", PROG, err ? err : "invalid command");
			free(err);
			ret = -EIO;
			goto out;
		}
		if (json_array_size(ops) == 0) {
			break;
		}
		ret = commit(db, opts, ops, &next_cfg, attempt < 3);
		ops = NULL;
		committed = ret == 0;
		if (ret != -EAGAIN) {
			break;
		}
	}
	if (ret < 0) {
		goto out;
	}
	if (committed) {
		if (next_cfg > 0) {
			ret = wait_cfg(db, opts, next_cfg);
		}
		if (ret == 0 && has_verb(list, true)) {
			json_decref(snap);
			snap = NULL;
			ret = snapshot(db, opts, need_schema, &snap);
		}
		if (ret < 0) {
			goto out;
		}
	}
	for (size_t i = 0; i < list->n_cmds && ret == 0; i++) {
		ret = cli_db_show_cmd(stdout, snap, &list->cmds[i], &err);
		if (ret < 0) {
			fprintf(stderr, "%s: %s\n", PROG, err ? err : "error");
			free(err);
			err = NULL;
			ret = -EIO;
		}
	}
	if (ret == 0 && fflush(stdout) != 0) {
		ret = -EIO;
	}
out:
	json_decref(ops);
	json_decref(snap);
	ctd_db_close(db);
	return ret < 0 ? -EIO : 0;
}
