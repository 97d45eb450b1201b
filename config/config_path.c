/* SPDX-License-Identifier: MIT */
/* Which config file applies (pure: environment and file test come as callbacks), and
 * why one could not be read. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

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

_Static_assert(SX_CONF_FILE_MAX == 64 * 1024, "the message below names the limit");

const char *sx_config_file_strerror(int err)
{
	if (err == -EINVAL)
		return "not a regular file";
	if (err == -EFBIG)
		return "larger than 64 KiB";
	return strerror(-err);
}
