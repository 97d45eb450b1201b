/* SPDX-License-Identifier: MIT */
/* Whether a connection pipelines its SOCKS5 handshake, from the setting and from what the
 * pipeline cache (config/pipeline_cache.h) learned about the proxy. */
#ifndef SX_PRELOAD_PIPELINE_CACHE_H
#define SX_PRELOAD_PIPELINE_CACHE_H

#include <stdbool.h>

#include "../../config/config.h"

enum sx_pipeline_use {
	SX_PIPELINE_NO,
	SX_PIPELINE_YES,
	/* pipeline auto, proxy not known yet: pipelined, but the replies after the proxy's
	 * first one get only a short wait (sx_pipeline_probe_deadline) before the fallback */
	SX_PIPELINE_PROBE,
};

/* How this process's next handshake with the configured proxy goes. */
enum sx_pipeline_use sx_pipeline_use(const struct sx_config *c);

/* The proxy answered a pipelined handshake (accepted), or answered only once it was
 * retried without pipelining. Updates the cache file; failures to write are ignored. */
void sx_pipeline_learned(const struct sx_config *c, bool accepted);

/* A pipelined handshake failed and is being retried unpipelined: this process stops
 * pipelining to the proxy whatever the setting (as before there was a cache). */
void sx_pipeline_fell_back(void);

/* In a probe started at start_ms whose first reply came now: the deadline for the rest,
 * never later than deadline. */
long long sx_pipeline_probe_deadline(long long start_ms, long long deadline);

#endif
