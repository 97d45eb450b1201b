/* SPDX-License-Identifier: MIT */
/* Bypass lists: parses SOCKSIFY_BYPASS / NO_PROXY entries (CIDRs, addresses, names,
 * suffixes, optional ports) and answers "does this destination go direct?". */
#include "bypass.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chars.h"

/* Leading zeros are refused: some resolvers read them as octal, so "010.0.0.1" is ambiguous. */
static bool parse_v4(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t start = i;

		while (i < len && sx_is_digit(s[i]) && i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return false;
		out[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= len || s[i] != '.')
				return false;
			i++;
		}
	}
	return i == len;
}

static bool parse_v6(const char *s, size_t len, uint8_t out[16])
{
	uint8_t buf[16] = {0};
	size_t pos = 0, nb = 0;
	long gap = -1;

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		pos = 2;
	} else if (len == 0 || s[0] == ':') {
		return false;
	}
	while (pos < len) {
		const char *colon = memchr(s + pos, ':', len - pos);
		size_t t = colon ? (size_t)(colon - s) : len;

		if (memchr(s + pos, '.', t - pos)) {
			/* an embedded dotted quad ends the address (RFC 4291 §2.2 form 3) */
			if (t != len || nb + 4 > 16 || !parse_v4(s + pos, len - pos, buf + nb))
				return false;
			nb += 4;
			break;
		}
		if (t == pos || t - pos > 4 || nb + 2 > 16)
			return false;
		unsigned v = 0;
		for (size_t i = pos; i < t; i++) {
			int h = sx_hex_val(s[i]);
			if (h < 0)
				return false;
			v = v << 4 | (unsigned)h;
		}
		buf[nb++] = (uint8_t)(v >> 8);
		buf[nb++] = (uint8_t)v;
		pos = t;
		if (pos == len)
			break;
		pos++; /* the ':' */
		if (pos < len && s[pos] == ':') {
			if (gap >= 0)
				return false;
			gap = (long)nb;
			pos++;
		} else if (pos == len) {
			return false;
		}
	}
	if (gap >= 0) {
		size_t tail = nb - (size_t)gap;

		if (nb == 16)
			return false;
		memmove(buf + 16 - tail, buf + gap, tail);
		memset(buf + gap, 0, 16 - tail - (size_t)gap);
	} else if (nb != 16) {
		return false;
	}
	memcpy(out, buf, 16);
	return true;
}

int sx_bypass_parse_addr(const char *s, size_t len, uint8_t out[16])
{
	if (memchr(s, ':', len))
		return parse_v6(s, len, out) ? 6 : 0;
	return parse_v4(s, len, out) ? 4 : 0;
}

static bool parse_port(const char *s, size_t len, uint16_t *port)
{
	unsigned v = 0;

	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!sx_is_digit(s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

static bool parse_prefix(const char *s, size_t len, unsigned max, unsigned *prefix)
{
	unsigned v = 0;

	if (len == 0 || len > 3)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!sx_is_digit(s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return false;
	*prefix = v;
	return true;
}

/* Host bits are cleared so "10.1.2.3/8" means 10.0.0.0/8, as curl reads it. */
static void mask(uint8_t *addr, size_t n, unsigned prefix)
{
	for (size_t i = 0; i < n; i++) {
		unsigned bits = prefix > 8 * i ? prefix - 8 * (unsigned)i : 0;
		if (bits < 8)
			addr[i] &= (uint8_t)(0xff00u >> bits);
	}
}

/* addr[/prefix] without brackets or port; the family decides the prefix range. */
static bool parse_cidr(struct sx_bypass_entry *e, const char *s, size_t len)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	int af = sx_bypass_parse_addr(s, alen, e->addr);
	unsigned max = af == 6 ? 128 : 32;

	if (!af)
		return false;
	e->kind = af == 6 ? SX_BYPASS_CIDR6 : SX_BYPASS_CIDR4;
	e->prefix = max;
	if (slash && !parse_prefix(slash + 1, len - alen - 1, max, &e->prefix))
		return false;
	mask(e->addr, af == 6 ? 16 : 4, e->prefix);
	return true;
}

/* ".example.com" and "*.example.com" become the suffix example.com; so does a bare
 * "example.com" in a bypass list (NO_PROXY convention), where a route takes it exactly. */
static bool parse_name(struct sx_bypass_entry *e, const char *s, size_t len, bool exact)
{
	size_t label = 0, last_start = 0;
	bool last_numeric = true;
	bool suffix = true;

	if (len >= 2 && s[0] == '*' && s[1] == '.') {
		s += 2;
		len -= 2;
	} else if (len >= 1 && s[0] == '.') {
		s++;
		len--;
	} else {
		suffix = !exact;
	}
	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > 255)
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (label == 0)
				return false;
			label = 0;
			last_start = i + 1;
			continue;
		}
		char ch = s[i];
		if (!(sx_is_digit(ch) || (sx_lower(ch) >= 'a' && sx_lower(ch) <= 'z') ||
		      ch == '-' || ch == '_'))
			return false;
		if (i == last_start)
			last_numeric = true;
		if (!sx_is_digit(ch))
			last_numeric = false;
		label++;
	}
	/* no top-level label is all digits: "10.0.0.256" is a broken address, not a name */
	if (last_numeric)
		return false;
	e->kind = suffix ? SX_BYPASS_SUFFIX : SX_BYPASS_HOST;
	for (size_t i = 0; i < len; i++)
		e->name[i] = sx_lower(s[i]);
	e->name[len] = '\0';
	return true;
}

/* route: also "*", "*:PORT" and ":PORT" (any host), and bare names taken exactly. */
static bool parse_entry(struct sx_bypass_entry *e, const char *s, size_t len, bool route)
{
	const char *colon = memchr(s, ':', len);

	memset(e, 0, sizeof(*e));
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);
		size_t alen;

		if (!close)
			return false;
		alen = (size_t)(close - s) - 1;
		if (sx_bypass_parse_addr(s + 1, alen, e->addr) != 6)
			return false;
		e->kind = SX_BYPASS_CIDR6;
		e->prefix = 128;
		if (alen + 2 == len)
			return true;
		return close[1] == ':' && parse_port(close + 2, len - alen - 3, &e->port);
	}
	if (colon && memchr(colon + 1, ':', len - (size_t)(colon - s) - 1))
		return parse_cidr(e, s, len); /* bare IPv6: two or more colons, no port */
	if (colon) {
		size_t hlen = (size_t)(colon - s);
		if (!parse_port(colon + 1, len - hlen - 1, &e->port))
			return false;
		len = hlen;
	}
	if (route && (len == 0 || (len == 1 && s[0] == '*'))) {
		e->kind = SX_BYPASS_ANY;
		return true;
	}
	if (len == 0)
		return false;
	if (memchr(s, '/', len) || sx_bypass_parse_addr(s, len, e->addr))
		return parse_cidr(e, s, len);
	return parse_name(e, s, len, route);
}

bool sx_bypass_parse_route_match(struct sx_bypass_entry *e, const char *s, size_t len)
{
	return len > 0 && parse_entry(e, s, len, true);
}

static bool is_sep(char ch)
{
	return ch == ',' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

int sx_bypass_add_list(struct sx_bypass *b, const char *list, char *err, size_t errlen)
{
	const char *p = list;

	while (*p) {
		size_t len = 0;

		while (is_sep(*p))
			p++;
		while (p[len] && !is_sep(p[len]))
			len++;
		if (len == 0)
			break;
		if (len == 1 && p[0] == '*') {
			b->all = true;
		} else if (b->n == SX_BYPASS_MAX) {
			if (err && errlen)
				snprintf(err, errlen, "too many bypass entries (at most %d)",
					 SX_BYPASS_MAX);
			return -ENOSPC;
		} else if (parse_entry(&b->e[b->n], p, len, false)) {
			b->n++;
		} else {
			if (err && errlen)
				snprintf(err, errlen, "bad bypass entry '%.*s'", (int)len, p);
			return -EINVAL;
		}
		p += len;
	}
	return 0;
}

static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned prefix)
{
	size_t whole = prefix / 8;
	unsigned rest = prefix % 8;

	if (memcmp(a, b, whole) != 0)
		return false;
	return rest == 0 || ((a[whole] ^ b[whole]) & (uint8_t)(0xff00u >> rest)) == 0;
}

static bool port_ok(const struct sx_bypass_entry *e, uint16_t port)
{
	return e->port == 0 || e->port == port;
}

bool sx_bypass_entry_match_addr(const struct sx_bypass_entry *e, int af, const uint8_t *addr,
				uint16_t port)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (!port_ok(e, port))
		return false;
	if (e->kind == SX_BYPASS_ANY)
		return true;
	/* an IPv4-mapped IPv6 destination is the IPv4 host for the user's purposes */
	if (af == 6 && e->kind == SX_BYPASS_CIDR4 && memcmp(addr, mapped, 12) == 0)
		return prefix_eq(e->addr, addr + 12, e->prefix);
	return ((e->kind == SX_BYPASS_CIDR4 && af == 4) ||
		(e->kind == SX_BYPASS_CIDR6 && af == 6)) &&
	       prefix_eq(e->addr, addr, e->prefix);
}

bool sx_bypass_match_addr(const struct sx_bypass *b, int af, const uint8_t *addr, uint16_t port)
{
	if (b->all)
		return true;
	for (size_t i = 0; i < b->n; i++)
		if (sx_bypass_entry_match_addr(&b->e[i], af, addr, port))
			return true;
	return false;
}

int sx_bypass_name_key(const char *name, char n[256], uint8_t addr[16])
{
	size_t len = strlen(name);
	int af;

	if (len >= 2 && name[0] == '[' && name[len - 1] == ']')
		af = sx_bypass_parse_addr(name + 1, len - 2, addr);
	else
		af = sx_bypass_parse_addr(name, len, addr);
	if (af)
		return af;
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len >= 256)
		return -1;
	for (size_t i = 0; i < len; i++)
		n[i] = sx_lower(name[i]);
	n[len] = '\0';
	return 0;
}

bool sx_bypass_entry_match_key(const struct sx_bypass_entry *e, const char *n, uint16_t port)
{
	if (!port_ok(e, port))
		return false;
	if (e->kind == SX_BYPASS_ANY)
		return true;
	if (e->kind == SX_BYPASS_HOST)
		return strcmp(n, e->name) == 0;
	if (e->kind != SX_BYPASS_SUFFIX)
		return false;
	size_t len = strlen(n), elen = strlen(e->name);
	if (len == elen && memcmp(n, e->name, len) == 0)
		return true;
	return len > elen && n[len - elen - 1] == '.' && memcmp(n + len - elen, e->name, elen) == 0;
}

bool sx_bypass_match_name(const struct sx_bypass *b, const char *name, uint16_t port)
{
	char n[256];
	uint8_t addr[16];

	if (b->all)
		return true;
	int af = sx_bypass_name_key(name, n, addr);
	if (af > 0)
		return sx_bypass_match_addr(b, af, addr, port);
	if (af < 0)
		return false;
	for (size_t i = 0; i < b->n; i++)
		if (sx_bypass_entry_match_key(&b->e[i], n, port))
			return true;
	return false;
}
