/* SPDX-License-Identifier: MIT */
/* The header in front of every datagram exchanged with a SOCKS5 UDP relay. */
#include <errno.h>

#include "socks5.h"
#include "socks5_udp.h"

/*
 * RFC 1928 §7:
 *
 *   +----+------+------+----------+----------+----------+
 *   |RSV | FRAG | ATYP | DST.ADDR | DST.PORT |   DATA   |
 *   +----+------+------+----------+----------+----------+
 *   | 2  |  1   |  1   | Variable |    2     | Variable |
 *   +----+------+------+----------+----------+----------+
 *
 * RSV is X'0000'; FRAG X'00' is a standalone datagram.
 */

int sx_udp_header_encode(uint8_t *out, size_t cap, const struct sx_target *dst)
{
	int r;

	if (cap < 3)
		return -ENOBUFS;
	out[0] = 0;
	out[1] = 0;
	out[2] = 0;
	r = sx_s5_addr_encode(out + 3, cap - 3, dst);
	return r < 0 ? r : 3 + r;
}

int sx_udp_header_decode(const uint8_t *in, size_t len, struct sx_target *src)
{
	size_t need;
	int r;

	/* RSV is not checked: relays in the wild are not all careful with it. */
	if (len < 4)
		return -EPROTO;
	/* We do not reassemble, and RFC 1928 §7 says such a receiver drops fragments. */
	if (in[2] != 0)
		return -ENOTSUP;
	r = sx_s5_addr_parse(in + 3, len - 3, &need, src);
	if (r <= 0)
		return -EPROTO;
	return 3 + r;
}
