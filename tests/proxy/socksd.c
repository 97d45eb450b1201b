/* SPDX-License-Identifier: MIT */
/* socksd: the bundled test SOCKS4/4a/5 proxy (CONNECT, BIND, UDP ASSOCIATE) and HTTP
 * CONNECT proxy, with failure switches.
 * Its decoder is written here on purpose, independent of core/, so a codec bug is not mirrored
 * on both sides of the wire. Thread per connection; one log line per request. */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_LISTEN    16
#define MAX_MAP	      256
#define RELAY_BUF     (64 * 1024)
#define HS_TIMEOUT_MS 30000
#define LINGER_MS     2000
#define ESC_NAME_MAX  (4 * 255 + 1)

struct map_entry {
	char name[256];
	struct sockaddr_storage addr;
};

struct opts {
	struct sockaddr_storage listen[MAX_LISTEN];
	int nlisten;
	struct map_entry map[MAX_MAP];
	int nmap;
	struct in_addr source4;
	bool has_source4;
	struct in6_addr source6;
	bool has_source6;
	int log_fd;
	const char *ready_file;
	const char *user, *pass;
	int reply, reply4, method, auth_ver, delay_ms, close_after, connect_ms, udp_flood, barrier;
	int connect_delay_ms;
	int bind_reply, bind_reply2, bind_wait_ms;
	bool zero_bnd;
	struct sockaddr_storage bind_listen;
	bool has_bind_listen;
	int http_status, http_headers;
	bool http_coalesce;
	bool no_udp, auth_fail, fragment, garbage, silent, strict, bnd_zero, has_bnd_addr;
	struct sockaddr_storage bnd_addr;
};

static struct opts opt = {
    .log_fd = -1,
    .reply = -1,
    .reply4 = -1,
    .method = -1,
    .auth_ver = 1,
    .close_after = -1,
    .connect_ms = 5000,
    .bind_reply = -1,
    .bind_reply2 = -1,
    .bind_wait_ms = 30000,
};

/* Buffered handshake reader. In strict mode each message must arrive in exactly one recv(),
 * like curl's tests/server/socksd.c, so clients that pipeline can be tested against it. */
struct rd {
	int fd;
	uint8_t buf[4096];
	size_t off, len;
	long total;
};

struct conn {
	int fd;
	struct sockaddr_storage peer, local;
	struct rd rd;
	const char *auth;
	char user[ESC_NAME_MAX];
};

struct dest {
	bool is_name;
	uint8_t namelen;
	char name[256];
	struct sockaddr_storage addr; /* resolved (or given) address; port included */
	uint16_t port;
};

/* ---- small helpers ---- */

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static socklen_t ss_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

static uint16_t ss_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static void ss_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

static bool ss_same_ip(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
	return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
	       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
}

static bool ss_ip_is_zero(const struct sockaddr_storage *ss)
{
	static const uint8_t zero[16];
	if (ss->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)ss)->sin6_addr, zero, 16);
	return ((const struct sockaddr_in *)ss)->sin_addr.s_addr == 0;
}

/* Parses a numeric v4 or v6 address (v6 optionally in brackets); port left 0. */
static bool parse_ip(const char *s, struct sockaddr_storage *ss)
{
	char tmp[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(s);

	memset(ss, 0, sizeof(*ss));
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		if (n - 2 >= sizeof(tmp))
			return false;
		memcpy(tmp, s + 1, n - 2);
		tmp[n - 2] = 0;
		s = tmp;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		return true;
	}
	return false;
}

/* "1.2.3.4:80" or "[::1]:80" */
static bool parse_hostport(const char *s, struct sockaddr_storage *ss)
{
	const char *colon = strrchr(s, ':');
	char host[INET6_ADDRSTRLEN + 2];
	char *end;

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return false;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = 0;
	if (strchr(host, ':') && host[0] != '[')
		return false; /* bare v6 needs brackets, or the port is ambiguous */
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port < 0 || port > 65535)
		return false;
	if (!parse_ip(host, ss))
		return false;
	ss_set_port(ss, (uint16_t)port);
	return true;
}

static void fmt_ip(const struct sockaddr_storage *ss, char *out, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, a, sizeof(a));
		snprintf(out, len, "[%s]:%u", a, ss_port(ss));
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, a, sizeof(a));
		snprintf(out, len, "%s:%u", a, ss_port(ss));
	}
}

/* Hostile bytes must not break the one-line-per-request log format. */
static void escape(const uint8_t *p, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		if (p[i] > 0x20 && p[i] < 0x7f && p[i] != '\\') {
			*out++ = (char)p[i];
		} else {
			*out++ = '\\';
			*out++ = 'x';
			*out++ = hex[p[i] >> 4];
			*out++ = hex[p[i] & 15];
		}
	}
	*out = 0;
}

static void fmt_dest(const struct dest *d, char *out, size_t len)
{
	if (d->is_name) {
		char esc[ESC_NAME_MAX];
		escape((const uint8_t *)d->name, d->namelen, esc);
		snprintf(out, len, "name=%s:%u", esc, d->port);
	} else {
		char a[64];
		fmt_ip(&d->addr, a, sizeof(a));
		snprintf(out, len, "ip=%s", a);
	}
}

__attribute__((format(printf, 1, 2))) static void log_line(const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	if (opt.log_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* one write() on an O_APPEND fd: lines from concurrent threads never interleave */
	if (write(opt.log_fd, line, (size_t)n) < 0)
		perror("socksd: log");
}

static void log_req(const struct conn *c, const char *ver, const char *cmd, const char *dst,
		    const char *result)
{
	if (c->user[0])
		log_line("%s %s %s auth=%s user=%s result=%s", ver, cmd, dst, c->auth, c->user,
			 result);
	else
		log_line("%s %s %s auth=%s result=%s", ver, cmd, dst, c->auth, result);
}

static int send_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* --barrier N: no connection gets a reply before N have arrived, so only a client with N
 * handshakes in flight at once is answered (one that waits for each in turn never is). */
static pthread_mutex_t barrier_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t barrier_cv = PTHREAD_COND_INITIALIZER;
static int barrier_seen;

static void barrier_arrive(void)
{
	pthread_mutex_lock(&barrier_mu);
	barrier_seen++;
	pthread_cond_broadcast(&barrier_cv);
	pthread_mutex_unlock(&barrier_mu);
}

static void barrier_wait(void)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += HS_TIMEOUT_MS / 1000;
	pthread_mutex_lock(&barrier_mu);
	while (barrier_seen < opt.barrier)
		if (pthread_cond_timedwait(&barrier_cv, &barrier_mu, &until))
			break;
	pthread_mutex_unlock(&barrier_mu);
}

/* Every handshake reply goes through here so --delay-ms, --fragment and --barrier apply
 * uniformly. */
static int send_reply(int fd, const void *p, size_t n)
{
	if (opt.barrier > 0)
		barrier_wait();
	if (opt.delay_ms > 0)
		sleep_ms(opt.delay_ms);
	if (!opt.fragment)
		return send_all(fd, p, n);
	for (size_t i = 0; i < n; i++) {
		if (send_all(fd, (const uint8_t *)p + i, 1) < 0)
			return -1;
		if (i + 1 < n)
			sleep_ms(2);
	}
	return 0;
}

/* Waits up to ms for readability; false on timeout or error. */
static bool wait_in(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	for (;;) {
		int r = poll(&p, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		return r > 0;
	}
}

/* Reads and discards until EOF, error or ms of silence (-1: forever). */
static void drain(int fd, int ms)
{
	uint8_t junk[512];
	while (wait_in(fd, ms)) {
		ssize_t r = recv(fd, junk, sizeof(junk), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
	}
}

/* Half-close and drain, so the client reads our last reply instead of a RST. */
static void linger_close(int fd, int ms)
{
	shutdown(fd, SHUT_WR);
	drain(fd, ms);
	close(fd);
}

static void set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* ---- handshake reader ---- */

static int rd_fill(struct rd *r)
{
	if (r->off == r->len)
		r->off = r->len = 0;
	if (r->off && r->len == sizeof(r->buf)) {
		memmove(r->buf, r->buf + r->off, r->len - r->off);
		r->len -= r->off;
		r->off = 0;
	}
	size_t room = sizeof(r->buf) - r->len;
	if (opt.close_after >= 0 && (long)room > opt.close_after - r->total)
		room = (size_t)(opt.close_after - r->total);
	if (!room)
		return -1;
	for (;;) {
		if (!wait_in(r->fd, HS_TIMEOUT_MS))
			return -1;
		ssize_t n = recv(r->fd, r->buf + r->len, room, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		r->len += (size_t)n;
		r->total += n;
		if (opt.close_after >= 0 && r->total >= opt.close_after)
			return -1;
		return 0;
	}
}

static int take(struct rd *r, void *out, size_t n)
{
	while (r->len - r->off < n) {
		if (opt.strict)
			return -1;
		if (r->off) {
			memmove(r->buf, r->buf + r->off, r->len - r->off);
			r->len -= r->off;
			r->off = 0;
		}
		if (rd_fill(r) < 0)
			return -1;
	}
	memcpy(out, r->buf + r->off, n);
	r->off += n;
	return 0;
}

static int msg_begin(struct rd *r)
{
	if (!opt.strict)
		return 0;
	r->off = r->len = 0;
	return rd_fill(r);
}

static int msg_end(const struct rd *r)
{
	return opt.strict && r->off != r->len ? -1 : 0;
}

/* Reads a NUL-terminated string of at most 255 bytes (SOCKS4 USERID / 4a host). */
static int take_cstr(struct rd *r, char out[256], size_t *len)
{
	for (*len = 0;; (*len)++) {
		uint8_t ch;
		if (take(r, &ch, 1) < 0 || *len > 255)
			return -1;
		out[*len] = (char)ch;
		if (!ch)
			return 0;
	}
}

/* ---- names and outgoing connections ---- */

/* Names resolve only through --map, numeric literals and "localhost": the proxy must never
 * send a DNS query, since tests count them. */
static int resolve(struct dest *d)
{
	if (!d->is_name)
		return 0;
	if (!d->namelen || memchr(d->name, 0, d->namelen))
		return -1;
	for (int i = 0; i < opt.nmap; i++) {
		if (!strcasecmp(opt.map[i].name, d->name)) {
			d->addr = opt.map[i].addr;
			goto found;
		}
	}
	if (!strcasecmp(d->name, "localhost")) {
		parse_ip("127.0.0.1", &d->addr);
		goto found;
	}
	if (parse_ip(d->name, &d->addr))
		goto found;
	return -1;
found:
	ss_set_port(&d->addr, d->port);
	return 0;
}

static int bind_source(int fd, int family)
{
	struct sockaddr_storage ss = {0};
	if (family == AF_INET && opt.has_source4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_addr = opt.source4;
	} else if (family == AF_INET6 && opt.has_source6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = opt.source6;
	} else {
		return 0;
	}
	return bind(fd, (struct sockaddr *)&ss, ss_len(&ss));
}

/* Returns a connected blocking fd, or -errno. */
static int connect_target(const struct sockaddr_storage *dst)
{
	int fd = socket(dst->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int err = 0;
	socklen_t elen = sizeof(err);

	if (fd < 0)
		return -errno;
	if (bind_source(fd, dst->ss_family) < 0)
		goto fail;
	set_nonblock(fd, true);
	if (connect(fd, (const struct sockaddr *)dst, ss_len(dst)) < 0) {
		if (errno != EINPROGRESS)
			goto fail;
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int r;
		while ((r = poll(&p, 1, opt.connect_ms)) < 0 && errno == EINTR)
			;
		if (r == 0) {
			errno = ETIMEDOUT;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			goto fail;
		if (err) {
			errno = err;
			goto fail;
		}
	}
	set_nonblock(fd, false);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
fail:
	err = errno;
	close(fd);
	return -err;
}

static int rep_for_errno(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return 5;
	case ENETUNREACH:
		return 3;
	case EHOSTUNREACH:
		return 4;
	case ETIMEDOUT:
		return 6;
	default:
		return 1;
	}
}

/* ---- byte relay ---- */

struct dir {
	int from, to;
	uint8_t *buf;
	size_t off, len;
	bool eof, done;
};

static int dir_flush(struct dir *d)
{
	while (d->len) {
		ssize_t w = send(d->to, d->buf + d->off, d->len, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return 0;
		if (w <= 0)
			return -1;
		d->off += (size_t)w;
		d->len -= (size_t)w;
	}
	d->off = 0;
	if (d->eof && !d->done) {
		shutdown(d->to, SHUT_WR);
		d->done = true;
	}
	return 0;
}

static int dir_fill(struct dir *d)
{
	ssize_t n = recv(d->from, d->buf, RELAY_BUF, 0);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (n == 0)
		d->eof = true;
	d->off = 0;
	d->len = (size_t)n;
	return dir_flush(d); /* try at once: usually the peer has room and we save a poll */
}

/* Copies both ways until both sides have closed; half-close is forwarded with SHUT_WR. */
static void relay(int cfd, int tfd, const uint8_t *pre, size_t prelen)
{
	uint8_t *mem = malloc(2 * RELAY_BUF);
	struct dir d[2] = {{.from = cfd, .to = tfd}, {.from = tfd, .to = cfd}};

	if (!mem)
		return;
	d[0].buf = mem;
	d[1].buf = mem + RELAY_BUF;
	set_nonblock(cfd, true);
	set_nonblock(tfd, true);
	memcpy(d[0].buf, pre, prelen);
	d[0].len = prelen;
	while (!d[0].done || !d[1].done) {
		short ev[2] = {0, 0}; /* index 0: cfd, 1: tfd */
		for (int i = 0; i < 2; i++) {
			if (d[i].len)
				ev[1 - i] |= POLLOUT;
			else if (!d[i].eof)
				ev[i] |= POLLIN;
		}
		/* an fd with nothing wanted is left out, or a persistent POLLHUP would spin */
		struct pollfd p[2] = {{.fd = ev[0] ? cfd : -1, .events = ev[0]},
				      {.fd = ev[1] ? tfd : -1, .events = ev[1]}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			short out = p[1 - i].revents, in = p[i].revents;
			if (d[i].len && out && dir_flush(&d[i]) < 0)
				goto out;
			if (!d[i].len && !d[i].eof && (in & (POLLIN | POLLHUP | POLLERR)) &&
			    dir_fill(&d[i]) < 0)
				goto out;
		}
	}
out:
	free(mem);
}

/* --zero-bnd: CONNECT and BIND replies name the unspecified address, port kept. */
static void zero_ip(struct sockaddr_storage *ss)
{
	if (!opt.zero_bnd)
		return;
	if (ss->ss_family == AF_INET6)
		memset(&((struct sockaddr_in6 *)ss)->sin6_addr, 0, 16);
	else
		memset(&((struct sockaddr_in *)ss)->sin_addr, 0, 4);
}

/* ---- BIND (RFC 1928 §4; SOCKS4 CD 2) ---- */

/* The one-shot listener a BIND gets: on --bind-listen's address, else the outgoing source
 * address, else the address the client reached us on; port chosen by the kernel. */
static int bind_open(const struct conn *c, int family, struct sockaddr_storage *where)
{
	struct sockaddr_storage ss = c->local;
	if (opt.has_bind_listen && opt.bind_listen.ss_family == family)
		ss = opt.bind_listen;
	else if (family == AF_INET && opt.has_source4) {
		ss = (struct sockaddr_storage){.ss_family = AF_INET};
		((struct sockaddr_in *)&ss)->sin_addr = opt.source4;
	} else if (family == AF_INET6 && opt.has_source6) {
		ss = (struct sockaddr_storage){.ss_family = AF_INET6};
		((struct sockaddr_in6 *)&ss)->sin6_addr = opt.source6;
	}
	if (ss.ss_family != family)
		return -EAFNOSUPPORT;
	ss_set_port(&ss, 0);
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	socklen_t l = sizeof(*where);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&ss, ss_len(&ss)) < 0 || listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)where, &l) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* The connection BIND waits for: its fd, or -1 when --bind-wait passed or the client hung
 * up first (then *gone is set). */
static int bind_wait(int lfd, int cfd, struct sockaddr_storage *peer, bool *gone)
{
	struct pollfd p[2] = {{.fd = lfd, .events = POLLIN}, {.fd = cfd, .events = POLLIN}};
	*gone = false;
	for (;;) {
		int r = poll(p, 2, opt.bind_wait_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (p[1].revents) {
			*gone = true;
			return -1;
		}
		socklen_t l = sizeof(*peer);
		int fd = accept4(lfd, (struct sockaddr *)peer, &l, SOCK_CLOEXEC);
		if (fd >= 0 || errno != EINTR)
			return fd;
	}
}

/* ---- SOCKS4 / 4a ---- */

/*  +----+----+----+----+----+----+----+----+----+----+....+----+
 *  | VN | CD | DSTPORT |      DSTIP        | USERID       |NULL|   then, for 4a, HOST NUL
 *  +----+----+----+----+----+----+----+----+----+----+....+----+
 *  reply: VN=0 CD DSTPORT DSTIP; CD 90 granted, 91 rejected or failed */
static void v4_reply(uint8_t rep[8], int cd, const struct sockaddr_storage *a)
{
	memset(rep, 0, 8);
	rep[1] = (uint8_t)cd;
	if (a && a->ss_family == AF_INET) {
		memcpy(rep + 2, &((const struct sockaddr_in *)a)->sin_port, 2);
		memcpy(rep + 4, &((const struct sockaddr_in *)a)->sin_addr, 4);
	}
}

/* Two replies: where we listen, then who connected; then the stream. */
static void socks4_bind(struct conn *c, const char *ver, const char *dst)
{
	struct sockaddr_storage where, peer;
	uint8_t rep[8];
	char a[64];
	bool gone;
	int lfd = opt.bind_reply >= 0 ? -1 : bind_open(c, AF_INET, &where), afd = -1;
	int cd = lfd >= 0 ? 90 : opt.bind_reply >= 0 ? opt.bind_reply : 91;

	fmt_ip(&where, a, sizeof(a));
	char res[16] = "ok";
	if (lfd < 0)
		snprintf(res, sizeof(res), "cd%d", cd);
	log_line("%s BIND %s auth=%s result=%s%s%s", ver, dst, c->auth, res,
		 lfd < 0 ? "" : " bnd=", lfd < 0 ? "" : a);
	zero_ip(&where);
	v4_reply(rep, cd, lfd < 0 ? NULL : &where);
	if (send_reply(c->fd, rep, 8) < 0 || lfd < 0)
		goto out;
	if (opt.bind_reply2 >= 0) {
		log_line("%s BINDREPLY result=cd%d", ver, opt.bind_reply2);
		v4_reply(rep, opt.bind_reply2, NULL);
		send_reply(c->fd, rep, 8);
		goto out;
	}
	afd = bind_wait(lfd, c->fd, &peer, &gone);
	fmt_ip(&peer, a, sizeof(a));
	log_line("%s BINDREPLY %s%s", ver,
		 afd < 0 ? "result=" : "peer=", afd < 0 ? (gone ? "client-gone" : "cd91") : a);
	if (gone)
		goto out;
	v4_reply(rep, afd < 0 ? 91 : 90, afd < 0 ? NULL : &peer);
	if (send_reply(c->fd, rep, 8) < 0 || afd < 0)
		goto out;
	close(lfd);
	lfd = -1;
	relay(c->fd, afd, c->rd.buf + c->rd.off, c->rd.len - c->rd.off);
out:
	if (afd >= 0)
		close(afd);
	if (lfd >= 0)
		close(lfd);
}

static void socks4(struct conn *c)
{
	uint8_t hdr[7], rep[8] = {0};
	char uid[256], host[256], dst[ESC_NAME_MAX + 16], result[16];
	size_t ulen, hlen;
	struct dest d = {0};
	int cd = 90, tfd = -1;

	if (take(&c->rd, hdr, 7) < 0 || take_cstr(&c->rd, uid, &ulen) < 0)
		goto drop;
	d.port = (uint16_t)(hdr[1] << 8 | hdr[2]);
	bool v4a = !hdr[3] && !hdr[4] && !hdr[5] && hdr[6];
	if (v4a) {
		if (take_cstr(&c->rd, host, &hlen) < 0)
			goto drop;
		d.is_name = true;
		d.namelen = (uint8_t)hlen;
		memcpy(d.name, host, hlen + 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&d.addr;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, hdr + 3, 4);
		s4->sin_port = htons(d.port);
	}
	if (msg_end(&c->rd) < 0)
		goto drop;
	if (ulen) {
		c->auth = "userid";
		escape((const uint8_t *)uid, ulen, c->user);
	}
	fmt_dest(&d, dst, sizeof(dst));
	char cmdbuf[8];
	snprintf(cmdbuf, sizeof(cmdbuf), "CMD%u", hdr[0]);
	const char *cmd = hdr[0] == 1 ? "CONNECT" : hdr[0] == 2 ? "BIND" : cmdbuf;

	if (opt.reply4 < 0 && hdr[0] == 2) {
		socks4_bind(c, v4a ? "v4a" : "v4", dst);
		return;
	}
	if (opt.reply4 >= 0)
		cd = opt.reply4;
	else if (hdr[0] != 1)
		cd = 91;
	else if (opt.user && (ulen != strlen(opt.user) || memcmp(uid, opt.user, ulen)))
		cd = 91; /* with --user set, the SOCKS4 user id must match it */
	else if (resolve(&d) < 0)
		cd = 91;
	else if ((tfd = connect_target(&d.addr)) < 0)
		cd = 91;

	if (cd == 90)
		snprintf(result, sizeof(result), "ok");
	else
		snprintf(result, sizeof(result), "cd%d", cd);
	log_req(c, v4a ? "v4a" : "v4", cmd, dst, result);

	rep[1] = (uint8_t)cd;
	if (tfd >= 0) {
		struct sockaddr_storage b;
		socklen_t bl = sizeof(b);
		if (!getsockname(tfd, (struct sockaddr *)&b, &bl) && b.ss_family == AF_INET) {
			zero_ip(&b);
			memcpy(rep + 2, &((struct sockaddr_in *)&b)->sin_port, 2);
			memcpy(rep + 4, &((struct sockaddr_in *)&b)->sin_addr, 4);
		}
	}
	if (send_reply(c->fd, rep, sizeof(rep)) < 0)
		goto drop;
	if (tfd < 0) {
		linger_close(c->fd, cd == 90 ? HS_TIMEOUT_MS : LINGER_MS);
		c->fd = -1;
		return;
	}
	relay(c->fd, tfd, c->rd.buf + c->rd.off, c->rd.len - c->rd.off);
drop:
	if (tfd >= 0)
		close(tfd);
}

/* ---- SOCKS5 ---- */

/* RFC 1928 §6 reply: VER REP RSV ATYP BND.ADDR BND.PORT; a NULL bnd sends 0.0.0.0:0. */
static int v5_reply(struct conn *c, int rep, const struct sockaddr_storage *bnd)
{
	uint8_t b[22] = {5, (uint8_t)rep, 0, 1};
	size_t n = 10;

	if (bnd && bnd->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)bnd;
		b[3] = 4;
		memcpy(b + 4, &s6->sin6_addr, 16);
		memcpy(b + 20, &s6->sin6_port, 2);
		n = 22;
	} else if (bnd) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)bnd;
		memcpy(b + 4, &s4->sin_addr, 4);
		memcpy(b + 8, &s4->sin_port, 2);
	}
	return send_reply(c->fd, b, n);
}

/* RFC 1929 §2: VER=1 ULEN UNAME PLEN PASSWD; reply VER STATUS (0 = success). */
static int v5_auth(struct conn *c)
{
	uint8_t ver, ulen, plen, uname[256], pw[256], rep[2];

	if (msg_begin(&c->rd) < 0 || take(&c->rd, &ver, 1) < 0 || ver != 1 ||
	    take(&c->rd, &ulen, 1) < 0 || take(&c->rd, uname, ulen) < 0 ||
	    take(&c->rd, &plen, 1) < 0 || take(&c->rd, pw, plen) < 0 || msg_end(&c->rd) < 0)
		return -1;
	c->auth = "userpass";
	escape(uname, ulen, c->user);
	bool ok = !opt.auth_fail;
	if (opt.user) {
		const char *p = opt.pass ? opt.pass : "";
		ok = ok && ulen == strlen(opt.user) && !memcmp(uname, opt.user, ulen) &&
		     plen == strlen(p) && !memcmp(pw, p, plen);
	}
	memset(pw, 0, sizeof(pw));
	if (!ok)
		log_line("v5 AUTH auth=userpass user=%s result=rejected", c->user);
	rep[0] = (uint8_t)opt.auth_ver;
	rep[1] = ok ? 0 : 1;
	if (send_reply(c->fd, rep, 2) < 0)
		return -1;
	if (!ok) {
		linger_close(c->fd, LINGER_MS);
		c->fd = -1;
		return -1;
	}
	return 0;
}

/* Greeting VER NMETHODS METHODS; answer VER METHOD. Returns the method in force, or -1. */
static int v5_greeting(struct conn *c)
{
	uint8_t n, m[256], chosen = 0xff;
	bool has0 = false, has2 = false;

	if (take(&c->rd, &n, 1) < 0 || take(&c->rd, m, n) < 0 || msg_end(&c->rd) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		has0 |= m[i] == 0;
		has2 |= m[i] == 2;
	}
	if (opt.garbage) {
		static const char junk[16] = "HTTP/1.0 400 Bad";
		send_reply(c->fd, junk, sizeof(junk));
		linger_close(c->fd, LINGER_MS);
		c->fd = -1;
		return -1;
	}
	if (opt.method >= 0)
		chosen = (uint8_t)opt.method;
	else if (opt.user)
		chosen = has2 ? 2 : 0xff; /* with credentials configured, no-auth is refused */
	else if (has0)
		chosen = 0;
	if (chosen == 0xff)
		log_line("v5 METHOD result=rejected");
	uint8_t rep[2] = {5, chosen};
	if (send_reply(c->fd, rep, 2) < 0)
		return -1;
	if (chosen != 0 && chosen != 2) {
		/* FF, or a forced method we cannot speak: the client must give up */
		linger_close(c->fd, LINGER_MS);
		c->fd = -1;
		return -1;
	}
	return chosen;
}

/* RFC 1928 §7 UDP header: RSV(2) FRAG ATYP DST.ADDR DST.PORT DATA */
static size_t udp_hdr(uint8_t *b, const struct sockaddr_storage *src)
{
	b[0] = b[1] = b[2] = 0;
	if (src->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)src;
		b[3] = 4;
		memcpy(b + 4, &s6->sin6_addr, 16);
		memcpy(b + 20, &s6->sin6_port, 2);
		return 22;
	}
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)src;
	b[3] = 1;
	memcpy(b + 4, &s4->sin_addr, 4);
	memcpy(b + 8, &s4->sin_port, 2);
	return 10;
}

/* Parses a client datagram's header into d; returns the header length or -1. */
static ssize_t udp_parse(const uint8_t *b, size_t n, struct dest *d)
{
	size_t alen;

	memset(d, 0, sizeof(*d));
	if (n < 4 || b[2] != 0) /* FRAG != 0: unsupported, so dropped (RFC 1928 §7) */
		return -1;
	if (b[3] == 1) {
		alen = 4;
	} else if (b[3] == 4) {
		alen = 16;
	} else if (b[3] == 3) {
		if (n < 5)
			return -1;
		alen = 1 + (size_t)b[4];
	} else {
		return -1;
	}
	if (n < 4 + alen + 2)
		return -1;
	d->port = (uint16_t)(b[4 + alen] << 8 | b[5 + alen]);
	if (b[3] == 3) {
		d->is_name = true;
		d->namelen = b[4];
		memcpy(d->name, b + 5, b[4]);
		d->name[b[4]] = 0;
	} else if (b[3] == 1) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&d->addr;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, b + 4, 4);
		s4->sin_port = htons(d->port);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&d->addr;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, b + 4, 16);
		s6->sin6_port = htons(d->port);
	}
	return (ssize_t)(4 + alen + 2);
}

static int udp_socket(int family, const struct sockaddr_storage *bind_to)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1;

	if (fd < 0)
		return -1;
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind_to) {
		struct sockaddr_storage b = *bind_to;
		ss_set_port(&b, 0);
		if (bind(fd, (struct sockaddr *)&b, ss_len(&b)) < 0)
			goto fail;
	} else if (bind_source(fd, family) < 0) {
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/* Client datagrams must come from the control connection's IP, and from the address the
 * request announced where it was not zero (RFC 1928 §6). */
static bool udp_client_ok(const struct conn *c, const struct dest *req,
			  const struct sockaddr_storage *from)
{
	if (!ss_same_ip(from, &c->peer))
		return false;
	if (!req->is_name && !ss_ip_is_zero(&req->addr) && !ss_same_ip(from, &req->addr))
		return false;
	return !req->port || req->port == ss_port(from);
}

/* --udp-flood N: before each reply, N datagrams from names the client never sent to
 * (flood-0.test, flood-1.test, ...), as a hostile relay might. */
static void udp_flood(int relay, const struct sockaddr_storage *client)
{
	for (int i = 0; i < opt.udp_flood; i++) {
		uint8_t d[64] = {0, 0, 0, 3};
		int n = snprintf((char *)d + 5, sizeof d - 5, "flood-%d.test", i);
		d[4] = (uint8_t)n;
		d[5 + n] = 0;
		d[6 + n] = 7;
		memcpy(d + 7 + n, "flood", 5);
		sendto(relay, d, (size_t)n + 12, 0, (const struct sockaddr *)client,
		       ss_len(client));
	}
}

static void udp_relay(struct conn *c, const struct dest *req, int relay, int out4, int out6)
{
	enum { BUFSZ = 65536 + 262 };
	uint8_t *buf = malloc(BUFSZ);
	struct sockaddr_storage client = {0};
	bool have_client = false;

	if (!buf)
		return;
	for (;;) {
		struct pollfd p[4] = {{.fd = c->fd, .events = POLLIN},
				      {.fd = relay, .events = POLLIN},
				      {.fd = out4, .events = POLLIN},
				      {.fd = out6, .events = POLLIN}};
		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents) {
			/* the association lives exactly as long as the control connection */
			ssize_t r = recv(c->fd, buf, BUFSZ, MSG_DONTWAIT);
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
				break;
		}
		if (p[1].revents & POLLIN) {
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);
			struct dest d;
			char dst[ESC_NAME_MAX + 16];
			ssize_t n = recvfrom(relay, buf, BUFSZ, 0, (struct sockaddr *)&from, &fl);
			ssize_t h = n > 0 ? udp_parse(buf, (size_t)n, &d) : -1;
			if (h >= 0 && udp_client_ok(c, req, &from) && resolve(&d) == 0) {
				int ofd = d.addr.ss_family == AF_INET6 ? out6 : out4;
				client = from;
				have_client = true;
				fmt_dest(&d, dst, sizeof(dst));
				log_line("v5 UDP %s len=%zd", dst, n - h);
				if (ofd >= 0)
					sendto(ofd, buf + h, (size_t)(n - h), 0,
					       (struct sockaddr *)&d.addr, ss_len(&d.addr));
			}
		}
		for (int i = 2; i < 4; i++) {
			if (!(p[i].revents & POLLIN))
				continue;
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(p[i].fd, buf + 22, BUFSZ - 22, 0,
					     (struct sockaddr *)&from, &fl);
			if (n < 0 || !have_client)
				continue;
			udp_flood(relay, &client);
			uint8_t h[22];
			size_t hl = udp_hdr(h, &from);
			memmove(buf + 22 - hl, h, hl);
			sendto(relay, buf + 22 - hl, hl + (size_t)n, 0, (struct sockaddr *)&client,
			       ss_len(&client));
		}
	}
	free(buf);
}

static void v5_udp(struct conn *c, const struct dest *req, const char *dst)
{
	int relay = udp_socket(c->local.ss_family, &c->local);
	int out4 = udp_socket(AF_INET, NULL), out6 = udp_socket(AF_INET6, NULL);
	struct sockaddr_storage bnd;
	socklen_t bl = sizeof(bnd);

	if (relay < 0 || (out4 < 0 && out6 < 0) ||
	    getsockname(relay, (struct sockaddr *)&bnd, &bl) < 0) {
		log_req(c, "v5", "UDP_ASSOCIATE", dst, "rep1");
		v5_reply(c, 1, NULL);
		goto out;
	}
	if (opt.has_bnd_addr) {
		bnd = opt.bnd_addr;
	} else if (opt.bnd_zero) {
		uint16_t port = ss_port(&bnd);
		sa_family_t fam = bnd.ss_family;
		memset(&bnd, 0, sizeof(bnd));
		bnd.ss_family = fam;
		ss_set_port(&bnd, port);
	}
	log_req(c, "v5", "UDP_ASSOCIATE", dst, "ok");
	if (v5_reply(c, 0, &bnd) == 0)
		udp_relay(c, req, relay, out4, out6);
out:
	if (relay >= 0)
		close(relay);
	if (out4 >= 0)
		close(out4);
	if (out6 >= 0)
		close(out6);
}

/* BIND's listener has the family of DST (IPv4 for a name we cannot resolve). */
static void v5_bind(struct conn *c, struct dest *d, const char *dst)
{
	struct sockaddr_storage where, peer;
	char a[64];
	bool gone;
	int family = (!d->is_name || resolve(d) == 0) ? d->addr.ss_family : AF_INET;
	int lfd = opt.bind_reply >= 0
		      ? -1
		      : bind_open(c, family == AF_INET6 ? AF_INET6 : AF_INET, &where);
	int rep = lfd >= 0 ? 0 : opt.bind_reply >= 0 ? opt.bind_reply : 1, afd = -1;

	fmt_ip(&where, a, sizeof(a));
	char res[16] = "ok";
	if (lfd < 0)
		snprintf(res, sizeof(res), "rep%d", rep);
	log_line("v5 BIND %s auth=%s result=%s%s%s", dst, c->auth, res,
		 lfd < 0 ? "" : " bnd=", lfd < 0 ? "" : a);
	zero_ip(&where);
	if (v5_reply(c, rep, lfd < 0 ? NULL : &where) < 0 || lfd < 0) {
		if (lfd < 0 && c->fd >= 0) {
			linger_close(c->fd, LINGER_MS);
			c->fd = -1;
		}
		goto out;
	}
	if (opt.bind_reply2 >= 0) {
		log_line("v5 BINDREPLY result=rep%d", opt.bind_reply2);
		v5_reply(c, opt.bind_reply2, NULL);
		linger_close(c->fd, LINGER_MS);
		c->fd = -1;
		goto out;
	}
	afd = bind_wait(lfd, c->fd, &peer, &gone);
	fmt_ip(&peer, a, sizeof(a));
	log_line("v5 BINDREPLY %s%s",
		 afd < 0 ? "result=" : "peer=", afd < 0 ? (gone ? "client-gone" : "rep6") : a);
	if (gone)
		goto out;
	if (v5_reply(c, afd < 0 ? 6 : 0, afd < 0 ? NULL : &peer) < 0 || afd < 0)
		goto out;
	close(lfd);
	lfd = -1;
	relay(c->fd, afd, c->rd.buf + c->rd.off, c->rd.len - c->rd.off);
out:
	if (afd >= 0)
		close(afd);
	if (lfd >= 0)
		close(lfd);
}

/* Request: VER CMD RSV ATYP DST.ADDR DST.PORT (RFC 1928 §4) */
static void v5_request(struct conn *c)
{
	uint8_t h[4], len, port[2];
	struct dest d = {0};
	char dst[ESC_NAME_MAX + 16], result[16];
	int rep = 0, tfd = -1;

	if (msg_begin(&c->rd) < 0 || take(&c->rd, h, 4) < 0 || h[0] != 5)
		return;
	if (h[3] == 1) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&d.addr;
		s4->sin_family = AF_INET;
		if (take(&c->rd, &s4->sin_addr, 4) < 0)
			return;
	} else if (h[3] == 4) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&d.addr;
		s6->sin6_family = AF_INET6;
		if (take(&c->rd, &s6->sin6_addr, 16) < 0)
			return;
	} else if (h[3] == 3) {
		d.is_name = true;
		if (take(&c->rd, &len, 1) < 0 || take(&c->rd, d.name, len) < 0)
			return;
		d.namelen = len;
		d.name[len] = 0;
	} else {
		/* unknown ATYP: its length is unknown too, so answer 8 and close */
		log_line("v5 REQUEST atyp=%u result=rep8", h[3]);
		v5_reply(c, 8, NULL);
		return;
	}
	if (take(&c->rd, port, 2) < 0 || msg_end(&c->rd) < 0)
		return;
	d.port = (uint16_t)(port[0] << 8 | port[1]);
	if (!d.is_name)
		ss_set_port(&d.addr, d.port);
	fmt_dest(&d, dst, sizeof(dst));
	char cmdbuf[8];
	snprintf(cmdbuf, sizeof(cmdbuf), "CMD%u", h[1]);
	const char *cmd = h[1] == 1   ? "CONNECT"
			  : h[1] == 2 ? "BIND"
			  : h[1] == 3 ? "UDP_ASSOCIATE"
				      : cmdbuf;

	if (opt.reply < 0 && h[1] == 2) {
		v5_bind(c, &d, dst);
		return;
	}
	if (opt.reply >= 0)
		rep = opt.reply;
	else if (h[1] == 3 && opt.no_udp)
		rep = 7;
	else if (h[1] == 3) {
		v5_udp(c, &d, dst);
		return;
	} else if (h[1] != 1)
		rep = 7;
	else if (resolve(&d) < 0)
		rep = 4;
	else if ((tfd = connect_target(&d.addr)) < 0)
		rep = rep_for_errno(-tfd);
	if (h[1] == 1 && opt.connect_delay_ms > 0)
		sleep_ms(opt.connect_delay_ms);

	if (rep)
		snprintf(result, sizeof(result), "rep%d", rep);
	else
		snprintf(result, sizeof(result), "ok");
	log_req(c, "v5", cmd, dst, result);

	struct sockaddr_storage bnd;
	socklen_t bl = sizeof(bnd);
	bool have_bnd = tfd >= 0 && !getsockname(tfd, (struct sockaddr *)&bnd, &bl);
	if (have_bnd)
		zero_ip(&bnd);
	if (v5_reply(c, rep, have_bnd ? &bnd : NULL) < 0)
		goto out;
	if (tfd < 0) {
		/* --reply 0 pretends success: keep the client until it hangs up */
		linger_close(c->fd, rep ? LINGER_MS : HS_TIMEOUT_MS);
		c->fd = -1;
		return;
	}
	relay(c->fd, tfd, c->rd.buf + c->rd.off, c->rd.len - c->rd.off);
out:
	if (tfd >= 0)
		close(tfd);
}

/* ---- HTTP CONNECT (RFC 9110 §9.3.6) ---- */

static int b64_val(int ch)
{
	static const char set[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = ch ? strchr(set, ch) : NULL;
	return p ? (int)(p - set) : -1;
}

/* Decodes base64 text up to '=', CR or the end; the number of bytes, or -1. */
static int b64_decode(const char *in, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	for (; *in && *in != '=' && *in != '\r'; in++) {
		int v = b64_val((unsigned char)*in);
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return (int)n;
}

/* The value of header name (case-insensitive) in the CRLF-separated head, or NULL. */
static const char *header(const char *head, const char *name)
{
	size_t nl = strlen(name);
	for (const char *l = strstr(head, "\r\n"); l; l = strstr(l, "\r\n")) {
		l += 2;
		if (!strncasecmp(l, name, nl) && l[nl] == ':') {
			l += nl + 1;
			while (*l == ' ' || *l == '\t')
				l++;
			return l;
		}
	}
	return NULL;
}

static bool http_auth_ok(struct conn *c, const char *head)
{
	const char *v = header(head, "Proxy-Authorization");
	uint8_t cred[600];
	int n;

	if (!v)
		return !opt.user;
	c->auth = "basic";
	if (strncasecmp(v, "Basic ", 6) || (n = b64_decode(v + 6, cred, sizeof cred - 1)) < 0)
		return false;
	uint8_t *colon = memchr(cred, ':', (size_t)n);
	if (!colon)
		return false;
	escape(cred, (size_t)(colon - cred), c->user);
	if (!opt.user)
		return true;
	const char *p = opt.pass ? opt.pass : "";
	size_t ul = (size_t)(colon - cred), pl = (size_t)n - ul - 1;
	return ul == strlen(opt.user) && !memcmp(cred, opt.user, ul) && pl == strlen(p) &&
	       !memcmp(colon + 1, p, pl);
}

/* "CONNECT host:port HTTP/1.x": the destination, with [v6] literals as addresses. */
static bool http_dest(const char *head, struct dest *d)
{
	char target[300];
	if (sscanf(head, "CONNECT %299s HTTP/1.%*1[01]", target) != 1)
		return false;
	char *colon = strrchr(target, ':'), *end;
	if (!colon || colon == target)
		return false;
	long port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 1 || port > 65535)
		return false;
	*colon = 0;
	d->port = (uint16_t)port;
	if (parse_ip(target, &d->addr) && (target[0] == '[') == (d->addr.ss_family == AF_INET6)) {
		ss_set_port(&d->addr, d->port);
		return true;
	}
	if (strchr(target, '[') || strchr(target, ':') || strlen(target) > 255)
		return false;
	d->is_name = true;
	d->namelen = (uint8_t)strlen(target);
	memcpy(d->name, target, d->namelen + 1);
	return true;
}

static const char *http_reason(int status)
{
	switch (status) {
	case 200:
		return "Connection established";
	case 403:
		return "Forbidden";
	case 407:
		return "Proxy Authentication Required";
	case 502:
		return "Bad Gateway";
	case 504:
		return "Gateway Timeout";
	default:
		return "Status";
	}
}

/* The header (with --http-headers N filler lines), and with --http-coalesce the
 * target's first bytes in the same write: a client that reads past the blank line
 * swallows them. */
static int http_reply(struct conn *c, int status, int tfd)
{
	size_t cap = 64 * 1024;
	char *b = malloc(cap);
	if (!b)
		return -1;
	size_t n = (size_t)snprintf(b, 1024, "HTTP/1.1 %d %s\r\n", status, http_reason(status));
	if (status == 407)
		n +=
		    (size_t)snprintf(b + n, 1024, "Proxy-Authenticate: Basic realm=\"socksd\"\r\n");
	for (int i = 0; i < opt.http_headers && n < 32 * 1024; i++)
		n += (size_t)snprintf(
		    b + n, 1024, "X-Filler-%d: %.60s\r\n", i,
		    "0123456789012345678901234567890123456789012345678901234567890");
	if (status != 200)
		n += (size_t)snprintf(b + n, 1024, "Content-Length: 0\r\n");
	n += (size_t)snprintf(b + n, 1024, "\r\n");
	if (tfd >= 0 && opt.http_coalesce && wait_in(tfd, 500)) {
		ssize_t r = recv(tfd, b + n, cap - n, 0);
		if (r > 0)
			n += (size_t)r;
	}
	int r = send_reply(c->fd, b, n);
	free(b);
	return r;
}

static void http_connect(struct conn *c)
{
	char head[8192] = "C", dst[ESC_NAME_MAX + 16], result[16];
	size_t n = 1;
	struct dest d = {0};
	int status = 200, tfd = -1;

	while (n < 4 || memcmp(head + n - 4, "\r\n\r\n", 4)) {
		if (n == sizeof head - 1 || take(&c->rd, head + n, 1) < 0)
			return;
		if (!head[n])
			return;
		n++;
	}
	head[n] = 0;
	/* RFC 9112 §3.2: a request without Host is bad */
	if (!http_dest(head, &d) || !header(head, "Host")) {
		log_line("http REQUEST result=http400");
		http_reply(c, 400, -1);
		return;
	}
	if (!http_auth_ok(c, head)) {
		status = 407;
	} else if (opt.http_status > 0) {
		status = opt.http_status;
	} else if (resolve(&d) < 0) {
		status = 502;
	} else if ((tfd = connect_target(&d.addr)) < 0) {
		status = -tfd == ETIMEDOUT ? 504 : 502;
	}
	fmt_dest(&d, dst, sizeof(dst));
	if (status == 200)
		snprintf(result, sizeof(result), "ok");
	else
		snprintf(result, sizeof(result), "http%d", status);
	log_req(c, "http", "CONNECT", dst, result);
	if (http_reply(c, status, tfd) < 0 || tfd < 0) {
		linger_close(c->fd, status == 200 ? HS_TIMEOUT_MS : LINGER_MS);
		c->fd = -1;
		if (tfd >= 0)
			close(tfd);
		return;
	}
	relay(c->fd, tfd, c->rd.buf + c->rd.off, c->rd.len - c->rd.off);
	close(tfd);
}

static void socks5(struct conn *c)
{
	int m = v5_greeting(c);
	if (m < 0 || (m == 2 && v5_auth(c) < 0))
		return;
	v5_request(c);
}

static void *conn_main(void *arg)
{
	struct conn *c = arg;
	socklen_t l = sizeof(c->local);
	uint8_t ver;

	c->rd.fd = c->fd;
	c->auth = "none";
	getsockname(c->fd, (struct sockaddr *)&c->local, &l);
	barrier_arrive();
	if (opt.silent) {
		/* accept and read, never answer: exercises client timeouts */
		drain(c->fd, -1);
	} else if (msg_begin(&c->rd) == 0 && take(&c->rd, &ver, 1) == 0) {
		if (ver == 4)
			socks4(c);
		else if (ver == 5)
			socks5(c);
		else if (ver == 'C')
			http_connect(c);
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	return NULL;
}

/* ---- startup ---- */

static volatile sig_atomic_t stop;
static int stop_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
	int e = errno;
	(void)sig;
	stop = 1;
	if (write(stop_pipe[1], "x", 1) < 0) {
		/* nothing to do: the flag alone also ends the loop */
	}
	errno = e;
}

static int open_listener(const struct sockaddr_storage *ss)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, ss_len(ss)) < 0 || listen(fd, 128) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The ready file lists the bound addresses (useful with port 0); renamed into place so a
 * test polling for it never sees it half written. */
static int write_ready(const int *fds, int n)
{
	char tmp[4096], line[80];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", opt.ready_file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct sockaddr_storage ss;
		socklen_t l = sizeof(ss);
		if (getsockname(fds[i], (struct sockaddr *)&ss, &l) < 0)
			continue;
		fmt_ip(&ss, line, sizeof(line) - 1);
		strcat(line, "\n");
		if (write(fd, line, strlen(line)) < 0)
			break;
	}
	close(fd);
	return rename(tmp, opt.ready_file);
}

static void usage(FILE *f)
{
	fputs("usage: socksd [options]\n"
	      "  --listen ADDR:PORT     listen here (repeatable; [::1]:1080 for IPv6;\n"
	      "                         default 127.0.0.1:1080)\n"
	      "  --map NAME=ADDR        the only names resolved (besides numeric and localhost)\n"
	      "  --source ADDR          bind outgoing IPv4 TCP/UDP to ADDR\n"
	      "  --source6 ADDR         bind outgoing IPv6 TCP/UDP to ADDR\n"
	      "  --user U --pass P      require RFC 1929 user/pass (and SOCKS4 user id U)\n"
	      "  --log FILE             append one line per request\n"
	      "  --ready-file FILE      create (listing bound addresses) once listening\n"
	      "  --connect-timeout MS   outgoing connect timeout (default 5000)\n"
	      "  --connect-delay-ms N   a slow target: N ms more before a CONNECT reply\n"
	      "failure switches:\n"
	      "  --reply N  --reply4 N  --no-udp  --method N  --auth-fail  --auth-ver N\n"
	      "  --delay-ms N  --fragment  --close-after N  --garbage  --silent  --strict\n"
	      "  --bnd-zero  --bnd-addr ADDR:PORT  --udp-flood N (name-sourced datagrams)\n"
	      "  --barrier N (no reply before N connections have arrived)\n"
	      "BIND:\n"
	      "  --bind-listen ADDR     where BIND listens (default: the --source address)\n"
	      "  --bind-wait MS         how long BIND waits for its peer (default 30000)\n"
	      "  --bind-reply N         the first BIND reply refuses with REP/CD N\n"
	      "  --bind-reply2 N        the second BIND reply refuses with REP/CD N at once\n"
	      "  --zero-bnd             CONNECT and BIND replies name 0.0.0.0 or :: (port kept)\n"
	      "HTTP CONNECT (a request starting with 'C'; --user/--pass ask for Basic auth):\n"
	      "  --http-status N        answer N instead of connecting\n"
	      "  --http-headers N       N filler lines in every reply header\n"
	      "  --http-coalesce        send the target's first bytes with the 200 in one write\n",
	      f);
}

static int num(const char *s, int lo, int hi)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi) {
		fprintf(stderr, "socksd: bad number '%s' (%d..%d)\n", s, lo, hi);
		exit(2);
	}
	return (int)v;
}

static void add_map(const char *s)
{
	const char *eq = strchr(s, '=');
	struct map_entry *m = &opt.map[opt.nmap];

	if (!eq || eq == s || eq - s > 255 || opt.nmap >= MAX_MAP || !parse_ip(eq + 1, &m->addr)) {
		fprintf(stderr, "socksd: bad --map '%s' (want name=addr)\n", s);
		exit(2);
	}
	memcpy(m->name, s, (size_t)(eq - s));
	m->name[eq - s] = 0;
	opt.nmap++;
}

static void parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char *a = argv[i], *v = NULL, *eq;
		struct sockaddr_storage ss;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		}
		if (!strncmp(a, "--", 2) && (eq = strchr(a, '='))) {
			*eq = 0;
			v = eq + 1;
		}
#define FLAG(n, f)                                                                                 \
	if (!strcmp(a, n)) {                                                                       \
		f = true;                                                                          \
		continue;                                                                          \
	}
		FLAG("--no-udp", opt.no_udp)
		FLAG("--auth-fail", opt.auth_fail)
		FLAG("--fragment", opt.fragment)
		FLAG("--garbage", opt.garbage)
		FLAG("--silent", opt.silent)
		FLAG("--strict", opt.strict)
		FLAG("--bnd-zero", opt.bnd_zero)
		FLAG("--zero-bnd", opt.zero_bnd)
		FLAG("--http-coalesce", opt.http_coalesce)
#undef FLAG
		if (!v && i + 1 < argc)
			v = argv[++i];
		if (!v) {
			fprintf(stderr, "socksd: unknown option or missing value: %s\n", a);
			usage(stderr);
			exit(2);
		}
		if (!strcmp(a, "--listen")) {
			if (opt.nlisten >= MAX_LISTEN ||
			    !parse_hostport(v, &opt.listen[opt.nlisten]))
				goto bad;
			opt.nlisten++;
		} else if (!strcmp(a, "--map")) {
			add_map(v);
		} else if (!strcmp(a, "--source")) {
			if (!parse_ip(v, &ss) || ss.ss_family != AF_INET)
				goto bad;
			opt.source4 = ((struct sockaddr_in *)&ss)->sin_addr;
			opt.has_source4 = true;
		} else if (!strcmp(a, "--source6")) {
			if (!parse_ip(v, &ss) || ss.ss_family != AF_INET6)
				goto bad;
			opt.source6 = ((struct sockaddr_in6 *)&ss)->sin6_addr;
			opt.has_source6 = true;
		} else if (!strcmp(a, "--log")) {
			opt.log_fd = open(v, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
			if (opt.log_fd < 0) {
				perror(v);
				exit(2);
			}
		} else if (!strcmp(a, "--ready-file")) {
			opt.ready_file = v;
		} else if (!strcmp(a, "--user")) {
			opt.user = v;
		} else if (!strcmp(a, "--pass")) {
			opt.pass = v;
		} else if (!strcmp(a, "--reply")) {
			opt.reply = num(v, 0, 255);
		} else if (!strcmp(a, "--reply4")) {
			opt.reply4 = num(v, 0, 255);
		} else if (!strcmp(a, "--method")) {
			opt.method = num(v, 0, 255);
		} else if (!strcmp(a, "--auth-ver")) {
			opt.auth_ver = num(v, 0, 255);
		} else if (!strcmp(a, "--delay-ms")) {
			opt.delay_ms = num(v, 0, 600000);
		} else if (!strcmp(a, "--close-after")) {
			opt.close_after = num(v, 0, 1 << 20);
		} else if (!strcmp(a, "--connect-delay-ms")) {
			opt.connect_delay_ms = num(v, 0, 600000);
		} else if (!strcmp(a, "--connect-timeout")) {
			opt.connect_ms = num(v, 1, 600000);
		} else if (!strcmp(a, "--barrier")) {
			opt.barrier = num(v, 0, 100000);
		} else if (!strcmp(a, "--http-status")) {
			opt.http_status = num(v, 100, 999);
		} else if (!strcmp(a, "--http-headers")) {
			opt.http_headers = num(v, 0, 500);
		} else if (!strcmp(a, "--udp-flood")) {
			opt.udp_flood = num(v, 0, 1 << 20);
		} else if (!strcmp(a, "--bind-listen")) {
			if (!parse_ip(v, &opt.bind_listen))
				goto bad;
			opt.has_bind_listen = true;
		} else if (!strcmp(a, "--bind-wait")) {
			opt.bind_wait_ms = num(v, 1, 600000);
		} else if (!strcmp(a, "--bind-reply")) {
			opt.bind_reply = num(v, 1, 255);
		} else if (!strcmp(a, "--bind-reply2")) {
			opt.bind_reply2 = num(v, 1, 255);
		} else if (!strcmp(a, "--bnd-addr")) {
			if (!parse_hostport(v, &opt.bnd_addr))
				goto bad;
			opt.has_bnd_addr = true;
		} else {
			fprintf(stderr, "socksd: unknown option %s\n", a);
			usage(stderr);
			exit(2);
		}
		continue;
	bad:
		fprintf(stderr, "socksd: bad value for %s: '%s'\n", a, v);
		exit(2);
	}
	if (opt.pass && !opt.user) {
		fprintf(stderr, "socksd: --pass needs --user\n");
		exit(2);
	}
	if (!opt.nlisten)
		parse_hostport("127.0.0.1:1080", &opt.listen[opt.nlisten++]);
}

int main(int argc, char **argv)
{
	int lfd[MAX_LISTEN];
	struct sigaction sa = {.sa_handler = on_signal};
	sigset_t block, old;

	signal(SIGPIPE, SIG_IGN);
	parse_args(argc, argv);
	if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("socksd: pipe");
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* only the main thread takes the signals; workers inherit the blocked mask */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);

	for (int i = 0; i < opt.nlisten; i++) {
		lfd[i] = open_listener(&opt.listen[i]);
		if (lfd[i] < 0) {
			char a[64];
			fmt_ip(&opt.listen[i], a, sizeof(a));
			fprintf(stderr, "socksd: cannot listen on %s: %s\n", a, strerror(errno));
			return 1;
		}
	}
	if (opt.ready_file && write_ready(lfd, opt.nlisten) < 0) {
		perror(opt.ready_file);
		return 1;
	}

	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	while (!stop) {
		struct pollfd p[MAX_LISTEN + 1];
		for (int i = 0; i < opt.nlisten; i++)
			p[i] = (struct pollfd){.fd = lfd[i], .events = POLLIN};
		p[opt.nlisten] = (struct pollfd){.fd = stop_pipe[0], .events = POLLIN};
		if (ppoll(p, (nfds_t)opt.nlisten + 1, NULL, &old) < 0) {
			if (errno == EINTR)
				continue;
			perror("socksd: poll");
			break;
		}
		for (int i = 0; i < opt.nlisten && !stop; i++) {
			if (!(p[i].revents & POLLIN))
				continue;
			struct conn *c = calloc(1, sizeof(*c));
			socklen_t pl = sizeof(c->peer);
			pthread_t t;
			if (!c)
				continue;
			c->fd = accept4(lfd[i], (struct sockaddr *)&c->peer, &pl, SOCK_CLOEXEC);
			if (c->fd < 0) {
				if (errno == EMFILE || errno == ENFILE)
					sleep_ms(10);
				free(c);
				continue;
			}
			int one = 1;
			setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			if (pthread_create(&t, &attr, conn_main, c)) {
				close(c->fd);
				free(c);
			}
		}
	}
	pthread_attr_destroy(&attr);
	for (int i = 0; i < opt.nlisten; i++)
		close(lfd[i]);
	/* the log stays open: detached workers may still be writing their last line */
	close(stop_pipe[0]);
	close(stop_pipe[1]);
	return 0;
}
