/* SPDX-License-Identifier: MIT */
/* The several-proxies keys (proxy, group, route, chain_mode) for config.c: parse one
 * line's value into struct sx_config, and check what a group's picks can produce. */
#ifndef SX_CONFIG_GROUPS_H
#define SX_CONFIG_GROUPS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* Each returns 0, or -EINVAL with msg saying what is wrong (never quoting a URL). */
int sx_groups_add_proxy(struct sx_config *c, const char *val, char *msg, size_t n);
int sx_groups_add_group(struct sx_config *c, const char *val, char *msg, size_t n);
/* "MATCH TARGET", inserted as routes[at] (the environment's go before the file's). */
int sx_groups_add_route(struct sx_config *c, size_t at, const char *val, char *msg, size_t n);
/* strict, dynamic, failover, round_robin or random (s need not end at len). */
int sx_groups_parse_pick(const char *s, size_t len, enum sx_pick *out, char *msg, size_t n);
/* Every ordered pair of members the group's pick can make consecutive hops: can the
 * first carry the second's host? 0, or -EINVAL naming the pair by position. */
int sx_groups_check_hops(const struct sx_config *c, const struct sx_group *g, char *msg, size_t n);
/* Over every proxy that can receive a destination (a last hop of the default group or of
 * a group a route uses): whether all carry names, and whether any is socks4. */
void sx_groups_last_hops(const struct sx_config *c, bool *all_names, bool *any_socks4);

#endif
