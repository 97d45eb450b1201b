/* SPDX-License-Identifier: MIT */
/* A bounded byte writer: encoders append without checking each step and look at
 * the result once, so a too-small buffer is one -ENOBUFS, never an overrun. */
#ifndef SX_CORE_WIRE_H
#define SX_CORE_WIRE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct sx_wire {
	uint8_t *p;
	size_t cap;
	size_t len;
	int err;
};

static inline void sx_wire_init(struct sx_wire *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->len = 0;
	w->err = 0;
}

static inline void sx_wire_mem(struct sx_wire *w, const void *s, size_t n)
{
	if (w->err)
		return;
	if (n > w->cap - w->len) {
		w->err = -ENOBUFS;
		return;
	}
	if (n)
		memcpy(w->p + w->len, s, n);
	w->len += n;
}

static inline void sx_wire_u8(struct sx_wire *w, uint8_t v)
{
	sx_wire_mem(w, &v, 1);
}

static inline void sx_wire_be16(struct sx_wire *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	sx_wire_mem(w, b, 2);
}

/* Bytes written, or the first error. */
static inline int sx_wire_end(const struct sx_wire *w)
{
	return w->err ? w->err : (int)w->len;
}

static inline uint16_t sx_wire_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

#endif
