/* SPDX-License-Identifier: MIT */
/* HTTP CONNECT requests and replies as bytes. The reply reader asks for at most the
 * bytes that cannot reach past the header's end, so the tunnel's first bytes (a server
 * banner sent in the same segment as the 200) stay in the socket for the program. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "http_connect.h"
#include "wire.h"

/*
 * RFC 9110 §9.3.6, RFC 9112 §3.2.3 (authority-form), RFC 7617 (Basic):
 *
 *   CONNECT web.test:80 HTTP/1.1 CRLF
 *   Host: web.test:80 CRLF
 *   Proxy-Authorization: Basic base64(user ":" pass) CRLF     (with credentials only)
 *   CRLF
 *
 *   HTTP/1.1 200 Connection established CRLF
 *   *( field-line CRLF )
 *   CRLF                                    then the tunnel's bytes
 */

static void put_str(struct sx_wire *w, const char *s)
{
	sx_wire_mem(w, s, strlen(s));
}

/* A name goes into the request line and a header as it is: anything that would end
 * or split either, or make host:port ambiguous, is refused. */
static bool name_ok(const char *name)
{
	if (!*name)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == ':' || *p == '/' || *p == '@')
			return false;
	return true;
}

static int authority(const struct sx_target *t, char *out, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	switch (t->kind) {
	case SX_TARGET_IPV4:
		inet_ntop(AF_INET, t->addr.v4, a, sizeof a);
		snprintf(out, n, "%s:%u", a, t->port);
		return 0;
	case SX_TARGET_IPV6:
		inet_ntop(AF_INET6, t->addr.v6, a, sizeof a);
		snprintf(out, n, "[%s]:%u", a, t->port);
		return 0;
	case SX_TARGET_NAME:
		if (strnlen(t->addr.name, sizeof t->addr.name) > SX_NAME_MAX)
			return -ENAMETOOLONG;
		if (!name_ok(t->addr.name))
			return -EINVAL;
		snprintf(out, n, "%s:%u", t->addr.name, t->port);
		return 0;
	default:
		return -EINVAL;
	}
}

static void put_base64(struct sx_wire *w, const uint8_t *s, size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63],
			     i + 1 < n ? b64[v >> 6 & 63] : '=', i + 2 < n ? b64[v & 63] : '='};
		sx_wire_mem(w, q, 4);
	}
}

int sx_http_request_encode(uint8_t *out, size_t cap, const struct sx_target *dst, const char *user,
			   const char *pass)
{
	char auth[SX_NAME_MAX + 16];
	struct sx_wire w;
	int r = authority(dst, auth, sizeof auth);

	if (r < 0)
		return r;
	sx_wire_init(&w, out, cap);
	put_str(&w, "CONNECT ");
	put_str(&w, auth);
	put_str(&w, " HTTP/1.1\r\nHost: ");
	put_str(&w, auth);
	put_str(&w, "\r\n");
	if (user) {
		uint8_t cred[2 * SX_NAME_MAX + 2];
		size_t ul = strnlen(user, SX_NAME_MAX + 1),
		       pl = pass ? strnlen(pass, SX_NAME_MAX + 1) : 0;

		if (ul > SX_NAME_MAX || pl > SX_NAME_MAX)
			return -ENAMETOOLONG;
		if (memchr(user, ':', ul))
			return -EINVAL; /* RFC 7617 §2: the first colon ends the user-id */
		memcpy(cred, user, ul);
		cred[ul] = ':';
		if (pl)
			memcpy(cred + ul + 1, pass, pl);
		put_str(&w, "Proxy-Authorization: Basic ");
		put_base64(&w, cred, ul + 1 + pl);
		put_str(&w, "\r\n");
	}
	put_str(&w, "\r\n");
	return sx_wire_end(&w);
}

/* Where the last byte left the reader: the fewest bytes that could still end the header
 * from there decide how many it may ask for. LF alone also ends a line (RFC 9112 §2.2). */
enum { LINE_MID, LINE_CR, LINE_START, LINE_START_CR };

void sx_http_reply_init(struct sx_http_reply *r)
{
	memset(r, 0, sizeof *r);
}

size_t sx_http_reply_want(const struct sx_http_reply *r)
{
	if (r->len < sizeof r->head)
		return sizeof r->head - r->len; /* the shortest reply is longer than its head */
	switch (r->line) {
	case LINE_START:
	case LINE_START_CR:
		return 1; /* "\n" (or "\r\n" from LINE_START) would end it */
	default:
		return 2; /* "\n\n" */
	}
}

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* "HTTP/" DIGIT "." DIGIT SP 3DIGIT (RFC 9112 §4). */
static int parse_head(struct sx_http_reply *r)
{
	const uint8_t *h = r->head;

	if (memcmp(h, "HTTP/", 5) || !is_digit(h[5]) || h[6] != '.' || !is_digit(h[7]) ||
	    h[8] != ' ' || !is_digit(h[9]) || !is_digit(h[10]) || !is_digit(h[11]))
		return -EPROTO;
	r->status = (uint16_t)((h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0'));
	return r->status >= 100 ? 0 : -EPROTO;
}

/* One byte after the head: 1 when it ends the header, else 0 or -EPROTO. */
static int step(struct sx_http_reply *r, uint8_t c)
{
	if (r->len == sizeof r->head && c != ' ' && c != '\r' && c != '\n')
		return -EPROTO; /* "HTTP/1.1 2000" */
	r->len++;
	switch (c) {
	case '\n':
		if (r->line == LINE_START || r->line == LINE_START_CR)
			return 1;
		r->line = LINE_START;
		return 0;
	case '\r':
		r->line = r->line == LINE_START ? LINE_START_CR : LINE_CR;
		return 0;
	default:
		r->line = LINE_MID;
		return 0;
	}
}

int sx_http_reply_feed(struct sx_http_reply *r, const uint8_t *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (++r->total > SX_HTTP_HEADER_MAX)
			return -EPROTO;
		if (r->len < sizeof r->head) {
			r->head[r->len++] = in[i];
			if (r->len == sizeof r->head && parse_head(r) < 0)
				return -EPROTO;
			continue;
		}
		int e = step(r, in[i]);
		if (e < 0)
			return e;
		if (e == 0)
			continue;
		if (i + 1 < n)
			return -EPROTO; /* more than want(): tunnel bytes were read as header */
		if (r->status >= 200)
			return 1;
		/* An interim 1xx response: the final one follows (RFC 9110 §15.2). */
		uint32_t total = r->total;
		sx_http_reply_init(r);
		r->total = total;
	}
	return 0;
}

unsigned sx_http_reply_status(const struct sx_http_reply *r)
{
	return r->status;
}
