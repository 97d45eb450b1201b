/* SPDX-License-Identifier: MIT */
/* One proxy session on a program's socket, advanced without ever blocking: the TCP
 * connect to the proxy, then core's handshake. A blocking caller waits between steps
 * (io.c); an asynchronous one lets the program's own event loop wait (tcp/). */
#ifndef SX_PRELOAD_SESSION_H
#define SX_PRELOAD_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "../../core/handshake.h"
#include "init.h"
#include "pipeline_cache.h"
#include "proxy_failure.h"

enum sx_session_phase {
	SX_SESSION_CONNECTING, /* the TCP connect to the proxy */
	SX_SESSION_HANDSHAKE,  /* core's exchange */
	SX_SESSION_DONE,
	SX_SESSION_FAILED,
};

/* One try's proxies, first hop first, as proxy references (config.h). */
struct sx_hops {
	uint8_t n;
	uint8_t ref[SX_CHAIN_MAX];
};

struct sx_session {
	/* private to session.c */
	const struct sx_state *st;
	int fd;
	int flags; /* the file's status flags as the program set them */
	enum sx_cmd cmd;
	struct sx_target dst;
	int way;		      /* the group the hops come from (config.groups) */
	bool fixed;		      /* hops given by the caller: no pick, no failover */
	uint32_t failed;	      /* references that failed this connection */
	struct sx_hops hops;	      /* this try's */
	size_t hop_got;		      /* got when the current hop's exchange began */
	size_t hop_at;		      /* that hop's index */
	const struct sx_proxy *proxy; /* the first hop, or own_proxy */
	struct sx_proxy own_proxy;    /* the configured one without pipelining, when refused */
	struct sx_hs hs;
	enum sx_session_phase phase;
	long long deadline; /* of the current phase, sx_io_now_ms() time */
	size_t got;	    /* bytes read from the proxy: tells a pipelining refusal */
	enum sx_pipeline_use use;
	long long probe_start; /* a pipelining probe's start (pipeline_cache.h), or 0 */
	long long probe_wait;  /* a timed-out probe's wait after its first reply, or 0 */
	long long reply_at;    /* when this try read its first byte */
	bool awaiting;	       /* wrote a message whose answer cannot have come yet */
	bool second;	       /* BIND: waiting for the second reply */
	int err;
	struct sx_proxy_failure why;
	/* public: read-only */
	unsigned swaps; /* times a fresh socket was put under fd (epoll registrations die) */
	long long started;
};

/* Starts the session on fd (flags: its F_GETFL flags) through the group `way`
 * (config.groups), or through exactly the hops `fixed` when not NULL (a BIND goes where
 * its connection went). A proxy that fails (refused, unreachable, timed out, or
 * reported unreachable by the hop before it) is marked dead and, in a group that is
 * not strict, the session goes on through the others on a fresh socket. The step
 * results: > 0: in progress, the poll() events to wait for on fd; 0: done; < 0: failed
 * (-errno, the proxy's unreachability or refusal already logged once per process). */
int sx_session_start(struct sx_session *s, const struct sx_state *st, int fd, int flags,
		     enum sx_cmd cmd, const struct sx_target *dst, int way,
		     const struct sx_hops *fixed);
/* Goes as far as it can without blocking. revents: what a wait just reported for fd,
 * or 0 when not known. */
int sx_session_step(struct sx_session *s, short revents);
/* What a finished or failed session ends with: 0 or the -errno; why and bound (either
 * may be NULL) are filled in. */
int sx_session_result(const struct sx_session *s, struct sx_proxy_failure *why,
		      struct sx_target *bound);
/* A BIND session that had its first reply goes on to wait for the second, until deadline
 * (sx_io_now_ms() time): the poll() events it waits for, or -EINVAL. */
int sx_session_await_peer(struct sx_session *s, long long deadline);
/* Puts a fresh TCP socket of family under fd, with its file flags and the common options
 * carried over (the old socket lives on through any other number). 0 or -errno. */
int sx_session_swap_socket(int fd, int family, int flags);
/* The session's socket is now reached through fd (its first number was closed). */
void sx_session_rebind(struct sx_session *s, int fd);
/* Ends the session as failed with err (the program gave up on it). */
void sx_session_abort(struct sx_session *s, int err);
long long sx_session_deadline(const struct sx_session *s);
/* The hops of the session's last try. */
const struct sx_hops *sx_session_hops(const struct sx_session *s);
/* For the log: "socks5://a:1080 > http://b:8080", with the group's name first when it
 * has one ("exits: socks5://a:1080"). */
void sx_session_route_format(const struct sx_session *s, char *out, size_t n);
/* Copies a session to where it will live on (it may refer into itself). */
void sx_session_move(struct sx_session *to, const struct sx_session *from);

#endif
