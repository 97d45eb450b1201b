/* SPDX-License-Identifier: MIT */
/* getaddrinfo()'s answers: in remote mode a proxied name gets a fake address, and the
 * result is built by libc from that numeric address, so freeaddrinfo() needs no hook. */
#ifndef SX_PRELOAD_ADDRINFO_H
#define SX_PRELOAD_ADDRINFO_H

#include <netdb.h>

#define SX_GAI_WAITS 1 /* not a getaddrinfo return value */

/* The answer for a name that gets a fake address or is answered locally (localhost,
 * /etc/hosts), or SX_GAI_WAITS: libc's resolver answers it. */
int sx_addrinfo_answer(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res);
/* After a real answer (the file's, libc's; a fake address never is a bypass-listed
 * name's): connections to what a bypass-listed name resolved to go direct. */
void sx_addrinfo_learn(const char *node, const char *service, struct addrinfo **res);

/* getaddrinfo's result when it needs no wait (a fake address, /etc/hosts, localhost, a
 * numeric host), or SX_GAI_WAITS when it would ask libc's resolver or the proxy. Call
 * inside the guard. */
int sx_addrinfo_now(const char *node, const char *service, const struct addrinfo *hints,
		    struct addrinfo **res);

/* getaddrinfo() itself, the guard included: these answers or libc's resolver (for the
 * hook, and getaddrinfo_a's threads). */
int sx_addrinfo_resolve(const char *node, const char *service, const struct addrinfo *hints,
			struct addrinfo **res);

#endif
