/* SPDX-License-Identifier: MIT */
/* TCP DNS to a system nameserver (dig +tcp): the program's socket really connects to a
 * one-shot loopback listener whose accepted end the shim keeps; each complete framed
 * query the program writes is answered into that end, so reads need no hook at all. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../core/dnsmsg.h"
#include "../base/guard.h"
#include "../base/io.h"
#include "../base/log.h"
#include "../base/real.h"
#include "../base/sockaddr.h"
#include "dns_intercept.h"
#include "dns_sock.h"

#define ACCEPT_MS 1000 /* loopback: the handshake is done before connect() returns */
#define REPLY_MS  1000 /* a program that never reads cannot hold us longer */

static void release(int fd, struct sx_fdinfo *info)
{
	(void)fd;
	sx_ownfd_close(&SX_DNS_PART(info)->srv);
}

static void share(struct sx_fdinfo *info)
{
	sx_ownfd_dup(&SX_DNS_PART(info)->srv);
}

void sx_dns_tcp_forget(int fd)
{
	sx_fdtab_forget_with(fd, release);
}

void sx_dns_tcp_dup(int from, int to)
{
	sx_fdtab_dup_with(from, to, SX_FD_DNS_TCP, share);
}

static int listener(int family, struct sockaddr_storage *addr, socklen_t *len)
{
	int l = sx_real.socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0)
		return -errno;
	sx_fdtab_clear(l);
	struct sockaddr_storage ss;
	socklen_t sl = sx_sockaddr_loopback(family, &ss);
	*len = sizeof *addr;
	if (sx_real.bind(l, (struct sockaddr *)&ss, sl) < 0 || sx_real.listen(l, 1) < 0 ||
	    sx_real.getsockname(l, (struct sockaddr *)addr, len) < 0) {
		int e = errno;
		sx_real.close(l);
		return -e;
	}
	return l;
}

/* Connects fd to a fresh listener and returns the accepted end (or -errno); *rc and
 * *err are what the program's connect() said. */
static int loop_connect(int fd, const struct sockaddr *sa, const struct sx_target *ns, int *rc,
			int *err)
{
	struct sockaddr_storage laddr, caddr;
	socklen_t llen;
	int l = listener(ns->kind == SX_TARGET_IPV6 ? AF_INET6 : AF_INET, &laddr, &llen);
	if (l < 0)
		return l;
	struct sx_target lt;
	int clen = sx_sockaddr_to_target((struct sockaddr *)&laddr, llen, &lt);
	if (clen == 0)
		clen = sx_target_to_sockaddr(&lt, sa->sa_family, &caddr);
	int s = clen;
	if (clen > 0) {
		*rc = sx_real.connect(fd, (struct sockaddr *)&caddr, (socklen_t)clen);
		*err = *rc == 0 ? 0 : errno;
		s = -*err;
		if (*rc == 0 || *err == EINPROGRESS) {
			struct pollfd p = {.fd = l, .events = POLLIN};
			s = sx_real.poll(&p, 1, ACCEPT_MS) == 1
				? sx_real.accept4(l, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)
				: (errno = ETIMEDOUT, -1);
			if (s < 0)
				s = -errno;
		}
	}
	sx_real.close(l);
	return s;
}

bool sx_dns_tcp_connect(const struct sx_state *st, int fd, const struct sockaddr *sa, socklen_t len,
			int *ret)
{
	(void)st;
	struct sx_target ns;
	if (sx_sockaddr_to_target(sa, len, &ns) < 0)
		return false;
	int rc = -1, err = 0;
	struct sx_fdinfo info;
	memset(&info, 0, sizeof info);
	struct sx_ownfd *own = &SX_DNS_PART(&info)->srv;
	int srv = loop_connect(fd, sa, &ns, &rc, &err);
	if (srv >= 0)
		srv = sx_ownfd_take(own, srv);
	char d[300];
	sx_target_format(&ns, d, sizeof d);
	if (srv < 0) {
		sx_log(SX_LOG_WARN, "dns tcp %s: cannot answer locally: %s", d, strerror(-srv));
		*ret = -1;
		errno = rc == 0 || err == EINPROGRESS ? -srv : err;
		return true;
	}
	sx_fdtab_clear(own->fd);
	info.peer_len = sx_sockaddr_copy(&info.peer, sa, len);
	if (!sx_fdtab_set(fd, SX_FD_DNS_TCP, &info)) {
		sx_real.close(own->fd);
		*ret = -1;
		errno = EMFILE;
		return true;
	}
	sx_log(SX_LOG_DEBUG, "dns tcp fd %d: %s answered by the shim", fd, d);
	*ret = rc;
	errno = err;
	return true;
}

static void put_all(int s, const uint8_t *p, size_t n)
{
	long long deadline = sx_io_now_ms() + REPLY_MS;
	while (n) {
		ssize_t w = sx_real.sendto(s, p, n, MSG_NOSIGNAL | MSG_DONTWAIT, NULL, 0);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		long long left = deadline - sx_io_now_ms();
		if (w == 0 || (errno != EAGAIN && errno != EINTR) || left <= 0) {
			sx_log(SX_LOG_WARN, "dns tcp: reply not delivered: %s",
			       w == 0 ? "closed" : strerror(errno));
			return;
		}
		struct pollfd pf = {.fd = s, .events = POLLOUT};
		sx_real.poll(&pf, 1, (int)left);
	}
}

/* One framed query taken off the server end and answered. false: none complete yet. */
static bool answer_one(const struct sx_state *st, const struct sx_fdinfo *info, uint8_t *buf,
		       uint8_t *out)
{
	int s = SX_DNS_PART(info)->srv.fd;
	uint8_t pre[2];
	if (sx_real.recv(s, pre, 2, MSG_PEEK | MSG_DONTWAIT) != 2)
		return false;
	size_t len = (size_t)pre[0] << 8 | pre[1];
	ssize_t got = sx_real.recv(s, buf, 2 + len, MSG_PEEK | MSG_DONTWAIT);
	if (got < 0 || (size_t)got < 2 + len)
		return false;
	sx_real.recv(s, buf, 2 + len, MSG_DONTWAIT);
	bool pass;
	int w =
	    len ? sx_dns_intercept_answer(st, buf + 2, len, (struct sockaddr *)&info->peer,
					  info->peer_len, true, out + 2, SX_DNS_REPLY_MAX, &pass)
		: 0;
	if (w > 0 && sx_dns_tcp_prefix(out, (size_t)w) == 2)
		put_all(s, out, 2 + (size_t)w);
	return true;
}

void sx_dns_tcp_pump(int fd)
{
	int saved = errno;
	struct sx_fdinfo info;
	if (sx_guard_enter() && sx_fdtab_get(fd, &info) &&
	    sx_ownfd_still(&SX_DNS_PART(&info)->srv)) {
		uint8_t *buf = malloc(2 * (2 + SX_DNS_REPLY_MAX));
		if (buf) {
			const struct sx_state *st = sx_state();
			while (answer_one(st, &info, buf, buf + 2 + SX_DNS_REPLY_MAX))
				;
			free(buf);
		}
	}
	sx_guard_leave();
	errno = saved;
}
