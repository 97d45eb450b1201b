/* SPDX-License-Identifier: MIT */
/* The getaddrinfo() hook's answers for getaddrinfo_a: at once, or from a thread. */
#ifndef SX_PRELOAD_GETADDRINFO_H
#define SX_PRELOAD_GETADDRINFO_H

#include <netdb.h>

#define SX_GAI_WAITS 1 /* not a getaddrinfo return value */

/* The getaddrinfo() hook itself, for the shim's own callers: no call to the exported
 * name re-enters the library through the PLT. */
int sx_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		   struct addrinfo **res);

/* getaddrinfo's result when it needs no wait (a fake address, /etc/hosts, localhost, a
 * numeric host), or SX_GAI_WAITS when it would ask libc's resolver or the proxy. Call
 * inside the guard. */
int sx_getaddrinfo_now(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res);

#endif
