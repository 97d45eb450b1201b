/* SPDX-License-Identifier: MIT */
/* late_wait.so, preloaded after libsocksify.so: the main thread's first select, pselect,
 * poll or ppoll waits for a byte on fd $SX_LATE_WAIT_FD before it enters the kernel, so
 * a test can connect from another thread while the program's wait has already begun. */
#include <dlfcn.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/select.h>
#include <unistd.h>

static atomic_bool passed;

/* At most 5 s: a test that never opens the gate fails on its own checks, not a hang. */
static void gate(void)
{
	const char *v = getenv("SX_LATE_WAIT_FD");
	if (!v || gettid() != getpid() || atomic_exchange(&passed, true))
		return;
	int (*real_poll)(struct pollfd *, nfds_t, int) = dlsym(RTLD_NEXT, "poll");
	struct pollfd p = {.fd = atoi(v), .events = POLLIN};
	char b;
	if (real_poll && real_poll(&p, 1, 5000) == 1 && read(p.fd, &b, 1) < 0)
		return;
}

__attribute__((visibility("default"))) int select(int n, fd_set *r, fd_set *w, fd_set *e,
						  struct timeval *tv)
{
	int (*next)(int, fd_set *, fd_set *, fd_set *, struct timeval *) =
	    dlsym(RTLD_NEXT, "select");
	gate();
	return next(n, r, w, e, tv);
}

__attribute__((visibility("default"))) int pselect(int n, fd_set *r, fd_set *w, fd_set *e,
						   const struct timespec *ts, const sigset_t *mask)
{
	int (*next)(int, fd_set *, fd_set *, fd_set *, const struct timespec *, const sigset_t *) =
	    dlsym(RTLD_NEXT, "pselect");
	gate();
	return next(n, r, w, e, ts, mask);
}

__attribute__((visibility("default"))) int poll(struct pollfd *fds, nfds_t n, int ms)
{
	int (*next)(struct pollfd *, nfds_t, int) = dlsym(RTLD_NEXT, "poll");
	gate();
	return next(fds, n, ms);
}

__attribute__((visibility("default"))) int ppoll(struct pollfd *fds, nfds_t n,
						 const struct timespec *ts, const sigset_t *mask)
{
	int (*next)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *) =
	    dlsym(RTLD_NEXT, "ppoll");
	gate();
	return next(fds, n, ts, mask);
}
