/* SPDX-License-Identifier: MIT */
/* Does a config file hold a secret (a password, or credentials inside a server or chain URL)?
 * Used to warn when such a file is readable by other users. */
#include <string.h>
#include <strings.h>

#include "config.h"

bool sx_config_text_has_secret(const char *text, size_t len)
{
	struct sx_conf_reader r;
	struct sx_conf_line l;
	sx_conf_file_init(&r, text, len);
	while (sx_conf_file_next(&r, &l)) {
		if (l.key_len == 8 && !strncasecmp(l.key, "password", 8))
			return true;
		if (((l.key_len == 6 && !strncasecmp(l.key, "server", 6)) ||
		     (l.key_len == 5 && !strncasecmp(l.key, "chain", 5))) &&
		    memchr(l.val, '@', l.val_len))
			return true;
	}
	return false;
}
