/* SPDX-License-Identifier: MIT */
/* The SOCKS5 UDP request header (RFC 1928 §7). */
#ifndef SX_CORE_SOCKS5_UDP_H
#define SX_CORE_SOCKS5_UDP_H

#include <stddef.h>
#include <stdint.h>

#include "target.h"

#define SX_UDP_HDR_MAX (4 + 1 + SX_NAME_MAX + 2)

/* Writes RSV FRAG=0 ATYP DST.ADDR DST.PORT; returns header length or -errno. */
int sx_udp_header_encode(uint8_t *out, size_t cap, const struct sx_target *dst);
/* Returns the header length (data starts there), -EPROTO when malformed or
 * truncated, -ENOTSUP when FRAG != 0 (such datagrams must be dropped). */
int sx_udp_header_decode(const uint8_t *in, size_t len, struct sx_target *src);

#endif
