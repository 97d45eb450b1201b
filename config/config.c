/* SPDX-License-Identifier: MIT */
/* Builds struct sx_config: defaults, then the config file, then the environment.
 * Each setting has one setter shared by its file key and its environment variable. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chars.h"
#include "errmsg.h"
#include "groups.h"
#include "proxy_url.h"
#include "proxychains_conf.h"

/* What the file or environment set explicitly, so later layers and derived defaults
 * know what to leave alone. */
struct load_state {
	bool dns_set;
	char chain_origin[300]; /* "FILE:LINE: chain" or "SOCKSIFY_CHAIN", for its errors */
	char mode_origin[300];	/* the same for chain_mode, and chain_len */
	char len_origin[300];
	unsigned chain_len; /* 0: unset */
	bool chain_len_from_file;
	size_t env_routes; /* SOCKSIFY_ROUTES' routes so far, at the front of routes[] */
	bool file_user_set, file_pass_set;
	char file_user[SX_NAME_MAX + 1];
	char file_pass[SX_NAME_MAX + 1];
};

typedef int (*setter_fn)(struct sx_config *c, struct load_state *st, const char *val, char *msg,
			 size_t n);

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f' || ch == '\v';
}

static bool eq_nocase(const char *a, size_t alen, const char *b)
{
	if (alen != strlen(b))
		return false;
	for (size_t i = 0; i < alen; i++)
		if (sx_lower(a[i]) != sx_lower(b[i]))
			return false;
	return true;
}

/* Environment values are not trimmed by anyone else; keywords tolerate stray blanks. */
static void trim(const char *val, const char **s, size_t *len)
{
	const char *e = val + strlen(val);

	while (is_space(*val))
		val++;
	while (e > val && is_space(e[-1]))
		e--;
	*s = val;
	*len = (size_t)(e - val);
}

/* Index of val in words (case-insensitive, trimmed), or -1. */
static int keyword(const char *val, const char *const *words, size_t nwords)
{
	const char *s;
	size_t len;

	trim(val, &s, &len);
	for (size_t i = 0; i < nwords; i++)
		if (eq_nocase(s, len, words[i]))
			return (int)i;
	return -1;
}

#define NWORDS(a) (sizeof(a) / sizeof((a)[0]))

static int set_server(struct sx_config *c, struct load_state *st, const char *val, char *msg,
		      size_t n)
{
	struct sx_proxy p;
	int r;

	(void)st;
	r = sx_proxy_url_parse(&p, val, msg, n); /* file values arrive trimmed */
	if (r < 0)
		return r;
	p.pipeline = c->proxy.pipeline;
	c->proxy = p;
	c->has_proxy = true;
	return 0;
}

/* The next proxy behind the server's chain (the server is hop 1). */
static int add_hop(struct sx_config *c, const char *url, char *msg, size_t n)
{
	char m[400];

	if (c->n_via == SX_CHAIN_MAX - 1)
		return sx_config_fail(msg, n, "more than %d proxies after the server",
				      SX_CHAIN_MAX - 1);
	if (sx_proxy_url_parse(&c->via[c->n_via], url, m, sizeof m) < 0)
		return sx_config_fail(msg, n, "hop %zu: %s", c->n_via + 2, m);
	c->n_via++;
	return 0;
}

/* URLs separated by commas or blanks: the proxies behind the server, in order. */
static int set_chain(struct sx_config *c, struct load_state *st, const char *val, char *msg,
		     size_t n)
{
	(void)st;
	c->n_via = 0;
	for (const char *s = val;;) {
		char url[1024];
		while (*s == ',' || is_space(*s))
			s++;
		if (!*s)
			return 0;
		size_t len = strcspn(s, ", \t\r\n\f\v");
		if (len >= sizeof url)
			return sx_config_fail(msg, n, "hop %zu: URL longer than %zu bytes",
					      c->n_via + 2, sizeof url - 1);
		memcpy(url, s, len);
		url[len] = '\0';
		int r = add_hop(c, url, msg, n);
		if (r < 0)
			return r;
		s += len;
	}
}

static int copy_cred(char *dst, const char *val, char *msg, size_t n)
{
	size_t len = strlen(val);

	if (len > SX_NAME_MAX)
		return sx_config_fail(msg, n, "longer than %d bytes", SX_NAME_MAX);
	memcpy(dst, val, len + 1);
	return 0;
}

static int set_file_user(struct sx_config *c, struct load_state *st, const char *val, char *msg,
			 size_t n)
{
	(void)c;
	st->file_user_set = true;
	return copy_cred(st->file_user, val, msg, n);
}

static int set_file_pass(struct sx_config *c, struct load_state *st, const char *val, char *msg,
			 size_t n)
{
	(void)c;
	st->file_pass_set = true;
	return copy_cred(st->file_pass, val, msg, n);
}

static int copy_path(char dst[SX_PATH_MAX], const char *val, char *msg, size_t n)
{
	size_t len = strlen(val);

	if (len >= SX_PATH_MAX)
		return sx_config_fail(msg, n, "path longer than %d bytes", SX_PATH_MAX - 1);
	memcpy(dst, val, len + 1);
	return 0;
}

/* The path only: reading the file is the process side's job (sx_config_set_password). */
static int set_password_file(struct sx_config *c, struct load_state *st, const char *val, char *msg,
			     size_t n)
{
	(void)st;
	return copy_path(c->password_file, val, msg, n);
}

static int set_bypass(struct sx_config *c, struct load_state *st, const char *val, char *msg,
		      size_t n)
{
	(void)st;
	return sx_bypass_add_list(&c->bypass, val, msg, n) < 0 ? -EINVAL : 0;
}

static int set_dns(struct sx_config *c, struct load_state *st, const char *val, char *msg, size_t n)
{
	static const char *const words[] = {"local", "remote", "proxy"};
	static const enum sx_dns_mode modes[] = {SX_DNS_LOCAL, SX_DNS_REMOTE, SX_DNS_PROXY};
	int i = keyword(val, words, NWORDS(words));

	if (i < 0)
		return sx_config_fail(msg, n, "expected local, remote or proxy, got '%.64s'", val);
	c->dns = modes[i];
	st->dns_set = true;
	return 0;
}

static int set_log(struct sx_config *c, struct load_state *st, const char *val, char *msg, size_t n)
{
	static const char *const words[] = {"none", "error", "warn", "info", "debug",	"0",
					    "1",    "2",     "3",    "4",    "warning", "off"};
	static const enum sx_log_level levels[] = {
	    SX_LOG_NONE,  SX_LOG_ERROR, SX_LOG_WARN, SX_LOG_INFO,  SX_LOG_DEBUG, SX_LOG_NONE,
	    SX_LOG_ERROR, SX_LOG_WARN,	SX_LOG_INFO, SX_LOG_DEBUG, SX_LOG_WARN,	 SX_LOG_NONE};
	int i = keyword(val, words, NWORDS(words));

	(void)st;
	if (i < 0)
		return sx_config_fail(
		    msg, n, "expected none, error, warn, info, debug or 0-4, got '%.64s'", val);
	c->log_level = levels[i];
	return 0;
}

static int set_log_file(struct sx_config *c, struct load_state *st, const char *val, char *msg,
			size_t n)
{
	(void)st;
	return copy_path(c->log_file, val, msg, n);
}

/* "500", "500ms" and "10s"; plain numbers are milliseconds. */
static int duration(unsigned *out, const char *val, char *msg, size_t n)
{
	const char *s, *e;
	size_t len, i = 0;
	unsigned long long v = 0;

	trim(val, &s, &len);
	e = s + len;
	while (s + i < e && s[i] >= '0' && s[i] <= '9') {
		if (v <= 3600000ULL * 1000)
			v = v * 10 + (unsigned)(s[i] - '0');
		i++;
	}
	if (i == 0)
		return sx_config_fail(msg, n, "bad duration '%.64s' (use e.g. 500ms or 10s)", val);
	const char *unit = s + i;
	while (unit < e && is_space(*unit))
		unit++;
	if (eq_nocase(unit, (size_t)(e - unit), "s"))
		v *= 1000;
	else if (unit != e && !eq_nocase(unit, (size_t)(e - unit), "ms"))
		return sx_config_fail(msg, n, "bad duration '%.64s' (use e.g. 500ms or 10s)", val);
	if (v < 1 || v > 3600000)
		return sx_config_fail(msg, n, "duration '%.64s' out of range (1ms to 3600s)", val);
	*out = (unsigned)v;
	return 0;
}

static int set_connect_timeout(struct sx_config *c, struct load_state *st, const char *val,
			       char *msg, size_t n)
{
	(void)st;
	return duration(&c->connect_timeout_ms, val, msg, n);
}

static int set_handshake_timeout(struct sx_config *c, struct load_state *st, const char *val,
				 char *msg, size_t n)
{
	(void)st;
	return duration(&c->handshake_timeout_ms, val, msg, n);
}

static int set_udp(struct sx_config *c, struct load_state *st, const char *val, char *msg, size_t n)
{
	static const char *const words[] = {"block", "direct"};
	int i = keyword(val, words, NWORDS(words));

	(void)st;
	if (i < 0)
		return sx_config_fail(msg, n, "expected block or direct, got '%.64s'", val);
	c->udp = i == 0 ? SX_UDP_BLOCK : SX_UDP_DIRECT;
	return 0;
}

static int set_bind(struct sx_config *c, struct load_state *st, const char *val, char *msg,
		    size_t n)
{
	static const char *const words[] = {"auto", "on", "off"};
	int i = keyword(val, words, NWORDS(words));

	(void)st;
	if (i < 0)
		return sx_config_fail(msg, n, "expected auto, on or off, got '%.64s'", val);
	c->bind = i == 0 ? SX_BIND_AUTO : i == 1 ? SX_BIND_ON : SX_BIND_OFF;
	return 0;
}

static int set_bind_timeout(struct sx_config *c, struct load_state *st, const char *val, char *msg,
			    size_t n)
{
	(void)st;
	return duration(&c->bind_timeout_ms, val, msg, n);
}

/* "a.b.c.d/n" or "x:y::/n"; the prefix leaves room for at least a few names. */
static int fake_net(uint8_t *base, unsigned *prefix, int af, const char *val, char *msg, size_t n)
{
	const char *slash = strchr(val, '/');
	uint8_t a[16];
	unsigned max = af == 4 ? 30 : 127;
	if (!slash || sx_bypass_parse_addr(val, (size_t)(slash - val), a) != af)
		return sx_config_fail(msg, n, "expected an IPv%d CIDR such as %s, got '%.64s'", af,
				      af == 4 ? "198.18.0.0/15" : "fd9a:5f0c:4b2d:ffff::/64", val);
	unsigned p = 0;
	const char *d = slash + 1;
	if (!*d)
		return sx_config_fail(msg, n, "missing prefix length in '%.64s'", val);
	for (; *d; d++) {
		if (*d < '0' || *d > '9' || p > 1000)
			return sx_config_fail(msg, n, "bad prefix length in '%.64s'", val);
		p = p * 10 + (unsigned)(*d - '0');
	}
	if (p > max)
		return sx_config_fail(msg, n, "prefix /%u too long (at most /%u)", p, max);
	memcpy(base, a, af == 4 ? 4 : 16);
	*prefix = p;
	return 0;
}

static int set_fake_net4(struct sx_config *c, struct load_state *st, const char *val, char *msg,
			 size_t n)
{
	(void)st;
	return fake_net(c->fake_net4, &c->fake_prefix4, 4, val, msg, n);
}

static int set_fake_net6(struct sx_config *c, struct load_state *st, const char *val, char *msg,
			 size_t n)
{
	(void)st;
	return fake_net(c->fake_net6, &c->fake_prefix6, 6, val, msg, n);
}

/* "192.0.2.53", "192.0.2.53:5353", "[2001:db8::53]:53" or "2001:db8::53". */
static int set_dns_server(struct sx_config *c, struct load_state *st, const char *val, char *msg,
			  size_t n)
{
	(void)st;
	const char *host = val, *port = NULL;
	size_t hlen = strlen(val);
	const char *colon = strchr(val, ':');
	if (val[0] == '[') {
		const char *close = strchr(val, ']');
		if (!close)
			return sx_config_fail(msg, n, "unterminated [ in '%.64s'", val);
		host = val + 1;
		hlen = (size_t)(close - host);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			return sx_config_fail(msg, n, "unexpected text after ] in '%.64s'", val);
	} else if (colon && !strchr(colon + 1, ':')) {
		hlen = (size_t)(colon - val);
		port = colon + 1;
	}
	int af = sx_bypass_parse_addr(host, hlen, c->dns_server_addr);
	if (af != 4 && af != 6)
		return sx_config_fail(msg, n, "expected an IP address[:port], got '%.64s'", val);
	unsigned p = 53;
	if (port) {
		p = 0;
		if (!*port)
			return sx_config_fail(msg, n, "missing port in '%.64s'", val);
		for (const char *d = port; *d; d++) {
			if (*d < '0' || *d > '9' || p > 65535)
				return sx_config_fail(msg, n, "bad port in '%.64s'", val);
			p = p * 10 + (unsigned)(*d - '0');
		}
		if (p == 0 || p > 65535)
			return sx_config_fail(msg, n, "port %u out of range", p);
	}
	c->dns_server_af = af;
	c->dns_server_port = (uint16_t)p;
	return 0;
}

/* "127.0.0.1, ::1 192.0.2.53": a comma/space list of addresses; replaces any earlier list. */
static int set_dns_intercept(struct sx_config *c, struct load_state *st, const char *val, char *msg,
			     size_t n)
{
	(void)st;
	size_t count = 0;
	for (const char *p = val; *p;) {
		while (*p == ',' || is_space(*p))
			p++;
		const char *w = p;
		while (*p && *p != ',' && !is_space(*p))
			p++;
		if (p == w)
			break;
		if (count == SX_DNS_INTERCEPT_MAX)
			return sx_config_fail(msg, n, "more than %d addresses",
					      SX_DNS_INTERCEPT_MAX);
		int af = sx_bypass_parse_addr(w, (size_t)(p - w), c->dns_intercept_addr[count]);
		if (af != 4 && af != 6)
			return sx_config_fail(msg, n, "expected IP addresses, got '%.*s'",
					      (int)((size_t)(p - w) > 64 ? 64 : (size_t)(p - w)),
					      w);
		c->dns_intercept_af[count++] = (uint8_t)af;
	}
	c->n_dns_intercept = count;
	return 0;
}

static int onoff(bool *out, const char *val, char *msg, size_t n)
{
	static const char *const words[] = {"on", "yes", "true", "1", "off", "no", "false", "0"};
	int i = keyword(val, words, NWORDS(words));

	if (i < 0)
		return sx_config_fail(msg, n, "expected on or off, got '%.64s'", val);
	*out = i < 4;
	return 0;
}

static int set_pipeline(struct sx_config *c, struct load_state *st, const char *val, char *msg,
			size_t n)
{
	(void)st;
	static const char *const words[] = {"auto"};
	c->pipeline_auto = keyword(val, words, NWORDS(words)) == 0;
	if (c->pipeline_auto) {
		c->proxy.pipeline = false;
		return 0;
	}
	int r = onoff(&c->proxy.pipeline, val, msg, n);
	if (r < 0)
		return sx_config_fail(msg, n, "expected auto, on or off, got '%.64s'", val);
	return r;
}

static int set_proxy(struct sx_config *c, struct load_state *st, const char *val, char *msg,
		     size_t n)
{
	(void)st;
	return sx_groups_add_proxy(c, val, msg, n);
}

static int set_group(struct sx_config *c, struct load_state *st, const char *val, char *msg,
		     size_t n)
{
	(void)st;
	return sx_groups_add_group(c, val, msg, n);
}

static int set_route(struct sx_config *c, struct load_state *st, const char *val, char *msg,
		     size_t n)
{
	(void)st;
	return sx_groups_add_route(c, c->n_routes, val, msg, n);
}

/* "MATCH TARGET, MATCH TARGET; ...": in their order, before every route of the file. */
static int set_env_routes(struct sx_config *c, struct load_state *st, const char *val, char *msg,
			  size_t n)
{
	char item[1200], m[400];
	size_t count = 0;

	for (const char *s = val;;) {
		while (*s == ',' || *s == ';' || is_space(*s))
			s++;
		if (!*s)
			return 0;
		size_t len = strcspn(s, ",;");
		count++;
		if (len >= sizeof item)
			return sx_config_fail(msg, n, "route %zu longer than %zu bytes", count,
					      sizeof item - 1);
		memcpy(item, s, len);
		while (len && is_space(item[len - 1]))
			len--;
		item[len] = '\0';
		s += strcspn(s, ",;");
		for (char *t = item; *t; t++)
			if (is_space(*t))
				*t = ' ';
		int r = sx_groups_add_route(c, st->env_routes, item, m, sizeof m);
		explicit_bzero(item, sizeof item);
		if (r < 0)
			return sx_config_fail(msg, n, "route %zu: %s", count, m);
		st->env_routes++;
	}
}

static int set_chain_mode(struct sx_config *c, struct load_state *st, const char *val, char *msg,
			  size_t n)
{
	const char *s;
	size_t len;

	(void)st;
	trim(val, &s, &len);
	return sx_groups_parse_pick(s, len, &c->groups[0].pick, msg, n);
}

static int set_chain_len(struct sx_config *c, struct load_state *st, const char *val, char *msg,
			 size_t n)
{
	const char *s;
	size_t len;
	unsigned v = 0;

	(void)c;
	trim(val, &s, &len);
	for (size_t i = 0; i < len && v <= SX_GROUP_MEMBERS_MAX; i++) {
		if (!sx_is_digit(s[i]))
			return sx_config_fail(msg, n, "expected a number, got '%.32s'", val);
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (len == 0 || v == 0 || v > SX_GROUP_MEMBERS_MAX)
		return sx_config_fail(msg, n, "expected a number from 1 to %d, got '%.32s'",
				      SX_GROUP_MEMBERS_MAX, val);
	st->chain_len = v;
	return 0;
}

static int set_dead_time(struct sx_config *c, struct load_state *st, const char *val, char *msg,
			 size_t n)
{
	(void)st;
	return duration(&c->dead_time_ms, val, msg, n);
}

static int set_strict(struct sx_config *c, struct load_state *st, const char *val, char *msg,
		      size_t n)
{
	(void)st;
	return onoff(&c->strict, val, msg, n);
}

static int set_bypass_loopback(struct sx_config *c, struct load_state *st, const char *val,
			       char *msg, size_t n)
{
	(void)st;
	return onoff(&c->bypass_loopback, val, msg, n);
}

static const struct setting {
	const char *key; /* config file */
	const char *env; /* NULL: not a plain environment variable */
	setter_fn set;
} settings[] = {
    {"server", NULL, set_server},
    {"chain", "SOCKSIFY_CHAIN", set_chain},
    {"chain_mode", "SOCKSIFY_CHAIN_MODE", set_chain_mode},
    {"chain_len", "SOCKSIFY_CHAIN_LEN", set_chain_len},
    {"dead_time", "SOCKSIFY_DEAD_TIME", set_dead_time},
    {"proxy", NULL, set_proxy},
    {"group", NULL, set_group},
    {"route", "SOCKSIFY_ROUTES", set_env_routes},
    {"user", NULL, set_file_user},
    {"password", NULL, set_file_pass},
    {"password_file", "SOCKSIFY_PASSWORD_FILE", set_password_file},
    {"bypass", "SOCKSIFY_BYPASS", set_bypass},
    {"dns", "SOCKSIFY_DNS", set_dns},
    {"log", "SOCKSIFY_LOG", set_log},
    {"log_file", "SOCKSIFY_LOG_FILE", set_log_file},
    {"connect_timeout", "SOCKSIFY_CONNECT_TIMEOUT", set_connect_timeout},
    {"handshake_timeout", "SOCKSIFY_HANDSHAKE_TIMEOUT", set_handshake_timeout},
    {"udp", "SOCKSIFY_UDP", set_udp},
    {"bind", "SOCKSIFY_BIND", set_bind},
    {"bind_timeout", "SOCKSIFY_BIND_TIMEOUT", set_bind_timeout},
    {"pipeline", "SOCKSIFY_PIPELINE", set_pipeline},
    {"bypass_loopback", "SOCKSIFY_BYPASS_LOOPBACK", set_bypass_loopback},
    {"dns_server", "SOCKSIFY_DNS_SERVER", set_dns_server},
    {"dns_intercept", "SOCKSIFY_DNS_INTERCEPT", set_dns_intercept},
    {"strict", "SOCKSIFY_STRICT", set_strict},
    {"fake_net4", "SOCKSIFY_FAKE_NET4", set_fake_net4},
    {"fake_net6", "SOCKSIFY_FAKE_NET6", set_fake_net6},
};

const struct sx_proxy *sx_config_proxy_at(const struct sx_config *c, unsigned ref)
{
	if (ref == 0)
		return c->has_proxy ? &c->proxy : NULL;
	if (ref <= c->n_via)
		return &c->via[ref - 1];
	if (ref >= SX_REF_NAMED && ref - SX_REF_NAMED < c->n_named)
		return &c->named[ref - SX_REF_NAMED];
	return NULL;
}

/* groups[0] follows the server and its chain, whichever layer set them last; chain_len
 * counts for the modes that pick some of them (proxychains ignores it for the others). */
static int set_default_group(struct sx_config *c, const struct load_state *st, char *err,
			     size_t errlen)
{
	struct sx_group *g = &c->groups[0];
	char msg[400];

	g->n = 1 + c->n_via;
	for (size_t i = 0; i < g->n; i++)
		g->member[i] = (uint8_t)i;
	bool some = g->pick != SX_PICK_DYNAMIC && g->pick != SX_PICK_STRICT;
	if (some && st->chain_len > g->n)
		return sx_config_fail(err, errlen,
				      "%s: %u is larger than the default chain's %zu proxies",
				      st->len_origin, st->chain_len, g->n);
	g->len = !some ? (unsigned)g->n : st->chain_len ? st->chain_len : 1;
	if (c->has_proxy && sx_groups_check_hops(c, g, msg, sizeof msg) < 0)
		return sx_config_fail(err, errlen, "%s: %s",
				      st->mode_origin[0] ? st->mode_origin : "chain", msg);
	return 0;
}

/* Where a setting came from, for the errors only the end of the load can find. */
static char *origin_of(struct load_state *st, setter_fn set)
{
	return set == set_chain	       ? st->chain_origin
	       : set == set_chain_mode ? st->mode_origin
	       : set == set_chain_len  ? st->len_origin
				       : NULL;
}

const struct sx_proxy *sx_config_last_hop(const struct sx_config *c)
{
	return c->n_via ? &c->via[c->n_via - 1] : &c->proxy;
}

void sx_config_defaults(struct sx_config *c)
{
	memset(c, 0, sizeof(*c));
	c->has_proxy = false;
	c->proxy.proto = SX_PROTO_SOCKS5H;
	c->proxy.port = 1080;
	c->proxy.pipeline = false;
	c->pipeline_auto = true;
	c->dns = SX_DNS_LOCAL;
	c->bypass_loopback = true;
	c->connect_timeout_ms = 10000;
	c->handshake_timeout_ms = 10000;
	c->log_level = SX_LOG_ERROR;
	c->log_file[0] = '\0';
	c->udp = SX_UDP_BLOCK;
	c->bind = SX_BIND_AUTO;
	c->bind_timeout_ms = 120000;
	c->dead_time_ms = 60000;
	c->n_groups = 1;
	c->groups[0] = (struct sx_group){.pick = SX_PICK_STRICT, .len = 1, .n = 1};
	static const uint8_t v4[4] = {198, 18, 0, 0};
	static const uint8_t v6[16] = {0xfd, 0x9a, 0x5f, 0x0c, 0x4b, 0x2d, 0xff, 0xff};
	memcpy(c->fake_net4, v4, sizeof v4);
	c->fake_prefix4 = 15;
	memcpy(c->fake_net6, v6, sizeof v6);
	c->fake_prefix6 = 64;
}

/* Quotes the key only up to its first character that no key has: "password=s3cret" is
 * one word to the reader, and must not reach the log. */
static int unknown_key(char *err, size_t errlen, const char *name, const struct sx_conf_line *l)
{
	size_t n = 0;

	while (n < l->key_len && n < 64 &&
	       (sx_is_alpha(l->key[n]) || sx_is_digit(l->key[n]) || l->key[n] == '_'))
		n++;
	if (n == l->key_len)
		return sx_config_fail(err, errlen, "%s:%u: unknown key '%.*s'", name, l->lineno,
				      (int)n, l->key);
	return sx_config_fail(err, errlen,
			      "%s:%u: unknown key '%.*s...' (write the key, blanks, the value)",
			      name, l->lineno, (int)n, l->key);
}

static int load_file(struct sx_config *c, struct load_state *st, const char *name, const char *text,
		     size_t len, char *err, size_t errlen)
{
	struct sx_conf_reader rd;
	struct sx_conf_line l;
	char msg[512];
	char val[SX_PATH_MAX * 2];

	sx_conf_file_init(&rd, text, len);
	while (sx_conf_file_next(&rd, &l)) {
		const struct setting *s = NULL;

		for (size_t i = 0; i < NWORDS(settings); i++)
			if (eq_nocase(l.key, l.key_len, settings[i].key))
				s = &settings[i];
		if (!s)
			return unknown_key(err, errlen, name, &l);
		if (memchr(l.val, '\0', l.val_len))
			return sx_config_fail(err, errlen, "%s:%u: %s: NUL byte in value", name,
					      l.lineno, s->key);
		if (l.val_len == 0)
			return sx_config_fail(err, errlen, "%s:%u: %s: missing value", name,
					      l.lineno, s->key);
		if (l.val_len >= sizeof(val))
			return sx_config_fail(err, errlen, "%s:%u: %s: value longer than %zu bytes",
					      name, l.lineno, s->key, sizeof(val) - 1);
		memcpy(val, l.val, l.val_len);
		val[l.val_len] = '\0';
		/* the file's routes go after the environment's: one at a time, at the end */
		setter_fn set = s->set == set_env_routes ? set_route : s->set;
		if (set(c, st, val, msg, sizeof(msg)) < 0)
			return sx_config_fail(err, errlen, "%s:%u: %s: %s", name, l.lineno, s->key,
					      msg);
		char *origin = origin_of(st, s->set);
		if (origin)
			snprintf(origin, sizeof st->chain_origin, "%s:%u: %s", name, l.lineno,
				 s->key);
		st->chain_len_from_file |= s->set == set_chain_len;
	}
	/* the file's user/password belong to the file's server, whatever the line order */
	if (st->file_user_set) {
		memcpy(c->proxy.user, st->file_user, sizeof(st->file_user));
		c->proxy.has_user = true;
	}
	if (st->file_pass_set) {
		memcpy(c->proxy.pass, st->file_pass, sizeof(st->file_pass));
		c->proxy.has_user = true;
	}
	return 0;
}

struct proxychains_ctx {
	struct sx_config *c;
	struct load_state *st;
	size_t hops;
};

/* proxychains_conf.c's settings, as the same setters as ours. */
static int proxychains_set(void *ctx, const char *key, const char *val, char *msg, size_t n)
{
	struct proxychains_ctx *x = ctx;

	if (!strcmp(key, "hop"))
		return x->hops++ ? add_hop(x->c, val, msg, n)
				 : set_server(x->c, x->st, val, msg, n);
	for (size_t i = 0; i < NWORDS(settings); i++)
		if (!strcmp(settings[i].key, key))
			return settings[i].set(x->c, x->st, val, msg, n);
	return sx_config_fail(msg, n, "no setting %s", key);
}

static int load_proxychains(struct sx_config *c, struct load_state *st, const char *name,
			    const char *text, size_t len, char *err, size_t errlen)
{
	struct proxychains_ctx x = {c, st, 0};

	snprintf(st->chain_origin, sizeof st->chain_origin, "%s: [ProxyList]", name);
	snprintf(st->mode_origin, sizeof st->mode_origin, "%s: [ProxyList]", name);
	snprintf(st->len_origin, sizeof st->len_origin, "%s: chain_len", name);
	return sx_proxychains_load(name, text, len, proxychains_set, &x, err, errlen);
}

static const char *env(sx_getenv_fn getenv_fn, const char *name)
{
	const char *v = getenv_fn(name);

	return v && *v ? v : NULL; /* set-but-empty means unset, as in most shells' habits */
}

/* curl reads ALL_PROXY for every protocol, so it may hold an http:// proxy meant for
 * others; only a socks* scheme is ours. */
static bool is_socks_url(const char *v)
{
	size_t i = 0;

	while ((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
	       (v[i] >= '0' && v[i] <= '9'))
		i++;
	return i >= 5 && strncmp(v + i, "://", 3) == 0 && eq_nocase(v, 5, "socks");
}

static int env_server(struct sx_config *c, struct load_state *st, sx_getenv_fn getenv_fn, char *err,
		      size_t errlen)
{
	static const struct {
		const char *name;
		enum sx_proto bare;
	} vars[] = {
	    {"SOCKS_SERVER", SX_PROTO_SOCKS5H}, {"SOCKS5_SERVER", SX_PROTO_SOCKS5},
	    {"SOCKS4_SERVER", SX_PROTO_SOCKS4}, {"all_proxy", SX_PROTO_SOCKS5H},
	    {"ALL_PROXY", SX_PROTO_SOCKS5H},
	};
	char msg[512];

	for (size_t i = 0; i < NWORDS(vars); i++) {
		const char *v = env(getenv_fn, vars[i].name);
		struct sx_proxy p;

		if (!v || (i >= 3 && !is_socks_url(v)))
			continue;
		if (sx_proxy_url_parse_as(&p, v, vars[i].bare, msg, sizeof(msg)) < 0)
			return sx_config_fail(err, errlen, "%s: %s", vars[i].name, msg);
		p.pipeline = c->proxy.pipeline;
		c->proxy = p;
		c->has_proxy = true;
		c->password_file[0] = '\0';  /* the file's credentials went with its server */
		c->n_via = 0;		     /* and so did its chain */
		if (st->chain_len_from_file) /* which the file's chain_len counted */
			st->chain_len = 0;
		return 0;
	}
	return 0;
}

static int load_env(struct sx_config *c, struct load_state *st, sx_getenv_fn getenv_fn, char *err,
		    size_t errlen)
{
	static const char *const creds[] = {"SOCKS_USERNAME", "SOCKS_PASSWORD"};
	char msg[512];
	const char *v;
	int r = env_server(c, st, getenv_fn, err, errlen);

	if (r < 0)
		return r;
	for (size_t i = 0; i < NWORDS(creds); i++) {
		v = env(getenv_fn, creds[i]);
		if (!v)
			continue;
		if (copy_cred(i == 0 ? c->proxy.user : c->proxy.pass, v, msg, sizeof(msg)) < 0)
			return sx_config_fail(err, errlen, "%s: %s", creds[i], msg);
		c->proxy.has_user = true;
		if (i == 1)
			c->password_file[0] = '\0'; /* the environment beats the file */
	}
	for (size_t i = 0; i < NWORDS(settings); i++) {
		if (!settings[i].env || !(v = env(getenv_fn, settings[i].env)))
			continue;
		if (settings[i].set(c, st, v, msg, sizeof(msg)) < 0)
			return sx_config_fail(err, errlen, "%s: %s", settings[i].env, msg);
		char *origin = origin_of(st, settings[i].set);
		if (origin)
			snprintf(origin, sizeof st->chain_origin, "%s", settings[i].env);
		if (settings[i].set == set_chain_len)
			st->chain_len_from_file = false;
	}
	/* curl's order: the lower-case name wins when both are set */
	const char *np = "no_proxy";
	v = env(getenv_fn, np);
	if (!v)
		v = env(getenv_fn, np = "NO_PROXY");
	if (v && set_bypass(c, st, v, msg, sizeof(msg)) < 0)
		return sx_config_fail(err, errlen, "%s: %s", np, msg);
	return 0;
}

/* In a strict chain each hop must be able to name the next: SOCKS4 carries IPv4
 * addresses only, SOCKS4a no IPv6 (the other modes: set_default_group). */
static int check_chain(struct sx_config *c, const struct load_state *st, char *err, size_t errlen)
{
	if (!c->n_via)
		return 0;
	if (!c->has_proxy)
		return sx_config_fail(err, errlen, "%s: a chain needs a server for its first hop",
				      st->chain_origin);
	for (size_t i = 0; i < c->n_via && c->groups[0].pick == SX_PICK_STRICT; i++) {
		const struct sx_proxy *p = i ? &c->via[i - 1] : &c->proxy, *next = &c->via[i];
		uint8_t a[16];
		int kind = sx_bypass_parse_addr(next->host, strlen(next->host), a);
		if ((p->proto == SX_PROTO_SOCKS4 && kind != 4) ||
		    (p->proto == SX_PROTO_SOCKS4A && kind == 6))
			return sx_config_fail(
			    err, errlen, "%s: hop %zu (%s) cannot carry hop %zu's host: %s",
			    st->chain_origin, i + 1,
			    p->proto == SX_PROTO_SOCKS4 ? "socks4" : "socks4a", i + 2,
			    p->proto == SX_PROTO_SOCKS4
				? "socks4 takes IPv4 addresses only (use socks4a)"
				: "socks4a takes no IPv6");
	}
	return 0;
}

int sx_config_load(struct sx_config *c, sx_getenv_fn getenv_fn, const char *file_name,
		   const char *file_text, size_t len, char *err, size_t errlen)
{
	struct load_state st;
	int r;

	memset(&st, 0, sizeof(st));
	if (err && errlen)
		err[0] = '\0';
	/* SOCKSIFY_CONF_FORMAT=proxychains (socksify --proxychains-conf): the file is a
	 * proxychains-ng proxychains.conf. */
	const char *format = getenv_fn ? env(getenv_fn, "SOCKSIFY_CONF_FORMAT") : NULL;
	bool proxychains = format && eq_nocase(format, strlen(format), "proxychains");
	if (format && !proxychains && !eq_nocase(format, strlen(format), "socksify"))
		return sx_config_fail(
		    err, errlen,
		    "SOCKSIFY_CONF_FORMAT: expected socksify or proxychains, got '%.32s'", format);
	if (file_text) {
		const char *name = file_name ? file_name : "config file";
		r = proxychains ? load_proxychains(c, &st, name, file_text, len, err, errlen)
				: load_file(c, &st, name, file_text, len, err, errlen);
		if (r < 0)
			return r;
	}
	if (getenv_fn) {
		r = load_env(c, &st, getenv_fn, err, errlen);
		if (r < 0)
			return r;
	}
	r = check_chain(c, &st, err, errlen);
	if (r < 0)
		return r;
	/* without a server nothing is proxied, so a route would silently go direct */
	if (!c->has_proxy && (c->n_named || c->n_routes))
		return sx_config_fail(
		    err, errlen,
		    "%s: proxy, group and route lines need a server (the default route; "
		    "`route * direct` sends the rest direct)",
		    st.env_routes || !file_name ? "SOCKSIFY_ROUTES" : file_name);
	r = set_default_group(c, &st, err, errlen);
	if (r < 0)
		return r;
	/* pipelining is one setting for every proxy */
	for (size_t i = 0; i < c->n_via; i++)
		c->via[i].pipeline = c->proxy.pipeline;
	for (size_t i = 0; i < c->n_named; i++)
		c->named[i].pipeline = c->proxy.pipeline;
	/* The last hops receive the destination: their schemes say where names resolve. */
	bool all_names, any_socks4;
	sx_groups_last_hops(c, &all_names, &any_socks4);
	bool names_ok = !any_socks4; /* socks4 cannot carry a name */
	if (!st.dns_set)
		c->dns = c->has_proxy && (all_names || (c->strict && names_ok)) ? SX_DNS_REMOTE
										: SX_DNS_LOCAL;
	if (c->strict) {
		/* Leak-proof means no name leaves through the local resolver and no datagram
		 * goes anywhere but the proxy. */
		if (c->dns == SX_DNS_LOCAL)
			return sx_config_fail(
			    err, errlen,
			    "strict mode: dns local would ask the local "
			    "resolver%s",
			    names_ok ? "; use dns remote or proxy"
				     : " (socks4 cannot carry names: use socks4a or socks5)");
		c->udp = SX_UDP_BLOCK;
	}
	return 0;
}

int sx_config_set_password(struct sx_config *c, const char *text, size_t len, char *err,
			   size_t errlen)
{
	/* one final newline is the file's, not the password's: `echo pw >file` works */
	if (len && text[len - 1] == '\n')
		len--;
	if (len && text[len - 1] == '\r')
		len--;
	if (memchr(text, '\0', len))
		return sx_config_fail(err, errlen, "%s: NUL byte in the password",
				      c->password_file);
	if (len > SX_NAME_MAX)
		return sx_config_fail(err, errlen, "%s: password longer than %d bytes",
				      c->password_file, SX_NAME_MAX);
	memcpy(c->proxy.pass, text, len);
	c->proxy.pass[len] = '\0';
	c->proxy.has_user = true;
	return 0;
}
