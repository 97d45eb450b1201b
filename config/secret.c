/* SPDX-License-Identifier: MIT */
/* Does a config file hold a secret (a password, credentials inside a server, chain, proxy,
 * group or route URL, or a proxychains.conf proxy with a user and password)?
 * Used to warn when such a file is readable by other users. */
#include <string.h>
#include <strings.h>

#include "config.h"

/* A proxychains.conf [ProxyList] entry "socks5 host port user pass": four words. */
static bool proxychains_credentials(const struct sx_conf_line *l)
{
	static const char *const types[] = {"socks4", "socks5", "http"};
	bool type = false;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		type |= l->key_len == strlen(types[i]) && !strncmp(l->key, types[i], l->key_len);
	if (!type)
		return false;
	size_t words = 0;
	for (size_t i = 0; i < l->val_len; i++)
		if (l->val[i] != ' ' && l->val[i] != '\t' &&
		    (i == 0 || l->val[i - 1] == ' ' || l->val[i - 1] == '\t'))
			words++;
	return words >= 4;
}

/* The keys whose values hold proxy URLs, where user:password@ may be written. */
static bool url_key(const struct sx_conf_line *l)
{
	static const char *const keys[] = {"server", "chain", "proxy", "group", "route"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (l->key_len == strlen(keys[i]) && !strncasecmp(l->key, keys[i], l->key_len))
			return true;
	return false;
}

bool sx_config_text_has_secret(const char *text, size_t len)
{
	struct sx_conf_reader r;
	struct sx_conf_line l;
	sx_conf_file_init(&r, text, len);
	while (sx_conf_file_next(&r, &l)) {
		if (l.key_len == 8 && !strncasecmp(l.key, "password", 8))
			return true;
		if (proxychains_credentials(&l))
			return true;
		if (url_key(&l) && memchr(l.val, '@', l.val_len))
			return true;
	}
	return false;
}
