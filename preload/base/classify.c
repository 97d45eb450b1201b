/* SPDX-License-Identifier: MIT */
/* Direct: the proxy itself, loopback (by default), the bypass list. Everything else is
 * proxied or refused; there is no silent fallback to a direct connection. */
#include <netinet/in.h>
#include <string.h>

#include "classify.h"
#include "direct_names.h"

static bool is_proxy_addr(const struct sx_state *st, const struct sx_target *dst)
{
	for (uint32_t refs = st->addr_refs; refs; refs &= refs - 1) {
		const struct sx_proxy_addrs *pa = &st->addrs[__builtin_ctz(refs)];
		for (size_t i = 0; i < pa->n; i++) {
			const struct sockaddr_storage *ss = &pa->a[i];
			if (ss->ss_family == AF_INET && dst->kind == SX_TARGET_IPV4) {
				const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
				if (!memcmp(&in->sin_addr, dst->addr.v4, 4) &&
				    ntohs(in->sin_port) == dst->port)
					return true;
			} else if (ss->ss_family == AF_INET6 && dst->kind == SX_TARGET_IPV6) {
				const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
				if (!memcmp(&in6->sin6_addr, dst->addr.v6, 16) &&
				    ntohs(in6->sin6_port) == dst->port)
					return true;
			}
		}
	}
	return false;
}

static bool is_local(const struct sx_target *dst)
{
	static const uint8_t v6_loopback[16] = {[15] = 1};
	static const uint8_t v6_any[16];
	if (dst->kind == SX_TARGET_IPV4)
		return dst->addr.v4[0] == 127 || !memcmp(dst->addr.v4, "\0\0\0\0", 4);
	if (dst->kind == SX_TARGET_IPV6)
		return !memcmp(dst->addr.v6, v6_loopback, 16) || !memcmp(dst->addr.v6, v6_any, 16);
	return false;
}

enum sx_route sx_classify(const struct sx_state *st, const struct sx_target *dst, const char **why,
			  int *way)
{
	const struct sx_config *c = &st->config;
	*way = 0;
	if (is_proxy_addr(st, dst)) {
		*why = "the proxy itself";
		return SX_ROUTE_DIRECT;
	}
	if (c->bypass_loopback && is_local(dst)) {
		*why = "loopback";
		return SX_ROUTE_DIRECT;
	}
	int w = dst->kind == SX_TARGET_NAME
		    ? sx_route_for_name(c, dst->addr.name, dst->port)
		    : sx_route_for_addr(c, dst->kind == SX_TARGET_IPV4 ? 4 : 6,
					dst->kind == SX_TARGET_IPV4 ? dst->addr.v4 : dst->addr.v6,
					dst->port);
	if (w == SX_WAY_NONE)
		w = sx_direct_names_way(dst);
	/* A name that got a fake address (its lookup did not know the port a direct route
	 * wants) has no address to go direct to: the proxy resolves it. */
	if (w == SX_WAY_DIRECT && dst->kind == SX_TARGET_NAME)
		w = 0;
	if (w == SX_WAY_DIRECT) {
		*why = "bypass list or route";
		return SX_ROUTE_DIRECT;
	}
	if (st->config_error) {
		*why = "configuration error";
		return SX_ROUTE_REFUSE;
	}
	if (w == SX_WAY_REJECT) {
		*why = "route: reject";
		return SX_ROUTE_REJECT;
	}
	*why = "proxy";
	*way = w >= 0 ? w : 0;
	return SX_ROUTE_PROXY;
}
