/* SPDX-License-Identifier: MIT */
/* SOCKS5 (RFC 1928) and username/password (RFC 1929) messages to and from bytes.
 * Parsers look at no byte beyond the message, so callers can read exactly. */
#include <errno.h>
#include <string.h>

#include "socks5.h"
#include "wire.h"

/*
 * RFC 1928 §5 addressing, used by requests, replies and UDP headers:
 *
 *   +------+----------+----------+
 *   | ATYP |   ADDR   |   PORT   |
 *   +------+----------+----------+
 *   |  1   | Variable |    2     |
 *   +------+----------+----------+
 *
 *   ATYP 01: 4 bytes IPv4; 03: 1 length byte then the name (no NUL); 04: 16 bytes IPv6.
 */

static void put_addr(struct sx_wire *w, const struct sx_target *t)
{
	size_t n;

	switch (t->kind) {
	case SX_TARGET_IPV4:
		sx_wire_u8(w, 0x01);
		sx_wire_mem(w, t->addr.v4, 4);
		break;
	case SX_TARGET_IPV6:
		sx_wire_u8(w, 0x04);
		sx_wire_mem(w, t->addr.v6, 16);
		break;
	case SX_TARGET_NAME:
		n = strnlen(t->addr.name, sizeof(t->addr.name));
		if (n == 0 || n > SX_NAME_MAX) {
			w->err = n ? -ENAMETOOLONG : -EINVAL;
			return;
		}
		sx_wire_u8(w, 0x03);
		sx_wire_u8(w, (uint8_t)n);
		sx_wire_mem(w, t->addr.name, n);
		break;
	default:
		w->err = -EINVAL;
		return;
	}
	sx_wire_be16(w, t->port);
}

int sx_s5_addr_encode(uint8_t *out, size_t cap, const struct sx_target *t)
{
	struct sx_wire w;

	sx_wire_init(&w, out, cap);
	put_addr(&w, t);
	return sx_wire_end(&w);
}

int sx_s5_addr_parse(const uint8_t *in, size_t len, size_t *need, struct sx_target *t)
{
	size_t total, alen;

	*need = 2; /* ATYP and the first address byte tell the length */
	if (len < 1)
		return 0;
	switch (in[0]) {
	case 0x01:
		alen = 4;
		break;
	case 0x04:
		alen = 16;
		break;
	case 0x03:
		if (len < 2)
			return 0;
		if (in[1] == 0)
			return -EPROTO;
		alen = 1 + (size_t)in[1];
		break;
	default:
		return -EPROTO;
	}
	total = 1 + alen + 2;
	*need = total;
	if (len < total)
		return 0;
	if (in[0] == 0x03 && memchr(in + 2, 0, alen - 1))
		return -EPROTO;
	if (t) {
		memset(t, 0, sizeof(*t));
		t->kind = (enum sx_target_kind)in[0];
		t->port = sx_wire_get_be16(in + 1 + alen);
		if (in[0] == 0x01)
			memcpy(t->addr.v4, in + 1, 4);
		else if (in[0] == 0x04)
			memcpy(t->addr.v6, in + 1, 16);
		else
			memcpy(t->addr.name, in + 2, alen - 1);
	}
	return (int)total;
}

/*
 * RFC 1928 §3 method selection:
 *
 *   client greeting                    server choice
 *   +----+----------+----------+       +----+--------+
 *   |VER | NMETHODS | METHODS  |       |VER | METHOD |
 *   +----+----------+----------+       +----+--------+
 *   | 1  |    1     | 1 to 255 |       | 1  |   1    |
 *   +----+----------+----------+       +----+--------+
 */

int sx_s5_greeting_encode(uint8_t *out, size_t cap, const uint8_t *methods, size_t n)
{
	struct sx_wire w;

	if (n < 1 || n > 255)
		return -EINVAL;
	sx_wire_init(&w, out, cap);
	sx_wire_u8(&w, 0x05);
	sx_wire_u8(&w, (uint8_t)n);
	sx_wire_mem(&w, methods, n);
	return sx_wire_end(&w);
}

int sx_s5_method_parse(const uint8_t *in, size_t len, size_t *need, uint8_t *method)
{
	*need = 2;
	if (len >= 1 && in[0] != 0x05)
		return -EPROTO;
	if (len < 2)
		return 0;
	*method = in[1];
	return 2;
}

/*
 * RFC 1929 §2 username/password sub-negotiation:
 *
 *   request                                      reply
 *   +----+------+----------+------+----------+   +----+--------+
 *   |VER | ULEN |  UNAME   | PLEN |  PASSWD  |   |VER | STATUS |
 *   +----+------+----------+------+----------+   +----+--------+
 *   | 1  |  1   | 1 to 255 |  1   | 1 to 255 |   | 1  |   1    |
 *   +----+------+----------+------+----------+   +----+--------+
 *
 * VER is 01. An empty password is sent as PLEN 00, as curl does for "user:@host".
 */

int sx_s5_auth_encode(uint8_t *out, size_t cap, const char *user, const char *pass)
{
	struct sx_wire w;
	size_t ul = strnlen(user, SX_NAME_MAX + 1);
	size_t pl = strnlen(pass, SX_NAME_MAX + 1);

	if (ul == 0)
		return -EINVAL;
	if (ul > SX_NAME_MAX || pl > SX_NAME_MAX)
		return -ENAMETOOLONG;
	sx_wire_init(&w, out, cap);
	sx_wire_u8(&w, 0x01);
	sx_wire_u8(&w, (uint8_t)ul);
	sx_wire_mem(&w, user, ul);
	sx_wire_u8(&w, (uint8_t)pl);
	sx_wire_mem(&w, pass, pl);
	return sx_wire_end(&w);
}

/* Any VER: some servers answer 05 (proxychains accepts 1 or 5, curl ignores it). */
int sx_s5_auth_parse(const uint8_t *in, size_t len, size_t *need, uint8_t *status)
{
	*need = 2;
	if (len < 2)
		return 0;
	*status = in[1];
	return 2;
}

/*
 * RFC 1928 §4 request and §6 reply:
 *
 *   +----+-----+-------+------+----------+----------+
 *   |VER | CMD |  RSV  | ATYP | DST.ADDR | DST.PORT |
 *   +----+-----+-------+------+----------+----------+
 *   | 1  |  1  | X'00' |  1   | Variable |    2     |
 *   +----+-----+-------+------+----------+----------+
 *
 *   +----+-----+-------+------+----------+----------+
 *   |VER | REP |  RSV  | ATYP | BND.ADDR | BND.PORT |
 *   +----+-----+-------+------+----------+----------+
 *   | 1  |  1  | X'00' |  1   | Variable |    2     |
 *   +----+-----+-------+------+----------+----------+
 */

int sx_s5_request_encode(uint8_t *out, size_t cap, uint8_t cmd, const struct sx_target *dst)
{
	struct sx_wire w;

	sx_wire_init(&w, out, cap);
	sx_wire_u8(&w, 0x05);
	sx_wire_u8(&w, cmd);
	sx_wire_u8(&w, 0x00);
	put_addr(&w, dst);
	return sx_wire_end(&w);
}

int sx_s5_reply_parse(const uint8_t *in, size_t len, size_t *need, uint8_t *rep,
		      struct sx_target *bound)
{
	size_t an;
	int r;

	*need = 5; /* up to the first address byte, which for a name is its length */
	if (len >= 1 && in[0] != 0x05)
		return -EPROTO;
	if (len >= 2)
		*rep = in[1];
	if (len <= 3)
		return 0; /* RSV is not checked: nothing depends on it */
	r = sx_s5_addr_parse(in + 3, len - 3, &an, bound);
	if (r <= 0) {
		*need = 3 + an;
		return r;
	}
	return 3 + r;
}
