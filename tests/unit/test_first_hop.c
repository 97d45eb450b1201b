/* SPDX-License-Identifier: MIT */
/* sx_config_first_hop: which proxies a connection can start at. */
#include <string.h>

#include "../../config/first_hop.h"
#include "tap.h"

static const char *env_chain(const char *name)
{
	if (!strcmp(name, "SOCKS_SERVER"))
		return "socks5://127.0.0.1:1090";
	if (!strcmp(name, "SOCKSIFY_CHAIN"))
		return "socks5://127.0.0.1:1091,socks5://127.0.0.1:1092";
	return NULL;
}

int main(void)
{
	struct sx_config c;
	char err[256];

	sx_config_defaults(&c);
	TAP_IS(sx_config_load(&c, env_chain, NULL, NULL, 0, err, sizeof err), 0, "a chain: %s",
	       err);
	TAP_OK(sx_config_first_hop(&c, 0), "a strict default: the server leads");
	TAP_OK(!sx_config_first_hop(&c, 1) && !sx_config_first_hop(&c, 2), "its hops never do");
	TAP_OK(!sx_config_first_hop(&c, 3), "a reference to nothing");
	c.groups[0].pick = SX_PICK_FAILOVER;
	TAP_OK(sx_config_first_hop(&c, 1) && sx_config_first_hop(&c, 2),
	       "failover: every member may lead");
	c.groups[0].pick = SX_PICK_STRICT;

	/* two named proxies, a strict group of both and a route's group of the second */
	c.n_named = 2;
	c.named[0] = c.proxy;
	c.named[1] = c.proxy;
	c.groups[1] = (struct sx_group){
	    .pick = SX_PICK_STRICT, .len = 2, .n = 2, .member = {SX_REF_NAMED + 1, SX_REF_NAMED}};
	c.n_groups = 2;
	TAP_OK(sx_config_first_hop(&c, SX_REF_NAMED + 1) && !sx_config_first_hop(&c, SX_REF_NAMED),
	       "a strict group: its first member only");
	c.groups[2] = (struct sx_group){
	    .pick = SX_PICK_ROUND_ROBIN, .len = 1, .n = 1, .member = {SX_REF_NAMED}};
	c.n_groups = 3;
	TAP_OK(sx_config_first_hop(&c, SX_REF_NAMED), "or a member of another group");
	TAP_OK(!sx_config_first_hop(&c, SX_REF_NAMED + 2), "a named proxy that is not there");
	return tap_done();
}
