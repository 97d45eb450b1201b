/* SPDX-License-Identifier: MIT */
/* Addresses that bypass-listed host names resolved to, so that "bypass example.com"
 * sends connections to example.com direct, not just its lookup local. */
#ifndef SX_PRELOAD_DIRECT_NAMES_H
#define SX_PRELOAD_DIRECT_NAMES_H

#include <netdb.h>
#include <stdbool.h>

#include "../../core/target.h"

void sx_direct_names_learn(const struct addrinfo *res);
bool sx_direct_names_has(const struct sx_target *dst);

#endif
