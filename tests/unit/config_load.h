/* SPDX-License-Identifier: MIT */
/* The config unit tests' harness: sx_config_load over a file text and a fake
 * environment (a NULL-terminated array of name, value pairs). */
#ifndef SX_TESTS_UNIT_CONFIG_LOAD_H
#define SX_TESTS_UNIT_CONFIG_LOAD_H

#include <string.h>

#include "../../config/config.h"

static const char *const *fake_env; /* NULL-terminated name, value pairs */

static const char *fake_getenv(const char *name)
{
	for (const char *const *p = fake_env; p && *p; p += 2)
		if (strcmp(p[0], name) == 0)
			return p[1];
	return NULL;
}

static struct sx_config cfg;
static char err[600];

/* defaults, then file (may be NULL), then env (may be NULL) */
static int load(const char *file, const char *const *env)
{
	sx_config_defaults(&cfg);
	fake_env = env;
	memset(err, 'x', sizeof(err) - 1);
	err[sizeof(err) - 1] = '\0';
	return sx_config_load(&cfg, fake_getenv, "t.conf", file, file ? strlen(file) : 0, err,
			      sizeof(err));
}

#define ENV(...) ((const char *const[]){__VA_ARGS__, NULL})

#endif
