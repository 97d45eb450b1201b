/* SPDX-License-Identifier: MIT */
/* Per-destination routes: the first route that matches picks the way (a group of
 * proxies, direct or reject); the bypass list comes first, as direct routes. */
#include "config.h"

int sx_route_for_addr(const struct sx_config *c, int af, const uint8_t *addr, uint16_t port)
{
	/* Most configurations have neither: every proxied connect asks. */
	if (!c->n_routes && !c->bypass.n && !c->bypass.all)
		return SX_WAY_NONE;
	if (sx_bypass_match_addr(&c->bypass, af, addr, port))
		return SX_WAY_DIRECT;
	for (size_t i = 0; i < c->n_routes; i++)
		if (c->routes[i].match.kind != SX_BYPASS_HOST &&
		    c->routes[i].match.kind != SX_BYPASS_SUFFIX &&
		    sx_bypass_entry_match_addr(&c->routes[i].match, af, addr, port))
			return c->routes[i].way;
	return SX_WAY_NONE;
}

int sx_route_for_name(const struct sx_config *c, const char *name, uint16_t port)
{
	if (!c->n_routes && !c->bypass.n && !c->bypass.all)
		return SX_WAY_NONE;
	if (c->bypass.all)
		return SX_WAY_DIRECT;
	char n[256];
	uint8_t addr[16];
	int af = sx_bypass_name_key(name, n, addr);
	if (af > 0)
		return sx_route_for_addr(c, af, addr, port);
	if (af < 0)
		return SX_WAY_NONE;
	for (size_t i = 0; i < c->bypass.n; i++)
		if (sx_bypass_entry_match_key(&c->bypass.e[i], n, port))
			return SX_WAY_DIRECT;
	for (size_t i = 0; i < c->n_routes; i++)
		if (sx_bypass_entry_match_key(&c->routes[i].match, n, port))
			return c->routes[i].way;
	return SX_WAY_NONE;
}
