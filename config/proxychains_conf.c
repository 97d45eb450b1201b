/* SPDX-License-Identifier: MIT */
/* Translates proxychains-ng's configuration (src/libproxychains.c get_chain_data) line by
 * line into socksify settings. Its proxies are "type host port [user pass]"; the chain
 * type (chain_mode) and chain_len, proxy_dns, localnet and the timeouts are the options
 * that change behaviour. */
#include "proxychains_conf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bypass.h"
#include "chars.h"
#include "config.h"

#define MAX_HOPS SX_CHAIN_MAX

struct pc_hop {
	char type[8], host[SX_NAME_MAX + 1], port[8];
	char user[SX_NAME_MAX + 1], pass[SX_NAME_MAX + 1];
	bool has_user;
	unsigned lineno;
};

struct pc {
	const char *name;
	char *err;
	size_t errlen;
	bool proxy_dns, in_list;
	struct pc_hop hops[MAX_HOPS];
	size_t n_hops;
};

__attribute__((format(printf, 3, 4))) static int fail(struct pc *pc, unsigned line, const char *fmt,
						      ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (pc->err && pc->errlen)
		snprintf(pc->err, pc->errlen, "%s:%u: %s", pc->name, line, msg);
	return -EINVAL;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* The next blank-separated word of s[*off..len) into out (cap bytes); false at the end
 * or when the word does not fit. */
static bool word(const char *s, size_t len, size_t *off, char *out, size_t cap, bool *too_long)
{
	size_t i = *off, n = 0;

	while (i < len && is_blank(s[i]))
		i++;
	if (i == len)
		return false;
	while (i < len && !is_blank(s[i])) {
		if (n + 1 == cap) {
			*too_long = true;
			return false;
		}
		out[n++] = s[i++];
	}
	out[n] = '\0';
	*off = i;
	return true;
}

static bool key_is(const struct sx_conf_line *l, const char *k)
{
	return l->key_len == strlen(k) && !strncmp(l->key, k, l->key_len);
}

/* "type host port [user pass]" (proxychains-ng: whitespace-separated, literal credentials). */
static int proxy_line(struct pc *pc, const struct sx_conf_line *l)
{
	struct pc_hop h = {.lineno = l->lineno};
	size_t off = 0;
	bool too_long = false;

	if (l->key_len >= sizeof h.type)
		return fail(pc, l->lineno, "unknown proxy type '%.*s' (socks4, socks5 or http)",
			    (int)(l->key_len > 16 ? 16 : l->key_len), l->key);
	memcpy(h.type, l->key, l->key_len);
	if (!strcmp(h.type, "raw"))
		return fail(pc, l->lineno, "raw proxies are not supported");
	if (strcmp(h.type, "socks4") && strcmp(h.type, "socks5") && strcmp(h.type, "http"))
		return fail(pc, l->lineno, "unknown proxy type '%s' (socks4, socks5 or http)",
			    h.type);
	if (!word(l->val, l->val_len, &off, h.host, sizeof h.host, &too_long) ||
	    !word(l->val, l->val_len, &off, h.port, sizeof h.port, &too_long))
		return fail(pc, l->lineno, "%s",
			    too_long ? "host or port too long"
				     : "want: type host port [user pass]");
	h.has_user = word(l->val, l->val_len, &off, h.user, sizeof h.user, &too_long);
	if (h.has_user && !word(l->val, l->val_len, &off, h.pass, sizeof h.pass, &too_long))
		return fail(pc, l->lineno, "%s",
			    too_long ? "user or password too long"
				     : "a user needs a password after it");
	char extra[SX_NAME_MAX + 1];
	if (too_long)
		return fail(pc, l->lineno, "user or password too long");
	if (word(l->val, l->val_len, &off, extra, sizeof extra, &too_long) || too_long)
		return fail(pc, l->lineno, "text after the password");
	if (pc->n_hops == MAX_HOPS)
		return fail(pc, l->lineno, "more than %d proxies", MAX_HOPS);
	pc->hops[pc->n_hops++] = h;
	return 0;
}

/* RFC 3986 unreserved characters stay, everything else is %XX: the URL parser decodes. */
static void pct(char *out, size_t cap, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(out);

	for (; *s && n + 4 < cap; s++) {
		unsigned char ch = (unsigned char)*s;
		if (sx_is_alpha((char)ch) || sx_is_digit((char)ch) || strchr("-._~", ch)) {
			out[n++] = (char)ch;
		} else {
			out[n++] = '%';
			out[n++] = hex[ch >> 4];
			out[n++] = hex[ch & 15];
		}
	}
	out[n] = '\0';
}

static void hop_url(const struct pc *pc, const struct pc_hop *h, char *url, size_t cap)
{
	const char *scheme = !strcmp(h->type, "http")	  ? "http"
			     : !strcmp(h->type, "socks4") ? (pc->proxy_dns ? "socks4a" : "socks4")
							  : (pc->proxy_dns ? "socks5h" : "socks5");
	snprintf(url, cap, "%s://", scheme);
	if (h->has_user) {
		pct(url, cap, h->user);
		strncat(url, ":", cap - strlen(url) - 1);
		pct(url, cap, h->pass);
		strncat(url, "@", cap - strlen(url) - 1);
	}
	size_t n = strlen(url);
	bool v6 = strchr(h->host, ':') != NULL;
	snprintf(url + n, cap - n, "%s%s%s:%s", v6 ? "[" : "", h->host, v6 ? "]" : "", h->port);
}

/* "192.168.1.0:80/255.255.255.0" (proxychains' form, the port optional) or "10.0.0.0/8"
 * as a bypass entry "192.168.1.0/24:80". */
static int localnet(struct pc *pc, const struct sx_conf_line *l, char *out, size_t cap)
{
	const char *v = l->val, *slash = memchr(v, '/', l->val_len);
	uint8_t a[16], m[16];

	if (!slash)
		return fail(pc, l->lineno, "localnet: want address[:port]/netmask");
	size_t alen = (size_t)(slash - v), mlen = l->val_len - alen - 1;
	const char *colon = memchr(v, ':', alen);
	size_t plen = colon ? alen - (size_t)(colon - v) - 1 : 0;
	if (colon)
		alen = (size_t)(colon - v);
	if (sx_bypass_parse_addr(v, alen, a) != 4)
		return fail(pc, l->lineno, "localnet: bad IPv4 address (IPv6 is not supported)");
	if (colon && (plen == 0 || plen > 5))
		return fail(pc, l->lineno, "localnet: bad port");
	for (size_t i = 0; i < plen; i++)
		if (!sx_is_digit(colon[1 + i]))
			return fail(pc, l->lineno, "localnet: bad port");
	unsigned prefix = 0;
	if (sx_bypass_parse_addr(slash + 1, mlen, m) == 4) {
		uint32_t b =
		    (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
		while (prefix < 32 && (b & (0x80000000u >> prefix)))
			prefix++;
		if (prefix < 32 && (b << prefix))
			return fail(pc, l->lineno, "localnet: netmask bits not contiguous");
	} else {
		if (mlen == 0 || mlen > 2)
			return fail(pc, l->lineno, "localnet: bad netmask");
		for (size_t i = 0; i < mlen; i++) {
			if (!sx_is_digit(slash[1 + i]))
				return fail(pc, l->lineno, "localnet: bad netmask");
			prefix = prefix * 10 + (unsigned)(slash[1 + i] - '0');
		}
		if (prefix > 32)
			return fail(pc, l->lineno, "localnet: bad netmask");
	}
	snprintf(out, cap, "%u.%u.%u.%u/%u%s%.*s", a[0], a[1], a[2], a[3], prefix, colon ? ":" : "",
		 (int)plen, colon ? colon + 1 : "");
	return 0;
}

/* A "key value" option of the global part; 1 when the key is none of them. */
static int option(struct pc *pc, const struct sx_conf_line *l, sx_proxychains_set_fn set, void *ctx)
{
	static const char *const unsupported[] = {"proxy_dns_daemon", "dnat"};
	static const char *const chain_types[] = {"strict_chain", "dynamic_chain",
						  "round_robin_chain", "random_chain"};
	char val[64], msg[300];
	const char *key = NULL;

	for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++)
		if (key_is(l, unsupported[i]))
			return fail(pc, l->lineno, "%s is not supported", unsupported[i]);
	if (key_is(l, "quiet_mode"))
		return 0; /* socksify prints nothing per connection anyway */
	/* the last chain type written wins, as in proxychains-ng */
	for (size_t i = 0; i < sizeof chain_types / sizeof chain_types[0]; i++)
		if (key_is(l, chain_types[i]) && l->val_len == 0) {
			size_t n = strlen(chain_types[i]) - strlen("_chain");
			snprintf(val, sizeof val, "%.*s", (int)n, chain_types[i]);
			if (set(ctx, "chain_mode", val, msg, sizeof msg) < 0)
				return fail(pc, l->lineno, "%s: %s", chain_types[i], msg);
			return 0;
		}
	if (key_is(l, "proxy_dns") || key_is(l, "proxy_dns_old")) {
		pc->proxy_dns = true;
		return 0;
	}
	if (key_is(l, "localnet")) {
		key = "bypass";
		if (localnet(pc, l, val, sizeof val) < 0)
			return -EINVAL;
	} else if (key_is(l, "tcp_read_time_out") || key_is(l, "tcp_connect_time_out") ||
		   key_is(l, "remote_dns_subnet") || key_is(l, "chain_len")) {
		/* "tcp_read_time_out 15000", older files "chain_len = 2" style: drop the '=' */
		const char *v = l->val;
		size_t vl = l->val_len;
		if (vl && *v == '=') {
			v++;
			vl--;
			while (vl && is_blank(*v))
				v++, vl--;
		}
		if (vl == 0 || vl >= 16)
			return fail(pc, l->lineno, "%.*s: want a number", (int)l->key_len, l->key);
		for (size_t i = 0; i < vl; i++)
			if (!sx_is_digit(v[i]))
				return fail(pc, l->lineno, "%.*s: want a number", (int)l->key_len,
					    l->key);
		if (key_is(l, "remote_dns_subnet")) {
			key = "fake_net4";
			snprintf(val, sizeof val, "%.*s.0.0.0/8", (int)vl, v);
		} else if (key_is(l, "chain_len")) {
			key = "chain_len"; /* random_chain's and round_robin_chain's */
			snprintf(val, sizeof val, "%.*s", (int)vl, v);
		} else {
			key = key_is(l, "tcp_read_time_out") ? "handshake_timeout"
							     : "connect_timeout";
			snprintf(val, sizeof val, "%.*s", (int)vl, v); /* ms, as ours */
		}
	} else {
		return 1;
	}
	if (set(ctx, key, val, msg, sizeof msg) < 0)
		return fail(pc, l->lineno, "%.*s: %s", (int)l->key_len, l->key, msg);
	return 0;
}

int sx_proxychains_load(const char *name, const char *text, size_t len, sx_proxychains_set_fn set,
			void *ctx, char *err, size_t errlen)
{
	struct pc pc = {.name = name, .err = err, .errlen = errlen};
	struct sx_conf_reader rd;
	struct sx_conf_line l;
	char msg[300];

	sx_conf_file_init(&rd, text, len);
	while (sx_conf_file_next(&rd, &l)) {
		if (key_is(&l, "[ProxyList]") && l.val_len == 0) {
			pc.in_list = true;
			continue;
		}
		if (l.key_len && l.key[0] == '[')
			return fail(&pc, l.lineno, "unknown section '%.*s' (only [ProxyList])",
				    (int)(l.key_len > 32 ? 32 : l.key_len), l.key);
		int r = pc.in_list ? proxy_line(&pc, &l) : option(&pc, &l, set, ctx);
		if (r < 0)
			return r;
		if (r > 0) {
			size_t n = 0;
			while (n < l.key_len && n < 32 &&
			       (sx_is_alpha(l.key[n]) || l.key[n] == '_'))
				n++;
			return fail(&pc, l.lineno, "unknown option '%.*s'", (int)n, l.key);
		}
	}
	if (!pc.n_hops)
		return fail(&pc, rd.lineno, "no proxy in [ProxyList]");
	if (set(ctx, "dns", pc.proxy_dns ? "remote" : "local", msg, sizeof msg) < 0)
		return fail(&pc, rd.lineno, "%s", msg);
	for (size_t i = 0; i < pc.n_hops; i++) {
		char url[4 * (2 * SX_NAME_MAX) + 64];
		hop_url(&pc, &pc.hops[i], url, sizeof url);
		int r = set(ctx, "hop", url, msg, sizeof msg);
		explicit_bzero(url, sizeof url);
		if (r < 0)
			return fail(&pc, pc.hops[i].lineno, "%s", msg);
	}
	explicit_bzero(pc.hops, sizeof pc.hops);
	return 0;
}
