/* SPDX-License-Identifier: MIT */
/* Several proxies in sx_config_load: proxy, group, route, chain_mode, chain_len, dead_time
 * and their environment variables, every error with its file:line, and route matching. */
#include <errno.h>
#include <string.h>

#include "../../config/config.h"
#include "config_load.h"
#include "tap.h"

#define SERVER "server socks5h://127.0.0.1:1080\n"

static const uint8_t v4_10[4] = {10, 1, 2, 3};
static const uint8_t v4_203[4] = {203, 0, 113, 5};
static const uint8_t v6_db8[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t mapped_10[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 9, 9, 9};

static const char example[] = SERVER "chain socks5h://10.0.0.2:1080\n"
				     "chain_mode failover\n"
				     "chain_len 1\n"
				     "dead_time 30s\n"
				     "proxy tor socks5h://127.0.0.1:9050\n"
				     "proxy corp http://user:pw@192.0.2.8:3128\n"
				     "proxy a socks5h://192.0.2.1:1080\n"
				     "proxy b socks5h://192.0.2.2:1080\n"
				     "group exits failover a b socks4a://192.0.2.3:1080\n"
				     "group deep strict tor corp\n"
				     "group spread random len 2 a b\n"
				     "route 10.0.0.0/8 direct\n"
				     "route .onion tor\n"
				     "route 203.0.113.0/24:443 exits\n"
				     "route *:25 reject\n"
				     "route intranet.example deep\n"
				     "route [2001:db8::1]:443 http://192.0.2.9:3128\n"
				     "route .example.com tor\n"
				     "route example.org default\n"
				     "route 198.51.100.7 spread\n";

static void test_keys(void)
{
	TAP_IS(load(example, NULL), 0, "the brief's example loads");
	TAP_STR(err, "", "  no error");
	TAP_IS(cfg.groups[0].pick, SX_PICK_FAILOVER, "  chain_mode failover");
	TAP_IS(cfg.groups[0].len, 1, "  chain_len 1");
	TAP_IS(cfg.groups[0].n, 2, "  the default: server and its chain");
	TAP_IS(cfg.dead_time_ms, 30000, "  dead_time 30s");
	TAP_IS(cfg.n_named, 6, "  four named proxies, one group URL, one route URL");
	TAP_STR(cfg.named_name[0], "tor", "  proxy tor");
	TAP_STR(cfg.named[1].user, "user", "  corp's user");
	TAP_IS(cfg.named[1].proto, SX_PROTO_HTTP, "  corp is http");
	TAP_STR(cfg.named_name[4], "", "  a group's URL is unnamed");
	TAP_IS(cfg.named[4].proto, SX_PROTO_SOCKS4A, "  and parsed");
	const struct sx_group *exits = &cfg.groups[1], *deep = &cfg.groups[2];
	TAP_STR(exits->name, "exits", "  group exits");
	TAP_IS(exits->pick, SX_PICK_FAILOVER, "  failover");
	TAP_IS(exits->len, 1, "  len 1 by default");
	TAP_IS(exits->n, 3, "  three members");
	TAP_IS(exits->member[0], SX_REF_NAMED + 2, "  a first");
	TAP_IS(exits->member[2], SX_REF_NAMED + 4, "  the URL last");
	TAP_IS(deep->pick, SX_PICK_STRICT, "  deep strict");
	TAP_IS(deep->len, 2, "  strict uses every member");
	TAP_IS(cfg.groups[3].len, 2, "  random len 2");
	TAP_IS(cfg.n_routes, 9, "  nine routes");
	TAP_IS(cfg.routes[0].way, SX_WAY_DIRECT, "  direct");
	TAP_IS(cfg.routes[3].way, SX_WAY_REJECT, "  reject");
	TAP_IS(cfg.routes[2].way, 1, "  a group by name");
	TAP_IS(cfg.routes[8].way, 3, "  another group");
	TAP_IS(cfg.routes[7].way, 0, "  default is group 0");
	int tor = cfg.routes[1].way;
	TAP_OK(tor >= 4 && cfg.groups[tor].n == 1 && cfg.groups[tor].member[0] == SX_REF_NAMED,
	       "  a proxy name: its single-member group");
	TAP_STR(cfg.groups[tor].name, "", "  unnamed");
	TAP_IS(cfg.groups[tor].pick, SX_PICK_STRICT, "  strict");
	TAP_IS(cfg.routes[6].way, tor, "  one group per proxy, reused");
	int url = cfg.routes[5].way;
	TAP_OK(url > tor && cfg.groups[url].member[0] == SX_REF_NAMED + 5,
	       "  a URL target: an unnamed proxy and its group");
	TAP_IS(cfg.dns, SX_DNS_REMOTE, "  dns remote: every last hop carries names");
	TAP_OK(sx_config_proxy_at(&cfg, SX_REF_NAMED + 5) == &cfg.named[5], "  proxy_at named");

	TAP_IS(load(SERVER "chain_mode round_robin\nchain socks5h://a:1\nchain_len 2\n", NULL), 0,
	       "chain_mode before chain, chain_len");
	TAP_IS(cfg.groups[0].pick, SX_PICK_ROUND_ROBIN, "  round_robin");
	TAP_IS(cfg.groups[0].len, 2, "  len 2");
	TAP_IS(load(SERVER "chain socks5h://a:1\nchain_mode dynamic\nchain_len 1\n", NULL), 0,
	       "dynamic ignores chain_len");
	TAP_IS(cfg.groups[0].len, 2, "  every member");
	TAP_IS(load(SERVER "chain_mode RANDOM\n", NULL), 0, "modes case-insensitive");
	TAP_IS(cfg.groups[0].len, 1, "  random: len 1 by default");
	TAP_IS(load(SERVER "dead_time 500\n", NULL), 0, "dead_time in ms");
	TAP_IS(cfg.dead_time_ms, 500, "  500");
	TAP_IS(load(NULL, NULL), 0, "defaults");
	TAP_IS(cfg.dead_time_ms, 60000, "  dead_time 60000");
	TAP_IS(cfg.groups[0].pick, SX_PICK_STRICT, "  strict");
	TAP_IS(cfg.n_groups, 1, "  only the default");

	TAP_IS(load(SERVER "pipeline on\nproxy a socks5://192.0.2.1:1\nroute * a\n", NULL), 0,
	       "pipeline with a named proxy");
	TAP_OK(cfg.named[0].pipeline, "  pipeline applies to named proxies too");
	TAP_IS(
	    load("server socks5://127.0.0.1:1\nproxy s4 socks4://192.0.2.1:1\nroute .x s4\n", NULL),
	    0, "socks4 as a route's last hop");
	TAP_IS(cfg.dns, SX_DNS_LOCAL, "  dns local (socks5 default, socks4 route)");
	TAP_IS(load(SERVER "proxy s4 socks4://192.0.2.1:1\nroute .x s4\n", NULL), 0,
	       "a socks4 route beside socks5h");
	TAP_IS(cfg.dns, SX_DNS_LOCAL, "  dns local: not every last hop carries names");
	TAP_IS(load(SERVER "proxy s4 socks4://192.0.2.1:1\ngroup g strict s4 "
			   "socks5h://192.0.2.7:1\n",
		    NULL),
	       0, "a group no route uses does not count");
	TAP_IS(cfg.dns, SX_DNS_REMOTE, "  dns remote");
	TAP_IS(load(SERVER "proxy s4 socks4://192.0.2.1:1\nroute .x s4\nstrict on\n", NULL),
	       -EINVAL, "strict with a socks4 last hop");
	TAP_OK(strstr(err, "strict mode: dns local") != NULL, "  refused: %s", err);
	TAP_IS(load(SERVER "proxy s5 socks5://192.0.2.1:1\nroute .x s5\nstrict on\n", NULL), 0,
	       "strict with a socks5 route");
	TAP_IS(cfg.dns, SX_DNS_REMOTE, "  dns remote");
}

static void test_env(void)
{
	TAP_IS(load(SERVER "proxy tor socks5h://127.0.0.1:9050\nroute .onion tor\nroute * direct\n",
		    ENV("SOCKSIFY_ROUTES",
			"10.0.0.0/8 reject, .example.com tor; *:25 "
			"socks5://192.0.2.5:1080",
			"SOCKSIFY_CHAIN_MODE", "failover", "SOCKSIFY_CHAIN_LEN", "1",
			"SOCKSIFY_DEAD_TIME", "2s")),
	       0, "SOCKSIFY_ROUTES naming the file's proxy");
	TAP_IS(cfg.n_routes, 5, "  three env routes, two file routes");
	TAP_IS(cfg.routes[0].way, SX_WAY_REJECT, "  env first, in order");
	TAP_IS(cfg.routes[0].match.kind, SX_BYPASS_CIDR4, "  10/8");
	TAP_IS(cfg.routes[1].match.kind, SX_BYPASS_SUFFIX, "  .example.com");
	TAP_IS(cfg.routes[2].match.port, 25, "  *:25");
	TAP_IS(cfg.routes[3].match.kind, SX_BYPASS_SUFFIX, "  then the file's .onion");
	TAP_IS(cfg.routes[4].way, SX_WAY_DIRECT, "  and *");
	TAP_IS(cfg.groups[0].pick, SX_PICK_FAILOVER, "  SOCKSIFY_CHAIN_MODE");
	TAP_IS(cfg.dead_time_ms, 2000, "  SOCKSIFY_DEAD_TIME");
	TAP_IS(sx_route_for_name(&cfg, "www.example.com", 80), cfg.routes[1].way,
	       "  the env route wins over the file's *");
	TAP_IS(sx_route_for_addr(&cfg, 4, v4_10, 25), SX_WAY_REJECT, "  first match wins");
	TAP_IS(sx_route_for_addr(&cfg, 4, v4_203, 25), cfg.routes[2].way, "  *:25");

	TAP_IS(load(SERVER "chain socks5h://b:1\nchain socks5h://b:1 socks5h://c:1\nchain_len 3\n"
			   "chain_mode random\n",
		    ENV("SOCKS_SERVER", "socks5h://10.0.0.9:1080")),
	       0, "SOCKS_SERVER replaces the file's server, chain and its chain_len");
	TAP_IS(cfg.groups[0].n, 1, "  the default group follows: one member");
	TAP_IS(cfg.groups[0].len, 1, "  len 1");
	TAP_STR(cfg.proxy.host, "10.0.0.9", "  the env's server");
	TAP_IS(load(NULL, ENV("SOCKS_SERVER", "socks5h://10.0.0.9:1080", "SOCKSIFY_CHAIN",
			      "socks5h://b:1", "SOCKSIFY_CHAIN_MODE", "round_robin",
			      "SOCKSIFY_CHAIN_LEN", "2")),
	       0, "all from the environment");
	TAP_IS(cfg.groups[0].pick, SX_PICK_ROUND_ROBIN, "  round_robin");
	TAP_IS(cfg.groups[0].len, 2, "  len 2");
	TAP_IS(cfg.groups[0].member[1], 1, "  hop 2 is via[0]");
}

static void expect(const char *file, const char *const *env, const char *want, const char *what)
{
	int r = load(file, env);
	TAP_IS(r, -EINVAL, "%s", what);
	TAP_STR(err, want, "  %s", err);
}

static void test_errors(void)
{
	expect(SERVER "proxy tor\n", NULL, "t.conf:2: proxy: want: proxy NAME URL", "proxy no URL");
	expect(SERVER "proxy a socks5://h:1 extra\n", NULL, "t.conf:2: proxy: text after the URL",
	       "proxy extra word");
	expect(SERVER "proxy a socks5://h:1\nproxy a socks5://h:2\n", NULL,
	       "t.conf:3: proxy: duplicate name 'a'", "duplicate proxy");
	expect(SERVER "proxy a socks5://h:1\ngroup a strict a\n", NULL,
	       "t.conf:3: group: duplicate name 'a'", "a group named as a proxy");
	expect(SERVER "proxy direct socks5://h:1\n", NULL,
	       "t.conf:2: proxy: 'direct' is reserved (direct, reject and default are targets)",
	       "reserved name");
	expect(SERVER "group Default strict socks5://h:1\n", NULL,
	       "t.conf:2: group: 'Default' is reserved (direct, reject and default are targets)",
	       "reserved name, any case");
	expect(SERVER "proxy a.b socks5://h:1\n", NULL,
	       "t.conf:2: proxy: bad name 'a.b' (letters, digits, '-' and '_')", "bad name");
	expect(SERVER "proxy abcdefghijabcdefghijabcdefghij012 socks5://h:1\n", NULL,
	       "t.conf:2: proxy: name 'abcdefghijabcdefghijabcdefghij01...' longer than 31 "
	       "characters",
	       "long name");
	expect(SERVER "proxy a h:1\n", NULL,
	       "t.conf:2: proxy: 'a' needs a URL such as socks5://host:port", "no scheme");
	expect(SERVER "proxy a socks9://h:1\n", NULL,
	       "t.conf:2: proxy: unsupported scheme 'socks9' (use socks4, socks4a, socks5, "
	       "socks5h or http)",
	       "bad URL");
	expect(SERVER "group g fast socks5://h:1\n", NULL,
	       "t.conf:2: group: bad mode 'fast' (strict, dynamic, failover, round_robin or "
	       "random)",
	       "bad mode");
	expect(SERVER "group g failover\n", NULL,
	       "t.conf:2: group: no members (proxy names or URLs after the mode)", "no members");
	expect(SERVER "group g\n", NULL, "t.conf:2: group: want: group NAME MODE [len N] MEMBER...",
	       "no mode");
	expect(SERVER "group g failover len 0 socks5://h:1\n", NULL,
	       "t.conf:2: group: len 0: a connection needs at least one proxy", "len 0");
	expect(SERVER "group g random len 3 socks5://h:1 socks5://i:1\n", NULL,
	       "t.conf:2: group: len 3 is larger than the group's 2 members", "len > members");
	expect(SERVER "group g random len x socks5://h:1\n", NULL,
	       "t.conf:2: group: len wants a number from 1 to 16", "len not a number");
	expect(SERVER "group g strict len 1 socks5://h:1\n", NULL,
	       "t.conf:2: group: len is for failover, round_robin and random (strict uses every "
	       "member)",
	       "len with strict");
	expect(SERVER "group g strict nobody\n", NULL,
	       "t.conf:2: group: unknown proxy 'nobody' (define it with a proxy line first)",
	       "unknown member");
	expect(SERVER "group g strict socks5://h:1\ngroup h strict g\n", NULL,
	       "t.conf:3: group: 'g' is a group; members are proxies (names or URLs)",
	       "a group as a member");
	expect(SERVER "route 10.0.0.0/8 b\nproxy b socks5://h:1\n", NULL,
	       "t.conf:2: route: unknown target 'b' (direct, reject, default, a proxy or group "
	       "defined earlier, or a URL)",
	       "a name used before its definition");
	expect(SERVER "route 10.0.0.0/33 direct\n", NULL,
	       "t.conf:2: route: bad match '10.0.0.0/33' (CIDR[:port], [v6]:port, host, .domain, "
	       "*.domain, *:PORT, :PORT or *)",
	       "bad match");
	expect(SERVER "route *:0 direct\n", NULL,
	       "t.conf:2: route: bad match '*:0' (CIDR[:port], [v6]:port, host, .domain, "
	       "*.domain, *:PORT, :PORT or *)",
	       "port 0");
	expect(SERVER "route 10.0.0.0/8\n", NULL, "t.conf:2: route: want: MATCH TARGET",
	       "route without target");
	expect(SERVER "route 10.0.0.0/8 direct now\n", NULL,
	       "t.conf:2: route: text after the target", "route extra word");
	expect(SERVER "route * socks5://u:secret@h:99999\n", NULL,
	       "t.conf:2: route: port out of range (1 to 65535)",
	       "route bad URL, no secret quoted");
	expect(SERVER "chain_mode fast\n", NULL,
	       "t.conf:2: chain_mode: bad mode 'fast' (strict, dynamic, failover, round_robin or "
	       "random)",
	       "bad chain_mode");
	expect(SERVER "chain_len 0\n", NULL,
	       "t.conf:2: chain_len: expected a number from 1 to 16, got '0'", "chain_len 0");
	expect(SERVER "chain_mode random\nchain_len 2\n", NULL,
	       "t.conf:3: chain_len: 2 is larger than the default chain's 1 proxies",
	       "chain_len > the default's members");
	expect(SERVER "dead_time soon\n", NULL,
	       "t.conf:2: dead_time: bad duration 'soon' (use e.g. 500ms or 10s)", "bad dead_time");
	expect("proxy a socks5://h:1\nroute * a\n", NULL,
	       "t.conf: proxy, group and route lines need a server (the default route; `route * "
	       "direct` sends the rest direct)",
	       "routes without a server");
	expect(NULL, ENV("SOCKSIFY_ROUTES", "*:25 reject"),
	       "SOCKSIFY_ROUTES: proxy, group and route lines need a server (the default route; "
	       "`route * direct` sends the rest direct)",
	       "environment routes without a server");
	expect(SERVER "group g dynamic socks4://192.0.2.1:1 socks5://h:1\n", NULL,
	       "t.conf:2: group: dynamic: member 1 (socks4) cannot carry member 2's host: socks4 "
	       "takes IPv4 addresses only (use socks4a)",
	       "a socks4 hop before a name");
	expect(SERVER "group g random len 2 socks5://[2001:db8::1]:1 socks4a://h:1\n", NULL,
	       "t.conf:2: group: random: member 2 (socks4a) cannot carry member 1's host: socks4a "
	       "takes no IPv6",
	       "random: any order is checked");
	TAP_IS(load(SERVER "group g failover socks4://192.0.2.1:1 socks5://h:1\n", NULL), 0,
	       "failover len 1: members never follow each other");
	expect("server socks5://h:1\nchain socks4://192.0.2.1:1 socks5://192.0.2.2:1\n"
	       "chain_mode random\nchain_len 2\n",
	       NULL,
	       "t.conf:3: chain_mode: random: member 2 (socks4) cannot carry member 1's host: "
	       "socks4 takes IPv4 addresses only (use socks4a)",
	       "the default group checked for its mode");
	TAP_IS(
	    load("server socks4://192.0.2.1:1\nchain socks5h://h:1\nchain_mode failover\n", NULL),
	    0, "failover len 1: the default's hops never follow each other");

	char many[4096] = SERVER;
	for (int i = 0; i <= SX_NAMED_MAX; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many),
			 "proxy p%d socks5://h:1\n", i);
	load(many, NULL);
	TAP_STR(
	    err,
	    "t.conf:18: proxy: more than 16 proxies (proxy lines and URLs in groups and routes)",
	    "too many proxies");
	strcpy(many, SERVER);
	for (int i = 0; i < SX_GROUPS_MAX; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "group g%d strict %s\n",
			 i, "socks5://h:1");
	load(many, NULL);
	TAP_OK(strstr(err, "t.conf:18: group: more than 16 proxies") != NULL,
	       "  URLs count as proxies: %s", err);
	strcpy(many, SERVER "proxy a socks5://h:1\n");
	for (int i = 0; i < SX_GROUPS_MAX; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "group g%d strict a\n",
			 i);
	load(many, NULL);
	TAP_STR(err, "t.conf:34: group: more than 31 groups (group lines and route targets)",
		"too many groups");
	strcpy(many, SERVER);
	for (int i = 0; i <= SX_ROUTES_MAX; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many),
			 "route 10.0.0.%d direct\n", i);
	load(many, NULL);
	TAP_STR(err, "t.conf:66: route: more than 64 routes", "too many routes");
	strcpy(many, SERVER "proxy a socks5://h:1\ngroup g dynamic");
	for (int i = 0; i <= SX_GROUP_MEMBERS_MAX; i++)
		strcat(many, " a");
	strcat(many, "\n");
	load(many, NULL);
	TAP_STR(err, "t.conf:3: group: more than 16 members", "too many members");

	expect(SERVER, ENV("SOCKSIFY_ROUTES", "10.0.0.0/8 direct, .x nobody"),
	       "SOCKSIFY_ROUTES: route 2: unknown target 'nobody' (direct, reject, default, a "
	       "proxy or group defined earlier, or a URL)",
	       "env route error names the route");
	expect(SERVER, ENV("SOCKSIFY_ROUTES", "10.0.0.0/8"),
	       "SOCKSIFY_ROUTES: route 1: want: MATCH TARGET", "env route without target");
	expect(SERVER, ENV("SOCKSIFY_CHAIN_MODE", "fast"),
	       "SOCKSIFY_CHAIN_MODE: bad mode 'fast' (strict, dynamic, failover, round_robin or "
	       "random)",
	       "env chain mode");
	expect(SERVER, ENV("SOCKSIFY_CHAIN_LEN", "17"),
	       "SOCKSIFY_CHAIN_LEN: expected a number from 1 to 16, got '17'", "env chain len");
	expect(SERVER, ENV("SOCKSIFY_CHAIN_MODE", "failover", "SOCKSIFY_CHAIN_LEN", "2"),
	       "SOCKSIFY_CHAIN_LEN: 2 is larger than the default chain's 1 proxies",
	       "env chain len > members");
	expect(SERVER, ENV("SOCKSIFY_DEAD_TIME", "0"),
	       "SOCKSIFY_DEAD_TIME: duration '0' out of range (1ms to 3600s)", "env dead time");
}

static void test_matching(void)
{
	TAP_IS(load(SERVER "proxy t socks5h://127.0.0.1:9050\n"
			   "route example.com reject\n"
			   "route .example.net t\n"
			   "route *.example.org t\n"
			   "route [2001:db8::1]:443 reject\n"
			   "route 10.0.0.0/8:22 t\n"
			   "route :53 direct\n"
			   "route *:25 reject\n"
			   "route * t\n"
			   "bypass example.com\n",
		    NULL),
	       0, "matching");
	int t = cfg.routes[1].way;
	TAP_IS(cfg.routes[0].match.kind, SX_BYPASS_HOST, "  route example.com: exact");
	TAP_IS(cfg.bypass.e[0].kind, SX_BYPASS_SUFFIX, "  bypass example.com: a suffix");
	TAP_IS(sx_route_for_name(&cfg, "www.example.com", 80), SX_WAY_DIRECT,
	       "  the bypass comes first (and is a suffix)");
	cfg.bypass.n = 0;
	TAP_IS(sx_route_for_name(&cfg, "Example.COM.", 80), SX_WAY_REJECT,
	       "  exact, any case, trailing dot");
	TAP_IS(sx_route_for_name(&cfg, "www.example.com", 80), t, "  no subdomain: falls to *");
	TAP_IS(sx_route_for_name(&cfg, "example.net", 80), t, "  .example.net: the domain");
	TAP_IS(sx_route_for_name(&cfg, "a.b.example.org", 80), t, "  *.example.org: under it");
	TAP_IS(sx_route_for_name(&cfg, "example.org", 80), t, "  and itself");
	TAP_IS(sx_route_for_addr(&cfg, 6, v6_db8, 443), SX_WAY_REJECT, "  [2001:db8::1]:443");
	TAP_IS(sx_route_for_name(&cfg, "[2001:db8::1]", 443), SX_WAY_REJECT,
	       "  a numeric name as its address");
	TAP_IS(sx_route_for_name(&cfg, "2001:db8::1", 444), t, "  other port: *");
	TAP_IS(sx_route_for_addr(&cfg, 4, v4_10, 22), t, "  10/8:22");
	TAP_IS(sx_route_for_addr(&cfg, 6, mapped_10, 22), t, "  IPv4-mapped IPv6 as IPv4");
	TAP_IS(sx_route_for_addr(&cfg, 4, v4_10, 53), SX_WAY_DIRECT, "  :53");
	TAP_IS(sx_route_for_name(&cfg, "mail.example", 25), SX_WAY_REJECT, "  *:25 for a name");
	TAP_IS(sx_route_for_addr(&cfg, 4, v4_203, 25), SX_WAY_REJECT, "  *:25 for an address");
	TAP_IS(sx_route_for_addr(&cfg, 4, v4_203, 80), t, "  * for the rest");
	TAP_IS(load(SERVER "route 10.0.0.0/8 direct\n", NULL), 0, "no catch-all");
	TAP_IS(sx_route_for_addr(&cfg, 4, v4_203, 80), SX_WAY_NONE, "  no match: none");
	TAP_IS(sx_route_for_name(&cfg, "x.example", 80), SX_WAY_NONE, "  names too");
}

int main(void)
{
	test_keys();
	test_env();
	test_errors();
	test_matching();
	return tap_done();
}
