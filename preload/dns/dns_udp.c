/* SPDX-License-Identifier: MIT */
/* UDP DNS to a system nameserver: the answer is sent from a process-wide loopback
 * "responder" socket to the program's socket, wrapped in a SOCKS5 UDP header naming the
 * nameserver, so udp_recv reports it as the nameserver's and poll/epoll see a real
 * datagram. No thread, no pending state: the reply is queued before send() returns. */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/socks5_udp.h"
#include "../base/autobind.h"
#include "../base/log.h"
#include "../base/real.h"
#include "../base/sockaddr.h"
#include "dns_intercept.h"
#include "dns_sock.h"

struct responder {
	struct sx_ownfd own; /* the program may close our number (close_range) */
	struct sockaddr_storage addr;
	socklen_t len;
};

static struct responder resp[2] = {{.own.fd = -1}, {.own.fd = -1}};
static pthread_mutex_t resp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void child_reset(void)
{
	pthread_mutex_init(&resp_lock, NULL);
}

static void atfork_register(void)
{
	pthread_atfork(NULL, NULL, child_reset);
}

static int make(struct responder *r, int family)
{
	int s = sx_real.socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return -errno;
	sx_fdtab_clear(s);
	struct sockaddr_storage ss;
	socklen_t len = sx_sockaddr_loopback(family, &ss);
	r->len = sizeof r->addr;
	if (sx_real.bind(s, (struct sockaddr *)&ss, len) < 0 ||
	    sx_real.getsockname(s, (struct sockaddr *)&r->addr, &r->len) < 0) {
		int e = errno;
		sx_real.close(s);
		return -e;
	}
	return sx_ownfd_take(&r->own, s);
}

/* The responder for family (made or re-made as needed): its fd, address in *r. */
static int responder(int family, struct responder *out)
{
	pthread_once(&atfork_once, atfork_register);
	pthread_mutex_lock(&resp_lock);
	struct responder *r = &resp[family == AF_INET6];
	int e = 0;
	if (!sx_ownfd_still(&r->own))
		e = make(r, family);
	*out = *r;
	pthread_mutex_unlock(&resp_lock);
	return e;
}

/* Where the program's socket hears: its bound address, a wildcard meaning loopback. */
static void to_loopback(struct sockaddr_storage *local)
{
	if (local->ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)local;
		if (in->sin_addr.s_addr == htonl(INADDR_ANY))
			in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)local;
		if (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr))
			in6->sin6_addr = in6addr_loopback;
	}
}

/* Records in the fd's state which sources its receives accept. */
static int mark(int fd, const struct responder *r, struct sockaddr_storage *local)
{
	if (!sx_fdtab_lock(fd))
		return -EBADF;
	socklen_t llen;
	int e = sx_autobind(fd, local, &llen);
	struct sx_fdinfo info;
	if (!sx_fdtab_get(fd, &info))
		memset(&info, 0, sizeof info);
	enum sx_fd_kind kind = sx_fdtab_kind(fd);
	if (e == 0) {
		struct sx_dns_part *d = SX_DNS_PART(&info);
		d->family = local->ss_family;
		if (r) {
			d->resp = r->addr;
			d->resp_len = r->len;
			kind = SX_FD_UDP_PROXIED;
		}
		sx_fdtab_set(fd, kind == SX_FD_NONE ? SX_FD_UDP : kind, &info);
	}
	sx_fdtab_unlock(fd);
	return e;
}

static size_t gather(const struct msghdr *msg, uint8_t *buf, size_t cap, bool *big)
{
	size_t n = 0;
	*big = false;
	for (size_t i = 0; i < msg->msg_iovlen; i++) {
		size_t l = msg->msg_iov[i].iov_len;
		if (l > cap - n) {
			*big = true;
			return n;
		}
		memcpy(buf + n, msg->msg_iov[i].iov_base, l);
		n += l;
	}
	return n;
}

static bool fail(ssize_t *ret, int err)
{
	*ret = -1;
	errno = -err;
	return true;
}

static bool pass_on(const struct sx_state *st, int fd, const struct msghdr *msg, int flags,
		    const struct sockaddr *ns, socklen_t nslen, ssize_t *ret)
{
	(void)st;
	struct sockaddr_storage local;
	int e = mark(fd, NULL, &local);
	if (e < 0)
		return fail(ret, e);
	struct msghdr m = *msg;
	m.msg_name = (void *)ns;
	m.msg_namelen = nslen;
	*ret = sx_real.sendmsg(fd, &m, flags);
	return true;
}

bool sx_dns_udp_send(const struct sx_state *st, int fd, const struct msghdr *msg, int flags,
		     const struct sockaddr *ns, socklen_t nslen, ssize_t *ret)
{
	enum { QMAX = 65535 };
	uint8_t *buf = malloc(QMAX + SX_UDP_HDR_MAX + SX_DNS_REPLY_MAX);
	if (!buf)
		return fail(ret, -ENOMEM);
	uint8_t *hdr = buf + QMAX, *out = hdr + SX_UDP_HDR_MAX;
	bool big;
	size_t n = gather(msg, buf, QMAX, &big);
	if (big) {
		free(buf);
		return fail(ret, -EMSGSIZE);
	}
	bool pass;
	int w = sx_dns_intercept_answer(st, buf, n, ns, nslen, false, out, SX_DNS_REPLY_MAX, &pass);
	if (pass) {
		free(buf);
		return pass_on(st, fd, msg, flags, ns, nslen, ret);
	}
	if (w > 0) {
		struct sockaddr_storage local;
		struct responder r;
		struct sx_target src;
		int h = sx_sockaddr_to_target(ns, nslen, &src);
		if (h == 0) {
			int dom = 0;
			socklen_t dl = sizeof dom;
			h = sx_real.getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &dl) < 0 ? -errno
											 : 0;
			if (h == 0)
				h = responder(dom, &r);
		}
		if (h == 0)
			h = mark(fd, &r, &local);
		if (h == 0)
			h = sx_udp_header_encode(hdr, SX_UDP_HDR_MAX, &src);
		if (h < 0) {
			sx_log(SX_LOG_WARN, "dns: cannot deliver the reply on fd %d: %s", fd,
			       strerror(-h));
			free(buf);
			return fail(ret, h);
		}
		to_loopback(&local);
		struct iovec iov[2] = {{hdr, (size_t)h}, {out, (size_t)w}};
		struct msghdr m = {
		    .msg_name = &local,
		    .msg_namelen = local.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
							       : sizeof(struct sockaddr_in),
		    .msg_iov = iov,
		    .msg_iovlen = 2,
		};
		/* A full receive queue drops it, as the network would. */
		if (sx_real.sendmsg(r.own.fd, &m, MSG_DONTWAIT) < 0)
			sx_log(SX_LOG_WARN, "dns: reply to fd %d lost: %s", fd, strerror(errno));
	}
	free(buf);
	*ret = (ssize_t)n;
	return true;
}
