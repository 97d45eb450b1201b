/* SPDX-License-Identifier: MIT */
/* socksify --check's HTTP CONNECT exchange, and its run through a whole chain. */
#ifndef SX_CONFIG_CHECK_PROBE_HTTP_H
#define SX_CONFIG_CHECK_PROBE_HTTP_H

#include <stdbool.h>

#include "../../config/config.h"
#include "probe_s5.h"

/* CONNECT to t on a new connection, with the configured credentials or none: a->rep is
 * the HTTP status, or -errno (-EPROTO: not an HTTP reply). */
void sx_probe_http_request(const struct sx_probe_proxy *x, const struct sx_target *t,
			   bool with_user, struct sx_probe_answer *a);

/* What a CONNECT through every hop of the chain got. */
struct sx_probe_chain_answer {
	int r;	       /* 0, or the -errno the library would give */
	unsigned hop;  /* the hop that failed (0: the first) */
	int refusal;   /* enum sx_hs_refusal */
	uint16_t code; /* its REP, CD or HTTP status */
	double ms;
};

/* CONNECT to t through c's chain, the first hop at x->addr, as the library would. */
void sx_probe_chain(const struct sx_config *c, const struct sx_probe_proxy *x,
		    const struct sx_target *t, struct sx_probe_chain_answer *a);

#endif
