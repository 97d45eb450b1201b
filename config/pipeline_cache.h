/* SPDX-License-Identifier: MIT */
/* The pipeline cache's file: where it lives and its text, one line per proxy
 * ("HOST PORT accepts|refuses EXPIRES"). Pure: the library and socksify-check do the I/O. */
#ifndef SX_CONFIG_PIPELINE_CACHE_H
#define SX_CONFIG_PIPELINE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum sx_pcache_verdict { SX_PCACHE_UNKNOWN = 0, SX_PCACHE_ACCEPTS, SX_PCACHE_REFUSES };

#define SX_PCACHE_FILE_MAX 16384	   /* a longer file is treated as empty */
#define SX_PCACHE_TTL_S	   (7 * 24 * 3600) /* what was learned is asked again after a week */

/* $XDG_CACHE_HOME/socksify (absolute values only) else $HOME/.cache/socksify: 0, or
 * -ENOENT when neither is set, -ENAMETOOLONG. */
int sx_pcache_dir(char *out, size_t cap, sx_getenv_fn getenv_fn);
/* The file inside that directory. */
#define SX_PCACHE_FILE "pipeline"

/* What text says about host:port at time now (Unix seconds). */
enum sx_pcache_verdict sx_pcache_lookup(const char *text, size_t len, const char *host,
					uint16_t port, long long now);

/* Writes text with host:port's line replaced by v (expiring at now + SX_PCACHE_TTL_S) and
 * expired or malformed lines dropped, oldest lines first when out is too small. The new
 * length, or -EINVAL for a host that cannot be written on one line. */
int sx_pcache_update(const char *text, size_t len, const char *host, uint16_t port,
		     enum sx_pcache_verdict v, long long now, char *out, size_t cap);

#endif
