/* SPDX-License-Identifier: MIT */
/* SOCKS_SERVER and friends in the cURL URL forms. */
#ifndef SX_CONFIG_PROXY_URL_H
#define SX_CONFIG_PROXY_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/proxy.h"

/* socks4:// socks4a:// socks5:// socks5h:// http://, optional user:password@
 * (percent-decoded), [v6] literals, default port 1080 (8080 for http); bare host[:port]
 * means socks5h.
 * Returns 0 or -EINVAL with err describing the problem (without naming the variable;
 * the caller prefixes it). Quotes no part of the URL after the scheme, so no secret
 * reaches err. */
int sx_proxy_url_parse(struct sx_proxy *p, const char *url, char *err, size_t errlen);
/* The same, but a URL without a scheme means bare_proto (dante's SOCKS4_SERVER and
 * SOCKS5_SERVER take plain host:port). */
int sx_proxy_url_parse_as(struct sx_proxy *p, const char *url, enum sx_proto bare_proto, char *err,
			  size_t errlen);

/* url without its password (socks5://user@host), into out; false when it has none, or
 * is not ours to change: a scheme other than socks*, unless the variable is ours alone
 * (SOCKS_SERVER, not curl's ALL_PROXY), where http:// and no scheme are ours too. */
bool sx_proxy_url_strip_password(const char *url, bool ours, char *out, size_t n);

/* The proxy as scheme://host:port (an IPv6 literal in brackets), never with credentials:
 * the form log lines name a proxy by. */
void sx_proxy_url_format(const struct sx_proxy *p, char *out, size_t n);

/* A chain as "socks5://a:1080 > http://b:3128" (just the URL for n_via 0), cut to fit. */
void sx_proxy_chain_format(const struct sx_proxy *first, const struct sx_proxy *via, size_t n_via,
			   char *out, size_t n);

/* Percent-decodes s[0..len) into out: 0, -EINVAL (bad encoding, or a NUL, which would
 * cut the credential short as a C string) or -E2BIG (longer than SX_NAME_MAX). */
int sx_pct_decode(const char *s, size_t len, char out[SX_NAME_MAX + 1]);

#endif
