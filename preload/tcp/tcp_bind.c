/* SPDX-License-Identifier: MIT */
/* BIND on the program's own socket: bind() connects it to the proxy and reads the first
 * reply; the socket then becomes readable when the second reply arrives, so the
 * program's poll, select or epoll sees its listener readable at that moment without any
 * help. accept() reads that reply and hands the stream out under a new number, putting a
 * fresh socket under the listener's. A slot per listener (mapped: no malloc) holds the
 * session; one thread drives it at a time. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../config/proxy_url.h"
#include "../base/guard.h"
#include "../base/io.h"
#include "../base/log.h"
#include "../base/real.h"
#include "../base/session.h"
#include "../base/siglock.h"
#include "../base/sockaddr.h"
#include "bound_addrs.h"
#include "epoll_shadow.h"
#include "tcp_bind.h"
#include "tcp_part.h"
#include "tcp_pending.h"

#define LISTENERS 64

struct listener {
	struct sx_session s;
	int fd;
	int family; /* the program's socket's */
	pid_t owner;
	atomic_bool busy;
	bool watched; /* counted in sx_tcp_pending_count until its deadline */
};

static struct listener *slots[LISTENERS];

SX_SIGLOCK_DEFINE(slots)

/* A listener waiting for its peer counts as a handshake in progress, so that the waits
 * (hooks/wait.c, hooks/epoll.c) wake at its deadline (sx_tcp_bind_expire). Called locked. */
static atomic_int n_watched; /* of them: a wait reads it before taking the lock */

static void watch(struct listener *l, bool on)
{
	if (l->watched != on) {
		atomic_fetch_add(&sx_tcp_pending_count, on ? 1 : -1);
		atomic_fetch_add(&n_watched, on ? 1 : -1);
	}
	l->watched = on;
}

static bool add(struct listener *l)
{
	bool room = false;
	if (!slots_lock())
		return false;
	for (int i = 0; i < LISTENERS && !room; i++)
		if (!slots[i]) {
			slots[i] = l;
			room = true;
			watch(l, true);
		}
	slots_unlock();
	return room;
}

/* fd's listener, marked busy for this thread; NULL if none or another thread's. */
static struct listener *acquire(int fd)
{
	struct listener *l = NULL;
	if (!slots_lock())
		return NULL;
	for (int i = 0; i < LISTENERS && !l; i++) {
		bool expect = false;
		if (slots[i] && slots[i]->fd == fd && slots[i]->owner == getpid() &&
		    atomic_compare_exchange_strong(&slots[i]->busy, &expect, true))
			l = slots[i];
	}
	slots_unlock();
	return l;
}

static void drop(struct listener *l)
{
	if (!slots_lock())
		return; /* a signal handler's: the slot stays (it is still in the table) */
	for (int i = 0; i < LISTENERS; i++)
		if (slots[i] == l)
			slots[i] = NULL;
	watch(l, false);
	slots_unlock();
	munmap(l, sizeof *l);
}

static bool is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr)[0] == 127;
	if (ss->ss_family != AF_INET6)
		return false;
	const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
}

/* The socket is given back as a fresh one of its family, unbound. */
static void renew(int fd, int family, int flags)
{
	sx_session_swap_socket(fd, family, flags);
	sx_fdtab_clear(fd);
	sx_fdtab_mark(fd, SX_FD_TCP);
}

/* After its one connection the listener stays one, as quiet as a kernel listener nobody
 * connects to: a fresh socket listening on loopback (a never-connected socket would poll
 * POLLHUP, and an event loop that keeps it would spin). Its epoll registrations move to
 * it; getsockname() still names where the proxy listened (lis). */
static void quiet(int fd, int family, int flags, const struct sx_fdinfo *lis)
{
	sx_epoll_shadow_detach(fd);
	sx_session_swap_socket(fd, family, flags);
	struct sockaddr_storage lo;
	socklen_t len = sx_sockaddr_loopback(family, &lo);
	if (sx_real.bind(fd, (struct sockaddr *)&lo, len) < 0 || sx_real.listen(fd, 1) < 0)
		sx_log(SX_LOG_DEBUG, "accept: BIND: no loopback listener after it: %s",
		       strerror(errno));
	struct sx_fdinfo info = {0};
	*SX_TCP_PART(&info) = *SX_TCP_PART(lis);
	sx_fdtab_set(fd, SX_FD_TCP_BIND_DONE, &info);
	sx_epoll_shadow_reattach(fd);
}

void sx_tcp_bind_note_connect(int fd, const struct sx_session *s, struct sx_fdinfo *info)
{
	struct sx_target bnd;
	if (sx_session_result(s, NULL, &bnd) != 0)
		return;
	struct sx_tcp_part *part = SX_TCP_PART(info);
	int family = info->peer_len ? info->peer.ss_family : AF_INET;
	part->local_len = sx_bound_addrs_local(fd, &bnd, family, &part->local);
	if (part->local_len && s->st->config.bind != SX_BIND_OFF)
		sx_bound_addrs_note((struct sockaddr *)&part->local, part->local_len, &s->dst,
				    sx_session_hops(s));
}

static int first_reply(struct sx_session *s, int need)
{
	while (need > 0) {
		int ev = sx_io_wait(s->fd, (short)need, sx_session_deadline(s));
		need = sx_session_step(s, ev > 0 ? (short)ev : 0);
	}
	return need;
}

static bool start_bind(const struct sx_state *st, int fd, int family, const struct sx_target *dst,
		       const struct sx_hops *hops, int *ret)
{
	char dbuf[300], url[SX_CHAIN_MAX * 300 + 40], where[300];
	sx_target_format(dst, dbuf, sizeof dbuf);
	int flags = sx_real.fcntl(fd, F_GETFL);
	struct sx_session s;
	int r = sx_session_start(&s, st, fd, flags, SX_CMD_BIND, dst, 0, hops);
	sx_session_route_format(&s, url, sizeof url);
	/* Blocking even for a non-blocking socket: getsockname() must have the answer
	 * as soon as bind() returns (FTP announces it next). */
	r = SX_UNGUARDED(first_reply(&s, r));
	struct sx_proxy_failure why;
	struct sx_target first;
	r = sx_session_result(&s, &why, &first);
	struct sx_fdinfo info = {0};
	struct sx_tcp_part *part = SX_TCP_PART(&info);
	if (r == 0)
		part->local_len = sx_bound_addrs_local(fd, &first, family, &part->local);
	struct listener *l = NULL;
	if (r == 0) {
		void *m = mmap(NULL, sizeof *l, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		l = m == MAP_FAILED ? NULL : m;
		if (!l)
			r = -ENOBUFS;
	}
	if (r == 0) {
		sx_session_move(&l->s, &s);
		l->fd = fd;
		l->family = family;
		l->owner = getpid();
		sx_session_await_peer(&l->s, sx_io_now_ms() + st->config.bind_timeout_ms);
		if (!add(l)) {
			munmap(l, sizeof *l);
			r = -ENOBUFS;
		}
	}
	if (r < 0) {
		sx_proxy_failure_format(&why, r, where, sizeof where);
		sx_log(SX_LOG_WARN, "bind: BIND for %s via %s: %s", dbuf, url, where);
		renew(fd, family, flags);
		*ret = -1;
		errno = -r;
		return true;
	}
	sx_fdtab_set(fd, SX_FD_TCP_LISTEN, &info);
	if (sx_log_enabled(SX_LOG_INFO)) {
		sx_target_format(&first, where, sizeof where);
		sx_log(SX_LOG_INFO, "bind: BIND for %s via %s: the proxy listens at %s", dbuf, url,
		       where);
	}
	*ret = 0;
	return true;
}

bool sx_tcp_bind_bind(int fd, enum sx_fd_kind kind, const struct sockaddr *sa, socklen_t len,
		      int *ret)
{
	if (kind != SX_FD_TCP || !sa || len < sizeof(sa_family_t) ||
	    (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return false;
	const struct sx_state *st = sx_state();
	struct sx_target dst;
	struct sockaddr_storage ss;
	sx_sockaddr_copy(&ss, sa, len);
	if (st->config.bind == SX_BIND_OFF || !st->config.has_proxy || st->config_error)
		return false;
	/* The kernel would refuse an address that is not ours. BIND is sent now, not at
	 * listen(): curl and tnftp ask getsockname() for the port in between. */
	struct sx_hops hops;
	if (sx_bound_addrs_find(sa, len, &dst, &hops) ||
	    (st->config.bind == SX_BIND_ON && !is_loopback(&ss) &&
	     sx_bound_addrs_latest(&dst, &hops)))
		return start_bind(st, fd, sa->sa_family, &dst, &hops, ret);
	return false;
}

static int sock_domain(int fd)
{
	int domain = 0, proto = 0;
	socklen_t len = sizeof domain, pl = sizeof proto;
	if (sx_real.getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
	    sx_real.getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &pl) < 0 ||
	    (domain != AF_INET && domain != AF_INET6) ||
	    (proto != IPPROTO_TCP && proto != IPPROTO_MPTCP))
		return -1;
	return domain;
}

bool sx_tcp_bind_listen(int fd, enum sx_fd_kind kind, int backlog, int *ret)
{
	(void)backlog; /* one connection per BIND */
	const struct sx_state *st = sx_state();
	if (kind == SX_FD_TCP_LISTEN) {
		*ret = 0; /* bind() sent BIND already */
		return true;
	}
	if (kind != SX_FD_TCP && kind != SX_FD_NONE)
		return false;
	int domain = sock_domain(fd);
	if (domain < 0)
		return false;
	/* Unbound: the kernel's listen() binds it to the unspecified address. */
	struct sockaddr_storage me = {.ss_family = (sa_family_t)domain};
	socklen_t ml = sizeof me;
	sx_real.getsockname(fd, (struct sockaddr *)&me, &ml);
	if (is_loopback(&me))
		return false;
	struct sx_target dst;
	struct sx_hops hops;
	if (st->config.bind == SX_BIND_ON && st->config.has_proxy && !st->config_error &&
	    sx_bound_addrs_latest(&dst, &hops))
		return start_bind(st, fd, domain, &dst, &hops, ret);
	if (!st->config.strict)
		return false;
	struct sx_target t;
	char where[300] = "?";
	if (sx_sockaddr_to_target((struct sockaddr *)&me, ml, &t) == 0)
		sx_target_format(&t, where, sizeof where);
	sx_log(SX_LOG_WARN,
	       "strict mode: refusing to listen on %s: a remote peer could connect directly "
	       "(listen on loopback, or bind to the address getsockname() reports for a "
	       "proxied connection)",
	       where);
	*ret = -1;
	errno = EACCES;
	return true;
}

static int wait_peer(struct listener *l, int need)
{
	while (need > 0) {
		int ev = sx_io_wait_once(l->fd, (short)need, sx_session_deadline(&l->s));
		if (ev == -EINTR && sx_io_signal_interrupts())
			return -EINTR;
		need = sx_session_step(&l->s, ev > 0 ? (short)ev : 0);
	}
	return need;
}

/* The stream under a new number (flags: accept4's), the listener renewed. */
static int hand_out(struct listener *l, const struct sx_target *peer, int fflags, int flags)
{
	int fd = l->fd;
	struct sx_fdinfo info = {0}, lis;
	if (!sx_fdtab_get(fd, &lis))
		return -EBADF;
	int nfd = sx_real.fcntl(fd, flags & SOCK_CLOEXEC ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
	if (nfd < 0)
		return -errno;
	quiet(fd, l->family, fflags, &lis);
	sx_real.fcntl(nfd, F_SETFL,
		      (fflags & ~O_NONBLOCK) | (flags & SOCK_NONBLOCK ? O_NONBLOCK : 0));
	int n = sx_target_to_sockaddr(peer, l->family, &info.peer);
	info.peer_len = n > 0 ? (socklen_t)n : 0;
	*SX_TCP_PART(&info) = *SX_TCP_PART(&lis);
	sx_fdtab_set(nfd, SX_FD_TCP_PROXIED, &info);
	return nfd;
}

bool sx_tcp_bind_accept(int fd, struct sockaddr *sa, socklen_t *len, int flags, int *ret)
{
	if (sx_fdtab_kind(fd) == SX_FD_TCP_BIND_DONE) {
		*ret = -1;
		errno = EINVAL; /* one connection per BIND */
		return true;
	}
	if (sx_fdtab_kind(fd) != SX_FD_TCP_LISTEN)
		return false;
	struct listener *l = acquire(fd);
	if (!l)
		return false;
	int fflags = sx_real.fcntl(fd, F_GETFL);
	int need = sx_session_step(&l->s, 0);
	if (need > 0 && fflags >= 0 && (fflags & O_NONBLOCK))
		need = -EAGAIN;
	else if (need > 0)
		need = SX_UNGUARDED(wait_peer(l, need));
	if (need == -EAGAIN || need == -EINTR) {
		atomic_store(&l->busy, false);
		*ret = -1;
		errno = -need;
		return true;
	}
	char dbuf[300], url[SX_CHAIN_MAX * 300 + 40], what[300];
	sx_target_format(&l->s.dst, dbuf, sizeof dbuf);
	sx_session_route_format(&l->s, url, sizeof url);
	struct sx_proxy_failure why;
	struct sx_target peer;
	int r = sx_session_result(&l->s, &why, &peer);
	if (r == 0)
		r = hand_out(l, &peer, fflags, flags);
	if (r < 0) {
		sx_proxy_failure_format(&why, r, what, sizeof what);
		sx_log(SX_LOG_WARN, "accept: BIND for %s via %s: %s", dbuf, url, what);
		renew(fd, l->family, fflags);
		drop(l);
		*ret = -1;
		errno = -r;
		return true;
	}
	if (sx_log_enabled(SX_LOG_INFO)) {
		sx_target_format(&peer, what, sizeof what);
		sx_log(SX_LOG_INFO, "accept: BIND for %s via %s: connection from %s", dbuf, url,
		       what);
	}
	drop(l);
	if (sa && len) {
		struct sx_fdinfo info;
		if (sx_fdtab_get(r, &info)) {
			memcpy(sa, &info.peer, *len < info.peer_len ? *len : info.peer_len);
			*len = info.peer_len;
		}
	}
	*ret = r;
	return true;
}

bool sx_tcp_bind_local(int fd, enum sx_fd_kind kind, struct sockaddr *sa, socklen_t *len)
{
	if ((kind != SX_FD_TCP_PROXIED && kind != SX_FD_TCP_LISTEN &&
	     kind != SX_FD_TCP_BIND_DONE) ||
	    !sa || !len)
		return false;
	struct sx_fdinfo info;
	if (!sx_fdtab_get(fd, &info))
		return false;
	const struct sx_tcp_part *part = SX_TCP_PART(&info);
	if (!part->local_len)
		return false;
	memcpy(sa, &part->local, *len < part->local_len ? *len : part->local_len);
	*len = part->local_len;
	return true;
}

long long sx_tcp_bind_deadline(void)
{
	long long d = LLONG_MAX;
	if (!atomic_load(&n_watched) || !slots_lock())
		return d;
	for (int i = 0; i < LISTENERS; i++)
		if (slots[i] && slots[i]->watched && sx_session_deadline(&slots[i]->s) < d)
			d = sx_session_deadline(&slots[i]->s);
	slots_unlock();
	return d;
}

void sx_tcp_bind_expire(void)
{
	long long now = sx_io_now_ms();
	int fds[LISTENERS];
	int n = 0;
	if (!atomic_load(&n_watched) || !slots_lock())
		return;
	for (int i = 0; i < LISTENERS; i++) {
		struct listener *l = slots[i];
		if (l && l->watched && sx_session_deadline(&l->s) <= now) {
			watch(l, false);
			if (l->owner == getpid())
				fds[n++] = l->fd;
		}
	}
	slots_unlock();
	/* Readable now: the program's accept() then fails with ETIMEDOUT. */
	for (int i = 0; i < n; i++)
		sx_real.shutdown(fds[i], SHUT_RDWR);
}

void sx_tcp_bind_forget(int fd)
{
	struct listener *l = acquire(fd);
	if (l)
		drop(l);
}
