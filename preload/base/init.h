/* SPDX-License-Identifier: MIT */
/* Lazy, once-only set-up: real symbols, configuration, the proxy's addresses. */
#ifndef SX_PRELOAD_INIT_H
#define SX_PRELOAD_INIT_H

#include <sys/socket.h>

#include "../../config/config.h"

#define SX_PROXY_ADDRS_MAX 4

/* A proxy's own addresses, numeric: only of proxies that can be a first hop (a later
 * hop's name is the hop before it to resolve). */
struct sx_proxy_addrs {
	size_t n;
	struct sockaddr_storage a[SX_PROXY_ADDRS_MAX];
	socklen_t len[SX_PROXY_ADDRS_MAX];
};

struct sx_state {
	int config_error; /* 0, or the -errno every proxied operation fails with */
	struct sx_config config;
	struct sx_proxy_addrs addrs[SX_REFS_MAX]; /* by proxy reference (config.h) */
	uint32_t addr_refs;			  /* bit r: addrs[r] has some */
	/* isolated (--strict): where the forwarder hands out sockets to the proxy, or "" */
	char forwarder_unix[108];
};

/* Never fails: a configuration problem is logged and latched in config_error. */
const struct sx_state *sx_state(void);

/* Whether sx_state() has been asked already: a caller that must not cost a process its
 * configuration (a file read, the proxy's name resolved) asks this first. */
bool sx_state_loaded(void);

#endif
