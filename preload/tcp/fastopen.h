/* SPDX-License-Identifier: MIT */
/* sendto()/sendmsg() with MSG_FASTOPEN on a TCP socket connect implicitly: the connect
 * is proxied first, so the data never leaks directly. */
#ifndef SX_PRELOAD_TCP_FASTOPEN_H
#define SX_PRELOAD_TCP_FASTOPEN_H

#include <sys/socket.h>

#include "../base/fdtab.h"

enum sx_fastopen {
	SX_FASTOPEN_PASS,      /* not ours: libc's call as it is */
	SX_FASTOPEN_CONNECTED, /* send without MSG_FASTOPEN and without the address */
	SX_FASTOPEN_FAILED,    /* errno set: the call returns -1 */
};

/* The caller (a hook) holds the re-entrancy guard; kind: the fd's, as it read it. */
enum sx_fastopen sx_tcp_fastopen(int fd, enum sx_fd_kind kind, const struct sockaddr *sa,
				 socklen_t len);

#endif
