/* SPDX-License-Identifier: MIT */
/* core/socks4: SOCKS4 and 4a request vectors with and without user id, reply parsing. */
#include <errno.h>
#include <string.h>

#include "../../core/socks4.h"
#include "tap.h"

#define B(...) ((const uint8_t[]){__VA_ARGS__})

static void caps(const struct sx_target *t, const char *uid, int len, const char *what)
{
	uint8_t out[SX_S4_REQ_MAX];
	int bad = 0;

	for (int cap = 0; cap < len; cap++)
		if (sx_s4_request_encode(out, (size_t)cap, t, uid) != -ENOBUFS)
			bad++;
	TAP_IS(bad, 0, "%s: every cap below %d gives -ENOBUFS", what, len);
}

static void test_request(void)
{
	static const uint8_t v6[16] = {0xfe, 0x80, [15] = 1};
	uint8_t out[SX_S4_REQ_MAX + 10];
	char uid[300], name[300];
	struct sx_target t;
	int r;

	sx_target_set_v4(&t, B(1, 2, 3, 4), 80);
	r = sx_s4_request_encode(out, sizeof(out), &t, NULL);
	TAP_IS(r, 9, "SOCKS4 no user length");
	TAP_MEM(out, B(0x04, 0x01, 0x00, 0x50, 1, 2, 3, 4, 0x00), 9, "SOCKS4 no user bytes");
	TAP_IS(sx_s4_request_encode(out, sizeof(out), &t, ""), 9, "empty user id same as none");
	caps(&t, NULL, 9, "SOCKS4 no user");

	r = sx_s4_request_encode(out, sizeof(out), &t, "bob");
	TAP_IS(r, 12, "SOCKS4 user length");
	TAP_MEM(out, B(0x04, 0x01, 0x00, 0x50, 1, 2, 3, 4, 'b', 'o', 'b', 0x00), 12,
		"SOCKS4 user bytes");
	caps(&t, "bob", 12, "SOCKS4 user");

	sx_target_set_name(&t, "example.com", 443);
	r = sx_s4_request_encode(out, sizeof(out), &t, NULL);
	TAP_IS(r, 21, "SOCKS4a no user length");
	TAP_MEM(out,
		B(0x04, 0x01, 0x01, 0xbb, 0, 0, 0, 1, 0x00, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.',
		  'c', 'o', 'm', 0x00),
		21, "SOCKS4a no user bytes");
	caps(&t, NULL, 21, "SOCKS4a no user");

	r = sx_s4_request_encode(out, sizeof(out), &t, "alice");
	TAP_IS(r, 26, "SOCKS4a user length");
	TAP_MEM(out,
		B(0x04, 0x01, 0x01, 0xbb, 0, 0, 0, 1, 'a', 'l', 'i', 'c', 'e', 0x00, 'e', 'x', 'a',
		  'm', 'p', 'l', 'e', '.', 'c', 'o', 'm', 0x00),
		26, "SOCKS4a user bytes");
	caps(&t, "alice", 26, "SOCKS4a user");

	memset(uid, 'u', sizeof(uid));
	memset(name, 'h', sizeof(name));
	uid[255] = name[255] = '\0';
	sx_target_set_name(&t, name, 1);
	r = sx_s4_request_encode(out, sizeof(out), &t, uid);
	TAP_IS(r, SX_S4_REQ_MAX, "255-byte user id and name accepted");
	TAP_IS(out[8 + 255], 0, "user id NUL");
	TAP_IS(out[8 + 256 + 255], 0, "name NUL");
	uid[255] = 'u';
	uid[256] = '\0';
	TAP_IS(sx_s4_request_encode(out, sizeof(out), &t, uid), -ENAMETOOLONG,
	       "256-byte user id rejected");
	memset(t.addr.name, 'h', sizeof(t.addr.name));
	TAP_IS(sx_s4_request_encode(out, sizeof(out), &t, NULL), -ENAMETOOLONG,
	       "256-byte name rejected");
	t.addr.name[0] = '\0';
	TAP_IS(sx_s4_request_encode(out, sizeof(out), &t, NULL), -EINVAL, "empty name rejected");

	sx_target_set_v6(&t, v6, 80);
	TAP_IS(sx_s4_request_encode(out, sizeof(out), &t, NULL), -EAFNOSUPPORT, "IPv6 refused");
	sx_target_set_v4(&t, B(0, 0, 0, 7), 80);
	TAP_IS(sx_s4_request_encode(out, sizeof(out), &t, NULL), -EINVAL,
	       "0.0.0.x would read as 4a: refused");
	sx_target_set_v4(&t, B(0, 0, 0, 0), 80);
	TAP_IS(sx_s4_request_encode(out, sizeof(out), &t, NULL), 9, "0.0.0.0 is plain SOCKS4");
}

static void test_reply(void)
{
	const uint8_t *ok = B(0x00, 90, 0x1f, 0x90, 10, 1, 2, 3, 'b', 'a', 'n');
	uint8_t cd = 0x77;
	size_t need = 0;
	int bad_r = 0, bad_need = 0;

	for (size_t i = 0; i < 8; i++) {
		if (sx_s4_reply_parse(ok, i, &need, &cd) != 0)
			bad_r++;
		if (need != 8)
			bad_need++;
	}
	TAP_IS(bad_r, 0, "every prefix returns 0");
	TAP_IS(bad_need, 0, "every prefix needs 8");
	TAP_IS(sx_s4_reply_parse(ok, 11, &need, &cd), 8, "reply is 8 bytes, banner left");
	TAP_IS(cd, 90, "CD 90");
	cd = 0;
	TAP_IS(sx_s4_reply_parse(B(0x00, 91), 2, &need, &cd), 0, "2 bytes need more");
	TAP_IS(cd, 91, "CD known after 2 bytes");
	TAP_IS(sx_s4_reply_parse(B(0x04), 1, &need, &cd), -EPROTO, "VN 4 rejected");
	TAP_IS(sx_s4_reply_parse(B(0x05, 0x00, 0, 0, 0, 0, 0, 0), 8, &need, &cd), -EPROTO,
	       "SOCKS5 answer rejected");
	for (int c = 0; c < 256; c += 51) {
		uint8_t m[8] = {0, (uint8_t)c, 0, 0, 0, 0, 0, 0};

		TAP_IS(sx_s4_reply_parse(m, 8, &need, &cd), 8, "CD %d parses", c);
		TAP_IS(cd, c, "CD %d reported", c);
	}
}

int main(void)
{
	test_request();
	test_reply();
	return tap_done();
}
