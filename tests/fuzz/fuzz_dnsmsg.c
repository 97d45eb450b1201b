/* SPDX-License-Identifier: MIT */
/* DNS messages: parse arbitrary bytes as a query (what any program can send) and answer
 * it at an arbitrary size limit; TCP unframing; reverse names and names to wire. */
#include <errno.h>

#include "../../core/dnsmsg.h"
#include "fuzz.h"

static void check_reply(const uint8_t *out, int r, size_t cap, const struct sx_dns_query *q)
{
	FZ_CHECK(r == -ENOBUFS || r == -EINVAL || (r >= SX_DNS_HDR_LEN && (size_t)r <= cap));
	if (r < 0)
		return;
	FZ_CHECK(out[0] == (uint8_t)(q->id >> 8) && out[1] == (uint8_t)q->id);
	FZ_CHECK(out[2] & 0x80); /* QR */
	FZ_CHECK(out[5] == q->has_question);
	if (q->has_question)
		FZ_CHECK(memcmp(out + SX_DNS_HDR_LEN, q->qwire, q->qwire_len) == 0);
	struct sx_dns_query back;
	FZ_CHECK(sx_dns_query_parse(&back, out, (size_t)r) ==
		 -EBADMSG); /* never looks like a query */
}

static void query(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	size_t cap = fz_u16(&f) % 1400, n = f.n;
	uint8_t *in = fz_dup(f.p, n);
	struct sx_dns_query q;
	int r = sx_dns_query_parse(&q, in, n);

	FZ_CHECK(r == 0 || r == -EBADMSG || r == -EPROTO || r == -EOPNOTSUPP ||
		 r == -EPROTONOSUPPORT);
	free(in);
	if (r == -EBADMSG)
		return;
	if (q.has_question) {
		FZ_CHECK(q.qwire_len >= 1 && q.qwire_len <= SX_DNS_NAME_MAX);
		FZ_CHECK(strlen(q.name) < SX_DNS_TEXT_MAX);
		FZ_CHECK(memcmp(data + size - n + SX_DNS_HDR_LEN, q.qwire, q.qwire_len) == 0);
	}
	if (r == 0)
		FZ_CHECK(q.has_question);
	FZ_CHECK(sx_dns_udp_limit(&q) >= SX_DNS_UDP_MIN);

	uint8_t *out = malloc(cap ? cap : 1); /* exact size: ASan sees an overrun */
	static const uint8_t addrs[3 * 16] = {198, 18, 0, 1, 198, 18, 0, 2, 198, 18, 0, 3};
	FZ_CHECK(out != NULL);
	check_reply(out, sx_dns_reply_rcode(out, cap, &q, SX_DNS_RCODE_FORMERR), cap, &q);
	check_reply(out, sx_dns_reply_rcode(out, cap, &q, SX_DNS_RCODE_BADVERS), cap, &q);
	r = sx_dns_reply_addrs(out, cap, &q, addrs, 3, 60);
	check_reply(out, r, cap, &q);
	if (q.qtype != SX_DNS_TYPE_A && q.qtype != SX_DNS_TYPE_AAAA)
		FZ_CHECK(r == -EINVAL);
	check_reply(out, sx_dns_reply_ptr(out, cap, &q, "web.test", 60), cap, &q);
	free(out);
}

static void tcp(const uint8_t *data, size_t size)
{
	uint8_t *in = fz_dup(data, size);
	const uint8_t *msg = NULL;
	size_t need = 0, len = 0;
	int r = sx_dns_tcp_unframe(in, size, &need, &msg, &len);

	if (r > 0)
		FZ_CHECK((size_t)r == len + 2 && (size_t)r <= size && msg == in + 2 && len > 0);
	else if (r == 0)
		FZ_CHECK(need > size && need <= 65537);
	else
		FZ_CHECK(r == -EPROTO);
	free(in);
}

static void names(const uint8_t *data, size_t size)
{
	char *s = fz_cstr(data, size);
	uint8_t a[16], b[16];
	char back[SX_DNS_PTR_MAX];
	struct sx_dns_query q;
	int af = sx_dns_ptr_addr(s, a);

	FZ_CHECK(af == 4 || af == 6 || af == -EINVAL);
	if (af > 0) {
		int k = sx_dns_ptr_name(back, af, a);
		FZ_CHECK(k > 0 && k < SX_DNS_PTR_MAX && back[k] == '\0');
		FZ_CHECK(sx_dns_ptr_addr(back, b) == af && memcmp(a, b, af == 4 ? 4 : 16) == 0);
	}
	int r = sx_dns_query_make(&q, 1, s, SX_DNS_CLASS_IN, SX_DNS_TYPE_A);
	FZ_CHECK(r == 0 || r == -EINVAL || r == -ENAMETOOLONG);
	if (r == 0)
		FZ_CHECK(q.qwire_len <= SX_DNS_NAME_MAX && q.qwire[q.qwire_len - 1] == 0);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		query(data + 1, size - 1);
		break;
	case 1:
		tcp(data + 1, size - 1);
		break;
	default:
		names(data + 1, size - 1);
	}
	return 0;
}
