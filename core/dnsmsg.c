/* SPDX-License-Identifier: MIT */
/* DNS query parsing and the shim's own replies. The bytes come from a program, so every
 * read is checked against the message length before it happens. */
#include <errno.h>
#include <string.h>

#include "dnsmsg.h"
#include "wire.h"

/* RFC 1035 §4.1.1, the header:
 *                                 1  1  1  1  1  1
 *   0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * |                      ID                       |
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * |          QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT   |
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * followed by the question (QNAME, QTYPE, QCLASS, §4.1.2) and the records
 * (NAME, TYPE, CLASS, TTL, RDLENGTH, RDATA, §4.1.3). */
#define F_QR	     0x8000u
#define F_OPCODE     0x7800u
#define F_TC	     0x0200u
#define F_RD	     0x0100u
#define F_RA	     0x0080u
#define F_CD	     0x0010u
#define PTR_TO_QNAME 0xc00cu /* §4.1.4: the question's name sits right after the header */
#define EDNS_DO	     0x8000u

static uint16_t be16(const uint8_t *p)
{
	return sx_wire_get_be16(p);
}

static void put_be32(struct sx_wire *w, uint32_t v)
{
	sx_wire_be16(w, (uint16_t)(v >> 16));
	sx_wire_be16(w, (uint16_t)v);
}

static void put_text_byte(char *text, size_t *t, uint8_t c)
{
	if (c == '.' || c == '\\' || c < 0x21 || c > 0x7e) {
		text[(*t)++] = '\\';
		text[(*t)++] = (char)('0' + c / 100);
		text[(*t)++] = (char)('0' + c / 10 % 10);
		text[(*t)++] = (char)('0' + c % 10);
	} else {
		text[(*t)++] = (char)c;
	}
}

/* QNAME: plain labels only. 4 bytes of text per wire byte at most, so text never
 * exceeds SX_DNS_TEXT_MAX for a name within SX_DNS_NAME_MAX. */
static int read_qname(struct sx_dns_query *q, const uint8_t *in, size_t n, size_t *off)
{
	size_t o = *off, w = 0, t = 0;

	for (;;) {
		if (o >= n)
			return -EPROTO;
		uint8_t l = in[o];
		/* 11: a pointer; 01 and 10: label types RFC 6891 retired */
		if (l & 0xc0 || l > n - o - 1 || w + 1 + l > SX_DNS_NAME_MAX)
			return -EPROTO;
		memcpy(q->qwire + w, in + o, 1 + (size_t)l);
		w += 1 + (size_t)l;
		if (l == 0)
			break;
		if (t)
			q->name[t++] = '.';
		for (size_t i = 1; i <= l; i++)
			put_text_byte(q->name, &t, in[o + i]);
		o += 1 + (size_t)l;
	}
	q->name[t] = '\0';
	q->qwire_len = w;
	*off = o + 1;
	return 0;
}

/* A record's owner name: compression allowed, and a pointer ends it (never followed). */
static int skip_name(const uint8_t *in, size_t n, size_t *off, bool *root)
{
	size_t o = *off, w = 0;

	*root = o < n && in[o] == 0;
	for (;;) {
		if (o >= n)
			return -EPROTO;
		uint8_t l = in[o];
		if ((l & 0xc0) == 0xc0) {
			if (n - o < 2)
				return -EPROTO;
			*off = o + 2;
			return 0;
		}
		if (l & 0xc0 || l > n - o - 1 || w + 1 + l > SX_DNS_NAME_MAX)
			return -EPROTO;
		w += 1 + (size_t)l;
		o += 1 + (size_t)l;
		if (l == 0)
			break;
	}
	*off = o;
	return 0;
}

/* One record; an OPT record (RFC 6891 §6.1.2) is only allowed where opt_ok, once. */
static int read_rr(struct sx_dns_query *q, const uint8_t *in, size_t n, size_t *off, bool opt_ok)
{
	bool root;
	int r = skip_name(in, n, off, &root);

	if (r < 0)
		return r;
	size_t o = *off;
	if (n - o < 10)
		return -EPROTO;
	uint16_t type = be16(in + o), rdlen = be16(in + o + 8);
	if (rdlen > n - o - 10)
		return -EPROTO;
	if (type == SX_DNS_TYPE_OPT) {
		/*  NAME=0 | TYPE=41 | CLASS=UDP payload size | TTL=EXT-RCODE VERSION DO Z | RDLEN
		 * RDATA */
		if (!opt_ok || q->edns || !root)
			return -EPROTO;
		q->edns = true;
		q->edns_udp = be16(in + o + 2);
		q->edns_version = in[o + 5];
		q->edns_do = be16(in + o + 6) & EDNS_DO;
	}
	*off = o + 10 + rdlen;
	return 0;
}

int sx_dns_query_parse(struct sx_dns_query *q, const uint8_t *in, size_t n)
{
	memset(q, 0, sizeof(*q));
	if (n < SX_DNS_HDR_LEN)
		return -EBADMSG;
	q->id = be16(in);
	q->flags = be16(in + 2);
	if (q->flags & F_QR)
		return -EBADMSG; /* a reply: answering it could start a loop */
	if (q->flags & F_OPCODE)
		return -EOPNOTSUPP;
	unsigned qd = be16(in + 4), an = be16(in + 6), ns = be16(in + 8), ar = be16(in + 10);
	if (qd != 1)
		return -EPROTO;
	size_t off = SX_DNS_HDR_LEN;
	int r = read_qname(q, in, n, &off);
	if (r < 0)
		return r;
	if (n - off < 4)
		return -EPROTO;
	q->qtype = be16(in + off);
	q->qclass = be16(in + off + 2);
	q->has_question = true;
	off += 4;
	/* Each record takes at least 11 bytes, so these loops end within n / 11 rounds. */
	for (unsigned i = 0; i < an + ns + ar; i++)
		if ((r = read_rr(q, in, n, &off, i >= an + ns)) < 0)
			return r;
	if (q->edns && q->edns_version != 0)
		return -EPROTONOSUPPORT;
	return 0;
}

/* Dotted text to wire labels; wire has room for SX_DNS_NAME_MAX bytes. */
static int name_to_wire(const char *name, uint8_t *wire, size_t *wlen)
{
	size_t len = strlen(name), w = 0, start = 0;

	if (len && name[len - 1] == '.')
		len--;
	while (len) {
		size_t end = start;
		while (end < len && name[end] != '.')
			end++;
		size_t l = end - start;
		if (l == 0)
			return -EINVAL;
		if (l > SX_DNS_LABEL_MAX || w + 1 + l + 1 > SX_DNS_NAME_MAX)
			return -ENAMETOOLONG;
		wire[w++] = (uint8_t)l;
		memcpy(wire + w, name + start, l);
		w += l;
		if (end == len)
			break;
		start = end + 1;
	}
	wire[w++] = 0;
	*wlen = w;
	return 0;
}

int sx_dns_query_make(struct sx_dns_query *q, uint16_t id, const char *name, uint16_t qclass,
		      uint16_t qtype)
{
	memset(q, 0, sizeof(*q));
	int r = name_to_wire(name, q->qwire, &q->qwire_len);
	if (r < 0)
		return r;
	size_t len = strlen(name);
	if (len && name[len - 1] == '.')
		len--;
	memcpy(q->name, name, len); /* fits: the wire form is longer */
	q->name[len] = '\0';
	q->id = id;
	q->flags = F_RD;
	q->qtype = qtype;
	q->qclass = qclass;
	q->has_question = true;
	return 0;
}

size_t sx_dns_udp_limit(const struct sx_dns_query *q)
{
	return q->edns && q->edns_udp > SX_DNS_UDP_MIN ? q->edns_udp : SX_DNS_UDP_MIN;
}

/* The records of one reply: count of them, each with rdlen bytes of rdata at rd + i*rdlen. */
struct records {
	uint16_t type;
	const uint8_t *rd;
	size_t rdlen;
	size_t count;
	uint32_t ttl;
};

static int build(uint8_t *out, size_t cap, const struct sx_dns_query *q, unsigned rcode,
		 const struct records *rr, bool tc)
{
	struct sx_wire w;
	size_t count = tc ? 0 : rr->count;

	sx_wire_init(&w, out, cap);
	sx_wire_be16(&w, q->id);
	sx_wire_be16(&w, (uint16_t)(F_QR | (q->flags & (F_OPCODE | F_RD | F_CD)) | F_RA |
				    (tc ? F_TC : 0) | (rcode & 0xf)));
	sx_wire_be16(&w, q->has_question);
	sx_wire_be16(&w, (uint16_t)count);
	sx_wire_be16(&w, 0);
	sx_wire_be16(&w, q->edns);
	if (q->has_question) {
		sx_wire_mem(&w, q->qwire, q->qwire_len);
		sx_wire_be16(&w, q->qtype);
		sx_wire_be16(&w, q->qclass);
	}
	for (size_t i = 0; i < count; i++) {
		sx_wire_be16(&w, PTR_TO_QNAME);
		sx_wire_be16(&w, rr->type);
		sx_wire_be16(&w, q->qclass);
		put_be32(&w, rr->ttl);
		sx_wire_be16(&w, (uint16_t)rr->rdlen);
		sx_wire_mem(&w, rr->rd + i * rr->rdlen, rr->rdlen);
	}
	if (q->edns) {
		sx_wire_u8(&w, 0);
		sx_wire_be16(&w, SX_DNS_TYPE_OPT);
		sx_wire_be16(&w, SX_DNS_EDNS_UDP);
		sx_wire_u8(&w, (uint8_t)(rcode >> 4));
		sx_wire_u8(&w, 0); /* version */
		sx_wire_be16(&w, q->edns_do ? EDNS_DO : 0);
		sx_wire_be16(&w, 0);
	}
	return sx_wire_end(&w);
}

static int reply(uint8_t *out, size_t cap, const struct sx_dns_query *q, unsigned rcode,
		 const struct records *rr)
{
	if (rcode > 4095 || (rcode > 15 && !q->edns) || rr->count > 65535 ||
	    (rr->count && !q->has_question))
		return -EINVAL;
	if (cap > 65535)
		cap = 65535;
	int r = build(out, cap, q, rcode, rr, false);
	if (r == -ENOBUFS && rr->count)
		r = build(out, cap, q, rcode, rr, true);
	return r;
}

int sx_dns_reply_addrs(uint8_t *out, size_t cap, const struct sx_dns_query *q, const uint8_t *addrs,
		       size_t n, uint32_t ttl)
{
	struct records rr = {q->qtype, addrs, 0, n, ttl};

	if (q->qtype == SX_DNS_TYPE_A)
		rr.rdlen = 4;
	else if (q->qtype == SX_DNS_TYPE_AAAA)
		rr.rdlen = 16;
	else
		return -EINVAL;
	if (!q->has_question || (n && !addrs))
		return -EINVAL;
	return reply(out, cap, q, SX_DNS_RCODE_NOERROR, &rr);
}

int sx_dns_reply_ptr(uint8_t *out, size_t cap, const struct sx_dns_query *q, const char *name,
		     uint32_t ttl)
{
	uint8_t wire[SX_DNS_NAME_MAX];
	size_t wlen;
	int r = name_to_wire(name, wire, &wlen);

	if (r < 0)
		return r;
	if (!q->has_question)
		return -EINVAL;
	struct records rr = {SX_DNS_TYPE_PTR, wire, wlen, 1, ttl};
	return reply(out, cap, q, SX_DNS_RCODE_NOERROR, &rr);
}

int sx_dns_reply_rcode(uint8_t *out, size_t cap, const struct sx_dns_query *q, unsigned rcode)
{
	struct records rr = {0, NULL, 0, 0, 0};

	return reply(out, cap, q, rcode, &rr);
}

int sx_dns_tcp_prefix(uint8_t out[2], size_t len)
{
	if (len == 0 || len > 65535)
		return -EMSGSIZE;
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	return 2;
}

int sx_dns_tcp_unframe(const uint8_t *in, size_t n, size_t *need, const uint8_t **msg, size_t *len)
{
	if (n < 2) {
		*need = 2;
		return 0;
	}
	size_t l = be16(in);
	if (l == 0)
		return -EPROTO;
	if (n - 2 < l) {
		*need = 2 + l;
		return 0;
	}
	*msg = in + 2;
	*len = l;
	return (int)(2 + l);
}

static const char HEX[] = "0123456789abcdef";

int sx_dns_ptr_name(char out[SX_DNS_PTR_MAX], int af, const uint8_t *addr)
{
	size_t t = 0;

	if (af == 4) {
		for (int i = 3; i >= 0; i--) {
			uint8_t b = addr[i];
			if (b >= 100)
				out[t++] = (char)('0' + b / 100);
			if (b >= 10)
				out[t++] = (char)('0' + b / 10 % 10);
			out[t++] = (char)('0' + b % 10);
			out[t++] = '.';
		}
		memcpy(out + t, "in-addr.arpa", 13);
		return (int)t + 12;
	}
	if (af != 6)
		return -EINVAL;
	for (int i = 15; i >= 0; i--) {
		out[t++] = HEX[addr[i] & 0xf];
		out[t++] = '.';
		out[t++] = HEX[addr[i] >> 4];
		out[t++] = '.';
	}
	memcpy(out + t, "ip6.arpa", 9);
	return (int)t + 8;
}

/* ASCII only: the shim must not depend on the program's locale. */
static bool suffix_is(const char *s, size_t len, const char *suffix)
{
	size_t k = strlen(suffix);

	if (len < k)
		return false;
	for (size_t i = 0; i < k; i++) {
		char c = s[len - k + i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != suffix[i])
			return false;
	}
	return true;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int v4_from(const char *s, size_t len, uint8_t addr[16])
{
	size_t o = 0;

	for (int i = 3; i >= 0; i--) {
		size_t d = 0;
		unsigned v = 0;
		while (o + d < len && s[o + d] >= '0' && s[o + d] <= '9' && d < 4)
			v = v * 10 + (unsigned)(s[o + d++] - '0');
		if (d == 0 || d > 3 || v > 255 || (d > 1 && s[o] == '0'))
			return -EINVAL;
		addr[i] = (uint8_t)v;
		o += d;
		if (i > 0 && (o >= len || s[o++] != '.'))
			return -EINVAL;
	}
	return o == len ? 4 : -EINVAL;
}

int sx_dns_ptr_addr(const char *name, uint8_t addr[16])
{
	size_t len = strlen(name);

	if (len && name[len - 1] == '.')
		len--;
	if (suffix_is(name, len, ".in-addr.arpa"))
		return v4_from(name, len - 13, addr);
	if (!suffix_is(name, len, ".ip6.arpa") || len - 9 != 63)
		return -EINVAL;
	for (size_t i = 0; i < 32; i++) {
		int v = hex_nibble(name[2 * i]);
		if (v < 0 || (i < 31 && name[2 * i + 1] != '.'))
			return -EINVAL;
		uint8_t *b = &addr[15 - i / 2];
		*b = i % 2 ? (uint8_t)(*b | v << 4) : (uint8_t)v;
	}
	return 6;
}
