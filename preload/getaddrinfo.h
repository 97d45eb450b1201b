/* SPDX-License-Identifier: MIT */
/* The getaddrinfo() hook's answer for callers that must not wait (getaddrinfo_a). */
#ifndef SX_PRELOAD_GETADDRINFO_H
#define SX_PRELOAD_GETADDRINFO_H

#include <netdb.h>

#define SX_GAI_WAITS 1 /* not a getaddrinfo return value */

/* getaddrinfo's result when it needs no wait (a fake address, /etc/hosts, localhost, a
 * numeric host), or SX_GAI_WAITS when it would ask libc's resolver or the proxy. Call
 * inside the guard. */
int sx_getaddrinfo_now(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res);

#endif
