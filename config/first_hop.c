/* SPDX-License-Identifier: MIT */
/* The proxies a connection can start at, from the groups and their pick modes. */
#include "first_hop.h"

bool sx_config_first_hop(const struct sx_config *c, unsigned ref)
{
	if (!sx_config_proxy_at(c, ref))
		return false;
	for (size_t g = 0; g < c->n_groups && g < SX_GROUPS_MAX; g++) {
		const struct sx_group *gr = &c->groups[g];
		size_t n = gr->pick == SX_PICK_STRICT && gr->n ? 1 : gr->n;
		for (size_t i = 0; i < n && i < SX_GROUP_MEMBERS_MAX; i++)
			if (gr->member[i] == ref)
				return true;
	}
	return false;
}
