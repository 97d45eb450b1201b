/* SPDX-License-Identifier: MIT */
/* One connection from inside the namespace to the real proxy: two threads, one per
 * direction, splicing bytes through a pipe. Only a SOCKS5 UDP ASSOCIATE is read: its
 * request announces our own UDP socket, its reply names our inner one. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../core/socks5.h"
#include "forward.h"

struct conn {
	struct sx_fwd *f;
	int client, proxy;
	atomic_int refs;
	atomic_int cmd; /* the SOCKS5 request's command, once sent; -1 not SOCKS5 */
	struct sockaddr_storage announced; /* UDP ASSOCIATE: the library's address */
	int outer_udp;			   /* UDP ASSOCIATE: ours toward the relay */
};

static void conn_put(struct conn *c)
{
	if (atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	close(c->client);
	if (c->proxy >= 0)
		close(c->proxy);
	if (c->outer_udp >= 0)
		close(c->outer_udp);
	free(c);
}

static int read_exact(int fd, uint8_t *buf, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t r = recv(fd, buf + off, n - off, 0);
		if (r == 0)
			return -ECONNRESET;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0)
			off += (size_t)r;
	}
	return 0;
}

static int write_all(int fd, const uint8_t *buf, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t r = send(fd, buf + off, n - off, MSG_NOSIGNAL);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0)
			off += (size_t)r;
	}
	return 0;
}

static int peek_byte(int fd, uint8_t *b)
{
	ssize_t r;
	while ((r = recv(fd, b, 1, MSG_PEEK)) < 0 && errno == EINTR)
		;
	return r == 1 ? 0 : r == 0 ? -ECONNRESET : -errno;
}

/* ATYP ADDR PORT read at buf (cap bytes), exactly as long as it is. */
static int read_addr(int fd, uint8_t *buf, size_t cap, size_t *len, struct sx_target *t)
{
	size_t have = 0, need = 2;
	for (;;) {
		if (need > cap)
			return -EPROTO;
		int r = read_exact(fd, buf + have, need - have);
		if (r < 0)
			return r;
		have = need;
		r = sx_s5_addr_parse(buf, have, &need, t);
		if (r < 0)
			return r;
		if (r > 0) {
			*len = (size_t)r;
			return 0;
		}
	}
}

/* Splices in to out until in's end; a clean end is passed on as a half-close. */
static void splice_all(int in, int out)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		shutdown(in, SHUT_RDWR);
		shutdown(out, SHUT_RDWR);
		return;
	}
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	for (;;) {
		ssize_t n = splice(in, NULL, p[1], NULL, 1 << 20, SPLICE_F_MOVE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				shutdown(out, SHUT_WR);
			else
				shutdown(out, SHUT_RDWR);
			break;
		}
		while (n > 0) {
			ssize_t m = splice(p[0], NULL, out, NULL, (size_t)n, SPLICE_F_MOVE);
			if (m < 0 && errno == EINTR)
				continue;
			if (m <= 0) {
				shutdown(in, SHUT_RDWR);
				shutdown(out, SHUT_RDWR);
				goto done;
			}
			n -= m;
		}
	}
done:
	close(p[0]);
	close(p[1]);
}

static void target_to_sockaddr(const struct sx_target *t, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (t->kind == SX_TARGET_IPV4) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, t->addr.v4, 4);
		in->sin_port = htons(t->port);
	} else if (t->kind == SX_TARGET_IPV6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, t->addr.v6, 16);
		in6->sin6_port = htons(t->port);
	}
}

static void sockaddr_to_target(const struct sockaddr_storage *ss, struct sx_target *t)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		sx_target_set_v4(t, (const uint8_t *)&in->sin_addr, ntohs(in->sin_port));
	} else {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		sx_target_set_v6(t, (const uint8_t *)&in6->sin6_addr, ntohs(in6->sin6_port));
	}
}

/* Our UDP socket toward the proxy's host, bound to the address the kernel picks there:
 * strict relays take datagrams only from the address the request announced. */
static int outer_udp_socket(int proxy, struct sx_target *announce)
{
	struct sockaddr_storage local;
	socklen_t len = sizeof local;
	if (getsockname(proxy, (struct sockaddr *)&local, &len) < 0)
		return -errno;
	int s = socket(local.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (local.ss_family == AF_INET)
		((struct sockaddr_in *)&local)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&local)->sin6_port = 0;
	len = sizeof local;
	if (bind(s, (struct sockaddr *)&local,
		 local.ss_family == AF_INET ? sizeof(struct sockaddr_in)
					    : sizeof(struct sockaddr_in6)) < 0 ||
	    getsockname(s, (struct sockaddr *)&local, &len) < 0) {
		int e = errno;
		close(s);
		return -e;
	}
	sockaddr_to_target(&local, announce);
	return s;
}

/* Client to proxy: the greeting, the optional RFC 1929 exchange and the request pass as
 * they are (in one write or several), except UDP ASSOCIATE's announced address. */
static int up_handshake(struct conn *c)
{
	uint8_t b[SX_S5_REQ_MAX + SX_S5_AUTH_MAX], out[SX_S5_REQ_MAX];
	int r = peek_byte(c->client, b);
	if (r < 0 || b[0] != 5)
		return r;
	if ((r = read_exact(c->client, b, 2)) < 0 || (r = read_exact(c->client, b + 2, b[1])) < 0 ||
	    (r = write_all(c->proxy, b, 2 + (size_t)b[1])) < 0 || (r = peek_byte(c->client, b)) < 0)
		return r;
	if (b[0] == 1) { /* VER ULEN UNAME PLEN PASSWD */
		if ((r = read_exact(c->client, b, 2)) < 0 ||
		    (r = read_exact(c->client, b + 2, (size_t)b[1] + 1)) < 0 ||
		    (r = read_exact(c->client, b + 3 + b[1], b[2 + b[1]])) < 0 ||
		    (r = write_all(c->proxy, b, 3 + (size_t)b[1] + b[2 + b[1]])) < 0)
			return r;
	}
	size_t alen;
	struct sx_target dst;
	if ((r = read_exact(c->client, b, 3)) < 0 ||
	    (r = read_addr(c->client, b + 3, sizeof b - 3, &alen, &dst)) < 0)
		return r;
	size_t len = 3 + alen;
	if (b[1] == SX_S5_CMD_UDP_ASSOCIATE && dst.kind != SX_TARGET_NAME) {
		struct sx_target ann;
		c->outer_udp = outer_udp_socket(c->proxy, &ann);
		if (c->outer_udp < 0)
			return c->outer_udp;
		target_to_sockaddr(&dst, &c->announced);
		r = sx_s5_request_encode(out, sizeof out, b[1], &ann);
		if (r < 0)
			return r;
		atomic_store(&c->cmd, b[1]);
		return write_all(c->proxy, out, (size_t)r);
	}
	atomic_store(&c->cmd, b[1] == SX_S5_CMD_UDP_ASSOCIATE ? 0 : b[1]);
	return write_all(c->proxy, b, len);
}

/* The association's life: datagrams from the relay go back to the library's socket;
 * it ends with the control connection. */
static void serve_association(struct conn *c, struct sx_fwd_assoc *a)
{
	uint8_t *buf = malloc(65536);
	struct pollfd p[2] = {{.fd = c->proxy, .events = POLLIN},
			      {.fd = c->outer_udp, .events = POLLIN}};
	while (buf && poll(p, 2, -1) >= 0) {
		/* POLLERR too: an ICMP error on the connected socket stays pending (and poll
		 * returns at once) until a recv takes it. */
		if (p[1].revents) {
			ssize_t n = recv(c->outer_udp, buf, 65536, MSG_DONTWAIT);
			struct sockaddr_storage to;
			if (n > 0 && sx_fwd_assoc_client(a, &to))
				sendto(c->f->udp_fd, buf, (size_t)n, MSG_DONTWAIT,
				       (struct sockaddr *)&to, sizeof(struct sockaddr_in));
		}
		if (p[0].revents) {
			ssize_t n = recv(c->proxy, buf, 65536, MSG_DONTWAIT);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
				break;
			if (n > 0 && write_all(c->client, buf, (size_t)n) < 0)
				break;
		}
	}
	free(buf);
	sx_fwd_assoc_remove(a);
	shutdown(c->client, SHUT_RDWR);
	shutdown(c->proxy, SHUT_RDWR);
}

static bool same_ip(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
}

/* A hostile proxy could name a relay on another host: its reply then goes in as it is,
 * and the library refuses it as it would without isolation (strict: EACCES). */
static bool relay_on_proxy_host(const struct conn *c, const struct sockaddr_storage *relay,
				const struct sockaddr_storage *peer)
{
	if (same_ip(relay, peer))
		return true;
	for (size_t i = 0; i < c->f->n_proxy; i++)
		if (same_ip(relay, &c->f->proxy[i]))
			return true;
	return false;
}

/* Proxy to client: reads only a SOCKS5 exchange that carries a UDP ASSOCIATE. */
static void *down(void *arg)
{
	struct conn *c = arg;
	uint8_t b[SX_S5_REQ_MAX];
	size_t alen;
	struct sx_target bound;
	if (peek_byte(c->proxy, b) < 0 || b[0] != 5 || read_exact(c->proxy, b, 2) < 0 ||
	    write_all(c->client, b, 2) < 0)
		goto relay;
	if (b[1] == SX_S5_METHOD_USERPASS &&
	    (read_exact(c->proxy, b, 2) < 0 || write_all(c->client, b, 2) < 0 || b[1] != 0))
		goto relay;
	if ((b[1] != SX_S5_METHOD_NONE && b[1] != SX_S5_METHOD_USERPASS) ||
	    read_exact(c->proxy, b, 3) < 0 ||
	    read_addr(c->proxy, b + 3, sizeof b - 3, &alen, &bound) < 0)
		goto relay;
	if (atomic_load(&c->cmd) != SX_S5_CMD_UDP_ASSOCIATE || b[1] != 0) {
		write_all(c->client, b, 3 + alen);
		goto relay;
	}
	/* RFC 1928 §6: an unspecified BND.ADDR means the proxy's own address. */
	struct sockaddr_storage relay, peer;
	socklen_t plen = sizeof peer;
	target_to_sockaddr(&bound, &relay);
	static const uint8_t zero[16];
	bool unspecified = (bound.kind == SX_TARGET_IPV4 && !memcmp(bound.addr.v4, zero, 4)) ||
			   (bound.kind == SX_TARGET_IPV6 && !memcmp(bound.addr.v6, zero, 16));
	if (getpeername(c->proxy, (struct sockaddr *)&peer, &plen) < 0) {
		write_all(c->client, b, 3 + alen);
		goto relay;
	}
	if (bound.kind == SX_TARGET_NAME || unspecified) {
		struct sx_target p;
		sockaddr_to_target(&peer, &p);
		p.port = bound.port;
		target_to_sockaddr(&p, &relay);
	} else if (!relay_on_proxy_host(c, &relay, &peer)) {
		write_all(c->client, b, 3 + alen);
		goto relay;
	}
	struct sx_fwd_assoc *a = NULL;
	struct sx_target inner;
	sockaddr_to_target((struct sockaddr_storage *)&c->f->inner_udp, &inner);
	int n = sx_s5_addr_encode(b + 3, sizeof b - 3, &inner);
	if (relay.ss_family == 0 ||
	    connect(c->outer_udp, (struct sockaddr *)&relay,
		    relay.ss_family == AF_INET ? sizeof(struct sockaddr_in)
					       : sizeof(struct sockaddr_in6)) < 0 ||
	    n < 0 || !(a = sx_fwd_assoc_add(&c->announced, c->outer_udp)) ||
	    write_all(c->client, b, 3 + (size_t)n) < 0) {
		if (a)
			sx_fwd_assoc_remove(a);
		shutdown(c->client, SHUT_RDWR);
		shutdown(c->proxy, SHUT_RDWR);
		conn_put(c);
		return NULL;
	}
	serve_association(c, a);
	conn_put(c);
	return NULL;
relay:
	splice_all(c->proxy, c->client);
	conn_put(c);
	return NULL;
}

static int connect_proxy(const struct sx_fwd *f)
{
	int r = -ENETUNREACH;
	for (size_t i = 0; i < f->n_proxy; i++) {
		int s =
		    socket(f->proxy[i].ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (s < 0) {
			r = -errno;
			continue;
		}
		if (connect(s, (const struct sockaddr *)&f->proxy[i], f->proxy_len[i]) < 0 &&
		    errno == EINPROGRESS) {
			struct pollfd p = {.fd = s, .events = POLLOUT};
			int err = ETIMEDOUT;
			socklen_t el = sizeof err;
			if (poll(&p, 1, (int)f->connect_timeout_ms) == 1)
				getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
			errno = err;
		} else {
			errno = 0;
		}
		if (errno == 0) {
			fcntl(s, F_SETFL, 0);
			return s;
		}
		r = -errno;
		close(s);
	}
	return r;
}

static void *up(void *arg)
{
	struct conn *c = arg;
	c->proxy = connect_proxy(c->f);
	if (c->proxy < 0) {
		/* The library then sees a reset, as from a proxy closing mid-handshake. */
		struct linger l = {.l_onoff = 1, .l_linger = 0};
		setsockopt(c->client, SOL_SOCKET, SO_LINGER, &l, sizeof l);
		conn_put(c);
		return NULL;
	}
	/* The handshake's small messages go on at once, each way. */
	int one = 1;
	setsockopt(c->proxy, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	setsockopt(c->client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	atomic_fetch_add(&c->refs, 1);
	if (sx_fwd_spawn(down, c) < 0) {
		atomic_fetch_sub(&c->refs, 1);
		shutdown(c->client, SHUT_RDWR);
		conn_put(c);
		return NULL;
	}
	if (up_handshake(c) < 0) {
		atomic_store(&c->cmd, -1);
		shutdown(c->client, SHUT_RDWR);
		shutdown(c->proxy, SHUT_RDWR);
	} else {
		splice_all(c->client, c->proxy);
		if (atomic_load(&c->cmd) == SX_S5_CMD_UDP_ASSOCIATE)
			shutdown(c->proxy, SHUT_RDWR); /* the association ends with its client */
	}
	conn_put(c);
	return NULL;
}

void sx_fwd_conn_start(struct sx_fwd *f, int client)
{
	struct conn *c = calloc(1, sizeof *c);
	if (!c) {
		close(client);
		return;
	}
	c->f = f;
	c->client = client;
	c->proxy = -1;
	c->outer_udp = -1;
	atomic_init(&c->refs, 1);
	atomic_init(&c->cmd, 0);
	if (sx_fwd_spawn(up, c) < 0)
		conn_put(c);
}
