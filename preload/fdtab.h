/* SPDX-License-Identifier: MIT */
/* Per-fd state for sockets the shim proxied: the peer the program asked for and a
 * pending SO_ERROR. A lock-free byte per fd says whether there is anything at all,
 * so hooks on ordinary fds cost one load. */
#ifndef SX_PRELOAD_FDTAB_H
#define SX_PRELOAD_FDTAB_H

#include <stdbool.h>
#include <sys/socket.h>

enum sx_fd_kind { SX_FD_NONE = 0, SX_FD_TCP_PROXIED = 1, SX_FD_TCP_FAILED = 2 };

struct sx_fdinfo {
	struct sockaddr_storage peer; /* as the program gave it to connect() */
	socklen_t peer_len;
	int so_error; /* positive errno reported once through SO_ERROR */
};

enum sx_fd_kind sx_fdtab_kind(int fd);
/* Records state for fd; false if fd is out of the table's range or memory failed. */
bool sx_fdtab_set(int fd, enum sx_fd_kind kind, const struct sx_fdinfo *info);
/* Copies the state out; false if there is none. */
bool sx_fdtab_get(int fd, struct sx_fdinfo *info);
/* Takes the pending SO_ERROR (0 if none). */
int sx_fdtab_take_error(int fd);
void sx_fdtab_clear(int fd);
void sx_fdtab_copy(int from, int to);

#endif
