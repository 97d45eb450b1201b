/* SPDX-License-Identifier: MIT */
/* The getaddrinfo() hook: dns/addrinfo.c's answer or libc's. */
#include "../dns/addrinfo.h"

__attribute__((visibility("default"))) int getaddrinfo(const char *node, const char *service,
						       const struct addrinfo *hints,
						       struct addrinfo **res)
{
	return sx_addrinfo_resolve(node, service, hints, res);
}
