/* SPDX-License-Identifier: MIT */
/* UDP through a lazily created SOCKS5 UDP ASSOCIATE: the pieces the hooks call. */
/* Floor udp/: under hooks/; over dns/ (a datagram to a nameserver is answered there, a
 * fake address names the target) and base/. udp/ and tcp/ never include or call each
 * other. scripts/static-checks.sh enforces the floors. */
#ifndef SX_PRELOAD_UDP_H
#define SX_PRELOAD_UDP_H

#include <stdbool.h>
#include <sys/socket.h>

#include "../../core/target.h"
#include "../base/fdtab.h"
#include "../base/init.h"
#include "../base/ownfd.h"

/* A destination a UDP socket sent to through the relay, as the program gave it (a fake
 * address for a name): replies are reported from it (udp_recv.c). */
struct sx_udp_sent {
	uint8_t addr[16];
	uint16_t port;
	uint8_t af; /* 4 or 6; 0: an unused slot */
	bool fake;
};

#define SX_UDP_SENT_MAX 8

/* A UDP socket's part of its fd record (SX_UDP_PART). */
struct __attribute__((may_alias)) sx_udp_part {
	struct sx_target peer_dst; /* the virtual peer on the wire (a name for a fake address) */
	bool has_ctl;		   /* an association exists: ctl is its control connection */
	struct sx_ownfd ctl;
	struct sockaddr_storage relay; /* in the UDP socket's family */
	socklen_t relay_len;
	bool direct;	  /* the association failed and policy is udp=direct */
	int8_t peer_way;  /* the virtual peer's route (config.groups) */
	int8_t assoc_way; /* the association's route, while has_ctl */
	bool fail_logged; /* udp=block: the refusal was logged once */
	struct sx_udp_sent sent[SX_UDP_SENT_MAX]; /* the most recent first */
	/* An association being made without the fd's lock (udp_assoc.c): by whom, until when */
	uint64_t assoc_token; /* 0: none */
	pid_t assoc_pid, assoc_tid;
	long long assoc_deadline;
};
SX_FDINFO_PART_FITS(proto_part, sx_udp_part);
#define SX_UDP_PART(info) SX_FDINFO_PART(info, proto_part, sx_udp_part)

/* udp_assoc.c */

/* With the fd's lock held: makes sure info has a live association (creating or
 * re-creating one), updating info. The lock is let go while the proxy is waited on
 * (nothing of ours is held across that wait) and held again on return, info reloaded.
 * 0: live, info as the table has it; 1: live, info changed (to be written back); or
 * -errno (-EOPNOTSUPP: the proxy has no UDP; -EBADF: the fd was closed, and the lock is
 * no longer held). */
/* way: the datagram's route (config.groups); an association is made through the one
 * SOCKS5 proxy that group picks, and serves only datagrams of that route (-EXDEV for
 * another's; -EOPNOTSUPP when the route is not one SOCKS5 proxy). */
int sx_udp_assoc_ensure(const struct sx_state *st, int fd, struct sx_fdinfo *info, int way);
/* Why a datagram of route `way` has no association, in a log line's words. */
const char *sx_udp_assoc_no_reason(const struct sx_state *st, int way, int err);
/* Closes the association's control connection, if it is still ours. */
void sx_udp_assoc_drop(struct sx_fdinfo *info);
/* For dup(): the new fd gets its own number for the same control connection. */
void sx_udp_assoc_dup(struct sx_fdinfo *info);

/* udp_fd.c: close() and dup() of an SX_FD_UDP_PROXIED fd. forget: the association's
 * control connection closes and the record goes. dup: to gets from's record with its own
 * number for the same control connection, so either fd may be closed first. */
void sx_udp_forget(int fd);
void sx_udp_dup(int from, int to);

/* udp_send.c */

/* kind: the fd's, as the hook read it (once per call, passed down). */

/* Whether fd is an IPv4/IPv6 UDP socket; marks it in the table (for sockets the
 * socket() hook did not see: inherited, or made before we were loaded). */
bool sx_udp_is_udp(int fd, enum sx_fd_kind kind);
/* sendmsg() for a UDP socket. false: not ours to handle, the caller calls libc as is.
 * true: *ret (and errno) hold the result. */
bool sx_udp_send(int fd, enum sx_fd_kind kind, const struct msghdr *msg, int flags, ssize_t *ret);
/* connect() for a UDP socket; same contract as sx_tcp_connect(). The caller (the
 * connect() hook) holds the re-entrancy guard. */
bool sx_udp_connect(int fd, enum sx_fd_kind kind, const struct sockaddr *sa, socklen_t len,
		    int *ret);

/* udp_recv.c */

/* recvmsg() on an SX_FD_UDP_PROXIED socket: the relay's header stripped and the real
 * peer reported, direct peers' datagrams as they are (a virtual peer hears only that
 * peer). Returns like recvmsg (errno set). */
ssize_t sx_udp_recv(int fd, struct msghdr *msg, int flags);

#endif
