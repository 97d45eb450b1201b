/* SPDX-License-Identifier: MIT */
/* sendto()/sendmsg(): UDP datagrams to proxied destinations go through the relay
 * (udp_send.c), MSG_FASTOPEN or not; on a TCP socket MSG_FASTOPEN's implicit connect is
 * proxied first (tcp/fastopen.c), then the data goes without the flag. */
#include <errno.h>
#include <stddef.h>

#include "../base/fdtab.h"
#include "../base/guard.h"
#include "../base/real.h"
#include "../dns/dns_sock.h"
#include "../tcp/fastopen.h"
#include "../tcp/tcp_pending.h"
#include "../udp/udp.h"
#include "pending_io.h"

__attribute__((visibility("default"))) ssize_t sendto(int fd, const void *buf, size_t n, int flags,
						      const struct sockaddr *sa, socklen_t len)
{
	sx_real_init();
	if (!sx_real.sendto) {
		errno = ENOSYS;
		return -1;
	}
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (k == SX_FD_TCP_PENDING) {
		if (!sx_pending_io_ready(fd))
			return -1;
		/* Connected now: the kernel ignores an address on a connected TCP socket. */
		return sx_real.sendto(fd, buf, n, flags & ~MSG_FASTOPEN, NULL, 0);
	}
	if (k == SX_FD_DNS_TCP) {
		ssize_t r = sx_real.sendto(fd, buf, n, flags, sa, len);
		if (r > 0)
			sx_dns_tcp_pump(fd);
		return r;
	}
	/* UDP first: the kernel ignores MSG_FASTOPEN there, so the relay path does too. */
	if (sa || k == SX_FD_UDP_PROXIED) {
		struct iovec iov = {(void *)buf, n};
		struct msghdr m = {.msg_name = (void *)sa,
				   .msg_namelen = sa ? len : 0,
				   .msg_iov = &iov,
				   .msg_iovlen = 1};
		ssize_t r;
		if (sx_udp_send(fd, k, &m, flags, &r))
			return r;
	}
	if (!(flags & MSG_FASTOPEN) || !sa || !sx_guard_enter()) {
		if (flags & MSG_FASTOPEN && sa)
			sx_guard_leave();
		return sx_real.sendto(fd, buf, n, flags, sa, len);
	}
	enum sx_fastopen f = sx_tcp_fastopen(fd, k, sa, len);
	sx_guard_leave();
	if (f == SX_FASTOPEN_FAILED)
		return -1;
	if (f == SX_FASTOPEN_PASS)
		return sx_real.sendto(fd, buf, n, flags, sa, len);
	return sx_real.sendto(fd, buf, n, flags & ~MSG_FASTOPEN, NULL, 0);
}

__attribute__((visibility("default"))) ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	sx_real_init();
	if (!sx_real.sendmsg) {
		errno = ENOSYS;
		return -1;
	}
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (k == SX_FD_TCP_PENDING) {
		if (!sx_pending_io_ready(fd))
			return -1;
		if (!msg)
			return sx_real.sendmsg(fd, msg, flags);
		struct msghdr m = *msg;
		m.msg_name = NULL;
		m.msg_namelen = 0;
		return sx_real.sendmsg(fd, &m, flags & ~MSG_FASTOPEN);
	}
	if (k == SX_FD_DNS_TCP) {
		ssize_t r = sx_real.sendmsg(fd, msg, flags);
		if (r > 0)
			sx_dns_tcp_pump(fd);
		return r;
	}
	if (msg && (msg->msg_name || k == SX_FD_UDP_PROXIED)) {
		ssize_t r;
		if (sx_udp_send(fd, k, msg, flags, &r))
			return r;
	}
	if (!(flags & MSG_FASTOPEN) || !msg || !msg->msg_name || !sx_guard_enter()) {
		if (flags & MSG_FASTOPEN && msg && msg->msg_name)
			sx_guard_leave();
		return sx_real.sendmsg(fd, msg, flags);
	}
	enum sx_fastopen f = sx_tcp_fastopen(fd, k, msg->msg_name, msg->msg_namelen);
	sx_guard_leave();
	if (f == SX_FASTOPEN_FAILED)
		return -1;
	if (f == SX_FASTOPEN_PASS)
		return sx_real.sendmsg(fd, msg, flags);
	struct msghdr m = *msg;
	m.msg_name = NULL;
	m.msg_namelen = 0;
	return sx_real.sendmsg(fd, &m, flags & ~MSG_FASTOPEN);
}
