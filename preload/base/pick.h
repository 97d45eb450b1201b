/* SPDX-License-Identifier: MIT */
/* One connection's hops out of a group: strict, dynamic, failover, round-robin or
 * random, skipping proxies known dead and those that already failed this connection. */
#ifndef SX_PRELOAD_PICK_H
#define SX_PRELOAD_PICK_H

#include <stddef.h>
#include <stdint.h>

#include "../../config/config.h"

/* Fills refs[0..n) (proxy references, see SX_REF_NAMED) with the hops of one try
 * through c->groups[group], first hop first, and returns n (1..SX_CHAIN_MAX).
 * failed is a bit mask over references (bit r: reference r failed earlier in this
 * connection): those are never picked again. Members known dead (proxy_health.h) come
 * only where too few others are left (then the first ones in the written order); strict
 * groups take every member and ignore both. Hops come in the mode's order: written,
 * rotated by the tree's round-robin position (which each call moves on), or shuffled.
 * -EHOSTUNREACH when too few members are left for the group's len (at least one);
 * -EINVAL for a group that does not exist, or a strict one naming a proxy that does not
 * exist or longer than SX_CHAIN_MAX. */
int sx_pick_hops(const struct sx_config *c, unsigned group, uint32_t failed,
		 uint8_t refs[SX_CHAIN_MAX]);

#endif
