/* SPDX-License-Identifier: MIT */
/* epoll_ctl() and the epoll waits. The program's registrations of its TCP sockets are
 * recorded (tcp/epoll_shadow.c); while a socket's handshake runs, the kernel reports the
 * handshake's events under a marker, which the wait consumes to advance it and never
 * returns. When the handshake ends, the program's registration comes back and the kernel
 * reports the socket as it really is. With no handshake in progress, a wait costs one
 * atomic load and epoll_ctl() one fd-table load. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/epoll.h>

#include "../base/fdtab.h"
#include "../base/io.h"
#include "../base/real.h"
#include "../tcp/epoll_shadow.h"
#include "../tcp/tcp_pending.h"

#define EXPORT	    __attribute__((visibility("default")))
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	if (UNLIKELY(!sx_real.epoll_ctl))
		sx_real_init();
	if (!sx_real.epoll_ctl) {
		errno = ENOSYS;
		return -1;
	}
	enum sx_fd_kind k = sx_fdtab_kind(fd);
	if (k != SX_FD_TCP && k != SX_FD_TCP_PENDING && k != SX_FD_TCP_LISTEN &&
	    k != SX_FD_TCP_BIND_DONE)
		return sx_real.epoll_ctl(epfd, op, fd, ev);
	short need = k == SX_FD_TCP_PENDING ? sx_tcp_pending_need(fd) : 0;
	return sx_epoll_shadow_ctl(epfd, op, fd, ev, need != 0, (uint32_t)need);
}

/* Consumes the handshakes' events among n: the program's own stay, in order, and a failed
 * handshake's report becomes the program's event. */
static int take_ours(int epfd, struct epoll_event *ev, int n, bool *ended)
{
	int out = 0;
	for (int i = 0; i < n; i++) {
		int fd;
		if (!sx_epoll_shadow_marker(ev[i].data.u64, &fd)) {
			ev[out++] = ev[i];
			continue;
		}
		enum sx_fd_kind k = sx_fdtab_kind(fd);
		short revents = (short)(ev[i].events & (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP));
		if (k == SX_FD_TCP_PENDING && sx_tcp_pending_pump(fd, revents) != 0)
			continue;
		if (k == SX_FD_TCP_PENDING)
			*ended = true;
		else if (sx_epoll_shadow_report(epfd, fd, &ev[out]))
			out++;
	}
	return out;
}

static bool slow(void)
{
	return UNLIKELY(atomic_load_explicit(&sx_tcp_pending_count, memory_order_relaxed) ||
			atomic_load_explicit(&sx_epoll_shadow_markers, memory_order_relaxed));
}

static int wait_common(int epfd, struct epoll_event *ev, int max, long long end,
		       const sigset_t *mask)
{
	for (;;) {
		long long until = sx_tcp_pending_deadline();
		if (end < until)
			until = end;
		int ms = sx_io_ms_until(until);
		int before = atomic_load(&sx_tcp_pending_count);
		int n = sx_real.epoll_pwait(epfd, ev, max, ms, mask);
		if (n < 0)
			return n;
		sx_tcp_pending_expire();
		bool ended = false;
		n = take_ours(epfd, ev, n, &ended);
		if (n > 0)
			return n;
		/* A handshake that ended gave the program its registration back (or a
		 * failure report): the kernel has queued what it reports for it. */
		if (ended || atomic_load(&sx_tcp_pending_count) < before) {
			n = sx_real.epoll_pwait(epfd, ev, max, 0, mask);
			if (n < 0)
				return n;
			bool again = false;
			n = take_ours(epfd, ev, n, &again);
			if (n > 0)
				return n;
		}
		if (end != SX_IO_NO_END && sx_io_now_ms() >= end)
			return 0;
	}
}

/* After a wait that took the fast path: a handshake another thread started meanwhile
 * may have put its marker among the events. If nothing of the program's is left, an
 * endless wait goes on; a timed one returns early with nothing (when it began is not
 * known: the fast path reads no clock), which programs take as their timeout. */
static int filtered(int epfd, struct epoll_event *ev, int max, int n, bool endless,
		    const sigset_t *mask)
{
	if (n <= 0 || !slow())
		return n;
	bool ended = false;
	n = take_ours(epfd, ev, n, &ended);
	if (n > 0)
		return n;
	if (endless)
		return wait_common(epfd, ev, max, SX_IO_NO_END, mask);
	return ended ? wait_common(epfd, ev, max, sx_io_now_ms(), mask) : 0;
}

EXPORT int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
	if (UNLIKELY(!sx_real.epoll_wait))
		sx_real_init();
	if (!sx_real.epoll_wait || !sx_real.epoll_pwait) {
		errno = ENOSYS;
		return -1;
	}
	if (slow() && ev && max > 0)
		return wait_common(epfd, ev, max, sx_io_deadline_ms(timeout), NULL);
	return filtered(epfd, ev, max, sx_real.epoll_wait(epfd, ev, max, timeout), timeout < 0,
			NULL);
}

EXPORT int epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout, const sigset_t *mask)
{
	if (UNLIKELY(!sx_real.epoll_pwait))
		sx_real_init();
	if (!sx_real.epoll_pwait) {
		errno = ENOSYS;
		return -1;
	}
	if (slow() && ev && max > 0)
		return wait_common(epfd, ev, max, sx_io_deadline_ms(timeout), mask);
	return filtered(epfd, ev, max, sx_real.epoll_pwait(epfd, ev, max, timeout, mask),
			timeout < 0, mask);
}

EXPORT int epoll_pwait2(int epfd, struct epoll_event *ev, int max, const struct timespec *ts,
			const sigset_t *mask)
{
	if (UNLIKELY(!sx_real.epoll_pwait2))
		sx_real_init();
	if (!sx_real.epoll_pwait2) {
		errno = ENOSYS;
		return -1;
	}
	if (slow() && ev && max > 0 && sx_real.epoll_pwait)
		return wait_common(epfd, ev, max, sx_io_deadline_ts(ts), mask);
	return filtered(epfd, ev, max, sx_real.epoll_pwait2(epfd, ev, max, ts, mask), !ts, mask);
}
