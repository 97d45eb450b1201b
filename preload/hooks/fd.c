/* SPDX-License-Identifier: MIT */
/* Keeps the fd table true as fds are created, duplicated and closed, so a reused fd
 * number never inherits another socket's virtual peer, and a UDP socket's control
 * connection lives and dies with it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdarg.h>
#include <unistd.h>

#include "../base/fdtab.h"
#include "../base/real.h"
#include "../base/sockkind.h"
#include "../dns/dns_sock.h"
#include "../tcp/epoll_shadow.h"
#include "../tcp/tcp_bind.h"
#include "../tcp/tcp_pending.h"
#include "../udp/udp.h"

#define EXPORT __attribute__((visibility("default")))
#define NEED(fn)                                                                                   \
	do {                                                                                       \
		sx_real_init();                                                                    \
		if (!sx_real.fn) {                                                                 \
			errno = ENOSYS;                                                            \
			return -1;                                                                 \
		}                                                                                  \
	} while (0)

/* The fd is going away (close, dup2 onto it, close_range). */
static void forget(int fd)
{
	switch (sx_fdtab_kind(fd)) {
	case SX_FD_UDP_PROXIED:
		sx_udp_forget(fd);
		break;
	case SX_FD_DNS_TCP:
		sx_dns_tcp_forget(fd);
		break;
	case SX_FD_TCP_PENDING:
		sx_tcp_pending_close(fd);
		break;
	case SX_FD_TCP_LISTEN:
		sx_tcp_bind_forget(fd);
		break;
	default:
		break;
	}
	sx_epoll_shadow_forget(fd);
	sx_fdtab_clear(fd);
}

/* to now refers to from's file: it shares from's state. */
static void copy_fd(int from, int to)
{
	switch (sx_fdtab_kind(from)) {
	case SX_FD_UDP_PROXIED:
		sx_udp_dup(from, to);
		break;
	case SX_FD_DNS_TCP:
		sx_dns_tcp_dup(from, to);
		break;
	case SX_FD_TCP_PENDING:
		sx_tcp_pending_dup(from, to);
		break;
	default:
		sx_fdtab_copy(from, to);
		break;
	}
}

EXPORT int close(int fd)
{
	NEED(close);
	forget(fd);
	return sx_real.close(fd);
}

static void forget_range(unsigned int first, unsigned int last)
{
	for (unsigned int fd = first; fd <= last && fd < SX_FDTAB_MAX; fd++)
		if (sx_fdtab_kind((int)fd) != SX_FD_NONE)
			forget((int)fd);
}

EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
	NEED(close_range);
	/* Control connections of sockets outside the range may go too: the next
	 * datagram on such a socket notices and re-associates. */
	if (!(flags & CLOSE_RANGE_CLOEXEC) && first <= last)
		forget_range(first, last);
	return sx_real.close_range(first, last, flags);
}

EXPORT void closefrom(int lowfd)
{
	sx_real_init();
	if (!sx_real.closefrom)
		return;
	if (lowfd >= 0)
		forget_range((unsigned int)lowfd, ~0U);
	sx_real.closefrom(lowfd);
}

EXPORT int socket(int domain, int type, int protocol)
{
	NEED(socket);
	enum sx_sock_kind kind = sx_sock_kind(domain, type, protocol);
	bool around = kind == SX_SOCK_RAW || kind == SX_SOCK_FOREIGN;
	if (around && sx_sock_refused(kind, domain, type, protocol)) {
		errno = EACCES;
		return -1;
	}
	int fd = sx_real.socket(domain, type, protocol);
	if (fd < 0)
		return fd;
	if (around)
		sx_sock_bypass_logged(kind, domain, type, protocol);
	/* Marking UDP sockets here spares sendto() a getsockopt() per datagram. */
	if (kind == SX_SOCK_UDP) {
		struct sx_fdinfo none = {0};
		sx_fdtab_set(fd, SX_FD_UDP, &none);
	} else if (kind == SX_SOCK_TCP) {
		/* So epoll_ctl() records its registrations before connect() (epoll.c). */
		sx_epoll_shadow_forget(fd);
		sx_fdtab_mark(fd, SX_FD_TCP);
	} else {
		sx_fdtab_clear(fd);
	}
	return fd;
}

/* The program gives up on a handshake in progress: it ends, failed. */
EXPORT int shutdown(int fd, int how)
{
	NEED(shutdown);
	if (sx_fdtab_kind(fd) == SX_FD_TCP_PENDING && sx_tcp_pending_pump(fd, 0) != 0)
		sx_tcp_pending_abort(fd, -ECONNABORTED);
	return sx_real.shutdown(fd, how);
}

/* A listener bound through the proxy hands out its BIND's connection (tcp/tcp_bind.c). */
EXPORT int accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	NEED(accept);
	int ret;
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if ((k == SX_FD_TCP_LISTEN || k == SX_FD_TCP_BIND_DONE) &&
	    sx_tcp_bind_accept(fd, sa, len, 0, &ret))
		return ret;
	int nfd = sx_real.accept(fd, sa, len);
	if (nfd >= 0)
		sx_fdtab_clear(nfd);
	return nfd;
}

EXPORT int accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	NEED(accept4);
	int ret;
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if ((k == SX_FD_TCP_LISTEN || k == SX_FD_TCP_BIND_DONE) &&
	    sx_tcp_bind_accept(fd, sa, len, flags, &ret))
		return ret;
	int nfd = sx_real.accept4(fd, sa, len, flags);
	if (nfd >= 0)
		sx_fdtab_clear(nfd);
	return nfd;
}

EXPORT int dup(int fd)
{
	NEED(dup);
	int nfd = sx_real.dup(fd);
	if (nfd >= 0)
		copy_fd(fd, nfd);
	return nfd;
}

EXPORT int dup2(int fd, int nfd)
{
	NEED(dup2);
	if (fd != nfd)
		forget(nfd);
	int r = sx_real.dup2(fd, nfd);
	if (r >= 0 && fd != nfd)
		copy_fd(fd, nfd);
	return r;
}

EXPORT int dup3(int fd, int nfd, int flags)
{
	NEED(dup3);
	if (fd != nfd)
		forget(nfd);
	int r = sx_real.dup3(fd, nfd, flags);
	if (r >= 0)
		copy_fd(fd, nfd);
	return r;
}

/* F_DUPFD and F_DUPFD_CLOEXEC are dup() too (CPython's os.dup uses them). Every
 * command's argument is passed on as the pointer-sized value glibc itself reads. */
static int fcntl_common(int (*real)(int, int, ...), int fd, int cmd, void *arg)
{
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	int r = real(fd, cmd, arg);
	if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
		copy_fd(fd, r);
	return r;
}

EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	sx_real_init();
	return fcntl_common(sx_real.fcntl, fd, cmd, arg);
}

EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	sx_real_init();
	return fcntl_common(sx_real.fcntl64, fd, cmd, arg);
}
