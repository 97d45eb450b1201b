/* SPDX-License-Identifier: MIT */
/* The local addresses this process's proxied connections were told (the proxies' BND
 * addresses), each with the connection's target: a listener bound to one of them is
 * listening through the proxy, and BIND names that target. */
#ifndef SX_PRELOAD_BOUND_ADDRS_H
#define SX_PRELOAD_BOUND_ADDRS_H

#include <stdbool.h>
#include <sys/socket.h>

#include "../../core/target.h"
#include "../base/session.h"

/* What getsockname() reports for fd, connected through the proxy that reported bnd, as
 * a sockaddr of family: bnd, or when bnd says 0.0.0.0 or :: (or is a name) the
 * proxy's own address with bnd's port. Its length, 0 if there is none. */
socklen_t sx_bound_addrs_local(int fd, const struct sx_target *bnd, int family,
			       struct sockaddr_storage *out);
/* Remembers that a connection to dst through hops was told local (the newest few are
 * kept). */
void sx_bound_addrs_note(const struct sockaddr *local, socklen_t len, const struct sx_target *dst,
			 const struct sx_hops *hops);
/* Whether sa's address (any port) is one the proxy reported; *dst gets that target and
 * *hops the proxies the connection went through (a BIND must go the same way). */
bool sx_bound_addrs_find(const struct sockaddr *sa, socklen_t len, struct sx_target *dst,
			 struct sx_hops *hops);
/* The target and hops of the newest proxied connection; false if there was none. */
bool sx_bound_addrs_latest(struct sx_target *dst, struct sx_hops *hops);

#endif
