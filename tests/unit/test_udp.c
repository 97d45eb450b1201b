/* SPDX-License-Identifier: MIT */
/* core/socks5_udp: RFC 1928 §7 header vectors, round trips, truncation, FRAG drop. */
#include <errno.h>
#include <string.h>

#include "../../core/socks5_udp.h"
#include "tap.h"

#define B(...) ((const uint8_t[]){__VA_ARGS__})

static void round_trip(const struct sx_target *t, const uint8_t *want, int len, const char *what)
{
	uint8_t buf[SX_UDP_HDR_MAX + 16];
	struct sx_target u;
	int r, bad = 0;

	r = sx_udp_header_encode(buf, sizeof(buf), t);
	TAP_IS(r, len, "%s: header length", what);
	TAP_MEM(buf, want, (size_t)len, "%s: header bytes", what);
	memcpy(buf + len, "DATA", 4);
	memset(&u, 0xAA, sizeof(u));
	TAP_IS(sx_udp_header_decode(buf, (size_t)len + 4, &u), len, "%s: decode with data", what);
	TAP_IS(u.kind, t->kind, "%s: kind", what);
	TAP_IS(u.port, t->port, "%s: port", what);
	if (t->kind == SX_TARGET_NAME)
		TAP_STR(u.addr.name, t->addr.name, "%s: name", what);
	else
		TAP_MEM(u.addr.v6, t->addr.v6, t->kind == SX_TARGET_IPV4 ? 4 : 16, "%s: addr",
			what);
	TAP_IS(sx_udp_header_decode(buf, (size_t)len, &u), len, "%s: decode, no data", what);
	for (int i = 0; i < len; i++)
		if (sx_udp_header_decode(buf, (size_t)i, &u) != -EPROTO)
			bad++;
	TAP_IS(bad, 0, "%s: every truncation is -EPROTO", what);
	bad = 0;
	for (int i = 0; i < len; i++)
		if (sx_udp_header_encode(buf, (size_t)i, t) != -ENOBUFS)
			bad++;
	TAP_IS(bad, 0, "%s: every short buffer is -ENOBUFS", what);
	bad = 0;
	for (int f = 1; f < 256; f++) {
		buf[2] = (uint8_t)f;
		if (sx_udp_header_decode(buf, (size_t)len + 4, &u) != -ENOTSUP)
			bad++;
	}
	TAP_IS(bad, 0, "%s: FRAG 01-FF all -ENOTSUP", what);
	buf[2] = 0;
	buf[0] = 0x12;
	buf[1] = 0x34;
	TAP_IS(sx_udp_header_decode(buf, (size_t)len + 4, &u), len, "%s: RSV not checked", what);
}

int main(void)
{
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x53};
	struct sx_target t;
	struct sx_target u;
	char name[300];

	sx_target_set_v4(&t, B(8, 8, 4, 4), 53);
	round_trip(&t, B(0, 0, 0, 0x01, 8, 8, 4, 4, 0x00, 0x35), 10, "v4");
	sx_target_set_v6(&t, v6, 443);
	round_trip(&t,
		   B(0, 0, 0, 0x04, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53,
		     0x01, 0xbb),
		   22, "v6");
	sx_target_set_name(&t, "dns.test", 53);
	round_trip(&t, B(0, 0, 0, 0x03, 8, 'd', 'n', 's', '.', 't', 'e', 's', 't', 0x00, 0x35), 15,
		   "name");

	memset(name, 'q', sizeof(name));
	name[255] = '\0';
	sx_target_set_name(&t, name, 9);
	{
		uint8_t buf[SX_UDP_HDR_MAX];

		TAP_IS(sx_udp_header_encode(buf, sizeof(buf), &t), SX_UDP_HDR_MAX,
		       "255-byte name fills SX_UDP_HDR_MAX");
		TAP_IS(sx_udp_header_decode(buf, sizeof(buf), &u), SX_UDP_HDR_MAX,
		       "255-byte name decodes");
		TAP_IS(strlen(u.addr.name), 255, "255-byte name kept");
	}
	memset(t.addr.name, 'q', sizeof(t.addr.name));
	{
		uint8_t buf[SX_UDP_HDR_MAX + 8];

		TAP_IS(sx_udp_header_encode(buf, sizeof(buf), &t), -ENAMETOOLONG,
		       "256-byte name rejected");
	}

	TAP_IS(sx_udp_header_decode(B(0, 0, 0, 0x02, 1, 2, 3, 4, 0, 0), 10, &u), -EPROTO,
	       "ATYP 2 rejected");
	TAP_IS(sx_udp_header_decode(B(0, 0, 0, 0x03, 0, 0, 0), 7, &u), -EPROTO,
	       "empty name rejected");
	TAP_IS(sx_udp_header_decode(B(0, 0, 0x80, 0x01, 1, 2, 3, 4, 0, 0), 10, &u), -ENOTSUP,
	       "end-of-sequence fragment dropped");
	TAP_IS(sx_udp_header_decode(B(0, 0, 0x01), 3, &u), -EPROTO,
	       "3 bytes are truncated before FRAG matters");
	return tap_done();
}
