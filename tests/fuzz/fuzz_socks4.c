/* SPDX-License-Identifier: MIT */
/* SOCKS4 reply parser on arbitrary bytes, and the SOCKS4/4a request encoder on
 * arbitrary targets, user ids and buffer sizes. */
#include <errno.h>

#include "../../core/socks4.h"
#include "fuzz.h"

static void reply(const uint8_t *data, size_t size)
{
	uint8_t *in = fz_dup(data, size);
	uint8_t cd = 0;
	size_t need = 0;
	int r = sx_s4_reply_parse(in, size, &need, &cd);

	FZ_CHECK(r <= (int)size);
	if (r == 0)
		FZ_CHECK(need > size && need == SX_S4_REPLY_LEN);
	if (r > 0) {
		FZ_CHECK(r == SX_S4_REPLY_LEN && cd == in[1]);
		for (size_t k = 0; k < SX_S4_REPLY_LEN; k++)
			FZ_CHECK(sx_s4_reply_parse(in, k, &need, &cd) == 0);
	}
	free(in);
}

static void request(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	struct sx_target t;
	char user[SX_NAME_MAX + 2];
	uint8_t out[SX_S4_REQ_MAX + 16];
	uint8_t kind = fz_u8(&f) % 3;
	size_t cap = fz_u16(&f) % sizeof(out), ul, nl = 0;
	uint8_t *buf;
	int r;

	memset(&t, 0, sizeof(t));
	if (kind == 0) {
		uint8_t a[4] = {0};

		fz_bytes(&f, a, 4);
		sx_target_set_v4(&t, a, fz_u16(&f));
	} else if (kind == 1) {
		uint8_t a[16] = {0};

		fz_bytes(&f, a, 16);
		sx_target_set_v6(&t, a, fz_u16(&f));
	} else {
		char name[SX_NAME_MAX + 1];

		fz_str(&f, name, sizeof(name));
		if (sx_target_set_name(&t, name, fz_u16(&f)) < 0)
			return;
		nl = strlen(t.addr.name);
	}
	ul = fz_str(&f, user, sizeof(user));
	buf = fz_dup(out, cap); /* exact capacity: ASan catches a write past it */
	r = sx_s4_request_encode(buf, cap, &t, ul ? user : NULL);
	if (kind == 1) {
		FZ_CHECK(r == -EAFNOSUPPORT);
	} else if (r >= 0) {
		FZ_CHECK((size_t)r == 8 + ul + 1 + (kind == 2 ? nl + 1 : 0));
		FZ_CHECK((size_t)r <= cap && buf[0] == 4 && buf[1] == 1);
		FZ_CHECK(buf[r - 1] == 0);
	} else {
		FZ_CHECK(r == -ENOBUFS || r == -ENAMETOOLONG || r == -EINVAL);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		request(data + 1, size - 1);
	else
		reply(data + 1, size - 1);
	return 0;
}
