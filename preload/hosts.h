/* SPDX-License-Identifier: MIT */
/* Whether a name is listed in /etc/hosts: such names resolve locally even in remote mode. */
#ifndef SX_PRELOAD_HOSTS_H
#define SX_PRELOAD_HOSTS_H

#include <stdbool.h>

/* Case-insensitive, one trailing dot ignored. The file is read once, on first use. */
bool sx_hosts_has(const char *name);

#endif
