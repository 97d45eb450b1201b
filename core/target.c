/* SPDX-License-Identifier: MIT */
/* Filling in a SOCKS destination; names are length-checked here once so that
 * every encoder can trust SX_NAME_MAX. */
#include <errno.h>
#include <string.h>

#include "target.h"

int sx_target_set_name(struct sx_target *t, const char *name, uint16_t port)
{
	size_t n = strnlen(name, SX_NAME_MAX + 1);

	if (n == 0)
		return -EINVAL;
	if (n > SX_NAME_MAX)
		return -ENAMETOOLONG;
	memset(t, 0, sizeof(*t));
	t->kind = SX_TARGET_NAME;
	t->port = port;
	memcpy(t->addr.name, name, n);
	return 0;
}

void sx_target_set_v4(struct sx_target *t, const uint8_t a[4], uint16_t port)
{
	memset(t, 0, sizeof(*t));
	t->kind = SX_TARGET_IPV4;
	t->port = port;
	memcpy(t->addr.v4, a, 4);
}

void sx_target_set_v6(struct sx_target *t, const uint8_t a[16], uint16_t port)
{
	memset(t, 0, sizeof(*t));
	t->kind = SX_TARGET_IPV6;
	t->port = port;
	memcpy(t->addr.v6, a, 16);
}

bool sx_target_equal(const struct sx_target *a, const struct sx_target *b)
{
	if (a->kind != b->kind || a->port != b->port)
		return false;
	if (a->kind == SX_TARGET_IPV4)
		return !memcmp(a->addr.v4, b->addr.v4, 4);
	if (a->kind == SX_TARGET_IPV6)
		return !memcmp(a->addr.v6, b->addr.v6, 16);
	return !strcmp(a->addr.name, b->addr.name);
}
