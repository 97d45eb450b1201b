/* SPDX-License-Identifier: MIT */
/* DNS messages: real dig queries parsed and answered byte-exactly, every truncation,
 * name limits, FORMERR/NOTIMP/BADVERS cases, TC, TCP framing, reverse names. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/dnsmsg.h"
#include "tap.h"

/* Captured from dig 9.18 with a UDP listener: `dig +noedns web.test A`, and
 * `dig web.test AAAA` (EDNS0, payload 1232, an 8-byte client COOKIE option). */
static const uint8_t DIG_A[] = {0x01, 0x93, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00,
				0x00, 0x00, 0x00, 0x03, 'w',  'e',  'b',  0x04, 't',
				'e',  's',  't',  0x00, 0x00, 0x01, 0x00, 0x01};
static const uint8_t DIG_AAAA[] = {0xcf, 0x9a, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
				   0x00, 0x01, 0x03, 'w',  'e',	 'b',  0x04, 't',  'e',	 's',
				   't',	 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x29, 0x04,
				   0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00,
				   0x08, 0xcc, 0xd2, 0x3c, 0x61, 0x7b, 0xbc, 0x17, 0x4e};

#define QUESTION 0x03, 'w', 'e', 'b', 0x04, 't', 'e', 's', 't', 0x00

static const uint8_t FAKE4[4] = {198, 18, 0, 1};
static const uint8_t FAKE6[16] = {0xfd, 0x9a, 0x5f, 0x0c, 0x4b, 0x2d, 0xff, 0xff,
				  0,	0,    0,    0,	  0,	0,    0,    1};

static void test_dig_a(void)
{
	struct sx_dns_query q;
	uint8_t out[512];

	TAP_IS(sx_dns_query_parse(&q, DIG_A, sizeof(DIG_A)), 0, "dig +noedns query parses");
	TAP_IS(q.id, 0x0193, "id");
	TAP_IS(q.flags, 0x0120, "flags as sent (RD, AD)");
	TAP_IS(q.qtype, SX_DNS_TYPE_A, "qtype A");
	TAP_IS(q.qclass, SX_DNS_CLASS_IN, "qclass IN");
	TAP_STR(q.name, "web.test", "name as text");
	TAP_IS(q.qwire_len, 10, "wire name length");
	TAP_OK(!q.edns, "no EDNS");
	TAP_IS(sx_dns_udp_limit(&q), 512, "UDP limit 512 without EDNS");

	static const uint8_t want[] = {0x01, 0x93,     0x81, 0x80, 0,  1, 0,	1,    0,  0, 0,
				       0,    QUESTION, 0,    1,	   0,  1, 0xc0, 0x0c, 0,  1, 0,
				       1,    0,	       0,    0,	   60, 0, 4,	198,  18, 0, 1};
	int r = sx_dns_reply_addrs(out, sizeof(out), &q, FAKE4, 1, 60);
	TAP_IS(r, sizeof(want), "A reply length");
	TAP_MEM(out, want, sizeof(want), "A reply bytes: QR RD RA, question echoed, pointer to it");

	/* Exactly full, one byte short (TC with the question only), and too small for that. */
	TAP_IS(sx_dns_reply_addrs(out, sizeof(want), &q, FAKE4, 1, 60), sizeof(want),
	       "reply fits exactly");
	r = sx_dns_reply_addrs(out, sizeof(want) - 1, &q, FAKE4, 1, 60);
	static const uint8_t tc[] = {0x01, 0x93, 0x83, 0x80,	 0, 1, 0, 0, 0,
				     0,	   0,	 0,    QUESTION, 0, 1, 0, 1};
	TAP_IS(r, sizeof(tc), "one byte short: truncated reply");
	TAP_MEM(out, tc, sizeof(tc), "TC set, no answers, question kept");
	TAP_IS(sx_dns_reply_addrs(out, sizeof(tc) - 1, &q, FAKE4, 1, 60), -ENOBUFS,
	       "no room even for the question: -ENOBUFS");
	TAP_IS(sx_dns_reply_addrs(out, 0, &q, FAKE4, 1, 60), -ENOBUFS, "cap 0");

	uint8_t many[40 * 4] = {0};
	r = sx_dns_reply_addrs(out, sx_dns_udp_limit(&q), &q, many, 40, 60);
	TAP_IS(r, sizeof(tc), "40 A records exceed 512: truncated");
	TAP_OK(out[2] & 0x02, "TC bit set");
	static uint8_t big[65536];
	r = sx_dns_reply_addrs(big, sizeof(big), &q, many, 40, 60);
	TAP_IS(r, 26 + 40 * 16, "over TCP all 40 fit");
	TAP_IS(big[7], 40, "ancount 40");
	TAP_IS(sx_dns_reply_addrs(out, sizeof(out), &q, FAKE6, 1, 60), 42,
	       "A reply takes 4-byte addresses");
}

static void test_dig_aaaa_edns(void)
{
	struct sx_dns_query q;
	uint8_t out[512];

	TAP_IS(sx_dns_query_parse(&q, DIG_AAAA, sizeof(DIG_AAAA)), 0, "dig EDNS query parses");
	TAP_IS(q.id, 0xcf9a, "id");
	TAP_IS(q.qtype, SX_DNS_TYPE_AAAA, "qtype AAAA");
	TAP_OK(q.edns, "EDNS seen");
	TAP_IS(q.edns_udp, 1232, "payload size 1232");
	TAP_IS(q.edns_version, 0, "version 0");
	TAP_OK(!q.edns_do, "DO clear");
	TAP_IS(sx_dns_udp_limit(&q), 1232, "UDP limit from EDNS");

	static const uint8_t want[] = {
	    0xcf, 0x9a, 0x81, 0x80, 0,	  1,	0,    1,    0,	  0, 0, 1, QUESTION, 0,
	    0x1c, 0,	1,    0xc0, 0x0c, 0,	0x1c, 0,    1,	  0, 0, 0, 60,	     0,
	    16,	  0xfd, 0x9a, 0x5f, 0x0c, 0x4b, 0x2d, 0xff, 0xff, 0, 0, 0, 0,	     0,
	    0,	  0,	1,    0,    0,	  0x29, 0x04, 0xd0, 0,	  0, 0, 0, 0,	     0};
	int r = sx_dns_reply_addrs(out, sizeof(out), &q, FAKE6, 1, 60);
	TAP_IS(r, sizeof(want), "AAAA reply length");
	TAP_MEM(out, want, sizeof(want), "AAAA reply bytes with our OPT record");

	TAP_IS(sx_dns_reply_addrs(out, sizeof(out), &q, NULL, 0, 60), 37, "no addresses: NODATA");
	TAP_IS(out[7], 0, "ancount 0");
	TAP_IS(out[3] & 0x0f, 0, "rcode NOERROR");

	/* Every truncation: no header, or FORMERR material, never a read past k bytes. */
	int bad = 0;
	for (size_t k = 0; k < sizeof(DIG_AAAA); k++) {
		uint8_t *cut = malloc(k ? k : 1);
		memcpy(cut, DIG_AAAA, k);
		r = sx_dns_query_parse(&q, cut, k);
		if (k < 12 ? r != -EBADMSG : r != -EPROTO)
			bad++;
		if (k >= 12 && q.has_question != (k >= 26))
			bad++;
		if (k >= 12 && sx_dns_reply_rcode(out, sizeof(out), &q, SX_DNS_RCODE_FORMERR) < 12)
			bad++;
		free(cut);
	}
	TAP_IS(bad, 0, "every truncated prefix: -EBADMSG under 12 bytes, else -EPROTO");

	uint8_t cut[26];
	memcpy(cut, DIG_AAAA, 26);
	TAP_IS(sx_dns_query_parse(&q, cut, 26), -EPROTO, "OPT announced but missing: -EPROTO");
	r = sx_dns_reply_rcode(out, sizeof(out), &q, SX_DNS_RCODE_FORMERR);
	static const uint8_t formerr[] = {0xcf, 0x9a, 0x81, 0x81,     0, 1,    0, 0, 0,
					  0,	0,    0,    QUESTION, 0, 0x1c, 0, 1};
	TAP_IS(r, sizeof(formerr), "FORMERR length");
	TAP_MEM(out, formerr, sizeof(formerr), "FORMERR echoes id and question");
}

/* A query header with counts, for hand-made messages. */
static size_t hdr(uint8_t *m, uint16_t flags, unsigned qd, unsigned an, unsigned ns, unsigned ar)
{
	const uint8_t h[12] = {0x12,
			       0x34,
			       (uint8_t)(flags >> 8),
			       (uint8_t)flags,
			       0,
			       (uint8_t)qd,
			       0,
			       (uint8_t)an,
			       0,
			       (uint8_t)ns,
			       0,
			       (uint8_t)ar};
	memcpy(m, h, 12);
	return 12;
}

static size_t put(uint8_t *m, size_t o, const void *p, size_t n)
{
	memcpy(m + o, p, n);
	return o + n;
}

static const uint8_t Q_A_IN[] = {QUESTION, 0, 1, 0, 1};

static void test_errors(void)
{
	struct sx_dns_query q;
	uint8_t m[1024], out[512];
	size_t o;
	int r;

	o = hdr(m, 0x0100, 2, 0, 0, 0);
	o = put(m, o, Q_A_IN, sizeof(Q_A_IN));
	o = put(m, o, Q_A_IN, sizeof(Q_A_IN));
	TAP_IS(sx_dns_query_parse(&q, m, o), -EPROTO, "two questions: -EPROTO");
	TAP_OK(!q.has_question, "no question to echo");
	r = sx_dns_reply_rcode(out, sizeof(out), &q, SX_DNS_RCODE_FORMERR);
	static const uint8_t formerr[] = {0x12, 0x34, 0x81, 0x81, 0, 0, 0, 0, 0, 0, 0, 0};
	TAP_IS(r, 12, "FORMERR without question is a bare header");
	TAP_MEM(out, formerr, 12, "FORMERR bytes: id, RD copied, QR RA, qdcount 0");
	o = hdr(m, 0x0100, 0, 0, 0, 0);
	TAP_IS(sx_dns_query_parse(&q, m, o), -EPROTO, "no question: -EPROTO");

	o = hdr(m, 0x8100, 1, 0, 0, 0);
	o = put(m, o, Q_A_IN, sizeof(Q_A_IN));
	TAP_IS(sx_dns_query_parse(&q, m, o), -EBADMSG, "a response (QR=1) is not answered");

	o = hdr(m, 0x1000, 1, 0, 0, 0); /* opcode 2, STATUS */
	o = put(m, o, Q_A_IN, sizeof(Q_A_IN));
	TAP_IS(sx_dns_query_parse(&q, m, o), -EOPNOTSUPP, "opcode STATUS: -EOPNOTSUPP");
	r = sx_dns_reply_rcode(out, sizeof(out), &q, SX_DNS_RCODE_NOTIMP);
	TAP_IS(r, 12, "NOTIMP length");
	TAP_IS(out[2], 0x90, "NOTIMP keeps the opcode, sets QR");
	TAP_IS(out[3], 0x84, "NOTIMP rcode 4, RA");

	/* A compression pointer in QNAME, pointing at itself. */
	static const uint8_t loop[] = {0xc0, 0x0c, 0, 1, 0, 1};
	o = hdr(m, 0x0100, 1, 0, 0, 0);
	o = put(m, o, loop, sizeof(loop));
	TAP_IS(sx_dns_query_parse(&q, m, o), -EPROTO, "pointer in QNAME: -EPROTO");
	static const uint8_t ext[] = {0x41, 'a', 0, 0, 1, 0, 1};
	o = hdr(m, 0x0100, 1, 0, 0, 0);
	o = put(m, o, ext, sizeof(ext));
	TAP_IS(sx_dns_query_parse(&q, m, o), -EPROTO, "label type 01: -EPROTO");

	/* EDNS: a later version, two OPTs, OPT in the answer section, non-root owner. */
	static const uint8_t opt_v1[] = {0, 0, 0x29, 0x10, 0, 0, 1, 0x80, 0, 0, 0};
	o = hdr(m, 0x0100, 1, 0, 0, 1);
	o = put(m, o, Q_A_IN, sizeof(Q_A_IN));
	o = put(m, o, opt_v1, sizeof(opt_v1));
	TAP_IS(sx_dns_query_parse(&q, m, o), -EPROTONOSUPPORT, "EDNS version 1: -EPROTONOSUPPORT");
	TAP_OK(q.edns && q.edns_version == 1 && q.edns_do && q.edns_udp == 4096,
	       "version, DO and size read");
	r = sx_dns_reply_rcode(out, sizeof(out), &q, SX_DNS_RCODE_BADVERS);
	static const uint8_t badvers[] = {0x12, 0x34, 0x81,	0x80, 0,    1, 0, 0, 0, 0,
					  0,	1,    QUESTION, 0,    1,    0, 1, 0, 0, 0x29,
					  0x04, 0xd0, 1,	0,    0x80, 0, 0, 0};
	TAP_IS(r, sizeof(badvers), "BADVERS length");
	TAP_MEM(out, badvers, sizeof(badvers), "BADVERS: rcode 16 split into OPT's extended bits");
	struct sx_dns_query plain;
	sx_dns_query_parse(&plain, DIG_A, sizeof(DIG_A));
	TAP_IS(sx_dns_reply_rcode(out, sizeof(out), &plain, SX_DNS_RCODE_BADVERS), -EINVAL,
	       "extended rcode without OPT: -EINVAL");

	static const uint8_t opt[] = {0, 0, 0x29, 0x02, 0x00, 0, 0, 0, 0, 0, 0};
	o = hdr(m, 0x0100, 1, 0, 0, 2);
	o = put(m, o, Q_A_IN, sizeof(Q_A_IN));
	o = put(m, o, opt, sizeof(opt));
	o = put(m, o, opt, sizeof(opt));
	TAP_IS(sx_dns_query_parse(&q, m, o), -EPROTO, "two OPT records: -EPROTO");
	o = hdr(m, 0x0100, 1, 1, 0, 0);
	o = put(m, o, Q_A_IN, sizeof(Q_A_IN));
	o = put(m, o, opt, sizeof(opt));
	TAP_IS(sx_dns_query_parse(&q, m, o), -EPROTO, "OPT in the answer section: -EPROTO");
	static const uint8_t opt_named[] = {0xc0, 0x0c, 0, 0x29, 0x02, 0x00, 0, 0, 0, 0, 0, 0};
	o = hdr(m, 0x0100, 1, 0, 0, 1);
	o = put(m, o, Q_A_IN, sizeof(Q_A_IN));
	o = put(m, o, opt_named, sizeof(opt_named));
	TAP_IS(sx_dns_query_parse(&q, m, o), -EPROTO, "OPT with a non-root owner: -EPROTO");

	/* Another additional record with a compressed owner (a TSIG-like one) is skipped. */
	static const uint8_t other[] = {0xc0, 0x0c, 0, 250, 0, 255, 0, 0, 0, 0, 0, 2, 0xab, 0xcd};
	o = hdr(m, 0x0100, 1, 0, 0, 2);
	o = put(m, o, Q_A_IN, sizeof(Q_A_IN));
	o = put(m, o, other, sizeof(other));
	o = put(m, o, opt, sizeof(opt));
	TAP_IS(sx_dns_query_parse(&q, m, o), 0, "compressed additional record skipped");
	TAP_OK(q.edns && q.edns_udp == 512, "OPT after it still read");
	TAP_IS(sx_dns_query_parse(&q, m, o - 1), -EPROTO, "OPT one byte short: -EPROTO");
	m[o] = 0xee;
	TAP_IS(sx_dns_query_parse(&q, m, o + 1), 0, "trailing bytes ignored");
	o = hdr(m, 0x0100, 1, 0, 0, 1);
	o = put(m, o, Q_A_IN, sizeof(Q_A_IN));
	o = put(m, o, other, sizeof(other));
	TAP_IS(sx_dns_query_parse(&q, m, o - 1), -EPROTO, "rdata past the end: -EPROTO");

	/* Every reply kind keeps id, RD and question. */
	sx_dns_query_parse(&q, DIG_A, sizeof(DIG_A));
	static const unsigned codes[] = {SX_DNS_RCODE_NOERROR, SX_DNS_RCODE_NXDOMAIN,
					 SX_DNS_RCODE_REFUSED, SX_DNS_RCODE_SERVFAIL};
	for (size_t i = 0; i < 4; i++) {
		uint8_t want[26] = {0x01,     0x93, 0x81, (uint8_t)(0x80 | codes[i]),
				    0,	      1,    0,	  0,
				    0,	      0,    0,	  0,
				    QUESTION, 0,    1,	  0,
				    1};
		r = sx_dns_reply_rcode(out, sizeof(out), &q, codes[i]);
		TAP_IS(r, 26, "rcode %u reply length", codes[i]);
		TAP_MEM(out, want, 26, "rcode %u reply bytes", codes[i]);
	}
	TAP_IS(sx_dns_reply_rcode(out, 11, &q, SX_DNS_RCODE_REFUSED), -ENOBUFS,
	       "rcode reply in 11 bytes: -ENOBUFS");
	TAP_IS(sx_dns_reply_ptr(out, sizeof(out), &q, "", 60), 39, "PTR to the root name");
}

static size_t label(uint8_t *m, size_t o, size_t len, char c)
{
	m[o++] = (uint8_t)len;
	memset(m + o, c, len);
	return o + len;
}

static void test_names(void)
{
	struct sx_dns_query q;
	uint8_t m[600];
	size_t o;

	o = hdr(m, 0x0100, 1, 0, 0, 0);
	o = label(m, o, 63, 'a');
	o = label(m, o, 63, 'b');
	o = label(m, o, 63, 'c');
	o = label(m, o, 61, 'd');
	m[o++] = 0;
	o = put(m, o, "\0\1\0\1", 4);
	TAP_IS(sx_dns_query_parse(&q, m, o), 0, "255-byte name accepted");
	TAP_IS(q.qwire_len, 255, "wire length 255");
	TAP_IS(strlen(q.name), 253, "text length 253");

	o = hdr(m, 0x0100, 1, 0, 0, 0);
	o = label(m, o, 63, 'a');
	o = label(m, o, 63, 'b');
	o = label(m, o, 63, 'c');
	o = label(m, o, 62, 'd');
	m[o++] = 0;
	o = put(m, o, "\0\1\0\1", 4);
	TAP_IS(sx_dns_query_parse(&q, m, o), -EPROTO, "256-byte name: -EPROTO");

	o = hdr(m, 0x0100, 1, 0, 0, 0);
	o = label(m, o, 64, 'a');
	m[o++] = 0;
	o = put(m, o, "\0\1\0\1", 4);
	TAP_IS(sx_dns_query_parse(&q, m, o), -EPROTO, "64-byte label: -EPROTO");

	static const uint8_t odd[] = {3, 'a', '.', 'b', 2, 0, '\\', 1, 0xff, 0, 0, 1, 0, 1};
	o = hdr(m, 0x0100, 1, 0, 0, 0);
	o = put(m, o, odd, sizeof(odd));
	TAP_IS(sx_dns_query_parse(&q, m, o), 0, "odd bytes in labels parse");
	TAP_STR(q.name, "a\\046b.\\000\\092.\\255", "escaped as \\DDD");

	static const uint8_t root[] = {0, 0, 2, 0, 1};
	o = hdr(m, 0x0100, 1, 0, 0, 0);
	o = put(m, o, root, sizeof(root));
	TAP_IS(sx_dns_query_parse(&q, m, o), 0, "root name");
	TAP_STR(q.name, "", "root name as empty text");

	TAP_IS(sx_dns_query_make(&q, 7, "Web.Test.", SX_DNS_CLASS_IN, SX_DNS_TYPE_A), 0,
	       "make query");
	static const uint8_t wq[] = {3, 'W', 'e', 'b', 4, 'T', 'e', 's', 't', 0};
	TAP_IS(q.qwire_len, sizeof(wq), "made wire length");
	TAP_MEM(q.qwire, wq, sizeof(wq), "made wire name keeps case");
	TAP_STR(q.name, "Web.Test", "made text name without the dot");
	TAP_IS(q.flags, 0x0100, "RD set");
	TAP_IS(sx_dns_query_make(&q, 7, "a..b", 1, 1), -EINVAL, "empty label: -EINVAL");
	TAP_IS(sx_dns_query_make(&q, 7, ".", 1, 1), 0, "root");
	TAP_IS(q.qwire_len, 1, "root is one byte");
	char longlab[80];
	memset(longlab, 'x', 64);
	longlab[64] = '\0';
	TAP_IS(sx_dns_query_make(&q, 7, longlab, 1, 1), -ENAMETOOLONG, "64-char label");
	longlab[63] = '\0';
	TAP_IS(sx_dns_query_make(&q, 7, longlab, 1, 1), 0, "63-char label");
	char longname[300];
	for (size_t i = 0; i < 256; i += 2)
		memcpy(longname + i, "a.", 2);
	longname[253] = '\0'; /* 127 one-letter labels: 255 bytes of wire */
	TAP_IS(sx_dns_query_make(&q, 7, longname, 1, 1), 0, "253 chars of text");
	longname[253] = '.';
	longname[254] = 'a';
	longname[255] = '\0';
	TAP_IS(sx_dns_query_make(&q, 7, longname, 1, 1), -ENAMETOOLONG, "255 chars: too long");
}

static void test_ptr(void)
{
	char name[SX_DNS_PTR_MAX];
	uint8_t a[16];
	struct sx_dns_query q;
	uint8_t out[512];

	TAP_IS(sx_dns_ptr_name(name, 4, FAKE4), 23, "v4 PTR name length");
	TAP_STR(name, "1.0.18.198.in-addr.arpa", "v4 PTR name");
	TAP_IS(sx_dns_ptr_addr(name, a), 4, "v4 PTR name parses");
	TAP_MEM(a, FAKE4, 4, "v4 round trip");
	TAP_IS(sx_dns_ptr_name(name, 6, FAKE6), 72, "v6 PTR name length");
	TAP_STR(name, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.f.f.f.f.d.2.b.4.c.0.f.5.a.9.d.f.ip6.arpa",
		"v6 PTR name");
	TAP_IS(sx_dns_ptr_addr(name, a), 6, "v6 PTR name parses");
	TAP_MEM(a, FAKE6, 16, "v6 round trip");
	TAP_IS(sx_dns_ptr_addr("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.F.F.F.F.D.2.B.4.C.0.F.5.A.9.D.F."
			       "IP6.ARPA.",
			       a),
	       6, "upper case and trailing dot");
	TAP_MEM(a, FAKE6, 16, "same address");
	TAP_IS(sx_dns_ptr_addr("255.0.0.10.In-Addr.Arpa.", a), 4, "v4 mixed case");
	TAP_OK(a[0] == 10 && a[3] == 255, "10.0.0.255");
	TAP_IS(sx_dns_ptr_name(name, 5, FAKE4), -EINVAL, "bad af");

	static const char *bad[] = {
	    "01.0.18.198.in-addr.arpa",
	    "256.0.18.198.in-addr.arpa",
	    "0.18.198.in-addr.arpa",
	    "1.1.0.18.198.in-addr.arpa",
	    "x.0.18.198.in-addr.arpa",
	    "1..18.198.in-addr.arpa",
	    ".0.18.198.in-addr.arpa",
	    "1000.0.18.198.in-addr.arpa",
	    "in-addr.arpa",
	    "1.0.18.198.in-addr.arpa.x",
	    "web.test",
	    "",
	    "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.f.f.f.f.d.2.b.4.c.0.f.5.a.9.d.ip6.arpa",
	    "g.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.f.f.f.f.d.2.b.4.c.0.f.5.a.9.d.f.ip6.arpa",
	    "10.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.f.f.f.f.d.2.b.4.c.0.f.5.a.9.dfip6.arpa"};
	int wrong = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sx_dns_ptr_addr(bad[i], a) != -EINVAL) {
			printf("# accepted: %s\n", bad[i]);
			wrong++;
		}
	TAP_IS(wrong, 0, "malformed reverse names rejected");

	sx_dns_ptr_name(name, 4, FAKE4);
	TAP_IS(sx_dns_query_make(&q, 0x4242, name, SX_DNS_CLASS_IN, SX_DNS_TYPE_PTR), 0,
	       "PTR query made");
	int r = sx_dns_reply_ptr(out, sizeof(out), &q, "web.test.", 60);
	uint8_t want[] = {0x42, 0x42, 0x81, 0x80, 0,   1,   0,	 1,   0,    0,	     0,
			  0,	1,    '1',  1,	  '0', 2,   '1', '8', 3,    '1',     '9',
			  '8',	7,    'i',  'n',  '-', 'a', 'd', 'd', 'r',  4,	     'a',
			  'r',	'p',  'a',  0,	  0,   12,  0,	 1,   0xc0, 0x0c,    0,
			  12,	0,    1,    0,	  0,   0,   60,	 0,   10,   QUESTION};
	TAP_IS(r, sizeof(want), "PTR reply length");
	TAP_MEM(out, want, sizeof(want), "PTR reply bytes");
	TAP_IS(sx_dns_reply_addrs(out, sizeof(out), &q, FAKE4, 1, 60), -EINVAL,
	       "addresses for a PTR question: -EINVAL");
}

static void test_tcp(void)
{
	uint8_t p[2], frame[3 + sizeof(DIG_A)];
	const uint8_t *msg = NULL;
	size_t need = 0, len = 0;

	TAP_IS(sx_dns_tcp_prefix(p, sizeof(DIG_A)), 2, "prefix written");
	TAP_OK(p[0] == 0 && p[1] == sizeof(DIG_A), "big-endian length");
	TAP_IS(sx_dns_tcp_prefix(p, 65536), -EMSGSIZE, "65536: -EMSGSIZE");
	TAP_IS(sx_dns_tcp_prefix(p, 0), -EMSGSIZE, "0: -EMSGSIZE");
	TAP_IS(sx_dns_tcp_prefix(p, 65535), 2, "65535 fits");
	TAP_OK(p[0] == 0xff && p[1] == 0xff, "0xffff");

	memcpy(frame, (uint8_t[]){0, sizeof(DIG_A)}, 2);
	memcpy(frame + 2, DIG_A, sizeof(DIG_A));
	frame[sizeof(frame) - 1] = 0x55; /* the next frame's first byte */
	int bad = 0;
	for (size_t k = 0; k < 2 + sizeof(DIG_A); k++)
		if (sx_dns_tcp_unframe(frame, k, &need, &msg, &len) != 0 ||
		    need != (k < 2 ? 2 : 2 + sizeof(DIG_A)))
			bad++;
	TAP_IS(bad, 0, "every partial frame asks for the rest");
	TAP_IS(sx_dns_tcp_unframe(frame, sizeof(frame), &need, &msg, &len), 2 + sizeof(DIG_A),
	       "whole frame consumed, next byte left");
	TAP_OK(msg == frame + 2 && len == sizeof(DIG_A), "message located");
	TAP_IS(sx_dns_tcp_unframe((const uint8_t[]){0, 0, 1}, 3, &need, &msg, &len), -EPROTO,
	       "zero length: -EPROTO");
}

/* Random messages and random mutations of real ones: no crash, a reply always fits. */
static void test_garbage(void)
{
	uint32_t s = 12345;
	uint8_t m[600], out[512];
	struct sx_dns_query q;
	int bad = 0;

	for (int i = 0; i < 200000; i++) {
		size_t n;
		if (i & 1) {
			n = sizeof(DIG_AAAA);
			memcpy(m, DIG_AAAA, n);
			for (int j = 0; j < 3; j++) {
				s = s * 1103515245 + 12345;
				m[(s >> 8) % n] = (uint8_t)(s >> 16);
			}
			m[2] &= 0x07; /* keep it a QUERY mostly */
		} else {
			s = s * 1103515245 + 12345;
			n = (s >> 8) % 64;
			for (size_t j = 0; j < n; j++) {
				s = s * 1103515245 + 12345;
				m[j] = (uint8_t)(s >> 16);
			}
		}
		uint8_t *in = malloc(n ? n : 1);
		memcpy(in, m, n);
		int r = sx_dns_query_parse(&q, in, n);
		free(in);
		if (r == -EBADMSG)
			continue;
		unsigned rc = r == 0		      ? SX_DNS_RCODE_REFUSED
			      : r == -EPROTONOSUPPORT ? SX_DNS_RCODE_BADVERS
			      : r == -EOPNOTSUPP      ? SX_DNS_RCODE_NOTIMP
						      : SX_DNS_RCODE_FORMERR;
		size_t cap =
		    sx_dns_udp_limit(&q) < sizeof(out) ? sx_dns_udp_limit(&q) : sizeof(out);
		int w = sx_dns_reply_rcode(out, cap, &q, rc);
		if (w < 12 || out[0] != m[0] || out[1] != m[1])
			bad++;
		if (r == 0 && (q.qtype == SX_DNS_TYPE_A || q.qtype == SX_DNS_TYPE_AAAA) &&
		    sx_dns_reply_addrs(out, sizeof(out), &q, FAKE6, 1, 1) < 12)
			bad++;
	}
	TAP_IS(bad, 0, "200000 random and mutated messages: every reply well-formed");
}

int main(void)
{
	test_dig_a();
	test_dig_aaaa_edns();
	test_errors();
	test_names();
	test_ptr();
	test_tcp();
	test_garbage();
	return tap_done();
}
