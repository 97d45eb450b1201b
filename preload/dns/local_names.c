/* SPDX-License-Identifier: MIT */
/* Answers for localhost names and /etc/hosts names from the file and RFC 6761, so that
 * a trailing dot, a name under localhost or a family the file lacks never sends the
 * question on to DNS, as libc would. */
#include <string.h>
#include <strings.h>

#include "fakename.h"
#include "local_names.h"

bool sx_local_names_is_localhost(const char *name)
{
	size_t n = strlen(name);
	if (n && name[n - 1] == '.')
		n--;
	return (n == 9 && !strncasecmp(name, "localhost", 9)) ||
	       (n > 10 && !strncasecmp(name + n - 10, ".localhost", 10));
}

static void add_loopback(int af, struct sx_hosts_entry *e)
{
	static const uint8_t v4[4] = {127, 0, 0, 1};
	static const uint8_t v6[16] = {[15] = 1};
	e->addr[e->n].af = af;
	memset(e->addr[e->n].a, 0, 16);
	memcpy(e->addr[e->n++].a, af == 4 ? v4 : v6, af == 4 ? 4 : 16);
}

static void only_name(const char *name, struct sx_hosts_entry *e)
{
	size_t n = strlen(name);
	if (n && name[n - 1] == '.')
		n--;
	if (n >= sizeof e->names)
		n = sizeof e->names - 1;
	memcpy(e->names, name, n);
	e->names[n] = '\0';
	e->n_names = 1;
}

bool sx_local_names_answer(const struct sx_state *st, const char *name, int af,
			   struct sx_hosts_entry *e)
{
	if (st->config.dns == SX_DNS_LOCAL || !name || !*name || sx_fakename_is_numeric(name))
		return false;
	if (sx_hosts_by_name(name, af, e) == 0)
		return true;
	if (!sx_local_names_is_localhost(name))
		return false;
	/* Not listed itself: as localhost is, by the file or else RFC 6761 loopback. */
	if (sx_hosts_by_name("localhost", af, e) < 0) {
		e->n = 0;
		if (af != 6)
			add_loopback(4, e);
		if (af != 4)
			add_loopback(6, e);
	}
	only_name(name, e);
	return true;
}
