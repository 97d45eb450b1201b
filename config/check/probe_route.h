/* SPDX-License-Identifier: MIT */
/* socksify --check HOST:PORT: the way the configuration sends that destination (the
 * route that matches, or the default) and, for a group that picks, which members are up. */
#ifndef SX_CONFIG_CHECK_PROBE_ROUTE_H
#define SX_CONFIG_CHECK_PROBE_ROUTE_H

#include <stddef.h>

#include "../../core/target.h"
#include "../config.h"
#include "probe_report.h"

/* Adds the "route" row and, for a group that is not strict, the "members" row (each
 * member's TCP reachability, within timeout_ms); json gets the same as one object. */
void sx_probe_route(struct sx_config *c, const struct sx_target *t, struct sx_probe_report *rep,
		    int timeout_ms, char *json, size_t json_cap);

/* A TCP connect to p within timeout_ms: 0 with *ms, or -errno. */
int sx_probe_reach(const struct sx_proxy *p, int timeout_ms, double *ms);

/* A default group that picks one hop per connection (failover, round_robin, random with
 * len 1): the index of its first member, in the order written, that answers a TCP
 * connect, which then stands in c->proxy where the server was, so that the probe checks
 * the proxy connections would use; 0 otherwise or when none answers. */
int sx_probe_default_member(struct sx_config *c, int timeout_ms);

#endif
