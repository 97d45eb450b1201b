/* SPDX-License-Identifier: MIT */
/* Proxy handshakes that run inside the program's own event loop: a non-blocking
 * connect() returns EINPROGRESS at once, and every hook that sees the socket (a wait, a
 * read or write, getsockopt, a second connect) advances it without blocking. The
 * process that started a handshake drives it; a forked child sees the socket as still
 * connecting until the handshake's deadline, then as failed (documented in socksify.1). */
#ifndef SX_PRELOAD_TCP_PENDING_H
#define SX_PRELOAD_TCP_PENDING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "../base/session.h"

/* Handshakes in progress in this process, BINDs waiting for their peer among them
 * (tcp_bind.c): the waits' fast path reads only this. */
extern atomic_int sx_tcp_pending_count __attribute__((visibility("hidden")));

/* Takes over a started session (need: what it waits for) for the program's socket
 * whose connect() gave peer. false when there is no room: the caller finishes it. */
bool sx_tcp_pending_add(const struct sx_session *s, short need, const struct sockaddr *peer,
			socklen_t peer_len);
/* Advances fd's handshake without blocking (revents: what a wait reported, or 0).
 * > 0: still in progress, the poll() events it waits for; 0: not pending (finished,
 * failed, or never was: the fd table tells). -EBUSY: another thread is at it. */
int sx_tcp_pending_pump(int fd, short revents);
/* Before the program's own read, write, send or recv on a socket whose handshake runs:
 * 0 when the call may go ahead (the handshake has ended), else the -errno for it:
 * -EAGAIN on a non-blocking socket, the handshake's error once when it failed, -EINTR. */
int sx_tcp_pending_io(int fd);
/* What fd's handshake waits for now (POLLIN or POLLOUT), 0 if it is not pending. */
short sx_tcp_pending_need(int fd);
/* Drives fd's handshake to its end, waiting (a blocking call on the socket);
 * interruptible: a signal whose handler does not restart calls ends it with -EINTR. */
int sx_tcp_pending_finish(int fd, bool interruptible);
/* The earliest deadline of any handshake in progress or BIND waiting for its peer
 * (sx_io_now_ms() time), or LLONG_MAX. */
long long sx_tcp_pending_deadline(void);
/* Fails every handshake past its deadline (ETIMEDOUT through SO_ERROR), and every BIND. */
void sx_tcp_pending_expire(void);
/* The state follows the open file: to is a second number for from's socket. */
void sx_tcp_pending_dup(int from, int to);
/* fd goes away (close, dup2 onto it): the handshake ends with its last number. */
void sx_tcp_pending_close(int fd);
/* shutdown() by the program during the handshake: it fails with err. */
void sx_tcp_pending_abort(int fd, int err);

#endif
