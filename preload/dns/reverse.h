/* SPDX-License-Identifier: MIT */
/* Reverse lookups outside local DNS mode: never the system resolver (a PTR query there
 * would show where the program connects). */
#ifndef SX_PRELOAD_REVERSE_H
#define SX_PRELOAD_REVERSE_H

#include <stdint.h>

#include "../base/init.h"
#include "hosts.h"

/* In remote mode a fake address is named by the table (an unknown one by nobody); others
 * by /etc/hosts, then the configured DNS server through the proxy. 0 with e filled (names,
 * canonical first), -ENOENT (no name: answer numerically or "not found"), or -EAGAIN
 * (the server or the proxy failed). af 4 or 6. */
int sx_reverse_lookup(const struct sx_state *st, int af, const uint8_t *addr,
		      struct sx_hosts_entry *e);

#endif
