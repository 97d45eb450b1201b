/* SPDX-License-Identifier: MIT */
/* A SOCKS destination: an IPv4 or IPv6 address or a host name, with a port.
 * Pure data; conversion from struct sockaddr lives in preload/. */
#ifndef SX_CORE_TARGET_H
#define SX_CORE_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SX_NAME_MAX 255 /* RFC 1928 §5: one length byte */

enum sx_target_kind { SX_TARGET_IPV4 = 1, SX_TARGET_NAME = 3, SX_TARGET_IPV6 = 4 };

struct sx_target {
	enum sx_target_kind kind;
	uint16_t port; /* host byte order */
	union {
		uint8_t v4[4];
		uint8_t v6[16];
		char name[SX_NAME_MAX + 1]; /* NUL-terminated */
	} addr;
};

/* 0, or -EINVAL (empty name) / -ENAMETOOLONG (> 255 bytes). */
int sx_target_set_name(struct sx_target *t, const char *name, uint16_t port);
void sx_target_set_v4(struct sx_target *t, const uint8_t a[4], uint16_t port);
void sx_target_set_v6(struct sx_target *t, const uint8_t a[16], uint16_t port);
/* Same kind, port and address (names compared exactly). */
bool sx_target_equal(const struct sx_target *a, const struct sx_target *b);

#endif
