/* SPDX-License-Identifier: MIT */
/* The resolver hooks' one decision: does this name get a fake address (remote mode,
 * not numeric, not localhost, not in /etc/hosts, not on the bypass list)? */
#ifndef SX_PRELOAD_FAKENAME_H
#define SX_PRELOAD_FAKENAME_H

#include <stdint.h>

#include "../base/init.h"

/* af is 4 or 6; port (host order, 0 if unknown) is for port-specific bypass entries.
 * 1 with addr (4 or 16 bytes) filled: answer with it, never ask DNS. 0: resolve locally.
 * -ENOSPC (table full), -ENAMETOOLONG, -ENOMEM, and in proxy mode -ENOENT (no such
 * name) or -EAGAIN (DNS through the proxy failed): fail the lookup. */
int sx_fakename_lookup(const struct sx_state *st, const char *name, int af, uint16_t port,
		       uint8_t *addr);

/* The part of that decision that needs no lookup: true when name keeps its local
 * behaviour (local DNS mode, numeric, localhost, /etc/hosts, bypass list, the proxy). */
bool sx_fakename_local(const struct sx_state *st, const char *name, uint16_t port);

/* Whether name is an address literal (as getaddrinfo/inet_aton would take it). */
bool sx_fakename_is_numeric(const char *name);

#endif
