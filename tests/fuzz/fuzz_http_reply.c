/* SPDX-License-Identifier: MIT */
/* The HTTP CONNECT reply reader on arbitrary bytes: it never asks for 0 or more than 12
 * bytes, never ends before the header's end with bytes left over, reads the same header
 * whatever the chunking, and stops at SX_HTTP_HEADER_MAX. */
#include "../../core/errmap.h"
#include "../../core/http_connect.h"
#include "fuzz.h"

/* Feeds in as the reader asks, at most chunk bytes a time (0: as asked). */
static int run(const uint8_t *in, size_t len, size_t chunk, size_t *used, unsigned *status)
{
	struct sx_http_reply r;
	size_t off = 0;

	sx_http_reply_init(&r);
	for (;;) {
		size_t n = sx_http_reply_want(&r);
		FZ_CHECK(n >= 1 && n <= 12);
		if (chunk && n > chunk)
			n = chunk;
		if (n > len - off)
			n = len - off;
		if (n == 0) {
			*used = off;
			return 0; /* the input ended first: "need more" */
		}
		int rc = sx_http_reply_feed(&r, in + off, n);
		off += n;
		FZ_CHECK(rc >= -EPROTO && rc <= 1 && (rc >= 0 || rc == -EPROTO));
		FZ_CHECK(off <= SX_HTTP_HEADER_MAX + 2);
		if (rc != 0) {
			*used = off;
			*status = rc == 1 ? sx_http_reply_status(&r) : 0;
			return rc;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *in = fz_dup(data, size);
	size_t used1 = 0, used0 = 0;
	unsigned st1 = 0, st0 = 0;
	int r1 = run(in, size, 1, &used1, &st1);
	int r0 = run(in, size, 0, &used0, &st0);

	/* byte by byte is the reference: asking for more must not change the verdict */
	FZ_CHECK(r0 == r1);
	if (r1 == 1) {
		FZ_CHECK(used0 == used1);
		FZ_CHECK(st1 >= 200 && st1 <= 999 && st0 == st1);
		FZ_CHECK(used1 >= 14);
		FZ_CHECK(in[used1 - 1] == '\n'); /* it ended on the blank line's LF */
		(void)sx_errmap_http(st1);
		FZ_CHECK(sx_errmap_http_text(st1) != NULL);
	}
	free(in);
	return 0;
}
