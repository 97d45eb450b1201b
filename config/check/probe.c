/* SPDX-License-Identifier: MIT */
/* socksify --check: probes the configured proxy step by step (reachability, methods,
 * credentials, CONNECT, remote names, UDP ASSOCIATE, BIND, pipelining) and reports. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../config/proxy_url.h"
#include "../../core/errmap.h"
#include "../../core/handshake.h"
#include "../../core/socks5.h"
#include "../../core/socks5_udp.h"
#include "check.h"
#include "probe.h"
#include "probe_http.h"
#include "probe_io.h"
#include "probe_report.h"
#include "probe_route.h"
#include "probe_s5.h"

#define STEP_MAX_MS 3000 /* no single exchange of the check waits longer */

struct probe {
	struct sx_config c;
	struct sx_probe_proxy x;
	struct sx_probe_report rep;
	bool has_target, has_echo;
	struct sx_target target, echo;
	char target_text[SX_NAME_MAX + 16];
	bool session_ok;   /* greeting (and credentials) as configured work */
	int connect_rep;   /* what the unpipelined CONNECT got: a REP (CD) or -errno */
	double connect_ms; /* and how long it waited for that */
};

static const char *why(int e)
{
	if (e == -ECONNRESET)
		return "closed without a reply";
	if (e == -ETIMEDOUT)
		return "no reply in time";
	if (e == -EPROTO)
		return "not a SOCKS reply";
	return strerror(-e);
}

/* "REP 5 (connection refused)" */
static void rep_text(int rep, char *out, size_t cap)
{
	static const char *const names[] = {
	    "succeeded",	   "general failure",	    "not allowed by ruleset",
	    "network unreachable", "host unreachable",	    "connection refused",
	    "TTL expired",	   "command not supported", "address type not supported"};
	if (rep < 0)
		snprintf(out, cap, "%s", why(rep));
	else if (rep < (int)(sizeof names / sizeof names[0]))
		snprintf(out, cap, "REP %d: %s", rep, names[rep]);
	else
		snprintf(out, cap, "REP %d", rep);
}

static bool is_socks5(const struct probe *p)
{
	return p->c.proxy.proto == SX_PROTO_SOCKS5 || p->c.proxy.proto == SX_PROTO_SOCKS5H;
}

static bool is_http(const struct probe *p)
{
	return p->c.proxy.proto == SX_PROTO_HTTP;
}

/* The proxy's own loopback, port 1 (tcpmux, nearly never served): a CONNECT there needs
 * no outside network, and any reply proves the request was read. */
static void harmless_target(struct sx_target *t)
{
	static const uint8_t lo[4] = {127, 0, 0, 1};
	sx_target_set_v4(t, lo, 1);
}

/* HOST:PORT when given, else the harmless target. */
static struct sx_target destination(const struct probe *p)
{
	struct sx_target t;
	if (p->has_target)
		t = p->target;
	else
		harmless_target(&t);
	return t;
}

static bool step_reach(struct probe *p)
{
	char host[SX_NAME_MAX + 1], port[8];
	snprintf(host, sizeof host, "%s", p->c.proxy.host);
	snprintf(port, sizeof port, "%u", p->c.proxy.port);
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	int g = getaddrinfo(host, port, &hints, &res);
	if (g) {
		sx_report_row(&p->rep, "reachable", SX_ROW_FAIL, "%s: %s", host, gai_strerror(g));
		return false;
	}
	int e = -EHOSTUNREACH;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		double t0 = sx_probe_now_ms();
		int fd =
		    sx_probe_connect(ai->ai_addr, ai->ai_addrlen, (int)p->c.connect_timeout_ms);
		if (fd < 0) {
			e = fd;
			continue;
		}
		double ms = sx_probe_now_ms() - t0;
		close(fd);
		memcpy(&p->x.addr, ai->ai_addr, ai->ai_addrlen);
		p->x.addr_len = ai->ai_addrlen;
		struct sx_target t;
		char text[80];
		sx_probe_sockaddr_target(&p->x.addr, &t);
		sx_probe_target_text(&t, text, sizeof text);
		sx_report_row(&p->rep, "reachable", SX_ROW_OK, "%s, TCP connect %.1f ms", text, ms);
		freeaddrinfo(res);
		return true;
	}
	freeaddrinfo(res);
	sx_report_row(&p->rep, "reachable", SX_ROW_FAIL, "%s:%s: %s", host, port, strerror(-e));
	return false;
}

static const char *method_word(int fd, uint8_t chosen, uint8_t m)
{
	if (fd == -ECONNRESET)
		return "no (closed without a reply)";
	if (fd < 0)
		return why(fd);
	return chosen == m ? "yes" : chosen == SX_S5_METHOD_REJECT ? "no" : "answered another";
}

static void step_credentials(struct probe *p, int f2, bool user_ok, bool none_ok)
{
	const char *user = p->c.proxy.user;
	if (!p->c.proxy.has_user) {
		sx_report_row(&p->rep, "credentials", SX_ROW_SKIP, "none configured");
		return;
	}
	if (!user_ok) {
		sx_report_row(&p->rep, "credentials", none_ok ? SX_ROW_SKIP : SX_ROW_FAIL,
			      "not asked: the proxy does not take username/password");
		return;
	}
	int st = sx_probe_s5_auth(&p->x, f2);
	/* Offered both, a proxy may choose no authentication: the connection then works. */
	enum sx_row_status bad = p->session_ok ? SX_ROW_NO : SX_ROW_FAIL;
	const char *but = p->session_ok ? "; not needed: the proxy chooses no authentication" : "";
	if (st == 0)
		sx_report_row(&p->rep, "credentials", SX_ROW_OK, "user %s accepted", user);
	else if (st > 0)
		sx_report_row(&p->rep, "credentials", bad, "user %s rejected (status %d)%s", user,
			      st, but);
	else
		sx_report_row(&p->rep, "credentials", bad, "user %s: %s%s", user, why(st), but);
}

static void step_methods(struct probe *p)
{
	static const uint8_t none = SX_S5_METHOD_NONE, userpass = SX_S5_METHOD_USERPASS;
	uint8_t c0 = 0, c2 = 0;
	int f0 = sx_probe_s5_greet(&p->x, &none, 1, &c0);
	int f2 = sx_probe_s5_greet(&p->x, &userpass, 1, &c2);
	bool none_ok = f0 >= 0 && c0 == SX_S5_METHOD_NONE;
	bool user_ok = f2 >= 0 && c2 == SX_S5_METHOD_USERPASS;
	bool want_user = p->c.proxy.has_user;
	int s = sx_probe_s5_session(&p->x);
	p->session_ok = s >= 0;
	if (s >= 0)
		close(s);
	bool methods_ok = none_ok || (want_user && user_ok);
	sx_report_row(
	    &p->rep, "methods", methods_ok ? SX_ROW_OK : SX_ROW_FAIL,
	    "no authentication: %s; username/password: %s%s",
	    method_word(f0, c0, SX_S5_METHOD_NONE), method_word(f2, c2, SX_S5_METHOD_USERPASS),
	    methods_ok || !user_ok ? ""
				   : " (configure a user and password: -u, or user@ in the URL)");
	if (f0 >= 0)
		close(f0);
	step_credentials(p, f2, user_ok, none_ok);
	if (f2 >= 0)
		close(f2);
}

/* One request on a fresh session: the answer in *a. */
static void s5_request(struct probe *p, uint8_t cmd, const struct sx_target *t,
		       struct sx_probe_answer *a)
{
	memset(a, 0, sizeof *a);
	int fd = sx_probe_s5_session(&p->x);
	if (fd < 0) {
		a->rep = fd;
		return;
	}
	sx_probe_s5_request(&p->x, fd, cmd, t, a);
	close(fd);
}

static void request(struct probe *p, uint8_t cmd, const struct sx_target *t,
		    struct sx_probe_answer *a)
{
	if (is_http(p))
		sx_probe_http_request(&p->x, t, true, a);
	else if (is_socks5(p))
		s5_request(p, cmd, t, a);
	else
		sx_probe_s4_request(&p->x, cmd, t, a);
}

/* SOCKS4's CD as SOCKS5's REP: 90 granted is 0, any refusal 1 (general failure); an
 * HTTP 2xx is 0, any other status 1. */
static int as_rep(const struct probe *p, int rep)
{
	if (is_http(p) && rep >= 0)
		return rep >= 200 && rep < 300 ? 0 : 1;
	return is_socks5(p) || rep < 0 ? rep : rep == 90 ? 0 : 1;
}

/* "REP 5 (connection refused)", or "CD 91" for SOCKS4. */
static void answer_text(const struct probe *p, int rep, char *out, size_t cap)
{
	if (is_http(p) && rep >= 0)
		snprintf(out, cap, "HTTP %d", rep);
	else if (!is_socks5(p) && rep >= 0)
		snprintf(out, cap, "CD %d (%s)", rep, rep == 90 ? "granted" : "rejected or failed");
	else
		rep_text(rep, out, cap);
}

static void step_connect(struct probe *p)
{
	struct sx_probe_answer a;
	char r[64];
	struct sx_target t = destination(p);
	request(p, SX_S5_CMD_CONNECT, &t, &a);
	p->connect_rep = a.rep;
	p->connect_ms = a.ms;
	answer_text(p, a.rep, r, sizeof r);
	if (p->has_target && as_rep(p, a.rep) == 0)
		sx_report_row(&p->rep, "connect", SX_ROW_OK, "%s in %.1f ms", p->target_text, a.ms);
	else if (p->has_target)
		sx_report_row(&p->rep, "connect", SX_ROW_FAIL, "%s: %s", p->target_text, r);
	else if (a.rep >= 0)
		sx_report_row(&p->rep, "connect", SX_ROW_OK,
			      "the request was read and answered (%s for its own 127.0.0.1:1); "
			      "give HOST:PORT to try a destination",
			      r);
	else
		sx_report_row(&p->rep, "connect", SX_ROW_UNKNOWN,
			      "127.0.0.1:1: %s; give HOST:PORT to try a destination", r);
}

static void step_names(struct probe *p)
{
	bool needed = p->c.dns == SX_DNS_REMOTE;
	if (p->c.proxy.proto == SX_PROTO_SOCKS4) {
		sx_report_row(&p->rep, "remote names", SX_ROW_SKIP, "SOCKS4 carries no names");
		return;
	}
	/* Its statuses do not tell a name it could not resolve from a refused connection. */
	if (is_http(p)) {
		sx_report_row(&p->rep, "remote names", SX_ROW_OK,
			      "HTTP CONNECT always sends names; the proxy resolves them");
		return;
	}
	struct sx_target t;
	if (p->has_target && p->target.kind == SX_TARGET_NAME)
		t = p->target;
	else
		sx_target_set_name(&t, "localhost", 1);
	char tt[SX_NAME_MAX + 16], r[64];
	sx_probe_target_text(&t, tt, sizeof tt);
	struct sx_probe_answer a;
	request(p, SX_S5_CMD_CONNECT, &t, &a);
	int rep = as_rep(p, a.rep);
	answer_text(p, a.rep, r, sizeof r);
	/* Success or a refused connection both mean the name was resolved (SOCKS4a's one
	 * refusal, CD 91, says nothing about why). */
	if (rep == 0 || (rep == 5 && is_socks5(p)))
		sx_report_row(&p->rep, "remote names", SX_ROW_OK, "%s resolved by the proxy (%s)",
			      tt, r);
	else if (rep == 8)
		sx_report_row(&p->rep, "remote names", needed ? SX_ROW_FAIL : SX_ROW_NO, "%s: %s%s",
			      tt, r, needed ? "; use dns local or socks5://" : "");
	else
		sx_report_row(&p->rep, "remote names", SX_ROW_UNKNOWN, "%s: %s", tt, r);
}

/* One datagram to the echo target through the relay, and its answer. */
static void udp_round_trip(struct probe *p, int ufd, const struct sx_target *relay_t, char *out,
			   size_t cap, bool *ok)
{
	struct sockaddr_storage relay;
	socklen_t rl;
	uint8_t d[SX_UDP_HDR_MAX + 64], in[SX_UDP_HDR_MAX + 64];
	static const char payload[] = "socksify-check";
	int h = sx_udp_header_encode(d, sizeof d, &p->echo);
	*ok = false;
	if (h < 0 || sx_probe_target_sockaddr(relay_t, &relay, &rl) < 0) {
		snprintf(out, cap, "; cannot address the relay");
		return;
	}
	memcpy(d + h, payload, sizeof payload - 1);
	double t0 = sx_probe_now_ms();
	if (sendto(ufd, d, (size_t)h + sizeof payload - 1, 0, (struct sockaddr *)&relay, rl) < 0) {
		snprintf(out, cap, "; send: %s", strerror(errno));
		return;
	}
	char et[SX_NAME_MAX + 16];
	sx_probe_target_text(&p->echo, et, sizeof et);
	int n = sx_probe_recv(ufd, in, sizeof in, t0 + p->x.step_ms);
	struct sx_target from;
	int hl = n > 0 ? sx_udp_header_decode(in, (size_t)n, &from) : -EPROTO;
	if (n < 0)
		snprintf(out, cap, "; %s: %s", et, n == -ETIMEDOUT ? "no answer in time" : why(n));
	else if (hl < 0 || (size_t)(n - hl) != sizeof payload - 1 ||
		 memcmp(in + hl, payload, sizeof payload - 1))
		snprintf(out, cap, "; %s: a datagram that is not the echo", et);
	else {
		snprintf(out, cap, "; %s echoed in %.1f ms", et, sx_probe_now_ms() - t0);
		*ok = true;
	}
}

static void step_udp(struct probe *p)
{
	if (!is_socks5(p)) {
		sx_report_row(&p->rep, "udp associate", p->has_echo ? SX_ROW_FAIL : SX_ROW_SKIP,
			      is_http(p) ? "an HTTP proxy carries TCP only" : "SOCKS4 has no UDP");
		return;
	}
	if (p->c.n_via) {
		sx_report_row(&p->rep, "udp associate", p->has_echo ? SX_ROW_FAIL : SX_ROW_SKIP,
			      "not through a chain: UDP takes the udp policy");
		return;
	}
	struct sx_probe_answer a = {0};
	char r[64], rt[80], echo[SX_NAME_MAX + 100] = "";
	int fd = sx_probe_s5_session(&p->x);
	int ufd = -1;
	struct sx_target announce;
	if (fd >= 0) {
		/* Announce the address the datagrams will come from, as the library does: strict
		 * relays (dante) take datagrams from that address only. */
		struct sockaddr_storage local;
		socklen_t ll = sizeof local;
		getsockname(fd, (struct sockaddr *)&local, &ll);
		ufd = socket(local.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		((struct sockaddr_in *)&local)->sin_port = 0; /* same offset for IPv6 */
		if (ufd >= 0 && bind(ufd, (struct sockaddr *)&local, ll) == 0 &&
		    getsockname(ufd, (struct sockaddr *)&local, &ll) == 0)
			sx_probe_sockaddr_target(&local, &announce);
		else
			memset(&announce, 0, sizeof announce), announce.kind = SX_TARGET_IPV4;
		sx_probe_s5_request(&p->x, fd, SX_S5_CMD_UDP_ASSOCIATE, &announce, &a);
	} else {
		a.rep = fd;
	}
	if (a.rep != 0) {
		rep_text(a.rep, r, sizeof r);
		sx_report_row(&p->rep, "udp associate", p->has_echo ? SX_ROW_FAIL : SX_ROW_NO, "%s",
			      r);
	} else {
		/* An unspecified relay address means the proxy's own (RFC 1928 quirk). */
		struct sx_target proxy_t, relay = a.bound;
		sx_probe_sockaddr_target(&p->x.addr, &proxy_t);
		static const uint8_t zero[16];
		if ((relay.kind == SX_TARGET_IPV4 && !memcmp(relay.addr.v4, zero, 4)) ||
		    (relay.kind == SX_TARGET_IPV6 && !memcmp(relay.addr.v6, zero, 16))) {
			uint16_t port = relay.port;
			relay = proxy_t;
			relay.port = port;
		}
		sx_probe_target_text(&relay, rt, sizeof rt);
		bool ok = true;
		if (p->has_echo && ufd >= 0)
			udp_round_trip(p, ufd, &relay, echo, sizeof echo, &ok);
		sx_report_row(&p->rep, "udp associate", ok ? SX_ROW_OK : SX_ROW_FAIL,
			      "relay %s%s%s", rt, echo,
			      p->has_echo ? "" : "; give --udp-echo HOST:PORT for a round trip");
	}
	if (ufd >= 0)
		close(ufd);
	if (fd >= 0)
		close(fd);
}

static void step_bind(struct probe *p)
{
	if (is_http(p)) {
		sx_report_row(&p->rep, "bind", SX_ROW_SKIP, "HTTP CONNECT has no BIND");
		return;
	}
	struct sx_target t = destination(p);
	struct sx_probe_answer a;
	char r[64], bt[80];
	request(p, 2, &t, &a);
	int rep = as_rep(p, a.rep);
	if (rep == 0) {
		sx_probe_target_text(&a.bound, bt, sizeof bt);
		sx_report_row(&p->rep, "bind", SX_ROW_OK, "the proxy listens at %s for a peer",
			      is_socks5(p) ? bt : "its address");
	} else {
		answer_text(p, a.rep, r, sizeof r);
		sx_report_row(&p->rep, "bind", SX_ROW_NO, "refused: %s", r);
	}
}

static void step_pipeline(struct probe *p)
{
	if (!is_socks5(p)) {
		sx_report_row(&p->rep, "pipelining", SX_ROW_SKIP, "SOCKS5 only");
		return;
	}
	struct sx_target t = destination(p);
	struct sx_probe_answer a = {0};
	bool first;
	char r[64];
	sx_probe_s5_pipelined(&p->x, &t, &a, &first);
	rep_text(a.rep, r, sizeof r);
	/* The same answer as unpipelined proves the pipelined request was read as sent. */
	enum sx_pcache_verdict v = SX_PCACHE_UNKNOWN;
	/* Unpipelined as long as the whole probe: its wait was the target's connect. */
	bool slow = a.rep == -ETIMEDOUT && p->connect_ms >= a.ms;
	if (a.rep >= 0 && a.rep == p->connect_rep)
		v = SX_PCACHE_ACCEPTS;
	else if (a.rep < 0 && p->connect_rep >= 0 && !slow)
		v = SX_PCACHE_REFUSES;
	const char *kept = v == SX_PCACHE_UNKNOWN ? ""
			   : sx_check_remember_pipeline(&p->c, v)
			       ? "; remembered for pipeline auto"
			       : "; not remembered (cache not writable)";
	if (v == SX_PCACHE_ACCEPTS)
		sx_report_row(&p->rep, "pipelining", SX_ROW_OK,
			      "accepted: one round trip (%s in %.1f ms)%s", r, a.ms, kept);
	else if (v == SX_PCACHE_REFUSES && first)
		sx_report_row(&p->rep, "pipelining", SX_ROW_NO,
			      "refused: the greeting was answered, then %s (%.0f ms)%s", r, a.ms,
			      kept);
	else if (v == SX_PCACHE_REFUSES)
		sx_report_row(&p->rep, "pipelining", SX_ROW_NO, "refused: %s%s", r, kept);
	else if (a.rep >= 0)
		sx_report_row(&p->rep, "pipelining", SX_ROW_UNKNOWN,
			      "answered %s pipelined but otherwise unpipelined", r);
	else if (slow && p->connect_rep >= 0)
		sx_report_row(&p->rep, "pipelining", SX_ROW_UNKNOWN,
			      "%s (%.0f ms), but the target is as slow to connect (%.0f ms); "
			      "not remembered",
			      r, a.ms, p->connect_ms);
	else
		sx_report_row(&p->rep, "pipelining", SX_ROW_UNKNOWN,
			      "%s; the proxy answers no CONNECT to tell (give HOST:PORT)", r);
}

/* HTTP: Basic authentication when a user is configured; a CONNECT without it and one
 * with it tell whether the proxy wants it and takes ours. */
static void step_http_auth(struct probe *p)
{
	struct sx_target t;
	harmless_target(&t);
	struct sx_probe_answer bare, with;
	sx_probe_http_request(&p->x, &t, false, &bare);
	bool wants = bare.rep == 407 || bare.rep == 401;
	char r[64];
	answer_text(p, bare.rep, r, sizeof r);
	sx_report_row(&p->rep, "methods", bare.rep >= 0 ? SX_ROW_OK : SX_ROW_FAIL,
		      "HTTP CONNECT; %s (%s without credentials)",
		      bare.rep < 0 ? "no HTTP reply"
		      : wants	   ? "the proxy asks for Basic authentication"
				   : "no authentication asked for",
		      r);
	p->session_ok = bare.rep >= 0 && (!wants || p->c.proxy.has_user);
	if (!p->c.proxy.has_user) {
		sx_report_row(&p->rep, "credentials", wants ? SX_ROW_FAIL : SX_ROW_SKIP,
			      wants ? "none configured (-u, or user@ in the URL)"
				    : "none configured");
		return;
	}
	sx_probe_http_request(&p->x, &t, true, &with);
	answer_text(p, with.rep, r, sizeof r);
	bool refused = with.rep == 407 || with.rep == 401 || with.rep == 403;
	p->session_ok = with.rep >= 0 && !refused;
	sx_report_row(&p->rep, "credentials", p->session_ok ? SX_ROW_OK : SX_ROW_FAIL,
		      "user %s %s (%s)", p->c.proxy.user, p->session_ok ? "accepted" : "rejected",
		      r);
}

/* A chain: one CONNECT through every hop, as the library makes it; a failure names the hop. */
static void step_chain(struct probe *p)
{
	if (!p->c.n_via)
		return;
	struct sx_target t = destination(p);
	struct sx_probe_chain_answer a;
	sx_probe_chain(&p->c, &p->x, &t, &a);
	unsigned n = (unsigned)p->c.n_via + 1;
	const struct sx_proxy *at = a.hop ? &p->c.via[a.hop - 1] : &p->c.proxy;
	char url[300], r[80];
	sx_proxy_url_format(at, url, sizeof url);
	if (a.r == 0) {
		sx_report_row(&p->rep, "chain", SX_ROW_OK, "%u hops, %s reached in %.1f ms", n,
			      p->has_target ? p->target_text : "127.0.0.1:1 of the last hop", a.ms);
		return;
	}
	if (a.refusal == SX_HS_REFUSED_HTTP)
		snprintf(r, sizeof r, "HTTP %u", a.code);
	else if (a.refusal == SX_HS_REFUSED_SOCKS5 || a.refusal == SX_HS_REFUSED_SOCKS4)
		snprintf(r, sizeof r, "%s %u", a.refusal == SX_HS_REFUSED_SOCKS5 ? "REP" : "CD",
			 a.code);
	else
		snprintf(r, sizeof r, "%s", why(a.r));
	/* Without a destination the last hop's answer about 127.0.0.1:1 proves it was reached. */
	bool last = a.hop + 1 == n;
	bool answered = a.refusal == SX_HS_REFUSED_HTTP || a.refusal == SX_HS_REFUSED_SOCKS5 ||
			a.refusal == SX_HS_REFUSED_SOCKS4;
	if (!p->has_target && last && answered)
		sx_report_row(
		    &p->rep, "chain", SX_ROW_OK,
		    "%u hops; the last (%s) read and answered (%s for its own 127.0.0.1:1)", n, url,
		    r);
	else
		sx_report_row(&p->rep, "chain", SX_ROW_FAIL, "hop %u of %u (%s): %s", a.hop + 1, n,
			      url, r);
}

static int usage(void)
{
	fprintf(stderr, "usage: socksify --check [options] [--json] [--udp-echo ADDR] "
			"[HOST:PORT]\n");
	return 2;
}

int sx_check_probe(int argc, char **argv)
{
	static struct probe p;
	bool json = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--udp-echo") && i + 1 < argc) {
			if (sx_probe_parse_hostport(argv[++i], &p.echo) < 0) {
				fprintf(stderr,
					"socksify: --udp-echo: expected HOST:PORT, got '%s'\n",
					argv[i]);
				return 2;
			}
			p.has_echo = true;
		} else if (argv[i][0] != '-' && !p.has_target) {
			if (sx_probe_parse_hostport(argv[i], &p.target) < 0) {
				fprintf(stderr, "socksify: --check: expected HOST:PORT, got '%s'\n",
					argv[i]);
				return 2;
			}
			p.has_target = true;
		} else {
			return usage();
		}
	}
	int r = sx_check_load(&p.c);
	if (r)
		return r;
	if (p.has_target)
		sx_probe_target_text(&p.target, p.target_text, sizeof p.target_text);
	/* The route rows describe the configuration as written. */
	static struct sx_config written;
	written = p.c;
	int member = sx_probe_default_member(&p.c, (int)p.c.connect_timeout_ms);
	p.x.p = &p.c.proxy;
	p.x.connect_ms = (int)p.c.connect_timeout_ms;
	p.x.step_ms =
	    p.c.handshake_timeout_ms < STEP_MAX_MS ? (int)p.c.handshake_timeout_ms : STEP_MAX_MS;
	sx_report_init(&p.rep, &p.c.proxy);
	if (member)
		sx_report_row(&p.rep, "member", SX_ROW_OK,
			      "member %d of the default group answers first: probed in the "
			      "server's stead",
			      member + 1);
	if (step_reach(&p)) {
		if (is_socks5(&p))
			step_methods(&p);
		else if (is_http(&p))
			step_http_auth(&p);
		else
			sx_report_row(&p.rep, "methods", SX_ROW_SKIP, "SOCKS4: none (a user id%s)",
				      p.c.proxy.has_user ? " is sent" : " may be sent");
		static void (*const steps[])(struct probe *) = {step_connect, step_names, step_udp,
								step_bind, step_pipeline};
		static const char *const names[] = {"connect", "remote names", "udp associate",
						    "bind", "pipelining"};
		for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
			if ((is_socks5(&p) || is_http(&p)) && !p.session_ok)
				sx_report_row(&p.rep, names[i], SX_ROW_SKIP,
					      "not tried: no method and credentials that work");
			else
				steps[i](&p);
		}
		step_chain(&p);
	}
	static char route_json[4096];
	if (p.has_target) {
		sx_probe_route(&written, &p.target, &p.rep, p.x.connect_ms, route_json,
			       sizeof route_json);
		p.rep.route_json = route_json;
	}
	return sx_report_print(&p.rep, json);
}
