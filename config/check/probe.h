/* SPDX-License-Identifier: MIT */
/* socksify --check: what the configured proxy can do, as a table and a verdict. */
#ifndef SX_CONFIG_CHECK_PROBE_H
#define SX_CONFIG_CHECK_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "../../config/pipeline_cache.h"
#include "../config.h"

/* argv after "probe": [--json] [--udp-echo HOST:PORT] [HOST:PORT]. Exit status 0 when
 * everything configured works, 1 when only some does, 2 when the proxy is unreachable
 * (or the configuration or the arguments are bad). */
int sx_check_probe(int argc, char **argv);

/* Records what the check learned for pipeline auto; false when it could not be written. */
bool sx_check_remember_pipeline(const struct sx_config *c, enum sx_pcache_verdict v);

#endif
