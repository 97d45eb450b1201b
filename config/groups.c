/* SPDX-License-Identifier: MIT */
/* `proxy NAME URL`, `group NAME MODE [len N] MEMBER...` and `route MATCH TARGET`: names,
 * members and targets resolved against what earlier lines defined. */
#include "groups.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chars.h"
#include "errmsg.h"
#include "proxy_url.h"

#define URL_MAX 1024

/* The next blank-separated word of *p (advanced past it); false when none is left. */
static bool next_word(const char **p, const char **w, size_t *len)
{
	const char *s = *p;

	while (*s == ' ' || *s == '\t')
		s++;
	*w = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	*len = (size_t)(s - *w);
	*p = s;
	return *len > 0;
}

static bool word_is(const char *w, size_t len, const char *k)
{
	if (len != strlen(k))
		return false;
	for (size_t i = 0; i < len; i++)
		if (sx_lower(w[i]) != k[i])
			return false;
	return true;
}

static bool is_url(const char *w, size_t len)
{
	for (size_t i = 0; i + 2 < len; i++)
		if (w[i] == ':' && w[i + 1] == '/' && w[i + 2] == '/')
			return true;
	return false;
}

static bool reserved(const char *w, size_t len)
{
	return word_is(w, len, "direct") || word_is(w, len, "reject") || word_is(w, len, "default");
}

/* The named proxy (>= 0) or, as -2 - index, the group called w; -1 for none. */
static int find_name(const struct sx_config *c, const char *w, size_t len)
{
	for (size_t i = 0; i < c->n_named; i++)
		if (c->named_name[i][0] && strlen(c->named_name[i]) == len &&
		    !memcmp(c->named_name[i], w, len))
			return (int)i;
	for (size_t i = 1; i < c->n_groups; i++)
		if (c->groups[i].name[0] && strlen(c->groups[i].name) == len &&
		    !memcmp(c->groups[i].name, w, len))
			return -2 - (int)i;
	return -1;
}

/* A new name: well formed, not reserved, not taken. */
static int check_new_name(const struct sx_config *c, const char *w, size_t len, char *msg, size_t n)
{
	if (len > SX_LABEL_MAX)
		return sx_config_fail(msg, n, "name '%.32s...' longer than %d characters", w,
				      SX_LABEL_MAX);
	for (size_t i = 0; i < len; i++)
		if (!sx_is_alpha(w[i]) && !sx_is_digit(w[i]) && w[i] != '-' && w[i] != '_')
			return sx_config_fail(
			    msg, n, "bad name '%.*s' (letters, digits, '-' and '_')", (int)len, w);
	if (reserved(w, len))
		return sx_config_fail(msg, n,
				      "'%.*s' is reserved (direct, reject and default are targets)",
				      (int)len, w);
	if (find_name(c, w, len) != -1)
		return sx_config_fail(msg, n, "duplicate name '%.*s'", (int)len, w);
	return 0;
}

/* A URL as a new entry of named[] (name "" for an inline one); its index or -EINVAL. */
static int add_named(struct sx_config *c, const char *name, size_t name_len, const char *w,
		     size_t len, char *msg, size_t n)
{
	char url[URL_MAX], m[300];

	if (c->n_named == SX_NAMED_MAX)
		return sx_config_fail(
		    msg, n, "more than %d proxies (proxy lines and URLs in groups and routes)",
		    SX_NAMED_MAX);
	if (len >= sizeof url)
		return sx_config_fail(msg, n, "URL longer than %zu bytes", sizeof url - 1);
	memcpy(url, w, len);
	url[len] = '\0';
	int r = sx_proxy_url_parse(&c->named[c->n_named], url, m, sizeof m);
	explicit_bzero(url, sizeof url);
	if (r < 0)
		return sx_config_fail(msg, n, "%s", m);
	memcpy(c->named_name[c->n_named], name, name_len);
	c->named_name[c->n_named][name_len] = '\0';
	return (int)c->n_named++;
}

int sx_groups_add_proxy(struct sx_config *c, const char *val, char *msg, size_t n)
{
	const char *p = val, *name, *url, *extra;
	size_t name_len, url_len, extra_len;

	if (!next_word(&p, &name, &name_len) || !next_word(&p, &url, &url_len))
		return sx_config_fail(msg, n, "want: proxy NAME URL");
	if (next_word(&p, &extra, &extra_len))
		return sx_config_fail(msg, n, "text after the URL");
	int r = check_new_name(c, name, name_len, msg, n);
	if (r < 0)
		return r;
	if (!is_url(url, url_len))
		return sx_config_fail(msg, n, "'%.*s' needs a URL such as socks5://host:port",
				      (int)name_len, name);
	r = add_named(c, name, name_len, url, url_len, msg, n);
	return r < 0 ? r : 0;
}

int sx_groups_parse_pick(const char *s, size_t len, enum sx_pick *out, char *msg, size_t n)
{
	static const char *const words[] = {"strict", "dynamic", "failover", "round_robin",
					    "random"};
	static const enum sx_pick picks[] = {SX_PICK_STRICT, SX_PICK_DYNAMIC, SX_PICK_FAILOVER,
					     SX_PICK_ROUND_ROBIN, SX_PICK_RANDOM};

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (word_is(s, len, words[i])) {
			*out = picks[i];
			return 0;
		}
	return sx_config_fail(msg, n,
			      "bad mode '%.*s' (strict, dynamic, failover, round_robin or random)",
			      (int)(len > 32 ? 32 : len), s);
}

static const char *pick_name(enum sx_pick p)
{
	static const char *const names[] = {"strict", "dynamic", "failover", "round_robin",
					    "random"};
	return names[p];
}

static int parse_len(const char *w, size_t len, unsigned *out, char *msg, size_t n)
{
	unsigned v = 0;

	if (len == 0 || len > 3)
		return sx_config_fail(msg, n, "len wants a number from 1 to %d",
				      SX_GROUP_MEMBERS_MAX);
	for (size_t i = 0; i < len; i++) {
		if (!sx_is_digit(w[i]))
			return sx_config_fail(msg, n, "len wants a number from 1 to %d",
					      SX_GROUP_MEMBERS_MAX);
		v = v * 10 + (unsigned)(w[i] - '0');
	}
	if (v == 0)
		return sx_config_fail(msg, n, "len 0: a connection needs at least one proxy");
	*out = v;
	return 0;
}

/* A member word: a proxy defined earlier, or a URL (a new unnamed proxy). */
static int member_ref(struct sx_config *c, const char *w, size_t len, char *msg, size_t n)
{
	if (is_url(w, len)) {
		int i = add_named(c, "", 0, w, len, msg, n);
		return i < 0 ? i : SX_REF_NAMED + i;
	}
	int i = find_name(c, w, len);
	if (i <= -2)
		return sx_config_fail(
		    msg, n, "'%.*s' is a group; members are proxies (names or URLs)", (int)len, w);
	if (i < 0)
		return sx_config_fail(msg, n,
				      "unknown proxy '%.*s' (define it with a proxy line first)",
				      (int)(len > 64 ? 64 : len), w);
	return SX_REF_NAMED + i;
}

/* Can proxy a carry proxy b's host (a CONNECTs to b)? NULL, or why not. */
static const char *cannot_carry(const struct sx_proxy *a, const struct sx_proxy *b)
{
	uint8_t addr[16];
	int kind = sx_bypass_parse_addr(b->host, strlen(b->host), addr);

	if (a->proto == SX_PROTO_SOCKS4 && kind != 4)
		return "socks4 takes IPv4 addresses only (use socks4a)";
	if (a->proto == SX_PROTO_SOCKS4A && kind == 6)
		return "socks4a takes no IPv6";
	return NULL;
}

/* Strict: each member is followed by the next. dynamic and failover keep the order but
 * skip dead ones, so any later member may follow; round_robin and random (len > 1) may
 * put any member after any other. failover, round_robin and random with len 1 make no
 * pairs at all. */
static bool may_follow(const struct sx_group *g, size_t i, size_t j)
{
	switch (g->pick) {
	case SX_PICK_STRICT:
		return j == i + 1;
	case SX_PICK_DYNAMIC:
		return j > i;
	case SX_PICK_FAILOVER:
		return g->len > 1 && j > i;
	default:
		return g->len > 1 && j != i;
	}
}

int sx_groups_check_hops(const struct sx_config *c, const struct sx_group *g, char *msg, size_t n)
{
	for (size_t i = 0; i < g->n; i++)
		for (size_t j = 0; j < g->n; j++) {
			const struct sx_proxy *a = sx_config_proxy_at(c, g->member[i]);
			const struct sx_proxy *b = sx_config_proxy_at(c, g->member[j]);
			const char *why = a && b && may_follow(g, i, j) ? cannot_carry(a, b) : NULL;
			if (why)
				return sx_config_fail(
				    msg, n,
				    "%s: member %zu (%s) cannot carry member %zu's host: %s",
				    pick_name(g->pick), i + 1,
				    a->proto == SX_PROTO_SOCKS4 ? "socks4" : "socks4a", j + 1, why);
		}
	return 0;
}

int sx_groups_add_group(struct sx_config *c, const char *val, char *msg, size_t n)
{
	const char *p = val, *name, *w;
	size_t name_len, len;
	struct sx_group g = {0};
	unsigned want_len = 0;

	if (!next_word(&p, &name, &name_len) || !next_word(&p, &w, &len))
		return sx_config_fail(msg, n, "want: group NAME MODE [len N] MEMBER...");
	int r = check_new_name(c, name, name_len, msg, n);
	if (r < 0 || (r = sx_groups_parse_pick(w, len, &g.pick, msg, n)) < 0)
		return r;
	if (c->n_groups == SX_GROUPS_MAX)
		return sx_config_fail(msg, n, "more than %d groups (group lines and route targets)",
				      SX_GROUPS_MAX - 1);
	const char *before_len = p;
	if (next_word(&p, &w, &len) && word_is(w, len, "len")) {
		if (g.pick == SX_PICK_STRICT || g.pick == SX_PICK_DYNAMIC)
			return sx_config_fail(
			    msg, n,
			    "len is for failover, round_robin and random (%s uses "
			    "every member)",
			    pick_name(g.pick));
		if (!next_word(&p, &w, &len))
			return sx_config_fail(msg, n, "len wants a number");
		if ((r = parse_len(w, len, &want_len, msg, n)) < 0)
			return r;
	} else {
		p = before_len;
	}
	/* a failed line fails the whole load, so what it added needs no undoing */
	while (next_word(&p, &w, &len)) {
		if (g.n == SX_GROUP_MEMBERS_MAX)
			return sx_config_fail(msg, n, "more than %d members", SX_GROUP_MEMBERS_MAX);
		int ref = member_ref(c, w, len, msg, n);
		if (ref < 0)
			return ref;
		g.member[g.n++] = (uint8_t)ref;
	}
	if (g.n == 0)
		return sx_config_fail(msg, n, "no members (proxy names or URLs after the mode)");
	if (want_len > g.n)
		return sx_config_fail(msg, n, "len %u is larger than the group's %zu members",
				      want_len, g.n);
	g.len = g.pick == SX_PICK_STRICT || g.pick == SX_PICK_DYNAMIC ? (unsigned)g.n
		: want_len					      ? want_len
								      : 1;
	if ((r = sx_groups_check_hops(c, &g, msg, n)) < 0)
		return r;
	memcpy(g.name, name, name_len);
	c->groups[c->n_groups++] = g;
	return 0;
}

/* The group of one proxy: reused for every route to it. */
static int single_group(struct sx_config *c, unsigned ref, char *msg, size_t n)
{
	for (size_t i = 1; i < c->n_groups; i++)
		if (!c->groups[i].name[0] && c->groups[i].n == 1 && c->groups[i].member[0] == ref)
			return (int)i;
	if (c->n_groups == SX_GROUPS_MAX)
		return sx_config_fail(msg, n, "more than %d groups (group lines and route targets)",
				      SX_GROUPS_MAX - 1);
	c->groups[c->n_groups] = (struct sx_group){.pick = SX_PICK_STRICT, .len = 1, .n = 1};
	c->groups[c->n_groups].member[0] = (uint8_t)ref;
	return (int)c->n_groups++;
}

static int route_way(struct sx_config *c, const char *w, size_t len, char *msg, size_t n)
{
	if (word_is(w, len, "direct"))
		return SX_WAY_DIRECT;
	if (word_is(w, len, "reject"))
		return SX_WAY_REJECT;
	if (word_is(w, len, "default"))
		return 0;
	if (is_url(w, len)) {
		int i = add_named(c, "", 0, w, len, msg, n);
		if (i < 0)
			return i;
		return single_group(c, SX_REF_NAMED + (unsigned)i, msg, n);
	}
	int i = find_name(c, w, len);
	if (i <= -2)
		return -2 - i;
	if (i >= 0)
		return single_group(c, SX_REF_NAMED + (unsigned)i, msg, n);
	return sx_config_fail(
	    msg, n,
	    "unknown target '%.*s' (direct, reject, default, a proxy or group defined "
	    "earlier, or a URL)",
	    (int)(len > 64 ? 64 : len), w);
}

int sx_groups_add_route(struct sx_config *c, size_t at, const char *val, char *msg, size_t n)
{
	const char *p = val, *match, *target, *extra;
	size_t match_len, target_len, extra_len;
	struct sx_route_rule rule;

	if (!next_word(&p, &match, &match_len) || !next_word(&p, &target, &target_len))
		return sx_config_fail(msg, n, "want: MATCH TARGET");
	if (next_word(&p, &extra, &extra_len))
		return sx_config_fail(msg, n, "text after the target");
	if (!sx_bypass_parse_route_match(&rule.match, match, match_len))
		return sx_config_fail(
		    msg, n,
		    "bad match '%.*s' (CIDR[:port], [v6]:port, host, .domain, *.domain, "
		    "*:PORT, :PORT or *)",
		    (int)(match_len > 64 ? 64 : match_len), match);
	if (c->n_routes == SX_ROUTES_MAX)
		return sx_config_fail(msg, n, "more than %d routes", SX_ROUTES_MAX);
	rule.way = route_way(c, target, target_len, msg, n);
	if (rule.way < SX_WAY_REJECT)
		return -EINVAL;
	memmove(&c->routes[at + 1], &c->routes[at], (c->n_routes - at) * sizeof c->routes[0]);
	c->routes[at] = rule;
	c->n_routes++;
	return 0;
}

static bool carries_names(enum sx_proto p)
{
	return p == SX_PROTO_SOCKS4A || p == SX_PROTO_SOCKS5H || p == SX_PROTO_HTTP;
}

void sx_groups_last_hops(const struct sx_config *c, bool *all_names, bool *any_socks4)
{
	bool used[SX_GROUPS_MAX] = {true};

	*all_names = true;
	*any_socks4 = false;
	for (size_t i = 0; i < c->n_routes; i++)
		if (c->routes[i].way >= 0)
			used[c->routes[i].way] = true;
	for (size_t gi = 0; gi < c->n_groups; gi++) {
		const struct sx_group *g = &c->groups[gi];
		if (!used[gi])
			continue;
		/* strict ends at its last member; failover's len-th pick is at least the
		 * len-th member; the other modes may end anywhere */
		size_t from = g->pick == SX_PICK_STRICT	    ? g->n - 1
			      : g->pick == SX_PICK_FAILOVER ? g->len - 1
							    : 0;
		for (size_t j = from; j < g->n; j++) {
			const struct sx_proxy *p = sx_config_proxy_at(c, g->member[j]);
			if (!p)
				continue;
			*all_names &= carries_names(p->proto);
			*any_socks4 |= p->proto == SX_PROTO_SOCKS4;
		}
	}
}
