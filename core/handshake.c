/* SPDX-License-Identifier: MIT */
/* The client side of a SOCKS4/4a/5 or HTTP CONNECT handshake as a resumable state
 * machine. It only ever asks for the bytes of the message it is reading, so data the
 * server sends after its reply (an SSH or SMTP banner) stays in the socket for the program. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "errmap.h"
#include "handshake.h"
#include "http_connect.h"
#include "socks4.h"
#include "socks5.h"

/* What the bytes we are waiting for are; writes are pending whenever out has bytes left. */
enum { ST_METHOD = 1, ST_AUTH, ST_REPLY5, ST_REPLY4, ST_HTTP, ST_DONE, ST_FAILED };

static int fail(struct sx_hs *hs, int err)
{
	if (hs->state != ST_FAILED) {
		hs->state = ST_FAILED;
		hs->err = err < 0 ? err : -EINVAL;
	}
	return hs->err;
}

static int refused(struct sx_hs *hs, enum sx_hs_refusal what, uint16_t code, int err)
{
	if (hs->state != ST_FAILED) {
		hs->refusal = what;
		hs->reply = code;
	}
	return fail(hs, err);
}

static void expect(struct sx_hs *hs, int state, size_t n)
{
	hs->state = state;
	hs->in_len = 0;
	hs->in_need = n;
}

static int append(struct sx_hs *hs, int r)
{
	if (r < 0)
		return r;
	hs->out_len += (size_t)r;
	return 0;
}

static int append_auth(struct sx_hs *hs)
{
	return append(hs, sx_s5_auth_encode(hs->out + hs->out_len, sizeof(hs->out) - hs->out_len,
					    hs->proxy->user, hs->proxy->pass));
}

static int append_request(struct sx_hs *hs)
{
	return append(hs, sx_s5_request_encode(hs->out + hs->out_len, sizeof(hs->out) - hs->out_len,
					       (uint8_t)hs->cmd, &hs->dst));
}

static bool pipelining(const struct sx_hs *hs)
{
	return hs->proxy->pipeline && !(hs->flags & SX_HS_NO_PIPELINE);
}

/* One method per greeting when pipelining: the server's choice must then match
 * what we already sent behind the greeting. */
static int offered(const struct sx_hs *hs, uint8_t m)
{
	if (m == SX_S5_METHOD_NONE)
		return !hs->proxy->has_user || !pipelining(hs);
	if (m == SX_S5_METHOD_USERPASS)
		return hs->proxy->has_user;
	return 0;
}

static int init_socks5(struct sx_hs *hs)
{
	const struct sx_proxy *p = hs->proxy;
	uint8_t methods[2];
	size_t nm = 0;
	int r;

	if (!p->has_user || !pipelining(hs))
		methods[nm++] = SX_S5_METHOD_NONE;
	if (p->has_user)
		methods[nm++] = SX_S5_METHOD_USERPASS;
	r = append(hs, sx_s5_greeting_encode(hs->out, sizeof(hs->out), methods, nm));
	/* Later messages are built now as well, so bad fields fail here and not mid-way. */
	if (!r && p->has_user)
		r = append_auth(hs);
	if (!r)
		r = append_request(hs);
	if (r)
		return r;
	if (!pipelining(hs))
		hs->out_len = 2 + nm;
	expect(hs, ST_METHOD, 2);
	return 0;
}

/* Where an inner hop is told to connect: the next proxy's host as written. */
static int next_hop_target(const struct sx_proxy *next, struct sx_target *t)
{
	uint8_t a[16];

	if (inet_pton(AF_INET, next->host, a) == 1) {
		sx_target_set_v4(t, a, next->port);
		return 0;
	}
	if (inet_pton(AF_INET6, next->host, a) == 1) {
		sx_target_set_v6(t, a, next->port);
		return 0;
	}
	return sx_target_set_name(t, next->host, next->port);
}

/* Builds the current hop's first message(s) for its proxy, command and destination. */
static int start_hop(struct sx_hs *hs)
{
	const struct sx_proxy *p = hs->hops[hs->hop];
	bool last = hs->hop + 1 == hs->n_hops;
	int r;

	hs->proxy = p;
	hs->cmd = last ? hs->final_cmd : SX_CMD_CONNECT;
	if (last)
		hs->dst = hs->final_dst;
	else if ((r = next_hop_target(hs->hops[hs->hop + 1], &hs->dst)) < 0)
		return fail(hs, r);
	hs->out_len = hs->out_off = 0;
	hs->state = 0;
	const enum sx_cmd cmd = hs->cmd;
	const struct sx_target *dst = &hs->dst;
	switch (p->proto) {
	case SX_PROTO_SOCKS4:
	case SX_PROTO_SOCKS4A:
		if (cmd == SX_CMD_UDP_ASSOCIATE)
			return fail(hs, -EOPNOTSUPP);
		r = append(hs, sx_s4_request_encode(hs->out, sizeof(hs->out), dst,
						    p->has_user ? p->user : NULL));
		if (r)
			return fail(hs, r);
		hs->out[1] = (uint8_t)cmd; /* CD: the encoder writes CONNECT's */
		expect(hs, ST_REPLY4, SX_S4_REPLY_LEN);
		return 0;
	case SX_PROTO_SOCKS5:
	case SX_PROTO_SOCKS5H:
		r = init_socks5(hs);
		return r ? fail(hs, r) : 0;
	case SX_PROTO_HTTP:
		if (cmd != SX_CMD_CONNECT)
			return fail(hs, -EOPNOTSUPP);
		r = append(hs, sx_http_request_encode(hs->out, sizeof(hs->out), dst,
						      p->has_user ? p->user : NULL, p->pass));
		if (r)
			return fail(hs, r);
		sx_http_reply_init(&hs->http);
		expect(hs, ST_HTTP, sx_http_reply_want(&hs->http));
		return 0;
	default:
		return fail(hs, -EINVAL);
	}
}

int sx_hs_init_chain(struct sx_hs *hs, const struct sx_proxy *const *hops, size_t n,
		     enum sx_cmd cmd, const struct sx_target *dst, unsigned flags)
{
	memset(hs, 0, sizeof(*hs));
	hs->state = ST_FAILED;
	hs->err = -EINVAL;
	if (!hops || n < 1 || n > SX_CHAIN_MAX || !dst ||
	    (cmd != SX_CMD_CONNECT && cmd != SX_CMD_BIND && cmd != SX_CMD_UDP_ASSOCIATE))
		return hs->err;
	for (size_t i = 0; i < n; i++)
		if (!hops[i])
			return hs->err;
	memcpy(hs->hops, hops, n * sizeof hops[0]);
	hs->n_hops = n;
	hs->flags = flags;
	hs->final_cmd = cmd;
	hs->final_dst = *dst;
	return start_hop(hs);
}

int sx_hs_init(struct sx_hs *hs, const struct sx_proxy *p, enum sx_cmd cmd,
	       const struct sx_target *dst)
{
	return sx_hs_init_chain(hs, &p, 1, cmd, dst, 0);
}

/* A hop's reply was a success: the next hop's handshake starts inside its tunnel. */
static int hop_done(struct sx_hs *hs)
{
	if (hs->hop + 1 == hs->n_hops) {
		hs->state = ST_DONE;
		return 0;
	}
	hs->hop++;
	return start_hop(hs);
}

static void start_request(struct sx_hs *hs)
{
	if (!pipelining(hs)) {
		hs->out_len = hs->out_off = 0;
		append_request(hs); /* cannot fail: it fitted at init */
	}
	expect(hs, ST_REPLY5, 5);
}

/* r is a parser's result; 0 means the message is incomplete and need says how far. */
static int more(struct sx_hs *hs, int r, size_t need)
{
	if (r < 0)
		return fail(hs, SX_ERR_MALFORMED);
	if (need <= hs->in_len || need > sizeof(hs->in))
		return fail(hs, SX_ERR_MALFORMED); /* parser bug: never wait forever */
	hs->in_need = need;
	return 0;
}

static int on_method(struct sx_hs *hs)
{
	uint8_t m = 0;
	size_t need;
	int r = sx_s5_method_parse(hs->in, hs->in_len, &need, &m);

	if (r <= 0)
		return more(hs, r, need);
	if (m == SX_S5_METHOD_REJECT)
		return refused(hs, SX_HS_REFUSED_METHODS, 0, SX_ERR_NO_METHOD);
	if (!offered(hs, m))
		return fail(hs, SX_ERR_MALFORMED);
	if (m == SX_S5_METHOD_USERPASS) {
		if (!pipelining(hs)) {
			hs->out_len = hs->out_off = 0;
			append_auth(hs); /* cannot fail: it fitted at init */
		}
		expect(hs, ST_AUTH, 2);
		return 0;
	}
	start_request(hs);
	return 0;
}

static int on_auth(struct sx_hs *hs)
{
	uint8_t status = 0;
	size_t need;
	int r = sx_s5_auth_parse(hs->in, hs->in_len, &need, &status);

	if (r <= 0)
		return more(hs, r, need);
	if (status != 0)
		return refused(hs, SX_HS_REFUSED_CREDENTIALS, status, SX_ERR_AUTH_REJECTED);
	start_request(hs);
	return 0;
}

/* REP is acted on as soon as it arrives: a failing server closes the connection
 * and may not send a complete reply (RFC 1928 §6). */
static int on_reply5(struct sx_hs *hs)
{
	uint8_t rep = 0;
	size_t need;
	int r;

	if (hs->in[0] != 0x05)
		return fail(hs, SX_ERR_MALFORMED);
	if (hs->in_len >= 2 && hs->in[1] != 0)
		return refused(hs, SX_HS_REFUSED_SOCKS5, hs->in[1], sx_errmap_socks5(hs->in[1]));
	r = sx_s5_reply_parse(hs->in, hs->in_len, &need, &rep, &hs->bound);
	if (r <= 0)
		return more(hs, r, need);
	return hop_done(hs);
}

static int on_reply4(struct sx_hs *hs)
{
	uint8_t cd = 0;
	size_t need;
	int r;

	if (hs->in[0] != 0x00)
		return fail(hs, SX_ERR_MALFORMED);
	if (hs->in_len >= 2 && hs->in[1] != 90)
		return refused(hs, SX_HS_REFUSED_SOCKS4, hs->in[1], sx_errmap_socks4(hs->in[1]));
	r = sx_s4_reply_parse(hs->in, hs->in_len, &need, &cd);
	if (r <= 0)
		return more(hs, r, need);
	sx_target_set_v4(&hs->bound, hs->in + 4, (uint16_t)(hs->in[2] << 8 | hs->in[3]));
	return hop_done(hs);
}

/* The reader took what it was given; it says how much it may take next. */
static int on_http(struct sx_hs *hs)
{
	int r = sx_http_reply_feed(&hs->http, hs->in, hs->in_len);

	if (r < 0)
		return fail(hs, SX_ERR_MALFORMED);
	if (r == 0) {
		expect(hs, ST_HTTP, sx_http_reply_want(&hs->http));
		return 0;
	}
	unsigned status = sx_http_reply_status(&hs->http);
	if (status < 200 || status > 299)
		return refused(hs, SX_HS_REFUSED_HTTP, (uint16_t)status, sx_errmap_http(status));
	memset(&hs->bound, 0, sizeof hs->bound); /* HTTP names no bound address */
	return hop_done(hs);
}

enum sx_next sx_hs_next(const struct sx_hs *hs, size_t *n)
{
	size_t dummy;

	if (!n)
		n = &dummy;
	*n = 0;
	if (hs->state == ST_FAILED)
		return SX_NEXT_FAILED;
	if (hs->state == ST_DONE)
		return SX_NEXT_DONE;
	if (hs->out_off < hs->out_len) {
		*n = hs->out_len - hs->out_off;
		return SX_NEXT_WRITE;
	}
	*n = hs->in_need - hs->in_len;
	return SX_NEXT_READ;
}

const uint8_t *sx_hs_out(const struct sx_hs *hs)
{
	return hs->out + hs->out_off;
}

void sx_hs_wrote(struct sx_hs *hs, size_t n)
{
	if (hs->state == ST_FAILED || hs->state == ST_DONE)
		return;
	if (n > hs->out_len - hs->out_off) {
		fail(hs, -EINVAL);
		return;
	}
	hs->out_off += n;
}

int sx_hs_read(struct sx_hs *hs, const uint8_t *in, size_t n)
{
	if (hs->state == ST_FAILED)
		return hs->err;
	if (n == 0)
		return 0;
	/* Taking bytes we did not ask for would mean they were read from the program's stream. */
	if (hs->state == ST_DONE || hs->out_off < hs->out_len || n > hs->in_need - hs->in_len)
		return fail(hs, -EINVAL);
	memcpy(hs->in + hs->in_len, in, n);
	hs->in_len += n;
	switch (hs->state) {
	case ST_METHOD:
		return on_method(hs);
	case ST_AUTH:
		return on_auth(hs);
	case ST_REPLY5:
		return on_reply5(hs);
	case ST_REPLY4:
		return on_reply4(hs);
	case ST_HTTP:
		return on_http(hs);
	default:
		return fail(hs, -EINVAL);
	}
}

int sx_hs_await_peer(struct sx_hs *hs)
{
	if (hs->cmd != SX_CMD_BIND || hs->state != ST_DONE || hs->second)
		return -EINVAL;
	hs->second = true;
	bool v4 = hs->proxy->proto == SX_PROTO_SOCKS4 || hs->proxy->proto == SX_PROTO_SOCKS4A;
	expect(hs, v4 ? ST_REPLY4 : ST_REPLY5, v4 ? SX_S4_REPLY_LEN : 5);
	return 0;
}

size_t sx_hs_hop(const struct sx_hs *hs)
{
	return hs->hop;
}

void sx_hs_fail(struct sx_hs *hs, int err)
{
	fail(hs, err);
}

enum sx_hs_refusal sx_hs_refusal(const struct sx_hs *hs, uint16_t *code)
{
	enum sx_hs_refusal r = hs->state == ST_FAILED ? hs->refusal : SX_HS_REFUSED_NOTHING;

	if (code)
		*code = r ? hs->reply : 0;
	return r;
}

int sx_hs_result(const struct sx_hs *hs, struct sx_target *bound)
{
	if (hs->state == ST_FAILED)
		return hs->err;
	if (hs->state != ST_DONE)
		return -EINPROGRESS;
	if (bound)
		*bound = hs->bound;
	return 0;
}
