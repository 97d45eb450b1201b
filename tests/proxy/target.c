/* SPDX-License-Identifier: MIT */
/* target: the far end of the end-to-end tests. HTTP, TCP echo, banner, whoami and UDP echo
 * listeners in one process; every accept and datagram is logged so a test can tell which
 * source address (direct or via the proxy) reached which listener. */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

enum kind { K_HTTP, K_ECHO, K_BANNER, K_WHOAMI, K_UDP_ECHO };

static const char *const kind_names[] = {"http", "echo", "banner", "whoami", "udp-echo"};

struct listener {
	enum kind kind;
	int fd;
	char name[64]; /* bound address as "ip:port" / "[ip6]:port", for the log */
};

struct conn {
	int fd;
	const struct listener *l;
	struct sockaddr_storage peer;
};

#define MAX_LISTENERS 64
#define IO_BUF	      65536
#define HDR_MAX	      16384
#define BANNER	      "220 banner.test ESMTP ready\r\n"

static struct listener listeners[MAX_LISTENERS];
static size_t n_listeners;
static int log_fd = -1;
/* Pattern i % 251 starting at every phase: a chunk at offset i is pattern + i % 251. */
static uint8_t pattern[IO_BUF + 251];

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("target: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* "1.2.3.4:80" or "[::1]:80" into a sockaddr; 0 or -EINVAL. */
static int parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port;
	size_t hl;
	char *end;
	unsigned long p;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			return -EINVAL;
		hl = (size_t)(rb - s - 1);
		if (hl >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, hl);
		port = rb + 2;
	} else {
		const char *c = strrchr(s, ':');

		if (!c)
			return -EINVAL;
		hl = (size_t)(c - s);
		if (hl >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, hl);
		port = c + 1;
	}
	host[hl] = '\0';
	errno = 0;
	p = strtoul(port, &end, 10);
	if (!*port || *end || errno || p > 65535)
		return -EINVAL;

	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)p);
		*len = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*a6);
		return 0;
	}
	return -EINVAL;
}

/* IP only (IPv6 without brackets), as the HTTP and whoami bodies want it. */
static void fmt_ip(const struct sockaddr_storage *ss, char *out, size_t n)
{
	const void *a = ss->ss_family == AF_INET6
			    ? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr
			    : (const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family, a, out, (socklen_t)n))
		snprintf(out, n, "?");
}

static void fmt_addr(const struct sockaddr_storage *ss, char *out, size_t n)
{
	char ip[INET6_ADDRSTRLEN];
	unsigned port = ss->ss_family == AF_INET6
			    ? ntohs(((const struct sockaddr_in6 *)ss)->sin6_port)
			    : ntohs(((const struct sockaddr_in *)ss)->sin_port);

	fmt_ip(ss, ip, sizeof(ip));
	if (ss->ss_family == AF_INET6)
		snprintf(out, n, "[%s]:%u", ip, port);
	else
		snprintf(out, n, "%s:%u", ip, port);
}

static void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One write() per line on an O_APPEND fd: lines from threads never interleave. */
static void log_line(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (log_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(log_fd, buf, (size_t)n) < 0)
		return;
}

static int write_all(int fd, const void *p, size_t n)
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

static ssize_t read_some(int fd, void *p, size_t n)
{
	ssize_t r;

	do
		r = recv(fd, p, n, 0);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Send our last bytes, then wait briefly for the peer's FIN: closing with unread input
 * would turn the close into an RST that can destroy the response in flight. */
static void close_gracefully(int fd)
{
	char junk[4096];
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	shutdown(fd, SHUT_WR);
	for (int i = 0; i < 64 && poll(&pfd, 1, 2000) > 0; i++)
		if (read_some(fd, junk, sizeof(junk)) <= 0)
			break;
	close(fd);
}

static void serve_echo(int fd)
{
	char *buf = malloc(IO_BUF);
	ssize_t r;

	if (!buf)
		return;
	while ((r = read_some(fd, buf, IO_BUF)) > 0)
		if (write_all(fd, buf, (size_t)r) < 0)
			break;
	free(buf);
	/* The client's FIN arrived and everything is echoed: pass the half-close on. */
	shutdown(fd, SHUT_WR);
}

/* ---- HTTP ---------------------------------------------------------------------------- */

struct http {
	int fd;
	char ip[INET6_ADDRSTRLEN];
	char buf[HDR_MAX];
	size_t have;
};

struct request {
	char method[16];
	char path[1024];
	int minor;     /* HTTP/1.<minor> */
	uint64_t clen; /* Content-Length, 0 if absent */
	int keep;      /* keep the connection after the response */
	int chunked;
};

/* Case-insensitive header match at the start of a line: returns the value or NULL. */
static const char *header_value(const char *line, const char *name)
{
	size_t n = strlen(name);

	if (strncasecmp(line, name, n) != 0 || line[n] != ':')
		return NULL;
	line += n + 1;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

/* Parse the NUL-terminated header block; 0 or -1 for a bad request. */
static int parse_request(char *h, struct request *rq)
{
	char *save = NULL;
	char *line = strtok_r(h, "\r\n", &save);
	char ver[16];
	int conn_close = 0, conn_keep = 0;

	memset(rq, 0, sizeof(*rq));
	if (!line || sscanf(line, "%15s %1023s %15s", rq->method, rq->path, ver) != 3)
		return -1;
	if (strncmp(ver, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)ver[7]) || ver[8])
		return -1;
	rq->minor = ver[7] - '0';
	while ((line = strtok_r(NULL, "\r\n", &save))) {
		const char *v;

		if ((v = header_value(line, "Content-Length"))) {
			char *end;

			errno = 0;
			rq->clen = strtoull(v, &end, 10);
			if (errno || end == v || !isdigit((unsigned char)*v))
				return -1;
		} else if ((v = header_value(line, "Connection"))) {
			conn_close |= strcasestr(v, "close") != NULL;
			conn_keep |= strcasestr(v, "keep-alive") != NULL;
		} else if ((v = header_value(line, "Transfer-Encoding"))) {
			rq->chunked = strcasestr(v, "chunked") != NULL;
		}
	}
	rq->keep = rq->minor >= 1 ? !conn_close : conn_keep;
	return 0;
}

/* Move up to n body bytes to out (or discard them if out < 0), buffered ones first. */
static int pass_body(struct http *c, uint64_t n, int out)
{
	size_t take = c->have < n ? c->have : (size_t)n;
	char *buf;

	if (take) {
		if (out >= 0 && write_all(out, c->buf, take) < 0)
			return -1;
		memmove(c->buf, c->buf + take, c->have - take);
		c->have -= take;
		n -= take;
	}
	if (!n)
		return 0;
	buf = malloc(IO_BUF);
	if (!buf)
		return -1;
	while (n) {
		ssize_t r = read_some(c->fd, buf, n < IO_BUF ? (size_t)n : IO_BUF);

		if (r <= 0 || (out >= 0 && write_all(out, buf, (size_t)r) < 0)) {
			free(buf);
			return -1;
		}
		n -= (uint64_t)r;
	}
	free(buf);
	return 0;
}

static int send_head(struct http *c, const struct request *rq, const char *status,
		     const char *ctype, uint64_t len)
{
	char h[256];
	int n = snprintf(h, sizeof(h),
			 "HTTP/1.%d %s\r\nServer: sx-target\r\nContent-Type: %s\r\n"
			 "Content-Length: %" PRIu64 "\r\nConnection: %s\r\n\r\n",
			 rq->minor, status, ctype, len, rq->keep ? "keep-alive" : "close");

	return write_all(c->fd, h, (size_t)n);
}

static int send_simple(struct http *c, const struct request *rq, const char *status,
		       const char *body, int head_only)
{
	size_t n = strlen(body);

	if (send_head(c, rq, status, "text/plain", n) < 0)
		return -1;
	return head_only ? 0 : write_all(c->fd, body, n);
}

static int send_bytes(struct http *c, const struct request *rq, uint64_t n, int head_only)
{
	uint64_t off = 0;

	if (send_head(c, rq, "200 OK", "application/octet-stream", n) < 0)
		return -1;
	if (head_only)
		return 0;
	while (off < n) {
		size_t chunk = n - off < IO_BUF ? (size_t)(n - off) : IO_BUF;

		if (write_all(c->fd, pattern + off % 251, chunk) < 0)
			return -1;
		off += chunk;
	}
	return 0;
}

/* Strict decimal: "/bytes/12" -> 12; anything else is not a /bytes/ path. */
static int bytes_path(const char *path, uint64_t *n)
{
	const char *d = path + 7;
	char *end;

	if (strncmp(path, "/bytes/", 7) != 0 || !isdigit((unsigned char)*d))
		return 0;
	errno = 0;
	*n = strtoull(d, &end, 10);
	return !errno && (*end == '\0' || *end == '?');
}

/* One request/response; 1 to keep going, 0 to close. */
static int http_one(struct http *c)
{
	struct request rq;
	char *end;
	size_t hlen;
	uint64_t n;

	for (;;) {
		end = memmem(c->buf, c->have, "\r\n\r\n", 4);
		if (end)
			break;
		if (c->have == sizeof(c->buf) - 1) {
			static const char big[] = "HTTP/1.1 431 Request Header Fields Too Large\r\n"
						  "Content-Length: 0\r\nConnection: close\r\n\r\n";
			write_all(c->fd, big, sizeof(big) - 1);
			return 0;
		}
		ssize_t r = read_some(c->fd, c->buf + c->have, sizeof(c->buf) - 1 - c->have);

		if (r <= 0)
			return 0;
		c->have += (size_t)r;
	}
	hlen = (size_t)(end - c->buf) + 4;
	*end = '\0';
	if (parse_request(c->buf, &rq) < 0 || rq.chunked) {
		static const char bad[] = "HTTP/1.1 400 Bad Request\r\n"
					  "Content-Length: 0\r\nConnection: close\r\n\r\n";
		write_all(c->fd, bad, sizeof(bad) - 1);
		return 0;
	}
	memmove(c->buf, c->buf + hlen, c->have - hlen);
	c->have -= hlen;

	int head = strcmp(rq.method, "HEAD") == 0;
	int ok;

	if (strcmp(rq.method, "POST") == 0 && strcmp(rq.path, "/echo") == 0) {
		ok = send_head(c, &rq, "200 OK", "application/octet-stream", rq.clen) == 0 &&
		     pass_body(c, rq.clen, c->fd) == 0;
	} else if (strcmp(rq.method, "GET") == 0 || head) {
		ok = pass_body(c, rq.clen, -1) == 0;
		if (ok && bytes_path(rq.path, &n)) {
			ok = send_bytes(c, &rq, n, head) == 0;
		} else if (ok) {
			char body[INET6_ADDRSTRLEN + 8];

			snprintf(body, sizeof(body), "peer=%s\n", c->ip);
			ok = send_simple(c, &rq, "200 OK", body, head) == 0;
		}
	} else {
		ok = pass_body(c, rq.clen, -1) == 0 &&
		     send_simple(c, &rq, "405 Method Not Allowed", "method not allowed\n", 0) == 0;
	}
	return ok && rq.keep;
}

static void serve_http(int fd, const struct sockaddr_storage *peer)
{
	struct http *c = malloc(sizeof(*c));

	if (!c)
		return;
	c->fd = fd;
	c->have = 0;
	fmt_ip(peer, c->ip, sizeof(c->ip));
	while (http_one(c))
		;
	free(c);
}

/* ---- accept loop --------------------------------------------------------------------- */

static void *conn_main(void *arg)
{
	struct conn *cn = arg;
	char ip[INET6_ADDRSTRLEN + 8];

	switch (cn->l->kind) {
	case K_HTTP:
		serve_http(cn->fd, &cn->peer);
		break;
	case K_BANNER:
		if (write_all(cn->fd, BANNER, sizeof(BANNER) - 1) < 0)
			break;
		/* fall through */
	case K_ECHO:
		serve_echo(cn->fd);
		break;
	case K_WHOAMI:
		/* One write: a client's single recv() must see the whole line. */
		fmt_ip(&cn->peer, ip, sizeof(ip));
		char line[sizeof ip + 8];
		snprintf(line, sizeof line, "peer=%s\n", ip);
		write_all(cn->fd, line, strlen(line));
		break;
	case K_UDP_ECHO:
		break;
	}
	close_gracefully(cn->fd);
	free(cn);
	return NULL;
}

static void on_accept(const struct listener *l)
{
	struct conn *cn = malloc(sizeof(*cn));
	socklen_t sl = sizeof(struct sockaddr_storage);
	char peer[80];
	pthread_attr_t at;
	pthread_t t;

	if (!cn)
		return;
	cn->l = l;
	cn->fd = accept4(l->fd, (struct sockaddr *)&cn->peer, &sl, SOCK_CLOEXEC);
	if (cn->fd < 0) {
		free(cn);
		return;
	}
	fmt_addr(&cn->peer, peer, sizeof(peer));
	log_line("tcp listen=%s peer=%s", l->name, peer);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &at, conn_main, cn) != 0) {
		close(cn->fd);
		free(cn);
	}
	pthread_attr_destroy(&at);
}

static void on_datagram(const struct listener *l, uint8_t *buf, size_t cap)
{
	struct sockaddr_storage peer;
	socklen_t sl = sizeof(peer);
	char name[80];
	ssize_t r = recvfrom(l->fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)&peer, &sl);

	if (r < 0)
		return;
	fmt_addr(&peer, name, sizeof(name));
	log_line("udp listen=%s peer=%s len=%zd", l->name, name, r);
	sendto(l->fd, buf, (size_t)r, MSG_DONTWAIT, (struct sockaddr *)&peer, sl);
}

static void open_listener(struct listener *l, const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, udp = l->kind == K_UDP_ECHO;

	if (parse_addr(spec, &ss, &len) < 0)
		die("bad address '%s' (want IP:PORT or [IPv6]:PORT)", spec);
	/* Non-blocking: a connection reset between poll() and accept() must not stall us. */
	l->fd = socket(ss.ss_family,
		       (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (l->fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(l->fd, (struct sockaddr *)&ss, len) < 0)
		die("bind %s %s: %s", kind_names[l->kind], spec, strerror(errno));
	if (!udp && listen(l->fd, 128) < 0)
		die("listen %s: %s", spec, strerror(errno));
	/* Report the real port, so a test may ask for port 0. */
	len = sizeof(ss);
	getsockname(l->fd, (struct sockaddr *)&ss, &len);
	fmt_addr(&ss, l->name, sizeof(l->name));
}

/* Written to a temporary name and renamed, so a waiting test never sees it half-written. */
static void write_ready(const char *path)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		die("%s: %s", tmp, strerror(errno));
	for (size_t i = 0; i < n_listeners; i++)
		fprintf(f, "%s %s\n", kind_names[listeners[i].kind], listeners[i].name);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		die("%s: %s", path, strerror(errno));
}

static void usage(void)
{
	fputs("usage: target [--http|--echo|--banner|--whoami|--udp-echo ADDR:PORT]...\n"
	      "              [--log FILE] [--ready-file FILE]\n"
	      "ADDR:PORT is 192.0.2.1:80 or [2001:db8::1]:80; every option repeats.\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"http", required_argument, NULL, K_HTTP},
	    {"echo", required_argument, NULL, K_ECHO},
	    {"banner", required_argument, NULL, K_BANNER},
	    {"whoami", required_argument, NULL, K_WHOAMI},
	    {"udp-echo", required_argument, NULL, K_UDP_ECHO},
	    {"log", required_argument, NULL, 'l'},
	    {"ready-file", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *specs[MAX_LISTENERS];
	const char *ready = NULL;
	struct pollfd pfd[MAX_LISTENERS + 1];
	sigset_t sigs;
	uint8_t *dgram;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case K_HTTP:
		case K_ECHO:
		case K_BANNER:
		case K_WHOAMI:
		case K_UDP_ECHO:
			if (n_listeners == MAX_LISTENERS)
				die("too many listeners");
			listeners[n_listeners].kind = (enum kind)c;
			specs[n_listeners++] = optarg;
			break;
		case 'l':
			if (log_fd >= 0)
				close(log_fd);
			log_fd = open(optarg, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
			if (log_fd < 0)
				die("%s: %s", optarg, strerror(errno));
			break;
		case 'r':
			ready = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || n_listeners == 0)
		usage();

	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i % 251);
	signal(SIGPIPE, SIG_IGN);
	/* Blocked before any thread exists, so only the signalfd ever sees them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	pfd[n_listeners].fd = signalfd(-1, &sigs, SFD_CLOEXEC);
	pfd[n_listeners].events = POLLIN;
	if (pfd[n_listeners].fd < 0)
		die("signalfd: %s", strerror(errno));

	for (size_t i = 0; i < n_listeners; i++) {
		open_listener(&listeners[i], specs[i]);
		pfd[i].fd = listeners[i].fd;
		pfd[i].events = POLLIN;
	}
	if (ready)
		write_ready(ready);

	dgram = malloc(IO_BUF);
	if (!dgram)
		die("out of memory");
	for (;;) {
		if (poll(pfd, n_listeners + 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		if (pfd[n_listeners].revents)
			break;
		for (size_t i = 0; i < n_listeners; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			if (listeners[i].kind == K_UDP_ECHO)
				on_datagram(&listeners[i], dgram, IO_BUF);
			else
				on_accept(&listeners[i]);
		}
	}
	for (size_t i = 0; i <= n_listeners; i++)
		close(pfd[i].fd);
	free(dgram);
	/* Connection threads may still be logging: exit() closes the log for them. */
	return 0;
}
