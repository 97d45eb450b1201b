/* SPDX-License-Identifier: MIT */
/* Proxying one TCP connect(), for the connect() hook and MSG_FASTOPEN (fastopen.c). */
/* Floor tcp/: under hooks/; over dns/ (a connect to a nameserver is answered there, a
 * fake address names the target) and base/. tcp/ and udp/ never include or call each
 * other. scripts/static-checks.sh enforces the floors. */
#ifndef SX_PRELOAD_TCP_CONNECT_H
#define SX_PRELOAD_TCP_CONNECT_H

#include <stdbool.h>
#include <sys/socket.h>

#include "../base/fdtab.h"

/* Returns true if the call was handled (result in *ret, errno set), false when it
 * should go straight to libc (not TCP/IP, or a direct destination). kind: the fd's, as
 * the hook read it. */
bool sx_tcp_connect(int fd, enum sx_fd_kind kind, const struct sockaddr *sa, socklen_t len,
		    int *ret);

struct sx_session;
/* Logs how a proxied connect of fd (to peer, as the program gave it) ended and records
 * it: a connected socket's virtual peer, or the error for SO_ERROR (via_so_error: the
 * program learns it asynchronously) or for nobody. */
void sx_tcp_record(int fd, const struct sx_session *s, const struct sockaddr *peer,
		   socklen_t peer_len, bool via_so_error);

#endif
