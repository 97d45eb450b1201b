/* SPDX-License-Identifier: MIT */
/* sx_pick_hops over every pick mode, with a fake proxy_health: dead proxies by host,
 * a round-robin counter per group and a scripted random source. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../config/config.h"
#include "../../preload/base/pick.h"
#include "../../preload/base/proxy_health.h"
#include "tap.h"

static char dead_hosts[SX_NAMED_MAX]; /* dead_hosts[i]: named proxy i is dead */
static unsigned rr_next[SX_GROUPS_MAX];
static unsigned random_calls;

bool sx_health_is_dead(const struct sx_proxy *p)
{
	return p->host[0] == 'n' && dead_hosts[p->host[1] - 'a'];
}
void sx_health_mark_dead(const struct sx_proxy *p, unsigned dead_ms)
{
	(void)p, (void)dead_ms;
}
void sx_health_mark_dead_err(const struct sx_proxy *p, unsigned dead_ms, int err)
{
	(void)p, (void)dead_ms, (void)err;
}
void sx_health_mark_alive(const struct sx_proxy *p)
{
	(void)p;
}
unsigned sx_health_round_robin(unsigned group)
{
	return rr_next[group]++;
}
unsigned sx_health_random(void)
{
	/* A fixed but uneven sequence: every permutation step gets a different index. */
	static const unsigned seq[] = {7, 3, 12, 5, 0, 9, 1, 14, 2, 11, 6, 4, 13, 8, 10};
	return seq[random_calls++ % (sizeof seq / sizeof seq[0])];
}

static struct sx_config c;

/* Named proxies "na".."nh" (references SX_REF_NAMED + 0..7) and group 1 over the first
 * n of them. */
static void setup(enum sx_pick pick, unsigned len, unsigned n)
{
	sx_config_defaults(&c);
	c.n_named = 8;
	for (unsigned i = 0; i < 8; i++) {
		c.named[i].proto = SX_PROTO_SOCKS5;
		snprintf(c.named[i].host, sizeof c.named[i].host, "n%c", 'a' + i);
		c.named[i].port = 1080;
	}
	c.n_groups = 2;
	struct sx_group *g = &c.groups[1];
	memset(g, 0, sizeof *g);
	g->pick = pick;
	g->len = len;
	g->n = n;
	for (unsigned i = 0; i < n; i++)
		g->member[i] = (uint8_t)(SX_REF_NAMED + i);
	memset(dead_hosts, 0, sizeof dead_hosts);
	memset(rr_next, 0, sizeof rr_next);
}

/* The picked hops as member letters, "" on an error. */
static const char *pick(uint32_t failed, int *ret)
{
	static char s[SX_CHAIN_MAX + 1];
	uint8_t refs[SX_CHAIN_MAX];
	int r = sx_pick_hops(&c, 1, failed, refs);
	*ret = r;
	s[0] = 0;
	for (int i = 0; i < r; i++) {
		s[i] = (char)('a' + refs[i] - SX_REF_NAMED);
		s[i + 1] = 0;
	}
	return s;
}

#define FAILED(i) (1u << (SX_REF_NAMED + (i)))

static void test_strict(void)
{
	int r;
	setup(SX_PICK_STRICT, 1, 3);
	dead_hosts[1] = 1;
	TAP_STR(pick(0, &r), "abc", "strict: every member in order, a dead one included");
	TAP_STR(pick(FAILED(0), &r), "abc", "strict: the failed mask is ignored too");
	setup(SX_PICK_STRICT, 1, 0);
	c.groups[1].n = 1;
	c.groups[1].member[0] = 0; /* the server, which the defaults leave unset */
	c.has_proxy = false;
	pick(0, &r);
	TAP_IS(r, -EINVAL, "strict: a member naming no proxy is an error");
	uint8_t refs[SX_CHAIN_MAX];
	setup(SX_PICK_STRICT, 1, 3);
	c.groups[1].n = SX_CHAIN_MAX + 1;
	TAP_IS(sx_pick_hops(&c, 1, 0, refs), -EINVAL, "strict: never more than SX_CHAIN_MAX");
	TAP_IS(sx_pick_hops(&c, 2, 0, refs), -EINVAL, "a group that does not exist");
}

static void test_dynamic(void)
{
	int r;
	setup(SX_PICK_DYNAMIC, 1, 4);
	TAP_STR(pick(0, &r), "abcd", "dynamic: every live member, in order");
	dead_hosts[1] = dead_hosts[3] = 1;
	TAP_STR(pick(0, &r), "ac", "dynamic: dead ones skipped");
	TAP_STR(pick(FAILED(0), &r), "c", "dynamic: failed ones skipped");
	TAP_STR(pick(FAILED(0) | FAILED(2), &r), "b", "dynamic: all left dead: the first dead one");
	pick(FAILED(0) | FAILED(1) | FAILED(2) | FAILED(3), &r);
	TAP_IS(r, -EHOSTUNREACH, "dynamic: every member failed");
	setup(SX_PICK_DYNAMIC, 1, 10);
	c.n_named = 10;
	for (unsigned i = 8; i < 10; i++) {
		c.named[i] = c.named[0];
		c.named[i].host[1] = (char)('a' + i);
	}
	TAP_IS(strlen(pick(0, &r)), SX_CHAIN_MAX, "dynamic: at most SX_CHAIN_MAX hops");
}

static void test_failover(void)
{
	int r;
	setup(SX_PICK_FAILOVER, 1, 3);
	TAP_STR(pick(0, &r), "a", "failover: the first");
	dead_hosts[0] = 1;
	TAP_STR(pick(0, &r), "b", "failover: the first live one");
	TAP_STR(pick(FAILED(1), &r), "c", "failover: the next after a failure");
	dead_hosts[1] = dead_hosts[2] = 1;
	TAP_STR(pick(0, &r), "a", "failover: all dead: the first again");
	TAP_STR(pick(FAILED(0), &r), "b", "failover: all dead, one failed: the next dead one");
	pick(FAILED(0) | FAILED(1) | FAILED(2), &r);
	TAP_IS(r, -EHOSTUNREACH, "failover: none left");
	setup(SX_PICK_FAILOVER, 2, 4);
	dead_hosts[1] = 1;
	TAP_STR(pick(0, &r), "ac", "failover len 2: the first two live ones");
	dead_hosts[2] = dead_hosts[3] = 1;
	TAP_STR(pick(0, &r), "ab", "failover len 2: one live, filled up with the first dead");
	pick(FAILED(0) | FAILED(1) | FAILED(2), &r);
	TAP_IS(r, -EHOSTUNREACH, "failover len 2: one member left is too few");
	setup(SX_PICK_FAILOVER, 3, 2);
	pick(0, &r);
	TAP_IS(r, -EHOSTUNREACH, "failover: len above the members");
}

static void test_round_robin(void)
{
	int r;
	setup(SX_PICK_ROUND_ROBIN, 1, 3);
	TAP_STR(pick(0, &r), "a", "round robin: the first connection starts at the first");
	TAP_STR(pick(0, &r), "b", "round robin: the next at the second");
	TAP_STR(pick(0, &r), "c", "round robin: then the third");
	TAP_STR(pick(0, &r), "a", "round robin: and round again");
	dead_hosts[1] = 1;
	TAP_STR(pick(0, &r), "c", "round robin: a dead one skipped");
	TAP_STR(pick(FAILED(2), &r), "a", "round robin: a failed one skipped");
	setup(SX_PICK_ROUND_ROBIN, 2, 3);
	TAP_STR(pick(0, &r), "ab", "round robin len 2: from the first");
	TAP_STR(pick(0, &r), "bc", "round robin len 2: from the second");
	TAP_STR(pick(0, &r), "ca", "round robin len 2: wrapping");
	dead_hosts[0] = dead_hosts[1] = dead_hosts[2] = 1;
	TAP_STR(pick(0, &r), "ab", "round robin: all dead: filled up in the written order");
	TAP_IS(rr_next[1], 4, "round robin: the tree's position moves once per pick");
}

static void test_random(void)
{
	int r;
	setup(SX_PICK_RANDOM, 3, 8);
	bool differs = false;
	char first[SX_CHAIN_MAX + 1];
	snprintf(first, sizeof first, "%s", pick(0, &r));
	for (int t = 0; t < 50; t++) {
		const char *s = pick(0, &r);
		bool distinct = r == 3 && s[0] != s[1] && s[0] != s[2] && s[1] != s[2];
		TAP_OK(distinct, "random: three distinct members (%s)", s);
		differs |= strcmp(s, first) != 0;
	}
	TAP_OK(differs, "random: not always the same hops");
	dead_hosts[0] = dead_hosts[2] = dead_hosts[4] = dead_hosts[6] = 1;
	bool live_only = true;
	for (int t = 0; t < 30; t++) {
		const char *s = pick(FAILED(1), &r);
		for (int i = 0; i < r; i++)
			live_only &= s[i] == 'd' || s[i] == 'f' || s[i] == 'h';
		live_only &= r == 3;
	}
	TAP_OK(live_only, "random: only live, not failed members while enough are left");
	setup(SX_PICK_RANDOM, 2, 3);
	dead_hosts[0] = dead_hosts[1] = 1;
	const char *s = pick(FAILED(2), &r);
	TAP_OK(r == 2 && strchr(s, 'a') && strchr(s, 'b'), "random: refilled with dead ones (%s)",
	       s);
	pick(FAILED(1) | FAILED(2), &r);
	TAP_IS(r, -EHOSTUNREACH, "random: too few left");
}

int main(void)
{
	test_strict();
	test_dynamic();
	test_failover();
	test_round_robin();
	test_random();
	return tap_done();
}
