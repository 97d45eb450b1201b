/* SPDX-License-Identifier: MIT */
/* One connection's hops out of a group: the candidates in the mode's order, live ones
 * first, then known-dead ones (in the order written) while too few are left. */
#include <errno.h>
#include <stdbool.h>

#include "pick.h"
#include "proxy_health.h"

_Static_assert(SX_REFS_MAX <= 32, "a failed mask has one bit per reference");
_Static_assert(SX_GROUP_MEMBERS_MAX <= 32, "a chosen mask has one bit per member");

static bool usable(const struct sx_config *c, unsigned ref, uint32_t failed)
{
	return ref < SX_REFS_MAX && !(failed >> ref & 1) && sx_config_proxy_at(c, ref);
}

/* The members' indexes in the order the mode tries them. */
static void order_of(const struct sx_group *g, unsigned group, unsigned order[])
{
	unsigned n = (unsigned)g->n, start = 0;
	if (g->pick == SX_PICK_ROUND_ROBIN)
		start = sx_health_round_robin(group) % n;
	for (unsigned i = 0; i < n; i++)
		order[i] = (start + i) % n;
	if (g->pick == SX_PICK_RANDOM)
		for (unsigned i = n - 1; i > 0; i--) {
			unsigned j = sx_health_random() % (i + 1), t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
}

static int pick_strict(const struct sx_config *c, const struct sx_group *g,
		       uint8_t refs[SX_CHAIN_MAX])
{
	if (g->n > SX_CHAIN_MAX)
		return -EINVAL;
	for (size_t i = 0; i < g->n; i++) {
		if (!sx_config_proxy_at(c, g->member[i]))
			return -EINVAL;
		refs[i] = g->member[i];
	}
	return (int)g->n;
}

int sx_pick_hops(const struct sx_config *c, unsigned group, uint32_t failed,
		 uint8_t refs[SX_CHAIN_MAX])
{
	if (group >= c->n_groups)
		return -EINVAL;
	const struct sx_group *g = &c->groups[group];
	if (!g->n || g->n > SX_GROUP_MEMBERS_MAX)
		return -EHOSTUNREACH;
	if (g->pick == SX_PICK_STRICT)
		return pick_strict(c, g, refs);
	unsigned n = (unsigned)g->n, left = 0;
	uint32_t dead = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!usable(c, g->member[i], failed))
			continue;
		left++;
		if (sx_health_is_dead(sx_config_proxy_at(c, g->member[i])))
			dead |= 1u << i;
	}
	unsigned need = g->pick == SX_PICK_DYNAMIC ? 1 : g->len ? g->len : 1;
	if (need > SX_CHAIN_MAX)
		need = SX_CHAIN_MAX;
	if (left < need)
		return -EHOSTUNREACH;
	/* Dynamic takes every live member; the others exactly need. */
	unsigned want = g->pick == SX_PICK_DYNAMIC ? SX_CHAIN_MAX : need;
	unsigned order[SX_GROUP_MEMBERS_MAX], taken = 0;
	uint32_t chosen = 0;
	order_of(g, group, order);
	for (unsigned i = 0; i < n && taken < want; i++) {
		unsigned m = order[i];
		if (usable(c, g->member[m], failed) && !(dead >> m & 1)) {
			chosen |= 1u << m;
			taken++;
		}
	}
	for (unsigned m = 0; m < n && taken < need; m++)
		if (dead >> m & 1) {
			chosen |= 1u << m;
			taken++;
		}
	int k = 0;
	for (unsigned i = 0; i < n; i++)
		if (chosen >> order[i] & 1)
			refs[k++] = g->member[order[i]];
	return k;
}
