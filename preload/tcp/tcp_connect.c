/* SPDX-License-Identifier: MIT */
/* Decide, drive the proxy handshake through io, record the virtual peer, map errors. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "../../config/proxy_url.h"
#include "../base/classify.h"
#include "../base/fdtab.h"
#include "../base/guard.h"
#include "../base/io.h"
#include "../base/log.h"
#include "../base/real.h"
#include "../base/sockaddr.h"
#include "../dns/dns_sock.h"
#include "../dns/fakedns_shared.h"
#include "../dns/resolvconf.h"
#include "epoll_shadow.h"
#include "tcp_bind.h"
#include "tcp_connect.h"
#include "tcp_pending.h"

/* By protocol, not by SOCK_STREAM: an SCTP or SMC stream cannot be connected to a SOCKS
 * proxy (sockkind.c says which pass by). */
static bool is_tcp(int fd)
{
	int proto = 0;
	socklen_t len = sizeof proto;
	return sx_real.getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 &&
	       (proto == IPPROTO_TCP || proto == IPPROTO_MPTCP);
}

/* Keeps the error for SO_ERROR and makes the socket poll ready, so event loops see
 * the failure where they look for it. */
static void failed(int fd, struct sx_fdinfo *info, int err)
{
	info->so_error = err;
	sx_fdtab_set(fd, SX_FD_TCP_FAILED, info);
	sx_real.shutdown(fd, SHUT_RDWR);
}

void sx_tcp_record(int fd, const struct sx_session *s, const struct sockaddr *peer,
		   socklen_t peer_len, bool via_so_error)
{
	struct sx_proxy_failure why;
	int r = sx_session_result(s, &why, NULL);
	if (sx_log_enabled(r == 0 ? SX_LOG_INFO : SX_LOG_WARN)) {
		char dbuf[300], url[SX_CHAIN_MAX * 300 + 40], result[500];
		sx_target_format(&s->dst, dbuf, sizeof dbuf);
		sx_session_route_format(s, url, sizeof url);
		long long took = sx_io_now_ms() - s->started;
		if (r == 0) {
			sx_log(SX_LOG_INFO, "connect %s via %s: ok (%lld ms)", dbuf, url, took);
		} else {
			sx_proxy_failure_format(&why, r, result, sizeof result);
			sx_log(SX_LOG_WARN, "connect %s via %s: %s (%lld ms)", dbuf, url, result,
			       took);
		}
	}
	struct sx_fdinfo info = {0};
	info.peer_len = sx_sockaddr_copy(&info.peer, peer, peer_len);
	if (r == 0) {
		sx_tcp_bind_note_connect(fd, s, &info);
		sx_fdtab_set(fd, SX_FD_TCP_PROXIED, &info);
	} else if (via_so_error)
		failed(fd, &info, -r);
	else
		sx_fdtab_clear(fd);
}

/* A blocking connect's wait: only a signal whose handler does not restart calls ends
 * it early, as it ends the kernel's; so does SO_SNDTIMEO, with EINPROGRESS. */
static int drive_blocking(struct sx_session *s, int fd, int *need)
{
	struct timeval tv = {0};
	socklen_t tl = sizeof tv;
	long long limit = LLONG_MAX;
	if (sx_real.getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, &tl) == 0 &&
	    (tv.tv_sec || tv.tv_usec))
		limit = sx_io_now_ms() + (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
	while (*need > 0) {
		long long deadline = sx_session_deadline(s);
		bool limited = limit < deadline;
		int ev = sx_io_wait_once(fd, (short)*need, limited ? limit : deadline);
		if (ev == -EINTR && sx_io_signal_interrupts())
			return -EINTR;
		if (ev == -ETIMEDOUT && limited)
			return -EINPROGRESS;
		if (ev < 0 && ev != -EINTR && ev != -ETIMEDOUT)
			return ev;
		*need = sx_session_step(s, ev > 0 ? (short)ev : 0);
	}
	return 0;
}

static bool proxy(const struct sx_state *st, int fd, int flags, const struct sx_target *dst,
		  int way, const struct sockaddr *sa, socklen_t len, int *ret)
{
	bool nonblocking = flags >= 0 && (flags & O_NONBLOCK);
	struct sx_session s;
	int need = sx_session_start(&s, st, fd, flags, SX_CMD_CONNECT, dst, way, NULL);
	int stop = -EINPROGRESS;
	/* While this thread waits on the proxy, a signal handler's calls are the
	 * program's: they take the hooks rather than go direct. */
	if (need > 0 && !nonblocking)
		stop = SX_UNGUARDED(drive_blocking(&s, fd, &need));
	/* The handshake goes on in the program's event loop, or after the interrupted
	 * blocking connect() returned. A non-blocking one that failed at once ends there
	 * too, so that its failure is reported as any other's (POLLERR). */
	if ((need > 0 || (need < 0 && nonblocking)) &&
	    sx_tcp_pending_add(&s, need > 0 ? (short)need : POLLOUT, sa, len)) {
		*ret = -1;
		errno = -stop;
		return true;
	}
	/* Without room for another asynchronous handshake: to its end here, as before. */
	if (need > 0)
		SX_UNGUARDED(sx_io_session_drive(&s, fd, need));
	sx_tcp_record(fd, &s, sa, len, nonblocking);
	/* A failover or pipelining retry put a fresh socket under fd: the program's epoll
	 * registrations died with the old one. */
	if (s.swaps)
		sx_epoll_shadow_reattach(fd);
	int r = sx_session_result(&s, NULL, NULL);
	if (r == 0 && !nonblocking) {
		*ret = 0;
		return true;
	}
	*ret = -1;
	errno = nonblocking ? EINPROGRESS : -r;
	return true;
}

bool sx_tcp_connect(int fd, enum sx_fd_kind kind, const struct sockaddr *sa, socklen_t len,
		    int *ret)
{
	struct sx_target dst;
	if (!sa || len < sizeof(sa_family_t) ||
	    (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return false;
	if (sx_sockaddr_to_target(sa, len, &dst) < 0 ||
	    (kind != SX_FD_TCP && kind != SX_FD_TCP_PENDING && !is_tcp(fd)))
		return false;

	/* connect() again while the handshake runs: EALREADY, or wait for it when the
	 * socket blocks, as the kernel does for a connect in progress. */
	if (kind == SX_FD_TCP_PENDING && sx_tcp_pending_pump(fd, 0) != 0) {
		int flags = sx_real.fcntl(fd, F_GETFL);
		int r = flags >= 0 && (flags & O_NONBLOCK)
			    ? -EALREADY
			    : SX_UNGUARDED(sx_tcp_pending_finish(fd, true));
		if (r == 0 && sx_fdtab_kind(fd) == SX_FD_TCP_PROXIED) {
			*ret = 0;
			return true;
		}
		if (r < 0) {
			*ret = -1;
			errno = -r;
			return true;
		}
	}
	/* A second connect() on a socket we already handled: answer as the kernel would
	 * for a connected socket, and never let a failed one go direct. */
	/* The handshake may just have ended. */
	kind = sx_fdtab_kind(fd);
	if (kind == SX_FD_TCP_PROXIED || kind == SX_FD_TCP_FAILED || kind == SX_FD_DNS_TCP) {
		int e = kind == SX_FD_TCP_FAILED ? sx_fdtab_take_error(fd) : EISCONN;
		*ret = -1;
		errno = e ? e : ECONNABORTED;
		return true;
	}

	const struct sx_state *st = sx_state();
	/* DNS to a system nameserver is the shim's to answer (dig +tcp). */
	if (sx_resolvconf_is_nameserver(st, sa, len))
		return sx_dns_tcp_connect(st, fd, sa, len, ret);
	/* Formatting the destination costs more than a hook should when nobody logs it. */
	char dbuf[300] = "";
	bool logging = sx_log_enabled(SX_LOG_WARN);
	if (st->config.dns == SX_DNS_REMOTE) {
		/* A fake address stands for a name only the proxy may resolve: send the
		 * name, and never let an unknown one go anywhere. */
		if (logging)
			sx_target_format(&dst, dbuf, sizeof dbuf);
		int f = sx_fakedns_shared_unfake(&dst);
		if (f < 0) {
			sx_log(SX_LOG_WARN,
			       "connect %s: fake address unknown to the fake DNS table", dbuf);
			*ret = -1;
			errno = EHOSTUNREACH;
			return true;
		}
	}
	const char *why;
	int way;
	enum sx_route route = sx_classify(st, &dst, &why, &way);
	if (route == SX_ROUTE_DIRECT) {
		if (logging) {
			sx_target_format(&dst, dbuf, sizeof dbuf);
			sx_log(SX_LOG_DEBUG, "connect %s: direct (%s)", dbuf, why);
		}
		sx_fdtab_clear(fd);
		return false;
	}
	int flags = sx_real.fcntl(fd, F_GETFL);
	bool nonblocking = flags >= 0 && (flags & O_NONBLOCK);
	int r;
	/* The default chain's last hop is known before any try; a group's is not (core
	 * refuses what SOCKS4 cannot carry). */
	const struct sx_proxy *last = sx_config_last_hop(&st->config);
	if (route == SX_ROUTE_REFUSE)
		r = st->config_error ? st->config_error : -ECONNREFUSED;
	else if (route == SX_ROUTE_REJECT)
		r = -EACCES;
	else if (dst.kind == SX_TARGET_IPV6 && way == 0 &&
		 st->config.groups[0].pick == SX_PICK_STRICT &&
		 (last->proto == SX_PROTO_SOCKS4 || last->proto == SX_PROTO_SOCKS4A))
		r = -EAFNOSUPPORT;
	else
		return proxy(st, fd, flags, &dst, way, sa, len, ret);
	if (logging) {
		char url[SX_CHAIN_MAX * 300];
		sx_target_format(&dst, dbuf, sizeof dbuf);
		sx_proxy_chain_format(&st->config.proxy, st->config.via, st->config.n_via, url,
				      sizeof url);
		if (r == -EACCES)
			sx_log(SX_LOG_WARN, "connect %s: %s (0 ms): a route rejects it", dbuf,
			       strerror(-r));
		else if (r == -EAFNOSUPPORT)
			sx_log(SX_LOG_WARN,
			       "connect %s via %s: %s (0 ms): SOCKS4 cannot carry IPv6", dbuf, url,
			       strerror(-r));
		else
			sx_log(SX_LOG_WARN, "connect %s via %s: %s (0 ms)", dbuf, url,
			       strerror(-r));
	}
	if (nonblocking && r != -EAFNOSUPPORT && r != -EINVAL && r != -EACCES) {
		struct sx_fdinfo info = {0};
		info.peer_len = sx_sockaddr_copy(&info.peer, sa, len);
		failed(fd, &info, -r);
		*ret = -1;
		errno = EINPROGRESS;
		return true;
	}
	*ret = -1;
	errno = -r;
	return true;
}
