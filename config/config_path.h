/* SPDX-License-Identifier: MIT */
/* Which config file applies: SOCKSIFY_CONF, else the user's, else /etc/socksify.conf. */
#ifndef SX_CONFIG_CONFIG_PATH_H
#define SX_CONFIG_CONFIG_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* Writes the path into path; *explicit_path is true when SOCKSIFY_CONF named it (then
 * a missing file is an error, otherwise it just means "no file"). */
void sx_config_path(char *path, size_t len, sx_getenv_fn getenv_fn,
		    bool (*readable)(const char *path), bool *explicit_path);

/* Why a config file could not be read, for -errno from a reader that takes regular files
 * only (-EINVAL: some other kind of file) of at most SX_CONF_FILE_MAX bytes (-EFBIG). */
const char *sx_config_file_strerror(int err);

#endif
