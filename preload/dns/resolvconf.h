/* SPDX-License-Identifier: MIT */
/* Which destinations are "the system's nameservers": the nameserver lines of
 * /etc/resolv.conf plus the dns_intercept setting, always at port 53. */
#ifndef SX_PRELOAD_RESOLVCONF_H
#define SX_PRELOAD_RESOLVCONF_H

#include <stdbool.h>
#include <sys/socket.h>

#include "../base/init.h"

/* True when DNS sent to sa is the shim's to answer: dns mode remote or proxy, and sa is
 * a nameserver's port 53 (IPv4-mapped IPv6 counts as IPv4). The file is read once. */
bool sx_resolvconf_is_nameserver(const struct sx_state *st, const struct sockaddr *sa,
				 socklen_t len);

#endif
