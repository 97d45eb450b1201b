/* SPDX-License-Identifier: MIT */
/* The blocking driver for a proxy session (session.c): each wait bounded by the
 * session's deadline; and the small waits the rest of the shim shares. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
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
#include "session.h"
#include "sockaddr.h"

long long sx_io_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long sx_io_deadline_ms(int timeout)
{
	return timeout < 0 ? SX_IO_NO_END : sx_io_now_ms() + timeout;
}

long long sx_io_deadline_ts(const struct timespec *ts)
{
	if (!ts)
		return SX_IO_NO_END;
	return sx_io_now_ms() + (long long)ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000;
}

int sx_io_ms_until(long long deadline)
{
	if (deadline == SX_IO_NO_END)
		return -1;
	long long left = deadline - sx_io_now_ms();
	return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

/* Waits for events on fd until deadline. A signal does not abort the wait: the
 * handshake stays bounded by the deadline instead (documented in socksify.1). */
int sx_io_wait(int fd, short events, long long deadline)
{
	int r;
	while ((r = sx_io_wait_once(fd, events, deadline)) == -EINTR)
		;
	return r;
}

int sx_io_wait_once(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - sx_io_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd p = {.fd = fd, .events = events};
		int r = sx_real.poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
		if (r > 0)
			return p.revents;
		if (r < 0)
			return -errno;
	}
}

bool sx_io_signal_interrupts(void)
{
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;
		/* Faults are delivered to the instruction that caused them, never to a
		 * thread waiting in a system call: their handlers (crash reporters, the
		 * sanitizers, a JVM's) do not count. */
		if (sig == SIGKILL || sig == SIGSTOP || sig == SIGSEGV || sig == SIGBUS ||
		    sig == SIGFPE || sig == SIGILL || sig == SIGTRAP || sig == SIGSYS ||
		    sigaction(sig, NULL, &sa) < 0)
			continue;
		bool handled = (sa.sa_flags & SA_SIGINFO)
				   ? sa.sa_sigaction != NULL
				   : (sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN);
		if (handled && !(sa.sa_flags & SA_RESTART))
			return true;
	}
	return false;
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

/* The session on a blocking caller's terms: wait between steps until it ends. */
int sx_io_session_drive(struct sx_session *s, int fd, int need)
{
	while (need > 0) {
		int ev = sx_io_wait(fd, (short)need, sx_session_deadline(s));
		if (ev < 0 && ev != -ETIMEDOUT) {
			sx_session_abort(s, ev);
			return ev;
		}
		need = sx_session_step(s, ev > 0 ? (short)ev : 0);
	}
	return need;
}

static int proxy_connect(const struct sx_state *st, int fd, int flags, enum sx_cmd cmd,
			 const struct sx_target *dst, const struct sx_hops *hops,
			 struct sx_target *bound, struct sx_proxy_failure *why)
{
	struct sx_session s;
	sx_io_session_drive(&s, fd, sx_session_start(&s, st, fd, flags, cmd, dst, 0, hops));
	return sx_session_result(&s, why, bound);
}

int sx_io_proxy_connect(const struct sx_state *st, int fd, int flags, enum sx_cmd cmd,
			const struct sx_target *dst, struct sx_target *bound)
{
	return sx_io_proxy_connect_why(st, fd, flags, cmd, dst, NULL, bound, NULL);
}

int sx_io_proxy_connect_why(const struct sx_state *st, int fd, int flags, enum sx_cmd cmd,
			    const struct sx_target *dst, const struct sx_hops *hops,
			    struct sx_target *bound, struct sx_proxy_failure *why)
{
	struct sx_proxy_failure unused;
	if (!why)
		why = &unused;
	*why = (struct sx_proxy_failure){0};
	/* While this thread waits on the proxy, a signal handler's calls are the
	 * program's: they take the hooks rather than go direct. The wait holds no lock of
	 * ours (a UDP association is made with its socket's lock let go). */
	return SX_UNGUARDED(proxy_connect(st, fd, flags, cmd, dst, hops, bound, why));
}
