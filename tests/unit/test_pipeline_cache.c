/* SPDX-License-Identifier: MIT */
/* config/pipeline_cache: the cache's path, lookups by host and port, expiry, updates that
 * replace a proxy's line and drop the oldest lines when the file would grow too big. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../config/pipeline_cache.h"
#include "tap.h"

static const char *env_xdg, *env_home;

static const char *fake_env(const char *name)
{
	return !strcmp(name, "XDG_CACHE_HOME") ? env_xdg : !strcmp(name, "HOME") ? env_home : NULL;
}

static void test_dir(void)
{
	char d[64];
	env_xdg = "/x/cache";
	env_home = "/home/u";
	TAP_IS(sx_pcache_dir(d, sizeof d, fake_env), 0, "XDG_CACHE_HOME set");
	TAP_STR(d, "/x/cache/socksify", "  it wins over HOME");
	env_xdg = "rel/cache";
	TAP_IS(sx_pcache_dir(d, sizeof d, fake_env), 0, "relative XDG_CACHE_HOME");
	TAP_STR(d, "/home/u/.cache/socksify", "  is ignored, as the spec says");
	env_xdg = NULL;
	env_home = NULL;
	TAP_IS(sx_pcache_dir(d, sizeof d, fake_env), -ENOENT, "neither set: no cache");
	env_home = "/a/very/long/home/directory/name/that/does/not/fit/in/the/buffer";
	TAP_IS(sx_pcache_dir(d, sizeof d, fake_env), -ENAMETOOLONG, "too long: no cache");
}

static void test_lookup(void)
{
	const char *t = "# a comment\n"
			"127.0.0.1 1080 accepts 2000\n"
			"127.0.0.1 1081 refuses 2000\n"
			"proxy.test 1080 refuses 500\n"
			"garbage line\n"
			"proxy.test 1080 maybe 3000\n"
			"127.0.0.1 1082 accepts 2000 extra\n"
			" 127.0.0.1 1083 accepts 2000\n"
			"127.0.0.1 1084 accepts 2000\n"
			"127.0.0.1 1084 refuses 2000";
	size_t n = strlen(t);
	TAP_IS(sx_pcache_lookup(t, n, "127.0.0.1", 1080, 1000), SX_PCACHE_ACCEPTS, "accepts");
	TAP_IS(sx_pcache_lookup(t, n, "127.0.0.1", 1081, 1000), SX_PCACHE_REFUSES, "refuses");
	TAP_IS(sx_pcache_lookup(t, n, "127.0.0.1", 1080, 2000), SX_PCACHE_UNKNOWN, "expired");
	TAP_IS(sx_pcache_lookup(t, n, "proxy.test", 1080, 1000), SX_PCACHE_UNKNOWN,
	       "expired line, then an unknown word");
	TAP_IS(sx_pcache_lookup(t, n, "127.0.0.1", 1082, 1000), SX_PCACHE_UNKNOWN,
	       "trailing field: malformed");
	TAP_IS(sx_pcache_lookup(t, n, "127.0.0.1", 1083, 1000), SX_PCACHE_UNKNOWN,
	       "leading space: malformed");
	TAP_IS(sx_pcache_lookup(t, n, "127.0.0.1", 1084, 1000), SX_PCACHE_REFUSES,
	       "the last line for a key wins (no final newline)");
	TAP_IS(sx_pcache_lookup(t, n, "127.0.0.", 1080, 1000), SX_PCACHE_UNKNOWN,
	       "prefix of a host");
	TAP_IS(sx_pcache_lookup(NULL, 0, "127.0.0.1", 1080, 1000), SX_PCACHE_UNKNOWN, "no file");
}

static void test_update(void)
{
	char out[256];
	const char *t = "a.test 1 accepts 5000\nb.test 2 refuses 100\nc.test 3 refuses 5000\n";
	int n =
	    sx_pcache_update(t, strlen(t), "a.test", 1, SX_PCACHE_REFUSES, 1000, out, sizeof out);
	TAP_OK(n > 0, "update an entry");
	out[n > 0 ? n : 0] = '\0';
	TAP_STR(out, "c.test 3 refuses 5000\na.test 1 refuses 605800\n",
		"  replaced and moved last; the expired line dropped");
	n = sx_pcache_update(NULL, 0, "[::1]", 1080, SX_PCACHE_ACCEPTS, 0, out, sizeof out);
	out[n > 0 ? n : 0] = '\0';
	TAP_STR(out, "[::1] 1080 accepts 604800\n", "new file");
	TAP_IS(sx_pcache_update(NULL, 0, "a b", 1, SX_PCACHE_ACCEPTS, 0, out, sizeof out), -EINVAL,
	       "a host with a space is not written");
	TAP_IS(sx_pcache_update(NULL, 0, "a", 1, SX_PCACHE_UNKNOWN, 0, out, sizeof out), -EINVAL,
	       "nothing to write");
	/* Full: the oldest lines go first. */
	n = sx_pcache_update(t, strlen(t), "d.test", 4, SX_PCACHE_ACCEPTS, 1000, out, 50);
	out[n > 0 ? n : 0] = '\0';
	TAP_STR(out, "c.test 3 refuses 5000\nd.test 4 accepts 605800\n", "oldest dropped to fit");
	TAP_IS(sx_pcache_lookup(out, (size_t)n, "d.test", 4, 1000), SX_PCACHE_ACCEPTS,
	       "  and read back");
}

int main(void)
{
	test_dir();
	test_lookup();
	test_update();
	return tap_done();
}
