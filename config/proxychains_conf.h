/* SPDX-License-Identifier: MIT */
/* proxychains-ng's proxychains.conf, read as socksify settings: [ProxyList] becomes the
 * server and its chain, proxy_dns the DNS mode, localnet bypass entries, the timeouts
 * the two timeouts. Pure: text in, settings out through a callback. */
#ifndef SX_CONFIG_PROXYCHAINS_CONF_H
#define SX_CONFIG_PROXYCHAINS_CONF_H

#include <stddef.h>

/* Receives each setting as a socksify config file key and value ("hop" for each
 * [ProxyList] entry, in order, as a URL); 0, or -EINVAL with msg filled. */
typedef int (*sx_proxychains_set_fn)(void *ctx, const char *key, const char *val, char *msg,
				     size_t n);

/* 0, or -EINVAL with err naming "name:line". What socksify cannot do as proxychains-ng
 * does (dynamic, random and round-robin chains, raw proxies, dnat, proxy_dns_daemon) is
 * an error, never a silent difference. */
int sx_proxychains_load(const char *name, const char *text, size_t len, sx_proxychains_set_fn set,
			void *ctx, char *err, size_t errlen);

#endif
