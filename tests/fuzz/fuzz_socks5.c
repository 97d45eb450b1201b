/* SPDX-License-Identifier: MIT */
/* SOCKS5 method, auth and reply parsers (and the address parser under them) on
 * arbitrary bytes: no overrun, consistent "need more", and every prefix agrees. */
#include "../../core/socks5.h"
#include "fuzz.h"

enum { P_METHOD, P_AUTH, P_REPLY, P_ADDR, P_COUNT };

/* The largest message any of these parsers can ask for: VER REP RSV ATYP LEN 255 PORT. */
#define MAX_MSG (3 + 1 + 1 + SX_NAME_MAX + 2)

static int parse(int which, const uint8_t *in, size_t len, size_t *need, struct sx_target *t)
{
	uint8_t b = 0;

	switch (which) {
	case P_METHOD:
		return sx_s5_method_parse(in, len, need, &b);
	case P_AUTH:
		return sx_s5_auth_parse(in, len, need, &b);
	case P_REPLY:
		return sx_s5_reply_parse(in, len, need, &b, t);
	default:
		return sx_s5_addr_parse(in, len, need, t);
	}
}

static void check_target(const struct sx_target *t)
{
	FZ_CHECK(t->kind == SX_TARGET_IPV4 || t->kind == SX_TARGET_IPV6 ||
		 t->kind == SX_TARGET_NAME);
	if (t->kind == SX_TARGET_NAME) {
		size_t nl = strnlen(t->addr.name, sizeof(t->addr.name));

		FZ_CHECK(nl >= 1 && nl <= SX_NAME_MAX);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int which;
	uint8_t *in;
	size_t len, need = 0;
	struct sx_target t;
	int r;

	if (size < 1)
		return 0;
	which = data[0] % P_COUNT;
	len = size - 1;
	in = fz_dup(data + 1, len);
	memset(&t, 0, sizeof(t));
	r = parse(which, in, len, &need, &t);
	FZ_CHECK(r <= (int)len);
	if (r == 0)
		FZ_CHECK(need > len && need <= MAX_MSG);
	if (r > 0 && (which == P_REPLY || which == P_ADDR))
		check_target(&t);
	if (r > 0 && which == P_REPLY)
		FZ_CHECK(r == 3 + 1 +
				  (t.kind == SX_TARGET_IPV4   ? 4
				   : t.kind == SX_TARGET_IPV6 ? 16
							      : 1 + (int)strlen(t.addr.name)) +
				  2);
	/* A complete message's every prefix must say "need more", never "malformed", and
	 * never ask past the end of the message: the handshake trusts need. */
	if (r > 0) {
		for (size_t k = 0; k < (size_t)r; k++) {
			struct sx_target pt;
			size_t pneed = 0;
			int pr = parse(which, in, k, &pneed, &pt);

			FZ_CHECK(pr == 0);
			FZ_CHECK(pneed > k && pneed <= (size_t)r);
		}
		/* Trailing bytes are not the parser's business. */
		FZ_CHECK(parse(which, in, len, &need, &t) == r);
	}
	free(in);
	return 0;
}
