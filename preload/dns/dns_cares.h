/* SPDX-License-Identifier: MIT */
/* Proxy DNS mode: real answers from the configured DNS server, asked over TCP through
 * a SOCKS CONNECT, so no query leaves this machine except through the proxy. */
#ifndef SX_PRELOAD_DNS_CARES_H
#define SX_PRELOAD_DNS_CARES_H

#include <stdint.h>

#include "../base/init.h"

/* af 4 or 6. 0 with addr filled, -ENOENT (no such name / no such record), -EAGAIN
 * (server or proxy unreachable, timeout), -EINVAL (no dns_server configured). */
int sx_cares_resolve(const struct sx_state *st, const char *name, int af, uint8_t *addr);

/* The PTR name of addr (af 4 or 6), asked the same way: 0 with name filled, -ENOENT,
 * -EAGAIN, or -EINVAL (no dns_server configured; nothing logged). */
int sx_cares_reverse(const struct sx_state *st, int af, const uint8_t *addr, char name[256]);

#endif
