/* SPDX-License-Identifier: MIT */
/* poll(), ppoll(), select() and pselect(). While a socket's proxy handshake runs, the wait
 * watches it for what the handshake needs, advances it as it becomes ready, and reports
 * it only when the handshake has ended: writable, or writable with POLLERR|POLLHUP when
 * it failed (SO_ERROR then tells why). The program's timeout is never lengthened. With
 * no handshake in progress in the process, each costs one atomic load. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>

#include "../base/fdtab.h"
#include "../base/io.h"
#include "../base/real.h"
#include "../tcp/tcp_bind.h"
#include "../tcp/tcp_pending.h"

#define EXPORT	    __attribute__((visibility("default")))
#define TRACKED	    128
#define LIKELY(x)   __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

struct tracked {
	nfds_t i;
	short events; /* the program's */
	bool ended;
};

/* revents for a socket whose handshake has just ended, as the program asked. */
static short ended_revents(int fd, short events)
{
	if (sx_fdtab_kind(fd) == SX_FD_TCP_FAILED)
		return (short)((events & POLLOUT) | POLLERR | POLLHUP);
	struct pollfd p = {.fd = fd, .events = events};
	return sx_real.poll(&p, 1, 0) > 0 ? p.revents : 0;
}

static int wait_tracked(struct pollfd *fds, nfds_t n, struct tracked *t, size_t nt, long long end,
			const sigset_t *mask)
{
	for (;;) {
		for (size_t j = 0; j < nt; j++) {
			if (t[j].ended)
				continue;
			/* 0 for another process's handshake (it drives it): no busy wake-ups. */
			fds[t[j].i].events = sx_tcp_pending_need(fds[t[j].i].fd);
		}
		long long until = sx_tcp_pending_deadline();
		if (end < until)
			until = end;
		int ms = sx_io_ms_until(until);
		int r;
		if (mask) {
			struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
			r = sx_real.ppoll(fds, n, ms < 0 ? NULL : &ts, mask);
		} else {
			r = sx_real.poll(fds, n, ms);
		}
		int e = errno;
		for (size_t j = 0; j < nt; j++)
			fds[t[j].i].events = t[j].events;
		if (r < 0) {
			errno = e;
			return r;
		}
		sx_tcp_pending_expire();
		for (size_t j = 0; j < nt; j++) {
			struct pollfd *p = &fds[t[j].i];
			if (t[j].ended)
				continue;
			if (sx_tcp_pending_pump(p->fd, p->revents) != 0) {
				if (p->revents)
					r--;
				p->revents = 0;
				continue;
			}
			t[j].ended = true;
			if (p->revents)
				r--;
			p->revents = ended_revents(p->fd, p->events);
			if (p->revents)
				r++;
		}
		if (r > 0 || (end != SX_IO_NO_END && sx_io_now_ms() >= end))
			return r;
	}
}

/* The program's set, with its handshaking sockets found; 1: handled (*ret), 0: none. */
static int wait_set(struct pollfd *fds, nfds_t n, long long end, const sigset_t *mask, int *ret)
{
	size_t nt = 0;
	for (nfds_t i = 0; i < n; i++)
		nt += sx_fdtab_kind(fds[i].fd) == SX_FD_TCP_PENDING;
	/* None: still woken at a BIND's deadline (tcp/tcp_bind.c), if one waits. */
	if (!nt && sx_tcp_bind_deadline() == LLONG_MAX)
		return 0;
	/* A few on the stack; more (an nmap sweep) in a mapping, as connect() may have
	 * been called from a signal handler and so may this. */
	struct tracked few[TRACKED], *t = few;
	size_t size = nt * sizeof *t;
	if (nt > TRACKED) {
		t = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t == MAP_FAILED)
			return 0;
	}
	size_t j = 0;
	for (nfds_t i = 0; i < n && j < nt; i++)
		if (sx_fdtab_kind(fds[i].fd) == SX_FD_TCP_PENDING)
			t[j++] = (struct tracked){i, fds[i].events, false};
	*ret = wait_tracked(fds, n, t, j, end, mask);
	if (t != few) {
		int e = errno;
		munmap(t, size);
		errno = e;
	}
	return 1;
}

/* A wait that began before another thread started a handshake on one of its sockets
 * may have seen it half-way (connected to the proxy): look again. */
static bool started_meanwhile(const struct pollfd *fds, nfds_t n, int r)
{
	if (r <= 0 || LIKELY(!atomic_load_explicit(&sx_tcp_pending_count, memory_order_relaxed)))
		return false;
	for (nfds_t i = 0; i < n; i++)
		if (fds[i].revents && sx_fdtab_kind(fds[i].fd) == SX_FD_TCP_PENDING)
			return true;
	return false;
}

/* When a wait that took the fast path has to go on: an endless one goes on endlessly; a
 * timed one only finishes what is ready now (when it began is not known: the fast path
 * reads no clock), which the program takes as its timeout at worst. */
static long long resumed_end(bool endless)
{
	return endless ? SX_IO_NO_END : sx_io_now_ms();
}

EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	if (UNLIKELY(!sx_real.poll))
		sx_real_init();
	if (!sx_real.poll) {
		errno = ENOSYS;
		return -1;
	}
	int r;
	if (UNLIKELY(atomic_load_explicit(&sx_tcp_pending_count, memory_order_relaxed)) && fds &&
	    wait_set(fds, n, sx_io_deadline_ms(timeout), NULL, &r))
		return r;
	r = sx_real.poll(fds, n, timeout);
	if (UNLIKELY(started_meanwhile(fds, n, r)) &&
	    wait_set(fds, n, resumed_end(timeout < 0), NULL, &r))
		return r;
	return r;
}

EXPORT int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask)
{
	if (UNLIKELY(!sx_real.ppoll))
		sx_real_init();
	if (!sx_real.ppoll) {
		errno = ENOSYS;
		return -1;
	}
	int r;
	if (UNLIKELY(atomic_load_explicit(&sx_tcp_pending_count, memory_order_relaxed)) && fds &&
	    wait_set(fds, n, sx_io_deadline_ts(ts), mask, &r))
		return r;
	r = sx_real.ppoll(fds, n, ts, mask);
	if (UNLIKELY(started_meanwhile(fds, n, r)) && wait_set(fds, n, resumed_end(!ts), mask, &r))
		return r;
	return r;
}

/* select() as poll(): only when a handshaking socket is in the sets (FD_SETSIZE bounds
 * them, as the kernel's select does). */
static int select_as_poll(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, long long end,
			  const sigset_t *mask, int *ret)
{
	if (nfds < 0 || nfds > FD_SETSIZE)
		return 0;
	bool any = false;
	for (int fd = 0; fd < nfds && !any; fd++)
		any = sx_fdtab_kind(fd) == SX_FD_TCP_PENDING &&
		      ((rd && FD_ISSET(fd, rd)) || (wr && FD_ISSET(fd, wr)) ||
		       (ex && FD_ISSET(fd, ex)));
	if (!any && sx_tcp_bind_deadline() == LLONG_MAX)
		return 0;
	struct pollfd p[FD_SETSIZE];
	nfds_t n = 0;
	for (int fd = 0; fd < nfds; fd++) {
		short ev = (short)((rd && FD_ISSET(fd, rd) ? POLLIN : 0) |
				   (wr && FD_ISSET(fd, wr) ? POLLOUT : 0) |
				   (ex && FD_ISSET(fd, ex) ? POLLPRI : 0));
		if (ev)
			p[n++] = (struct pollfd){.fd = fd, .events = ev};
	}
	int r;
	if (!wait_set(p, n, end, mask, &r))
		r = sx_real.poll(p, n, sx_io_ms_until(end));
	if (r < 0) {
		*ret = r;
		return 1;
	}
	for (nfds_t i = 0; i < n; i++)
		if (p[i].revents & POLLNVAL) {
			errno = EBADF;
			*ret = -1;
			return 1;
		}
	int count = 0;
	for (nfds_t i = 0; i < n; i++) {
		int fd = p[i].fd;
		short rv = p[i].revents;
		if (rd && FD_ISSET(fd, rd) && !(rv & (POLLIN | POLLHUP | POLLERR)))
			FD_CLR(fd, rd);
		if (wr && FD_ISSET(fd, wr) && !(rv & (POLLOUT | POLLERR)))
			FD_CLR(fd, wr);
		if (ex && FD_ISSET(fd, ex) && !(rv & POLLPRI))
			FD_CLR(fd, ex);
		count +=
		    (rd && FD_ISSET(fd, rd)) + (wr && FD_ISSET(fd, wr)) + (ex && FD_ISSET(fd, ex));
	}
	*ret = count;
	return 1;
}

/* The program's sets as they were before the kernel overwrote them: a wait that took the
 * fast path and met a handshake started meanwhile goes on with what was asked. Only the
 * words below nfds are kept (one each for most programs). */
struct asked {
	fd_set *set[3];
	fd_mask bits[3][FD_SETSIZE / NFDBITS];
	size_t bytes;
};

static void keep_asked(struct asked *a, int nfds, fd_set *rd, fd_set *wr, fd_set *ex)
{
	size_t words = nfds <= 0 ? 0 : ((size_t)nfds + NFDBITS - 1) / NFDBITS;
	a->bytes = (words < FD_SETSIZE / NFDBITS ? words : FD_SETSIZE / NFDBITS) * sizeof(fd_mask);
	a->set[0] = rd;
	a->set[1] = wr;
	a->set[2] = ex;
	for (int k = 0; k < 3; k++)
		if (a->set[k])
			memcpy(a->bits[k], a->set[k], a->bytes);
}

/* A handshaking socket among those the kernel reported: the sets are put back as asked. */
static bool select_met_handshake(struct asked *a, int nfds, int r)
{
	if (r <= 0 || LIKELY(!atomic_load_explicit(&sx_tcp_pending_count, memory_order_relaxed)) ||
	    nfds > FD_SETSIZE)
		return false;
	bool met = false;
	for (int fd = 0; fd < nfds && !met; fd++)
		for (int k = 0; k < 3 && !met; k++)
			met = a->set[k] && FD_ISSET(fd, a->set[k]) &&
			      sx_fdtab_kind(fd) == SX_FD_TCP_PENDING;
	if (met)
		for (int k = 0; k < 3; k++)
			if (a->set[k])
				memcpy(a->set[k], a->bits[k], a->bytes);
	return met;
}

EXPORT int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
	if (UNLIKELY(!sx_real.select))
		sx_real_init();
	if (!sx_real.select) {
		errno = ENOSYS;
		return -1;
	}
	int r;
	if (UNLIKELY(atomic_load_explicit(&sx_tcp_pending_count, memory_order_relaxed))) {
		long long end =
		    tv ? sx_io_now_ms() + (long long)tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000
		       : SX_IO_NO_END;
		if (select_as_poll(nfds, rd, wr, ex, end, NULL, &r)) {
			/* As Linux does: the time not slept is written back. */
			if (tv) {
				int left = sx_io_ms_until(end);
				tv->tv_sec = left / 1000;
				tv->tv_usec = (left % 1000) * 1000;
			}
			return r;
		}
	}
	struct asked a;
	keep_asked(&a, nfds, rd, wr, ex);
	r = sx_real.select(nfds, rd, wr, ex, tv);
	if (UNLIKELY(select_met_handshake(&a, nfds, r)) &&
	    select_as_poll(nfds, rd, wr, ex, resumed_end(!tv), NULL, &r))
		return r;
	return r;
}

EXPORT int pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, const struct timespec *ts,
		   const sigset_t *mask)
{
	if (UNLIKELY(!sx_real.pselect))
		sx_real_init();
	if (!sx_real.pselect) {
		errno = ENOSYS;
		return -1;
	}
	int r;
	if (UNLIKELY(atomic_load_explicit(&sx_tcp_pending_count, memory_order_relaxed))) {
		if (select_as_poll(nfds, rd, wr, ex, sx_io_deadline_ts(ts), mask, &r))
			return r;
	}
	struct asked a;
	keep_asked(&a, nfds, rd, wr, ex);
	r = sx_real.pselect(nfds, rd, wr, ex, ts, mask);
	if (UNLIKELY(select_met_handshake(&a, nfds, r)) &&
	    select_as_poll(nfds, rd, wr, ex, resumed_end(!ts), mask, &r))
		return r;
	return r;
}
