/* SPDX-License-Identifier: MIT */
/* The byte-I/O hooks that matter only for associated UDP sockets. On every other fd
 * they cost one byte load from the fd table before the libc call. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../base/fdtab.h"
#include "../base/real.h"
#include "../dns/dns_sock.h"
#include "../tcp/tcp_pending.h"
#include "../udp/udp.h"
#include "../udp/udp_handoff.h"
#include "pending_io.h"

#define EXPORT	    __attribute__((visibility("default")))
#define LIKELY(x)   __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* The fortified entry points (-D_FORTIFY_SOURCE programs call these). */
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen);
ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags);
ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags, struct sockaddr *sa,
		       socklen_t *salen);
extern void __chk_fail(void) __attribute__((noreturn));

/* Hooks can run before anything else in the process has called into us. */
#define REAL(fn) (LIKELY(sx_real.fn) ? sx_real.fn : (sx_real_init(), sx_real.fn))
#define NEED(fn)                                                                                   \
	do {                                                                                       \
		if (!REAL(fn)) {                                                                   \
			errno = ENOSYS;                                                            \
			return -1;                                                                 \
		}                                                                                  \
	} while (0)
/* Reads matter on associated UDP sockets and on sockets whose handshake runs. */
#define SLOW_IN	       ((1U << SX_FD_UDP_PROXIED) | (1U << SX_FD_TCP_PENDING))
#define ORDINARY_IN(k) LIKELY(!((1U << (k)) & SLOW_IN))
/* Writes also matter on a DNS TCP socket: the shim answers what was written. */
#define ORDINARY_OUT(k) LIKELY(!((1U << (k)) & (SLOW_IN | (1U << SX_FD_DNS_TCP))))
/* A socket whose handshake runs: the call waits for it, or fails as the kernel's would
 * on a socket still connecting. */
#define PENDING_FIRST(k, fd, call)                                                                 \
	do {                                                                                       \
		if ((k) == SX_FD_TCP_PENDING)                                                      \
			return sx_pending_io_ready(fd) ? (call) : -1;                              \
	} while (0)

/* After a write on an SX_FD_DNS_TCP socket: answer what is complete. */
static ssize_t dns_tcp_wrote(int fd, ssize_t r)
{
	if (r > 0)
		sx_dns_tcp_pump(fd);
	return r;
}

static ssize_t recv_one(int fd, void *buf, size_t n, int flags, struct sockaddr *sa,
			socklen_t *salen)
{
	struct iovec iov = {buf, n};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	if (sa && salen) {
		m.msg_name = sa;
		m.msg_namelen = *salen;
	}
	ssize_t r = sx_udp_recv(fd, &m, flags);
	if (r >= 0 && sa && salen)
		*salen = m.msg_namelen;
	return r;
}

static bool send_connected(int fd, enum sx_fd_kind kind, const struct iovec *iov, int cnt,
			   int flags, ssize_t *ret)
{
	struct msghdr m = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)cnt};
	return sx_udp_send(fd, kind, &m, flags, ret);
}

/* recvmmsg/sendmmsg on our sockets: one message at a time, stopping at the first
 * failure after at least one success (whose errno the caller then does not see). */
static int per_message(int fd, struct mmsghdr *vec, unsigned int vlen, int flags,
		       ssize_t (*one)(int fd, struct msghdr *m, int flags, unsigned int i))
{
	unsigned int i;
	for (i = 0; i < vlen; i++) {
		int saved = errno;
		ssize_t r = one(fd, &vec[i].msg_hdr, flags, i);
		if (r < 0) {
			if (i == 0)
				return -1;
			errno = saved;
			break;
		}
		vec[i].msg_len = (unsigned int)r;
	}
	return (int)i;
}

/* After the first message, only what is already queued (the MSG_WAITFORONE
 * behaviour; a recvmmsg timeout is not applied). */
static ssize_t recv_nth(int fd, struct msghdr *m, int flags, unsigned int i)
{
	return sx_udp_recv(fd, m, i ? flags | MSG_DONTWAIT : flags);
}

static ssize_t send_nth(int fd, struct msghdr *m, int flags, unsigned int i)
{
	(void)i;
	ssize_t r;
	/* Each message is a send of its own: the one before may have associated the fd. */
	if (!sx_udp_send(fd, sx_fdtab_kind(fd), m, flags, &r))
		r = sx_real.sendmsg(fd, m, flags);
	return r;
}

EXPORT ssize_t read(int fd, void *buf, size_t n)
{
	NEED(read);
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (ORDINARY_IN(k))
		return sx_real.read(fd, buf, n);
	PENDING_FIRST(k, fd, sx_real.read(fd, buf, n));
	return recv_one(fd, buf, n, 0, NULL, NULL);
}

EXPORT ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	NEED(read_chk);
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (ORDINARY_IN(k))
		return sx_real.read_chk(fd, buf, n, buflen);
	PENDING_FIRST(k, fd, sx_real.read_chk(fd, buf, n, buflen));
	if (n > buflen)
		__chk_fail();
	return recv_one(fd, buf, n, 0, NULL, NULL);
}

EXPORT ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
	NEED(readv);
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (ORDINARY_IN(k) || cnt < 0)
		return sx_real.readv(fd, iov, cnt);
	PENDING_FIRST(k, fd, sx_real.readv(fd, iov, cnt));
	struct msghdr m = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)cnt};
	return sx_udp_recv(fd, &m, 0);
}

EXPORT ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	NEED(recv);
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (ORDINARY_IN(k))
		return sx_real.recv(fd, buf, n, flags);
	PENDING_FIRST(k, fd, sx_real.recv(fd, buf, n, flags));
	return recv_one(fd, buf, n, flags, NULL, NULL);
}

EXPORT ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags)
{
	NEED(recv_chk);
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (ORDINARY_IN(k))
		return sx_real.recv_chk(fd, buf, n, buflen, flags);
	PENDING_FIRST(k, fd, sx_real.recv_chk(fd, buf, n, buflen, flags));
	if (n > buflen)
		__chk_fail();
	return recv_one(fd, buf, n, flags, NULL, NULL);
}

EXPORT ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *sa,
			socklen_t *salen)
{
	NEED(recvfrom);
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (ORDINARY_IN(k))
		return sx_real.recvfrom(fd, buf, n, flags, sa, salen);
	PENDING_FIRST(k, fd, sx_real.recvfrom(fd, buf, n, flags, sa, salen));
	return recv_one(fd, buf, n, flags, sa, salen);
}

EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags,
			      struct sockaddr *sa, socklen_t *salen)
{
	NEED(recvfrom_chk);
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (ORDINARY_IN(k))
		return sx_real.recvfrom_chk(fd, buf, n, buflen, flags, sa, salen);
	PENDING_FIRST(k, fd, sx_real.recvfrom_chk(fd, buf, n, buflen, flags, sa, salen));
	if (n > buflen)
		__chk_fail();
	return recv_one(fd, buf, n, flags, sa, salen);
}

EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	NEED(recvmsg);
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (ORDINARY_IN(k) || !msg)
		return sx_real.recvmsg(fd, msg, flags);
	PENDING_FIRST(k, fd, sx_real.recvmsg(fd, msg, flags));
	return sx_udp_recv(fd, msg, flags);
}

/* recvmmsg() and sendmmsg() are also reached through syscall(): one body for both. */
static int recv_mmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags,
		     struct timespec *timeout)
{
	NEED(recvmmsg);
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (ORDINARY_IN(k) || !vec)
		return sx_real.recvmmsg(fd, vec, vlen, flags, timeout);
	PENDING_FIRST(k, fd, sx_real.recvmmsg(fd, vec, vlen, flags, timeout));
	return per_message(fd, vec, vlen, flags, recv_nth);
}

EXPORT int recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags,
		    struct timespec *timeout)
{
	return recv_mmsg(fd, vec, vlen, flags, timeout);
}

/* Only after libc has failed: a connected UDP socket inherited across exec, which is
 * then a proxied one (k says so from here on). */
#define HANDED_OFF(fd, r, k)                                                                       \
	UNLIKELY((r) < 0 && errno == EDESTADDRREQ && sx_udp_handoff_restore(fd) &&                 \
		 ((k) = SX_FD_UDP_PROXIED))

EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
	NEED(write);
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (ORDINARY_OUT(k)) {
		ssize_t r = sx_real.write(fd, buf, n);
		if (!HANDED_OFF(fd, r, k))
			return r;
	}
	PENDING_FIRST(k, fd, sx_real.write(fd, buf, n));
	if (k == SX_FD_DNS_TCP)
		return dns_tcp_wrote(fd, sx_real.write(fd, buf, n));
	struct iovec iov = {(void *)buf, n};
	ssize_t r;
	if (send_connected(fd, k, &iov, 1, 0, &r))
		return r;
	return sx_real.write(fd, buf, n);
}

EXPORT ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	NEED(writev);
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (ORDINARY_OUT(k) || cnt < 0)
		return sx_real.writev(fd, iov, cnt);
	PENDING_FIRST(k, fd, sx_real.writev(fd, iov, cnt));
	if (k == SX_FD_DNS_TCP)
		return dns_tcp_wrote(fd, sx_real.writev(fd, iov, cnt));
	ssize_t r;
	if (send_connected(fd, k, iov, cnt, 0, &r))
		return r;
	return sx_real.writev(fd, iov, cnt);
}

EXPORT ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	NEED(send);
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (ORDINARY_OUT(k)) {
		ssize_t r = sx_real.send(fd, buf, n, flags);
		if (!HANDED_OFF(fd, r, k))
			return r;
	}
	PENDING_FIRST(k, fd, sx_real.send(fd, buf, n, flags));
	if (k == SX_FD_DNS_TCP)
		return dns_tcp_wrote(fd, sx_real.send(fd, buf, n, flags));
	struct iovec iov = {(void *)buf, n};
	ssize_t r;
	if (send_connected(fd, k, &iov, 1, flags, &r))
		return r;
	return sx_real.send(fd, buf, n, flags);
}

static int send_mmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags)
{
	NEED(sendmmsg);
	NEED(sendmsg);
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (vec && vlen)
		PENDING_FIRST(k, fd, sx_real.sendmmsg(fd, vec, vlen, flags));
	if (!vec || !vlen || k == SX_FD_TCP_PROXIED || k == SX_FD_TCP_FAILED || k == SX_FD_TCP ||
	    (k == SX_FD_NONE && !(vec[0].msg_hdr.msg_name && sx_udp_is_udp(fd, k))))
		return sx_real.sendmmsg(fd, vec, vlen, flags);
	return per_message(fd, vec, vlen, flags, send_nth);
}

EXPORT int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags)
{
	return send_mmsg(fd, vec, vlen, flags);
}

/* libuv 1.44 (Debian 12's dig, node) sends with syscall(SYS_sendmmsg) and receives
 * with syscall(SYS_recvmmsg): without this, its UDP would bypass the relay. */
EXPORT long syscall(long n, ...)
{
	va_list ap;
	va_start(ap, n);
	long a[6];
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	NEED(syscall);
	if (n == SYS_sendmmsg)
		return send_mmsg((int)a[0], (struct mmsghdr *)a[1], (unsigned int)a[2], (int)a[3]);
	if (n == SYS_recvmmsg)
		return recv_mmsg((int)a[0], (struct mmsghdr *)a[1], (unsigned int)a[2], (int)a[3],
				 (struct timespec *)a[4]);
	return sx_real.syscall(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}
