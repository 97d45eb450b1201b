/* SPDX-License-Identifier: MIT */
/* Names answered here, never asked of DNS outside local DNS mode: localhost and the
 * names under it (RFC 6761 §6.3), and /etc/hosts names, with or without a trailing dot. */
#ifndef SX_PRELOAD_LOCAL_NAMES_H
#define SX_PRELOAD_LOCAL_NAMES_H

#include <stdbool.h>

#include "../base/init.h"
#include "hosts.h"

/* localhost, or a name under it; one trailing dot ignored. */
bool sx_local_names_is_localhost(const char *name);

/* true with e filled: the addresses of family af (4, 6, 0 for both) the name has here
 * (e->n 0: none of that family, which is the answer too) and its names, canonical first.
 * false: not a name answered here (libc's, or the proxy's). */
bool sx_local_names_answer(const struct sx_state *st, const char *name, int af,
			   struct sx_hosts_entry *e);

#endif
