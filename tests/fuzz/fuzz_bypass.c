/* SPDX-License-Identifier: MIT */
/* Bypass lists (SOCKSIFY_BYPASS, NO_PROXY): arbitrary list text, then arbitrary
 * address and name queries. Every entry must match what it was parsed from, and the
 * strict address parser must agree with inet_pton/inet_ntop. */
#include <arpa/inet.h>
#include <errno.h>

#include "../../config/bypass.h"
#include "fuzz.h"

static char upper(char ch)
{
	return (ch >= 'a' && ch <= 'z') ? (char)(ch - 'a' + 'A') : ch;
}

static void self_match(const struct sx_bypass *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct sx_bypass_entry *e = &b->e[i];
		uint16_t port = e->port ? e->port : 443;
		char up[260];
		size_t nl;

		switch (e->kind) {
		case SX_BYPASS_CIDR4:
			FZ_CHECK(e->prefix <= 32);
			FZ_CHECK(sx_bypass_match_addr(b, 4, e->addr, port));
			break;
		case SX_BYPASS_CIDR6:
			FZ_CHECK(e->prefix <= 128);
			FZ_CHECK(sx_bypass_match_addr(b, 6, e->addr, port));
			break;
		default:
			nl = strnlen(e->name, sizeof(e->name));
			FZ_CHECK(nl >= 1 && nl < sizeof(e->name));
			FZ_CHECK(sx_bypass_match_name(b, e->name, port));
			/* Case and one trailing dot do not matter. */
			for (size_t k = 0; k <= nl; k++)
				up[k] = upper(e->name[k]);
			FZ_CHECK(sx_bypass_match_name(b, up, port));
			if (nl < sizeof(up) - 2) {
				up[nl] = '.';
				up[nl + 1] = '\0';
				FZ_CHECK(sx_bypass_match_name(b, up, port));
			}
			break;
		}
	}
}

/* The strict parser accepts a subset of inet_pton's language, with the same meaning,
 * and accepts whatever inet_ntop prints. */
static void addr_parser(const uint8_t *data, size_t size)
{
	char *copy = (char *)fz_dup(data, size); /* not NUL-terminated, on purpose */
	char *z = fz_cstr(data, size);
	uint8_t out[16], ref[16], again[16];
	char text[INET6_ADDRSTRLEN];
	int af = sx_bypass_parse_addr(copy, size, out);

	FZ_CHECK(af == 0 || af == 4 || af == 6);
	if (af && strlen(z) == size) {
		FZ_CHECK(inet_pton(af == 4 ? AF_INET : AF_INET6, z, ref) == 1);
		FZ_CHECK(memcmp(out, ref, af == 4 ? 4 : 16) == 0);
	}
	if (af) {
		FZ_CHECK(inet_ntop(af == 4 ? AF_INET : AF_INET6, out, text, sizeof(text)));
		FZ_CHECK(sx_bypass_parse_addr(text, strlen(text), again) == af);
		FZ_CHECK(memcmp(out, again, af == 4 ? 4 : 16) == 0);
	}
	free(z);
	free(copy);
}

static void queries(const struct sx_bypass *b, struct fz *f)
{
	for (int q = 0; q < 32 && f->n; q++) {
		uint8_t op = fz_u8(f), addr[16] = {0};
		uint16_t port = fz_u16(f);
		char name[300];

		if (op % 3 == 0) {
			fz_bytes(f, addr, 4);
			(void)sx_bypass_match_addr(b, 4, addr, port);
		} else if (op % 3 == 1) {
			fz_bytes(f, addr, 16);
			(void)sx_bypass_match_addr(b, 6, addr, port);
		} else {
			size_t want = fz_u8(f) + (op & 0x80 ? 40u : 0u);
			char *heap;

			if (want > sizeof(name) - 1)
				want = sizeof(name) - 1;
			want = fz_bytes(f, name, want);
			name[want] = '\0';
			/* exact-size copy so a read past the NUL is caught */
			heap = fz_cstr((const uint8_t *)name, strlen(name));
			if (b->all)
				FZ_CHECK(sx_bypass_match_name(b, heap, port));
			else
				(void)sx_bypass_match_name(b, heap, port);
			free(heap);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sx_bypass b;
	const uint8_t *nul;
	struct fz f;
	size_t llen, errlen;
	char *list, *err;
	int r;

	if (size < 1)
		return 0;
	if (data[0] == 'A') {
		addr_parser(data + 1, size - 1);
		return 0;
	}
	errlen = (size_t)(data[0] % 80) + 1;
	nul = memchr(data + 1, 0, size - 1);
	llen = nul ? (size_t)(nul - (data + 1)) : size - 1;
	list = fz_cstr(data + 1, llen);
	f.p = data + 1 + llen + (nul ? 1 : 0);
	f.n = size - 1 - llen - (nul ? 1 : 0);
	err = malloc(errlen);
	FZ_CHECK(err != NULL);
	memset(&b, 0, sizeof(b));
	memset(err, 'E', errlen);
	r = sx_bypass_add_list(&b, list, err, errlen);
	FZ_CHECK(r == 0 || r == -EINVAL || r == -ENOSPC);
	FZ_CHECK(b.n <= SX_BYPASS_MAX);
	if (r < 0)
		FZ_CHECK(strnlen(err, errlen) < errlen);
	self_match(&b);
	queries(&b, &f);
	free(err);
	free(list);
	return 0;
}
