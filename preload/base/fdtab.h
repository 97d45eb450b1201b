/* SPDX-License-Identifier: MIT */
/* Per-fd state for sockets the shim handles: the peer the program asked for, a pending
 * SO_ERROR, a UDP socket's association. A lock-free byte per fd says whether there is
 * anything at all, so hooks on ordinary fds cost one load. */
#ifndef SX_PRELOAD_FDTAB_H
#define SX_PRELOAD_FDTAB_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "../../core/target.h"
#include "ownfd.h"

enum sx_fd_kind {
	SX_FD_NONE = 0,
	SX_FD_TCP_PROXIED = 1,
	SX_FD_TCP_FAILED = 2,
	SX_FD_UDP = 3,	       /* an IPv4/IPv6 UDP socket, nothing routed through the proxy yet */
	SX_FD_UDP_PROXIED = 4, /* has a virtual peer or an association: receives are filtered */
	SX_FD_DNS_TCP = 5,     /* TCP "to a nameserver", really to the shim's own server end */
	SX_FD_TCP = 6,	       /* a TCP socket from socket(), not connected by us (yet) */
	SX_FD_TCP_PENDING = 7, /* its proxy handshake runs asynchronously (tcp/tcp_pending.c) */
};

/* A destination a UDP socket sent to through the relay, as the program gave it (a fake
 * address for a name): replies are reported from it (udp_recv.c). */
struct sx_udp_sent {
	uint8_t addr[16];
	uint16_t port;
	uint8_t af; /* 4 or 6; 0: an unused slot */
	bool fake;
};

#define SX_UDP_SENT_MAX 8

struct sx_fdinfo {
	struct sockaddr_storage peer; /* as the program gave it to connect() */
	socklen_t peer_len;	      /* 0: no (virtual) peer */
	int so_error;		      /* positive errno reported once through SO_ERROR */
	/* UDP sockets only */
	struct sx_target peer_dst; /* the virtual peer on the wire (a name for a fake address) */
	bool has_ctl;		   /* an association exists: ctl is its control connection */
	struct sx_ownfd ctl;
	struct sockaddr_storage relay; /* in the UDP socket's family */
	socklen_t relay_len;
	bool direct;	  /* the association failed and policy is udp=direct */
	bool fail_logged; /* udp=block: the refusal was logged once */
	struct sx_udp_sent sent[SX_UDP_SENT_MAX]; /* the most recent first */
	/* An association being made without the fd's lock (udp_assoc.c): by whom, until when */
	uint64_t assoc_token; /* 0: none */
	pid_t assoc_pid, assoc_tid;
	long long assoc_deadline;
	/* DNS the shim answers (dns_udp.c): datagrams from the responder carry a SOCKS5 UDP
	 * header as the relay's do; a real nameserver's come as they are. */
	struct sockaddr_storage dns_resp;
	socklen_t dns_resp_len;
	sa_family_t dns_family; /* the socket's, for sources when there is no relay */
	/* SX_FD_DNS_TCP (dns_tcp.c): the server end of the program's loopback connection */
	struct sx_ownfd dns_srv;
};

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

/* A per-fd lock for the slow UDP work (one association per socket even when threads
 * race on the first datagram). Never taken on the fast path. false: fd out of range, or
 * this thread already holds it (a signal handler re-entering: waiting would never end). */
bool sx_fdtab_lock(int fd);
void sx_fdtab_unlock(int fd);

#endif
