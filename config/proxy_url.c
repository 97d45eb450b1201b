/* SPDX-License-Identifier: MIT */
/* Parses proxy URLs in cURL's forms (socks5h://user:pass@[::1]:1080/) into a struct sx_proxy.
 * Error texts quote nothing after the scheme: with the host forgotten, "user:password"
 * reads as host and port, so any part of the text may be the password. */
#include "proxy_url.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "chars.h"

#include "bypass.h"
#include "errmsg.h"

static bool scheme_is(const char *s, size_t len, const char *want)
{
	if (strlen(want) != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (ch != want[i])
			return false;
	}
	return true;
}

/* RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) followed by "://".
 * Returns the scheme length, or 0 when the text has no scheme. */
static size_t scheme_len(const char *url)
{
	size_t i = 0;

	if (!sx_is_alpha(url[0]))
		return 0;
	while (sx_is_alpha(url[i]) || sx_is_digit(url[i]) || url[i] == '+' || url[i] == '-' ||
	       url[i] == '.')
		i++;
	return strncmp(url + i, "://", 3) == 0 ? i : 0;
}

int sx_pct_decode(const char *s, size_t len, char out[SX_NAME_MAX + 1])
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		char ch = s[i];

		if (ch == '%') {
			int hi = i + 2 < len ? sx_hex_val(s[i + 1]) : -1;
			int lo = hi >= 0 ? sx_hex_val(s[i + 2]) : -1;

			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -EINVAL;
			ch = (char)(hi << 4 | lo);
			i += 2;
		}
		if (ch == '\0')
			return -EINVAL;
		if (n == SX_NAME_MAX)
			return -E2BIG;
		out[n++] = ch;
	}
	out[n] = '\0';
	return 0;
}

static int decode(char *out, const char *s, size_t len, const char *what, char *err, size_t errlen)
{
	int r = sx_pct_decode(s, len, out);
	if (r == -E2BIG)
		return sx_config_fail(err, errlen, "%s longer than %d bytes", what, SX_NAME_MAX);
	return r < 0 ? sx_config_fail(err, errlen, "bad percent-encoding in %s", what) : 0;
}

static bool host_char_ok(char ch)
{
	return sx_is_alpha(ch) || sx_is_digit(ch) || ch == '-' || ch == '.' || ch == '_';
}

static int parse_port(const char *s, size_t len, bool had_userinfo, uint16_t *port, char *err,
		      size_t errlen)
{
	unsigned long v = 0;

	if (len == 0)
		return 0; /* "host:" keeps the default port, as RFC 3986 §3.2.3 allows */
	for (size_t i = 0; i < len; i++) {
		if (!sx_is_digit(s[i]))
			return sx_config_fail(
			    err, errlen, "bad port: not a number%s",
			    had_userinfo ? "" : " (user:password must be followed by @host)");
		if (v <= 65535)
			v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return sx_config_fail(err, errlen, "port out of range (1 to 65535)");
	*port = (uint16_t)v;
	return 0;
}

/* host[:port] or [v6][:port], then an optional "/" and nothing else. */
static int parse_hostport(struct sx_proxy *p, const char *s, bool had_userinfo, char *err,
			  size_t errlen)
{
	const char *host = s, *rest;
	size_t hlen;
	uint8_t addr[16];

	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (!close)
			return sx_config_fail(err, errlen, "unterminated [ in IPv6 address");
		host = s + 1;
		hlen = (size_t)(close - host);
		if (hlen == 0)
			return sx_config_fail(err, errlen, "empty host");
		if (sx_bypass_parse_addr(host, hlen, addr) != 6)
			return sx_config_fail(err, errlen, "bad IPv6 address in brackets");
		rest = close + 1;
	} else {
		hlen = strcspn(s, ":/");
		rest = s + hlen;
		if (*rest == ':' && strchr(rest + 1, ':'))
			return sx_config_fail(err, errlen,
					      "IPv6 address must be written in [brackets]");
		if (hlen == 0)
			return sx_config_fail(err, errlen, "empty host");
		for (size_t i = 0; i < hlen; i++)
			if (!host_char_ok(s[i]))
				return sx_config_fail(err, errlen,
						      "bad character in host (letters, digits, "
						      "'-', '.' and '_' only)");
		if (hlen > SX_NAME_MAX)
			return sx_config_fail(err, errlen, "host longer than %d bytes",
					      SX_NAME_MAX);
	}
	memcpy(p->host, host, hlen);
	p->host[hlen] = '\0';
	if (*rest == ':') {
		size_t plen = strcspn(rest + 1, "/");
		int r = parse_port(rest + 1, plen, had_userinfo, &p->port, err, errlen);

		if (r < 0)
			return r;
		rest += 1 + plen;
	}
	if (*rest == '/' && rest[1])
		return sx_config_fail(err, errlen, "unexpected path after the host");
	if (*rest && *rest != '/')
		return sx_config_fail(err, errlen, "unexpected text after the host");
	return 0;
}

int sx_proxy_url_parse_as(struct sx_proxy *p, const char *url, enum sx_proto bare_proto, char *err,
			  size_t errlen)
{
	static const struct {
		const char *name;
		enum sx_proto proto;
	} schemes[] = {
	    {"socks4", SX_PROTO_SOCKS4}, {"socks4a", SX_PROTO_SOCKS4A},
	    {"socks5", SX_PROTO_SOCKS5}, {"socks5h", SX_PROTO_SOCKS5H},
	    {"http", SX_PROTO_HTTP},
	};
	struct sx_proxy tmp;
	size_t slen = scheme_len(url);
	const char *s = url, *at;
	int r;

	memset(&tmp, 0, sizeof(tmp));
	tmp.proto = bare_proto;
	tmp.port = 1080;
	if (slen) {
		size_t i;

		for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
			if (scheme_is(url, slen, schemes[i].name))
				break;
		if (i == sizeof(schemes) / sizeof(schemes[0]))
			return sx_config_fail(
			    err, errlen,
			    "unsupported scheme '%.*s' (use socks4, socks4a, socks5, "
			    "socks5h or http)",
			    (int)slen, url);
		tmp.proto = schemes[i].proto;
		if (tmp.proto == SX_PROTO_HTTP)
			tmp.port = 8080; /* curl's and proxychains' default for http proxies */
		s = url + slen + 3;
	}
	/* the last '@' ends the user info, so an unencoded '@' in a password still works */
	at = strrchr(s, '@');
	if (at) {
		const char *colon = memchr(s, ':', (size_t)(at - s));
		size_t ulen = colon ? (size_t)(colon - s) : (size_t)(at - s);

		r = decode(tmp.user, s, ulen, "user", err, errlen);
		if (r < 0)
			return r;
		if (colon) {
			r = decode(tmp.pass, colon + 1, (size_t)(at - colon - 1), "password", err,
				   errlen);
			if (r < 0)
				return r;
		}
		tmp.has_user = tmp.user[0] || tmp.pass[0];
		s = at + 1;
	}
	r = parse_hostport(&tmp, s, at != NULL, err, errlen);
	if (r < 0)
		return r;
	*p = tmp;
	return 0;
}

int sx_proxy_url_parse(struct sx_proxy *p, const char *url, char *err, size_t errlen)
{
	return sx_proxy_url_parse_as(p, url, SX_PROTO_SOCKS5H, err, errlen);
}

void sx_proxy_url_format(const struct sx_proxy *p, char *out, size_t n)
{
	static const char *const names[] = {
	    [SX_PROTO_SOCKS4] = "socks4", [SX_PROTO_SOCKS4A] = "socks4a",
	    [SX_PROTO_SOCKS5] = "socks5", [SX_PROTO_SOCKS5H] = "socks5h",
	    [SX_PROTO_HTTP] = "http",
	};
	const char *scheme =
	    p->proto >= SX_PROTO_SOCKS4 && p->proto <= SX_PROTO_HTTP ? names[p->proto] : "socks5h";
	bool v6 = strchr(p->host, ':') != NULL;

	snprintf(out, n, "%s://%s%s%s:%u", scheme, v6 ? "[" : "", p->host, v6 ? "]" : "", p->port);
}

void sx_proxy_chain_format(const struct sx_proxy *first, const struct sx_proxy *via, size_t n_via,
			   char *out, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i <= n_via && len < n; i++) {
		if (i) {
			snprintf(out + len, n - len, " > ");
			len += strnlen(out + len, n - len);
		}
		sx_proxy_url_format(i ? &via[i - 1] : first, out + len, n - len);
		len += strnlen(out + len, n - len);
	}
}

bool sx_proxy_url_strip_password(const char *url, bool ours, char *out, size_t n)
{
	size_t slen = scheme_len(url);
	const char *s = slen ? url + slen + 3 : url;
	bool socks = slen >= 5 && slen <= 7 && scheme_is(url, 5, "socks");

	if (slen ? !(socks || (ours && scheme_is(url, slen, "http"))) : !ours)
		return false;
	const char *at = strrchr(s, '@');
	const char *colon = at ? memchr(s, ':', (size_t)(at - s)) : NULL;
	if (!colon || (size_t)(colon - url) + strlen(at) >= n)
		return false;
	memcpy(out, url, (size_t)(colon - url));
	strcpy(out + (colon - url), at);
	return true;
}
