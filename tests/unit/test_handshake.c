/* SPDX-License-Identifier: MIT */
/* core/handshake driven by a scripted server: exact bytes written, exact bytes
 * asked for (never past the reply), any delivery granularity, every failure code. */
#include <errno.h>
#include <string.h>

#include "../../core/errmap.h"
#include "../../core/handshake.h"
#include "tap.h"

#define B(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

/* The server side: what it sends, how it is delivered, and what the client did. */
struct run {
	const uint8_t *srv;
	size_t srv_len; /* bytes available; reading past them is EOF */
	size_t chunk;	/* read delivery size; 0 = as much as asked */
	size_t wchunk;	/* write acceptance size; 0 = all */
	uint8_t wrote[2048];
	size_t wrote_len;
	size_t consumed;
	int writes_before_read; /* WRITE steps before the first READ */
	int first_write_n;	/* n of the first WRITE step */
	int read_seen;
};

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

static int drive(struct sx_hs *hs, struct run *r)
{
	for (int steps = 0; steps < 100000; steps++) {
		size_t n = 12345;
		enum sx_next nx = sx_hs_next(hs, &n);

		if (nx == SX_NEXT_DONE || nx == SX_NEXT_FAILED)
			return sx_hs_result(hs, NULL);
		if (nx == SX_NEXT_WRITE) {
			size_t k = r->wchunk ? (n < r->wchunk ? n : r->wchunk) : n;

			if (!r->read_seen) {
				if (r->writes_before_read == 0)
					r->first_write_n = (int)n;
				r->writes_before_read++;
			}
			if (r->wrote_len + k > sizeof(r->wrote))
				return -E2BIG;
			memcpy(r->wrote + r->wrote_len, sx_hs_out(hs), k);
			r->wrote_len += k;
			sx_hs_wrote(hs, k);
			continue;
		}
		r->read_seen = 1;
		if (n == 0)
			return -EDEADLK; /* asked for nothing: would spin */
		if (r->consumed == r->srv_len) {
			sx_hs_fail(hs, SX_ERR_CLOSED);
			continue;
		}
		size_t k = min3(n, r->chunk ? r->chunk : n, r->srv_len - r->consumed);
		sx_hs_read(hs, r->srv + r->consumed, k);
		r->consumed += k;
	}
	return -ELOOP;
}

static struct sx_proxy px(enum sx_proto proto, const char *user, const char *pass, bool pipe)
{
	struct sx_proxy p;

	memset(&p, 0, sizeof(p));
	p.proto = proto;
	strcpy(p.host, "proxy.test");
	p.port = 1080;
	if (user) {
		p.has_user = true;
		strcpy(p.user, user);
		strcpy(p.pass, pass);
	}
	p.pipeline = pipe;
	return p;
}

static size_t cat(uint8_t *dst, size_t off, const uint8_t *src, size_t n)
{
	memcpy(dst + off, src, n);
	return off + n;
}

static const uint8_t BANNER[] = "SSH-2.0-OpenSSH_9.2\r\n";
static const size_t chunks[] = {1, 2, 3, 5, 7, 0};
#define NCHUNKS (sizeof(chunks) / sizeof(chunks[0]))

/* Runs one exchange at every delivery size; the server's bytes are answer + BANNER. */
static void exchange(const struct sx_proxy *p, enum sx_cmd cmd, const struct sx_target *dst,
		     const uint8_t *want_out, size_t want_len, const uint8_t *answer,
		     size_t ans_len, int want_rc, size_t want_consumed, const char *what)
{
	uint8_t srv[1200];
	int bad_rc = 0, bad_out = 0, bad_cons = 0;

	memcpy(srv, answer, ans_len);
	memcpy(srv + ans_len, BANNER, sizeof(BANNER) - 1);
	for (size_t c = 0; c < NCHUNKS; c++) {
		for (size_t w = 0; w < 3; w++) {
			struct sx_hs hs;
			struct run r;

			memset(&r, 0, sizeof(r));
			r.srv = srv;
			r.srv_len = ans_len + sizeof(BANNER) - 1;
			r.chunk = chunks[c];
			r.wchunk = w == 2 ? 1 : w == 1 ? 4 : 0;
			if (sx_hs_init(&hs, p, cmd, dst) != 0) {
				bad_rc++;
				continue;
			}
			if (drive(&hs, &r) != want_rc)
				bad_rc++;
			if (want_out &&
			    (r.wrote_len != want_len || memcmp(r.wrote, want_out, want_len) != 0))
				bad_out++;
			/* a failure may stop earlier when bytes come one by one */
			if (want_rc == 0 ? r.consumed != want_consumed : r.consumed > want_consumed)
				bad_cons++;
		}
	}
	TAP_IS(bad_rc, 0, "%s: result %d at every granularity", what, want_rc);
	if (want_out)
		TAP_IS(bad_out, 0, "%s: exact bytes written", what);
	TAP_IS(bad_cons, 0, "%s: read %s %zu bytes, banner untouched", what,
	       want_rc ? "at most" : "exactly", want_consumed);
}

static const uint8_t REQ_V4[] = {0x05, 0x01, 0x00, 0x01, 93, 184, 216, 34, 0x00, 0x50};
static const uint8_t REP_V4[] = {0x05, 0x00, 0x00, 0x01, 10, 0, 0, 1, 0x04, 0x38};

static void test_noauth(void)
{
	struct sx_proxy p = px(SX_PROTO_SOCKS5, NULL, NULL, false);
	struct sx_target dst, b;
	uint8_t out[600], ans[600];
	size_t ol, al;
	struct sx_hs hs;
	struct run r;

	sx_target_set_v4(&dst, (const uint8_t[4]){93, 184, 216, 34}, 80);
	ol = cat(out, cat(out, 0, B(0x05, 0x01, 0x00)), REQ_V4, sizeof(REQ_V4));
	al = cat(ans, cat(ans, 0, B(0x05, 0x00)), REP_V4, sizeof(REP_V4));
	exchange(&p, SX_CMD_CONNECT, &dst, out, ol, ans, al, 0, al, "v5 no-auth v4 BND v4");

	/* v6 and name BND addresses */
	al = cat(ans, cat(ans, 0, B(0x05, 0x00)),
		 B(0x05, 0x00, 0x00, 0x04, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		   2, 0x01, 0x02));
	exchange(&p, SX_CMD_CONNECT, &dst, out, ol, ans, al, 0, al, "v5 no-auth BND v6");
	al = cat(ans, cat(ans, 0, B(0x05, 0x00)),
		 B(0x05, 0x00, 0x00, 0x03, 5, 'r', 'e', 'l', 'a', 'y', 0x01, 0x02));
	exchange(&p, SX_CMD_CONNECT, &dst, out, ol, ans, al, 0, al, "v5 no-auth BND name");

	/* bound address reported */
	al = cat(ans, cat(ans, 0, B(0x05, 0x00)), REP_V4, sizeof(REP_V4));
	memset(&r, 0, sizeof(r));
	r.srv = ans;
	r.srv_len = al;
	TAP_IS(sx_hs_init(&hs, &p, SX_CMD_CONNECT, &dst), 0, "init");
	TAP_IS(sx_hs_result(&hs, &b), -EINPROGRESS, "result before done: EINPROGRESS");
	TAP_IS(drive(&hs, &r), 0, "done");
	TAP_IS(sx_hs_result(&hs, &b), 0, "result 0");
	TAP_IS(b.kind, SX_TARGET_IPV4, "BND kind");
	TAP_MEM(b.addr.v4, ((const uint8_t[]){10, 0, 0, 1}), 4, "BND addr");
	TAP_IS(b.port, 1080, "BND port");
	TAP_IS(sx_hs_next(&hs, NULL), SX_NEXT_DONE, "next stays DONE");
	TAP_IS(r.writes_before_read, 1, "non-pipelined: greeting alone before the first read");
	TAP_IS(r.first_write_n, 3, "greeting is 3 bytes");
}

static void test_names_and_udp(void)
{
	struct sx_proxy p = px(SX_PROTO_SOCKS5H, NULL, NULL, false);
	struct sx_target dst;
	uint8_t out[600], ans[600];
	size_t ol, al;

	sx_target_set_name(&dst, "example.com", 443);
	ol = cat(out, 0, B(0x05, 0x01, 0x00));
	ol = cat(out, ol,
		 B(0x05, 0x01, 0x00, 0x03, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o',
		   'm', 0x01, 0xbb));
	al = cat(ans, cat(ans, 0, B(0x05, 0x00)), REP_V4, sizeof(REP_V4));
	exchange(&p, SX_CMD_CONNECT, &dst, out, ol, ans, al, 0, al, "v5h CONNECT name");

	sx_target_set_v6(&dst, (const uint8_t[16]){0x20, 0x01, 0x0d, 0xb8, [15] = 1}, 22);
	ol = cat(out, 0, B(0x05, 0x01, 0x00));
	ol = cat(out, ol,
		 B(0x05, 0x01, 0x00, 0x04, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		   1, 0x00, 0x16));
	exchange(&p, SX_CMD_CONNECT, &dst, out, ol, ans, al, 0, al, "v5 CONNECT v6");

	sx_target_set_v4(&dst, (const uint8_t[4]){0, 0, 0, 0}, 0);
	ol = cat(out, 0, B(0x05, 0x01, 0x00));
	ol = cat(out, ol, B(0x05, 0x03, 0x00, 0x01, 0, 0, 0, 0, 0, 0));
	al =
	    cat(ans, cat(ans, 0, B(0x05, 0x00)), B(0x05, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0x9c, 0x40));
	exchange(&p, SX_CMD_UDP_ASSOCIATE, &dst, out, ol, ans, al, 0, al, "v5 UDP ASSOCIATE");
	al = cat(ans, cat(ans, 0, B(0x05, 0x00)), B(0x05, 0x07));
	exchange(&p, SX_CMD_UDP_ASSOCIATE, &dst, out, ol, ans, al, -EOPNOTSUPP, al + 3,
		 "v5 UDP ASSOCIATE, REP 7");
}

static void test_auth(void)
{
	struct sx_proxy p = px(SX_PROTO_SOCKS5, "user", "pass", false);
	struct sx_target dst;
	uint8_t out[1200], ans[600];
	const uint8_t auth[] = {0x01, 0x04, 'u', 's', 'e', 'r', 0x04, 'p', 'a', 's', 's'};
	size_t ol, al;

	sx_target_set_v4(&dst, (const uint8_t[4]){93, 184, 216, 34}, 80);
	ol = cat(out, 0, B(0x05, 0x02, 0x00, 0x02));
	ol = cat(out, ol, auth, sizeof(auth));
	ol = cat(out, ol, REQ_V4, sizeof(REQ_V4));
	al = cat(ans, 0, B(0x05, 0x02, 0x01, 0x00));
	al = cat(ans, al, REP_V4, sizeof(REP_V4));
	exchange(&p, SX_CMD_CONNECT, &dst, out, ol, ans, al, 0, al, "v5 userpass");

	al = cat(ans, 0, B(0x05, 0x02, 0x05, 0x00));
	al = cat(ans, al, REP_V4, sizeof(REP_V4));
	exchange(&p, SX_CMD_CONNECT, &dst, out, ol, ans, al, 0, al, "v5 userpass, auth VER 05");

	ol = cat(out, 0, B(0x05, 0x02, 0x00, 0x02));
	ol = cat(out, ol, REQ_V4, sizeof(REQ_V4));
	al = cat(ans, 0, B(0x05, 0x00));
	al = cat(ans, al, REP_V4, sizeof(REP_V4));
	exchange(&p, SX_CMD_CONNECT, &dst, out, ol, ans, al, 0, al,
		 "v5 user offered, server picks 00: no auth sent");

	ol = cat(out, 0, B(0x05, 0x02, 0x00, 0x02));
	ol = cat(out, ol, auth, sizeof(auth));
	for (int st = 1; st < 256; st += 127) {
		al = cat(ans, 0, B(0x05, 0x02, 0x01));
		ans[al++] = (uint8_t)st;
		exchange(&p, SX_CMD_CONNECT, &dst, out, ol, ans, al, -EACCES, al,
			 "v5 auth STATUS != 0");
	}

	/* 255-byte user and password through the whole handshake */
	struct sx_proxy big = px(SX_PROTO_SOCKS5, "", "", false);
	memset(big.user, 'U', 255);
	memset(big.pass, 'P', 255);
	ol = cat(out, 0, B(0x05, 0x02, 0x00, 0x02, 0x01, 255));
	memset(out + ol, 'U', 255);
	ol += 255;
	out[ol++] = 255;
	memset(out + ol, 'P', 255);
	ol += 255;
	ol = cat(out, ol, REQ_V4, sizeof(REQ_V4));
	al = cat(ans, 0, B(0x05, 0x02, 0x01, 0x00));
	al = cat(ans, al, REP_V4, sizeof(REP_V4));
	exchange(&big, SX_CMD_CONNECT, &dst, out, ol, ans, al, 0, al, "255-byte user/pass");
	big.pipeline = true;
	out[1] = 0x01;
	out[2] = 0x02;
	memmove(out + 3, out + 4, ol - 4);
	exchange(&big, SX_CMD_CONNECT, &dst, out, ol - 1, ans, al, 0, al,
		 "255-byte user/pass pipelined");
}

static void test_pipeline(void)
{
	struct sx_target dst;
	uint8_t out[1200], ans[600];
	size_t ol, al;
	struct sx_hs hs;
	struct run r;

	sx_target_set_v4(&dst, (const uint8_t[4]){93, 184, 216, 34}, 80);

	struct sx_proxy p = px(SX_PROTO_SOCKS5, NULL, NULL, true);
	ol = cat(out, cat(out, 0, B(0x05, 0x01, 0x00)), REQ_V4, sizeof(REQ_V4));
	al = cat(ans, cat(ans, 0, B(0x05, 0x00)), REP_V4, sizeof(REP_V4));
	exchange(&p, SX_CMD_CONNECT, &dst, out, ol, ans, al, 0, al, "pipelined no-auth");
	memset(&r, 0, sizeof(r));
	r.srv = ans;
	r.srv_len = al;
	sx_hs_init(&hs, &p, SX_CMD_CONNECT, &dst);
	TAP_IS(drive(&hs, &r), 0, "pipelined no-auth done");
	TAP_IS(r.writes_before_read, 1, "pipelined no-auth: one write");
	TAP_IS(r.first_write_n, (int)ol, "pipelined no-auth: the write is greeting+request");
	TAP_IS(r.wrote_len, ol, "pipelined no-auth: nothing written later");

	struct sx_proxy pu = px(SX_PROTO_SOCKS5, "user", "pass", true);
	ol = cat(out, 0, B(0x05, 0x01, 0x02));
	ol = cat(out, ol, B(0x01, 0x04, 'u', 's', 'e', 'r', 0x04, 'p', 'a', 's', 's'));
	ol = cat(out, ol, REQ_V4, sizeof(REQ_V4));
	al = cat(ans, 0, B(0x05, 0x02, 0x01, 0x00));
	al = cat(ans, al, REP_V4, sizeof(REP_V4));
	exchange(&pu, SX_CMD_CONNECT, &dst, out, ol, ans, al, 0, al, "pipelined userpass");
	memset(&r, 0, sizeof(r));
	r.srv = ans;
	r.srv_len = al;
	sx_hs_init(&hs, &pu, SX_CMD_CONNECT, &dst);
	TAP_IS(drive(&hs, &r), 0, "pipelined userpass done");
	TAP_IS(r.writes_before_read, 1, "pipelined userpass: one write");
	TAP_IS(r.first_write_n, (int)ol, "pipelined userpass: greeting+auth+request at once");
	TAP_MEM(r.wrote, out, ol, "pipelined userpass: exact concatenation");

	al = cat(ans, 0, B(0x05, 0x00));
	exchange(&pu, SX_CMD_CONNECT, &dst, out, ol, ans, al, -EPROTO, al,
		 "pipelined userpass, server picks unoffered 00");
	al = cat(ans, 0, B(0x05, 0x02, 0x01, 0x01));
	exchange(&pu, SX_CMD_CONNECT, &dst, out, ol, ans, al, -EACCES, al,
		 "pipelined userpass, auth rejected");
	al = cat(ans, 0, B(0x05, 0xFF));
	exchange(&pu, SX_CMD_CONNECT, &dst, out, ol, ans, al, -EACCES, al,
		 "pipelined userpass, method FF");
}

static void test_method_failures(void)
{
	struct sx_proxy p = px(SX_PROTO_SOCKS5, NULL, NULL, false);
	struct sx_proxy pu = px(SX_PROTO_SOCKS5, "u", "p", false);
	struct sx_target dst;
	const uint8_t *g = (const uint8_t[]){0x05, 0x01, 0x00};

	sx_target_set_v4(&dst, (const uint8_t[4]){93, 184, 216, 34}, 80);
	exchange(&p, SX_CMD_CONNECT, &dst, g, 3, B(0x05, 0xFF), -EACCES, 2, "method FF");
	exchange(&pu, SX_CMD_CONNECT, &dst, NULL, 0, B(0x05, 0xFF), -EACCES, 2,
		 "method FF (user offered)");
	exchange(&p, SX_CMD_CONNECT, &dst, g, 3, B(0x04, 0x00), -EPROTO, 2, "method reply VER 4");
	exchange(&p, SX_CMD_CONNECT, &dst, g, 3, B(0x00, 0x5a), -EPROTO, 2,
		 "SOCKS4 answer to a greeting");
	exchange(&p, SX_CMD_CONNECT, &dst, g, 3, B(0x05, 0x02), -EPROTO, 2,
		 "method 02 not offered");
	exchange(&p, SX_CMD_CONNECT, &dst, g, 3, B(0x05, 0x01), -EPROTO, 2,
		 "method 01 (GSSAPI) not offered");
	exchange(&pu, SX_CMD_CONNECT, &dst, NULL, 0, B(0x05, 0x80), -EPROTO, 2,
		 "method 80 not offered");
}

static void test_every_rep(void)
{
	struct sx_proxy p = px(SX_PROTO_SOCKS5, NULL, NULL, false);
	struct sx_target dst;
	int bad_all = 0, bad_one = 0, bad_short = 0, bad_cons = 0;

	sx_target_set_v4(&dst, (const uint8_t[4]){93, 184, 216, 34}, 80);
	for (int rep = 1; rep < 256; rep++) {
		uint8_t ans[64] = {0x05, 0x00, 0x05, (uint8_t)rep, 0x00, 0x01, 1, 2, 3, 4, 0, 0};
		size_t c[2] = {0, 1};

		for (int i = 0; i < 2; i++) {
			struct sx_hs hs;
			struct run r;

			memset(&r, 0, sizeof(r));
			r.srv = ans;
			r.srv_len = 12;
			r.chunk = c[i];
			sx_hs_init(&hs, &p, SX_CMD_CONNECT, &dst);
			if (drive(&hs, &r) != sx_errmap_socks5((uint8_t)rep))
				(*(i ? &bad_one : &bad_all))++;
			/* all at once: the 5 first bytes; one by one: stops at REP */
			if (r.consumed != (i ? 4u : 7u))
				bad_cons++;
		}
		/* the server sends VER REP and closes: REP still wins over ECONNRESET */
		{
			struct sx_hs hs;
			struct run r;

			memset(&r, 0, sizeof(r));
			r.srv = ans;
			r.srv_len = 4;
			sx_hs_init(&hs, &p, SX_CMD_CONNECT, &dst);
			if (drive(&hs, &r) != sx_errmap_socks5((uint8_t)rep))
				bad_short++;
		}
	}
	TAP_IS(bad_all, 0, "REP 1-255 all at once: mapped errno");
	TAP_IS(bad_one, 0, "REP 1-255 byte by byte: mapped errno");
	TAP_IS(bad_short, 0, "REP 1-255 then close: mapped errno");
	TAP_IS(bad_cons, 0, "REP != 0: nothing asked beyond the first bytes");

	sx_target_set_v4(&dst, (const uint8_t[4]){93, 184, 216, 34}, 80);
	exchange(&p, SX_CMD_CONNECT, &dst, NULL, 0,
		 B(0x05, 0x00, 0x04, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0), -EPROTO, 7,
		 "reply VER 4");
	exchange(&p, SX_CMD_CONNECT, &dst, NULL, 0,
		 B(0x05, 0x00, 0x05, 0x00, 0x00, 0x02, 0, 0, 0, 0, 0, 0), -EPROTO, 7,
		 "reply ATYP 2");
	exchange(&p, SX_CMD_CONNECT, &dst, NULL, 0, B(0x05, 0x00, 0x05, 0x00, 0x00, 0x03, 0x00),
		 -EPROTO, 7, "reply empty name");
}

/* The server closes at every offset of a full exchange: always ECONNRESET, never a hang. */
static void test_truncation(void)
{
	struct sx_proxy p = px(SX_PROTO_SOCKS5, "user", "pass", false);
	struct sx_target dst;
	uint8_t ans[64];
	size_t al;
	int bad = 0, bad1 = 0;

	sx_target_set_name(&dst, "web.test", 8080);
	al = cat(ans, 0, B(0x05, 0x02, 0x01, 0x00));
	al = cat(ans, al, B(0x05, 0x00, 0x00, 0x03, 4, 'b', 'n', 'd', '1', 0x1f, 0x90));
	for (size_t cut = 0; cut < al; cut++) {
		for (int one = 0; one < 2; one++) {
			struct sx_hs hs;
			struct run r;

			memset(&r, 0, sizeof(r));
			r.srv = ans;
			r.srv_len = cut;
			r.chunk = (size_t)one;
			sx_hs_init(&hs, &p, SX_CMD_CONNECT, &dst);
			if (drive(&hs, &r) != -ECONNRESET || r.consumed != cut)
				(*(one ? &bad1 : &bad))++;
		}
	}
	TAP_IS(bad, 0, "closed at every offset (all at once): ECONNRESET");
	TAP_IS(bad1, 0, "closed at every offset (byte by byte): ECONNRESET");
}

static void test_socks4(void)
{
	struct sx_proxy p4 = px(SX_PROTO_SOCKS4, NULL, NULL, false);
	struct sx_proxy p4u = px(SX_PROTO_SOCKS4, "bob", "", false);
	struct sx_proxy p4a = px(SX_PROTO_SOCKS4A, NULL, NULL, true);
	struct sx_target dst, b;
	const uint8_t ok[] = {0x00, 90, 0x1f, 0x90, 10, 1, 2, 3};
	struct sx_hs hs;
	struct run r;
	int bad = 0;

	sx_target_set_v4(&dst, (const uint8_t[4]){1, 2, 3, 4}, 80);
	exchange(&p4, SX_CMD_CONNECT, &dst, B(0x04, 0x01, 0x00, 0x50, 1, 2, 3, 4, 0x00), ok,
		 sizeof(ok), 0, 8, "SOCKS4");
	exchange(&p4u, SX_CMD_CONNECT, &dst,
		 B(0x04, 0x01, 0x00, 0x50, 1, 2, 3, 4, 'b', 'o', 'b', 0x00), ok, sizeof(ok), 0, 8,
		 "SOCKS4 user id");
	sx_target_set_name(&dst, "a.io", 80);
	exchange(&p4, SX_CMD_CONNECT, &dst,
		 B(0x04, 0x01, 0x00, 0x50, 0, 0, 0, 1, 0x00, 'a', '.', 'i', 'o', 0x00), ok,
		 sizeof(ok), 0, 8, "SOCKS4 proxy, name target: 4a form");
	exchange(&p4a, SX_CMD_CONNECT, &dst,
		 B(0x04, 0x01, 0x00, 0x50, 0, 0, 0, 1, 0x00, 'a', '.', 'i', 'o', 0x00), ok,
		 sizeof(ok), 0, 8, "SOCKS4a (pipeline flag ignored)");
	p4a.has_user = true;
	strcpy(p4a.user, "al");
	exchange(&p4a, SX_CMD_CONNECT, &dst,
		 B(0x04, 0x01, 0x00, 0x50, 0, 0, 0, 1, 'a', 'l', 0x00, 'a', '.', 'i', 'o', 0x00),
		 ok, sizeof(ok), 0, 8, "SOCKS4a user id");

	memset(&r, 0, sizeof(r));
	r.srv = ok;
	r.srv_len = sizeof(ok);
	sx_hs_init(&hs, &p4, SX_CMD_CONNECT, &dst);
	TAP_IS(drive(&hs, &r), 0, "SOCKS4 done");
	TAP_IS(sx_hs_result(&hs, &b), 0, "SOCKS4 result");
	TAP_IS(b.kind, SX_TARGET_IPV4, "SOCKS4 bound kind");
	TAP_IS(b.port, 8080, "SOCKS4 bound port");
	TAP_MEM(b.addr.v4, ((const uint8_t[]){10, 1, 2, 3}), 4, "SOCKS4 bound addr");

	for (int cd = 0; cd < 256; cd++) {
		uint8_t ans[8] = {0x00, (uint8_t)cd, 0, 0, 0, 0, 0, 0};

		for (int one = 0; one < 2; one++) {
			memset(&r, 0, sizeof(r));
			r.srv = ans;
			r.srv_len = 8;
			r.chunk = (size_t)one;
			sx_hs_init(&hs, &p4, SX_CMD_CONNECT, &dst);
			if (drive(&hs, &r) != sx_errmap_socks4((uint8_t)cd))
				bad++;
		}
	}
	TAP_IS(bad, 0, "every CD 0-255 through the handshake, both granularities");
	exchange(&p4, SX_CMD_CONNECT, &dst, NULL, 0, B(0x00, 91), -ECONNREFUSED, 8,
		 "CD 91 followed by junk");
	exchange(&p4, SX_CMD_CONNECT, &dst, NULL, 0, B(0x00, 92), -EACCES, 8,
		 "CD 92 followed by junk");
	exchange(&p4, SX_CMD_CONNECT, &dst, NULL, 0, B(0x04, 90, 0, 0, 0, 0, 0, 0), -EPROTO, 8,
		 "VN 4 rejected");

	sx_target_set_v6(&dst, (const uint8_t[16]){0xfe, 0x80, [15] = 1}, 80);
	TAP_IS(sx_hs_init(&hs, &p4, SX_CMD_CONNECT, &dst), -EAFNOSUPPORT, "SOCKS4 IPv6 refused");
	TAP_IS(sx_hs_next(&hs, NULL), SX_NEXT_FAILED, "failed init: next FAILED");
	TAP_IS(sx_hs_result(&hs, NULL), -EAFNOSUPPORT, "failed init: result");
	sx_target_set_v4(&dst, (const uint8_t[4]){1, 2, 3, 4}, 80);
	TAP_IS(sx_hs_init(&hs, &p4, SX_CMD_UDP_ASSOCIATE, &dst), -EOPNOTSUPP,
	       "SOCKS4 UDP ASSOCIATE refused");
	TAP_IS(sx_hs_init(&hs, &p4a, SX_CMD_UDP_ASSOCIATE, &dst), -EOPNOTSUPP,
	       "SOCKS4a UDP ASSOCIATE refused");
}

static void test_api_edges(void)
{
	struct sx_proxy p = px(SX_PROTO_SOCKS5, NULL, NULL, false);
	struct sx_target dst;
	struct sx_hs hs;
	size_t n = 99;

	sx_target_set_v4(&dst, (const uint8_t[4]){1, 2, 3, 4}, 80);
	TAP_IS(sx_hs_init(&hs, &p, (enum sx_cmd)4, &dst), -EINVAL, "an unknown command");
	TAP_IS(sx_hs_init(&hs, NULL, SX_CMD_CONNECT, &dst), -EINVAL, "no proxy");
	p.proto = (enum sx_proto)9;
	TAP_IS(sx_hs_init(&hs, &p, SX_CMD_CONNECT, &dst), -EINVAL, "unknown proto");
	p.proto = SX_PROTO_SOCKS5;

	memset(dst.addr.name, 'n', sizeof(dst.addr.name));
	dst.kind = SX_TARGET_NAME;
	TAP_IS(sx_hs_init(&hs, &p, SX_CMD_CONNECT, &dst), -ENAMETOOLONG, "256-byte name at init");
	dst.addr.name[255] = '\0';
	TAP_IS(sx_hs_init(&hs, &p, SX_CMD_CONNECT, &dst), 0, "255-byte name at init");

	struct sx_proxy pu = px(SX_PROTO_SOCKS5, "u", "p", false);
	memset(pu.user, 'u', sizeof(pu.user));
	TAP_IS(sx_hs_init(&hs, &pu, SX_CMD_CONNECT, &dst), -ENAMETOOLONG, "256-byte user at init");
	pu.user[255] = '\0';
	memset(pu.pass, 'p', sizeof(pu.pass));
	TAP_IS(sx_hs_init(&hs, &pu, SX_CMD_CONNECT, &dst), -ENAMETOOLONG,
	       "256-byte password at init");
	pu.pass[0] = '\0';
	pu.user[0] = '\0';
	TAP_IS(sx_hs_init(&hs, &pu, SX_CMD_CONNECT, &dst), -EINVAL, "empty user at init");

	sx_target_set_v4(&dst, (const uint8_t[4]){1, 2, 3, 4}, 80);
	sx_hs_init(&hs, &p, SX_CMD_CONNECT, &dst);
	TAP_IS(sx_hs_next(&hs, &n), SX_NEXT_WRITE, "starts with a write");
	TAP_IS(n, 3, "of the greeting");
	TAP_IS(sx_hs_read(&hs, (const uint8_t *)"\x05", 1), -EINVAL, "read while write pending");
	TAP_IS(sx_hs_next(&hs, &n), SX_NEXT_FAILED, "misuse latches");

	sx_hs_init(&hs, &p, SX_CMD_CONNECT, &dst);
	sx_hs_wrote(&hs, 2);
	TAP_IS(sx_hs_next(&hs, &n), SX_NEXT_WRITE, "partial write: still writing");
	TAP_IS(n, 1, "one byte left");
	TAP_IS(*sx_hs_out(&hs), 0x00, "out points at the rest");
	sx_hs_wrote(&hs, 1);
	TAP_IS(sx_hs_next(&hs, &n), SX_NEXT_READ, "then reads");
	TAP_IS(n, 2, "the 2-byte method reply");
	TAP_IS(sx_hs_read(&hs, (const uint8_t *)"\x05", 1), 0, "one byte taken");
	TAP_IS(sx_hs_next(&hs, &n), SX_NEXT_READ, "still reading");
	TAP_IS(n, 1, "one more");
	TAP_IS(sx_hs_read(&hs, (const uint8_t *)"\x00\x05", 2), -EINVAL, "more than asked refused");
	TAP_IS(sx_hs_result(&hs, NULL), -EINVAL, "and latched");

	sx_hs_init(&hs, &p, SX_CMD_CONNECT, &dst);
	sx_hs_wrote(&hs, 3);
	sx_hs_fail(&hs, -ETIMEDOUT);
	TAP_IS(sx_hs_next(&hs, &n), SX_NEXT_FAILED, "fail: FAILED");
	TAP_IS(n, 0, "fail: n 0");
	TAP_IS(sx_hs_result(&hs, NULL), -ETIMEDOUT, "fail: latched error");
	sx_hs_fail(&hs, -ECONNRESET);
	TAP_IS(sx_hs_result(&hs, NULL), -ETIMEDOUT, "first error wins");
	TAP_IS(sx_hs_read(&hs, (const uint8_t *)"\x05\x00", 2), -ETIMEDOUT, "read after fail");
}

/* What the proxy refused is kept, so messages can tell its refusals apart. */
static void test_refusals(void)
{
	const struct {
		enum sx_proto proto;
		const char *user;
		const uint8_t *srv;
		size_t len;
		enum sx_hs_refusal want;
		uint8_t code;
		const char *what;
	} t[] = {
	    {SX_PROTO_SOCKS5, NULL, B(5, 0xff), SX_HS_REFUSED_METHODS, 0, "method FF"},
	    {SX_PROTO_SOCKS5, "u", B(5, 2, 1, 1), SX_HS_REFUSED_CREDENTIALS, 1, "auth status 1"},
	    {SX_PROTO_SOCKS5, NULL, B(5, 0, 5, 5, 0), SX_HS_REFUSED_SOCKS5, 5, "REP 5"},
	    {SX_PROTO_SOCKS5, NULL, B(5, 0, 5, 8, 0), SX_HS_REFUSED_SOCKS5, 8, "REP 8"},
	    {SX_PROTO_SOCKS4, NULL, B(0, 91, 0, 0, 0, 0, 0, 0), SX_HS_REFUSED_SOCKS4, 91, "CD 91"},
	    {SX_PROTO_SOCKS5, NULL, B(5, 0, 4, 0), SX_HS_REFUSED_NOTHING, 0, "malformed reply"},
	    {SX_PROTO_SOCKS5, NULL, B(5), SX_HS_REFUSED_NOTHING, 0, "closed"},
	    {SX_PROTO_SOCKS5, NULL, B(5, 0, 5, 0, 0, 1, 1, 2, 3, 4, 0, 80), SX_HS_REFUSED_NOTHING,
	     0, "success"},
	};
	struct sx_target dst;
	sx_target_set_v4(&dst, (const uint8_t[4]){192, 0, 2, 1}, 80);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct sx_proxy p = px(t[i].proto, t[i].user, "p", false);
		struct sx_hs hs;
		struct run r = {.srv = t[i].srv, .srv_len = t[i].len};
		uint16_t code = 0xaa;
		sx_hs_init(&hs, &p, SX_CMD_CONNECT, &dst);
		drive(&hs, &r);
		TAP_IS(sx_hs_refusal(&hs, &code), t[i].want, "refusal: %s", t[i].what);
		TAP_IS(code, t[i].code, "  code");
	}
}

/* BIND: the first reply ends the first run, the second (at any delivery size, with
 * the accepted stream's first bytes behind it) the second. */
static void bind_case(enum sx_proto proto, const uint8_t *req, size_t req_len, const uint8_t *first,
		      size_t first_len, const uint8_t *second, size_t second_len,
		      const struct sx_target *want1, const struct sx_target *want2,
		      const char *what)
{
	struct sx_proxy p = px(proto, NULL, NULL, false);
	struct sx_target dst, got;
	sx_target_set_v4(&dst, (const uint8_t[4]){192, 0, 2, 10}, 21);
	int bad = 0;
	for (size_t c = 0; c < NCHUNKS; c++) {
		uint8_t srv[600];
		size_t n = cat(srv, 0, first, first_len);
		size_t mid = n;
		n = cat(srv, n, second, second_len);
		n = cat(srv, n, BANNER, sizeof(BANNER) - 1);
		struct sx_hs hs;
		struct run r = {.srv = srv, .srv_len = mid, .chunk = chunks[c]};
		bad += sx_hs_init(&hs, &p, SX_CMD_BIND, &dst) != 0;
		bad += drive(&hs, &r) != 0;
		bad += r.wrote_len != req_len || memcmp(r.wrote, req, req_len) != 0;
		bad += sx_hs_result(&hs, &got) != 0 || !sx_target_equal(&got, want1);
		bad += r.consumed != mid;
		bad += sx_hs_await_peer(&hs) != 0;
		bad += sx_hs_await_peer(&hs) != -EINVAL;
		r.srv_len = n;
		bad += drive(&hs, &r) != 0;
		bad += sx_hs_result(&hs, &got) != 0 || !sx_target_equal(&got, want2);
		bad += r.consumed != mid + second_len;
		bad += r.wrote_len != req_len;
	}
	TAP_IS(bad, 0, "BIND %s: request, first and second reply at every delivery size", what);
}

static void test_bind(void)
{
	struct sx_target a1, a2, zero;
	sx_target_set_v4(&a1, (const uint8_t[4]){203, 0, 113, 10}, 40000);
	sx_target_set_v4(&a2, (const uint8_t[4]){192, 0, 2, 10}, 20);
	sx_target_set_v4(&zero, (const uint8_t[4]){0, 0, 0, 0}, 40000);
	bind_case(SX_PROTO_SOCKS5, B(5, 1, 0, 5, 2, 0, 1, 192, 0, 2, 10, 0, 21),
		  B(5, 0, 5, 0, 0, 1, 203, 0, 113, 10, 0x9c, 0x40),
		  B(5, 0, 0, 1, 192, 0, 2, 10, 0, 20), &a1, &a2, "SOCKS5");
	bind_case(SX_PROTO_SOCKS4, B(4, 2, 0, 21, 192, 0, 2, 10, 0),
		  B(0, 90, 0x9c, 0x40, 0, 0, 0, 0), B(0, 90, 0, 20, 192, 0, 2, 10), &zero, &a2,
		  "SOCKS4 (DSTIP 0: the proxy's own address)");

	/* The second reply refuses: its code maps as any other. */
	struct sx_proxy p = px(SX_PROTO_SOCKS5, NULL, NULL, false);
	struct sx_hs hs;
	struct sx_target dst = a2;
	struct run r = {.srv = (const uint8_t[]){5, 0, 5, 0, 0, 1, 1, 2, 3, 4, 0, 1, 5, 4, 0},
			.srv_len = 12};
	sx_hs_init(&hs, &p, SX_CMD_BIND, &dst);
	TAP_IS(drive(&hs, &r), 0, "BIND: first reply");
	r.srv_len = 15;
	sx_hs_await_peer(&hs);
	TAP_IS(drive(&hs, &r), -EHOSTUNREACH, "BIND: second reply REP 4 is EHOSTUNREACH");
	TAP_IS(sx_hs_refusal(&hs, NULL), SX_HS_REFUSED_SOCKS5, "  a SOCKS5 refusal");
	r = (struct run){.srv = (const uint8_t[]){0, 90, 0, 1, 1, 2, 3, 4}, .srv_len = 8};
	struct sx_proxy p4 = px(SX_PROTO_SOCKS4, NULL, NULL, false);
	sx_hs_init(&hs, &p4, SX_CMD_BIND, &dst);
	TAP_IS(drive(&hs, &r), 0, "BIND SOCKS4: first reply");
	sx_hs_await_peer(&hs);
	TAP_IS(drive(&hs, &r), SX_ERR_CLOSED, "BIND SOCKS4: closed before the second reply");
	sx_hs_init(&hs, &p, SX_CMD_CONNECT, &dst);
	TAP_IS(sx_hs_await_peer(&hs), -EINVAL, "await_peer on a CONNECT: EINVAL");
}

#define S(str) ((const uint8_t *)(str)), (sizeof(str) - 1)

/* HTTP CONNECT: the request's exact bytes, and a reply read exactly to its blank line
 * whatever the delivery, so the banner behind it (same segment) stays unread. */
static void test_http(void)
{
	struct sx_proxy p = px(SX_PROTO_HTTP, NULL, NULL, false);
	struct sx_target dst;
	static const char ok[] = "HTTP/1.0 200 Connection established\r\n"
				 "Proxy-agent: tinyproxy/1.11.1\r\n\r\n";

	sx_target_set_name(&dst, "web.test", 80);
	exchange(&p, SX_CMD_CONNECT, &dst,
		 S("CONNECT web.test:80 HTTP/1.1\r\nHost: web.test:80\r\n\r\n"), S(ok), 0,
		 sizeof ok - 1, "http CONNECT name");
	exchange(&p, SX_CMD_CONNECT, &dst, NULL, 0, S("HTTP/1.1 200\n\n"), 0, 14,
		 "http: bare LF ends lines, no reason phrase");
	exchange(&p, SX_CMD_CONNECT, &dst, NULL, 0,
		 S("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"), 0, 44,
		 "http: an interim 100 is skipped");
	exchange(&p, SX_CMD_CONNECT, &dst, NULL, 0,
		 S("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic "
		   "realm=\"x\"\r\nContent-Length: 0\r\n\r\n"),
		 -EACCES, 110, "http 407: EACCES");
	exchange(&p, SX_CMD_CONNECT, &dst, NULL, 0, S("HTTP/1.1 504 Gateway Timeout\r\n\r\n"),
		 -ETIMEDOUT, 33, "http 504: ETIMEDOUT");
	exchange(&p, SX_CMD_CONNECT, &dst, NULL, 0, S("SSH-2.0-x\r\n\r\n"), -EPROTO, 14,
		 "http: not HTTP is EPROTO");

	sx_target_set_v6(&dst, (const uint8_t[16]){0x20, 0x01, 0x0d, 0xb8, [15] = 1}, 443);
	exchange(&p, SX_CMD_CONNECT, &dst,
		 S("CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n"), S(ok),
		 0, sizeof ok - 1, "http CONNECT v6 in brackets");

	/* RFC 7617's own example */
	struct sx_proxy pa = px(SX_PROTO_HTTP, "Aladdin", "open sesame", false);
	sx_target_set_v4(&dst, (const uint8_t[4]){192, 0, 2, 10}, 25);
	exchange(&pa, SX_CMD_CONNECT, &dst,
		 S("CONNECT 192.0.2.10:25 HTTP/1.1\r\nHost: 192.0.2.10:25\r\n"
		   "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n"),
		 S(ok), 0, sizeof ok - 1, "http CONNECT with Basic auth");

	/* The longest request (255-byte name, 255-byte user and password) fits. */
	char name[256], cred[256];
	memset(name, 'n', 255);
	name[255] = 0;
	memset(cred, 'c', 255);
	cred[255] = 0;
	struct sx_proxy pl = px(SX_PROTO_HTTP, NULL, NULL, false);
	pl.has_user = true;
	strcpy(pl.user, cred);
	strcpy(pl.pass, cred);
	sx_target_set_name(&dst, name, 65535);
	struct sx_hs hs;
	TAP_IS(sx_hs_init(&hs, &pl, SX_CMD_CONNECT, &dst), 0, "http: the longest request fits");

	TAP_IS(sx_hs_init(&hs, &p, SX_CMD_UDP_ASSOCIATE, &dst), -EOPNOTSUPP,
	       "http: no UDP ASSOCIATE");
	sx_target_set_name(&dst, "web.test\r\nX-Evil: 1", 80);
	TAP_IS(sx_hs_init(&hs, &p, SX_CMD_CONNECT, &dst), -EINVAL, "http: no CR LF in a name");
	struct sx_proxy pc = px(SX_PROTO_HTTP, "a:b", "p", false);
	sx_target_set_name(&dst, "web.test", 80);
	TAP_IS(sx_hs_init(&hs, &pc, SX_CMD_CONNECT, &dst), -EINVAL, "http: no ':' in a user");

	struct run r = {.srv = S("HTTP/1.1 403 Forbidden\r\n\r\n")};
	uint16_t code = 0;
	sx_hs_init(&hs, &p, SX_CMD_CONNECT, &dst);
	TAP_IS(drive(&hs, &r), -EACCES, "http 403: EACCES");
	TAP_IS(sx_hs_refusal(&hs, &code), SX_HS_REFUSED_HTTP, "  refused by HTTP status");
	TAP_IS(code, 403, "  code");
}

/* A chain is one run: hop 1 is asked for hop 2's host as written, hop 2 (HTTP) for the
 * target's name; a failure at hop 2 says so. */
static void test_chain(void)
{
	struct sx_proxy a = px(SX_PROTO_SOCKS5, NULL, NULL, false);
	struct sx_proxy b = px(SX_PROTO_HTTP, NULL, NULL, false);
	strcpy(a.host, "127.0.0.1");
	strcpy(b.host, "b.test");
	b.port = 3128;
	const struct sx_proxy *hops[] = {&a, &b};
	struct sx_target dst;
	uint8_t want[600], srv[600];
	size_t wl, sl;
	static const char req[] = "CONNECT web.test:80 HTTP/1.1\r\nHost: web.test:80\r\n\r\n";
	static const char ok[] = "HTTP/1.1 200 OK\r\n\r\n";

	sx_target_set_name(&dst, "web.test", 80);
	wl = cat(want, 0, B(0x05, 0x01, 0x00));
	wl = cat(want, wl, B(0x05, 0x01, 0x00, 0x03, 6, 'b', '.', 't', 'e', 's', 't', 0x0c, 0x38));
	wl = cat(want, wl, (const uint8_t *)req, sizeof req - 1);
	sl = cat(srv, 0, B(0x05, 0x00));
	sl = cat(srv, sl, REP_V4, sizeof REP_V4);
	sl = cat(srv, sl, (const uint8_t *)ok, sizeof ok - 1);
	size_t ans = sl;
	sl = cat(srv, sl, BANNER, sizeof BANNER - 1);
	int bad = 0;
	for (size_t c = 0; c < NCHUNKS; c++) {
		struct sx_hs hs;
		struct run r = {.srv = srv, .srv_len = sl, .chunk = chunks[c]};
		if (sx_hs_init_chain(&hs, hops, 2, SX_CMD_CONNECT, &dst, 0) != 0 ||
		    drive(&hs, &r) != 0 || r.wrote_len != wl || memcmp(r.wrote, want, wl) ||
		    r.consumed != ans || sx_hs_hop(&hs) != 1)
			bad++;
	}
	TAP_IS(bad, 0, "chain socks5 > http: exact bytes, the name to the last hop only");

	/* a numeric next hop is an address; hop 2 refusing is hop index 1 */
	strcpy(b.host, "::1");
	wl = cat(want, 0, B(0x05, 0x01, 0x00));
	wl = cat(
	    want, wl,
	    B(0x05, 0x01, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x0c, 0x38));
	wl = cat(want, wl, (const uint8_t *)req, sizeof req - 1);
	sl = cat(srv, 0, B(0x05, 0x00));
	sl = cat(srv, sl, REP_V4, sizeof REP_V4);
	sl = cat(srv, sl, S("HTTP/1.1 502 Bad Gateway\r\n\r\n"));
	struct sx_hs hs;
	struct run r = {.srv = srv, .srv_len = sl};
	uint16_t code = 0;
	sx_hs_init_chain(&hs, hops, 2, SX_CMD_CONNECT, &dst, 0);
	TAP_IS(drive(&hs, &r), -ECONNREFUSED, "chain: 502 at hop 2 is ECONNREFUSED");
	TAP_OK(r.wrote_len == wl && !memcmp(r.wrote, want, wl), "  an IPv6 next hop as ATYP 4");
	TAP_IS(sx_hs_hop(&hs), 1, "  failed at hop index 1");
	TAP_IS(sx_hs_refusal(&hs, &code), SX_HS_REFUSED_HTTP, "  an HTTP refusal");
	TAP_IS(code, 502, "  code");

	/* a refusal at hop 1 stops there */
	struct run r1 = {.srv = B(0x05, 0x00, 0x05, 0x05, 0x00)};
	sx_hs_init_chain(&hs, hops, 2, SX_CMD_CONNECT, &dst, 0);
	TAP_IS(drive(&hs, &r1), -ECONNREFUSED, "chain: REP 5 at hop 1");
	TAP_IS(sx_hs_hop(&hs), 0, "  failed at hop index 0");

	/* pipelining per hop, and the flag that turns it off everywhere */
	a.pipeline = true;
	sx_hs_init_chain(&hs, hops, 2, SX_CMD_CONNECT, &dst, 0);
	size_t n = 0;
	TAP_IS(sx_hs_next(&hs, &n), SX_NEXT_WRITE, "pipelined hop 1: a write");
	TAP_IS(n, 3 + 22, "  greeting and request in one");
	sx_hs_init_chain(&hs, hops, 2, SX_CMD_CONNECT, &dst, SX_HS_NO_PIPELINE);
	sx_hs_next(&hs, &n);
	TAP_IS(n, 3, "  SX_HS_NO_PIPELINE: the greeting alone");

	const struct sx_proxy *many[SX_CHAIN_MAX + 1];
	for (size_t i = 0; i <= SX_CHAIN_MAX; i++)
		many[i] = &a;
	TAP_IS(sx_hs_init_chain(&hs, many, SX_CHAIN_MAX + 1, SX_CMD_CONNECT, &dst, 0), -EINVAL,
	       "more than SX_CHAIN_MAX hops: EINVAL");
	TAP_IS(sx_hs_init_chain(&hs, many, 0, SX_CMD_CONNECT, &dst, 0), -EINVAL, "no hop: EINVAL");
	TAP_IS(sx_hs_init_chain(&hs, many, SX_CHAIN_MAX, SX_CMD_CONNECT, &dst, 0), 0,
	       "SX_CHAIN_MAX hops");
}

int main(void)
{
	test_bind();
	test_chain();
	test_http();
	test_refusals();
	test_noauth();
	test_names_and_udp();
	test_auth();
	test_pipeline();
	test_method_failures();
	test_every_rep();
	test_truncation();
	test_socks4();
	test_api_edges();
	return tap_done();
}
