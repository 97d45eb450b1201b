/* SPDX-License-Identifier: MIT */
/* The name of an address: a fake one's from the table; a real one's from the file first,
 * as libc would; then, when a DNS server is configured, its PTR answer through the
 * proxy; otherwise no name. */
#include <errno.h>
#include <string.h>

#include "dns_cares.h"
#include "fakedns_shared.h"
#include "reverse.h"

int sx_reverse_lookup(const struct sx_state *st, int af, const uint8_t *addr,
		      struct sx_hosts_entry *e)
{
	/* A fake address (remote mode) is named by the table, or by nobody. */
	int r =
	    st->config.dns == SX_DNS_REMOTE ? sx_fakedns_shared_name(af, addr, e->names) : -EINVAL;
	if (r == -EINVAL && sx_hosts_by_addr(af, addr, e) == 0)
		return 0;
	if (r == -EINVAL)
		r = sx_cares_reverse(st, af, addr, e->names);
	if (r < 0)
		return r == -EAGAIN ? -EAGAIN : -ENOENT;
	e->n_names = 1;
	e->n = 1;
	e->addr[0].af = af;
	memset(e->addr[0].a, 0, 16);
	memcpy(e->addr[0].a, addr, af == 4 ? 4 : 16);
	return 0;
}
