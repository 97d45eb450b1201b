/* SPDX-License-Identifier: MIT */
/* The blocking driver for core's handshake: connect to the proxy, then write and read
 * exactly what the state machine asks for, each wait bounded by a deadline. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guard.h"
#include "io.h"
#include "log.h"
#include "proxy_failure.h"
#include "real.h"
#include "sockaddr.h"

long long sx_io_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until deadline. A signal does not abort the wait: the
 * handshake stays bounded by the deadline instead (documented in socksify.1). */
int sx_io_wait(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - sx_io_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd p = {.fd = fd, .events = events};
		int r = poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
		if (r > 0)
			return p.revents;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

static int sock_domain(int fd)
{
	int domain = 0;
	socklen_t len = sizeof domain;
	if (sx_real.getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
		return -errno;
	return domain;
}

/* An AF_INET socket cannot reach an IPv6-only proxy: swap in an AF_INET6 socket under
 * the same fd number, carrying over the options programs commonly set. */
static int swap_family(int fd, int family)
{
	static const struct {
		int level, name;
	} opts[] = {
	    {SOL_SOCKET, SO_KEEPALIVE}, {SOL_SOCKET, SO_RCVBUF}, {SOL_SOCKET, SO_SNDBUF},
	    {SOL_SOCKET, SO_LINGER},	{SOL_SOCKET, SO_MARK},	 {IPPROTO_TCP, TCP_NODELAY},
	};
	/* Non-blocking like the socket it replaces during the handshake; the caller's
	 * flags are put back afterwards. */
	int nfd = sx_real.socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (nfd < 0)
		return -errno;
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		char v[64];
		socklen_t l = sizeof v;
		if (sx_real.getsockopt(fd, opts[i].level, opts[i].name, v, &l) == 0)
			setsockopt(nfd, opts[i].level, opts[i].name, v, l);
	}
	int fdflags = sx_real.fcntl(fd, F_GETFD);
	int r = sx_real.dup3(nfd, fd, fdflags & FD_CLOEXEC ? O_CLOEXEC : 0);
	int e = errno;
	sx_real.close(nfd);
	return r < 0 ? -e : 0;
}

static int pick_proxy_addr(const struct sx_state *st, int domain, struct sockaddr_storage *ss,
			   socklen_t *len)
{
	/* First an address of the socket's own family, then one it can reach. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < st->n_proxy_addrs; i++) {
			int fam = st->proxy_addrs[i].ss_family;
			if ((pass == 0 && fam != domain) || (pass == 1 && fam == domain))
				continue;
			*ss = st->proxy_addrs[i];
			*len = st->proxy_addr_lens[i];
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

static int connect_to_proxy(const struct sx_state *st, int fd, long long deadline)
{
	int domain = sock_domain(fd);
	if (domain < 0)
		return domain;
	struct sockaddr_storage ss;
	socklen_t len;
	int fam = pick_proxy_addr(st, domain, &ss, &len);
	if (fam < 0)
		return fam;
	if (fam != domain) {
		int r = swap_family(fd, fam);
		if (r < 0)
			return r;
	}
	return sx_io_connect(fd, (struct sockaddr *)&ss, len, deadline);
}

int sx_io_connect(int fd, const struct sockaddr *sa, socklen_t len, long long deadline)
{
	if (sx_real.connect(fd, sa, len) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EINTR)
		return -errno;
	int ev = sx_io_wait(fd, POLLOUT, deadline);
	if (ev < 0)
		return ev;
	/* Writable without an error condition is connected: no SO_ERROR round trip. */
	if (!(ev & (POLLERR | POLLHUP)))
		return 0;
	int soerr = 0;
	socklen_t sl = sizeof soerr;
	if (sx_real.getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
		return -errno;
	return soerr ? -soerr : -ECONNRESET;
}

static int drive(struct sx_hs *hs, int fd, long long deadline, size_t *got)
{
	bool awaiting = false;
	for (;;) {
		size_t n;
		switch (sx_hs_next(hs, &n)) {
		case SX_NEXT_DONE:
		case SX_NEXT_FAILED:
			return sx_hs_result(hs, NULL);
		case SX_NEXT_WRITE: {
			ssize_t w = sx_real.sendto(fd, sx_hs_out(hs), n, MSG_NOSIGNAL, NULL, 0);
			if (w > 0) {
				sx_hs_wrote(hs, (size_t)w);
				awaiting = true;
			} else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
				int r = sx_io_wait(fd, POLLOUT, deadline);
				if (r < 0)
					sx_hs_fail(hs, r);
			} else {
				sx_hs_fail(hs, errno == EPIPE ? -ECONNRESET : -errno);
			}
			break;
		}
		case SX_NEXT_READ: {
			uint8_t buf[SX_HS_BUF];
			if (n > sizeof buf)
				n = sizeof buf;
			/* Right after a write the answer is a round trip away: wait first rather
			 * than spend a recv() on EAGAIN (one syscall less per message). */
			if (awaiting) {
				awaiting = false;
				int r = sx_io_wait(fd, POLLIN, deadline);
				if (r < 0) {
					sx_hs_fail(hs, r);
					break;
				}
			}
			ssize_t rd = sx_real.recv(fd, buf, n, 0);
			if (rd > 0) {
				*got += (size_t)rd;
				sx_hs_read(hs, buf, (size_t)rd);
			} else if (rd == 0) {
				sx_hs_fail(hs, -ECONNRESET);
			} else if (errno == EAGAIN || errno == EINTR) {
				int r = sx_io_wait(fd, POLLIN, deadline);
				if (r < 0)
					sx_hs_fail(hs, r);
			} else {
				sx_hs_fail(hs, -errno);
			}
			break;
		}
		}
	}
}

/* Failures that mean "this proxy did not take the pipelined handshake" rather than an
 * answer to our request: it closed, reset, or sent what its protocol would not; or it
 * answered the greeting and then waited for bytes it had already read and dropped
 * (microsocks does this). */
static bool pipeline_refused(int r, size_t got)
{
	return r == -ECONNRESET || r == -EPROTO || r == -EPIPE || (r == -ETIMEDOUT && got > 0);
}

/* Once a proxy has refused a pipelined handshake, this process stops offering it. */
static atomic_bool pipeline_off;

static int attempt(const struct sx_state *st, int fd, const struct sx_proxy *p, enum sx_cmd cmd,
		   const struct sx_target *dst, struct sx_target *bound, size_t *got,
		   struct sx_proxy_failure *why)
{
	const struct sx_config *c = &st->config;
	struct sx_hs hs;
	/* A chain is one longer handshake over the connection to its first proxy. */
	const struct sx_proxy *hops[SX_CHAIN_MAX] = {p};
	size_t n = 1;
	for (size_t i = 0; i < c->n_via; i++)
		hops[n++] = &c->via[i];
	int r = sx_hs_init_chain(&hs, hops, n, cmd, dst, p->pipeline ? 0 : SX_HS_NO_PIPELINE);
	if (r < 0)
		return r;
	r = connect_to_proxy(st, fd, sx_io_now_ms() + c->connect_timeout_ms);
	if (r == -ETIMEDOUT)
		sx_log(SX_LOG_DEBUG, "connect to proxy timed out after %u ms",
		       c->connect_timeout_ms);
	*why = (struct sx_proxy_failure){.unreachable = r < 0};
	if (r < 0)
		return r;
	r = drive(&hs, fd, sx_io_now_ms() + c->handshake_timeout_ms, got);
	if (r == 0 && bound)
		sx_hs_result(&hs, bound);
	why->refusal = sx_hs_refusal(&hs, &why->code);
	why->hop = (unsigned)sx_hs_hop(&hs);
	why->n_hops = (unsigned)n;
	why->at = why->hop ? &c->via[why->hop - 1] : &c->proxy;
	return r;
}

static int proxy_connect(const struct sx_state *st, int fd, int flags, enum sx_cmd cmd,
			 const struct sx_target *dst, struct sx_target *bound,
			 struct sx_proxy_failure *why)
{
	struct sx_proxy p = st->config.proxy;
	p.pipeline = p.pipeline && !atomic_load(&pipeline_off);

	if (flags < 0 && (flags = sx_real.fcntl(fd, F_GETFL)) < 0)
		return -errno;
	if (!(flags & O_NONBLOCK) && sx_real.fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;

	size_t got = 0;
	int r = attempt(st, fd, &p, cmd, dst, bound, &got, why);
	if (r < 0 && p.pipeline && pipeline_refused(r, got)) {
		/* Fall back at once, on a fresh socket under the same fd number. */
		atomic_store(&pipeline_off, true);
		sx_log(SX_LOG_INFO,
		       "proxy %s:%u refused a pipelined handshake (%s): retrying "
		       "without pipelining",
		       p.host, p.port, strerror(-r));
		p.pipeline = false;
		int domain = sock_domain(fd);
		r = domain < 0 ? domain : swap_family(fd, domain);
		if (r == 0)
			r = attempt(st, fd, &p, cmd, dst, bound, &got, why);
	}

	/* The handshake ran non-blocking (on this file, or on one swap_family() put under
	 * the fd, which starts with O_NONBLOCK only): put the program's flags back. */
	if (sx_real.fcntl(fd, F_SETFL, flags) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		sx_proxy_failure_log(why->at ? why->at : &p, why, r);
	return r;
}

int sx_io_proxy_connect(const struct sx_state *st, int fd, int flags, enum sx_cmd cmd,
			const struct sx_target *dst, struct sx_target *bound)
{
	return sx_io_proxy_connect_why(st, fd, flags, cmd, dst, bound, NULL);
}

int sx_io_proxy_connect_why(const struct sx_state *st, int fd, int flags, enum sx_cmd cmd,
			    const struct sx_target *dst, struct sx_target *bound,
			    struct sx_proxy_failure *why)
{
	struct sx_proxy_failure unused;
	if (!why)
		why = &unused;
	*why = (struct sx_proxy_failure){0};
	/* While this thread waits on the proxy, a signal handler's calls are the
	 * program's: they take the hooks rather than go direct. The wait holds no lock of
	 * ours (a UDP association is made with its socket's lock let go). */
	return SX_UNGUARDED(proxy_connect(st, fd, flags, cmd, dst, bound, why));
}
