/* SPDX-License-Identifier: MIT */
/* The shim's answer to a DNS query a program sent to a system nameserver itself (dig,
 * c-ares, node): from the fake-DNS table, through the proxy, or "ask the real one". */
#ifndef SX_PRELOAD_DNS_INTERCEPT_H
#define SX_PRELOAD_DNS_INTERCEPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../base/init.h"

#define SX_DNS_REPLY_MAX 65535 /* the largest reply a caller's out buffer must hold */

/* Answers the query in[0..n) sent to nameserver ns. tcp: the reply may be 65535 bytes
 * (else the query's UDP limit, with TC set when the records do not fit). Returns the
 * reply's length in out (cap >= SX_DNS_REPLY_MAX), or 0 when there is no reply to give;
 * then *pass says whether the query keeps its local behaviour and goes unchanged to ns
 * (the caller sends it; only over UDP: over TCP the exchange with ns is done here). */
int sx_dns_intercept_answer(const struct sx_state *st, const uint8_t *in, size_t n,
			    const struct sockaddr *ns, socklen_t nslen, bool tcp, uint8_t *out,
			    size_t cap, bool *pass);

#endif
