/* SPDX-License-Identifier: MIT */
/* A DNS message or question handed to the libc resolver (res_send, the res_query
 * family), answered as dns_intercept.c answers a datagram to a nameserver. */
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/dnsmsg.h"
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

int sx_res_query_answer(res_state statp, const char *name, int class, int type, unsigned char *ans,
			int anslen, int *herr)
{
	const struct sx_state *st = sx_state();
	if (!name || st->config.dns == SX_DNS_LOCAL)
		return PASS;
	if (!ans || anslen < HFIXEDSZ) {
		errno = EINVAL;
		*herr = NETDB_INTERNAL;
		return -1;
	}
	unsigned char q[NS_PACKETSZ];
	int qn = res_mkquery(ns_o_query, name, class, type, NULL, 0, NULL, q, sizeof q);
	if (qn < 0) {
		*herr = NO_RECOVERY;
		return -1;
	}
	if (!statp) {
		if (!(_res.options & RES_INIT) && res_init() < 0) {
			*herr = NETDB_INTERNAL;
			return -1;
		}
		statp = &_res;
	}
	int n = sx_res_answer(statp, q, qn, ans, anslen);
	if (n == PASS)
		return PASS;
	/* As libc's res_query: an error rcode or no answer is -1 with h_errno. */
	unsigned rcode = n >= HFIXEDSZ ? ans[3] & 0xf : 0;
	unsigned ancount = n >= HFIXEDSZ ? (unsigned)ans[6] << 8 | ans[7] : 0;
	if (n >= HFIXEDSZ && rcode == ns_r_noerror && ancount > 0)
		return n;
	*herr = n < HFIXEDSZ || rcode == ns_r_servfail ? TRY_AGAIN
		: rcode == ns_r_nxdomain	       ? HOST_NOT_FOUND
		: rcode == ns_r_noerror		       ? NO_DATA
						       : NO_RECOVERY;
	return -1;
}
