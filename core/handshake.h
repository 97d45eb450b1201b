/* SPDX-License-Identifier: MIT */
/* The client handshake as a resumable state machine: no I/O, no clock, no malloc.
 * The driver loops on sx_hs_next(): WRITE n bytes from sx_hs_out(), report them with
 * sx_hs_wrote(); READ exactly n bytes (never more: bytes after the SOCKS reply
 * belong to the program), pass them with sx_hs_read(); until DONE or FAILED.
 * A chain is one longer run over the same connection: each hop is asked to CONNECT
 * to the next, the last one to the target. */
#ifndef SX_CORE_HANDSHAKE_H
#define SX_CORE_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_connect.h"
#include "proxy.h"
#include "target.h"

enum sx_cmd { SX_CMD_CONNECT = 1, SX_CMD_BIND = 2, SX_CMD_UDP_ASSOCIATE = 3 };
enum sx_next { SX_NEXT_WRITE, SX_NEXT_READ, SX_NEXT_DONE, SX_NEXT_FAILED };
/* What the proxy said no to, so messages can tell its own refusals (methods,
 * credentials) from its answer about the target (a reply code). */
enum sx_hs_refusal {
	SX_HS_REFUSED_NOTHING = 0, /* no refusal: done, or failed otherwise */
	SX_HS_REFUSED_METHODS,	   /* SOCKS5 method FF: none of the offered methods */
	SX_HS_REFUSED_CREDENTIALS, /* RFC 1929 status not 0 */
	SX_HS_REFUSED_SOCKS5,	   /* a SOCKS5 REP code */
	SX_HS_REFUSED_SOCKS4,	   /* a SOCKS4 CD code */
	SX_HS_REFUSED_HTTP,	   /* an HTTP status other than 2xx */
};

#define SX_HS_BUF     1024 /* the longest message read at once */
#define SX_HS_OUT_BUF 1536 /* the longest written: an HTTP request with credentials */

/* sx_hs_init_chain flags */
#define SX_HS_NO_PIPELINE 1u /* no pipelining at any hop, whatever the proxies say */

struct sx_hs {
	/* private to core/handshake.c */
	int state;
	int err;
	enum sx_hs_refusal refusal;
	uint16_t reply;		      /* the REP or CD byte, or HTTP status, when refusal says so */
	enum sx_cmd cmd;	      /* the current hop's command */
	bool second;		      /* BIND: reading the second reply */
	const struct sx_proxy *proxy; /* the current hop */
	struct sx_target dst;	      /* the current hop's destination */
	const struct sx_proxy *hops[SX_CHAIN_MAX];
	size_t n_hops, hop;
	unsigned flags;
	enum sx_cmd final_cmd;
	struct sx_target final_dst;
	struct sx_target bound;
	uint8_t out[SX_HS_OUT_BUF];
	size_t out_len, out_off;
	uint8_t in[SX_HS_BUF];
	size_t in_len, in_need;
	struct sx_http_reply http;
};

/* 0 or -errno (-EAFNOSUPPORT: SOCKS4 cannot carry the target; -ENAMETOOLONG ...).
 * p must outlive hs. */
int sx_hs_init(struct sx_hs *hs, const struct sx_proxy *p, enum sx_cmd cmd,
	       const struct sx_target *dst);
/* The same through n (1..SX_CHAIN_MAX) proxies, hops[0] first: hop i is asked to CONNECT
 * to hop i+1's host as written (a name stays a name) and port; the last gets cmd and
 * dst. The hops must outlive hs. -EINVAL also for n out of range; -EAFNOSUPPORT when a
 * SOCKS4 hop cannot carry the next one's host. */
int sx_hs_init_chain(struct sx_hs *hs, const struct sx_proxy *const *hops, size_t n,
		     enum sx_cmd cmd, const struct sx_target *dst, unsigned flags);
/* The index of the hop being negotiated, or of the one that failed (0: the first). */
size_t sx_hs_hop(const struct sx_hs *hs);
enum sx_next sx_hs_next(const struct sx_hs *hs, size_t *n);
const uint8_t *sx_hs_out(const struct sx_hs *hs);
void sx_hs_wrote(struct sx_hs *hs, size_t n);
/* n must not exceed what sx_hs_next() asked for. Returns 0 or -errno (also latched). */
int sx_hs_read(struct sx_hs *hs, const uint8_t *in, size_t n);
/* BIND (RFC 1928 §4, SOCKS4 CD 2) answers twice: DONE after the first reply (bound: where
 * the proxy listens), this then re-arms the machine to READ the second (bound: the peer
 * that connected). 0, or -EINVAL when hs is not a BIND that has had its first reply. */
int sx_hs_await_peer(struct sx_hs *hs);
/* Marks the handshake failed with err (e.g. -ECONNRESET on EOF, -ETIMEDOUT). */
void sx_hs_fail(struct sx_hs *hs, int err);
/* What a failed handshake was refused at; *code (may be NULL) gets the REP or CD byte,
 * or the HTTP status. */
enum sx_hs_refusal sx_hs_refusal(const struct sx_hs *hs, uint16_t *code);
/* 0 when DONE (bound receives BND.ADDR/PORT, may be NULL), else the -errno. */
int sx_hs_result(const struct sx_hs *hs, struct sx_target *bound);

#endif
