/* SPDX-License-Identifier: MIT */
/* SOCKS5 (RFC 1928) and username/password auth (RFC 1929) codecs over byte buffers.
 * Encoders return bytes written or -errno (-ENOBUFS if cap is too small,
 * -ENAMETOOLONG / -EINVAL for bad fields). Parsers return >0 bytes consumed,
 * 0 when more input is needed (*need = total bytes the message needs so far),
 * or <0 (-EPROTO malformed). */
#ifndef SX_CORE_SOCKS5_H
#define SX_CORE_SOCKS5_H

#include <stddef.h>
#include <stdint.h>

#include "target.h"

#define SX_S5_METHOD_NONE	0x00
#define SX_S5_METHOD_USERPASS	0x02
#define SX_S5_METHOD_REJECT	0xFF
#define SX_S5_CMD_CONNECT	0x01
#define SX_S5_CMD_UDP_ASSOCIATE 0x03
#define SX_S5_REQ_MAX		(4 + 1 + SX_NAME_MAX + 2)
#define SX_S5_AUTH_MAX		(3 + 2 * SX_NAME_MAX)

/* ATYP DST.ADDR DST.PORT, shared by requests, replies and UDP headers. */
int sx_s5_addr_encode(uint8_t *out, size_t cap, const struct sx_target *t);
/* Needs 2 bytes to know the length; a name must be 1-255 bytes without NUL. */
int sx_s5_addr_parse(const uint8_t *in, size_t len, size_t *need, struct sx_target *t);

int sx_s5_greeting_encode(uint8_t *out, size_t cap, const uint8_t *methods, size_t n);
/* Parses VER METHOD; *method receives the chosen method. VER != 5 -> -EPROTO. */
int sx_s5_method_parse(const uint8_t *in, size_t len, size_t *need, uint8_t *method);
int sx_s5_auth_encode(uint8_t *out, size_t cap, const char *user, const char *pass);
/* Parses VER STATUS; lenient on VER (any value), *status receives STATUS. */
int sx_s5_auth_parse(const uint8_t *in, size_t len, size_t *need, uint8_t *status);
int sx_s5_request_encode(uint8_t *out, size_t cap, uint8_t cmd, const struct sx_target *dst);
/* Parses VER REP RSV ATYP BND.ADDR BND.PORT; *rep and *bound receive the fields.
 * *rep is set as soon as 2 bytes are in, so for REP != 0 the caller may stop
 * there: see sx_hs. Any REP value parses; mapping it is errmap's job. */
int sx_s5_reply_parse(const uint8_t *in, size_t len, size_t *need, uint8_t *rep,
		      struct sx_target *bound);

#endif
