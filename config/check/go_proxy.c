/* SPDX-License-Identifier: MIT */
/* The proxy as Go's net/http takes it from HTTP_PROXY/HTTPS_PROXY: a socks5:// URL, over
 * which Go sends host names. Never with a password: the environment is readable in /proc
 * and inherited. */
#include <stdio.h>
#include <string.h>

#include "../config.h"
#include "check.h"

static bool url_safe(const char *s)
{
	return s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~-")] ==
	       '\0';
}

const char *sx_check_go_url(const struct sx_config *c, const char *hostport, char *url, size_t n)
{
	if (c->proxy.proto == SX_PROTO_SOCKS4 || c->proxy.proto == SX_PROTO_SOCKS4A)
		return "Go's net/http speaks only SOCKS5 to a proxy";
	if (c->proxy.pass[0] || c->password_file[0])
		return "the proxy needs a password, which socksify never puts in the environment";
	if (c->proxy.has_user && !url_safe(c->proxy.user))
		return "the proxy user name would need escaping in a URL";
	char at[SX_NAME_MAX + 2] = "";
	if (c->proxy.has_user && c->proxy.user[0])
		snprintf(at, sizeof at, "%s@", c->proxy.user);
	if (hostport)
		snprintf(url, n, "socks5://%s%s", at, hostport);
	else if (strchr(c->proxy.host, ':'))
		snprintf(url, n, "socks5://%s[%s]:%u", at, c->proxy.host, c->proxy.port);
	else
		snprintf(url, n, "socks5://%s%s:%u", at, c->proxy.host, c->proxy.port);
	return NULL;
}

int sx_check_go_proxy(void)
{
	struct sx_config c;
	char url[SX_NAME_MAX * 2 + 32];
	if (sx_check_load_config(&c))
		return 1;
	const char *why = sx_check_go_url(&c, NULL, url, sizeof url);
	printf("%s\n", why ? why : url);
	return why ? 1 : 0;
}
