/* SPDX-License-Identifier: MIT */
/* DNS messages as a stub resolver writes them: parse one query, build the shim's own
 * answers (fake addresses, PTR, error codes) into a caller buffer, TCP length framing,
 * and reverse-lookup names. Pure: no sockets, no malloc, no errno. */
#ifndef SX_CORE_DNSMSG_H
#define SX_CORE_DNSMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SX_DNS_HDR_LEN	 12
#define SX_DNS_NAME_MAX	 255 /* wire form, length bytes and root included (RFC 1035 §2.3.4) */
#define SX_DNS_LABEL_MAX 63
#define SX_DNS_TEXT_MAX	 1024 /* a wire name as text, every byte escaped as \DDD at worst */
#define SX_DNS_UDP_MIN	 512  /* RFC 1035 §4.2.1; also the floor of an EDNS0 size */
#define SX_DNS_EDNS_UDP	 1232 /* the payload size we advertise in our own OPT record */
#define SX_DNS_PTR_MAX	 74   /* 32 nibbles of ip6.arpa + NUL */

enum {
	SX_DNS_TYPE_A = 1,
	SX_DNS_TYPE_NS = 2,
	SX_DNS_TYPE_CNAME = 5,
	SX_DNS_TYPE_SOA = 6,
	SX_DNS_TYPE_PTR = 12,
	SX_DNS_TYPE_MX = 15,
	SX_DNS_TYPE_TXT = 16,
	SX_DNS_TYPE_AAAA = 28,
	SX_DNS_TYPE_SRV = 33,
	SX_DNS_TYPE_OPT = 41,
	SX_DNS_TYPE_ANY = 255,
	SX_DNS_CLASS_IN = 1,
};

enum {
	SX_DNS_RCODE_NOERROR = 0, /* with no answer records: NODATA */
	SX_DNS_RCODE_FORMERR = 1,
	SX_DNS_RCODE_SERVFAIL = 2,
	SX_DNS_RCODE_NXDOMAIN = 3,
	SX_DNS_RCODE_NOTIMP = 4,
	SX_DNS_RCODE_REFUSED = 5,
	SX_DNS_RCODE_BADVERS = 16, /* RFC 6891 §6.1.3: needs the OPT record's extended bits */
};

struct sx_dns_query {
	uint16_t id;
	uint16_t flags;	   /* the header's second word as received: opcode, RD, CD, ... */
	bool has_question; /* qwire/qtype/qclass/name hold the question (also on -EPROTO) */
	uint16_t qtype;
	uint16_t qclass;
	uint8_t qwire[SX_DNS_NAME_MAX]; /* QNAME exactly as sent, so replies echo its case */
	size_t qwire_len;
	char name[SX_DNS_TEXT_MAX]; /* dotted, no trailing dot ("" is the root); '.', '\\' and
				       bytes outside '!'..'~' in a label written as \DDD */
	bool edns;		    /* an OPT record was in the additional section */
	uint16_t edns_udp;	    /* its requestor's UDP payload size, as sent */
	uint8_t edns_version;
	bool edns_do; /* DNSSEC OK, echoed in our OPT */
};

/* Parses the DNS message in[0..n) as a query (RFC 1035 §4.1, one question, EDNS0 per
 * RFC 6891). Every read is bounded by n. Returns
 *   0                 a standard query with one question: q is filled;
 *   -EBADMSG          fewer than 12 bytes, or a response (QR=1): answer nothing;
 *   -EPROTO           malformed (id and flags are filled, has_question says whether the
 *                     question was read): answer SX_DNS_RCODE_FORMERR;
 *   -EOPNOTSUPP       an opcode other than QUERY: answer SX_DNS_RCODE_NOTIMP;
 *   -EPROTONOSUPPORT  EDNS version above 0 (q filled): answer SX_DNS_RCODE_BADVERS.
 * QNAME must be plain labels (a compression pointer there can only point into itself),
 * at most 255 bytes, labels at most 63. Records in the answer and authority sections are
 * skipped; bytes after the last record are ignored. */
int sx_dns_query_parse(struct sx_dns_query *q, const uint8_t *in, size_t n);

/* A query for name (dotted text, one trailing dot allowed, no escapes) as a stub would
 * send it, with RD set and no EDNS, for callers that answer a question they were handed
 * as arguments (res_query). 0, -EINVAL (empty label) or -ENAMETOOLONG. */
int sx_dns_query_make(struct sx_dns_query *q, uint16_t id, const char *name, uint16_t qclass,
		      uint16_t qtype);

/* The largest reply q's sender accepts over UDP: 512, or its EDNS0 size if larger. */
size_t sx_dns_udp_limit(const struct sx_dns_query *q);

/* The replies. cap is both the size of out and the largest reply allowed: the UDP limit
 * above, 65535 on TCP, or less when the caller's buffer is smaller. Every reply has QR=1,
 * RA=1, q's ID, opcode, RD and CD, the question when q has one, and an OPT record when
 * the query had one. When the records do not fit in cap, the reply has none and TC=1.
 * Return the reply's length, or -ENOBUFS when not even that fits, or -EINVAL. */

/* n addresses of q's type (4 bytes each for A, 16 for AAAA; -EINVAL for other types),
 * each with the given TTL, owner name compressed to the question. */
int sx_dns_reply_addrs(uint8_t *out, size_t cap, const struct sx_dns_query *q, const uint8_t *addrs,
		       size_t n, uint32_t ttl);

/* One PTR record naming name (dotted text, as for sx_dns_query_make). */
int sx_dns_reply_ptr(uint8_t *out, size_t cap, const struct sx_dns_query *q, const char *name,
		     uint32_t ttl);

/* No records and the given rcode (0..4095; above 15 needs an OPT record in q, else
 * -EINVAL): NODATA, NXDOMAIN, REFUSED, FORMERR, NOTIMP, SERVFAIL, BADVERS. */
int sx_dns_reply_rcode(uint8_t *out, size_t cap, const struct sx_dns_query *q, unsigned rcode);

/* TCP framing (RFC 1035 §4.2.2): a 2-byte big-endian length before each message.
 * sx_dns_tcp_prefix writes the prefix for a len-byte message: 2, or -EMSGSIZE (> 65535
 * or 0). sx_dns_tcp_unframe looks at received bytes: the whole frame's size (2 + length)
 * with *msg and *len set when it is all there, 0 with *need set to that size when more
 * is needed, -EPROTO for a zero length. */
int sx_dns_tcp_prefix(uint8_t out[2], size_t len);
int sx_dns_tcp_unframe(const uint8_t *in, size_t n, size_t *need, const uint8_t **msg, size_t *len);

/* Reverse names (RFC 1035 §3.5, RFC 3596 §2.5): af 4 or 6, address in network order.
 * sx_dns_ptr_name writes "4.3.2.1.in-addr.arpa" or the 32-nibble ip6.arpa name and
 * returns its length (or -EINVAL for a bad af). sx_dns_ptr_addr reads one back
 * (case-insensitive, one trailing dot allowed, a full address only, decimal without
 * leading zeros): 4 or 6 with addr filled, or -EINVAL for any other name. */
int sx_dns_ptr_name(char out[SX_DNS_PTR_MAX], int af, const uint8_t *addr);
int sx_dns_ptr_addr(const char *name, uint8_t addr[16]);

#endif
