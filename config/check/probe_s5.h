/* SPDX-License-Identifier: MIT */
/* The SOCKS exchanges socksify --check makes, over core's codecs, one connection each. */
#ifndef SX_CONFIG_CHECK_PROBE_S5_H
#define SX_CONFIG_CHECK_PROBE_S5_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../../core/proxy.h"
#include "../../core/target.h"

struct sx_probe_proxy {
	const struct sx_proxy *p;
	struct sockaddr_storage addr;
	socklen_t addr_len;
	int connect_ms, step_ms; /* connect and per-exchange bounds */
};

/* What one exchange got back: rep >= 0 is the REP (or CD) byte; else -ECONNRESET (closed
 * without a reply), -ETIMEDOUT, -EPROTO (not SOCKS), or the connect's -errno. */
struct sx_probe_answer {
	int rep;
	struct sx_target bound;
	double ms; /* from the request's write to its reply */
};

/* Greets offering the n_m methods m: the fd with *chosen set (0xFF: none), or -errno. */
int sx_probe_s5_greet(const struct sx_probe_proxy *x, const uint8_t *m, size_t n_m,
		      uint8_t *chosen);
/* RFC 1929 on fd: the STATUS byte (0 accepted), or -errno. */
int sx_probe_s5_auth(const struct sx_probe_proxy *x, int fd);
/* A new connection, greeted and authenticated as the library would: the fd or -errno
 * (-EACCES: no method, or the credentials refused). */
int sx_probe_s5_session(const struct sx_probe_proxy *x);
/* Sends cmd for t on fd and reads the reply into *a (0), or -errno with a->rep set. */
int sx_probe_s5_request(const struct sx_probe_proxy *x, int fd, uint8_t cmd,
			const struct sx_target *t, struct sx_probe_answer *a);
/* SOCKS4/4a CONNECT (cmd 1) or BIND (2) on a new connection, into *a. */
void sx_probe_s4_request(const struct sx_probe_proxy *x, uint8_t cmd, const struct sx_target *t,
			 struct sx_probe_answer *a);
/* Greeting, authentication and CONNECT to t in one write. The replies after the first get
 * a short wait (so a server that drops pipelined bytes costs little): *a as above, and
 * *first_reply true when the proxy answered at least the greeting. */
void sx_probe_s5_pipelined(const struct sx_probe_proxy *x, const struct sx_target *t,
			   struct sx_probe_answer *a, bool *first_reply);

#endif
