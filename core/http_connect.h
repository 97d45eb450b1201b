/* SPDX-License-Identifier: MIT */
/* HTTP CONNECT (RFC 9110 §9.3.6) over byte buffers: the request, and a reply reader that
 * says how many bytes it may take next without reading past the header's blank line. */
#ifndef SX_CORE_HTTP_CONNECT_H
#define SX_CORE_HTTP_CONNECT_H

#include <stddef.h>
#include <stdint.h>

#include "target.h"

/* "CONNECT " host:port " HTTP/1.1", Host:, Proxy-Authorization: Basic ..., blank line. */
#define SX_HTTP_REQ_MAX	   (2 * (SX_NAME_MAX + 8) + 4 * ((2 * SX_NAME_MAX + 3) / 3) + 96)
#define SX_HTTP_HEADER_MAX 16384 /* a longer reply header is -EPROTO, not an endless read */

/* The request for dst; user NULL sends no credentials. Bytes written, or -ENOBUFS,
 * -EINVAL (a name with a blank, a control byte, ':', or a user with ':', which Basic
 * cannot carry), -ENAMETOOLONG. */
int sx_http_request_encode(uint8_t *out, size_t cap, const struct sx_target *dst, const char *user,
			   const char *pass);

struct sx_http_reply {
	/* private to core/http_connect.c */
	uint32_t len;	  /* bytes of the current response so far */
	uint32_t total;	  /* of all responses, interim 1xx included */
	uint16_t status;  /* the final status once the header ended */
	uint8_t line;	  /* where in the header's line structure the last byte left us */
	uint8_t head[12]; /* "HTTP/1.1 200" */
};

void sx_http_reply_init(struct sx_http_reply *r);
/* How many bytes may be read next (1..12): never one past the header's end. */
size_t sx_http_reply_want(const struct sx_http_reply *r);
/* Takes n bytes (n <= sx_http_reply_want()). 1 when the header of a final (non-1xx)
 * response ended, 0 for more, -EPROTO for a malformed or overlong header. */
int sx_http_reply_feed(struct sx_http_reply *r, const uint8_t *in, size_t n);
/* The final status code, once feed returned 1. */
unsigned sx_http_reply_status(const struct sx_http_reply *r);

#endif
