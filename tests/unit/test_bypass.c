/* SPDX-License-Identifier: MIT */
/* Bypass lists: address parsing, CIDR edges (/0, /32, /128, non-aligned), names and
 * suffixes, port restrictions, NO_PROXY '*', and the error for each bad entry. */
#include <errno.h>
#include <string.h>

#include "../../config/bypass.h"
#include "tap.h"

static struct sx_bypass bp;

static int load(const char *list)
{
	char err[300];

	memset(&bp, 0, sizeof(bp));
	return sx_bypass_add_list(&bp, list, err, sizeof(err));
}

static bool v4(const char *list, const char *a, uint16_t port)
{
	uint8_t addr[16];

	if (load(list) != 0 || sx_bypass_parse_addr(a, strlen(a), addr) != 4)
		return false;
	return sx_bypass_match_addr(&bp, 4, addr, port);
}

static bool v6(const char *list, const char *a, uint16_t port)
{
	uint8_t addr[16];

	if (load(list) != 0 || sx_bypass_parse_addr(a, strlen(a), addr) != 6)
		return false;
	return sx_bypass_match_addr(&bp, 6, addr, port);
}

static bool nm(const char *list, const char *name, uint16_t port)
{
	return load(list) == 0 && sx_bypass_match_name(&bp, name, port);
}

static void test_parse_addr(void)
{
	static const struct {
		const char *s;
		int af;
		uint8_t b[16];
	} t[] = {
	    {"0.0.0.0", 4, {0}},
	    {"255.255.255.255", 4, {255, 255, 255, 255}},
	    {"192.0.2.10", 4, {192, 0, 2, 10}},
	    {"::", 6, {0}},
	    {"::1", 6, {[15] = 1}},
	    {"1::", 6, {0, 1}},
	    {"2001:db8::1", 6, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}},
	    {"2001:DB8:0:0:0:0:0:1", 6, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}},
	    {"1:2:3:4:5:6:7:8", 6, {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}},
	    {"1:2:3:4:5:6::8", 6, {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 0, 0, 8}},
	    {"::ffff:192.0.2.1", 6, {[10] = 0xff, 0xff, 192, 0, 2, 1}},
	    {"1:2:3:4:5:6:1.2.3.4", 6, {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4}},
	    {"fFfF::", 6, {0xff, 0xff}},
	    {"", 0, {0}},
	    {"1.2.3", 0, {0}},
	    {"1.2.3.4.5", 0, {0}},
	    {"1.2.3.256", 0, {0}},
	    {"01.2.3.4", 0, {0}},
	    {"1.2.3.4 ", 0, {0}},
	    {"1..3.4", 0, {0}},
	    {"1.2.3.", 0, {0}},
	    {"1234.1.1.1", 0, {0}},
	    {":", 0, {0}},
	    {":::", 0, {0}},
	    {":1::", 0, {0}},
	    {"1:", 0, {0}},
	    {"1::2::3", 0, {0}},
	    {"12345::", 0, {0}},
	    {"g::", 0, {0}},
	    {"1:2:3:4:5:6:7:8:9", 0, {0}},
	    {"1:2:3:4:5:6:7", 0, {0}},
	    {"1:2:3:4:5:6:7:8::", 0, {0}},
	    {"::1.2.3.4:5", 0, {0}},
	    {"1:2:3:4:5:6:7:1.2.3.4", 0, {0}},
	    {"::ffff:1.2.3", 0, {0}},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t out[16] = {0};
		int af = sx_bypass_parse_addr(t[i].s, strlen(t[i].s), out);

		TAP_IS(af, t[i].af, "parse_addr '%s'", t[i].s);
		if (af && t[i].af)
			TAP_MEM(out, t[i].b, af == 4 ? 4 : 16, "  bytes");
	}
	uint8_t out[16];
	TAP_IS(sx_bypass_parse_addr("10.0.0.1junk", 8, out), 4, "length-bounded, no NUL needed");
}

static void test_cidr4(void)
{
	TAP_OK(v4("10.0.0.0/8", "10.0.0.0", 1), "/8 first");
	TAP_OK(v4("10.0.0.0/8", "10.255.255.255", 1), "/8 last");
	TAP_OK(!v4("10.0.0.0/8", "11.0.0.0", 1), "/8 next");
	TAP_OK(!v4("10.0.0.0/8", "9.255.255.255", 1), "/8 previous");
	TAP_OK(v4("0.0.0.0/0", "203.0.113.9", 1), "/0 matches every v4");
	TAP_OK(!v6("0.0.0.0/0", "2001:db8::1", 1), "/0 v4 not v6");
	TAP_OK(v4("192.0.2.10", "192.0.2.10", 1), "plain address is /32");
	TAP_OK(!v4("192.0.2.10", "192.0.2.11", 1), "/32 neighbour");
	TAP_OK(v4("192.0.2.10/32", "192.0.2.10", 1), "explicit /32");
	TAP_OK(!v4("192.0.2.10/32", "192.0.2.11", 1), "explicit /32 neighbour");
	TAP_OK(v4("10.1.2.3/8", "10.200.0.1", 1), "non-aligned /8 masked");
	TAP_OK(v4("172.16.0.0/12", "172.31.255.255", 1), "/12 last");
	TAP_OK(!v4("172.16.0.0/12", "172.32.0.0", 1), "/12 next");
	TAP_OK(v4("172.17.5.5/12", "172.16.0.0", 1), "non-aligned /12 first");
	TAP_OK(v4("192.0.2.129/25", "192.0.2.255", 1), "/25 upper half");
	TAP_OK(!v4("192.0.2.129/25", "192.0.2.127", 1), "/25 lower half excluded");
	TAP_OK(v4("192.0.2.7/31", "192.0.2.6", 1), "/31 pair");
	TAP_OK(!v4("192.0.2.7/31", "192.0.2.8", 1), "/31 outside");
	TAP_OK(v4("128.0.0.0/1", "255.1.1.1", 1), "/1 upper");
	TAP_OK(!v4("128.0.0.0/1", "127.1.1.1", 1), "/1 lower");
	TAP_IS(load("10.1.2.3/8"), 0, "stored masked");
	TAP_MEM(bp.e[0].addr, "\x0a\0\0\0", 4, "  10.0.0.0");
	TAP_IS(bp.e[0].prefix, 8, "  prefix");
	TAP_IS(bp.e[0].kind, SX_BYPASS_CIDR4, "  kind");
}

static void test_cidr6(void)
{
	TAP_OK(v6("2001:db8::/32", "2001:db8:ffff::1", 1), "v6 /32 inside");
	TAP_OK(!v6("2001:db8::/32", "2001:db9::1", 1), "v6 /32 outside");
	TAP_OK(v6("::/0", "2001:db8::1", 1), "v6 /0");
	TAP_OK(!v4("::/0", "1.2.3.4", 1), "v6 /0 not v4");
	TAP_OK(v6("2001:db8::1/128", "2001:db8::1", 1), "/128");
	TAP_OK(!v6("2001:db8::1/128", "2001:db8::2", 1), "/128 neighbour");
	TAP_OK(v6("2001:db8::1", "2001:db8::1", 1), "bare v6 is /128");
	TAP_OK(v6("[2001:db8::1]", "2001:db8::1", 1), "bracketed v6");
	TAP_OK(!v6("[2001:db8::1]", "2001:db8::2", 1), "bracketed v6 neighbour");
	TAP_OK(v6("fe80::1/10", "febf::", 1), "non-aligned /10 last");
	TAP_OK(!v6("fe80::1/10", "fec0::", 1), "non-aligned /10 next");
	TAP_OK(v6("2001:db8::/127", "2001:db8::1", 1), "/127");
	TAP_OK(!v6("2001:db8::/127", "2001:db8::2", 1), "/127 outside");
	TAP_OK(v6("10.0.0.0/8", "::ffff:10.9.9.9", 1), "v4-mapped v6 hits v4 CIDR");
	TAP_OK(!v6("10.0.0.0/8", "::ffff:11.9.9.9", 1), "v4-mapped outside");
	TAP_OK(!v6("10.0.0.0/8", "::10.9.9.9", 1), "v4-compatible is not mapped");
}

static void test_names(void)
{
	TAP_OK(nm("example.com", "example.com", 80), "name itself");
	TAP_OK(nm("example.com", "www.example.com", 80), "subdomain");
	TAP_OK(nm("example.com", "a.b.example.com", 80), "deep subdomain");
	TAP_OK(!nm("example.com", "badexample.com", 80), "not a label boundary");
	TAP_OK(!nm("example.com", "example.com.evil", 80), "not a prefix");
	TAP_OK(!nm("example.com", "com", 80), "not the parent");
	TAP_OK(nm(".example.com", "example.com", 80), "dot form: name itself");
	TAP_OK(nm(".example.com", "x.example.com", 80), "dot form: subdomain");
	TAP_OK(nm("*.example.com", "example.com", 80), "star form: name itself");
	TAP_OK(nm("*.example.com", "x.example.com", 80), "star form: subdomain");
	TAP_OK(nm("Example.COM", "www.EXAMPLE.com", 80), "case-insensitive");
	TAP_OK(nm("example.com.", "example.com", 80), "entry trailing dot");
	TAP_OK(nm("example.com", "www.example.com.", 80), "query trailing dot");
	TAP_OK(!nm("example.com", ".", 80), "lone dot");
	TAP_OK(!nm("example.com", "", 80), "empty name");
	TAP_OK(nm("localhost", "localhost", 80), "single label");
	TAP_OK(nm("my_host-1.corp", "my_host-1.corp", 80), "underscore and dash");
	TAP_IS(load(".EXAMPLE.com."), 0, "stored form");
	TAP_STR(bp.e[0].name, "example.com", "  lower case, no dots");
	TAP_IS(bp.e[0].kind, SX_BYPASS_SUFFIX, "  suffix");

	char longname[300];
	memset(longname, 'a', 299);
	longname[299] = '\0';
	TAP_OK(!nm("example.com", longname, 80), "overlong query is no match");

	/* numeric names are matched as addresses */
	TAP_OK(nm("10.0.0.0/8", "10.1.2.3", 80), "numeric name vs CIDR");
	TAP_OK(nm("2001:db8::/32", "2001:db8::5", 80), "numeric v6 name");
	TAP_OK(nm("2001:db8::/32", "[2001:db8::5]", 80), "bracketed numeric v6 name");
	TAP_OK(!nm("10.0.0.0/8", "11.1.2.3", 80), "numeric name outside");
	TAP_OK(!nm("example.com", "10.1.2.3", 80), "numeric name vs suffix");
	TAP_OK(!v4("example.com", "10.1.2.3", 80), "address vs suffix");

	/* SX_BYPASS_HOST entries (not produced by the parser) match exactly */
	memset(&bp, 0, sizeof(bp));
	bp.n = 1;
	bp.e[0].kind = SX_BYPASS_HOST;
	strcpy(bp.e[0].name, "exact.test");
	TAP_OK(sx_bypass_match_name(&bp, "EXACT.test.", 1), "HOST exact");
	TAP_OK(!sx_bypass_match_name(&bp, "a.exact.test", 1), "HOST no subdomain");
}

static void test_ports(void)
{
	TAP_OK(nm("example.com:8080", "example.com", 8080), "name:port same port");
	TAP_OK(!nm("example.com:8080", "example.com", 80), "name:port other port");
	TAP_OK(nm("example.com:8080", "a.example.com", 8080), "suffix with port");
	TAP_OK(v4("1.2.3.4:53", "1.2.3.4", 53), "v4:port");
	TAP_OK(!v4("1.2.3.4:53", "1.2.3.4", 54), "v4:port other");
	TAP_OK(v4("10.0.0.0/8:443", "10.2.3.4", 443), "cidr:port");
	TAP_OK(!v4("10.0.0.0/8:443", "10.2.3.4", 80), "cidr:port other");
	TAP_OK(v6("[::1]:631", "::1", 631), "[v6]:port");
	TAP_OK(!v6("[::1]:631", "::1", 632), "[v6]:port other");
	TAP_OK(v6("[::1]", "::1", 632), "[v6] any port");
	TAP_OK(v4("1.2.3.4", "1.2.3.4", 65535), "no port: any");
	TAP_IS(load("a.test:65535"), 0, "port 65535");
	TAP_IS(bp.e[0].port, 65535, "  stored");
	TAP_OK(nm("1.2.3.4:53, example.com", "1.2.3.4", 53), "numeric name with port");
	TAP_OK(!nm("1.2.3.4:53, example.com", "1.2.3.4", 80), "numeric name other port");
}

static void test_lists(void)
{
	TAP_IS(load("10.0.0.0/8,192.168.0.0/16 , .corp\texample.org\n[::1]"), 0,
	       "mixed separators");
	TAP_IS(bp.n, 5, "  five entries");
	TAP_OK(!bp.all, "  not all");
	TAP_IS(load(""), 0, "empty list");
	TAP_IS(bp.n, 0, "  nothing");
	TAP_IS(load(" , ,, "), 0, "only separators");
	TAP_IS(bp.n, 0, "  nothing");
	TAP_IS(load("*"), 0, "NO_PROXY *");
	TAP_OK(bp.all, "  all");
	TAP_IS(bp.n, 0, "  no entries");
	TAP_OK(sx_bypass_match_name(&bp, "anything.example", 1), "  * matches names");
	TAP_OK(sx_bypass_match_addr(&bp, 4, (const uint8_t *)"\1\2\3\4", 1), "  * matches v4");
	TAP_OK(sx_bypass_match_addr(&bp, 6, (const uint8_t *)"0123456789abcdef", 1),
	       "  * matches v6");
	TAP_IS(load("localhost, *"), 0, "* among others");
	TAP_OK(bp.all && bp.n == 1, "  all plus one");

	/* appending across calls (file then env) */
	char err[128];
	memset(&bp, 0, sizeof(bp));
	TAP_IS(sx_bypass_add_list(&bp, "a.test", err, sizeof(err)), 0, "first list");
	TAP_IS(sx_bypass_add_list(&bp, "b.test", err, sizeof(err)), 0, "second list");
	TAP_OK(sx_bypass_match_name(&bp, "a.test", 1) && sx_bypass_match_name(&bp, "b.test", 1),
	       "  both kept");

	/* capacity */
	char list[64 * 8 + 16] = "";
	for (int i = 0; i < SX_BYPASS_MAX; i++)
		sprintf(list + strlen(list), "h%d.t,", i);
	memset(&bp, 0, sizeof(bp));
	TAP_IS(sx_bypass_add_list(&bp, list, err, sizeof(err)), 0, "64 entries fit");
	TAP_IS(bp.n, SX_BYPASS_MAX, "  all stored");
	TAP_IS(sx_bypass_add_list(&bp, "*", err, sizeof(err)), 0, "  '*' needs no slot");
	TAP_IS(sx_bypass_add_list(&bp, "one.more", err, sizeof(err)), -ENOSPC, "65th: -ENOSPC");
	TAP_STR(err, "too many bypass entries (at most 64)", "  message");
}

static void test_bad(void)
{
	static const char *const bad[] = {
	    "10.0.0.0/33",   "10.0.0.0/",      "10.0.0.0/-1", "10.0.0.0/8x",
	    "10.0.0.0/0008", "::/129",	       "2001:db8::/", "2001:db8::/1000",
	    "10.0.0.256",    "1.2.3",	       "01.2.3.4",    "a..b",
	    "ex%ample",	     "bad!name",       "*",	      "*.",
	    "*foo.com",	     "foo.*.com",      ".",	      "..",
	    "host:",	     "host:0",	       "host:65536",  "host:http",
	    "host:1:2:x",    "[::1",	       "[::1]:",      "[::1]:0",
	    "[::1]x",	     "[1.2.3.4]",      "[]",	      "[::1]/64",
	    ":80",	     "1.2.3.4:",       "a.test/8",    "2001:db8::1/x",
	    "x:99999999",    "under_\xc3\xa9", "123",
	};
	char err[300], want[300];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&bp, 0, sizeof(bp));
		int r = sx_bypass_add_list(&bp, bad[i], err, sizeof(err));
		if (strcmp(bad[i], "*") == 0) {
			TAP_IS(r, 0, "'*' alone is fine");
			continue;
		}
		TAP_IS(r, -EINVAL, "reject '%s'", bad[i]);
		snprintf(want, sizeof(want), "bad bypass entry '%s'", bad[i]);
		TAP_STR(err, want, "  message '%s'", err);
	}
	memset(&bp, 0, sizeof(bp));
	TAP_IS(sx_bypass_add_list(&bp, "ok.test, 10.0.0.0/33, later.test", err, sizeof(err)),
	       -EINVAL, "bad entry inside a list");
	TAP_STR(err, "bad bypass entry '10.0.0.0/33'", "  names only the bad entry");
	TAP_IS(sx_bypass_add_list(&bp, "1.2.3.4/40", NULL, 0), -EINVAL, "NULL err ok");
}

int main(void)
{
	test_parse_addr();
	test_cidr4();
	test_cidr6();
	test_names();
	test_ports();
	test_lists();
	test_bad();
	return tap_done();
}
