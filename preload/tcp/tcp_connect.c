/* SPDX-License-Identifier: MIT */
/* Decide, drive the proxy handshake through io, record the virtual peer, map errors. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>

#include "../../config/proxy_url.h"
#include "../base/classify.h"
#include "../base/fdtab.h"
#include "../base/io.h"
#include "../base/log.h"
#include "../base/real.h"
#include "../base/sockaddr.h"
#include "../dns/dns_sock.h"
#include "../dns/fakedns_shared.h"
#include "../dns/resolvconf.h"
#include "tcp_connect.h"

/* By protocol, not by SOCK_STREAM: an SCTP or SMC stream cannot be connected to a SOCKS
 * proxy (sockkind.c says which pass by). */
static bool is_tcp(int fd)
{
	int proto = 0;
	socklen_t len = sizeof proto;
	return sx_real.getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 &&
	       (proto == IPPROTO_TCP || proto == IPPROTO_MPTCP);
}

bool sx_tcp_connect(int fd, const struct sockaddr *sa, socklen_t len, int *ret)
{
	struct sx_target dst;
	if (!sa || len < sizeof(sa_family_t) ||
	    (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return false;
	if (sx_sockaddr_to_target(sa, len, &dst) < 0 || !is_tcp(fd))
		return false;

	/* A second connect() on a socket we already handled: answer as the kernel would
	 * for a connected socket, and never let a failed one go direct. */
	enum sx_fd_kind kind = sx_fdtab_kind(fd);
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
	enum sx_route route = sx_classify(st, &dst, &why);
	if (logging)
		sx_target_format(&dst, dbuf, sizeof dbuf);
	if (route == SX_ROUTE_DIRECT) {
		sx_log(SX_LOG_DEBUG, "connect %s: direct (%s)", dbuf, why);
		sx_fdtab_clear(fd);
		return false;
	}

	int r;
	struct sx_proxy_failure failure = {0};
	long long t0 = sx_io_now_ms();
	int flags = sx_real.fcntl(fd, F_GETFL);
	bool nonblocking = flags >= 0 && (flags & O_NONBLOCK);
	if (route == SX_ROUTE_REFUSE) {
		r = st->config_error ? st->config_error : -ECONNREFUSED;
	} else if (dst.kind == SX_TARGET_IPV6 &&
		   (sx_config_last_hop(&st->config)->proto == SX_PROTO_SOCKS4 ||
		    sx_config_last_hop(&st->config)->proto == SX_PROTO_SOCKS4A)) {
		r = -EAFNOSUPPORT;
	} else {
		r = sx_io_proxy_connect_why(st, fd, flags, SX_CMD_CONNECT, &dst, NULL, &failure);
	}
	long long took = sx_io_now_ms() - t0;
	if (logging) {
		char url[SX_CHAIN_MAX * 300], result[500];
		sx_proxy_chain_format(&st->config.proxy, st->config.via, st->config.n_via, url,
				      sizeof url);
		if (r == 0)
			sx_log(SX_LOG_INFO, "connect %s via %s: ok (%lld ms)", dbuf, url, took);
		else if (route == SX_ROUTE_PROXY && r == -EAFNOSUPPORT && !failure.refusal &&
			 !failure.unreachable)
			sx_log(SX_LOG_WARN,
			       "connect %s via %s: %s (%lld ms): SOCKS4 cannot carry IPv6", dbuf,
			       url, strerror(-r), took);
		else {
			sx_proxy_failure_format(&failure, r, result, sizeof result);
			sx_log(SX_LOG_WARN, "connect %s via %s: %s (%lld ms)", dbuf, url, result,
			       took);
		}
	}

	struct sx_fdinfo info = {0};
	info.peer_len = sx_sockaddr_copy(&info.peer, sa, len);
	if (r == 0) {
		sx_fdtab_set(fd, SX_FD_TCP_PROXIED, &info);
		if (nonblocking) {
			/* As the kernel does: the program polls for writability next. */
			*ret = -1;
			errno = EINPROGRESS;
			return true;
		}
		*ret = 0;
		return true;
	}
	if (nonblocking && r != -EAFNOSUPPORT && r != -EINVAL) {
		/* Keep the error for SO_ERROR and make the socket poll ready, so event loops
		 * see the failure where they look for it. */
		info.so_error = -r;
		sx_fdtab_set(fd, SX_FD_TCP_FAILED, &info);
		shutdown(fd, SHUT_RDWR);
		*ret = -1;
		errno = EINPROGRESS;
		return true;
	}
	*ret = -1;
	errno = -r;
	return true;
}
