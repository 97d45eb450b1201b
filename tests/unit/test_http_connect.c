/* SPDX-License-Identifier: MIT */
/* core/http_connect: the reply reader never asks past the header's end, whatever the
 * line endings; malformed and overlong headers fail; the status table. */
#include <errno.h>
#include <string.h>

#include "../../core/errmap.h"
#include "../../core/http_connect.h"
#include "tap.h"

/* Feeds text as the reader asks (at most chunk bytes at a time): the result, and in
 * *used how many bytes it took. */
static int read_reply(const char *text, size_t len, size_t chunk, size_t *used)
{
	struct sx_http_reply r;
	size_t off = 0;

	sx_http_reply_init(&r);
	for (;;) {
		size_t n = sx_http_reply_want(&r);
		if (n == 0 || n > 12)
			return -EDEADLK;
		if (chunk && n > chunk)
			n = chunk;
		if (off + n > len)
			return -ECONNRESET;
		int rc = sx_http_reply_feed(&r, (const uint8_t *)text + off, n);
		off += n;
		*used = off;
		if (rc != 0)
			return rc == 1 ? (int)sx_http_reply_status(&r) : rc;
	}
}

static void reply(const char *head, int want, const char *what)
{
	char buf[512];
	size_t hl = strlen(head), used = 0;
	int bad = 0;

	/* the tunnel's first bytes follow in the same segment */
	snprintf(buf, sizeof buf, "%s%s", head, "220 banner\r\n");
	for (size_t chunk = 0; chunk < 4; chunk++) {
		int rc = read_reply(buf, strlen(buf), chunk, &used);
		if (rc != want || (want > 0 && used != hl))
			bad++;
	}
	TAP_IS(bad, 0, "%s: %d, the banner unread", what, want);
}

static void test_reader(void)
{
	reply("HTTP/1.1 200 Connection established\r\n\r\n", 200, "CRLF");
	reply("HTTP/1.0 200 OK\r\nProxy-agent: x\r\nVia: y\r\n\r\n", 200, "headers");
	reply("HTTP/1.1 204\n\n", 204, "LF only, no reason");
	reply("HTTP/1.1 200 OK\r\nA: b\n\r\n", 200, "mixed endings");
	reply("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", 200, "CR inside a line");
	reply("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 407 No\r\n\r\n", 407, "interim 100");
	reply("HTTP/1.1 2000 OK\r\n\r\n", -EPROTO, "four digits");
	reply("HTTP/1.1 099 x\r\n\r\n", -EPROTO, "status below 100");
	reply("HTTP/1.1 20x OK\r\n\r\n", -EPROTO, "not digits");
	reply("http/1.1 200 OK\r\n\r\n", -EPROTO, "lower-case name");
	reply("\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00\r\n\r\n", -EPROTO, "a SOCKS5 reply");

	/* a header that never ends stops at the limit */
	static char big[SX_HTTP_HEADER_MAX + 64];
	memcpy(big, "HTTP/1.1 200 OK\r\n", 17);
	memset(big + 17, 'a', sizeof big - 17);
	size_t used = 0;
	TAP_IS(read_reply(big, sizeof big, 0, &used), -EPROTO, "overlong header: EPROTO");
	TAP_OK(used > SX_HTTP_HEADER_MAX && used <= SX_HTTP_HEADER_MAX + 2, "  at the limit");

	/* more than asked is refused: those bytes would be the tunnel's */
	struct sx_http_reply r;
	sx_http_reply_init(&r);
	TAP_IS(sx_http_reply_feed(&r, (const uint8_t *)"HTTP/1.1 200 OK\r\n\r\nX", 20), -EPROTO,
	       "bytes past the end: EPROTO");
}

static void test_request(void)
{
	uint8_t out[SX_HTTP_REQ_MAX];
	struct sx_target t;
	static const char want[] = "CONNECT a.test:8080 HTTP/1.1\r\nHost: a.test:8080\r\n"
				   "Proxy-Authorization: Basic dTo=\r\n\r\n";

	sx_target_set_name(&t, "a.test", 8080);
	int n = sx_http_request_encode(out, sizeof out, &t, "u", "");
	TAP_IS(n, sizeof want - 1, "request with an empty password");
	TAP_MEM(out, want, sizeof want - 1, "  bytes");
	TAP_IS(sx_http_request_encode(out, 20, &t, NULL, NULL), -ENOBUFS, "short buffer: ENOBUFS");
	sx_target_set_name(&t, "a b", 80);
	TAP_IS(sx_http_request_encode(out, sizeof out, &t, NULL, NULL), -EINVAL, "blank in name");
	sx_target_set_name(&t, "a:b", 80);
	TAP_IS(sx_http_request_encode(out, sizeof out, &t, NULL, NULL), -EINVAL, "':' in name");
}

static int want_errno(unsigned s)
{
	if (s >= 200 && s <= 299)
		return 0;
	if (s == 401 || s == 403 || s == 407)
		return -EACCES;
	if (s == 404 || s == 410)
		return -EHOSTUNREACH;
	if (s == 405 || s == 501)
		return -EOPNOTSUPP;
	if (s == 408 || s == 504)
		return -ETIMEDOUT;
	return -ECONNREFUSED;
}

int main(void)
{
	test_reader();
	test_request();
	int bad = 0;
	for (unsigned s = 100; s < 1000; s++)
		bad += sx_errmap_http(s) != want_errno(s);
	TAP_IS(bad, 0, "every status 100-999 against the socksify.1 table");
	TAP_STR(sx_errmap_http_text(407),
		"authentication is required or the credentials were rejected", "407 text");
	return tap_done();
}
