/* SPDX-License-Identifier: MIT */
/* A UDP socket's virtual peer survives exec: it is written down, per process, in a
 * small file that the same pid's next program image reads back. */
#ifndef SX_PRELOAD_UDP_HANDOFF_H
#define SX_PRELOAD_UDP_HANDOFF_H

#include <stdbool.h>
#include <sys/socket.h>

/* Records (or updates) fd's virtual peer. */
void sx_udp_handoff_save(int fd, const struct sockaddr *peer, socklen_t len);
/* Drops fd's record, if this process ever wrote or read one. */
void sx_udp_handoff_forget(int fd);
/* The peer recorded for fd by this pid before an exec, if fd is still that socket. */
bool sx_udp_handoff_load(int fd, struct sockaddr_storage *peer, socklen_t *len);
/* After libc said EDESTADDRREQ/ENOTCONN for an fd the shim does not know: if it is a
 * UDP socket this pid gave a virtual peer before exec, give it that peer again. True
 * when the fd is now a proxied UDP socket (retry the call through the hooks). */
bool sx_udp_handoff_restore(int fd);

#endif
