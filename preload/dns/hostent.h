/* SPDX-License-Identifier: MIT */
/* Answers for the gethostbyname/gethostbyaddr families: proxied names from the fake-DNS
 * table, localhost and /etc/hosts names from the file, reverse lookups outside local
 * DNS mode by reverse.c; everything else is libc's. */
#ifndef SX_PRELOAD_HOSTENT_H
#define SX_PRELOAD_HOSTENT_H

#include <netdb.h>

#define SX_HOSTENT_PASS (-1) /* not an _r return value: "ask libc" */

/* Forward: SX_HOSTENT_PASS, or the _r return value with *result and *herr set. */
int sx_hostent_by_name(const char *name, int af, struct hostent *he, char *buf, size_t len,
		       struct hostent **result, int *herr);
/* Reverse: a fake address names its name; an unknown fake address is not looked up; a
 * real one is named by /etc/hosts or through the proxy (reverse.c). As above. */
int sx_hostent_by_addr(const void *addr, socklen_t alen, int type, struct hostent *he, char *buf,
		       size_t len, struct hostent **result, int *herr);

#endif
