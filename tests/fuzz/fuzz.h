/* SPDX-License-Identifier: MIT */
/* Shared by the libFuzzer targets: a cursor that turns the fuzzer's bytes into
 * decisions and fields, and an invariant check that crashes loudly. */
#ifndef SX_FUZZ_H
#define SX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort(), not assert(): the sources are built with -DNDEBUG, as in the library. */
#define FZ_CHECK(cond)                                                                             \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "invariant failed at %s:%d: %s\n", __FILE__, __LINE__,     \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

struct fz {
	const uint8_t *p;
	size_t n;
};

/* Past the end every read yields zeros, so short inputs still decode to something. */
static inline uint8_t fz_u8(struct fz *f)
{
	if (!f->n)
		return 0;
	f->n--;
	return *f->p++;
}

static inline uint16_t fz_u16(struct fz *f)
{
	uint16_t hi = fz_u8(f);

	return (uint16_t)(hi << 8 | fz_u8(f));
}

/* Up to want bytes; returns how many were available. */
static inline size_t fz_bytes(struct fz *f, void *out, size_t want)
{
	size_t k = want < f->n ? want : f->n;

	memcpy(out, f->p, k);
	f->p += k;
	f->n -= k;
	return k;
}

/* A length-prefixed string (length byte, then bytes) into out[cap], NUL-terminated;
 * an embedded NUL simply ends the C string early. */
static inline size_t fz_str(struct fz *f, char *out, size_t cap)
{
	size_t want = fz_u8(f);

	if (want > cap - 1)
		want = cap - 1;
	want = fz_bytes(f, out, want);
	out[want] = '\0';
	return strlen(out);
}

/* An exact-size heap copy, so ASan sees any read past the end. Caller frees. */
static inline uint8_t *fz_dup(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);

	FZ_CHECK(d != NULL);
	if (n)
		memcpy(d, p, n);
	return d;
}

/* The same, NUL-terminated: the string ends at the first NUL or at the end. */
static inline char *fz_cstr(const uint8_t *p, size_t n)
{
	char *d = malloc(n + 1);

	FZ_CHECK(d != NULL);
	if (n)
		memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

#endif
