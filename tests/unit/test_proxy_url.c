/* SPDX-License-Identifier: MIT */
/* SOCKS proxy URLs: every accepted form, every error message, percent-decoding,
 * IPv6 literals and the 255/256-byte limits. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "../../config/proxy_url.h"
#include "tap.h"

static const struct good {
	const char *url;
	enum sx_proto proto;
	const char *host;
	unsigned port;
	bool has_user;
	const char *user, *pass;
} goods[] = {
    {"socks4://h", SX_PROTO_SOCKS4, "h", 1080, false, "", ""},
    {"socks4a://h", SX_PROTO_SOCKS4A, "h", 1080, false, "", ""},
    {"socks5://h", SX_PROTO_SOCKS5, "h", 1080, false, "", ""},
    {"socks5h://h", SX_PROTO_SOCKS5H, "h", 1080, false, "", ""},
    {"SOCKS5H://h", SX_PROTO_SOCKS5H, "h", 1080, false, "", ""},
    {"SoCkS4A://h", SX_PROTO_SOCKS4A, "h", 1080, false, "", ""},
    {"proxy.example.com", SX_PROTO_SOCKS5H, "proxy.example.com", 1080, false, "", ""},
    {"proxy.example.com:9050", SX_PROTO_SOCKS5H, "proxy.example.com", 9050, false, "", ""},
    {"127.0.0.1:1", SX_PROTO_SOCKS5H, "127.0.0.1", 1, false, "", ""},
    {"socks5://127.0.0.1:65535", SX_PROTO_SOCKS5, "127.0.0.1", 65535, false, "", ""},
    {"socks5://127.0.0.1:1080/", SX_PROTO_SOCKS5, "127.0.0.1", 1080, false, "", ""},
    {"socks5://127.0.0.1/", SX_PROTO_SOCKS5, "127.0.0.1", 1080, false, "", ""},
    {"socks5://h:/", SX_PROTO_SOCKS5, "h", 1080, false, "", ""},
    {"socks5://h:", SX_PROTO_SOCKS5, "h", 1080, false, "", ""},
    {"socks5://h:00080", SX_PROTO_SOCKS5, "h", 80, false, "", ""},
    {"socks5://[::1]", SX_PROTO_SOCKS5, "::1", 1080, false, "", ""},
    {"socks5://[::1]:1081", SX_PROTO_SOCKS5, "::1", 1081, false, "", ""},
    {"socks5://[::1]:1081/", SX_PROTO_SOCKS5, "::1", 1081, false, "", ""},
    {"socks5://[::1]/", SX_PROTO_SOCKS5, "::1", 1080, false, "", ""},
    {"[2001:db8::7]:9", SX_PROTO_SOCKS5H, "2001:db8::7", 9, false, "", ""},
    {"socks5h://[::ffff:192.0.2.1]:7", SX_PROTO_SOCKS5H, "::ffff:192.0.2.1", 7, false, "", ""},
    {"socks5://[1:2:3:4:5:6:7:8]", SX_PROTO_SOCKS5, "1:2:3:4:5:6:7:8", 1080, false, "", ""},
    {"socks5://u@h", SX_PROTO_SOCKS5, "h", 1080, true, "u", ""},
    {"socks5://u:p@h:2", SX_PROTO_SOCKS5, "h", 2, true, "u", "p"},
    {"socks5://u:@h", SX_PROTO_SOCKS5, "h", 1080, true, "u", ""},
    {"socks5://:p@h", SX_PROTO_SOCKS5, "h", 1080, true, "", "p"},
    {"socks5://@h", SX_PROTO_SOCKS5, "h", 1080, false, "", ""},
    {"socks5://u:p:q@h", SX_PROTO_SOCKS5, "h", 1080, true, "u", "p:q"},
    {"socks5://u:p@q@h", SX_PROTO_SOCKS5, "h", 1080, true, "u", "p@q"},
    {"socks5://us%40er:p%3Aw%2fd@h", SX_PROTO_SOCKS5, "h", 1080, true, "us@er", "p:w/d"},
    {"socks5://%41%62:%7e%7E@h", SX_PROTO_SOCKS5, "h", 1080, true, "Ab", "~~"},
    {"socks5://%20:%25@h", SX_PROTO_SOCKS5, "h", 1080, true, " ", "%"},
    {"socks5://u:p@[::1]:5", SX_PROTO_SOCKS5, "::1", 5, true, "u", "p"},
    {"u:p@h:5", SX_PROTO_SOCKS5H, "h", 5, true, "u", "p"},
    {"socks4://userid@10.0.0.1:1080", SX_PROTO_SOCKS4, "10.0.0.1", 1080, true, "userid", ""},
    {"http://h", SX_PROTO_HTTP, "h", 8080, false, "", ""},
    {"HTTP://u:p@[::1]:3128/", SX_PROTO_HTTP, "::1", 3128, true, "u", "p"},
    {"socks5://under_score-dash.example.", SX_PROTO_SOCKS5, "under_score-dash.example.", 1080,
     false, "", ""},
};

static const struct bad {
	const char *url;
	const char *err;
} bads[] = {
    {"ftp://h:3128", "unsupported scheme 'ftp' (use socks4, socks4a, socks5, socks5h or http)"},
    {"https://h", "unsupported scheme 'https' (use socks4, socks4a, socks5, socks5h or http)"},
    {"socks://h", "unsupported scheme 'socks' (use socks4, socks4a, socks5, socks5h or http)"},
    {"socks6://h", "unsupported scheme 'socks6' (use socks4, socks4a, socks5, socks5h or http)"},
    {"SOCKS5X://h", "unsupported scheme 'SOCKS5X' (use socks4, socks4a, socks5, socks5h or http)"},
    {"", "empty host"},
    {"socks5://", "empty host"},
    {"socks5://:1080", "empty host"},
    {"socks5://u:p@", "empty host"},
    {"socks5://u:p@:1", "empty host"},
    {"socks5:///", "empty host"},
    {"socks5://[]:1", "empty host"},
    {"socks5://h:99999", "port out of range (1 to 65535)"},
    {"socks5://h:65536", "port out of range (1 to 65535)"},
    {"socks5://h:0", "port out of range (1 to 65535)"},
    {"socks5://h:000", "port out of range (1 to 65535)"},
    {"h:123456789012345678901234567890", "port out of range (1 to 65535)"},
    {"socks5://h:12ab", "bad port: not a number (user:password must be followed by @host)"},
    {"socks5://h:-1", "bad port: not a number (user:password must be followed by @host)"},
    {"socks5://h: 1", "bad port: not a number (user:password must be followed by @host)"},
    {"socks5://u@h:1x", "bad port: not a number"},
    {"socks5://h:1/x", "unexpected path after the host"},
    {"socks5://h/path", "unexpected path after the host"},
    {"socks5://h//", "unexpected path after the host"},
    {"socks5://[::1", "unterminated [ in IPv6 address"},
    {"socks5://[::1:1080", "unterminated [ in IPv6 address"},
    {"socks5://[::g]", "bad IPv6 address in brackets"},
    {"socks5://[1.2.3.4]", "bad IPv6 address in brackets"},
    {"socks5://[fe80::1%25eth0]", "bad IPv6 address in brackets"},
    {"socks5://[::1]x", "unexpected text after the host"},
    {"socks5://[::1]:1x", "bad port: not a number (user:password must be followed by @host)"},
    {"socks5://h:1?a", "bad port: not a number (user:password must be followed by @host)"},
    {"socks5://[::1]/#", "unexpected path after the host"},
    {"socks5://::1", "IPv6 address must be written in [brackets]"},
    {"::1:1080", "IPv6 address must be written in [brackets]"},
    {"socks5://h st", "bad character in host (letters, digits, '-', '.' and '_' only)"},
    {"socks5://h?x=1", "bad character in host (letters, digits, '-', '.' and '_' only)"},
    {"socks5://%68", "bad character in host (letters, digits, '-', '.' and '_' only)"},
    {"socks5://u%zz@h", "bad percent-encoding in user"},
    {"socks5://u%4@h", "bad percent-encoding in user"},
    {"socks5://u%@h", "bad percent-encoding in user"},
    {"socks5://u%00@h", "bad percent-encoding in user"},
    {"socks5://u:s3cr%et@h", "bad percent-encoding in password"},
    {"socks5://u:s3cret%0@h", "bad percent-encoding in password"},
    {"socks5://u:s3cret%00x@h", "bad percent-encoding in password"},
    /* the host forgotten: "user:password" reads as host and port, and is never quoted */
    {"socks5://alice:s3cretPW", "bad port: not a number (user:password must be followed by @host)"},
    {"alice:s3cretPW", "bad port: not a number (user:password must be followed by @host)"},
    {"socks5://alice:s3cretPW/",
     "bad port: not a number (user:password must be followed by @host)"},
    {"socks5://alice:s3cretPW/x",
     "bad port: not a number (user:password must be followed by @host)"},
    {"socks5://alice:s3cr3123456",
     "bad port: not a number (user:password must be followed by @host)"},
    {"socks5://alice:99999999", "port out of range (1 to 65535)"},
    {"socks5://alice:s3cret:PW", "IPv6 address must be written in [brackets]"},
    {"socks5://s3cret PW", "bad character in host (letters, digits, '-', '.' and '_' only)"},
    {"socks5://h/s3cret", "unexpected path after the host"},
    {"socks5://[::1]s3cret", "unexpected text after the host"},
    {"socks5://[s3cret]", "bad IPv6 address in brackets"},
    {"socks5://alice:s3cretPW@", "empty host"},
};

static void test_good(void)
{
	for (size_t i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];
		struct sx_proxy p;
		char err[256] = "untouched";
		int r;

		memset(&p, 0xa5, sizeof(p));
		r = sx_proxy_url_parse(&p, g->url, err, sizeof(err));
		TAP_IS(r, 0, "parse '%s'", g->url);
		if (r != 0) {
			printf("#   err: %s\n", err);
			continue;
		}
		TAP_IS(p.proto, g->proto, "  proto");
		TAP_STR(p.host, g->host, "  host '%s'", p.host);
		TAP_IS(p.port, g->port, "  port");
		TAP_IS(p.has_user, g->has_user, "  has_user");
		TAP_STR(p.user, g->user, "  user '%s'", p.user);
		TAP_STR(p.pass, g->pass, "  pass");
		TAP_IS(p.pipeline, false, "  pipeline off");
	}
}

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const struct bad *b = &bads[i];
		struct sx_proxy p;
		char err[256] = "";

		memset(&p, 0x5a, sizeof(p));
		TAP_IS(sx_proxy_url_parse(&p, b->url, err, sizeof(err)), -EINVAL, "reject '%s'",
		       b->url);
		TAP_STR(err, b->err, "  message '%s'", err);
		TAP_OK(strstr(err, "s3cr") == NULL && strstr(err, "9999") == NULL,
		       "  no password in message");
		TAP_IS(p.port, 0x5a5a, "  output untouched on error");
	}
}

static void test_bare_proto(void)
{
	struct sx_proxy p;
	char err[128];

	TAP_IS(sx_proxy_url_parse_as(&p, "h:1", SX_PROTO_SOCKS4, err, sizeof(err)), 0, "bare as 4");
	TAP_IS(p.proto, SX_PROTO_SOCKS4, "  socks4");
	TAP_IS(sx_proxy_url_parse_as(&p, "h:1", SX_PROTO_SOCKS5, err, sizeof(err)), 0, "bare as 5");
	TAP_IS(p.proto, SX_PROTO_SOCKS5, "  socks5");
	TAP_IS(sx_proxy_url_parse_as(&p, "socks4a://h", SX_PROTO_SOCKS5, err, sizeof(err)), 0,
	       "scheme beats bare default");
	TAP_IS(p.proto, SX_PROTO_SOCKS4A, "  socks4a");
}

static void fill(char *s, char ch, size_t n)
{
	memset(s, ch, n);
	s[n] = '\0';
}

static void test_limits(void)
{
	char url[2048], big[1024], err[256];
	struct sx_proxy p;

	fill(big, 'u', 255);
	snprintf(url, sizeof(url), "socks5://%s:p@h", big);
	TAP_IS(sx_proxy_url_parse(&p, url, err, sizeof(err)), 0, "255-byte user");
	TAP_IS(strlen(p.user), 255, "  kept whole");
	fill(big, 'u', 256);
	snprintf(url, sizeof(url), "socks5://%s:p@h", big);
	TAP_IS(sx_proxy_url_parse(&p, url, err, sizeof(err)), -EINVAL, "256-byte user");
	TAP_STR(err, "user longer than 255 bytes", "  message");

	fill(big, 'x', 255);
	snprintf(url, sizeof(url), "socks5://u:%s@h", big);
	TAP_IS(sx_proxy_url_parse(&p, url, err, sizeof(err)), 0, "255-byte password");
	TAP_IS(strlen(p.pass), 255, "  kept whole");
	fill(big, 'x', 256);
	snprintf(url, sizeof(url), "socks5://u:%s@h", big);
	TAP_IS(sx_proxy_url_parse(&p, url, err, sizeof(err)), -EINVAL, "256-byte password");
	TAP_STR(err, "password longer than 255 bytes", "  message");
	TAP_OK(strstr(err, "xxx") == NULL, "  password not echoed");

	/* the limit applies after decoding: 255 x "%41" is 765 bytes of text */
	big[0] = '\0';
	for (int i = 0; i < 255; i++)
		strcat(big, "%41");
	snprintf(url, sizeof(url), "socks5://%s@h", big);
	TAP_IS(sx_proxy_url_parse(&p, url, err, sizeof(err)), 0, "255 decoded bytes");
	TAP_IS(strlen(p.user), 255, "  decoded length");
	TAP_OK(p.user[0] == 'A' && p.user[254] == 'A', "  decoded content");
	snprintf(url, sizeof(url), "socks5://%s%%41@h", big);
	TAP_IS(sx_proxy_url_parse(&p, url, err, sizeof(err)), -EINVAL, "256 decoded bytes");
	TAP_STR(err, "user longer than 255 bytes", "  message");

	fill(big, 'h', 255);
	snprintf(url, sizeof(url), "socks5://%s:9", big);
	TAP_IS(sx_proxy_url_parse(&p, url, err, sizeof(err)), 0, "255-byte host");
	TAP_IS(strlen(p.host), 255, "  kept whole");
	TAP_IS(p.port, 9, "  port");
	fill(big, 'h', 256);
	snprintf(url, sizeof(url), "socks5://%s:9", big);
	TAP_IS(sx_proxy_url_parse(&p, url, err, sizeof(err)), -EINVAL, "256-byte host");
	TAP_STR(err, "host longer than 255 bytes", "  message");
}

static void test_err_buffer(void)
{
	struct sx_proxy p;
	char err[8];

	TAP_IS(sx_proxy_url_parse(&p, "ftp://h", NULL, 0), -EINVAL, "NULL err buffer");
	TAP_IS(sx_proxy_url_parse(&p, "ftp://h", err, sizeof(err)), -EINVAL, "tiny err buffer");
	TAP_STR(err, "unsuppo", "  truncated and terminated");
}

static void test_strip_password(void)
{
	static const struct {
		const char *url;
		bool ours, stripped;
		const char *out;
	} t[] = {
	    {"socks5://alice:s3cret@h:1080", false, true, "socks5://alice@h:1080"},
	    {"socks5h://alice:p:q@r@[::1]:1/", false, true, "socks5h://alice@[::1]:1/"},
	    {"SOCKS4A://:pw@h", false, true, "SOCKS4A://@h"},
	    {"alice:pw@h", true, true, "alice@h"},
	    {"alice:pw@h", false, false, ""},
	    {"socks5://alice@h", false, false, ""},
	    {"socks5://h:1080", false, false, ""},
	    {"http://alice:pw@h", false, false, ""},
	    {"http://alice:pw@h", true, true, "http://alice@h"},
	    {"https://alice:pw@h", true, false, ""},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char out[64] = "";
		TAP_IS(sx_proxy_url_strip_password(t[i].url, t[i].ours, out, sizeof out),
		       t[i].stripped, "strip '%s'", t[i].url);
		TAP_STR(out, t[i].out, "  -> '%s'", out);
	}
	char tiny[8];
	TAP_OK(!sx_proxy_url_strip_password("socks5://a:b@host", false, tiny, sizeof tiny),
	       "too small a buffer: not stripped");
}

int main(void)
{
	test_strip_password();
	test_good();
	test_bad();
	test_bare_proto();
	test_limits();
	test_err_buffer();
	return tap_done();
}
