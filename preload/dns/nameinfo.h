/* SPDX-License-Identifier: MIT */
/* getnameinfo()'s answer: a fake address maps back to its name without any DNS query,
 * a real one is named by /etc/hosts or through the proxy (reverse.c); in local mode,
 * and for every service lookup, libc's. */
#ifndef SX_PRELOAD_NAMEINFO_H
#define SX_PRELOAD_NAMEINFO_H

#include <netdb.h>

#define SX_NAMEINFO_PASS 1 /* not a getnameinfo return value: "ask libc" */

/* getnameinfo's result, or SX_NAMEINFO_PASS. */
int sx_nameinfo_answer(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
		       char *serv, socklen_t servlen, int flags);

#endif
