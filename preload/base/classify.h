/* SPDX-License-Identifier: MIT */
/* The per-call decision: leave a destination alone, send it through the proxy, or refuse. */
#ifndef SX_PRELOAD_CLASSIFY_H
#define SX_PRELOAD_CLASSIFY_H

#include <sys/socket.h>

#include "../../core/target.h"
#include "init.h"

enum sx_route { SX_ROUTE_DIRECT, SX_ROUTE_PROXY, SX_ROUTE_REFUSE };

/* For a TCP/IP destination already converted to a target (IPv4 or IPv6).
 * *why receives a short reason for the log. */
enum sx_route sx_classify(const struct sx_state *st, const struct sx_target *dst, const char **why);

#endif
