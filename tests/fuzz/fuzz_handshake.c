/* SPDX-License-Identifier: MIT */
/* The handshake state machine against an arbitrary server transcript. The first bytes
 * choose the proxy settings, the target and a chain of one or two hops; the rest is what
 * the servers send, in chunks whose sizes come from the input too. The driver obeys
 * sx_hs_next() exactly. */
#include <errno.h>

#include "../../core/handshake.h"
#include "../../core/socks5.h"
#include "fuzz.h"

static void setup(struct fz *f, struct sx_proxy *p, enum sx_cmd *cmd, struct sx_target *dst)
{
	uint8_t flags = fz_u8(f), kind = fz_u8(f) % 3;

	memset(p, 0, sizeof(*p));
	p->proto = (flags & 32) ? SX_PROTO_HTTP : (enum sx_proto)(SX_PROTO_SOCKS4 + (flags & 3));
	p->has_user = flags & 4;
	p->pipeline = flags & 8;
	*cmd = (flags & 16) ? SX_CMD_UDP_ASSOCIATE : (flags & 64) ? SX_CMD_BIND : SX_CMD_CONNECT;
	strcpy(p->host, "proxy.test");
	p->port = 1080;
	memset(dst, 0, sizeof(*dst));
	if (kind == 0) {
		uint8_t a[4] = {0};

		fz_bytes(f, a, 4);
		sx_target_set_v4(dst, a, fz_u16(f));
	} else if (kind == 1) {
		uint8_t a[16] = {0};

		fz_bytes(f, a, 16);
		sx_target_set_v6(dst, a, fz_u16(f));
	} else {
		char name[SX_NAME_MAX + 1];

		fz_str(f, name, sizeof(name));
		if (sx_target_set_name(dst, name, fz_u16(f)) < 0)
			sx_target_set_name(dst, "example.test", 80);
	}
	if (p->has_user) {
		fz_str(f, p->user, sizeof(p->user));
		fz_str(f, p->pass, sizeof(p->pass));
	}
}

static void check_done(const struct sx_hs *hs, const struct sx_proxy *p)
{
	struct sx_target bound;
	struct sx_hs copy;
	uint8_t rep = 0xEE;
	size_t need;

	FZ_CHECK(sx_hs_result(hs, &bound) == 0);
	FZ_CHECK(sx_hs_result(hs, NULL) == 0);
	FZ_CHECK(p->proto == SX_PROTO_HTTP || bound.kind == SX_TARGET_IPV4 ||
		 bound.kind == SX_TARGET_IPV6 || bound.kind == SX_TARGET_NAME);
	if (bound.kind == SX_TARGET_NAME) {
		size_t nl = strnlen(bound.addr.name, sizeof(bound.addr.name));

		FZ_CHECK(nl >= 1 && nl <= SX_NAME_MAX);
	}
	if (p->proto == SX_PROTO_HTTP) {
		/* the last byte taken ended the header's blank line */
		FZ_CHECK(hs->in_len >= 1 && hs->in[hs->in_len - 1] == '\n');
	} else if (p->proto == SX_PROTO_SOCKS4 || p->proto == SX_PROTO_SOCKS4A) {
		FZ_CHECK(bound.kind == SX_TARGET_IPV4);
		FZ_CHECK(hs->in_len == 8 && hs->in[0] == 0 && hs->in[1] == 90);
	} else {
		/* Exactly one complete, successful reply was read: not a byte more. */
		FZ_CHECK(sx_s5_reply_parse(hs->in, hs->in_len, &need, &rep, NULL) ==
			 (int)hs->in_len);
		FZ_CHECK(rep == 0);
	}
	/* Done means done: more bytes are refused, not swallowed. */
	copy = *hs;
	FZ_CHECK(sx_hs_read(&copy, (const uint8_t *)"x", 1) < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	struct sx_proxy p;
	struct sx_target dst;
	enum sx_cmd cmd;
	struct sx_hs hs;
	size_t max_steps, steps = 0, written = 0;
	int r;

	setup(&f, &p, &cmd, &dst);
	/* A two-hop chain of the same kind of proxy: the first hop reaches the second by
	 * address or by name; the transcript then holds both hops' answers. */
	struct sx_proxy p2 = p;
	const struct sx_proxy *hops[2] = {&p, &p2};
	uint8_t chain = fz_u8(&f);
	strcpy(p2.host, (chain & 2) ? "10.0.0.1" : "hop.test");
	r = sx_hs_init_chain(&hs, hops, (chain & 1) ? 2 : 1, cmd, &dst, 0);
	if (r < 0) {
		size_t n = 1;

		FZ_CHECK(sx_hs_next(&hs, &n) == SX_NEXT_FAILED && n == 0);
		FZ_CHECK(sx_hs_result(&hs, NULL) == r);
		return 0;
	}
	/* Each WRITE step drains >= 1 byte of out, each READ step eats >= 1 input byte
	 * (or ends it), and out is refilled at most twice after init. */
	max_steps = 3 * SX_HS_OUT_BUF + 2 * f.n + 9;
	for (;;) {
		size_t n = 12345, k;
		enum sx_next nx = sx_hs_next(&hs, &n);
		uint8_t c;

		FZ_CHECK(++steps <= max_steps);
		if (nx == SX_NEXT_DONE) {
			FZ_CHECK(n == 0);
			check_done(&hs, &p);
			/* BIND: the first reply; then the second, under the same rules. */
			if (cmd == SX_CMD_BIND && !hs.second) {
				FZ_CHECK(sx_hs_await_peer(&hs) == 0);
				continue;
			}
			FZ_CHECK(sx_hs_await_peer(&hs) == -EINVAL);
			break;
		}
		if (nx == SX_NEXT_FAILED) {
			FZ_CHECK(n == 0);
			FZ_CHECK(sx_hs_result(&hs, NULL) < 0);
			FZ_CHECK(sx_hs_read(&hs, (const uint8_t *)"x", 1) < 0);
			break;
		}
		FZ_CHECK(nx == SX_NEXT_WRITE || nx == SX_NEXT_READ);
		FZ_CHECK(n >= 1 && n <= (nx == SX_NEXT_WRITE ? SX_HS_OUT_BUF : SX_HS_BUF));
		c = fz_u8(&f);
		if (nx == SX_NEXT_WRITE) {
			const uint8_t *o = sx_hs_out(&hs);
			uint8_t sink[SX_HS_OUT_BUF];

			FZ_CHECK(o >= hs.out && o + n <= hs.out + sizeof(hs.out));
			k = (c & 0x80) ? n : (size_t)(c % n) + 1; /* short writes too */
			memcpy(sink, o, k);
			if (written == 0)
				FZ_CHECK(sink[0] == (p.proto == SX_PROTO_HTTP	   ? 'C'
						     : p.proto <= SX_PROTO_SOCKS4A ? 4
										   : 5));
			written += k;
			sx_hs_wrote(&hs, k);
			continue;
		}
		/* READ: a chunk of 1..n bytes; the end of the input is the server closing. */
		k = (size_t)(c % n) + 1;
		if (f.n == 0) {
			sx_hs_fail(&hs, -ECONNRESET);
			FZ_CHECK(sx_hs_result(&hs, NULL) == -ECONNRESET);
			continue;
		}
		if (c == 0xFF) {
			/* A driver bug: handing over more than asked must be refused. */
			uint8_t big[SX_HS_BUF + 1] = {0};
			struct sx_hs copy = hs;

			FZ_CHECK(sx_hs_read(&copy, big, n + 1) == -EINVAL);
		}
		{
			uint8_t chunk[SX_HS_BUF];

			k = fz_bytes(&f, chunk, k);
			r = sx_hs_read(&hs, chunk, k);
			FZ_CHECK(r <= 0);
			FZ_CHECK(r == 0 || sx_hs_result(&hs, NULL) == r);
		}
	}
	return 0;
}
