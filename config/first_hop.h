/* SPDX-License-Identifier: MIT */
/* Which proxies can be a connection's first hop: the ones the program's side must reach
 * itself (the isolation forwarder makes sockets to them alone). */
#ifndef SX_CONFIG_FIRST_HOP_H
#define SX_CONFIG_FIRST_HOP_H

#include <stdbool.h>

#include "config.h"

/* True when ref names a proxy that starts some group's connections: the first member of
 * a strict group, any member of the other modes (a dead one may be skipped). */
bool sx_config_first_hop(const struct sx_config *c, unsigned ref);

#endif
