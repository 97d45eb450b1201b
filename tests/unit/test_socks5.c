/* SPDX-License-Identifier: MIT */
/* core/socks5: byte-exact RFC 1928/1929 vectors, every truncation offset, 255/256 limits. */
#include <errno.h>
#include <string.h>

#include "../../core/socks5.h"
#include "tap.h"

#define B(...) ((const uint8_t[]){__VA_ARGS__})

static void check_enc_caps(int (*enc)(uint8_t *, size_t, const void *), const void *arg, int len,
			   const char *what)
{
	uint8_t buf[600];
	int bad = 0;

	for (int cap = 0; cap < len; cap++)
		if (enc(buf, (size_t)cap, arg) != -ENOBUFS)
			bad++;
	TAP_IS(bad, 0, "%s: every cap below %d gives -ENOBUFS", what, len);
	TAP_IS(enc(buf, (size_t)len, arg), len, "%s: exact cap fits", what);
}

static int enc_connect(uint8_t *out, size_t cap, const void *t)
{
	return sx_s5_request_encode(out, cap, SX_S5_CMD_CONNECT, t);
}

static void test_greeting(void)
{
	uint8_t out[300], m[256];
	int r;

	r = sx_s5_greeting_encode(out, sizeof(out), B(0x00), 1);
	TAP_IS(r, 3, "greeting no-auth length");
	TAP_MEM(out, B(0x05, 0x01, 0x00), 3, "greeting no-auth bytes");
	r = sx_s5_greeting_encode(out, sizeof(out), B(0x00, 0x02), 2);
	TAP_IS(r, 4, "greeting no-auth+userpass length");
	TAP_MEM(out, B(0x05, 0x02, 0x00, 0x02), 4, "greeting no-auth+userpass bytes");
	r = sx_s5_greeting_encode(out, sizeof(out), B(0x02), 1);
	TAP_MEM(out, B(0x05, 0x01, 0x02), 3, "greeting userpass-only bytes");
	TAP_IS(sx_s5_greeting_encode(out, sizeof(out), m, 0), -EINVAL, "no methods rejected");
	memset(m, 0x80, sizeof(m));
	TAP_IS(sx_s5_greeting_encode(out, sizeof(out), m, 255), 257, "255 methods accepted");
	TAP_IS(sx_s5_greeting_encode(out, sizeof(out), m, 256), -EINVAL, "256 methods rejected");
	TAP_IS(sx_s5_greeting_encode(out, 3, B(0x00, 0x02), 2), -ENOBUFS, "small buffer");
}

static void test_method(void)
{
	uint8_t m = 0x77;
	size_t need = 0;

	TAP_IS(sx_s5_method_parse(B(0x05), 0, &need, &m), 0, "method: 0 bytes need more");
	TAP_IS(need, 2, "method: need 2 at 0");
	TAP_IS(sx_s5_method_parse(B(0x05), 1, &need, &m), 0, "method: 1 byte need more");
	TAP_IS(need, 2, "method: need 2 at 1");
	TAP_IS(sx_s5_method_parse(B(0x05, 0x00), 2, &need, &m), 2, "method 00 parsed");
	TAP_IS(m, 0x00, "method 00 value");
	TAP_IS(sx_s5_method_parse(B(0x05, 0x02, 0x99), 3, &need, &m), 2,
	       "method 02, extra not taken");
	TAP_IS(m, 0x02, "method 02 value");
	TAP_IS(sx_s5_method_parse(B(0x05, 0xFF), 2, &need, &m), 2, "method FF parsed");
	TAP_IS(m, 0xFF, "method FF value");
	TAP_IS(sx_s5_method_parse(B(0x04, 0x00), 2, &need, &m), -EPROTO, "VER 4 rejected");
	TAP_IS(sx_s5_method_parse(B(0x01), 1, &need, &m), -EPROTO, "bad VER seen at 1 byte");
}

static void test_auth(void)
{
	uint8_t out[600], st = 0x77;
	char u[300], p[300];
	size_t need = 0;
	int r;

	r = sx_s5_auth_encode(out, sizeof(out), "user", "pass");
	TAP_IS(r, 11, "auth length");
	TAP_MEM(out, B(0x01, 0x04, 'u', 's', 'e', 'r', 0x04, 'p', 'a', 's', 's'), 11, "auth bytes");
	r = sx_s5_auth_encode(out, sizeof(out), "u", "");
	TAP_IS(r, 4, "empty password allowed");
	TAP_MEM(out, B(0x01, 0x01, 'u', 0x00), 4, "empty password bytes");
	TAP_IS(sx_s5_auth_encode(out, sizeof(out), "", "p"), -EINVAL, "empty user rejected");

	memset(u, 'U', sizeof(u));
	memset(p, 'P', sizeof(p));
	u[255] = p[255] = '\0';
	r = sx_s5_auth_encode(out, sizeof(out), u, p);
	TAP_IS(r, 513, "255/255 accepted");
	TAP_IS(out[1], 255, "ULEN 255");
	TAP_IS(out[257], 255, "PLEN 255");
	TAP_OK(out[2] == 'U' && out[256] == 'U' && out[258] == 'P' && out[512] == 'P',
	       "255/255 contents");
	TAP_IS(sx_s5_auth_encode(out, 512, u, p), -ENOBUFS, "255/255 in 512 bytes: ENOBUFS");
	u[255] = 'U';
	u[256] = '\0';
	TAP_IS(sx_s5_auth_encode(out, sizeof(out), u, p), -ENAMETOOLONG, "256-byte user rejected");
	u[255] = '\0';
	p[255] = 'P';
	p[256] = '\0';
	TAP_IS(sx_s5_auth_encode(out, sizeof(out), u, p), -ENAMETOOLONG,
	       "256-byte password rejected");

	TAP_IS(sx_s5_auth_parse(B(0x01), 0, &need, &st), 0, "auth reply: 0 bytes need more");
	TAP_IS(need, 2, "auth reply need 2 at 0");
	TAP_IS(sx_s5_auth_parse(B(0x01), 1, &need, &st), 0, "auth reply: 1 byte need more");
	TAP_IS(need, 2, "auth reply need 2 at 1");
	TAP_IS(sx_s5_auth_parse(B(0x01, 0x00), 2, &need, &st), 2, "auth ok parsed");
	TAP_IS(st, 0, "status 0");
	TAP_IS(sx_s5_auth_parse(B(0x05, 0x00), 2, &need, &st), 2, "VER 05 tolerated");
	TAP_IS(sx_s5_auth_parse(B(0x01, 0x01), 2, &need, &st), 2, "auth failure parsed");
	TAP_IS(st, 1, "status 1");
}

static void test_request(void)
{
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	uint8_t out[600];
	struct sx_target t;
	int r;

	sx_target_set_v4(&t, B(1, 2, 3, 4), 80);
	r = sx_s5_request_encode(out, sizeof(out), SX_S5_CMD_CONNECT, &t);
	TAP_IS(r, 10, "CONNECT v4 length");
	TAP_MEM(out, B(0x05, 0x01, 0x00, 0x01, 1, 2, 3, 4, 0x00, 0x50), 10, "CONNECT v4 bytes");
	check_enc_caps(enc_connect, &t, 10, "CONNECT v4");

	sx_target_set_v6(&t, v6, 8080);
	r = sx_s5_request_encode(out, sizeof(out), SX_S5_CMD_CONNECT, &t);
	TAP_IS(r, 22, "CONNECT v6 length");
	TAP_MEM(out,
		B(0x05, 0x01, 0x00, 0x04, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		  1, 0x1f, 0x90),
		22, "CONNECT v6 bytes");
	check_enc_caps(enc_connect, &t, 22, "CONNECT v6");

	sx_target_set_name(&t, "example.com", 443);
	r = sx_s5_request_encode(out, sizeof(out), SX_S5_CMD_CONNECT, &t);
	TAP_IS(r, 18, "CONNECT name length");
	TAP_MEM(out,
		B(0x05, 0x01, 0x00, 0x03, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm',
		  0x01, 0xbb),
		18, "CONNECT name bytes");
	check_enc_caps(enc_connect, &t, 18, "CONNECT name");

	sx_target_set_v4(&t, B(0, 0, 0, 0), 0);
	r = sx_s5_request_encode(out, sizeof(out), SX_S5_CMD_UDP_ASSOCIATE, &t);
	TAP_IS(r, 10, "UDP ASSOCIATE v4 length");
	TAP_MEM(out, B(0x05, 0x03, 0x00, 0x01, 0, 0, 0, 0, 0, 0), 10, "UDP ASSOCIATE 0.0.0.0:0");
	sx_target_set_v6(&t, v6, 5353);
	r = sx_s5_request_encode(out, sizeof(out), SX_S5_CMD_UDP_ASSOCIATE, &t);
	TAP_IS(r, 22, "UDP ASSOCIATE v6 length");
	TAP_MEM(out, B(0x05, 0x03, 0x00, 0x04), 4, "UDP ASSOCIATE v6 head");
	TAP_MEM(out + 4, v6, 16, "UDP ASSOCIATE v6 addr");
	TAP_MEM(out + 20, B(0x14, 0xe9), 2, "UDP ASSOCIATE v6 port");
	sx_target_set_name(&t, "a.b", 53);
	r = sx_s5_request_encode(out, sizeof(out), SX_S5_CMD_UDP_ASSOCIATE, &t);
	TAP_IS(r, 10, "UDP ASSOCIATE name length");
	TAP_MEM(out, B(0x05, 0x03, 0x00, 0x03, 3, 'a', '.', 'b', 0x00, 0x35), 10,
		"UDP ASSOCIATE name bytes");

	memset(&t, 0, sizeof(t));
	t.kind = SX_TARGET_NAME;
	memset(t.addr.name, 'n', 255);
	t.port = 1;
	r = sx_s5_request_encode(out, sizeof(out), SX_S5_CMD_CONNECT, &t);
	TAP_IS(r, 262, "255-byte name accepted (SX_S5_REQ_MAX)");
	TAP_IS(r, SX_S5_REQ_MAX, "SX_S5_REQ_MAX is the largest request");
	TAP_IS(out[4], 255, "length byte 255");
	memset(t.addr.name, 'n', sizeof(t.addr.name)); /* 256 bytes, no NUL */
	TAP_IS(sx_s5_request_encode(out, sizeof(out), SX_S5_CMD_CONNECT, &t), -ENAMETOOLONG,
	       "256-byte name rejected");
	t.addr.name[0] = '\0';
	TAP_IS(sx_s5_request_encode(out, sizeof(out), SX_S5_CMD_CONNECT, &t), -EINVAL,
	       "empty name rejected");
	t.kind = (enum sx_target_kind)2;
	TAP_IS(sx_s5_request_encode(out, sizeof(out), SX_S5_CMD_CONNECT, &t), -EINVAL,
	       "unknown target kind rejected");
}

/* Every prefix of a valid reply must ask for more, with the right total. */
static void truncations(const uint8_t *msg, size_t len, size_t first_need, const char *what)
{
	uint8_t rep;
	size_t need;
	int bad_r = 0, bad_need = 0;

	for (size_t i = 0; i < len; i++) {
		size_t want = i < 4 ? 5 : (msg[3] == 3 && i < 5 ? 5 : first_need);
		int r = sx_s5_reply_parse(msg, i, &need, &rep, NULL);

		if (r != 0)
			bad_r++;
		if (need != want)
			bad_need++;
	}
	TAP_IS(bad_r, 0, "%s: every prefix returns 0", what);
	TAP_IS(bad_need, 0, "%s: every prefix gives the right need", what);
}

static void test_reply(void)
{
	uint8_t rep = 0x77, msg[300];
	size_t need;
	struct sx_target b;
	int r;

	const uint8_t *r4 = B(0x05, 0x00, 0x00, 0x01, 10, 0, 0, 1, 0x04, 0x38, 'S', 'S', 'H');
	r = sx_s5_reply_parse(r4, 13, &need, &rep, &b);
	TAP_IS(r, 10, "v4 reply: 10 consumed, banner left");
	TAP_IS(rep, 0, "v4 reply REP 0");
	TAP_IS(b.kind, SX_TARGET_IPV4, "v4 reply kind");
	TAP_MEM(b.addr.v4, B(10, 0, 0, 1), 4, "v4 reply addr");
	TAP_IS(b.port, 1080, "v4 reply port");
	truncations(r4, 10, 10, "v4 reply");

	const uint8_t *r6 = B(0x05, 0x00, 0x00, 0x04, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			      0, 0, 9, 0xff, 0xfe);
	r = sx_s5_reply_parse(r6, 22, &need, &rep, &b);
	TAP_IS(r, 22, "v6 reply consumed");
	TAP_IS(b.kind, SX_TARGET_IPV6, "v6 reply kind");
	TAP_MEM(b.addr.v6, r6 + 4, 16, "v6 reply addr");
	TAP_IS(b.port, 65534, "v6 reply port");
	truncations(r6, 22, 22, "v6 reply");

	const uint8_t *rn = B(0x05, 0x00, 0x00, 0x03, 4, 'h', 'o', 's', 't', 0x00, 0x16);
	r = sx_s5_reply_parse(rn, 11, &need, &rep, &b);
	TAP_IS(r, 11, "name reply consumed");
	TAP_IS(b.kind, SX_TARGET_NAME, "name reply kind");
	TAP_STR(b.addr.name, "host", "name reply name");
	TAP_IS(b.port, 22, "name reply port");
	truncations(rn, 11, 11, "name reply");

	r = sx_s5_reply_parse(B(0x05, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0), 10, &need, &rep, NULL);
	TAP_IS(r, 10, "failure reply parses in full");
	TAP_IS(rep, 5, "REP 5 reported");
	rep = 0x77;
	r = sx_s5_reply_parse(B(0x05, 0x04), 2, &need, &rep, NULL);
	TAP_IS(r, 0, "2 bytes: need more");
	TAP_IS(rep, 4, "but REP known after 2 bytes");

	TAP_IS(sx_s5_reply_parse(B(0x04), 1, &need, &rep, NULL), -EPROTO, "VER 4 at 1 byte");
	TAP_IS(sx_s5_reply_parse(B(0x00, 0x5a, 0, 0, 0, 0, 0, 0), 8, &need, &rep, NULL), -EPROTO,
	       "SOCKS4 reply to SOCKS5 rejected");
	TAP_IS(sx_s5_reply_parse(B(0x05, 0x00, 0x00, 0x02), 4, &need, &rep, NULL), -EPROTO,
	       "ATYP 2 rejected");
	TAP_IS(sx_s5_reply_parse(B(0x05, 0x00, 0x00, 0x05, 0), 5, &need, &rep, NULL), -EPROTO,
	       "ATYP 5 rejected");
	TAP_IS(sx_s5_reply_parse(B(0x05, 0x00, 0x00, 0x03, 0, 0, 0), 7, &need, &rep, NULL), -EPROTO,
	       "zero-length name rejected");
	TAP_IS(sx_s5_reply_parse(B(0x05, 0x00, 0x00, 0x03, 2, 'a', 0, 0, 1), 9, &need, &rep, NULL),
	       -EPROTO, "NUL inside name rejected");
	TAP_IS(
	    sx_s5_reply_parse(B(0x05, 0x00, 0x07, 0x01, 1, 1, 1, 1, 0, 1), 10, &need, &rep, NULL),
	    10, "non-zero RSV tolerated");

	memcpy(msg, B(0x05, 0x00, 0x00, 0x03, 255), 5);
	memset(msg + 5, 'x', 255);
	msg[260] = 0x12;
	msg[261] = 0x34;
	r = sx_s5_reply_parse(msg, 5, &need, &rep, &b);
	TAP_IS(r, 0, "255-name reply after 5 bytes: need more");
	TAP_IS(need, 262, "255-name reply need 262");
	r = sx_s5_reply_parse(msg, 262, &need, &rep, &b);
	TAP_IS(r, 262, "255-name reply parsed");
	TAP_IS(strlen(b.addr.name), 255, "255-name kept");
	TAP_IS(b.port, 0x1234, "255-name port");
}

static void test_addr(void)
{
	uint8_t out[300];
	struct sx_target t, u;
	size_t need;
	int r;

	sx_target_set_name(&t, "x.test", 7);
	r = sx_s5_addr_encode(out, sizeof(out), &t);
	TAP_IS(r, 10, "addr name length");
	TAP_MEM(out, B(0x03, 6, 'x', '.', 't', 'e', 's', 't', 0, 7), 10, "addr name bytes");
	TAP_IS(sx_s5_addr_parse(out, (size_t)r, &need, &u), r, "addr name round trip");
	TAP_STR(u.addr.name, "x.test", "addr name round trip name");
	TAP_IS(u.port, 7, "addr name round trip port");
	TAP_IS(sx_s5_addr_parse(out, 0, &need, &u), 0, "addr empty");
	TAP_IS(need, 2, "addr empty need 2");
	TAP_IS(sx_s5_addr_parse(B(0x01), 1, &need, &u), 0, "addr v4 ATYP only");
	TAP_IS(need, 7, "addr v4 need 7");
	TAP_IS(sx_s5_addr_parse(B(0x04), 1, &need, &u), 0, "addr v6 ATYP only");
	TAP_IS(need, 19, "addr v6 need 19");
}

int main(void)
{
	test_greeting();
	test_method();
	test_auth();
	test_request();
	test_reply();
	test_addr();
	return tap_done();
}
