/* SPDX-License-Identifier: MIT */
/* One association per UDP socket: a private TCP control connection to the proxy, kept
 * open for the association's life (RFC 1928 §6), and the relay address from the reply. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../base/autobind.h"
#include "../base/guard.h"
#include "../base/io.h"
#include "../base/log.h"
#include "../base/pick.h"
#include "../base/real.h"
#include "../base/session.h"
#include "../base/sockaddr.h"
#include "udp.h"

static bool ctl_is_ours(const struct sx_fdinfo *info)
{
	const struct sx_udp_part *u = SX_UDP_PART(info);
	return u->has_ctl && sx_ownfd_still(&u->ctl);
}

/* The proxy never speaks on the control connection after its reply, so readable
 * means EOF or reset: the association is gone. */
static bool ctl_alive(const struct sx_fdinfo *info)
{
	if (!ctl_is_ours(info))
		return false;
	struct pollfd p = {.fd = SX_UDP_PART(info)->ctl.fd, .events = POLLIN};
	return sx_real.poll(&p, 1, 0) == 0;
}

void sx_udp_assoc_drop(struct sx_fdinfo *info)
{
	struct sx_udp_part *u = SX_UDP_PART(info);
	if (u->has_ctl)
		sx_ownfd_close(&u->ctl);
	u->has_ctl = false;
}

void sx_udp_assoc_dup(struct sx_fdinfo *info)
{
	struct sx_udp_part *u = SX_UDP_PART(info);
	u->assoc_token = 0; /* the original fd's, if it is being made */
	if (u->has_ctl)
		sx_ownfd_dup(&u->ctl);
	u->has_ctl = u->has_ctl && u->ctl.fd >= 0;
}

static bool is_unspecified(const struct sx_target *t)
{
	static const uint8_t zero[16];
	return (t->kind == SX_TARGET_IPV4 && !memcmp(t->addr.v4, zero, 4)) ||
	       (t->kind == SX_TARGET_IPV6 && !memcmp(t->addr.v6, zero, 16));
}

/* The local address the kernel uses toward the proxy, found with a connected probe
 * socket (no packet is sent): the address the relay will see our datagrams from. */
static int local_ip_toward_proxy(const struct sx_proxy_addrs *pa, int family, struct sx_target *ip)
{
	const struct sockaddr_storage *pick = NULL;
	socklen_t plen = 0;
	for (int pass = 0; pass < 2 && !pick; pass++) {
		for (size_t i = 0; i < pa->n && !pick; i++) {
			int fam = pa->a[i].ss_family;
			if (pass == 0 ? fam == family : (family == AF_INET6 && fam == AF_INET)) {
				pick = &pa->a[i];
				plen = pa->len[i];
			}
		}
	}
	if (!pick)
		return -EAFNOSUPPORT;
	int s = sx_real.socket(pick->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	struct sockaddr_storage me;
	socklen_t mlen = sizeof me;
	int r = 0;
	if (sx_real.connect(s, (const struct sockaddr *)pick, plen) < 0 ||
	    sx_real.getsockname(s, (struct sockaddr *)&me, &mlen) < 0)
		r = -errno;
	sx_real.close(s);
	return r < 0 ? r : sx_sockaddr_to_target((struct sockaddr *)&me, mlen, ip);
}

static int announce_addr(const struct sx_proxy_addrs *pa, int fd, int *family,
			 struct sx_target *ann)
{
	struct sockaddr_storage local;
	socklen_t len;
	int r = sx_autobind(fd, &local, &len);
	if (r < 0)
		return r;
	*family = local.ss_family;
	r = sx_sockaddr_to_target((struct sockaddr *)&local, len, ann);
	if (r < 0)
		return r;
	if (!is_unspecified(ann))
		return 0;
	/* Strict relays (RFC 1928 §6) accept datagrams only from the announced address:
	 * announce the one the kernel will pick, not the wildcard. */
	struct sx_target ip;
	if (local_ip_toward_proxy(pa, *family, &ip) < 0)
		return 0; /* all zeros: "not known yet", which the RFC allows */
	ip.port = ann->port;
	*ann = ip;
	return 0;
}

/* A hostile proxy could name a relay elsewhere, so that datagrams go to a host the
 * user never chose: strict mode refuses that, normal mode warns once per process. */
static int check_relay_host(const struct sx_state *st, const struct sx_proxy_addrs *pa,
			    const struct sx_target *relay, const struct sx_target *proxy)
{
	static atomic_bool warned;
	struct sx_target r = *relay, a;
	r.port = proxy->port;
	if (sx_target_equal(&r, proxy))
		return 0;
	/* Any address of the proxy's name will do (IPv4 relay, IPv6 control connection). */
	for (size_t i = 0; i < pa->n; i++) {
		if (sx_sockaddr_to_target((const struct sockaddr *)&pa->a[i], pa->len[i], &a) ==
		    0) {
			r.port = a.port;
			if (sx_target_equal(&r, &a))
				return 0;
		}
	}
	if (!st->config.strict && atomic_exchange(&warned, true))
		return 0;
	char rb[300], pb[300];
	sx_target_format(relay, rb, sizeof rb);
	sx_target_format(proxy, pb, sizeof pb);
	char *colon = strrchr(pb, ':');
	if (colon)
		*colon = '\0';
	sx_log(SX_LOG_WARN, "udp: relay %s is not on the proxy's host %s%s", rb, pb,
	       st->config.strict ? ": refused (strict mode)" : "");
	return st->config.strict ? -EACCES : 0;
}

/* An association made without the fd's lock, before it is installed. */
struct made {
	int ctl;
	struct sockaddr_storage relay;
	socklen_t relay_len;
};

static int relay_addr(const struct sx_state *st, const struct sx_proxy_addrs *pa, int ctl,
		      int family, const struct sx_target *bound, struct made *info)
{
	/* "Same host as the proxy": the control connection's peer. */
	struct sockaddr_storage peer;
	socklen_t plen = sizeof peer;
	struct sx_target proxy;
	if (sx_real.getpeername(ctl, (struct sockaddr *)&peer, &plen) < 0)
		return -errno;
	int r = sx_sockaddr_to_target((struct sockaddr *)&peer, plen, &proxy);
	if (r < 0)
		return r;
	struct sx_target relay = *bound;
	if (relay.kind == SX_TARGET_NAME || is_unspecified(&relay)) {
		relay = proxy;
		relay.port = bound->port;
	} else if ((r = check_relay_host(st, pa, &relay, &proxy)) < 0) {
		return r;
	}
	int n = sx_target_to_sockaddr(&relay, family, &info->relay);
	if (n < 0)
		return n;
	info->relay_len = (socklen_t)n;
	return 0;
}

/* The handshake: runs without the fd's lock (it waits on the proxy, and a signal
 * handler may siglongjmp out of it). */
/* The one SOCKS5 proxy route `way` picks (-EOPNOTSUPP: a chain, or a proxy without UDP). */
static int udp_proxy(const struct sx_state *st, int way, struct sx_hops *h)
{
	int n = sx_pick_hops(&st->config, (unsigned)way, 0, h->ref);
	if (n < 0)
		return n;
	h->n = (uint8_t)n;
	/* A relay behind a chain is out of the program's direct reach (RFC 1928 §7). */
	const struct sx_proxy *p = sx_config_proxy_at(&st->config, h->ref[0]);
	return n == 1 && p && sx_proxy_relays_udp(p) ? 0 : -EOPNOTSUPP;
}

const char *sx_udp_assoc_no_reason(const struct sx_state *st, int way, int err)
{
	struct sx_hops h;
	int r = udp_proxy(st, way, &h);
	const struct sx_proxy *p =
	    r == -EOPNOTSUPP ? sx_config_proxy_at(&st->config, h.ref[0]) : NULL;
	if (err == -EXDEV)
		return "the socket's association is through another route's proxy";
	if (r == -EOPNOTSUPP && h.n > 1)
		return "UDP ASSOCIATE needs a single SOCKS5 proxy, not a chain";
	if (p && p->proto == SX_PROTO_HTTP)
		return "an HTTP proxy carries TCP only";
	if (p)
		return "a SOCKS4 proxy carries TCP only";
	return strerror(-err);
}

/* The handshake: runs without the fd's lock (it waits on the proxy, and a signal
 * handler may siglongjmp out of it). */
static int make(const struct sx_state *st, int fd, int way, struct made *m)
{
	struct sx_hops h;
	int r = udp_proxy(st, way, &h);
	if (r < 0)
		return r;
	const struct sx_proxy *p = sx_config_proxy_at(&st->config, h.ref[0]);
	const struct sx_proxy_addrs *pa = &st->addrs[h.ref[0]];

	int family;
	struct sx_target ann;
	r = announce_addr(pa, fd, &family, &ann);
	if (r < 0)
		return r;
	m->ctl = sx_real.socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (m->ctl < 0)
		return -errno;
	sx_fdtab_clear(m->ctl);
	struct sx_target bound;
	r = sx_io_proxy_connect_why(st, m->ctl, -1, SX_CMD_UDP_ASSOCIATE, &ann, &h, &bound, NULL);
	if (r == 0)
		r = relay_addr(st, pa, m->ctl, family, &bound, m);
	if (r < 0) {
		sx_real.close(m->ctl);
		return r;
	}
	if (sx_log_enabled(SX_LOG_INFO)) {
		char a[300], b[300];
		struct sx_target rt;
		sx_target_format(&ann, a, sizeof a);
		sx_sockaddr_to_target((struct sockaddr *)&m->relay, m->relay_len, &rt);
		sx_target_format(&rt, b, sizeof b);
		sx_log(SX_LOG_INFO, "udp fd %d: associated from %s via %s:%u, relay %s", fd, a,
		       p->host, p->port, b);
	}
	return 0;
}

/* Whether another live thread is making fd's association. This thread's own mark is
 * either a signal handler's caller, or one a siglongjmp left behind: either way this
 * call takes over. A mark from before a fork, or past its deadline, is stale. */
static bool busy_elsewhere(const struct sx_fdinfo *info)
{
	const struct sx_udp_part *u = SX_UDP_PART(info);
	return u->assoc_token && u->assoc_pid == getpid() && u->assoc_tid != gettid() &&
	       sx_io_now_ms() < u->assoc_deadline;
}

static void reload(int fd, struct sx_fdinfo *info)
{
	if (!sx_fdtab_get(fd, info))
		memset(info, 0, sizeof *info);
}

/* With the lock held: 0 when info has a live association, 1 when this call is to make
 * one, after waiting for another thread that was making it (-EBADF: lock lost). */
static int await_alive(int fd, struct sx_fdinfo *info)
{
	for (;;) {
		if (SX_UDP_PART(info)->has_ctl) {
			if (ctl_alive(info))
				return 0;
			sx_log(SX_LOG_INFO, "udp fd %d: association lost, making a new one", fd);
			sx_udp_assoc_drop(info);
		}
		if (!busy_elsewhere(info))
			return 1;
		sx_fdtab_unlock(fd);
		struct timespec ts = {0, 1000000};
		SX_UNGUARDED(nanosleep(&ts, NULL));
		if (!sx_fdtab_lock(fd))
			return -EBADF;
		reload(fd, info);
	}
}

int sx_udp_assoc_ensure(const struct sx_state *st, int fd, struct sx_fdinfo *info, int way)
{
	static _Atomic uint64_t tokens;
	struct sx_udp_part *u = SX_UDP_PART(info); /* reload() refills it */
	int r = await_alive(fd, info);
	if (r == 0 && u->assoc_way != way)
		return -EXDEV;
	if (r != 1)
		return r;
	const struct sx_config *c = &st->config;
	uint64_t token = ++tokens;
	u->assoc_token = token;
	u->assoc_pid = getpid();
	u->assoc_tid = gettid();
	/* Two attempts (the pipelining fallback), each a connect and a handshake. */
	u->assoc_deadline =
	    sx_io_now_ms() + 2LL * (c->connect_timeout_ms + c->handshake_timeout_ms) + 1000;
	enum sx_fd_kind kind = sx_fdtab_kind(fd);
	sx_fdtab_set(fd, kind == SX_FD_NONE ? SX_FD_UDP : kind, info);
	sx_fdtab_unlock(fd);

	struct made m;
	r = make(st, fd, way, &m);

	if (!sx_fdtab_lock(fd)) {
		if (r == 0)
			sx_real.close(m.ctl);
		return -EBADF;
	}
	reload(fd, info);
	if (u->assoc_token != token) {
		/* Closed meanwhile, or taken over (by a signal handler of this thread, or
		 * after the deadline): the association there, if any, is the one to use. */
		if (r == 0)
			sx_real.close(m.ctl);
		if (sx_fdtab_kind(fd) == SX_FD_NONE) {
			sx_fdtab_unlock(fd);
			return -EBADF;
		}
		return u->has_ctl && ctl_alive(info) ? 0 : r < 0 ? r : -EAGAIN;
	}
	u->assoc_token = 0;
	if (r < 0)
		return r;
	r = sx_ownfd_take(&u->ctl, m.ctl);
	if (r < 0)
		return r;
	u->relay = m.relay;
	u->relay_len = m.relay_len;
	u->has_ctl = true;
	u->assoc_way = (int8_t)way;
	return 1;
}
