/* SPDX-License-Identifier: MIT */
/* The proxy session as steps that never block: connect to the proxy, then write and
 * read exactly what core's state machine asks for, with MSG_DONTWAIT so the program's
 * file flags are never touched for longer than one connect() call. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "../../config/proxy_url.h"
#include "forwarder.h"
#include "io.h"
#include "log.h"
#include "pick.h"
#include "pipeline_cache.h"
#include "proxy_health.h"
#include "real.h"
#include "session.h"
#include "sockaddr.h"

static int sock_domain(int fd)
{
	int domain = 0;
	socklen_t len = sizeof domain;
	if (sx_real.getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
		return -errno;
	return domain;
}

/* nfd under fd's number, carrying over the options programs commonly set and the file's
 * status flags; nfd is closed. */
static int adopt_socket(int fd, int nfd, int flags)
{
	static const struct {
		int level, name;
	} opts[] = {
	    {SOL_SOCKET, SO_KEEPALIVE}, {SOL_SOCKET, SO_RCVBUF}, {SOL_SOCKET, SO_SNDBUF},
	    {SOL_SOCKET, SO_LINGER},	{SOL_SOCKET, SO_MARK},	 {IPPROTO_TCP, TCP_NODELAY},
	};
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		char v[64];
		socklen_t l = sizeof v;
		if (sx_real.getsockopt(fd, opts[i].level, opts[i].name, v, &l) == 0)
			setsockopt(nfd, opts[i].level, opts[i].name, v, l);
	}
	if (flags >= 0)
		sx_real.fcntl(nfd, F_SETFL, flags);
	int fdflags = sx_real.fcntl(fd, F_GETFD);
	int r = sx_real.dup3(nfd, fd, fdflags & FD_CLOEXEC ? O_CLOEXEC : 0);
	int e = errno;
	sx_real.close(nfd);
	return r < 0 ? -e : 0;
}

/* A fresh socket of family under the same fd number: an AF_INET socket cannot reach an
 * IPv6-only proxy, and a refused pipelined handshake is retried on a new connection. */
static int swap_socket(int fd, int family, int flags)
{
	int nfd = sx_real.socket(family, SOCK_STREAM, 0);
	return nfd < 0 ? -errno : adopt_socket(fd, nfd, flags);
}

static int pick_proxy_addr(const struct sx_proxy_addrs *pa, int domain, struct sockaddr_storage *ss,
			   socklen_t *len)
{
	/* First an address of the socket's own family, then one it can reach. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < pa->n; i++) {
			int fam = pa->a[i].ss_family;
			if ((pass == 0 && fam != domain) || (pass == 1 && fam == domain))
				continue;
			*ss = pa->a[i];
			*len = pa->len[i];
			if (fam == AF_INET && domain == AF_INET6) {
				/* An IPv4 proxy from an IPv6 socket: its v4-mapped address. */
				struct sx_target t;
				sx_sockaddr_to_target((struct sockaddr *)ss, *len, &t);
				*len = (socklen_t)sx_target_to_sockaddr(&t, AF_INET6, ss);
				return AF_INET6;
			}
			return fam;
		}
	}
	return -EHOSTUNREACH;
}

/* Starts the TCP connect to the proxy; 1: in progress, 0: connected, or -errno. */
static int connect_to_proxy(struct sx_session *s)
{
	/* Isolated: a socket the forwarder made outside, already connecting to the proxy,
	 * so no byte is relayed. Not for UDP: the relay the proxy names is out of reach
	 * from in here, so an association goes through the forwarder's own. */
	int proto = 0;
	socklen_t pl = sizeof proto;
	/* TCP only: an MPTCP socket stays the program's own (relayed). */
	unsigned ref = s->hops.ref[0];
	if (s->st->forwarder_unix[0] && s->cmd != SX_CMD_UDP_ASSOCIATE &&
	    sx_real.getsockopt(s->fd, SOL_SOCKET, SO_PROTOCOL, &proto, &pl) == 0 &&
	    proto == IPPROTO_TCP) {
		int nfd = sx_forwarder_socket(s->st->forwarder_unix,
					      s->st->config.connect_timeout_ms, ref);
		if (nfd >= 0) {
			int r = adopt_socket(s->fd, nfd, s->flags);
			if (r == 0)
				s->swaps++;
			return r < 0 ? r : 1;
		}
		/* The relayed listener leads to the server alone. */
		if (ref != 0)
			return nfd;
	}
	int domain = sock_domain(s->fd);
	if (domain < 0)
		return domain;
	struct sockaddr_storage ss;
	socklen_t len;
	int fam = pick_proxy_addr(&s->st->addrs[ref], domain, &ss, &len);
	if (fam < 0)
		return fam;
	if (fam != domain) {
		int r = swap_socket(s->fd, fam, s->flags);
		if (r < 0)
			return r;
		s->swaps++;
	}
	/* Non-blocking for this one call only: the connection goes on after it returns. */
	bool blocking = !(s->flags & O_NONBLOCK);
	if (blocking && sx_real.fcntl(s->fd, F_SETFL, s->flags | O_NONBLOCK) < 0)
		return -errno;
	int r = sx_real.connect(s->fd, (struct sockaddr *)&ss, len);
	int e = errno;
	if (blocking)
		sx_real.fcntl(s->fd, F_SETFL, s->flags);
	if (r == 0)
		return 0;
	return e == EINPROGRESS || e == EINTR ? 1 : -e;
}

/* Failures that mean "this proxy did not take the pipelined handshake" rather than an
 * answer to our request: it closed, reset, or sent what its protocol would not; or it
 * answered the greeting and then waited for bytes it had already read and dropped
 * (microsocks does this). */
static bool pipeline_refused(int r, size_t got)
{
	return r == -ECONNRESET || r == -EPROTO || r == -EPIPE || (r == -ETIMEDOUT && got > 0);
}

/* The configured proxy, pipelining or not as decided for this session. */
static void set_pipelining(struct sx_session *s, bool on)
{
	if (s->proxy->pipeline == on)
		return;
	if (s->proxy != &s->own_proxy) {
		s->own_proxy = *s->proxy;
		s->proxy = &s->own_proxy;
	}
	s->own_proxy.pipeline = on;
}

/* A probe that timed out, then a retry as slow after its first reply: the wait was the
 * target's connect (or the proxy's), not for bytes the proxy dropped. */
static bool slow_retry(const struct sx_session *s)
{
	long long waited = sx_io_now_ms() - s->reply_at;
	if (!s->probe_wait || waited < s->probe_wait)
		return false;
	sx_log(SX_LOG_DEBUG,
	       "pipeline cache: proxy %s:%u: nothing learned, the retry too waited %lld ms after "
	       "its first reply (the probe %lld ms)",
	       s->proxy->host, s->proxy->port, waited, s->probe_wait);
	return true;
}

/* What the session's end teaches the pipeline cache: only an answer tells (a dead proxy
 * says nothing about pipelining, and a refusal of a pipelined request might be a
 * misreading of it). */
static void learn(const struct sx_session *s, int r)
{
	if (s->use != SX_PIPELINE_NO &&
	    (r == 0 || (!s->proxy->pipeline && s->why.refusal == SX_HS_REFUSED_SOCKS5)) &&
	    !slow_retry(s))
		sx_pipeline_learned(&s->st->config, s->proxy->pipeline);
}

/* The hops of this try: the first decides whether the handshake pipelines. pipeline
 * auto learns the server's answer; another proxy pipelines only when told to. */
static int use_hops(struct sx_session *s, const struct sx_hops *h)
{
	const struct sx_config *c = &s->st->config;
	const struct sx_proxy *first = sx_config_proxy_at(c, h->ref[0]);
	if (!h->n || !first)
		return -EINVAL;
	s->hops = *h;
	s->proxy = first;
	s->use = h->ref[0] == 0				? sx_pipeline_use(c)
		 : first->pipeline && !c->pipeline_auto ? SX_PIPELINE_YES
							: SX_PIPELINE_NO;
	set_pipelining(s, s->use != SX_PIPELINE_NO);
	/* A probe's replies after the first get a short wait (pipeline_cache.c). */
	s->probe_start = s->use == SX_PIPELINE_PROBE ? sx_io_now_ms() : 0;
	s->probe_wait = 0;
	return 0;
}

static int pick(struct sx_session *s)
{
	struct sx_hops h;
	const struct sx_group *g = &s->st->config.groups[s->way];
	if (g->pick == SX_PICK_STRICT && g->n <= SX_CHAIN_MAX) {
		/* A chain (the default: one proxy) is its members: nothing to choose. */
		h.n = (uint8_t)g->n;
		memcpy(h.ref, g->member, g->n);
		return use_hops(s, &h);
	}
	int n = sx_pick_hops(&s->st->config, (unsigned)s->way, s->failed, h.ref);
	if (n < 0)
		return n;
	h.n = (uint8_t)n;
	return use_hops(s, &h);
}

static int begin(struct sx_session *s)
{
	/* A chain is one longer handshake over the connection to its first proxy. */
	const struct sx_config *c = &s->st->config;
	const struct sx_proxy *hops[SX_CHAIN_MAX] = {s->proxy};
	for (size_t i = 1; i < s->hops.n; i++)
		hops[i] = sx_config_proxy_at(c, s->hops.ref[i]);
	int r = sx_hs_init_chain(&s->hs, hops, s->hops.n, s->cmd, &s->dst,
				 s->proxy->pipeline ? 0 : SX_HS_NO_PIPELINE);
	if (r < 0)
		return r;
	s->got = 0;
	s->hop_got = 0;
	s->hop_at = 0;
	s->awaiting = false;
	s->phase = SX_SESSION_CONNECTING;
	s->deadline = sx_io_now_ms() + s->st->config.connect_timeout_ms;
	r = connect_to_proxy(s);
	if (r < 0) {
		s->why.unreachable = true;
		return r;
	}
	if (r == 0) {
		s->phase = SX_SESSION_HANDSHAKE;
		s->deadline = sx_io_now_ms() + s->st->config.handshake_timeout_ms;
	}
	return 1;
}

static const struct sx_proxy *hop_proxy(const struct sx_session *s, size_t i)
{
	return i ? sx_config_proxy_at(&s->st->config, s->hops.ref[i]) : s->proxy;
}

/* The hop (an index into hops) that failure r shows to be down, or -1: the target's
 * doing, or a refusal of ours (credentials, methods) that another proxy would not
 * change. A hop that broke off before it answered is down; one that had answered was
 * waiting on the next. */
static int dead_hop(const struct sx_session *s, int r)
{
	if (s->why.unreachable)
		return 0;
	if (s->phase != SX_SESSION_HANDSHAKE || s->second)
		return -1;
	int h = (int)s->why.hop;
	bool has_next = (size_t)h + 1 < s->hops.n;
	switch (s->why.refusal) {
	case SX_HS_REFUSED_NOTHING:
		if (r == -EPROTO || s->got == s->hop_got)
			return h;
		return has_next && (r == -ETIMEDOUT || r == -ECONNRESET) ? h + 1 : -1;
	case SX_HS_REFUSED_SOCKS5:
	case SX_HS_REFUSED_SOCKS4:
	case SX_HS_REFUSED_HTTP:
		return has_next && (r == -ECONNREFUSED || r == -EHOSTUNREACH || r == -ENETUNREACH ||
				    r == -ETIMEDOUT)
			   ? h + 1
			   : -1;
	default:
		return -1;
	}
}

/* Marks the dead hop and, in a group that may skip it, starts over through the rest on
 * a fresh socket under the same fd: 0, or r when there is nothing else to try. */
static int failover(struct sx_session *s, int dead, int r)
{
	const struct sx_config *c = &s->st->config;
	for (;;) {
		const struct sx_proxy *p = hop_proxy(s, (size_t)dead);
		sx_health_mark_dead_err(p, c->dead_time_ms, -r);
		s->failed |= 1u << s->hops.ref[dead];
		struct sx_hops h;
		int n = s->fixed || c->groups[s->way].pick == SX_PICK_STRICT
			    ? -1
			    : sx_pick_hops(c, (unsigned)s->way, s->failed, h.ref);
		if (n < 0)
			return r;
		h.n = (uint8_t)n;
		if (sx_log_enabled(SX_LOG_INFO)) {
			char url[300];
			sx_proxy_url_format(p, url, sizeof url);
			sx_log(SX_LOG_INFO, "proxy %s failed (%s): trying another", url,
			       strerror(-r));
		}
		int domain = sock_domain(s->fd);
		int e = domain < 0 ? domain : swap_socket(s->fd, domain, s->flags);
		if (e < 0)
			return e;
		s->swaps++;
		s->why = (struct sx_proxy_failure){0};
		e = use_hops(s, &h);
		if (e == 0)
			e = begin(s);
		if (e > 0)
			return 0;
		if (!s->why.unreachable) /* not the proxy's doing (a target SOCKS4 cannot carry) */
			return e;
		r = e;
		dead = 0;
	}
}

static int fail(struct sx_session *s, int r)
{
	if (s->phase == SX_SESSION_HANDSHAKE) {
		s->why.refusal = sx_hs_refusal(&s->hs, &s->why.code);
		s->why.hop = (unsigned)sx_hs_hop(&s->hs);
		s->why.n_hops = s->hops.n;
		s->why.at = hop_proxy(s, s->why.hop);
		/* Pipelined, only username/password is offered: a proxy that wants none
		 * says FF. */
		if (s->proxy->pipeline && !s->second &&
		    (pipeline_refused(r, s->got) || s->why.refusal == SX_HS_REFUSED_METHODS)) {
			/* Fall back at once, on a fresh socket under the same fd number. */
			sx_pipeline_fell_back();
			sx_log(SX_LOG_INFO,
			       "proxy %s:%u refused a pipelined handshake (%s): retrying "
			       "without pipelining",
			       s->proxy->host, s->proxy->port, strerror(-r));
			set_pipelining(s, false);
			s->probe_wait = r == -ETIMEDOUT ? sx_io_now_ms() - s->reply_at : 0;
			s->probe_start = 0;
			s->why = (struct sx_proxy_failure){0};
			int domain = sock_domain(s->fd);
			int e = domain < 0 ? domain : swap_socket(s->fd, domain, s->flags);
			if (e == 0) {
				s->swaps++;
				e = begin(s);
				if (e > 0)
					return 0;
			}
			r = e;
		}
	} else if (s->phase == SX_SESSION_CONNECTING) {
		s->why.unreachable = true;
		if (r == -ETIMEDOUT)
			sx_log(SX_LOG_DEBUG, "connect to proxy timed out after %u ms",
			       s->st->config.connect_timeout_ms);
	}
	int dead = dead_hop(s, r);
	if (dead >= 0) {
		int e = failover(s, dead, r);
		if (e == 0)
			return 0;
		if (e != r) /* the fresh socket could not be had */
			s->why = (struct sx_proxy_failure){0};
		r = e;
	}
	s->phase = SX_SESSION_FAILED;
	s->err = r;
	sx_proxy_failure_log(s->why.at ? s->why.at : s->proxy, &s->why, r);
	learn(s, r);
	return r;
}

int sx_session_start(struct sx_session *s, const struct sx_state *st, int fd, int flags,
		     enum sx_cmd cmd, const struct sx_target *dst, int way,
		     const struct sx_hops *fixed)
{
	/* Field by field: the handshake's buffers need no clearing. */
	s->st = st;
	s->fd = fd;
	s->flags = flags;
	s->cmd = cmd;
	s->dst = *dst;
	s->way = way >= 0 && (size_t)way < st->config.n_groups ? way : 0;
	s->fixed = fixed != NULL;
	s->failed = 0;
	s->hops.n = 0;
	s->err = 0;
	s->why = (struct sx_proxy_failure){0};
	s->swaps = 0;
	s->second = false;
	s->started = sx_io_now_ms();
	s->phase = SX_SESSION_CONNECTING;
	if (s->flags < 0 && (s->flags = sx_real.fcntl(fd, F_GETFL)) < 0) {
		s->phase = SX_SESSION_FAILED;
		return s->err = -errno;
	}
	int r = fixed ? use_hops(s, fixed) : pick(s);
	if (r < 0) {
		s->phase = SX_SESSION_FAILED;
		return s->err = r;
	}
	r = begin(s);
	/* A proxy that failed at once may leave another to try (fail() returns 0). */
	if (r < 0 && fail(s, r) < 0)
		return s->err;
	return sx_session_step(s, 0);
}

/* The connect to the proxy: 1 done, 0 not yet, or -errno. */
static int connected(struct sx_session *s, short revents)
{
	if (!(revents & (POLLOUT | POLLERR | POLLHUP))) {
		struct pollfd p = {.fd = s->fd, .events = POLLOUT};
		if (sx_real.poll(&p, 1, 0) <= 0)
			return 0;
		revents = p.revents;
	}
	if (!(revents & (POLLERR | POLLHUP)))
		return revents & POLLOUT ? 1 : 0;
	int soerr = 0;
	socklen_t sl = sizeof soerr;
	if (sx_real.getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
		return -errno;
	return soerr ? -soerr : -ECONNRESET;
}

int sx_session_step(struct sx_session *s, short revents)
{
	/* One clock reading per step: a step never blocks, so it stays true. */
	long long now = sx_io_now_ms();
	bool timed = false;
	for (;;) {
		if (s->phase == SX_SESSION_DONE)
			return 0;
		if (s->phase == SX_SESSION_FAILED)
			return s->err;
		if (!timed && now >= s->deadline) {
			if (s->phase == SX_SESSION_HANDSHAKE)
				sx_hs_fail(&s->hs, -ETIMEDOUT);
			if (fail(s, -ETIMEDOUT) < 0)
				return s->err;
			/* Retried (without pipelining, or through another proxy) on a fresh
			 * socket with a fresh deadline: what the wait saw was the old one's. */
			timed = true;
			revents = 0;
			continue;
		}
		if (s->phase == SX_SESSION_CONNECTING) {
			int c = connected(s, revents);
			if (c == 0)
				return POLLOUT;
			if (c < 0) {
				if (fail(s, c) < 0)
					return s->err;
				revents = 0;
				continue;
			}
			s->phase = SX_SESSION_HANDSHAKE;
			s->deadline = now + s->st->config.handshake_timeout_ms;
			revents = POLLOUT;
		}
		size_t n;
		int r = 0;
		switch (sx_hs_next(&s->hs, &n)) {
		case SX_NEXT_DONE:
			s->phase = SX_SESSION_DONE;
			learn(s, 0);
			if (!s->fixed && s->st->config.groups[s->way].pick != SX_PICK_STRICT)
				for (size_t i = 0; i < s->hops.n; i++)
					sx_health_mark_alive(hop_proxy(s, i));
			return 0;
		case SX_NEXT_FAILED:
			r = sx_hs_result(&s->hs, NULL);
			break;
		case SX_NEXT_WRITE: {
			ssize_t w = sx_real.sendto(s->fd, sx_hs_out(&s->hs), n,
						   MSG_NOSIGNAL | MSG_DONTWAIT, NULL, 0);
			if (w > 0) {
				sx_hs_wrote(&s->hs, (size_t)w);
				s->awaiting = true;
				revents = 0;
				continue;
			}
			if (w < 0 && (errno == EAGAIN || errno == EINTR))
				return POLLOUT;
			r = w < 0 && errno != EPIPE ? -errno : -ECONNRESET;
			sx_hs_fail(&s->hs, r);
			break;
		}
		case SX_NEXT_READ: {
			/* Right after a write the answer is a round trip away: wait first rather
			 * than spend a recv() on EAGAIN (one syscall less per message). */
			if (s->awaiting && !(revents & (POLLIN | POLLERR | POLLHUP))) {
				s->awaiting = false;
				return POLLIN;
			}
			s->awaiting = false;
			uint8_t buf[SX_HS_BUF];
			if (n > sizeof buf)
				n = sizeof buf;
			ssize_t rd = sx_real.recv(s->fd, buf, n, MSG_DONTWAIT);
			revents = 0;
			if (rd > 0) {
				if (!s->got)
					s->reply_at = now;
				if (s->probe_start && !s->got)
					s->deadline =
					    sx_pipeline_probe_deadline(s->probe_start, s->deadline);
				s->got += (size_t)rd;
				sx_hs_read(&s->hs, buf, (size_t)rd);
				if (sx_hs_hop(&s->hs) != s->hop_at) {
					s->hop_at = sx_hs_hop(&s->hs);
					s->hop_got = s->got;
				}
				continue;
			}
			if (rd < 0 && (errno == EAGAIN || errno == EINTR))
				return POLLIN;
			r = rd == 0 ? -ECONNRESET : -errno;
			sx_hs_fail(&s->hs, r);
			break;
		}
		}
		if (fail(s, r) < 0)
			return s->err;
		revents = 0;
	}
}

int sx_session_result(const struct sx_session *s, struct sx_proxy_failure *why,
		      struct sx_target *bound)
{
	if (why)
		*why = s->why;
	if (s->phase != SX_SESSION_DONE)
		return s->phase == SX_SESSION_FAILED ? s->err : -EINPROGRESS;
	if (bound)
		sx_hs_result(&s->hs, bound);
	return 0;
}

int sx_session_await_peer(struct sx_session *s, long long deadline)
{
	if (s->phase != SX_SESSION_DONE || sx_hs_await_peer(&s->hs) < 0)
		return -EINVAL;
	s->phase = SX_SESSION_HANDSHAKE;
	s->deadline = deadline;
	s->second = true;
	/* The peer may have connected long ago: look at once. */
	s->awaiting = false;
	return POLLIN;
}

int sx_session_swap_socket(int fd, int family, int flags)
{
	return swap_socket(fd, family, flags);
}

void sx_session_rebind(struct sx_session *s, int fd)
{
	s->fd = fd;
}

void sx_session_abort(struct sx_session *s, int err)
{
	s->phase = SX_SESSION_FAILED;
	s->err = err;
}

long long sx_session_deadline(const struct sx_session *s)
{
	return s->deadline;
}

const struct sx_hops *sx_session_hops(const struct sx_session *s)
{
	return &s->hops;
}

void sx_session_route_format(const struct sx_session *s, char *out, size_t n)
{
	const struct sx_group *g = &s->st->config.groups[s->way];
	int k = g->name[0] && !s->fixed ? snprintf(out, n, "%s: ", g->name) : 0;
	for (size_t i = 0; i < s->hops.n && k >= 0 && (size_t)k < n; i++) {
		/* A named proxy by its name, the others by URL (without the password). */
		const struct sx_config *c = &s->st->config;
		unsigned ref = s->hops.ref[i];
		const struct sx_proxy *p = sx_config_proxy_at(c, ref);
		char url[300] = "?";
		if (ref >= SX_REF_NAMED && p && c->named_name[ref - SX_REF_NAMED][0])
			snprintf(url, sizeof url, "%s", c->named_name[ref - SX_REF_NAMED]);
		else if (p)
			sx_proxy_url_format(p, url, sizeof url);
		k += snprintf(out + k, n - (size_t)k, "%s%s", i ? " > " : "", url);
	}
}

void sx_session_move(struct sx_session *to, const struct sx_session *from)
{
	*to = *from;
	/* What pointed at the session's own copy of the first proxy points at the new one. */
	if (from->proxy == &from->own_proxy)
		to->proxy = &to->own_proxy;
	if (to->hs.proxy == &from->own_proxy)
		to->hs.proxy = &to->own_proxy;
	if (to->hs.hops[0] == &from->own_proxy)
		to->hs.hops[0] = &to->own_proxy;
	if (to->why.at == &from->own_proxy)
		to->why.at = &to->own_proxy;
}
