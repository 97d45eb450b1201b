/* SPDX-License-Identifier: MIT */
/* The getaddrinfo() hook's body, for getaddrinfo_a's threads. */
#ifndef SX_PRELOAD_GETADDRINFO_H
#define SX_PRELOAD_GETADDRINFO_H

#include <netdb.h>

/* The getaddrinfo() hook itself, for the shim's own callers: no call to the exported
 * name re-enters the library through the PLT. */
int sx_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		   struct addrinfo **res);

#endif
