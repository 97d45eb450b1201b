/* SPDX-License-Identifier: MIT */
/* A DNS message handed to the libc resolver (res_send, the res_query family), answered
 * as dns_intercept.c answers a datagram to a nameserver (see res_answer.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns_intercept.h"
#include "res_answer.h"

#define PASS SX_RES_PASS

int sx_res_answer(res_state statp, const unsigned char *msg, int len, unsigned char *ans,
		  int anslen)
{
	const struct sx_state *st = sx_state();
	if (st->config.dns == SX_DNS_LOCAL || !msg || len <= 0 || !ans || anslen <= 0)
		return PASS;
	/* The nameserver only matters for "local behaviour", which goes back to libc. */
	struct sockaddr_in ns = statp->nsaddr_list[0];
	uint8_t *out = malloc(SX_DNS_REPLY_MAX);
	if (!out) {
		errno = ENOMEM;
		return -1;
	}
	bool pass = false;
	int n = sx_dns_intercept_answer(st, msg, (size_t)len, (struct sockaddr *)&ns, sizeof ns,
					false, out, SX_DNS_REPLY_MAX, &pass);
	if (n > 0) {
		/* As glibc's own receive does: a reply longer than the buffer is cut. */
		if (n > anslen)
			n = anslen;
		memcpy(ans, out, (size_t)n);
	}
	free(out);
	if (pass)
		return PASS;
	if (n <= 0) {
		errno = ECONNREFUSED; /* no reply: as when no server answers */
		return -1;
	}
	return n;
}
