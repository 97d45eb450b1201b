/* SPDX-License-Identifier: MIT */
/* SOCKS4 and SOCKS4a codecs (same conventions as socks5.h). */
#ifndef SX_CORE_SOCKS4_H
#define SX_CORE_SOCKS4_H

#include <stddef.h>
#include <stdint.h>

#include "target.h"

#define SX_S4_REPLY_LEN 8
#define SX_S4_REQ_MAX	(8 + SX_NAME_MAX + 1 + SX_NAME_MAX + 1)

/* IPv4 target -> SOCKS4; name target -> SOCKS4a (DSTIP 0.0.0.1); IPv6 -> -EAFNOSUPPORT.
 * userid may be NULL (empty). */
int sx_s4_request_encode(uint8_t *out, size_t cap, const struct sx_target *dst, const char *userid);
/* Parses the 8-byte reply VN CD DSTPORT DSTIP; VN must be 0 (else -EPROTO). */
int sx_s4_reply_parse(const uint8_t *in, size_t len, size_t *need, uint8_t *cd);

#endif
