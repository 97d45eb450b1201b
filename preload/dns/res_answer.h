/* SPDX-License-Identifier: MIT */
/* The libc resolver entry points' one answer to a DNS message or question in remote and
 * proxy mode: what an intercepted datagram would get (dns_intercept.c). */
#ifndef SX_PRELOAD_RES_ANSWER_H
#define SX_PRELOAD_RES_ANSWER_H

#include <resolv.h>

#define SX_RES_PASS (-2) /* not a libc return value: "ask libc" */

/* The reply's length in ans (cut to anslen, as glibc's own receive cuts it), -1 with
 * errno when there is none, or SX_RES_PASS (local mode, or a name that keeps its local
 * behaviour). statp: an initialised resolver state. */
int sx_res_answer(res_state statp, const unsigned char *msg, int len, unsigned char *ans,
		  int anslen);

/* The res_query family's question, built into a query and answered as above:
 * SX_RES_PASS, the reply's length, or -1 with *herr set (and the reply, if any, in
 * ans). statp NULL: this thread's _res, initialised on first use. */
int sx_res_query_answer(res_state statp, const char *name, int class, int type, unsigned char *ans,
			int anslen, int *herr);

#endif
