/* SPDX-License-Identifier: MIT */
/* Sending on a UDP socket: decide per destination, associate lazily on the first
 * proxied datagram, then send header + the program's data as one iovec (no copy). */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <string.h>

#include "../base/autobind.h"
#include "../base/classify.h"
#include "../base/guard.h"
#include "../base/log.h"
#include "../base/real.h"
#include "../base/sockaddr.h"
#include "../dns/dns_sock.h"
#include "../dns/fakedns_shared.h"
#include "../dns/resolvconf.h"
#include "udp.h"
#include "udp_handoff.h"

#include "../../core/socks5_udp.h"

bool sx_udp_is_udp(int fd, enum sx_fd_kind k)
{
	if (k == SX_FD_UDP || k == SX_FD_UDP_PROXIED)
		return true;
	if (k != SX_FD_NONE)
		return false;
	int type = 0, proto = 0, domain = 0;
	socklen_t l1 = sizeof type, l2 = sizeof proto, l3 = sizeof domain;
	if (sx_real.getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l1) < 0 || type != SOCK_DGRAM ||
	    sx_real.getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &l2) < 0 ||
	    proto != IPPROTO_UDP ||
	    sx_real.getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &l3) < 0 ||
	    (domain != AF_INET && domain != AF_INET6))
		return false;
	struct sx_fdinfo none = {0};
	sx_fdtab_set(fd, SX_FD_UDP, &none);
	return true;
}

static bool fail(ssize_t *ret, int err)
{
	*ret = -1;
	errno = -err;
	return true;
}

/* Maps a destination to what goes on the wire: a fake address becomes its name. */
static int wire_target(const struct sx_state *st, const struct sockaddr *sa, socklen_t len,
		       struct sx_target *dst)
{
	int r = sx_sockaddr_to_target(sa, len, dst);
	if (r < 0)
		return r;
	if (st->config.dns == SX_DNS_REMOTE && sx_fakedns_shared_unfake(dst) < 0) {
		char buf[300];
		sx_target_format(dst, buf, sizeof buf);
		sx_log(SX_LOG_WARN, "udp %s: fake address unknown to the fake DNS table", buf);
		return -EHOSTUNREACH;
	}
	return 0;
}

static ssize_t send_wrapped(int fd, const struct msghdr *msg, int flags,
			    const struct sx_fdinfo *info, const struct sx_target *dst)
{
	const struct sx_udp_part *u = SX_UDP_PART(info);
	uint8_t hdr[SX_UDP_HDR_MAX];
	int h = sx_udp_header_encode(hdr, sizeof hdr, dst);
	if (h < 0) {
		errno = -h;
		return -1;
	}
	if (msg->msg_iovlen >= IOV_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	struct iovec iov[msg->msg_iovlen + 1];
	iov[0].iov_base = hdr;
	iov[0].iov_len = (size_t)h;
	if (msg->msg_iovlen)
		memcpy(&iov[1], msg->msg_iov, msg->msg_iovlen * sizeof iov[0]);
	struct msghdr m = {
	    .msg_name = (void *)&u->relay,
	    .msg_namelen = u->relay_len,
	    .msg_iov = iov,
	    .msg_iovlen = msg->msg_iovlen + 1,
	    .msg_control = msg->msg_control,
	    .msg_controllen = msg->msg_controllen,
	};
	/* MSG_MORE would merge our next header into this datagram. */
	/* A full send buffer blocks: the guard is set aside. */
	ssize_t w = SX_UNGUARDED(sx_real.sendmsg(fd, &m, flags & ~(MSG_MORE | MSG_FASTOPEN)));
	if (w < 0)
		return -1;
	return w >= h ? w - h : 0;
}

/* The association failed: udp=block refuses, udp=direct lets the socket go direct
 * (only for a real address: a fake one means nothing outside the proxy). A datagram of
 * another route than the socket's association (-EXDEV) sent to an address goes direct
 * alone: the socket's datagrams of the association's route still go through it. */
static bool refused(const struct sx_state *st, int fd, struct sx_fdinfo *info,
		    const struct sx_target *dst, int way, int err, bool to_addr, ssize_t *ret)
{
	struct sx_udp_part *u = SX_UDP_PART(info);
	bool direct = st->config.udp == SX_UDP_DIRECT && dst->kind != SX_TARGET_NAME;
	if (!u->fail_logged) {
		char buf[300];
		sx_target_format(dst, buf, sizeof buf);
		sx_log(SX_LOG_WARN, "udp %s: no UDP association with the proxy (%s): %s", buf,
		       sx_udp_assoc_no_reason(st, way, err),
		       direct ? "sending directly (udp=direct)" : "blocked (udp=block)");
		u->fail_logged = true;
	}
	if (!direct) {
		sx_fdtab_set(fd, sx_fdtab_kind(fd), info);
		sx_fdtab_unlock(fd);
		return fail(ret, err == -EXDEV ? -EOPNOTSUPP : err);
	}
	if (err == -EXDEV && to_addr) {
		sx_fdtab_set(fd, sx_fdtab_kind(fd), info); /* fail_logged */
		sx_fdtab_unlock(fd);
		return false;
	}
	u->direct = true;
	if (info->peer_len) {
		/* The virtual peer becomes a real one, so send()/recv() work as usual. */
		sx_real.connect(fd, (struct sockaddr *)&info->peer, info->peer_len);
		info->peer_len = 0;
	}
	sx_fdtab_set(fd, SX_FD_UDP, info);
	sx_fdtab_unlock(fd);
	return false;
}

/* Keeps sa first in info's recent destinations (moved up if it is there already).
 * Whether that changed them. */
static bool remember(struct sx_fdinfo *info, const struct sockaddr *sa, socklen_t len, bool fake)
{
	struct sx_udp_part *u = SX_UDP_PART(info);
	struct sx_target t;
	if (!sa || sx_sockaddr_to_target(sa, len, &t) < 0 || t.kind == SX_TARGET_NAME)
		return false;
	struct sx_udp_sent e = {
	    .port = t.port, .af = t.kind == SX_TARGET_IPV4 ? 4 : 6, .fake = fake};
	memcpy(e.addr, e.af == 4 ? t.addr.v4 : t.addr.v6, e.af == 4 ? 4 : 16);
	size_t i = 0;
	while (i < SX_UDP_SENT_MAX - 1 && memcmp(&u->sent[i], &e, sizeof e))
		i++;
	if (i == 0)
		return false; /* first already */
	memmove(&u->sent[1], &u->sent[0], i * sizeof e);
	u->sent[0] = e;
	return true;
}

static bool send_guarded(int fd, const struct msghdr *msg, int flags, ssize_t *ret)
{
	const struct sx_state *st = sx_state();
	struct sx_fdinfo info;
	struct sx_udp_part *u = SX_UDP_PART(&info);
	struct sx_target dst;
	int way = 0;
	/* The one place a datagram's destination is known: DNS for a system nameserver
	 * is answered by the shim, whatever call sent it. */
	if (msg->msg_name && sx_resolvconf_is_nameserver(st, msg->msg_name, msg->msg_namelen))
		return sx_dns_udp_send(st, fd, msg, flags, msg->msg_name, msg->msg_namelen, ret);
	if (!msg->msg_name) {
		/* Read without the lock, which the DNS path takes itself: the record is read
		 * again below, under it. */
		if (!sx_fdtab_get(fd, &info) || !info.peer_len)
			return false; /* not connected: EDESTADDRREQ from the kernel */
		if (sx_resolvconf_is_nameserver(st, (struct sockaddr *)&info.peer, info.peer_len))
			return sx_dns_udp_send(st, fd, msg, flags, (struct sockaddr *)&info.peer,
					       info.peer_len, ret);
		dst = u->peer_dst;
		way = u->peer_way;
	} else {
		int r = wire_target(st, msg->msg_name, msg->msg_namelen, &dst);
		if (r == -EHOSTUNREACH)
			return fail(ret, r);
		if (r < 0)
			return false; /* the kernel says what is wrong with it */
		const char *why;
		switch (sx_classify(st, &dst, &why, &way)) {
		case SX_ROUTE_DIRECT:
			return false;
		case SX_ROUTE_REFUSE:
			return fail(ret, st->config_error ? st->config_error : -ECONNREFUSED);
		case SX_ROUTE_REJECT:
			return fail(ret, -EACCES);
		case SX_ROUTE_PROXY:
			break;
		}
	}

	/* Held only for O(1) work, so only a signal handler interrupting that gets here
	 * while this thread holds it: it may try again once the handler returns. */
	if (!sx_fdtab_lock(fd))
		return fail(ret, -EAGAIN);
	if (!sx_fdtab_get(fd, &info))
		memset(&info, 0, sizeof info);
	if (u->direct) {
		sx_fdtab_unlock(fd);
		return dst.kind == SX_TARGET_NAME ? fail(ret, -EHOSTUNREACH) : false;
	}
	int r = sx_udp_assoc_ensure(st, fd, &info, way);
	if (r == -EBADF)
		return fail(ret, r);
	if (r < 0)
		return refused(st, fd, &info, &dst, way, r, msg->msg_name != NULL, ret);
	/* Written back only when changed: most datagrams follow one to the same place. */
	bool changed = r == 1;
	changed |= remember(&info, msg->msg_name, msg->msg_namelen, dst.kind == SX_TARGET_NAME);
	if (changed || sx_fdtab_kind(fd) != SX_FD_UDP_PROXIED)
		sx_fdtab_set(fd, SX_FD_UDP_PROXIED, &info);
	sx_fdtab_unlock(fd);
	*ret = send_wrapped(fd, msg, flags, &info, &dst);
	return true;
}

bool sx_udp_send(int fd, enum sx_fd_kind kind, const struct msghdr *msg, int flags, ssize_t *ret)
{
	const struct sockaddr *sa = msg->msg_name;
	if (sa) {
		if (msg->msg_namelen < sizeof(sa_family_t) ||
		    (sa->sa_family != AF_INET && sa->sa_family != AF_INET6) ||
		    !sx_udp_is_udp(fd, kind))
			return false;
	} else if (kind != SX_FD_UDP_PROXIED) {
		return false;
	}
	bool handled = false;
	if (sx_guard_enter()) {
		int saved = errno;
		handled = send_guarded(fd, msg, flags, ret);
		if (!handled)
			errno = saved;
	}
	sx_guard_leave();
	return handled;
}

static int socket_domain(int fd)
{
	int domain = 0;
	socklen_t len = sizeof domain;
	return sx_real.getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ? -1 : domain;
}

/* Leaves the fd an ordinary UDP socket (no virtual peer, no association). */
static void make_plain(int fd, enum sx_fd_kind kind)
{
	if (kind != SX_FD_UDP_PROXIED || !sx_fdtab_lock(fd))
		return;
	struct sx_fdinfo info;
	if (sx_fdtab_get(fd, &info)) {
		sx_udp_assoc_drop(&info);
		info.peer_len = 0;
		sx_fdtab_set(fd, SX_FD_UDP, &info);
	}
	sx_fdtab_unlock(fd);
}

/* Records sa as fd's virtual peer (the kernel is not told: it would then drop the
 * relay's or the DNS responder's datagrams). */
static void set_virtual_peer(int fd, struct sx_fdinfo *info, const struct sockaddr *sa,
			     socklen_t len, const struct sx_target *dst, int way)
{
	/* A socket really connected before would not hear the relay: dissolve that. */
	struct sockaddr_storage old;
	socklen_t olen = sizeof old;
	if (sx_real.getpeername(fd, (struct sockaddr *)&old, &olen) == 0) {
		struct sockaddr unspec = {.sa_family = AF_UNSPEC};
		sx_real.connect(fd, &unspec, sizeof unspec);
	}
	/* connect() binds an unbound socket: getsockname() answers as it would. */
	struct sockaddr_storage local;
	socklen_t llen;
	sx_autobind(fd, &local, &llen);
	info->peer_len = sx_sockaddr_copy(&info->peer, sa, len);
	SX_UDP_PART(info)->peer_dst = *dst;
	SX_UDP_PART(info)->peer_way = (int8_t)way;
	sx_fdtab_set(fd, SX_FD_UDP_PROXIED, info);
	sx_fdtab_unlock(fd);
	sx_udp_handoff_save(fd, sa, len);
	char buf[300];
	sx_target_format(dst, buf, sizeof buf);
	sx_log(SX_LOG_DEBUG, "udp fd %d: virtual peer %s", fd, buf);
}

static bool connect_guarded(int fd, enum sx_fd_kind kind, const struct sockaddr *sa, socklen_t len,
			    int *ret)
{
	const struct sx_state *st = sx_state();
	struct sx_target dst;
	if (sx_resolvconf_is_nameserver(st, sa, len) && sx_sockaddr_to_target(sa, len, &dst) == 0) {
		struct sx_fdinfo info;
		*ret = -1;
		errno = EBADF;
		if (sx_fdtab_lock(fd)) {
			if (!sx_fdtab_get(fd, &info))
				memset(&info, 0, sizeof info);
			set_virtual_peer(fd, &info, sa, len, &dst, 0);
			*ret = 0;
		}
		return true;
	}
	int r = wire_target(st, sa, len, &dst);
	if (r < 0 && r != -EHOSTUNREACH)
		return false;
	if (r == 0 && sa->sa_family == AF_INET6 && socket_domain(fd) == AF_INET)
		return false; /* the kernel's EAFNOSUPPORT */
	const char *why = "";
	int way = 0;
	enum sx_route route = r < 0 ? SX_ROUTE_REFUSE : sx_classify(st, &dst, &why, &way);
	if (route == SX_ROUTE_DIRECT) {
		make_plain(fd, kind);
		return false;
	}
	if (route == SX_ROUTE_REFUSE || route == SX_ROUTE_REJECT) {
		*ret = -1;
		errno = route == SX_ROUTE_REJECT ? EACCES
			: r < 0			 ? -r
			: st->config_error	 ? -st->config_error
						 : ECONNREFUSED;
		return true;
	}
	if (!sx_fdtab_lock(fd)) {
		*ret = -1;
		errno = EBADF;
		return true;
	}
	struct sx_fdinfo info;
	if (!sx_fdtab_get(fd, &info))
		memset(&info, 0, sizeof info);
	if (SX_UDP_PART(&info)->direct && dst.kind != SX_TARGET_NAME) {
		sx_fdtab_unlock(fd);
		return false;
	}
	set_virtual_peer(fd, &info, sa, len, &dst, way);
	*ret = 0;
	return true;
}

/* connect(AF_UNSPEC): the virtual peer goes, the association stays. The kernel's own
 * disconnect would also drop an autobound port, the one the association announced, so
 * only a socket the kernel really has connected goes through it, and gets that port
 * back. false: not ours (libc's connect runs). */
static bool disconnect(int fd, int *ret)
{
	struct sx_fdinfo info;
	if (!sx_fdtab_lock(fd))
		return false;
	if (!sx_fdtab_get(fd, &info)) {
		sx_fdtab_unlock(fd);
		return false;
	}
	*ret = 0;
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (sx_real.getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
		len = sizeof ss;
		sx_real.getsockname(fd, (struct sockaddr *)&ss, &len);
		struct sx_target old;
		struct sockaddr unspec = {.sa_family = AF_UNSPEC};
		*ret = sx_real.connect(fd, &unspec, sizeof unspec);
		if (*ret == 0 && sx_sockaddr_to_target((struct sockaddr *)&ss, len, &old) == 0) {
			len = sizeof ss;
			sx_real.getsockname(fd, (struct sockaddr *)&ss, &len);
			if (ss.ss_family == AF_INET)
				((struct sockaddr_in *)&ss)->sin_port = htons(old.port);
			else
				((struct sockaddr_in6 *)&ss)->sin6_port = htons(old.port);
			sx_real.bind(fd, (struct sockaddr *)&ss, len);
		}
	}
	info.peer_len = 0;
	/* A DNS reply may still be queued: keep unwrapping. */
	bool filtered = SX_UDP_PART(&info)->has_ctl || SX_DNS_PART(&info)->resp_len;
	sx_fdtab_set(fd, filtered ? SX_FD_UDP_PROXIED : SX_FD_UDP, &info);
	sx_fdtab_unlock(fd);
	sx_udp_handoff_forget(fd);
	return true;
}

bool sx_udp_connect(int fd, enum sx_fd_kind kind, const struct sockaddr *sa, socklen_t len,
		    int *ret)
{
	if (!sa || len < sizeof(sa_family_t))
		return false;
	if (sa->sa_family == AF_UNSPEC)
		return kind == SX_FD_UDP_PROXIED && disconnect(fd, ret);
	if ((sa->sa_family != AF_INET && sa->sa_family != AF_INET6) || !sx_udp_is_udp(fd, kind))
		return false;
	/* An unknown socket is one now (sx_udp_is_udp marked it). */
	return connect_guarded(fd, kind == SX_FD_NONE ? SX_FD_UDP : kind, sa, len, ret);
}
