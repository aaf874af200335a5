/* ovsdb-lite event loop, listeners and client lifecycle. See server.h. */
#include "server.h"
#include "sock.h" /* util/sock.h */
#include "util.h"
#include "util_num.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define SERVER_READ_BUDGET   (256 * 1024) /* bytes read per client per iteration */
#define SERVER_MSG_BUDGET    64           /* messages handled per client per iteration */
#define SERVER_ACCEPT_BUDGET 64
#define SERVER_SOFT_BACKLOG  (1024 * 1024) /* stop reading a client above this backlog */
#define SERVER_DEFAULT_PROBE 5000

long long odb_server_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void odb_server_log(struct odb_server *srv, const char *fmt, ...)
{
	char stamp[32];
	struct tm tm;
	time_t t = time(NULL);
	va_list ap;

	if (!srv->log)
		return;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(srv->log, "%s|ovsdb-lite|", stamp);
	va_start(ap, fmt);
	vfprintf(srv->log, fmt, ap);
	va_end(ap);
	fputc('\n', srv->log);
	fflush(srv->log);
}

/* Stores 'msg' in *errp, or frees it if 'errp' is NULL. */
static void set_err(char **errp, char *msg)
{
	if (errp)
		*errp = msg;
	else
		free(msg);
}

static int open_punix(struct odb_listener *l, const char *path, const struct odb_server_config *cfg,
                      char **errp)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct stat st;
	bool bound = false;
	int fd, err;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		set_err(errp, odb_xasprintf("punix:%s: path too long (max %zu bytes)", path,
		                            sizeof(sun.sun_path) - 1));
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	/* A stale socket from a killed server would make bind() fail: remove it, but never
	 * anything that is not a socket. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* Mode 0660 (and the group) before listen(): nobody can connect before. */
	err = fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ? -errno : 0;
	bound = !err;
	if (!err)
		err = util_sock_restrict(path, cfg->set_sock_group ? cfg->sock_gid : (gid_t)-1);
	if (!err && listen(fd, 128) < 0)
		err = -errno;
	if (err) {
		set_err(errp, odb_xasprintf("punix:%s: %s", path, strerror(-err)));
		if (fd >= 0)
			close(fd);
		if (bound)
			unlink(path); /* created by this bind(): do not leave it behind */
		return err;
	}
	l->fd = fd;
	l->is_unix = true;
	l->path = strdup(path);
	return 0;
}

static int open_ptcp(struct odb_listener *l, const char *spec, char **errp)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	const char *colon = strchr(spec, ':');
	char num[8] = "";
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	long long port = -1;
	int fd, one = 1;

	if (n < sizeof(num))
		memcpy(num, spec, n);
	if (n >= sizeof(num) || util_parse_int(num, 0, 65535, &port) < 0) {
		set_err(errp, odb_xasprintf("ptcp:%s: bad port (expected ptcp:PORT[:IP])", spec));
		return -EINVAL;
	}
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (colon && inet_pton(AF_INET, colon + 1, &sin.sin_addr) != 1) {
		set_err(errp, odb_xasprintf("ptcp:%s: bad IPv4 address '%s'", spec, colon + 1));
		return -EINVAL;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 128) < 0) {
		int err = -errno;

		set_err(errp, odb_xasprintf("ptcp:%s: %s", spec, strerror(errno)));
		if (fd >= 0)
			close(fd);
		return err;
	}
	l->fd = fd;
	return 0;
}

struct odb *odb_server_find_db(const struct odb_server *srv, const char *name)
{
	for (size_t i = 0; i < srv->n_dbs; i++)
		if (!strcmp(odb_name(srv->dbs[i]), name))
			return srv->dbs[i];
	return NULL;
}

int odb_server_init(struct odb_server *srv, struct odb *const *dbs, size_t n_dbs,
                    const struct odb_server_config *cfg, FILE *log, char **errp)
{
	sigset_t mask;

	memset(srv, 0, sizeof(*srv));
	if (!n_dbs || n_dbs > ODB_SERVER_MAX_DBS) {
		set_err(errp, odb_xasprintf("1 to %d databases can be served, not %zu",
		                            ODB_SERVER_MAX_DBS, n_dbs));
		return -EINVAL;
	}
	for (size_t i = 0; i < n_dbs; i++) {
		if (odb_server_find_db(srv, odb_name(dbs[i]))) {
			set_err(errp, odb_xasprintf("two databases named %s", odb_name(dbs[i])));
			return -EINVAL;
		}
		srv->dbs[srv->n_dbs++] = dbs[i];
		odb_set_deferred_sync(dbs[i], true); /* group commit, see server_sync() */
	}
	srv->cfg = *cfg;
	srv->log = log;
	srv->sigfd = -1;
	odb_lock_table_init(&srv->locks, odb_rpc_lock_notify, srv);
	for (size_t i = 0; i < cfg->n_remotes; i++) {
		const char *r = cfg->remotes[i];
		struct odb_listener *l = &srv->listeners[srv->n_listeners];
		int err;

		memset(l, 0, sizeof(*l));
		if (!strncmp(r, "punix:", 6)) {
			err = open_punix(l, r + 6, &srv->cfg, errp);
		} else if (!strncmp(r, "ptcp:", 5)) {
			err = open_ptcp(l, r + 5, errp);
		} else {
			set_err(
			    errp,
			    odb_xasprintf(
			        "%s: unsupported remote (use punix:PATH or ptcp:PORT[:IP])", r));
			err = -EINVAL;
		}
		if (err) {
			odb_server_destroy(srv);
			return err;
		}
		l->name = strdup(r);
		srv->n_listeners++;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	srv->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (srv->sigfd < 0) {
		int err = -errno;

		set_err(errp, odb_xasprintf("signalfd: %s", strerror(errno)));
		odb_server_destroy(srv);
		return err;
	}
	return 0;
}

static void client_destroy(struct odb_server *srv, struct odb_client *c)
{
	struct odb_pending_txn **pp = &srv->pending;

	odb_lock_release_all(&srv->locks, c);
	while (*pp) {
		struct odb_pending_txn *p = *pp;

		if (p->client == c) {
			*pp = p->next;
			json_decref(p->id);
			json_decref(p->ops);
			free(p);
		} else {
			pp = &p->next;
		}
	}
	while (c->monitors) {
		struct odb_monitor *m = c->monitors;

		c->monitors = m->next;
		odb_monitor_destroy(m);
	}
	odb_jrpc_conn_destroy(c->conn);
	free(c);
}

void odb_server_destroy(struct odb_server *srv)
{
	for (size_t i = 0; srv->unsynced && !srv->fatal && i < srv->n_dbs; i++) {
		char *err = NULL;

		if (odb_sync(srv->dbs[i], &err))
			odb_server_log(srv, "journal fsync at exit failed: %s", err ? err : "?");
		free(err);
	}
	srv->unsynced = false;
	while (srv->clients) {
		struct odb_client *c = srv->clients;

		srv->clients = c->next;
		c->dead = true;
		client_destroy(srv, c);
	}
	for (size_t i = 0; i < srv->n_listeners; i++) {
		struct odb_listener *l = &srv->listeners[i];

		close(l->fd);
		if (l->path)
			unlink(l->path);
		free(l->path);
		free(l->name);
	}
	srv->n_listeners = 0;
	if (srv->sigfd >= 0)
		close(srv->sigfd);
	srv->sigfd = -1;
	odb_lock_table_destroy(&srv->locks);
}

void odb_server_send(struct odb_server *srv, struct odb_client *c, json_t *msg)
{
	int err;

	if (c->dead)
		return;
	err = odb_jrpc_conn_send(c->conn, msg);
	if (err == -ENOBUFS) {
		odb_server_log(srv, "%s: output backlog over %zu bytes, disconnecting", c->name,
		               c->conn->max_backlog);
		srv->stats.n_dropped_slow++;
		c->dead = true;
	} else if (err) {
		odb_server_log(srv, "%s: cannot send: %s", c->name, strerror(-err));
		c->dead = true;
	}
}

/* Group commit: commits are written but not fsync'ed by odb_transact() (deferred sync), and
 * nothing at all is written to any client while a commit is not yet durable. Called before
 * every socket write; one fsync then covers every transaction of the loop iteration. A failed
 * fsync is fatal: what was acknowledged would be unknown. Returns 0 or -errno. */
static int server_sync(struct odb_server *srv)
{
	char *err = NULL;
	int r = 0;

	if (!srv->unsynced)
		return 0;
	/* Each journal fsyncs only if it holds unsynced records. */
	for (size_t i = 0; !r && i < srv->n_dbs; i++)
		r = odb_sync(srv->dbs[i], &err);
	if (r) {
		odb_server_log(srv, "journal fsync failed (%s): exiting without acknowledging",
		               err ? err : strerror(-r));
		free(err);
		srv->exiting = true;
		srv->fatal = r;
		return r;
	}
	srv->unsynced = false;
	srv->stats.n_syncs++;
	return 0;
}

/* Writes what 'c' has queued, once every commit is durable. Returns 0 or -errno. */
static int client_flush(struct odb_server *srv, struct odb_client *c)
{
	int r = server_sync(srv);

	return r ? r : odb_jrpc_conn_flush(c->conn);
}

void odb_server_broadcast_changes(struct odb_server *srv, const struct odb *db,
                                  const json_t *changes)
{
	for (struct odb_client *c = srv->clients; c; c = c->next) {
		for (struct odb_monitor *m = c->monitors; m && !c->dead; m = m->next) {
			json_t *upd = m->db == db ? odb_monitor_compose(m, changes) : NULL, *params,
			       *msg;

			if (!upd)
				continue;
			params = json_pack("[O, o]", m->id, upd);
			msg = odb_jrpc_make_request(odb_monitor_method(m), params, NULL);
			odb_server_send(srv, c, msg);
			json_decref(msg);
			json_decref(params);
		}
	}
}

void odb_server_retry_pending(struct odb_server *srv, bool only_expired)
{
	long long now = odb_server_now_ms();
	bool again = true;

	while (again) {
		struct odb_pending_txn **pp = &srv->pending;

		again = false;
		while (*pp) {
			struct odb_pending_txn *p = *pp;
			bool changed = false;

			if (only_expired && (p->deadline_ms < 0 || p->deadline_ms > now)) {
				pp = &p->next;
				continue;
			}
			if (!odb_rpc_run_txn(srv, p, &changed)) {
				pp = &p->next;
				continue;
			}
			*pp = p->next;
			json_decref(p->id);
			json_decref(p->ops);
			free(p);
			if (changed) {
				/* A commit may unblock transactions already looked at. */
				only_expired = false;
				again = true;
				break;
			}
		}
	}
}

static void accept_clients(struct odb_server *srv, struct odb_listener *l)
{
	for (int i = 0; i < SERVER_ACCEPT_BUDGET; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd = accept4(l->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct odb_client *c;

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				odb_server_log(srv, "%s: accept: %s", l->name, strerror(errno));
			return;
		}
		c = calloc(1, sizeof(*c));
		if (c)
			c->conn = odb_jrpc_conn_create(fd, srv->cfg.max_msg, srv->cfg.max_backlog);
		if (!c || !c->conn) {
			if (!c)
				close(fd);
			free(c);
			odb_server_log(srv, "%s: out of memory for a new client", l->name);
			return;
		}
		if (!l->is_unix) {
			int one = 1;
			char ip[INET_ADDRSTRLEN] = "?";
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
			snprintf(c->name, sizeof(c->name), "tcp:%s:%u#%llu", ip,
			         ntohs(sin->sin_port), srv->stats.n_connections + 1);
		} else {
			snprintf(c->name, sizeof(c->name), "unix#%llu",
			         srv->stats.n_connections + 1);
		}
		c->probe_ms = srv->cfg.probe_ms >= 0 ? srv->cfg.probe_ms
		              : l->is_unix           ? 0
		                                     : SERVER_DEFAULT_PROBE;
		c->last_rx_ms = odb_server_now_ms();
		c->next = srv->clients;
		srv->clients = c;
		srv->n_clients++;
		srv->stats.n_connections++;
	}
}

/* Handles up to SERVER_MSG_BUDGET complete messages. Returns true if more may be buffered. */
static bool client_process(struct odb_server *srv, struct odb_client *c)
{
	for (int i = 0; i < SERVER_MSG_BUDGET && !c->dead; i++) {
		json_t *msg;
		char *err = NULL;
		int r = odb_jrpc_framer_next(&c->conn->in, &msg, &err);

		if (r == 0)
			return false;
		if (r < 0) {
			json_t *e = json_pack("{s:s, s:s}", "error",
			                      r == -EMSGSIZE ? "message too large" : "syntax error",
			                      "details", err ? err : "bad input");
			json_t *reply = odb_jrpc_make_error(e, NULL);

			odb_server_log(srv, "%s: %s, disconnecting", c->name,
			               err ? err : "bad input");
			srv->stats.n_protocol_errors++;
			odb_server_send(srv, c, reply);
			client_flush(srv, c);
			json_decref(reply);
			json_decref(e);
			free(err);
			c->dead = true;
			return false;
		}
		c->conn->n_rx++;
		odb_rpc_handle(srv, c, msg);
		json_decref(msg);
	}
	return !c->dead;
}

static void reap_clients(struct odb_server *srv)
{
	struct odb_client **cp = &srv->clients;

	while (*cp) {
		struct odb_client *c = *cp;

		if (!c->dead) {
			cp = &c->next;
			continue;
		}
		*cp = c->next;
		srv->n_clients--;
		client_flush(srv, c); /* best effort: a final error reply */
		client_destroy(srv, c);
		/* Releasing locks may have queued notifications to clients before us: the list
		 * is intact, restart to also catch clients marked dead meanwhile. */
		cp = &srv->clients;
	}
}

/* Poll timeout in ms: earliest blocked-transaction deadline or probe. */
static int next_timeout(struct odb_server *srv, long long now, bool busy)
{
	long long next = -1;

	if (busy)
		return 0;
	for (struct odb_pending_txn *p = srv->pending; p; p = p->next)
		if (p->deadline_ms >= 0 && (next < 0 || p->deadline_ms < next))
			next = p->deadline_ms;
	for (struct odb_client *c = srv->clients; c; c = c->next) {
		long long t;

		if (!c->probe_ms)
			continue;
		t = c->last_rx_ms + (c->probe_sent ? 2LL : 1LL) * c->probe_ms;
		if (next < 0 || t < next)
			next = t;
	}
	if (next < 0)
		return -1;
	return next <= now ? 0 : (int)(next - now > 60000 ? 60000 : next - now);
}

static void check_probes(struct odb_server *srv, long long now)
{
	for (struct odb_client *c = srv->clients; c; c = c->next) {
		if (!c->probe_ms || c->dead)
			continue;
		if (c->probe_sent && now - c->last_rx_ms >= 2LL * c->probe_ms) {
			odb_server_log(srv, "%s: no reply to echo for %d ms, disconnecting",
			               c->name, c->probe_ms);
			c->dead = true;
		} else if (!c->probe_sent && now - c->last_rx_ms >= c->probe_ms) {
			json_t *params = json_array();
			json_t *id = json_string("echo");
			json_t *msg = odb_jrpc_make_request("echo", params, id);

			odb_server_send(srv, c, msg);
			json_decref(msg);
			json_decref(id);
			json_decref(params);
			c->probe_sent = true;
		}
	}
}

int odb_server_run(struct odb_server *srv)
{
	struct pollfd *pfds = NULL;
	struct odb_client **pclients = NULL;
	size_t cap = 0;
	bool busy = false;

	char names[512] = "";

	for (size_t i = 0; i < srv->n_dbs; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
		         i ? ", " : "", odb_name(srv->dbs[i]));
	odb_server_log(srv, "serving %s with %zu remote(s)", names, srv->n_listeners);
	while (!srv->exiting) {
		size_t n = 0, nl = srv->n_listeners, need = 1 + nl + srv->n_clients;
		long long now = odb_server_now_ms();
		int timeout = next_timeout(srv, now, busy);

		if (need > cap) {
			size_t ncap = need * 2;
			struct pollfd *p = realloc(pfds, ncap * sizeof(*p));
			struct odb_client **pc;

			if (!p)
				return -ENOMEM;
			pfds = p;
			pc = realloc(pclients, ncap * sizeof(*pc));
			if (!pc)
				return -ENOMEM;
			pclients = pc;
			cap = ncap;
		}
		pfds[n++] = (struct pollfd){.fd = srv->sigfd, .events = POLLIN};
		for (size_t i = 0; i < nl; i++)
			pfds[n++] = (struct pollfd){.fd = srv->listeners[i].fd, .events = POLLIN};
		for (struct odb_client *c = srv->clients; c; c = c->next) {
			size_t backlog = odb_jrpc_conn_backlog(c->conn);
			short ev = 0;

			if (backlog < SERVER_SOFT_BACKLOG && !c->conn->eof)
				ev |= POLLIN;
			if (backlog)
				ev |= POLLOUT;
			pclients[n] = c;
			pfds[n++] = (struct pollfd){.fd = c->conn->fd, .events = ev};
		}
		if (poll(pfds, n, timeout) < 0 && errno != EINTR) {
			odb_server_log(srv, "poll: %s", strerror(errno));
			free(pfds);
			free(pclients);
			return -errno;
		}
		if (pfds[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(srv->sigfd, &si, sizeof(si)) == sizeof(si)) {
				odb_server_log(srv, "signal %u, exiting", si.ssi_signo);
				srv->exiting = true;
			}
		}
		for (size_t i = 0; i < nl; i++)
			if (pfds[1 + i].revents & POLLIN)
				accept_clients(srv, &srv->listeners[i]);
		busy = false;
		for (size_t i = 1 + nl; i < n; i++) {
			struct odb_client *c = pclients[i];
			short re = pfds[i].revents;
			bool more;

			if (c->dead)
				continue;
			/* POLLHUP/POLLERR too: a failing write marks the client dead rather than
			 * letting poll() report the hang-up forever. */
			if (re & (POLLOUT | POLLHUP | POLLERR))
				client_flush(srv, c);
			if ((re & (POLLIN | POLLHUP | POLLERR)) &&
			    odb_jrpc_conn_backlog(c->conn) < SERVER_SOFT_BACKLOG) {
				long got = odb_jrpc_conn_recv(c->conn, SERVER_READ_BUDGET);

				if (got > 0 || c->conn->eof) {
					c->last_rx_ms = odb_server_now_ms();
					c->probe_sent = false;
				}
			}
			more = odb_jrpc_framer_pending(&c->conn->in) &&
			       odb_jrpc_conn_backlog(c->conn) < SERVER_SOFT_BACKLOG &&
			       client_process(srv, c);
			busy |= more;
			if (c->conn->error && !c->dead) {
				odb_server_log(srv, "%s: connection error: %s", c->name,
				               strerror(-c->conn->error));
				c->dead = true;
			}
			if (c->conn->eof && !more && !c->dead)
				c->dead = true;
		}
		now = odb_server_now_ms();
		if (srv->pending)
			odb_server_retry_pending(srv, true);
		check_probes(srv, now);
		for (struct odb_client *c = srv->clients; c; c = c->next)
			if (!c->dead && odb_jrpc_conn_backlog(c->conn) && client_flush(srv, c))
				c->dead = true;
		reap_clients(srv);
	}
	free(pfds);
	free(pclients);
	return srv->fatal;
}
