/* SPDX-License-Identifier: MIT */
/* SOCKS4 and SOCKS4a CONNECT to and from bytes. SOCKS4 has no IPv6; a name
 * always travels the 4a way, since only the proxy can resolve it for us. */
#include <errno.h>
#include <string.h>

#include "socks4.h"
#include "wire.h"

/*
 * SOCKS4 request (SOCKS4.protocol, "CONNECT"):
 *
 *   +----+----+----+----+----+----+----+----+----+----+....+----+
 *   | VN | CD | DSTPORT |      DSTIP        | USERID       |NULL|
 *   +----+----+----+----+----+----+----+----+----+----+....+----+
 *      1    1      2              4           variable       1
 *
 * SOCKS4a (SOCKS4A.protocol): DSTIP is 0.0.0.x with x != 0 (everyone uses 0.0.0.1)
 * and the host name follows the USERID's NULL, NUL-terminated too.
 *
 * Reply:
 *
 *   +----+----+----+----+----+----+----+----+
 *   | VN | CD | DSTPORT |      DSTIP        |
 *   +----+----+----+----+----+----+----+----+
 *      1    1      2              4
 *
 * VN is 0; CD 90 granted, 91 rejected, 92 no identd, 93 identd mismatch.
 */

int sx_s4_request_encode(uint8_t *out, size_t cap, const struct sx_target *dst, const char *userid)
{
	static const uint8_t v4a_ip[4] = {0, 0, 0, 1};
	struct sx_wire w;
	size_t ul = userid ? strnlen(userid, SX_NAME_MAX + 1) : 0;
	size_t nl = 0;

	if (ul > SX_NAME_MAX)
		return -ENAMETOOLONG;
	switch (dst->kind) {
	case SX_TARGET_IPV4:
		/* A 4a server would wait for a host name that never comes. */
		if (dst->addr.v4[0] == 0 && dst->addr.v4[1] == 0 && dst->addr.v4[2] == 0 &&
		    dst->addr.v4[3] != 0)
			return -EINVAL;
		break;
	case SX_TARGET_NAME:
		nl = strnlen(dst->addr.name, sizeof(dst->addr.name));
		if (nl == 0)
			return -EINVAL;
		if (nl > SX_NAME_MAX)
			return -ENAMETOOLONG;
		break;
	case SX_TARGET_IPV6:
		return -EAFNOSUPPORT;
	default:
		return -EINVAL;
	}
	sx_wire_init(&w, out, cap);
	sx_wire_u8(&w, 0x04);
	sx_wire_u8(&w, 0x01);
	sx_wire_be16(&w, dst->port);
	sx_wire_mem(&w, dst->kind == SX_TARGET_NAME ? v4a_ip : dst->addr.v4, 4);
	sx_wire_mem(&w, userid, ul);
	sx_wire_u8(&w, 0x00);
	if (dst->kind == SX_TARGET_NAME) {
		sx_wire_mem(&w, dst->addr.name, nl);
		sx_wire_u8(&w, 0x00);
	}
	return sx_wire_end(&w);
}

int sx_s4_reply_parse(const uint8_t *in, size_t len, size_t *need, uint8_t *cd)
{
	*need = SX_S4_REPLY_LEN;
	if (len >= 1 && in[0] != 0x00)
		return -EPROTO;
	if (len >= 2)
		*cd = in[1];
	if (len < SX_S4_REPLY_LEN)
		return 0;
	return SX_S4_REPLY_LEN;
}
