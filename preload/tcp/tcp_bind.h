/* SPDX-License-Identifier: MIT */
/* Listening through the proxy (SOCKS BIND): bind() to an address the proxy reported
 * sends BIND and waits for its first reply (where the proxy listens; getsockname() then
 * reports it, before or after listen()), accept() returns the connection when the second reply
 * names the peer. One connection per BIND: afterwards the socket listens quietly on
 * loopback, and accept() on it fails with EINVAL. */
#ifndef SX_PRELOAD_TCP_BIND_H
#define SX_PRELOAD_TCP_BIND_H

#include <stdbool.h>
#include <sys/socket.h>

#include "../base/fdtab.h"

struct sx_session;
/* A proxied connect of fd succeeded (s): what getsockname() will report goes into info,
 * and the address is remembered for bind(). */
void sx_tcp_bind_note_connect(int fd, const struct sx_session *s, struct sx_fdinfo *info);
/* The hooks: true when handled (*ret, errno set), false to go to libc. kind: fd's. */
bool sx_tcp_bind_bind(int fd, enum sx_fd_kind kind, const struct sockaddr *sa, socklen_t len,
		      int *ret);
bool sx_tcp_bind_listen(int fd, enum sx_fd_kind kind, int backlog, int *ret);
bool sx_tcp_bind_accept(int fd, struct sockaddr *sa, socklen_t *len, int flags, int *ret);
/* getsockname(): true with the reported address when fd has one. */
bool sx_tcp_bind_local(int fd, enum sx_fd_kind kind, struct sockaddr *sa, socklen_t *len);
/* The earliest deadline of a BIND waiting for its peer (sx_io_now_ms() time), or
 * LLONG_MAX; and those past it shut down, so their listeners poll readable and accept()
 * fails with ETIMEDOUT. (tcp_pending.c folds them into its own.) */
long long sx_tcp_bind_deadline(void);
void sx_tcp_bind_expire(void);
/* fd goes away (close, dup2 onto it): a BIND in progress on it ends. */
void sx_tcp_bind_forget(int fd);

#endif
