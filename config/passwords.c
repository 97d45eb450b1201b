/* SPDX-License-Identifier: MIT */
/* Reads and writes the password file's lines: the server's, or per proxy keyed by its
 * scheme, user, host and port (a URL without the password, as the environment keeps it). */
#include "passwords.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "chars.h"
#include "errmsg.h"
#include "proxy_url.h"

bool sx_passwords_keyed(const char *text, size_t len)
{
	size_t h = strlen(SX_PASSWORDS_HEADER);

	return len >= h && !memcmp(text, SX_PASSWORDS_HEADER, h) &&
	       (len == h || text[h] == '\n' || text[h] == '\r');
}

static bool needs_escape(unsigned char ch)
{
	return ch == '%' || ch < 0x20 || ch == 0x7f;
}

size_t sx_passwords_line(const char *key, const char *pass, char *out, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = (size_t)snprintf(out, n, "%s ", key);

	if (len >= n)
		return 0;
	for (const unsigned char *p = (const unsigned char *)pass; *p; p++) {
		if (len + 4 >= n)
			return 0;
		if (needs_escape(*p)) {
			out[len++] = '%';
			out[len++] = hex[*p >> 4];
			out[len++] = hex[*p & 15];
		} else
			out[len++] = (char)*p;
	}
	out[len++] = '\n';
	out[len] = '\0';
	return len;
}

/* The config is ours to fill: sx_config_proxy_at's pointer, writable. */
static struct sx_proxy *proxy_at(struct sx_config *c, unsigned ref)
{
	return (struct sx_proxy *)sx_config_proxy_at(c, ref);
}

static bool same_key(const struct sx_proxy *a, const struct sx_proxy *b)
{
	return a->proto == b->proto && a->port == b->port && !strcasecmp(a->host, b->host) &&
	       !strcmp(a->user, b->user);
}

/* Which proxies may take a password from the file, and which already did. */
struct fill {
	bool open[SX_REFS_MAX];	 /* no password of its own when the file was read */
	bool taken[SX_REFS_MAX]; /* by a line of its own (first round) */
};

static void give(struct sx_proxy *p, const char *pass)
{
	snprintf(p->pass, sizeof p->pass, "%s", pass);
	p->has_user = true;
}

/* First round: the line's password to the first open proxy with its key; second
 * round: to every open proxy with its key that no line took, the last line winning. */
static void fill_key(struct sx_config *c, struct fill *f, const struct sx_proxy *key, bool second)
{
	for (unsigned ref = 0; ref < SX_REFS_MAX; ref++) {
		struct sx_proxy *p = proxy_at(c, ref);
		if (!p || !f->open[ref] || f->taken[ref] || !same_key(p, key))
			continue;
		give(p, key->pass);
		if (!second) {
			f->taken[ref] = true;
			return;
		}
	}
}

/* One line, "KEY PASSWORD": 0, 1 for the server line, or -EINVAL with err filled. */
static int parse_line(const char *s, size_t len, struct sx_proxy *key, char *err, size_t errlen)
{
	const char *sp = memchr(s, ' ', len);
	char url[1024], m[256];

	if (!sp)
		return sx_config_fail(err, errlen, "expected KEY PASSWORD");
	size_t klen = (size_t)(sp - s);
	memset(key, 0, sizeof *key);
	if (sx_pct_decode(sp + 1, len - klen - 1, key->pass) < 0)
		return sx_config_fail(err, errlen,
				      "bad password (at most %d bytes, %%XX for %%, control bytes)",
				      SX_NAME_MAX);
	if (klen == strlen(SX_PASSWORDS_SERVER) && !memcmp(s, SX_PASSWORDS_SERVER, klen))
		return 1;
	if (klen >= sizeof url)
		return sx_config_fail(err, errlen, "proxy URL longer than %zu bytes",
				      sizeof url - 1);
	memcpy(url, s, klen);
	url[klen] = '\0';
	char pass[SX_NAME_MAX + 1];
	memcpy(pass, key->pass, sizeof pass);
	int r = sx_proxy_url_parse(key, url, m, sizeof m);
	if (r == 0 && key->pass[0])
		r = sx_config_fail(m, sizeof m, "a password in the key");
	memcpy(key->pass, pass, sizeof pass);
	explicit_bzero(pass, sizeof pass);
	return r < 0 ? sx_config_fail(err, errlen, "proxy URL: %s", m) : 0;
}

/* Every line after the header, in one round; 0 or -EINVAL. */
static int apply_round(struct sx_config *c, struct fill *f, const char *text, size_t len,
		       bool second, char *err, size_t errlen)
{
	unsigned lineno = 1;
	const char *p = memchr(text, '\n', len), *end = text + len;

	for (p = p ? p + 1 : end; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		const char *line = p;
		p = nl ? nl + 1 : end;
		if (n && line[n - 1] == '\r')
			n--;
		if (!n || line[0] == '#')
			continue;
		struct sx_proxy key;
		char m[300];
		int r = parse_line(line, n, &key, m, sizeof m);
		if (r < 0) {
			explicit_bzero(&key, sizeof key);
			return sx_config_fail(err, errlen, "%s:%u: %s", c->password_file,
					      lineno + 1, m);
		}
		if (r == 1 && !second) {
			give(&c->proxy, key.pass);
			f->taken[0] = true;
		} else if (r == 0)
			fill_key(c, f, &key, second);
		explicit_bzero(&key, sizeof key);
	}
	return 0;
}

int sx_config_apply_passwords(struct sx_config *c, const char *text, size_t len, char *err,
			      size_t errlen)
{
	if (!sx_passwords_keyed(text, len))
		return sx_config_set_password(c, text, len, err, errlen);
	if (memchr(text, '\0', len))
		return sx_config_fail(err, errlen, "%s: NUL byte in the file", c->password_file);
	struct fill f;
	memset(&f, 0, sizeof f);
	for (unsigned ref = 0; ref < SX_REFS_MAX; ref++) {
		const struct sx_proxy *p = proxy_at(c, ref);
		f.open[ref] = p && !p->pass[0];
	}
	int r = apply_round(c, &f, text, len, false, err, errlen);
	return r < 0 ? r : apply_round(c, &f, text, len, true, err, errlen);
}
