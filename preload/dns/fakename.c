/* SPDX-License-Identifier: MIT */
/* Decides which names the proxy resolves, and answers for those: a fake address in
 * remote mode, a real one asked through the proxy in proxy mode. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "../base/log.h"
#include "dns_cares.h"
#include "fakedns_shared.h"
#include "fakename.h"
#include "hosts.h"
#include "local_names.h"

bool sx_fakename_is_numeric(const char *name)
{
	struct in_addr a4;
	struct in6_addr a6;
	char buf[INET6_ADDRSTRLEN + 1];
	/* inet_aton stops at whitespace; libc's resolvers then see a name, not an address. */
	if (!strpbrk(name, " \t\n\r") && inet_aton(name, &a4))
		return true;
	const char *pct = strchr(name, '%'); /* scope id: fe80::1%eth0 */
	size_t n = pct ? (size_t)(pct - name) : strlen(name);
	if (n >= sizeof buf)
		return false;
	memcpy(buf, name, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, &a6) == 1;
}

/* A first hop's name (one init resolved); a later hop's is the hop before it to resolve. */
static bool is_proxy_host(const struct sx_state *st, const char *name)
{
	for (uint32_t refs = st->addr_refs; refs; refs &= refs - 1) {
		const struct sx_proxy *p = sx_config_proxy_at(&st->config, __builtin_ctz(refs));
		if (p && !strcasecmp(name, p->host))
			return true;
	}
	return false;
}

bool sx_fakename_local(const struct sx_state *st, const char *name, uint16_t port)
{
	/* The proxy's own name was resolved locally at init; a program asking for it
	 * means to reach the proxy itself. localhost and everything under it is
	 * loopback, never asked about (RFC 6761 §6.3). */
	return st->config.dns == SX_DNS_LOCAL || !name || !*name || sx_fakename_is_numeric(name) ||
	       sx_local_names_is_localhost(name) || is_proxy_host(st, name) || sx_hosts_has(name) ||
	       sx_route_for_name(&st->config, name, port) == SX_WAY_DIRECT;
}

int sx_fakename_lookup(const struct sx_state *st, const char *name, int af, uint16_t port,
		       uint8_t *addr)
{
	if (sx_fakename_local(st, name, port))
		return 0;
	if (st->config.dns == SX_DNS_PROXY) {
		/* Real answers, asked through the proxy; a failure never falls back to the
		 * local resolver. */
		int c = sx_cares_resolve(st, name, af, addr);
		return c == 0 ? 1 : c == -ENOENT ? -ENOENT : -EAGAIN;
	}
	int r = sx_fakedns_shared_assign(name, af, addr);
	if (r == -EINVAL)
		return 0; /* nothing a name could hold; libc gives the right error */
	if (r == -ENOSPC)
		sx_log(SX_LOG_ERROR, "fake DNS table full: cannot resolve '%s' (%s)", name,
		       sx_fakedns_shared_full_advice());
	else if (r == -ENOMEM)
		sx_log(SX_LOG_ERROR, "no fake DNS table: refusing to resolve '%s' locally", name);
	if (r < 0)
		return r;
	sx_log(SX_LOG_DEBUG, "resolve %s: fake address for the proxy to resolve", name);
	return 1;
}
