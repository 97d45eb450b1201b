/* SPDX-License-Identifier: MIT */
/* SOCKS5 UDP header: decode arbitrary datagrams (what a relay, or anyone who can reach
 * our socket, sends), and check encode -> decode gives back the same target. */
#include <errno.h>

#include "../../core/socks5_udp.h"
#include "fuzz.h"

static int same_target(const struct sx_target *a, const struct sx_target *b)
{
	if (a->kind != b->kind || a->port != b->port)
		return 0;
	switch (a->kind) {
	case SX_TARGET_IPV4:
		return memcmp(a->addr.v4, b->addr.v4, 4) == 0;
	case SX_TARGET_IPV6:
		return memcmp(a->addr.v6, b->addr.v6, 16) == 0;
	default:
		return strcmp(a->addr.name, b->addr.name) == 0;
	}
}

static void decode(const uint8_t *data, size_t size)
{
	uint8_t *in = fz_dup(data, size);
	uint8_t out[SX_UDP_HDR_MAX];
	struct sx_target t;
	int r = sx_udp_header_decode(in, size, &t);

	FZ_CHECK(r == -EPROTO || r == -ENOTSUP || (r > 0 && (size_t)r <= size));
	if (r == -ENOTSUP)
		FZ_CHECK(size >= 3 && in[2] != 0);
	if (r > 0) {
		struct sx_target again;

		FZ_CHECK(r >= 3 + 1 + 2 + 2 && r <= SX_UDP_HDR_MAX);
		/* Re-encoding what we understood gives the same header bar RSV, which is
		 * not checked on input and always 0 on output. */
		FZ_CHECK(sx_udp_header_encode(out, sizeof(out), &t) == r);
		FZ_CHECK(memcmp(out + 2, in + 2, (size_t)r - 2) == 0);
		/* The payload boundary does not depend on what follows. */
		FZ_CHECK(sx_udp_header_decode(in, (size_t)r, &again) == r);
		FZ_CHECK(same_target(&t, &again));
		FZ_CHECK(sx_udp_header_decode(in, (size_t)r - 1, &again) == -EPROTO);
	}
	free(in);
}

static void round_trip(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	struct sx_target t, back;
	uint8_t kind = fz_u8(&f) % 3;
	size_t cap = fz_u16(&f) % (SX_UDP_HDR_MAX + 8);
	uint8_t *buf;
	int r, d;

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
	}
	buf = malloc(cap ? cap : 1); /* exact capacity: ASan catches a write past it */
	FZ_CHECK(buf != NULL);
	r = sx_udp_header_encode(buf, cap, &t);
	if (r < 0) {
		FZ_CHECK(r == -ENOBUFS);
		free(buf);
		return;
	}
	FZ_CHECK((size_t)r <= cap && r <= SX_UDP_HDR_MAX);
	d = sx_udp_header_decode(buf, (size_t)r, &back);
	FZ_CHECK(d == r);
	FZ_CHECK(same_target(&t, &back));
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		round_trip(data + 1, size - 1);
	else
		decode(data + 1, size - 1);
	return 0;
}
