/* SPDX-License-Identifier: MIT */
/* The client side of a SOCKS4/4a/5 or HTTP CONNECT handshake as a resumable state
 * machine. It only ever asks for the bytes of the message it is reading, so data the
 * server sends after its reply (an SSH or SMTP banner) stays in the socket for the program. */
#include <errno.h>
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

/* One method per greeting when pipelining: the server's choice must then match
 * what we already sent behind the greeting. */
static int offered(const struct sx_proxy *p, uint8_t m)
{
	if (m == SX_S5_METHOD_NONE)
		return !p->has_user || !p->pipeline;
	if (m == SX_S5_METHOD_USERPASS)
		return p->has_user;
	return 0;
}

static int init_socks5(struct sx_hs *hs)
{
	const struct sx_proxy *p = hs->proxy;
	uint8_t methods[2];
	size_t nm = 0;
	int r;

	if (!p->has_user || !p->pipeline)
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
	if (!p->pipeline)
		hs->out_len = 2 + nm;
	expect(hs, ST_METHOD, 2);
	return 0;
}

int sx_hs_init(struct sx_hs *hs, const struct sx_proxy *p, enum sx_cmd cmd,
	       const struct sx_target *dst)
{
	int r;

	memset(hs, 0, sizeof(*hs));
	hs->state = ST_FAILED;
	hs->err = -EINVAL;
	if (!p || !dst || (cmd != SX_CMD_CONNECT && cmd != SX_CMD_UDP_ASSOCIATE))
		return hs->err;
	hs->proxy = p;
	hs->cmd = cmd;
	hs->dst = *dst;
	hs->state = 0;
	switch (p->proto) {
	case SX_PROTO_SOCKS4:
	case SX_PROTO_SOCKS4A:
		if (cmd != SX_CMD_CONNECT)
			return fail(hs, -EOPNOTSUPP);
		r = append(hs, sx_s4_request_encode(hs->out, sizeof(hs->out), dst,
						    p->has_user ? p->user : NULL));
		if (r)
			return fail(hs, r);
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

static void start_request(struct sx_hs *hs)
{
	if (!hs->proxy->pipeline) {
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
	if (!offered(hs->proxy, m))
		return fail(hs, SX_ERR_MALFORMED);
	if (m == SX_S5_METHOD_USERPASS) {
		if (!hs->proxy->pipeline) {
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
	hs->state = ST_DONE;
	return 0;
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
	hs->state = ST_DONE;
	return 0;
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
	hs->state = ST_DONE;
	return 0;
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
