/* Compatibility test of the ovsdb-lite core against the reference: runs every transaction of
 * tests/test_compat.jsonl (argv[1]) through odb_transact() and through a private ovsdb-server
 * (Open vSwitch, installed by scripts/deps.sh) holding the same schema, and requires identical
 * replies. UUIDs are renamed in order of appearance, "rows" arrays are compared as sets, and
 * for index violations only the error name is compared (ovsdb-server names the two rows in
 * hash order). */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "test_helpers.h"
#include "util.h"

/* One comparison: a schema (NULL: TEST_SCHEMA) and a file of transactions, one per line. In
 * them, "@@<table>:<name>@@" stands for ["uuid", <_uuid of the <table> row named <name>>],
 * looked up separately on each side. */
struct compat_params {
	const char *schema_path;
	const char *db_name;
	const char *cases_path;
};

struct ref_server {
	const struct compat_params *params;
	struct tenv *env; /* temp dir, schema file and the ovsdb-lite database */
	pid_t pid;
	int fd;
	char *buf;
	size_t n_buf;
	int next_id;
};

static int run_cmd(char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t n = 0;

	if (!f)
		return NULL;
	if (getdelim(&text, &n, '\0', f) < 0) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

static int setup(void **state)
{
	struct ref_server *rs = calloc(1, sizeof *rs);
	char db[160], sock[160], ctl[160], log[160], remote[180], logopt[180], ctlopt[180];
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char *schema = NULL;

	rs->params = *state;
	if (!rs->params->cases_path || !rs->params->db_name) {
		fprintf(stderr, "usage: test_compat TEST-CASES VSWITCH-SCHEMA VSWITCH-CASES\n");
		*state = rs;
		return -1;
	}
	if (rs->params->schema_path && !(schema = read_text(rs->params->schema_path))) {
		fprintf(stderr, "cannot read %s\n", rs->params->schema_path);
		*state = rs;
		return -1;
	}
	rs->env = tenv_new(schema);
	free(schema);
	rs->fd = -1;
	snprintf(db, sizeof db, "%s/real.db", rs->env->dir);
	snprintf(sock, sizeof sock, "%s/real.sock", rs->env->dir);
	snprintf(ctl, sizeof ctl, "%s/real.ctl", rs->env->dir);
	snprintf(log, sizeof log, "%s/real.log", rs->env->dir);
	char *create[] = {"ovsdb-tool", "create", db, rs->env->schema, NULL};
	if (run_cmd(create)) {
		fprintf(stderr, "ovsdb-tool create failed: is openvswitch-common installed "
		                "(scripts/deps.sh)?\n");
		*state = rs;
		return -1;
	}
	snprintf(remote, sizeof remote, "--remote=punix:%s", sock);
	snprintf(logopt, sizeof logopt, "--log-file=%s", log);
	snprintf(ctlopt, sizeof ctlopt, "--unixctl=%s", ctl);
	rs->pid = fork();
	if (rs->pid == 0) {
		execlp("ovsdb-server", "ovsdb-server", db, remote, logopt, ctlopt, "--no-chdir",
		       (char *)NULL);
		_exit(127);
	}
	*state = rs;
	if (rs->pid < 0)
		return -1;
	if (strlen(sock) >= sizeof sun.sun_path)
		return -1;
	memcpy(sun.sun_path, sock, strlen(sock) + 1);
	for (int i = 0; i < 200; i++) { /* up to 10 s */
		rs->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (rs->fd >= 0 && !connect(rs->fd, (struct sockaddr *)&sun, sizeof sun))
			return 0;
		close(rs->fd);
		rs->fd = -1;
		usleep(50000);
	}
	fprintf(stderr, "cannot connect to ovsdb-server at %s\n", sock);
	return -1;
}

static int teardown(void **state)
{
	struct ref_server *rs = *state;

	if (!rs)
		return 0;
	if (rs->fd >= 0)
		close(rs->fd);
	if (rs->pid > 0) {
		kill(rs->pid, SIGTERM);
		waitpid(rs->pid, NULL, 0);
	}
	free(rs->buf);
	if (rs->env)
		tenv_free(rs->env);
	free(rs);
	return 0;
}

/* Sends "transact" with 'ops' to ovsdb-server and returns the "result" (new ref). */
static json_t *ref_transact(struct ref_server *rs, const json_t *ops)
{
	json_t *params = json_array(), *req, *reply = NULL, *result;
	char *text;
	int id = ++rs->next_id;

	json_array_append_new(params, json_string(rs->params->db_name));
	json_array_extend(params, (json_t *)ops);
	req = json_pack("{s:i,s:s,s:o}", "id", id, "method", "transact", "params", params);
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	assert_int_equal(write(rs->fd, text, strlen(text)), (ssize_t)strlen(text));
	free(text);
	for (;;) {
		json_error_t jerr;
		if (rs->n_buf) {
			reply = json_loadb(rs->buf, rs->n_buf, JSON_DISABLE_EOF_CHECK, &jerr);
			if (reply) {
				size_t used = (size_t)jerr.position;
				memmove(rs->buf, rs->buf + used, rs->n_buf - used);
				rs->n_buf -= used;
				if (json_integer_value(json_object_get(reply, "id")) == id)
					break;
				json_decref(reply); /* echo requests and the like */
				reply = NULL;
				continue;
			}
		}
		rs->buf = realloc(rs->buf, rs->n_buf + 65536);
		ssize_t n = read(rs->fd, rs->buf + rs->n_buf, 65536);
		assert_true(n > 0);
		rs->n_buf += (size_t)n;
	}
	result = json_incref(json_object_get(reply, "result"));
	json_decref(reply);
	return result;
}

static int cmp_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replaces each UUID by "U<n>", numbered in order of first appearance. Returns new string. */
static char *rename_uuids(const char *in)
{
	char seen[64][ODB_UUID_LEN + 1];
	size_t n_seen = 0, o = 0, len = strlen(in);
	char *out = malloc(len + 1);

	for (size_t i = 0; i < len;) {
		struct odb_uuid u;
		char cand[ODB_UUID_LEN + 1];
		if (len - i >= ODB_UUID_LEN) {
			memcpy(cand, in + i, ODB_UUID_LEN);
			cand[ODB_UUID_LEN] = '\0';
			if (odb_uuid_from_string(&u, cand)) {
				size_t k;
				for (k = 0; k < n_seen && strcmp(seen[k], cand); k++)
					;
				if (k == n_seen && n_seen < 64)
					strcpy(seen[n_seen++], cand);
				o += (size_t)sprintf(out + o, "U%zu", k);
				i += ODB_UUID_LEN;
				continue;
			}
		}
		out[o++] = in[i++];
	}
	out[o] = '\0';
	return out;
}

/* Canonical text of a result array: "rows" sorted (by text with UUIDs masked), index errors
 * reduced to their error name, then UUIDs renamed. Caller frees. */
static char *canonical(const json_t *result)
{
	json_t *copy = json_deep_copy(result), *e;
	size_t i;
	char *text, *out;

	json_array_foreach(copy, i, e)
	{
		const char *d = json_string_value(json_object_get(e, "details"));
		json_t *rows = json_object_get(e, "rows");
		if (d && strstr(d, "for index on column"))
			json_object_del(e, "details");
		if (json_array_size(rows) > 1) {
			size_t n = json_array_size(rows);
			char **keys = calloc(n, sizeof *keys);
			json_t *sorted = json_array();
			for (size_t k = 0; k < n; k++) {
				char *t = dump(json_array_get(rows, k));
				char *m =
				    rename_uuids(t); /* mask only: numbering is per row here */
				keys[k] = malloc(strlen(m) + strlen(t) + 2);
				sprintf(keys[k], "%s\n%s", m, t);
				free(m);
				free(t);
			}
			qsort(keys, n, sizeof *keys, cmp_text);
			for (size_t k = 0; k < n; k++) {
				json_array_append_new(
				    sorted, json_loads(strchr(keys[k], '\n') + 1, 0, NULL));
				free(keys[k]);
			}
			free(keys);
			json_object_set_new(e, "rows", sorted);
		}
	}
	text = dump(copy);
	json_decref(copy);
	out = rename_uuids(text);
	free(text);
	return out;
}

/* Replaces the "@@<table>:<name>@@" placeholders of 'line' using 'lookup'. New string. */
static char *substitute(struct ref_server *rs, const char *line, bool real)
{
	char *out = strdup(line), *p;

	while ((p = strstr(out, "\"@@"))) {
		char table[64], name[64], *end = strstr(p + 3, "@@\"");
		assert_non_null(end);
		assert_int_equal(sscanf(p + 3, "%63[A-Za-z_]:%63[A-Za-z0-9_-]", table, name), 2);
		char *q = odb_xasprintf(
		    "[{\"op\":\"select\",\"table\":\"%s\",\"where\":[[\"name\",\"==\","
		    "\"%s\"]],\"columns\":[\"_uuid\"]}]",
		    table, name);
		json_t *ops = json_loads(q, 0, NULL);
		json_t *r = real ? ref_transact(rs, ops) : run(rs->env->db, q);
		json_t *u = json_object_get(
		    json_array_get(json_object_get(json_array_get(r, 0), "rows"), 0), "_uuid");
		assert_non_null(u);
		char *ut = dump(u);
		*p = '\0';
		char *n = odb_xasprintf("%s%s%s", out, ut, end + 3);
		free(ut);
		free(out);
		out = n;
		json_decref(r);
		json_decref(ops);
		free(q);
	}
	return out;
}

static void test_compat(void **state)
{
	struct ref_server *rs = *state;
	FILE *f = fopen(rs->params->cases_path, "r");
	char *line = NULL;
	size_t cap = 0;
	int n_cases = 0, n_diff = 0;

	if (!f) {
		fprintf(stderr, "cases file unreadable: %s\n", rs->params->cases_path);
		fail();
	}
	while (getline(&line, &cap, f) > 0) {
		if (line[0] != '[')
			continue;
		char *real_text = substitute(rs, line, true);
		char *lite_text = substitute(rs, line, false);
		json_t *ops = json_loads(real_text, 0, NULL);
		assert_non_null(ops);
		json_t *real = ref_transact(rs, ops);
		json_t *lite = run(rs->env->db, lite_text);
		free(real_text);
		free(lite_text);
		char *a = canonical(real), *b = canonical(lite);
		n_cases++;
		if (strcmp(a, b)) {
			n_diff++;
			fprintf(stderr, "ops:  %s real: %s\nlite: %s\n\n", line, a, b);
		}
		free(a);
		free(b);
		json_decref(real);
		json_decref(lite);
		json_decref(ops);
	}
	free(line);
	fclose(f);
	fprintf(stderr, "%s: %d transactions, %d differences\n", rs->params->cases_path, n_cases,
	        n_diff);
	assert_true(n_cases >= 20);
	assert_int_equal(n_diff, 0);
}

int main(int argc, char **argv)
{
	struct compat_params test = {NULL, "Test", argc > 1 ? argv[1] : NULL};
	struct compat_params vswitch = {argc > 2 ? argv[2] : NULL, "Open_vSwitch",
	                                argc > 3 ? argv[3] : NULL};
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_prestate_setup_teardown(test_compat, setup, teardown, &test),
	    cmocka_unit_test_prestate_setup_teardown(test_compat, setup, teardown, &vswitch),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
