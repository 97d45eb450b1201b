/* SPDX-License-Identifier: MIT */
/* Per-fd state for sockets the shim handles: the peer the program asked for, a pending
 * SO_ERROR, and the features' own parts, which base holds without knowing them. A
 * lock-free byte per fd says whether there is anything at all, so hooks on ordinary fds
 * cost one load. */
#ifndef SX_PRELOAD_FDTAB_H
#define SX_PRELOAD_FDTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

enum sx_fd_kind {
	SX_FD_NONE = 0,
	SX_FD_TCP_PROXIED = 1,
	SX_FD_TCP_FAILED = 2,
	SX_FD_UDP = 3,		 /* an IPv4/IPv6 UDP socket, nothing routed through the proxy yet */
	SX_FD_UDP_PROXIED = 4,	 /* has a virtual peer or an association: receives are filtered */
	SX_FD_DNS_TCP = 5,	 /* TCP "to a nameserver", really to the shim's own server end */
	SX_FD_TCP = 6,		 /* a TCP socket from socket(), not connected by us (yet) */
	SX_FD_TCP_PENDING = 7,	 /* its proxy handshake runs asynchronously (tcp/tcp_pending.c) */
	SX_FD_TCP_LISTEN = 8,	 /* bound through the proxy (BIND): waits for its peer */
	SX_FD_TCP_BIND_DONE = 9, /* its BIND gave its one connection: a quiet listener */
};

/* The features' parts: bytes here, laid out by the floor that owns each (the struct,
 * its accessor macro and a _Static_assert that it fits are there). dns_part: the shim's
 * DNS answers on a program's socket (dns/dns_sock.h). proto_part: a UDP socket's
 * association and virtual peer (udp/udp.h); a TCP socket's part (tcp/, none yet) shares
 * the room, as a socket is one or the other. Every lookup copies the whole record, so a
 * part that grows costs every proxied call: something large (core's handshake state is
 * 2.6 KB) is better held apart than grown into these. */
#define SX_FDINFO_DNS_PART   160
#define SX_FDINFO_PROTO_PART 624

struct sx_fdinfo {
	struct sockaddr_storage peer; /* as the program gave it to connect() */
	socklen_t peer_len;	      /* 0: no (virtual) peer */
	int so_error;		      /* positive errno reported once through SO_ERROR */
	_Alignas(max_align_t) unsigned char dns_part[SX_FDINFO_DNS_PART];
	_Alignas(max_align_t) unsigned char proto_part[SX_FDINFO_PROTO_PART];
};

/* A part's struct as the accessor macro of its floor sees it (TYPE is declared with
 * __attribute__((may_alias)): base copies the bytes as bytes). */
#define SX_FDINFO_PART(info, member, type)                                                         \
	_Generic((info),                                                                           \
	    const struct sx_fdinfo *: (const struct type *)(const void *)(info)->member,           \
	    struct sx_fdinfo *: (struct type *)(void *)(info)->member)
/* Checks that a floor's part fits the room base keeps for it. */
#define SX_FDINFO_PART_FITS(member, type)                                                          \
	_Static_assert(sizeof(struct type) <= sizeof(((struct sx_fdinfo *)0)->member) &&           \
			   _Alignof(struct type) <= _Alignof(max_align_t),                         \
		       #type " does not fit struct sx_fdinfo's " #member)

#define SX_FDTAB_MAX 65536

extern _Atomic unsigned char sx_fdtab_kinds[SX_FDTAB_MAX] __attribute__((visibility("hidden")));

/* Inline: the read()/write() hooks pay exactly this on ordinary fds. */
static inline enum sx_fd_kind sx_fdtab_kind(int fd)
{
	if ((unsigned)fd >= SX_FDTAB_MAX)
		return SX_FD_NONE;
	return (enum sx_fd_kind)__atomic_load_n((unsigned char *)&sx_fdtab_kinds[fd],
						__ATOMIC_ACQUIRE);
}
/* Records state for fd; false if fd is out of the table's range or memory failed. */
bool sx_fdtab_set(int fd, enum sx_fd_kind kind, const struct sx_fdinfo *info);
/* Copies the state out; false if there is none. */
bool sx_fdtab_get(int fd, struct sx_fdinfo *info);
/* Sets only the kind, for kinds that need no record (SX_FD_TCP, SX_FD_TCP_PENDING). */
void sx_fdtab_mark(int fd, enum sx_fd_kind kind);
/* Takes the pending SO_ERROR (0 if none). */
int sx_fdtab_take_error(int fd);
void sx_fdtab_clear(int fd);
void sx_fdtab_copy(int from, int to);
/* close() and dup() of an fd whose record owns fds of the shim's (a feature's entry
 * points pass their own part of the work). Under fd's lock: release(fd, info) and the
 * record goes. Under from's lock: share(info) and to gets the record as kind; a signal
 * handler interrupting this thread's own hold of from gets a plain copy instead. */
void sx_fdtab_forget_with(int fd, void (*release)(int fd, struct sx_fdinfo *info));
void sx_fdtab_dup_with(int from, int to, enum sx_fd_kind kind,
		       void (*share)(struct sx_fdinfo *info));

/* A per-fd lock for the slow UDP work (one association per socket even when threads
 * race on the first datagram). Never taken on the fast path. false: fd out of range, or
 * this thread already holds it (a signal handler re-entering: waiting would never end). */
bool sx_fdtab_lock(int fd);
void sx_fdtab_unlock(int fd);

#endif
