/* SPDX-License-Identifier: MIT */
/* async_client: N non-blocking (or one blocking) TCP connects through whatever LD_PRELOAD gives,
 * waited for with the chosen mechanism, with the kernel's connect semantics checked on each
 * (EINPROGRESS, EALREADY/EISCONN, EAGAIN, ENOTCONN, SO_ERROR once, epoll_data, banner intact).
 * One line per connection, one summary line; exit 0 only if every check held. */

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONN   4096
#define MAX_TARGET 16
#define DATA_A	   0x5a5a0000u /* epoll_data.u64 = tag << 32 | index: a changed value is seen */
#define DATA_MOD   0x6b6b0000u
#define DATA_B	   0x7c7c0000u
#define DATA_PIPE  0x8d8d8d8d00000000ull

enum wait_kind {
	W_POLL,
	W_PPOLL,
	W_SELECT,
	W_PSELECT,
	W_EPOLL,
	W_EPOLL_ET,
	W_ONESHOT,
	W_CONNECT,
	W_RECV,
	W_SEND
};
enum exchange { X_NONE, X_HTTP, X_BANNER };
enum state { C_NEW, C_CONNECTING, C_SENDING, C_READING, C_DONE };

struct conn {
	int fd, idx;
	_Atomic int st;
	struct sockaddr_storage dst;
	socklen_t dstlen;
	uint32_t tag; /* the epoll_data tag this fd must come back with */
	bool armed_b; /* still registered in the second set, not yet reported there */
	bool failed;  /* a check did not hold (why says which) */
	int err;      /* the connect's outcome: 0 or the errno seen */
	int how;      /* connect()'s own return: 0 or its errno */
	size_t sent, got;
	char buf[8192];
	char why[200];
	pthread_mutex_t lock; /* --waiters: one thread at a time handles the connection */
};

static struct {
	enum wait_kind wait;
	enum exchange xchg;
	int n, ntarget, expect_errno, timeout_ms, sigalrm_ms, sndtimeo_ms, waiters;
	bool before, two_sets, mod_during, del_during, threaded, dup, in_progress, blocking;
	bool sa_restart, quiet, lenient, abandon, then_connect, then_nonblock, fork_child;
	bool during_wait, pwait2;
	const char *expect;
	struct sockaddr_storage target[MAX_TARGET];
	socklen_t target_len[MAX_TARGET];
} o = {.wait = W_EPOLL, .n = 1, .timeout_ms = 15000};

static struct conn conns[MAX_CONN];
static int epa = -1, epb = -1;
static double t_start, t_connected;
static atomic_int started, finished;
static volatile sig_atomic_t alarms;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int remaining_ms(void)
{
	double left = t_start + o.timeout_ms - now_ms();
	return left <= 0 ? 0 : (int)left + 1;
}

static const char *ename(int e)
{
	const char *s = e ? strerrorname_np(e) : "0";
	return s ? s : "E?";
}

static int errno_by_name(const char *name)
{
	for (int e = 1; e < 200; e++) {
		const char *s = strerrorname_np(e);
		if (s && !strcmp(s, name))
			return e;
	}
	fprintf(stderr, "async_client: unknown errno name '%s'\n", name);
	exit(2);
}

/* The first failed check of a connection is the one reported. */
static void __attribute__((format(printf, 2, 3))) fail(struct conn *c, const char *fmt, ...)
{
	if (c->failed)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	c->failed = true;
}

static void finish(struct conn *c)
{
	if (atomic_load(&c->st) == C_DONE)
		return;
	atomic_store(&c->st, C_DONE);
	atomic_fetch_add(&finished, 1);
}

/* ---- epoll registration ---- */

static uint32_t interest(const struct conn *c)
{
	switch (o.wait) {
	case W_EPOLL_ET:
		return EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
	case W_ONESHOT:
		return (atomic_load(&c->st) == C_READING ? EPOLLIN : EPOLLOUT) | EPOLLONESHOT;
	default:
		return atomic_load(&c->st) == C_READING ? EPOLLIN : EPOLLOUT;
	}
}

static void ep_ctl(struct conn *c, int ep, int op, uint32_t events, uint32_t tag)
{
	struct epoll_event ev = {.events = events,
				 .data.u64 = (uint64_t)tag << 32 | (uint32_t)c->idx};
	if (epoll_ctl(ep, op, c->fd, op == EPOLL_CTL_DEL ? NULL : &ev) < 0)
		fail(c, "epoll_ctl(%d) failed: %s", op, ename(errno));
}

static bool is_epoll(void)
{
	return o.wait == W_EPOLL || o.wait == W_EPOLL_ET || o.wait == W_ONESHOT;
}

static void register_conn(struct conn *c)
{
	if (!is_epoll())
		return;
	c->tag = DATA_A;
	ep_ctl(c, epa, EPOLL_CTL_ADD, interest(c), c->tag);
}

/* Re-arms (ONESHOT) or follows the interest (level-triggered); edge-triggered stays as it is. */
static void rearm(struct conn *c)
{
	if ((o.wait == W_EPOLL || o.wait == W_ONESHOT) && atomic_load(&c->st) != C_DONE)
		ep_ctl(c, epa, EPOLL_CTL_MOD, interest(c), c->tag);
}

/* epoll_wait, or with --pwait2 epoll_pwait2 (its timeout a timespec, an empty mask). */
static int ep_wait(int epfd, struct epoll_event *ev, int max, int ms)
{
	if (!o.pwait2)
		return epoll_wait(epfd, ev, max, ms);
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	sigset_t none;
	sigemptyset(&none);
	return epoll_pwait2(epfd, ev, max, ms < 0 ? NULL : &ts, &none);
}

/* ---- per-connection steps ---- */

static void check_in_progress(struct conn *c)
{
	struct pollfd p = {.fd = c->fd, .events = POLLOUT};
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	int r;

	r = connect(c->fd, (struct sockaddr *)&c->dst, c->dstlen);
	if (r == 0 || errno != EALREADY)
		fail(c, "second connect while in progress gave %s, not EALREADY",
		     r ? ename(errno) : "0");
	r = (int)send(c->fd, "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		fail(c, "send while in progress gave %s, not EAGAIN",
		     r >= 0 ? "success" : ename(errno));
	r = getpeername(c->fd, (struct sockaddr *)&ss, &l);
	if (r == 0 || errno != ENOTCONN)
		fail(c, "getpeername while in progress gave %s, not ENOTCONN",
		     r ? ename(errno) : "0");
	r = poll(&p, 1, 0);
	if (r != 0)
		fail(c, "poll(POLLOUT, 0) while in progress reported revents 0x%x", p.revents);
}

/* While c handshakes, the program's timeout holds and its other fds keep their readiness. */
static void check_waits_in_progress(struct conn *c)
{
	struct pollfd p[2] = {{.fd = c->fd, .events = POLLOUT}, {.events = POLLIN}};
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = DATA_PIPE}, out[8];
	int pfd[2], r;

	if (pipe(pfd) < 0 || write(pfd[1], "x", 1) != 1) {
		perror("async_client: pipe");
		exit(2);
	}
	p[1].fd = pfd[0];
	r = poll(p, 1, 50);
	if (r != 0)
		fail(c, "poll(POLLOUT, 50 ms) while in progress gave %d, revents 0x%x", r,
		     p[0].revents);
	r = poll(p, 2, remaining_ms());
	if (r != 1 || p[0].revents || !(p[1].revents & POLLIN))
		fail(c, "poll on the connecting socket and a ready pipe gave %d (0x%x, 0x%x)", r,
		     p[0].revents, p[1].revents);
	if (is_epoll() && !o.threaded) {
		/* One connection (--pwait2 is tested so): nothing of ours is due yet. */
		if (o.pwait2 && o.n == 1 && (r = ep_wait(epa, out, 8, 50)) != 0)
			fail(c, "a 50 ms epoll_pwait2 while in progress gave %d", r);
		epoll_ctl(epa, EPOLL_CTL_ADD, pfd[0], &ev);
		r = ep_wait(epa, out, 8, remaining_ms());
		if (r != 1 || out[0].data.u64 != DATA_PIPE)
			fail(c, "epoll_wait with a ready pipe beside connecting sockets gave %d",
			     r);
		epoll_ctl(epa, EPOLL_CTL_DEL, pfd[0], NULL);
	}
	close(pfd[0]);
	close(pfd[1]);
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
}

static void start_exchange(struct conn *c);

/* The socket was reported writable (or in error) while connecting. */
static void connected(struct conn *c, bool err_event)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(int);
	int e = -1, again = -1, r;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &l) < 0) {
		fail(c, "getsockopt(SO_ERROR) failed: %s", ename(errno));
		finish(c);
		return;
	}
	l = sizeof(int);
	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &again, &l);
	if (again != 0)
		fail(c, "SO_ERROR read twice gave %s then %s (not cleared)", ename(e),
		     ename(again));
	if (o.expect_errno) {
		c->err = e;
		if (e != o.expect_errno)
			fail(c, "SO_ERROR %s, expected %s", ename(e), ename(o.expect_errno));
		else if (!err_event && o.wait != W_SELECT && o.wait != W_PSELECT &&
			 o.wait < W_CONNECT)
			fail(c, "failed connect reported without POLLERR/EPOLLERR");
		finish(c);
		return;
	}
	if (e != 0) {
		c->err = e;
		fail(c, "SO_ERROR %s", ename(e));
		finish(c);
		return;
	}
	static pthread_mutex_t t_lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&t_lock);
	if (t_connected < now_ms())
		t_connected = now_ms();
	pthread_mutex_unlock(&t_lock);
	if (o.lenient) {
		start_exchange(c);
		return;
	}
	l = sizeof(ss);
	if (getpeername(c->fd, (struct sockaddr *)&ss, &l) < 0)
		fail(c, "getpeername after completion failed: %s", ename(errno));
	else if (!same_addr(&ss, &c->dst))
		fail(c, "getpeername names another address than the one connected to");
	/* The kernel answers the first connect after completion 0 (non-blocking) or EISCONN. */
	r = connect(c->fd, (struct sockaddr *)&c->dst, c->dstlen);
	if (r != 0 && errno != EISCONN)
		fail(c, "connect after completion gave %s, not EISCONN", ename(errno));
	r = connect(c->fd, (struct sockaddr *)&c->dst, c->dstlen);
	if (r == 0 || errno != EISCONN)
		fail(c, "connect again after completion gave %s, not EISCONN",
		     r ? ename(errno) : "0");
	start_exchange(c);
}

static void reply_done(struct conn *c)
{
	char *line = c->buf, *end;

	c->buf[c->got] = 0;
	if (o.xchg == X_HTTP) {
		if (strncmp(c->buf, "HTTP/1.", 7))
			fail(c, "not an HTTP reply: '%.40s'", c->buf);
		line = strstr(c->buf, "\r\n\r\n");
		line = line ? line + 4 : c->buf + c->got;
	}
	end = line + strcspn(line, "\r\n");
	*end = 0;
	if (o.expect && strcmp(line, o.expect))
		fail(c, "got '%.80s', expected '%s'", line, o.expect);
	memmove(c->buf, line, (size_t)(end - line) + 1);
	finish(c);
}

static void do_read(struct conn *c)
{
	for (;;) {
		if (c->got >= sizeof(c->buf) - 1) {
			reply_done(c);
			return;
		}
		ssize_t r = read(c->fd, c->buf + c->got, sizeof(c->buf) - 1 - c->got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r < 0) {
			fail(c, "read failed: %s", ename(errno));
			finish(c);
			return;
		}
		if (r == 0) {
			if (!c->got)
				fail(c, "EOF before any byte of the reply");
			reply_done(c);
			return;
		}
		c->got += (size_t)r;
		if (o.xchg == X_BANNER && memchr(c->buf, '\n', c->got)) {
			reply_done(c);
			return;
		}
	}
}

static const char req[] = "GET / HTTP/1.0\r\nHost: async.test\r\n\r\n";

static void do_send(struct conn *c)
{
	while (c->sent < sizeof(req) - 1) {
		ssize_t r = send(c->fd, req + c->sent, sizeof(req) - 1 - c->sent, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r < 0) {
			fail(c, "send failed: %s", ename(errno));
			finish(c);
			return;
		}
		c->sent += (size_t)r;
	}
	atomic_store(&c->st, C_READING);
	do_read(c);
}

static void start_exchange(struct conn *c)
{
	switch (o.xchg) {
	case X_NONE:
		finish(c);
		return;
	case X_HTTP:
		atomic_store(&c->st, C_SENDING);
		do_send(c);
		return;
	case X_BANNER:
		atomic_store(&c->st, C_READING);
		if (memchr(c->buf, '\n', c->got))
			reply_done(c);
		else
			do_read(c);
		return;
	}
}

/* One readiness report for c: what the wait said (readable, writable, error). */
static void ready(struct conn *c, bool rd, bool wr, bool err)
{
	switch (atomic_load(&c->st)) {
	case C_CONNECTING:
		if (rd && !wr && !err) {
			fail(c, "reported readable, not writable, while connecting");
			break;
		}
		if (wr || err)
			connected(c, err);
		break;
	case C_SENDING:
		do_send(c);
		break;
	case C_READING:
		if (rd || err || o.wait == W_EPOLL_ET)
			do_read(c);
		break;
	default:
		return;
	}
	rearm(c);
}

/* ---- starting a connection ---- */

static void open_conn(struct conn *c, bool blocking)
{
	c->fd = socket(c->dst.ss_family, SOCK_STREAM | (blocking ? 0 : SOCK_NONBLOCK), 0);
	if (c->fd < 0) {
		perror("async_client: socket");
		exit(2);
	}
	if (blocking) {
		struct timeval tv = {.tv_sec = o.timeout_ms / 1000 + 1};
		setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
}

static void start_conn(struct conn *c)
{
	if (o.abandon) {
		/* A connect closed mid-handshake: the next socket gets its fd number back at once.
		 */
		open_conn(c, false);
		if (connect(c->fd, (struct sockaddr *)&c->dst, c->dstlen) == 0 ||
		    errno != EINPROGRESS)
			fail(c, "the abandoned connect did not say EINPROGRESS");
		close(c->fd);
	}
	open_conn(c, false);
	if (o.before)
		register_conn(c);
	atomic_store(&c->st, C_CONNECTING);
	int r = connect(c->fd, (struct sockaddr *)&c->dst, c->dstlen);
	c->how = r ? errno : 0;
	if (r < 0 && errno != EINPROGRESS) {
		c->err = errno;
		if (o.expect_errno != errno)
			fail(c, "connect failed at once: %s", ename(errno));
		if (o.in_progress)
			fail(c, "connect failed at once (%s), not EINPROGRESS", ename(errno));
		finish(c);
		return;
	}
	if (r == 0 && o.in_progress)
		fail(c, "non-blocking connect returned 0, not EINPROGRESS");
	if (o.dup) {
		int d = dup(c->fd);
		if (d < 0) {
			fail(c, "dup failed: %s", ename(errno));
			finish(c);
			return;
		}
		if (o.before && is_epoll())
			epoll_ctl(epa, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
		c->fd = d;
		if (o.before)
			register_conn(c);
	}
	if (!o.before)
		register_conn(c);
	if (o.two_sets) {
		ep_ctl(c, epb, EPOLL_CTL_ADD, EPOLLOUT, DATA_B);
		c->armed_b = true;
	}
	if (o.in_progress && r < 0) {
		check_in_progress(c);
		check_waits_in_progress(c);
	}
	if (is_epoll() && o.mod_during) {
		c->tag = DATA_MOD;
		ep_ctl(c, epa, EPOLL_CTL_MOD, interest(c), c->tag);
	}
	if (is_epoll() && o.del_during) {
		ep_ctl(c, epa, EPOLL_CTL_DEL, 0, 0);
		c->tag = DATA_MOD;
		ep_ctl(c, epa, EPOLL_CTL_ADD, interest(c), c->tag);
	}
	if (r == 0)
		ready(c, false, true, false);
}

static void *connect_thread(void *arg)
{
	(void)arg;
	usleep(100 * 1000); /* let the main thread sit in epoll_wait first */
	for (int i = 0; i < o.n; i++) {
		start_conn(&conns[i]);
		atomic_fetch_add(&started, 1);
	}
	return NULL;
}

/* ---- the waits ---- */

static void wait_epoll(int ms);

/* --waiters K: K-1 more threads wait on the same epoll set (ONESHOT gives each report to one). */
static void *waiter_thread(void *arg)
{
	(void)arg;
	while (atomic_load(&finished) < o.n && remaining_ms() > 0)
		wait_epoll(remaining_ms() < 50 ? remaining_ms() : 50);
	return NULL;
}

static struct conn *by_data(uint64_t u, uint32_t want_tag)
{
	uint32_t tag = (uint32_t)(u >> 32), idx = (uint32_t)u;
	if (idx >= (uint32_t)o.n) {
		fprintf(stderr, "async_client: epoll returned unknown data 0x%llx\n",
			(unsigned long long)u);
		return NULL;
	}
	struct conn *c = &conns[idx];
	if (tag != want_tag)
		fail(c, "epoll_data tag 0x%x came back, registered 0x%x", tag, want_tag);
	return c;
}

static bool live(const struct conn *c)
{
	int st = atomic_load(&c->st);
	return st == C_CONNECTING || st == C_SENDING || st == C_READING;
}

static void poll_second_set(int ms)
{
	struct epoll_event ev[64];
	int r = ep_wait(epb, ev, 64, ms);
	for (int i = 0; i < r; i++) {
		struct conn *c = by_data(ev[i].data.u64, DATA_B);
		if (c && c->armed_b) {
			c->armed_b = false;
			epoll_ctl(epb, EPOLL_CTL_DEL, c->fd, NULL);
		}
	}
}

static void wait_epoll(int ms)
{
	struct epoll_event ev[256];
	int r = ep_wait(epa, ev, 256, ms);
	if (r < 0 && errno != EINTR) {
		perror("async_client: epoll_wait");
		exit(2);
	}
	for (int i = 0; i < r; i++) {
		uint32_t idx = (uint32_t)ev[i].data.u64;
		struct conn *c = idx < (uint32_t)o.n ? &conns[idx] : NULL;
		if (c)
			c = by_data(ev[i].data.u64, c->tag);
		if (!c)
			continue;
		uint32_t e = ev[i].events;
		/* Another waiter may get the connection's next event while this one still
		 * handles it (a re-armed ONESHOT): one at a time. */
		pthread_mutex_lock(&c->lock);
		ready(c, e & EPOLLIN, e & EPOLLOUT, e & (EPOLLERR | EPOLLHUP));
		pthread_mutex_unlock(&c->lock);
	}
	if (o.two_sets)
		poll_second_set(0);
}

static void wait_poll(int ms)
{
	static struct pollfd p[MAX_CONN];
	static int who[MAX_CONN];
	int k = 0;

	for (int i = 0; i < o.n; i++) {
		if (!live(&conns[i]))
			continue;
		p[k] = (struct pollfd){.fd = conns[i].fd,
				       .events = atomic_load(&conns[i].st) == C_READING ? POLLIN
											: POLLOUT};
		who[k++] = i;
	}
	int r;
	if (o.wait == W_PPOLL) {
		struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
		sigset_t none;
		sigemptyset(&none);
		r = ppoll(p, (nfds_t)k, &ts, &none);
	} else {
		r = poll(p, (nfds_t)k, ms);
	}
	if (r < 0 && errno != EINTR) {
		perror("async_client: poll");
		exit(2);
	}
	for (int j = 0; r > 0 && j < k; j++)
		if (p[j].revents)
			ready(&conns[who[j]], p[j].revents & POLLIN, p[j].revents & POLLOUT,
			      p[j].revents & (POLLERR | POLLHUP));
}

static void wait_select(int ms)
{
	fd_set rd, wr;
	int maxfd = -1;

	FD_ZERO(&rd);
	FD_ZERO(&wr);
	for (int i = 0; i < o.n; i++) {
		if (!live(&conns[i]))
			continue;
		if (conns[i].fd >= FD_SETSIZE) {
			fprintf(stderr, "async_client: fd %d past FD_SETSIZE\n", conns[i].fd);
			exit(2);
		}
		FD_SET(conns[i].fd, atomic_load(&conns[i].st) == C_READING ? &rd : &wr);
		if (conns[i].fd > maxfd)
			maxfd = conns[i].fd;
	}
	int r;
	if (o.wait == W_PSELECT) {
		struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
		sigset_t none;
		sigemptyset(&none);
		r = pselect(maxfd + 1, &rd, &wr, NULL, &ts, &none);
	} else {
		struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
		r = select(maxfd + 1, &rd, &wr, NULL, &tv);
	}
	if (r < 0 && errno != EINTR) {
		perror("async_client: select");
		exit(2);
	}
	for (int i = 0; r > 0 && i < o.n; i++) {
		struct conn *c = &conns[i];
		if (live(c) && (FD_ISSET(c->fd, &rd) || FD_ISSET(c->fd, &wr)))
			ready(c, FD_ISSET(c->fd, &rd), FD_ISSET(c->fd, &wr), false);
	}
}

/* A program that only calls connect() again until it stops saying EALREADY (2 ms apart). */
static void wait_connect(int ms)
{
	for (int i = 0; i < o.n; i++) {
		struct conn *c = &conns[i];
		if (atomic_load(&c->st) != C_CONNECTING)
			continue;
		int r = connect(c->fd, (struct sockaddr *)&c->dst, c->dstlen);
		if (r == 0 || errno == EISCONN) {
			int e = 0;
			socklen_t l = sizeof(e);
			getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &l);
			if (e)
				fail(c, "connect said done but SO_ERROR is %s", ename(e));
			start_exchange(c);
		} else if (errno != EALREADY && errno != EINPROGRESS) {
			c->err = errno;
			if (errno != o.expect_errno)
				fail(c, "connect again gave %s", ename(errno));
			finish(c);
		}
	}
	o.wait = W_POLL;
	wait_poll(ms < 2 ? ms : 2);
	o.wait = W_CONNECT;
}

/* A program that never waits for the connect: it calls recv() (banner) or send() (request)
 * until they stop saying EAGAIN, 2 ms apart; the handshake has to advance inside them. */
static void wait_touch(int ms)
{
	for (int i = 0; i < o.n; i++) {
		struct conn *c = &conns[i];
		if (atomic_load(&c->st) != C_CONNECTING)
			continue;
		ssize_t r = o.wait == W_RECV
				? recv(c->fd, c->buf, sizeof(c->buf) - 1, MSG_DONTWAIT)
				: send(c->fd, req, sizeof(req) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (r <= 0) {
			c->err = r ? errno : 0;
			if (!r)
				fail(c, "EOF while connecting");
			else if (errno != o.expect_errno)
				fail(c, "%s while connecting gave %s",
				     o.wait == W_RECV ? "recv" : "send", ename(errno));
			finish(c);
			continue;
		}
		if (o.wait == W_RECV)
			c->got = (size_t)r;
		else
			c->sent = (size_t)r;
		connected(c, false);
	}
	enum wait_kind w = o.wait;
	o.wait = W_POLL;
	wait_poll(ms < 2 ? ms : 2);
	o.wait = w;
}

static void wait_once(int ms)
{
	switch (o.wait) {
	case W_POLL:
	case W_PPOLL:
		wait_poll(ms);
		break;
	case W_SELECT:
	case W_PSELECT:
		wait_select(ms);
		break;
	case W_CONNECT:
		wait_connect(ms);
		break;
	case W_RECV:
	case W_SEND:
		wait_touch(ms);
		break;
	default:
		wait_epoll(ms);
	}
}

/* --connect-during-wait: the socket is in the main thread's wait before connect() is
 * called; late_wait.so holds that wait back until this thread has connected. */
static int gate[2] = {-1, -1};

static void *connect_during_wait(void *arg)
{
	struct conn *c = arg;
	usleep(100 * 1000); /* the main thread is in its wait by now */
	int r = connect(c->fd, (struct sockaddr *)&c->dst, c->dstlen);
	c->how = r ? errno : 0;
	if (r < 0 && errno != EINPROGRESS) {
		fail(c, "connect failed at once: %s", ename(errno));
		finish(c);
	}
	if (write(gate[1], "x", 1) != 1)
		perror("async_client: gate");
	return NULL;
}

static void run_during_wait(struct conn *c)
{
	pthread_t th;
	char fd[16];
	if (pipe(gate) < 0) {
		perror("async_client: pipe");
		exit(2);
	}
	snprintf(fd, sizeof fd, "%d", gate[0]);
	setenv("SX_LATE_WAIT_FD", fd, 1);
	open_conn(c, false);
	atomic_store(&c->st, C_CONNECTING);
	if (pthread_create(&th, NULL, connect_during_wait, c))
		exit(2);
	while (live(c) && remaining_ms() > 0)
		wait_once(remaining_ms());
	pthread_join(th, NULL);
}

/* ---- the blocking connect: a signal without SA_RESTART, or SO_SNDTIMEO ---- */

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void run_blocking(struct conn *c)
{
	open_conn(c, true);
	if (o.sndtimeo_ms) {
		struct timeval tv = {o.sndtimeo_ms / 1000, (o.sndtimeo_ms % 1000) * 1000};
		setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	if (o.sigalrm_ms) {
		struct sigaction sa = {.sa_handler = on_alarm,
				       .sa_flags = o.sa_restart ? SA_RESTART : 0};
		struct itimerval it = {
		    .it_value = {o.sigalrm_ms / 1000, (o.sigalrm_ms % 1000) * 1000}};
		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
		setitimer(ITIMER_REAL, &it, NULL);
	}
	atomic_store(&c->st, C_CONNECTING);
	int r = connect(c->fd, (struct sockaddr *)&c->dst, c->dstlen);
	c->how = r ? errno : 0;
	int want = o.sndtimeo_ms ? EINPROGRESS : o.sigalrm_ms && !o.sa_restart ? EINTR : 0;
	if (o.sigalrm_ms && !alarms)
		fail(c, "the SIGALRM handler did not run during connect");
	if (c->how != want && !(o.expect_errno && c->how == o.expect_errno))
		fail(c, "blocking connect gave %s, expected %s", ename(c->how), ename(want));
	if (r == 0) {
		ready(c, false, true, false);
	} else if ((errno == EINTR || errno == EINPROGRESS) && o.then_connect) {
		/* The kernel's blocking connect again waits for the one in progress: 0, then
		 * EISCONN. */
		r = connect(c->fd, (struct sockaddr *)&c->dst, c->dstlen);
		if (r != 0 && errno != EISCONN)
			fail(c, "blocking connect again gave %s, not 0 or EISCONN", ename(errno));
		ready(c, false, true, false);
	} else if (errno == EINTR || errno == EINPROGRESS) {
		/* The connection goes on: completion is seen by poll, as the kernel's is; made
		 * non-blocking, a connect again says EALREADY meanwhile. */
		if (o.then_nonblock) {
			fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
			r = connect(c->fd, (struct sockaddr *)&c->dst, c->dstlen);
			if (r == 0 || errno != EALREADY)
				fail(c, "non-blocking connect again gave %s, not EALREADY",
				     r ? ename(errno) : "0");
		}
	} else {
		c->err = errno;
		if (errno != o.expect_errno)
			fail(c, "blocking connect failed: %s", ename(errno));
		finish(c);
	}
	while (live(c) && remaining_ms() > 0) {
		struct pollfd p = {.fd = c->fd,
				   .events = atomic_load(&c->st) == C_READING ? POLLIN : POLLOUT};
		if (poll(&p, 1, remaining_ms()) > 0)
			ready(c, p.revents & POLLIN, p.revents & POLLOUT,
			      p.revents & (POLLERR | POLLHUP));
	}
}

/* ---- arguments and report ---- */

static void usage(void)
{
	fputs("usage: async_client [options] ADDR PORT [ADDR PORT ...]\n"
	      "  --n N                 connections, round-robin over the targets (default 1)\n"
	      "  --wait M              poll ppoll select pselect epoll epoll-et epoll-oneshot\n"
	      "                        connect (call connect() again until EISCONN)\n"
	      "                        recv (--banner), send (--http): no wait, only that call\n"
	      "  --before              register in epoll before connect() (default: after)\n"
	      "  --two-sets            also register in a second epoll set; both must report\n"
	      "  --mod-during          EPOLL_CTL_MOD (new epoll_data) during the handshake\n"
	      "  --del-during          EPOLL_CTL_DEL and ADD again during the handshake\n"
	      "  --thread              a thread connects while the main thread waits in epoll\n"
	      "  --waiters K           K threads wait on the one epoll set (epoll-oneshot)\n"
	      "  --pwait2              epoll_pwait2 (a timespec timeout) for every epoll wait\n"
	      "  --connect-during-wait a thread connects once the main thread's poll or select\n"
	      "                        has begun (preload late_wait.so after the library)\n"
	      "  --dup                 dup() the connecting socket, close the original\n"
	      "  --abandon             first connect and close a socket, then the real one\n"
	      "  --fork                a child does it all on the epoll set its parent made\n"
	      "  --in-progress         check EALREADY, EAGAIN, ENOTCONN, not writable right\n"
	      "                        after EINPROGRESS, a 50 ms poll times out, a ready pipe\n"
	      "                        beside it is reported alone (needs a proxy that delays)\n"
	      "  --http | --banner     send GET and read to EOF | read the first line only\n"
	      "  --expect TEXT         the body's (or banner's) first line must be TEXT\n"
	      "  --expect-errno NAME   every connection must fail with NAME (via SO_ERROR)\n"
	      "  --blocking            one blocking connect, with --sigalrm-ms MS [--sa-restart]\n"
	      "                        (EINTR, or 0 with SA_RESTART) or --sndtimeo-ms MS;\n"
	      "                        then poll, or --then-connect (blocking: 0 or EISCONN)\n"
	      "                        or --then-nonblock (O_NONBLOCK, EALREADY, then poll)\n"
	      "  --timeout-ms MS       bound on everything (default 15000)\n"
	      "  --quiet               only failures and the summary\n"
	      "  --lenient             after SO_ERROR 0, no getpeername/EISCONN checks "
	      "(benchmarks)\n",
	      stderr);
	exit(2);
}

static int num(const char *s, int lo, int hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi) {
		fprintf(stderr, "async_client: bad number '%s'\n", s);
		exit(2);
	}
	return (int)v;
}

static enum wait_kind wait_by_name(const char *s)
{
	static const char *names[] = {"poll",	  "ppoll",	   "select",  "pselect", "epoll",
				      "epoll-et", "epoll-oneshot", "connect", "recv",	 "send"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return (enum wait_kind)i;
	fprintf(stderr, "async_client: unknown --wait '%s'\n", s);
	exit(2);
}

static void add_target(const char *host, const char *port)
{
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				 .ai_socktype = SOCK_STREAM},
			*ai;
	if (o.ntarget >= MAX_TARGET || getaddrinfo(host, port, &hints, &ai)) {
		fprintf(stderr, "async_client: bad target %s %s\n", host, port);
		exit(2);
	}
	memcpy(&o.target[o.ntarget], ai->ai_addr, ai->ai_addrlen);
	o.target_len[o.ntarget++] = ai->ai_addrlen;
	freeaddrinfo(ai);
}

static void parse_args(int argc, char **argv)
{
	int i;
	for (i = 1; i < argc && !strncmp(argv[i], "--", 2); i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;
		if (!strcmp(a, "--n") && v)
			o.n = num(v, 1, MAX_CONN);
		else if (!strcmp(a, "--wait") && v)
			o.wait = wait_by_name(v);
		else if (!strcmp(a, "--expect") && v)
			o.expect = v;
		else if (!strcmp(a, "--expect-errno") && v)
			o.expect_errno = errno_by_name(v);
		else if (!strcmp(a, "--timeout-ms") && v)
			o.timeout_ms = num(v, 1, 600000);
		else if (!strcmp(a, "--sigalrm-ms") && v)
			o.sigalrm_ms = num(v, 1, 60000);
		else if (!strcmp(a, "--sndtimeo-ms") && v)
			o.sndtimeo_ms = num(v, 1, 60000);
		else if (!strcmp(a, "--waiters") && v)
			o.waiters = num(v, 1, 64);
		else {
			takes = false;
			if (!strcmp(a, "--before"))
				o.before = true;
			else if (!strcmp(a, "--two-sets"))
				o.two_sets = true;
			else if (!strcmp(a, "--mod-during"))
				o.mod_during = true;
			else if (!strcmp(a, "--del-during"))
				o.del_during = true;
			else if (!strcmp(a, "--thread"))
				o.threaded = true;
			else if (!strcmp(a, "--dup"))
				o.dup = true;
			else if (!strcmp(a, "--in-progress"))
				o.in_progress = true;
			else if (!strcmp(a, "--http"))
				o.xchg = X_HTTP;
			else if (!strcmp(a, "--banner"))
				o.xchg = X_BANNER;
			else if (!strcmp(a, "--blocking"))
				o.blocking = true;
			else if (!strcmp(a, "--sa-restart"))
				o.sa_restart = true;
			else if (!strcmp(a, "--quiet"))
				o.quiet = true;
			else if (!strcmp(a, "--lenient"))
				o.lenient = true;
			else if (!strcmp(a, "--abandon"))
				o.abandon = true;
			else if (!strcmp(a, "--fork"))
				o.fork_child = true;
			else if (!strcmp(a, "--then-connect"))
				o.then_connect = true;
			else if (!strcmp(a, "--then-nonblock"))
				o.then_nonblock = true;
			else if (!strcmp(a, "--connect-during-wait"))
				o.during_wait = true;
			else if (!strcmp(a, "--pwait2"))
				o.pwait2 = true;
			else
				usage();
		}
		i += takes;
	}
	for (; i + 1 < argc; i += 2)
		add_target(argv[i], argv[i + 1]);
	if (i != argc || !o.ntarget)
		usage();
	if ((o.two_sets || o.mod_during || o.del_during || o.threaded) && !is_epoll()) {
		fputs("async_client: --two-sets, --mod-during, --del-during and --thread need "
		      "epoll\n",
		      stderr);
		exit(2);
	}
	if ((o.blocking || o.during_wait) && o.n != 1)
		usage();
	if (o.during_wait && o.wait != W_POLL && o.wait != W_PPOLL && o.wait != W_SELECT &&
	    o.wait != W_PSELECT) {
		fputs("async_client: --connect-during-wait needs poll, ppoll, select or pselect\n",
		      stderr);
		exit(2);
	}
	if (o.blocking)
		o.wait = W_POLL;
	if ((o.wait == W_RECV && o.xchg != X_BANNER) || (o.wait == W_SEND && o.xchg != X_HTTP)) {
		fputs("async_client: --wait recv needs --banner, --wait send needs --http\n",
		      stderr);
		exit(2);
	}
	if (o.waiters > 1 && (o.wait != W_ONESHOT || o.two_sets || o.threaded)) {
		fputs("async_client: --waiters needs --wait epoll-oneshot, without --two-sets or "
		      "--thread\n",
		      stderr);
		exit(2);
	}
}

static int report(void)
{
	int ok = 0, bad = 0;
	for (int i = 0; i < o.n; i++) {
		struct conn *c = &conns[i];
		if (live(c))
			fail(c, "not finished in %d ms (state %d)", o.timeout_ms,
			     atomic_load(&c->st));
		if (c->armed_b)
			fail(c, "never reported by the second epoll set");
		if (c->failed) {
			bad++;
			printf("conn %d FAIL connect=%s: %s\n", i, ename(c->how), c->why);
		} else {
			ok++;
			if (!o.quiet && c->err)
				printf("conn %d ok errno=%s\n", i, ename(c->err));
			else if (!o.quiet)
				printf("conn %d ok connect=%s reply=%s\n", i, ename(c->how),
				       o.xchg == X_NONE ? "-" : c->buf);
		}
	}
	printf("summary ok=%d fail=%d connected_ms=%.1f elapsed_ms=%.1f\n", ok, bad,
	       t_connected ? t_connected - t_start : 0, now_ms() - t_start);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	pthread_t th, waiters[64];

	parse_args(argc, argv);
	for (int i = 0; i < o.n; i++) {
		conns[i].idx = i;
		conns[i].fd = -1;
		pthread_mutex_init(&conns[i].lock, NULL);
		conns[i].dst = o.target[i % o.ntarget];
		conns[i].dstlen = o.target_len[i % o.ntarget];
	}
	if (is_epoll() && ((epa = epoll_create1(0)) < 0 || (epb = epoll_create1(0)) < 0)) {
		perror("async_client: epoll_create1");
		return 2;
	}
	if (o.fork_child) {
		pid_t pid = fork();
		int status;
		if (pid < 0)
			return 2;
		if (pid > 0)
			return waitpid(pid, &status, 0) == pid && WIFEXITED(status)
				   ? WEXITSTATUS(status)
				   : 2;
	}
	t_start = now_ms();
	if (o.blocking) {
		run_blocking(&conns[0]);
	} else if (o.during_wait) {
		run_during_wait(&conns[0]);
	} else if (o.threaded) {
		if (pthread_create(&th, NULL, connect_thread, NULL))
			return 2;
		while ((atomic_load(&started) < o.n || atomic_load(&finished) < o.n) &&
		       remaining_ms() > 0)
			wait_epoll(remaining_ms());
		pthread_join(th, NULL);
	} else {
		for (int i = 0; i < o.n; i++)
			start_conn(&conns[i]);
		for (int i = 1; i < o.waiters; i++)
			if (pthread_create(&waiters[i], NULL, waiter_thread, NULL))
				return 2;
		while (atomic_load(&finished) < o.n && remaining_ms() > 0)
			wait_once(o.waiters > 1 && remaining_ms() > 50 ? 50 : remaining_ms());
		for (int i = 1; i < o.waiters; i++)
			pthread_join(waiters[i], NULL);
	}
	if (o.two_sets)
		for (int i = 0; i < o.n && remaining_ms() > 0; i++)
			while (conns[i].armed_b && remaining_ms() > 0)
				poll_second_set(remaining_ms());
	return report();
}
