/* SPDX-License-Identifier: MIT */
/* The route --check's destination takes: the rule (by the first prefix of the route list
 * that matches, so the matching stays routes.c's), its group's mode and members, and a
 * TCP connect to each member of a group that picks among them. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../config/proxy_url.h"
#include "probe_io.h"
#include "probe_route.h"

static int way_for(const struct sx_config *c, const struct sx_target *t)
{
	if (t->kind == SX_TARGET_NAME)
		return sx_route_for_name(c, t->addr.name, t->port);
	return sx_route_for_addr(c, t->kind == SX_TARGET_IPV4 ? 4 : 6, t->addr.v6, t->port);
}

/* The index of the route that decides (-1: the bypass list; n_routes: none). */
static size_t rule_for(struct sx_config *c, const struct sx_target *t, int *way)
{
	size_t n = c->n_routes, k = 0;
	for (; k <= n; k++) {
		c->n_routes = k;
		if ((*way = way_for(c, t)) != SX_WAY_NONE)
			break;
	}
	c->n_routes = n;
	return k == 0 ? (size_t)-1 : k - 1;
}

static void match_text(const struct sx_bypass_entry *e, char *out, size_t cap)
{
	char a[INET6_ADDRSTRLEN], port[8] = "";
	if (e->port)
		snprintf(port, sizeof port, ":%u", e->port);
	switch (e->kind) {
	case SX_BYPASS_CIDR4:
		inet_ntop(AF_INET, e->addr, a, sizeof a);
		snprintf(out, cap, "%s/%u%s", a, e->prefix, port);
		break;
	case SX_BYPASS_CIDR6:
		inet_ntop(AF_INET6, e->addr, a, sizeof a);
		snprintf(out, cap, "[%s]/%u%s", a, e->prefix, port);
		break;
	case SX_BYPASS_HOST:
		snprintf(out, cap, "%s%s", e->name, port);
		break;
	case SX_BYPASS_SUFFIX:
		snprintf(out, cap, ".%s%s", e->name, port);
		break;
	default:
		snprintf(out, cap, "*%s", port);
	}
}

static const char *pick_name(enum sx_pick p)
{
	static const char *const names[] = {"strict", "dynamic", "failover", "round_robin",
					    "random"};
	return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "?";
}

/* "name (socks5://h:1080)", or the URL alone for the server and the chain's hops. */
static void member_text(const struct sx_config *c, unsigned ref, char *out, size_t cap)
{
	const struct sx_proxy *p = sx_config_proxy_at(c, ref);
	char url[300] = "?";
	if (p)
		sx_proxy_url_format(p, url, sizeof url);
	if (ref >= SX_REF_NAMED && ref - SX_REF_NAMED < c->n_named &&
	    c->named_name[ref - SX_REF_NAMED][0])
		snprintf(out, cap, "%s (%s)", c->named_name[ref - SX_REF_NAMED], url);
	else
		snprintf(out, cap, "%s", url);
}

/* A TCP connect to the member: 0 with *ms, or -errno. */
int sx_probe_reach(const struct sx_proxy *p, int timeout_ms, double *ms)
{
	char port[8];
	snprintf(port, sizeof port, "%u", p->port);
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	if (getaddrinfo(p->host, port, &hints, &res))
		return -EHOSTUNREACH;
	int r = -EHOSTUNREACH;
	for (struct addrinfo *ai = res; ai && r < 0; ai = ai->ai_next) {
		double t0 = sx_probe_now_ms();
		r = sx_probe_connect(ai->ai_addr, ai->ai_addrlen, timeout_ms);
		if (r >= 0) {
			*ms = sx_probe_now_ms() - t0;
			close(r);
			r = 0;
		}
	}
	freeaddrinfo(res);
	return r;
}

/* Appends to out at *len, never past cap. */
__attribute__((format(printf, 4, 5))) static void put(char *out, size_t cap, size_t *len,
						      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (*len < cap) {
		int n = vsnprintf(out + *len, cap - *len, fmt, ap);
		*len = n < 0 ? cap : *len + (size_t)n < cap ? *len + (size_t)n : cap;
	}
	va_end(ap);
}

/* The members of a group that picks: which answer a TCP connect now. */
static void probe_members(const struct sx_config *c, const struct sx_group *g,
			  struct sx_probe_report *rep, int timeout_ms, char *json, size_t cap,
			  size_t *jl)
{
	char detail[384], m[320];
	size_t dl = 0, up = 0;
	put(json, cap, jl, ", \"members\": [");
	for (size_t i = 0; i < g->n; i++) {
		const struct sx_proxy *p = sx_config_proxy_at(c, g->member[i]);
		double ms = 0;
		int r = p ? sx_probe_reach(p, timeout_ms, &ms) : -EINVAL;
		char url[300] = "?";
		if (p)
			sx_proxy_url_format(p, url, sizeof url);
		member_text(c, g->member[i], m, sizeof m);
		up += r == 0;
		if (r == 0)
			put(detail, sizeof detail, &dl, "%s%s up (%.1f ms)", i ? "; " : "", m, ms);
		else
			put(detail, sizeof detail, &dl, "%s%s down: %s", i ? "; " : "", m,
			    strerror(-r));
		put(json, cap, jl, "%s{\"proxy\": \"%s\", \"reachable\": %s", i ? ", " : "", url,
		    r == 0 ? "true" : "false");
		if (r == 0)
			put(json, cap, jl, ", \"ms\": %.1f}", ms);
		else
			put(json, cap, jl, ", \"error\": \"%s\"}", strerror(-r));
	}
	put(json, cap, jl, "]");
	size_t need = g->pick == SX_PICK_DYNAMIC ? 1 : g->len < g->n ? g->len : g->n;
	sx_report_row(rep, "members", up >= need ? SX_ROW_OK : SX_ROW_FAIL, "%zu of %zu up: %s", up,
		      g->n, detail);
}

void sx_probe_route(struct sx_config *c, const struct sx_target *t, struct sx_probe_report *rep,
		    int timeout_ms, char *json, size_t cap)
{
	int way;
	size_t k = rule_for(c, t, &way), jl = 0;
	char rule[300];
	if (k == (size_t)-1)
		snprintf(rule, sizeof rule, "bypass");
	else if (k >= c->n_routes)
		snprintf(rule, sizeof rule, "default");
	else
		match_text(&c->routes[k].match, rule, sizeof rule);
	if (way == SX_WAY_NONE)
		way = 0;
	put(json, cap, &jl, "{\"rule\": \"%s\"", rule);
	if (way < 0) {
		const char *w = way == SX_WAY_DIRECT ? "direct" : "reject";
		put(json, cap, &jl, ", \"way\": \"%s\"}", w);
		sx_report_row(rep, "route", way == SX_WAY_DIRECT ? SX_ROW_OK : SX_ROW_NO,
			      "%s -> %s", k == (size_t)-1 ? "the bypass list" : rule, w);
		return;
	}
	const struct sx_group *g = &c->groups[(size_t)way < c->n_groups ? way : 0];
	char name[SX_LABEL_MAX + 16], members[384], m[320];
	snprintf(name, sizeof name, "%s", g->name[0] ? g->name : way == 0 ? "default" : "");
	size_t ml = 0;
	for (size_t i = 0; i < g->n; i++) {
		member_text(c, g->member[i], m, sizeof m);
		put(members, sizeof members, &ml, "%s%s",
		    i == 0			? ""
		    : g->pick == SX_PICK_STRICT ? " > "
						: ", ",
		    m);
	}
	if (!ml)
		members[0] = '\0';
	char len[24] = "";
	if (g->pick != SX_PICK_STRICT && g->pick != SX_PICK_DYNAMIC)
		snprintf(len, sizeof len, ", len %u", g->len);
	/* "default (strict)", "RULE -> NAME (failover, len 1)", "RULE -> (strict)" */
	char head[sizeof rule + sizeof name + 8];
	if (k >= c->n_routes)
		snprintf(head, sizeof head, "%s", rule);
	else
		snprintf(head, sizeof head, "%s ->%s%s", rule, name[0] ? " " : "", name);
	sx_report_row(rep, "route", SX_ROW_OK, "%s (%s%s): %s", head, pick_name(g->pick), len,
		      members);
	put(json, cap, &jl, ", \"way\": \"group\", \"group\": \"%s\", \"mode\": \"%s\"", name,
	    pick_name(g->pick));
	if (len[0])
		put(json, cap, &jl, ", \"len\": %u", g->len);
	if (g->pick != SX_PICK_STRICT && g->n)
		probe_members(c, g, rep, timeout_ms, json, cap, &jl);
	put(json, cap, &jl, "}");
}

int sx_probe_default_member(struct sx_config *c, int timeout_ms)
{
	const struct sx_group *g = &c->groups[0];
	if (g->pick == SX_PICK_STRICT || g->len != 1)
		return 0;
	for (size_t i = 0; i < g->n; i++) {
		const struct sx_proxy *p = sx_config_proxy_at(c, g->member[i]);
		double ms;
		if (!p || sx_probe_reach(p, timeout_ms, &ms) < 0)
			continue;
		if (i) {
			/* One hop per connection: this member stands where the server did. */
			struct sx_proxy live = *p;
			c->proxy = live;
			c->n_via = 0;
		}
		return (int)i;
	}
	return 0;
}
