/* SPDX-License-Identifier: MIT */
/* The per-call decision: leave a destination alone, send it through the proxy, or refuse. */
#ifndef SX_PRELOAD_CLASSIFY_H
#define SX_PRELOAD_CLASSIFY_H

#include <sys/socket.h>

#include "../../core/target.h"
#include "init.h"

/* REFUSE: the configuration is broken; REJECT: a route says so. */
enum sx_route { SX_ROUTE_DIRECT, SX_ROUTE_PROXY, SX_ROUTE_REFUSE, SX_ROUTE_REJECT };

/* For a TCP/IP destination already converted to a target (an address or, in remote DNS
 * mode, a name). *why receives a short reason for the log; *way the group a proxied
 * destination goes through (an index into config.groups). */
enum sx_route sx_classify(const struct sx_state *st, const struct sx_target *dst, const char **why,
			  int *way);

#endif
