/* SPDX-License-Identifier: MIT */
/* Addresses that routed host names resolved to locally, so that "bypass example.com"
 * sends connections to example.com direct, not just its lookup local, and "route
 * example.com corp" sends them through corp in local DNS mode. */
#ifndef SX_PRELOAD_DIRECT_NAMES_H
#define SX_PRELOAD_DIRECT_NAMES_H

#include <netdb.h>
#include <stdbool.h>

#include "../../config/config.h"
#include "../../core/target.h"

/* way: the route's (config.h: a group index or SX_WAY_DIRECT / SX_WAY_REJECT). */
void sx_direct_names_learn(const struct addrinfo *res, int way);
/* The way learned for dst's address, or SX_WAY_NONE. */
int sx_direct_names_way(const struct sx_target *dst);

#endif
