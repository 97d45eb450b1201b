/* SPDX-License-Identifier: MIT */
/* Which proxies are known dead, for the whole process tree: a proxy that refused,
 * was unreachable or timed out is skipped by failover, dynamic, round-robin and random
 * groups for dead_time; and the tree's round-robin position per group. */
#ifndef SX_PRELOAD_PROXY_HEALTH_H
#define SX_PRELOAD_PROXY_HEALTH_H

#include <stdbool.h>

#include "../../core/proxy.h"

/* Whether p (by protocol, host and port) was marked dead less than its dead time ago. */
bool sx_health_is_dead(const struct sx_proxy *p);
/* Marks p dead for dead_ms from now, tree-wide; the first mark of a proxy in a process
 * logs one warning line naming it. */
void sx_health_mark_dead(const struct sx_proxy *p, unsigned dead_ms);
/* The same, the warning giving why: err is a positive errno (0: no reason). */
void sx_health_mark_dead_err(const struct sx_proxy *p, unsigned dead_ms, int err);
/* p answered: no longer dead. */
void sx_health_mark_alive(const struct sx_proxy *p);
/* The tree's next round-robin start for group `group` (an index into config.groups),
 * counting up from 0 across every process of the tree. */
unsigned sx_health_round_robin(unsigned group);
/* A random number for random groups: thread-safe and async-signal-safe. */
unsigned sx_health_random(void);

/* Where the tree's memory lives: SX_HEALTH_AREA_SIZE bytes at SX_HEALTH_AREA_OFFSET of
 * the fake-DNS table file's first page (zero-filled when the file is made). base/ cannot
 * call dns/, so dns/ registers, at load time, how to get that address; the source
 * returns NULL when there is no tree table, and the memory is then this process's own. */
#define SX_HEALTH_AREA_OFFSET 1024u
#define SX_HEALTH_AREA_SIZE   1024u
void sx_health_set_area_source(void *(*source)(void));

#endif
