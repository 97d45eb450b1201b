/* SPDX-License-Identifier: MIT */
/* The pipeline cache's path and text format: what was learned about each proxy's
 * handling of a pipelined SOCKS5 handshake, with an expiry. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline_cache.h"

int sx_pcache_dir(char *out, size_t cap, sx_getenv_fn getenv_fn)
{
	const char *xdg = getenv_fn ? getenv_fn("XDG_CACHE_HOME") : NULL;
	const char *home = getenv_fn ? getenv_fn("HOME") : NULL;
	int n;
	/* The XDG base directory spec: a relative value is to be ignored. */
	if (xdg && xdg[0] == '/')
		n = snprintf(out, cap, "%s/socksify", xdg);
	else if (home && home[0] == '/')
		n = snprintf(out, cap, "%s/.cache/socksify", home);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

struct entry {
	const char *line, *host;
	size_t line_len, host_len;
	unsigned long port;
	enum sx_pcache_verdict v;
	long long expires;
};

static const char *const words[] = {"", "accepts", "refuses"};

/* One line "HOST PORT WORD EXPIRES"; false for anything else. */
static bool parse_line(const char *s, size_t len, struct entry *e)
{
	char buf[SX_NAME_MAX + 64], host[SX_NAME_MAX + 1], word[16];
	if (len >= sizeof buf || !len || (unsigned char)s[0] <= ' ')
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	int end = 0;
	if (sscanf(buf, "%255s %lu %15s %lld%n", host, &e->port, word, &e->expires, &end) != 4 ||
	    (size_t)end != len || e->port == 0 || e->port > 65535)
		return false;
	e->v = !strcmp(word, words[1])	 ? SX_PCACHE_ACCEPTS
	       : !strcmp(word, words[2]) ? SX_PCACHE_REFUSES
					 : SX_PCACHE_UNKNOWN;
	e->line = s;
	e->line_len = len;
	e->host = s;
	e->host_len = strlen(host);
	return e->v != SX_PCACHE_UNKNOWN;
}

static bool same_key(const struct entry *e, const char *host, uint16_t port)
{
	return e->port == port && e->host_len == strlen(host) &&
	       !memcmp(e->host, host, e->host_len);
}

/* Calls back for each well-formed, unexpired line; stops when it returns false. */
static void each_entry(const char *text, size_t len, long long now,
		       bool (*fn)(const struct entry *, void *), void *arg)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct entry e;
		if (parse_line(p, n, &e) && e.expires > now && !fn(&e, arg))
			return;
		p += n + 1;
	}
}

struct lookup {
	const char *host;
	uint16_t port;
	enum sx_pcache_verdict v;
};

static bool find(const struct entry *e, void *arg)
{
	struct lookup *l = arg;
	if (same_key(e, l->host, l->port))
		l->v = e->v;
	return true; /* the last line for a key wins */
}

enum sx_pcache_verdict sx_pcache_lookup(const char *text, size_t len, const char *host,
					uint16_t port, long long now)
{
	struct lookup l = {host, port, SX_PCACHE_UNKNOWN};
	if (text)
		each_entry(text, len, now, find, &l);
	return l.v;
}

struct copy {
	const char *host;
	uint16_t port;
	char *out;
	size_t cap, len;
	size_t skip; /* how many of the other proxies' lines to leave out, oldest first */
	bool full;
};

static bool copy_other(const struct entry *e, void *arg)
{
	struct copy *c = arg;
	if (same_key(e, c->host, c->port))
		return true;
	if (c->skip) {
		c->skip--;
		return true;
	}
	if (c->len + e->line_len + 1 > c->cap) {
		c->full = true;
		return false;
	}
	memcpy(c->out + c->len, e->line, e->line_len);
	c->len += e->line_len;
	c->out[c->len++] = '\n';
	return true;
}

static bool writable_host(const char *host)
{
	if (!host[0] || strlen(host) > SX_NAME_MAX)
		return false;
	for (const char *p = host; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

int sx_pcache_update(const char *text, size_t len, const char *host, uint16_t port,
		     enum sx_pcache_verdict v, long long now, char *out, size_t cap)
{
	char line[SX_NAME_MAX + 64];
	if (!writable_host(host) || port == 0 || (v != SX_PCACHE_ACCEPTS && v != SX_PCACHE_REFUSES))
		return -EINVAL;
	int n = snprintf(line, sizeof line, "%s %u %s %lld\n", host, port, words[v],
			 now + SX_PCACHE_TTL_S);
	if (n < 0 || (size_t)n >= sizeof line || (size_t)n > cap)
		return -EINVAL;
	size_t len_out = 0;
	for (size_t skip = 0; text; skip++) {
		struct copy c = {host, port, out, cap - (size_t)n, 0, skip, false};
		each_entry(text, len, now, copy_other, &c);
		len_out = c.len;
		if (!c.full)
			break;
	}
	memcpy(out + len_out, line, (size_t)n);
	return (int)(len_out + (size_t)n);
}
