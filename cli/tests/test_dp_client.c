/* Unit tests of cli/dp-client.c against a scripted server in a child process. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dp-client.h"

/* What the child server does with each request line. */
enum behaviour {
	ANSWER_OK,    /* {"id", "result": {"echo": <method>}, "error": null}, in 2 writes */
	ANSWER_ERROR, /* {"id", "result": null, "error": {"errno", "message"}} */
	ANSWER_WRONG_ID,
	ANSWER_GARBAGE, /* not JSON */
	ANSWER_NOTHING, /* read and keep silent */
	ANSWER_CLOSE,   /* close without answering */
};

struct fixture {
	char dir[64];
	char *path;
	pid_t child;
};

static void serve(int lfd, enum behaviour how)
{
	char buf[4096];
	size_t n = 0;
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0) {
		_exit(1);
	}
	for (;;) {
		ssize_t r = read(fd, buf + n, sizeof(buf) - n - 1);
		char *nl;

		if (r <= 0) {
			_exit(0);
		}
		n += (size_t)r;
		buf[n] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			json_t *req, *rep;
			char *text;

			*nl = '\0';
			req = json_loads(buf, 0, NULL);
			memmove(buf, nl + 1, n - (size_t)(nl + 1 - buf) + 1);
			n = strlen(buf);
			if (!req) {
				_exit(2);
			}
			json_int_t id = json_integer_value(json_object_get(req, "id"));
			switch (how) {
			case ANSWER_OK:
				rep = json_pack("{s:I, s:{s:O, s:O}, s:n}", "id", id, "result",
				                "echo", json_object_get(req, "method"), "params",
				                json_object_get(req, "params"), "error");
				break;
			case ANSWER_ERROR:
				rep = json_pack("{s:I, s:n, s:{s:s, s:s}}", "id", id, "result",
				                "error", "errno", "ENOENT", "message",
				                "no bridge 'br9'");
				break;
			case ANSWER_WRONG_ID:
				rep = json_pack("{s:I, s:{}, s:n}", "id", id + 100, "result",
				                "error");
				break;
			case ANSWER_GARBAGE:
				if (write(fd, "hello\n", 6) != 6) {
					_exit(3);
				}
				json_decref(req);
				continue;
			case ANSWER_CLOSE:
				json_decref(req);
				_exit(0);
			default:
				json_decref(req);
				pause();
				_exit(0);
			}
			text = json_dumps(rep, JSON_COMPACT);
			size_t len = strlen(text), half = len / 2;
			/* Two writes: the client must reassemble the line. */
			if (write(fd, text, half) != (ssize_t)half) {
				_exit(3);
			}
			usleep(20000);
			if (write(fd, text + half, len - half) != (ssize_t)(len - half) ||
			    write(fd, "\n", 1) != 1) {
				_exit(3);
			}
			free(text);
			json_decref(rep);
			json_decref(req);
		}
	}
}

static void start_server(struct fixture *fx, enum behaviour how)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int lfd;

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/weftctl-test-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	fx->path = cli_dpc_socket_path(fx->dir);
	assert_non_null(fx->path);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", fx->path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	fx->child = fork();
	assert_true(fx->child >= 0);
	if (fx->child == 0) {
		serve(lfd, how);
		_exit(0);
	}
	close(lfd);
}

static void stop_server(struct fixture *fx)
{
	kill(fx->child, SIGKILL);
	waitpid(fx->child, NULL, 0);
	unlink(fx->path);
	rmdir(fx->dir);
	free(fx->path);
}

static void test_ok_several_requests(void **state)
{
	struct fixture fx = {0};
	struct cli_dpc *dpc;
	json_t *params = json_pack("{s:s}", "bridge", "br0");
	json_t *result, *error;
	char *err = NULL;

	(void)state;
	start_server(&fx, ANSWER_OK);
	assert_int_equal(cli_dpc_connect(fx.path, 5, &dpc, &err), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(cli_dpc_call(dpc, "fdb-show", params, &result, &error, &err), 0);
		assert_null(error);
		assert_non_null(result);
		assert_string_equal(json_string_value(json_object_get(result, "echo")), "fdb-show");
		assert_true(json_equal(json_object_get(result, "params"), params));
		json_decref(result);
	}
	cli_dpc_close(dpc);
	json_decref(params);
	stop_server(&fx);
}

static void test_server_error(void **state)
{
	struct fixture fx = {0};
	struct cli_dpc *dpc;
	json_t *params = json_object();
	json_t *result, *error;
	char *err = NULL;

	(void)state;
	start_server(&fx, ANSWER_ERROR);
	assert_int_equal(cli_dpc_connect(fx.path, 5, &dpc, &err), 0);
	assert_int_equal(cli_dpc_call(dpc, "bridge-del", params, &result, &error, &err), 0);
	assert_null(result);
	assert_non_null(error);
	assert_string_equal(json_string_value(json_object_get(error, "message")),
	                    "no bridge 'br9'");
	json_decref(error);
	cli_dpc_close(dpc);
	json_decref(params);
	stop_server(&fx);
}

/* Runs one call against a server behaving as 'how'; checks the error and message. */
static void check_failure(enum behaviour how, int timeout_s, int expected_ret,
                          const char *expected_fmt)
{
	struct fixture fx = {0};
	struct cli_dpc *dpc;
	json_t *params = json_object();
	json_t *result, *error;
	char *err = NULL, *expected;

	start_server(&fx, how);
	assert_int_equal(cli_dpc_connect(fx.path, timeout_s, &dpc, &err), 0);
	assert_int_equal(cli_dpc_call(dpc, "show", params, &result, &error, &err), expected_ret);
	assert_null(result);
	assert_null(error);
	assert_true(asprintf(&expected, expected_fmt, fx.path) > 0);
	assert_string_equal(err, expected);
	free(expected);
	free(err);
	cli_dpc_close(dpc);
	json_decref(params);
	stop_server(&fx);
}

static void test_failures(void **state)
{
	(void)state;
	check_failure(ANSWER_WRONG_ID, 5, -EPROTO, "show: reply from %s does not carry id 1");
	check_failure(ANSWER_GARBAGE, 5, -EPROTO,
	              "show: invalid JSON from %s: '[' or '{' expected near 'hello'");
	check_failure(ANSWER_CLOSE, 5, -EPIPE, "show: %s closed the connection before replying");
	check_failure(ANSWER_NOTHING, 1, -ETIMEDOUT, "show: no reply from %s within 1 s");
}

static void test_connect_errors(void **state)
{
	struct cli_dpc *dpc = NULL;
	char *err = NULL;
	char longpath[200];

	(void)state;
	assert_int_equal(cli_dpc_connect("/nonexistent-weft/dataplane.sock", 1, &dpc, &err),
	                 -ENOENT);
	assert_string_equal(err, "cannot connect to /nonexistent-weft/dataplane.sock: No such "
	                         "file or directory");
	free(err);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(cli_dpc_connect(longpath, 1, &dpc, &err), -ENAMETOOLONG);
	assert_non_null(strstr(err, "path too long (max 107)"));
	free(err);
	assert_null(dpc);
	err = cli_dpc_socket_path("/run/weft");
	assert_string_equal(err, "/run/weft/dataplane.sock");
	free(err);
}

/* A server that never accepts: once its backlog is full, connecting times out. */
static void test_connect_timeout(void **state)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct cli_dpc *dpcs[8] = {0};
	char dir[] = "/tmp/weftctl-test-XXXXXX";
	char *path, *err = NULL;
	int lfd, ret = 0, i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = cli_dpc_socket_path(dir);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 0), 0);
	for (i = 0; i < 8 && ret == 0; i++) {
		ret = cli_dpc_connect(path, 1, &dpcs[i], &err);
	}
	assert_int_equal(ret, -ETIMEDOUT);
	assert_non_null(strstr(err, "no answer within 1 s"));
	free(err);
	for (int j = 0; j < 8; j++) {
		cli_dpc_close(dpcs[j]);
	}
	close(lfd);
	unlink(path);
	rmdir(dir);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ok_several_requests),
	    cmocka_unit_test(test_server_error),
	    cmocka_unit_test(test_failures),
	    cmocka_unit_test(test_connect_errors),
	    cmocka_unit_test(test_connect_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
