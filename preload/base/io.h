/* SPDX-License-Identifier: MIT */
/* Connects a program's socket to the proxy and drives a core handshake over it with
 * poll() and a deadline, leaving the socket's file status flags exactly as found. */
#ifndef SX_PRELOAD_IO_H
#define SX_PRELOAD_IO_H

#include <limits.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>

#include "../../core/handshake.h"
#include "init.h"
#include "proxy_failure.h"

/* 0 when the socket is connected through the proxy to dst, else -errno.
 * flags: the fd's F_GETFL flags if the caller has them, else -1; they are what the fd
 * has again afterwards. bound (may be NULL) receives the proxy's BND address. */
int sx_io_proxy_connect(const struct sx_state *st, int fd, int flags, enum sx_cmd cmd,
			const struct sx_target *dst, struct sx_target *bound);

struct sx_hops;
/* The same through exactly hops (session.h), or through the default group when NULL,
 * filling *why (may be NULL) on failure. A proxy that cannot be reached or refuses the
 * credentials is also logged at error level, once per process. */
int sx_io_proxy_connect_why(const struct sx_state *st, int fd, int flags, enum sx_cmd cmd,
			    const struct sx_target *dst, const struct sx_hops *hops,
			    struct sx_target *bound, struct sx_proxy_failure *why);

/* CLOCK_MONOTONIC in milliseconds: the clock every deadline in the shim uses. */
long long sx_io_now_ms(void);
/* No deadline at all (an endless wait). */
#define SX_IO_NO_END LLONG_MAX
/* The deadline of a wait given as a poll() timeout (< 0: endless) or as a timespec
 * (NULL: endless), rounded up to the millisecond. */
long long sx_io_deadline_ms(int timeout);
long long sx_io_deadline_ts(const struct timespec *ts);
/* What is left until deadline as a poll() timeout: -1 when endless, 0 when past. */
int sx_io_ms_until(long long deadline);
/* Waits for events on fd until deadline (sx_io_now_ms() time); a signal does not end the
 * wait early. The revents (> 0), -ETIMEDOUT or -errno. */
int sx_io_wait(int fd, short events, long long deadline);
/* One wait, ended early by a signal: the revents (> 0), -ETIMEDOUT, -EINTR or -errno. */
int sx_io_wait_once(int fd, short events, long long deadline);
/* After a wait ended with EINTR: whether the program has a handler installed without
 * SA_RESTART, under which the kernel's own blocking connect() would have returned EINTR.
 * (Which signal came is not known; any such handler of an asynchronous signal counts.) */
bool sx_io_signal_interrupts(void);
struct sx_session;
/* Waits between a started session's steps (need: what its last step asked for) until
 * it ends; a failed wait ends it too. Its last step's result. */
int sx_io_session_drive(struct sx_session *s, int fd, int need);
/* connect() on a non-blocking fd, waiting until deadline: 0 or -errno. */
int sx_io_connect(int fd, const struct sockaddr *sa, socklen_t len, long long deadline);

#endif
