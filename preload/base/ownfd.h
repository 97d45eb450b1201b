/* SPDX-License-Identifier: MIT */
/* An fd the shim opened for itself inside the program (a UDP association's control
 * connection, a DNS responder, the server end of an answered DNS TCP connection). The
 * program may close that number (close_range, closefrom) and get another file under
 * it: the file's identity tells whether the number is still ours. */
#ifndef SX_PRELOAD_OWNFD_H
#define SX_PRELOAD_OWNFD_H

#include <stdbool.h>
#include <sys/types.h>

struct sx_ownfd {
	int fd; /* -1: none */
	dev_t dev;
	ino_t ino;
};

/* Takes fd as ours: 0, or -errno (fd is then closed and o->fd is -1). */
int sx_ownfd_take(struct sx_ownfd *o, int fd);
/* Whether o->fd is still the socket we opened. */
bool sx_ownfd_still(const struct sx_ownfd *o);
/* Closes o->fd if it is still ours; o->fd becomes -1 either way. */
void sx_ownfd_close(struct sx_ownfd *o);
/* For a dup() of the program's fd: a second number of our own for the same file. */
void sx_ownfd_dup(struct sx_ownfd *o);

#endif
