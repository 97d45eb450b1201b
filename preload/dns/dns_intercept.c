/* SPDX-License-Identifier: MIT */
/* Decides the answer to one intercepted DNS query: fake addresses and their PTR names
 * from the shared table, localhost and /etc/hosts names from the file, other local
 * names (bypass-listed, the proxy's own) to the real nameserver, everything else over TCP
 * through the proxy to the configured upstream (RFC 1035 §4.2.2 framing). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../core/dnsmsg.h"
#include "../base/fdtab.h"
#include "../base/guard.h"
#include "../base/io.h"
#include "../base/log.h"
#include "../base/real.h"
#include "../base/sockaddr.h"
#include "dns_intercept.h"
#include "fakedns_shared.h"
#include "fakename.h"
#include "hosts.h"
#include "local_names.h"

#define FAKE_TTL 60 /* the table keeps a name's address, but a cache need not */

static int connect_direct(int s, const struct sx_target *dst, long long deadline)
{
	struct sockaddr_storage ss;
	int len = sx_target_to_sockaddr(dst, dst->kind == SX_TARGET_IPV6 ? AF_INET6 : AF_INET, &ss);
	if (len < 0)
		return len;
	return sx_io_connect(s, (struct sockaddr *)&ss, (socklen_t)len, deadline);
}

static int io_all(int s, uint8_t *buf, size_t n, bool out, long long deadline)
{
	size_t done = 0;
	while (done < n) {
		ssize_t r = out ? sx_real.sendto(s, buf + done, n - done, MSG_NOSIGNAL, NULL, 0)
				: sx_real.recv(s, buf + done, n - done, 0);
		if (r > 0) {
			done += (size_t)r;
			continue;
		}
		if (r == 0)
			return -ECONNRESET;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		int w = sx_io_wait(s, out ? POLLOUT : POLLIN, deadline);
		if (w < 0)
			return w;
	}
	return 0;
}

/* One query over a fresh TCP connection to dst, through the proxy or directly; the
 * whole exchange bounded by the handshake timeout. The reply's length, or -errno. */
static int tcp_exchange(const struct sx_state *st, const struct sx_target *dst, bool via_proxy,
			const uint8_t *q, size_t n, uint8_t *out, size_t cap)
{
	uint8_t pre[2];
	if (sx_dns_tcp_prefix(pre, n) < 0)
		return -EMSGSIZE;
	int s = sx_real.socket(dst->kind == SX_TARGET_IPV6 ? AF_INET6 : AF_INET,
			       SOCK_STREAM | SOCK_CLOEXEC | (via_proxy ? 0 : SOCK_NONBLOCK), 0);
	if (s < 0)
		return -errno;
	sx_fdtab_clear(s);
	long long deadline = sx_io_now_ms() + st->config.handshake_timeout_ms;
	int r = via_proxy ? sx_io_proxy_connect(st, s, -1, SX_CMD_CONNECT, dst, NULL)
			  : connect_direct(s, dst, deadline);
	if (r == 0 && via_proxy &&
	    sx_real.fcntl(s, F_SETFL, sx_real.fcntl(s, F_GETFL) | O_NONBLOCK) < 0)
		r = -errno;
	if (r == 0)
		r = io_all(s, pre, 2, true, deadline);
	if (r == 0)
		r = io_all(s, (uint8_t *)q, n, true, deadline);
	uint8_t lenb[2];
	if (r == 0)
		r = io_all(s, lenb, 2, false, deadline);
	size_t len = (size_t)lenb[0] << 8 | lenb[1];
	if (r == 0 && (len < SX_DNS_HDR_LEN || len > cap))
		r = -EPROTO;
	if (r == 0)
		r = io_all(s, out, len, false, deadline);
	sx_real.close(s);
	if (r < 0)
		return r;
	memcpy(out, q, 2); /* the ID is the query's, whatever the server did */
	return (int)len;
}

static const char *route_name(bool via_proxy)
{
	return via_proxy ? "through the proxy to the upstream" : "to the system nameserver";
}

/* Forwards the query unchanged and returns the reply, cut to limit with TC set. */
static int forward(const struct sx_state *st, const struct sx_dns_query *q, const uint8_t *in,
		   size_t n, const struct sx_target *dst, bool via_proxy, uint8_t *out, size_t cap,
		   size_t limit)
{
	const struct sx_config *c = &st->config;
	struct sx_target up;
	if (via_proxy) {
		if (!c->dns_server_af) {
			sx_log(SX_LOG_WARN,
			       "dns %s type %u: REFUSED, no upstream DNS server to forward it "
			       "to through the proxy (set SOCKSIFY_DNS_SERVER or dns_server)",
			       q->name, q->qtype);
			return sx_dns_reply_rcode(out, limit, q, SX_DNS_RCODE_REFUSED);
		}
		if (c->dns_server_af == 4)
			sx_target_set_v4(&up, c->dns_server_addr, c->dns_server_port);
		else
			sx_target_set_v6(&up, c->dns_server_addr, c->dns_server_port);
		dst = &up;
	}
	/* The exchange waits on the network and holds no lock of ours: a signal handler
	 * that jumps out of it must find the guard down. */
	int r = SX_UNGUARDED(tcp_exchange(st, dst, via_proxy, in, n, out, cap));
	if (r < 0) {
		char d[300];
		sx_target_format(dst, d, sizeof d);
		sx_log(SX_LOG_WARN, "dns %s type %u: forwarding %s %s failed: %s", q->name,
		       q->qtype, route_name(via_proxy), d, strerror(-r));
		return sx_dns_reply_rcode(out, limit, q, SX_DNS_RCODE_SERVFAIL);
	}
	sx_log(SX_LOG_DEBUG, "dns %s type %u: forwarded %s", q->name, q->qtype,
	       route_name(via_proxy));
	if ((size_t)r <= limit)
		return r;
	/* Too big for the program's UDP limit: the same rcode, no records, TC=1 (it
	 * retries over TCP, RFC 1035 §4.2.1). */
	unsigned rcode = out[3] & 0x0f;
	int w = sx_dns_reply_rcode(out, limit, q, rcode);
	if (w >= 3)
		out[2] |= 0x02;
	return w;
}

/* A and AAAA of a name the proxy resolves, PTR of a fake address: from the table. */
static int from_table(const struct sx_state *st, const struct sx_dns_query *q, uint8_t *out,
		      size_t limit, bool *handled)
{
	uint8_t addr[16];
	*handled = true;
	if (q->qtype == SX_DNS_TYPE_PTR) {
		char name[256];
		int af = sx_dns_ptr_addr(q->name, addr);
		int r = af > 0 ? sx_fakedns_shared_name(af, addr, name) : -EINVAL;
		if (r == 0) {
			sx_log(SX_LOG_DEBUG, "dns PTR %s: %s, from the fake DNS table", q->name,
			       name);
			return sx_dns_reply_ptr(out, limit, q, name, FAKE_TTL);
		}
		if (r == -ENOENT) /* in the fake range but never handed out: fail closed */
			return sx_dns_reply_rcode(out, limit, q, SX_DNS_RCODE_NXDOMAIN);
		*handled = false;
		return 0;
	}
	int af = q->qtype == SX_DNS_TYPE_AAAA ? 6 : 4;
	int r = sx_fakename_lookup(st, q->name, af, 0, addr);
	if (r == 0) {
		*handled = false;
		return 0;
	}
	if (r < 0) {
		sx_log(SX_LOG_WARN, "dns %s type %u: SERVFAIL (%s)", q->name, q->qtype,
		       strerror(-r));
		return sx_dns_reply_rcode(out, limit, q, SX_DNS_RCODE_SERVFAIL);
	}
	sx_log(SX_LOG_DEBUG, "dns %s type %u: fake address from the table", q->name, q->qtype);
	return sx_dns_reply_addrs(out, limit, q, addr, 1, FAKE_TTL);
}

/* PTR of a real address: /etc/hosts, else the upstream through the proxy when there is
 * one, else no such name, as getnameinfo and gethostbyaddr answer it (reverse.c). */
static int real_ptr(const struct sx_state *st, const struct sx_dns_query *q, uint8_t *out,
		    size_t limit, bool *handled)
{
	uint8_t addr[16];
	struct sx_hosts_entry e;
	int af = sx_dns_ptr_addr(q->name, addr);
	bool named = af > 0 && sx_hosts_by_addr(af, addr, &e) == 0;
	*handled = named || (af > 0 && !st->config.dns_server_af);
	if (!*handled)
		return 0;
	if (named) {
		sx_log(SX_LOG_DEBUG, "dns PTR %s: %s, from /etc/hosts", q->name, e.names);
		return sx_dns_reply_ptr(out, limit, q, e.names, FAKE_TTL);
	}
	sx_log(SX_LOG_DEBUG, "dns PTR %s: no upstream DNS server, NXDOMAIN", q->name);
	return sx_dns_reply_rcode(out, limit, q, SX_DNS_RCODE_NXDOMAIN);
}

/* localhost and /etc/hosts names: from the file, as getaddrinfo answers them
 * (local_names.c), so that no question about them leaves for the system nameserver,
 * which strict mode would otherwise reach with a direct datagram. A type the file
 * cannot hold has no records (NODATA). */
static int from_hosts(const struct sx_state *st, const struct sx_dns_query *q, uint8_t *out,
		      size_t limit, bool *handled)
{
	struct sx_hosts_entry e;
	int af = q->qtype == SX_DNS_TYPE_A ? 4 : q->qtype == SX_DNS_TYPE_AAAA ? 6 : 0;
	*handled = sx_local_names_answer(st, q->name, af, &e);
	if (!*handled)
		return 0;
	if (!af) {
		sx_log(SX_LOG_DEBUG, "dns %s type %u: a local name, no such records", q->name,
		       q->qtype);
		return sx_dns_reply_rcode(out, limit, q, SX_DNS_RCODE_NOERROR);
	}
	uint8_t addrs[SX_HOSTS_ADDRS * 16];
	size_t n = 0, len = af == 4 ? 4 : 16;
	for (int i = 0; i < e.n; i++)
		if (e.addr[i].af == af)
			memcpy(addrs + len * n++, e.addr[i].a, len);
	sx_log(SX_LOG_DEBUG, "dns %s type %u: %zu address(es) from /etc/hosts", q->name, q->qtype,
	       n);
	return sx_dns_reply_addrs(out, limit, q, addrs, n, FAKE_TTL);
}

static int rcode_for(int parse_err)
{
	switch (parse_err) {
	case -EOPNOTSUPP:
		return SX_DNS_RCODE_NOTIMP;
	case -EPROTONOSUPPORT:
		return SX_DNS_RCODE_BADVERS;
	default:
		return SX_DNS_RCODE_FORMERR;
	}
}

int sx_dns_intercept_answer(const struct sx_state *st, const uint8_t *in, size_t n,
			    const struct sockaddr *ns, socklen_t nslen, bool tcp, uint8_t *out,
			    size_t cap, bool *pass)
{
	*pass = false;
	struct sx_dns_query q;
	memset(&q, 0, sizeof q);
	int r = sx_dns_query_parse(&q, in, n);
	size_t limit = tcp ? SX_DNS_REPLY_MAX : sx_dns_udp_limit(&q);
	if (limit > cap)
		limit = cap;
	if (r == -EBADMSG) {
		sx_log(SX_LOG_DEBUG, "dns: dropping a %zu-byte message that is no query", n);
		return 0;
	}
	if (r < 0) {
		sx_log(SX_LOG_DEBUG, "dns: malformed or unsupported query (%s): rcode %d",
		       strerror(-r), rcode_for(r));
		int w = sx_dns_reply_rcode(out, limit, &q, (unsigned)rcode_for(r));
		if (w < 0) /* BADVERS needs an OPT the parse may not have kept */
			w = sx_dns_reply_rcode(out, limit, &q, SX_DNS_RCODE_FORMERR);
		return w < 0 ? 0 : w;
	}

	struct sx_target nst;
	if (sx_sockaddr_to_target(ns, nslen, &nst) < 0)
		return 0;
	bool in_class = q.qclass == SX_DNS_CLASS_IN;
	bool ours =
	    st->config.dns == SX_DNS_REMOTE && in_class &&
	    (q.qtype == SX_DNS_TYPE_A || q.qtype == SX_DNS_TYPE_AAAA || q.qtype == SX_DNS_TYPE_PTR);
	int w = 0;
	bool handled = false;
	if (ours)
		w = from_table(st, &q, out, limit, &handled);
	if (!handled && in_class && q.qtype == SX_DNS_TYPE_PTR)
		w = real_ptr(st, &q, out, limit, &handled);
	else if (!handled && in_class)
		w = from_hosts(st, &q, out, limit, &handled);
	if (!handled) {
		bool local = q.qtype == SX_DNS_TYPE_PTR ? false : sx_fakename_local(st, q.name, 0);
		if (local && !tcp) {
			sx_log(SX_LOG_DEBUG, "dns %s type %u: local name, to the system nameserver",
			       q.name, q.qtype);
			*pass = true;
			return 0;
		}
		w = forward(st, &q, in, n, &nst, !local, out, cap, limit);
	}
	return w < 0 ? 0 : w;
}
