/* SPDX-License-Identifier: MIT */
/* Which config file applies (pure: environment and file test come as callbacks). */
#include <stdio.h>

#include "config_path.h"

void sx_config_path(char *path, size_t len, sx_getenv_fn getenv_fn,
		    bool (*readable)(const char *path), bool *explicit_path)
{
	const char *p = getenv_fn("SOCKSIFY_CONF");
	*explicit_path = p && *p;
	if (*explicit_path) {
		snprintf(path, len, "%s", p);
		return;
	}
	const char *xdg = getenv_fn("XDG_CONFIG_HOME");
	const char *home = getenv_fn("HOME");
	if (xdg && *xdg)
		snprintf(path, len, "%s/socksify/socksify.conf", xdg);
	else if (home && *home)
		snprintf(path, len, "%s/.config/socksify/socksify.conf", home);
	else
		path[0] = 0;
	if (path[0] && readable(path))
		return;
	snprintf(path, len, "/etc/socksify.conf");
}
