/* SPDX-License-Identifier: MIT */
/* The only <ares.h> user. c-ares runs over our socket functions: its TCP connection to
 * the DNS server is a SOCKS CONNECT through the proxy, driven by io.c; it never goes
 * through the shim's own hooks. One channel per lookup: nothing shared between threads
 * (c-ares 1.18 channels have no locking). */
#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "../base/guard.h"
#include "../base/io.h"
#include "../base/log.h"
#include "../base/real.h"
#include "../base/sockaddr.h"
#include "dns_cares.h"

struct lookup {
	const struct sx_state *st;
	bool done;
	int status;
	int af;
	uint8_t *addr; /* forward: the answer's first address */
	char *name;    /* reverse: the answer's name, 256 bytes */
	int ready;     /* connected through the proxy, for c-ares's TCP socket; or -1 */
	int given;     /* ready as handed to c-ares, its connect() still to come; or -1 */
};

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static int lib_status = ARES_ENOTINITIALIZED;

static void lib_init(void)
{
	lib_status = ares_library_init(ARES_LIB_INIT_ALL);
}

static ares_socket_t a_socket(int domain, int type, int protocol, void *data)
{
	struct lookup *l = data;
	if ((type & 0xf) == SOCK_STREAM && l->ready >= 0) {
		l->given = l->ready;
		l->ready = -1;
		return l->given;
	}
	return sx_real.socket(domain, type, protocol);
}

static int a_close(ares_socket_t fd, void *data)
{
	(void)data;
	return sx_real.close(fd);
}

/* A TCP connection to the DNS server through the proxy: 0 or -errno, logged. */
static int through_proxy(const struct sx_state *st, int fd, const struct sockaddr *sa,
			 socklen_t len)
{
	struct sx_target dst;
	int r = sx_sockaddr_to_target(sa, len, &dst);
	if (r == 0)
		r = sx_io_proxy_connect(st, fd, -1, SX_CMD_CONNECT, &dst, NULL);
	if (r < 0) {
		char d[300];
		sx_target_format(&dst, d, sizeof d);
		sx_log(SX_LOG_WARN, "DNS server %s through the proxy: %s", d, strerror(-r));
	}
	return r;
}

static int a_connect(ares_socket_t fd, const struct sockaddr *sa, ares_socklen_t len, void *data)
{
	struct lookup *l = data;
	if (fd == l->given) {
		l->given = -1;
		return 0;
	}
	int type = 0;
	socklen_t tl = sizeof type;
	/* c-ares sorts answers (RFC 6724) by connecting UDP sockets to them, which sends
	 * nothing: only its TCP connection to the server goes through the proxy. */
	if (sx_real.getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type != SOCK_STREAM)
		return sx_real.connect(fd, sa, len);
	int r = through_proxy(l->st, fd, sa, len);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return 0;
}

static ares_ssize_t a_recvfrom(ares_socket_t fd, void *buf, size_t n, int flags,
			       struct sockaddr *from, ares_socklen_t *fromlen, void *data)
{
	(void)data;
	return sx_real.recvfrom(fd, buf, n, flags, from, fromlen);
}

static ares_ssize_t a_sendv(ares_socket_t fd, const struct iovec *iov, int n, void *data)
{
	(void)data;
	return sx_real.writev(fd, iov, n);
}

static const struct ares_socket_functions socket_functions = {
    a_socket, a_close, a_connect, a_recvfrom, a_sendv,
};

static void on_host(void *arg, int status, int timeouts, struct hostent *h)
{
	(void)timeouts;
	struct lookup *l = arg;
	l->done = true;
	l->status = status;
	if (status != ARES_SUCCESS)
		return;
	if (l->name) {
		if (h && h->h_name && strlen(h->h_name) < 256)
			strcpy(l->name, h->h_name);
		else
			l->status = ARES_ENODATA;
	} else if (h && h->h_addr_list[0] && h->h_length == (l->af == 4 ? 4 : 16)) {
		memcpy(l->addr, h->h_addr_list[0], (size_t)h->h_length);
	} else {
		l->status = ARES_ENODATA;
	}
}

static void run(ares_channel ch, struct lookup *l)
{
	while (!l->done) {
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		/* Bits read unsigned: c-ares's ARES_GETSOCK_WRITABLE shifts 1 into the sign
		 * bit for the 16th socket. */
		unsigned mask = (unsigned)ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
		struct pollfd p[ARES_GETSOCK_MAXNUM];
		int n = 0;
		for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			short ev = (short)((mask >> i & 1u ? POLLIN : 0) |
					   (mask >> (i + ARES_GETSOCK_MAXNUM) & 1u ? POLLOUT : 0));
			if (ev)
				p[n++] = (struct pollfd){.fd = socks[i], .events = ev};
		}
		if (n == 0) {
			/* Nothing in flight and no answer: let c-ares time out its queries. */
			ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
			if (!l->done) {
				l->done = true;
				l->status = ARES_ECONNREFUSED;
			}
			break;
		}
		struct timeval tv, *tvp = ares_timeout(ch, NULL, &tv);
		int ms = tvp ? (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000) : 1000;
		int r = SX_UNGUARDED(sx_real.poll(p, (nfds_t)n, ms));
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0) {
			ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
			continue;
		}
		for (int i = 0; i < n; i++)
			ares_process_fd(
			    ch,
			    p[i].revents & (POLLIN | POLLHUP | POLLERR) ? p[i].fd : ARES_SOCKET_BAD,
			    p[i].revents & POLLOUT ? p[i].fd : ARES_SOCKET_BAD);
	}
}

/* One question on a fresh channel to the configured server; c-ares's status. */
static int ask(const struct sx_state *st, struct lookup *l, const char *name, int af,
	       const uint8_t *addr)
{
	const struct sx_config *c = &st->config;
	pthread_once(&lib_once, lib_init);
	if (lib_status != ARES_SUCCESS)
		return ARES_ENOTINITIALIZED;

	struct ares_options o = {0};
	o.flags = ARES_FLAG_USEVC | ARES_FLAG_NOSEARCH;
	o.timeout = (int)c->handshake_timeout_ms;
	o.tries = 2;
	o.lookups = (char *)"b"; /* DNS only: /etc/hosts was consulted before we got here */
	ares_channel ch;
	if (ares_init_options(&ch, &o,
			      ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
				  ARES_OPT_LOOKUPS) != ARES_SUCCESS)
		return ARES_ENOMEM;

	struct ares_addr_port_node server = {0};
	server.family = c->dns_server_af == 4 ? AF_INET : AF_INET6;
	memcpy(&server.addr, c->dns_server_addr, c->dns_server_af == 4 ? 4 : 16);
	server.udp_port = server.tcp_port = c->dns_server_port;
	l->st = st;
	l->af = af;
	l->given = -1;
	ares_set_socket_functions(ch, &socket_functions, l);
	if (ares_set_servers_ports(ch, &server) != ARES_SUCCESS) {
		ares_destroy(ch);
		return ARES_ENOMEM;
	}
	/* Connected before the question: c-ares times a query from before its connect(), so
	 * a failover past a silent proxy inside that connect() would outlast the query. */
	struct sx_target srv = {.kind = c->dns_server_af == 4 ? SX_TARGET_IPV4 : SX_TARGET_IPV6,
				.port = c->dns_server_port};
	memcpy(c->dns_server_af == 4 ? srv.addr.v4 : srv.addr.v6, c->dns_server_addr,
	       c->dns_server_af == 4 ? 4 : 16);
	struct sockaddr_storage ss;
	socklen_t sl = (socklen_t)sx_target_to_sockaddr(&srv, server.family, &ss);
	l->ready = sx_real.socket(server.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->ready >= 0 && through_proxy(st, l->ready, (struct sockaddr *)&ss, sl) < 0) {
		sx_real.close(l->ready);
		ares_destroy(ch);
		return ARES_ECONNREFUSED;
	}
	if (name)
		ares_gethostbyname(ch, name, af == 4 ? AF_INET : AF_INET6, on_host, l);
	else
		ares_gethostbyaddr(ch, addr, af == 4 ? 4 : 16, af == 4 ? AF_INET : AF_INET6,
				   on_host, l);
	run(ch, l);
	ares_destroy(ch);
	if (l->ready >= 0)
		sx_real.close(l->ready);
	return l->status;
}

static int status_errno(int status)
{
	switch (status) {
	case ARES_SUCCESS:
		return 0;
	case ARES_ENOTFOUND:
	case ARES_ENODATA:
	case ARES_ENONAME:
		return -ENOENT;
	default:
		return -EAGAIN;
	}
}

int sx_cares_resolve(const struct sx_state *st, const char *name, int af, uint8_t *addr)
{
	if (!st->config.dns_server_af) {
		sx_log(SX_LOG_ERROR,
		       "dns=proxy needs a DNS server to ask through the proxy "
		       "(SOCKSIFY_DNS_SERVER or dns_server): not resolving '%s'",
		       name);
		return -EINVAL;
	}
	struct lookup l = {.addr = addr};
	int status = ask(st, &l, name, af, NULL);
	int r = status_errno(status);
	if (r == 0)
		sx_log(SX_LOG_DEBUG, "resolve %s: answered through the proxy", name);
	else if (r == -EAGAIN)
		sx_log(SX_LOG_WARN, "resolve %s through the proxy: %s", name,
		       ares_strerror(status));
	return r;
}

int sx_cares_reverse(const struct sx_state *st, int af, const uint8_t *addr, char name[256])
{
	if (!st->config.dns_server_af)
		return -EINVAL;
	struct lookup l = {.name = name};
	int status = ask(st, &l, NULL, af, addr);
	int r = status_errno(status);
	if (r == -EAGAIN)
		sx_log(SX_LOG_WARN, "reverse lookup through the proxy: %s", ares_strerror(status));
	return r;
}
