/* SPDX-License-Identifier: MIT */
/* Words for a failed proxy connect, for the log: the proxy unreachable, refusing us,
 * or reporting on the target. */
#ifndef SX_PRELOAD_PROXY_FAILURE_H
#define SX_PRELOAD_PROXY_FAILURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../core/handshake.h"
#include "../../core/proxy.h"

/* Why a proxied connect failed: the proxy unreachable, a refusal by the proxy (of our
 * methods or credentials, or its reply code for the target), or neither (the handshake
 * broke: closed, garbage, timeout). */
struct sx_proxy_failure {
	bool unreachable;
	enum sx_hs_refusal refusal;
	uint16_t code; /* REP or CD byte, or HTTP status */
	/* A chain: which hop failed (0: the first), of how many, and that proxy
	 * (NULL: no chain, or no handshake) */
	unsigned hop, n_hops;
	const struct sx_proxy *at;
};

/* One line at error level, once per process, when the proxy could not be reached or
 * refused the credentials (or every method offered); nothing for other failures. */
void sx_proxy_failure_log(const struct sx_proxy *p, const struct sx_proxy_failure *why, int r);
/* The failure r as the end of a log line: "proxy unreachable: Connection refused",
 * "the proxy reports the target refused the connection (REP 5)", or strerror(r). */
void sx_proxy_failure_format(const struct sx_proxy_failure *why, int r, char *out, size_t n);

#endif
