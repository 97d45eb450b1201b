/* SPDX-License-Identifier: MIT */
/* The SOCKS5 (and SOCKS4) exchanges of socksify --check, built with core's encoders and
 * read with its parsers: exactly the bytes each message has, each wait bounded. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../../core/socks4.h"
#include "../../core/socks5.h"
#include "probe_io.h"
#include "probe_s5.h"

/* After the proxy's first reply, how long its later ones may take in the pipelining test:
 * its own connect to the destination, a few of its round trips. */
#define PIPELINE_SLACK_MS 250
#define PIPELINE_RTTS	  3

static int open_proxy(const struct sx_probe_proxy *x)
{
	return sx_probe_connect((const struct sockaddr *)&x->addr, x->addr_len, x->connect_ms);
}

int sx_probe_s5_greet(const struct sx_probe_proxy *x, const uint8_t *m, size_t n_m, uint8_t *chosen)
{
	uint8_t g[4], r[2];
	int fd = open_proxy(x);
	if (fd < 0)
		return fd;
	int n = sx_s5_greeting_encode(g, sizeof g, m, n_m);
	double dl = sx_probe_now_ms() + x->step_ms;
	int e = n < 0 ? n : sx_probe_send(fd, g, (size_t)n, dl);
	if (!e)
		e = sx_probe_read(fd, r, 2, dl);
	size_t need;
	if (!e && sx_s5_method_parse(r, 2, &need, chosen) <= 0)
		e = -EPROTO;
	if (e) {
		close(fd);
		return e;
	}
	return fd;
}

int sx_probe_s5_auth(const struct sx_probe_proxy *x, int fd)
{
	uint8_t a[SX_S5_AUTH_MAX], r[2], status = 0xff;
	int n = sx_s5_auth_encode(a, sizeof a, x->p->user, x->p->pass);
	if (n < 0)
		return n;
	double dl = sx_probe_now_ms() + x->step_ms;
	int e = sx_probe_send(fd, a, (size_t)n, dl);
	explicit_bzero(a, sizeof a);
	if (!e)
		e = sx_probe_read(fd, r, 2, dl);
	size_t need;
	if (!e && sx_s5_auth_parse(r, 2, &need, &status) <= 0)
		e = -EPROTO;
	return e ? e : status;
}

int sx_probe_s5_session(const struct sx_probe_proxy *x)
{
	/* What the library offers unpipelined: no authentication, and username/password
	 * when a user is configured; the proxy chooses. */
	static const uint8_t offer[] = {SX_S5_METHOD_NONE, SX_S5_METHOD_USERPASS};
	uint8_t chosen;
	int fd = sx_probe_s5_greet(x, offer, x->p->has_user ? 2 : 1, &chosen);
	if (fd < 0)
		return fd;
	int e = chosen == SX_S5_METHOD_NONE ? 0 : -EACCES;
	if (chosen == SX_S5_METHOD_USERPASS && x->p->has_user)
		e = sx_probe_s5_auth(x, fd) == 0 ? 0 : -EACCES;
	if (e) {
		close(fd);
		return e;
	}
	return fd;
}

/* The reply on fd into *a: 0, or -errno (a->rep is then that -errno). */
static int read_reply(int fd, double deadline, struct sx_probe_answer *a)
{
	uint8_t in[SX_S5_REQ_MAX];
	size_t have = 0, need = 2;
	uint8_t rep = 0;
	for (;;) {
		int e = sx_probe_read(fd, in + have, need - have, deadline);
		if (e)
			return a->rep = e;
		have = need;
		int r = sx_s5_reply_parse(in, have, &need, &rep, &a->bound);
		if (r < 0)
			return a->rep = -EPROTO;
		/* A refusal is acted on at once: a server may close without the rest. */
		if (r > 0 || (have >= 2 && rep != 0)) {
			a->rep = rep;
			return 0;
		}
		if (need > sizeof in || need <= have)
			return a->rep = -EPROTO;
	}
}

int sx_probe_s5_request(const struct sx_probe_proxy *x, int fd, uint8_t cmd,
			const struct sx_target *t, struct sx_probe_answer *a)
{
	uint8_t req[SX_S5_REQ_MAX];
	int n = sx_s5_request_encode(req, sizeof req, cmd, t);
	if (n < 0)
		return a->rep = n;
	double start = sx_probe_now_ms();
	int e = sx_probe_send(fd, req, (size_t)n, start + x->step_ms);
	if (e)
		return a->rep = e;
	e = read_reply(fd, start + x->step_ms, a);
	a->ms = sx_probe_now_ms() - start;
	return e;
}

void sx_probe_s4_request(const struct sx_probe_proxy *x, uint8_t cmd, const struct sx_target *t,
			 struct sx_probe_answer *a)
{
	uint8_t req[SX_S4_REQ_MAX], r[SX_S4_REPLY_LEN], cd = 0;
	int n = sx_s4_request_encode(req, sizeof req, t, x->p->has_user ? x->p->user : NULL);
	if (n < 0) {
		a->rep = n;
		return;
	}
	req[1] = cmd;
	int fd = open_proxy(x);
	if (fd < 0) {
		a->rep = fd;
		return;
	}
	double start = sx_probe_now_ms();
	int e = sx_probe_send(fd, req, (size_t)n, start + x->step_ms);
	if (!e)
		e = sx_probe_read(fd, r, sizeof r, start + x->step_ms);
	size_t need;
	if (!e && sx_s4_reply_parse(r, sizeof r, &need, &cd) <= 0)
		e = -EPROTO;
	a->ms = sx_probe_now_ms() - start;
	a->rep = e ? e : cd;
	close(fd);
}

void sx_probe_s5_pipelined(const struct sx_probe_proxy *x, const struct sx_target *t,
			   struct sx_probe_answer *a, bool *first_reply)
{
	uint8_t out[3 + SX_S5_AUTH_MAX + SX_S5_REQ_MAX], r[2];
	uint8_t m = x->p->has_user ? SX_S5_METHOD_USERPASS : SX_S5_METHOD_NONE;
	size_t n = (size_t)sx_s5_greeting_encode(out, sizeof out, &m, 1);
	int e = 0;
	*first_reply = false;
	if (x->p->has_user) {
		e = sx_s5_auth_encode(out + n, sizeof out - n, x->p->user, x->p->pass);
		n += e > 0 ? (size_t)e : 0;
	}
	int rq = e < 0 ? e : sx_s5_request_encode(out + n, sizeof out - n, SX_S5_CMD_CONNECT, t);
	int fd = rq < 0 ? rq : open_proxy(x);
	if (fd < 0) {
		a->rep = fd;
		return;
	}
	n += (size_t)rq;
	double start = sx_probe_now_ms();
	e = sx_probe_send(fd, out, n, start + x->step_ms);
	explicit_bzero(out, sizeof out);
	if (!e)
		e = sx_probe_read(fd, r, 2, start + x->step_ms);
	size_t need;
	uint8_t chosen = 0;
	if (!e && (sx_s5_method_parse(r, 2, &need, &chosen) <= 0 || chosen != m))
		e = -EPROTO;
	double now = sx_probe_now_ms();
	double rest = now + PIPELINE_SLACK_MS + PIPELINE_RTTS * (now - start);
	if (!e) {
		*first_reply = true;
		if (rest > start + x->step_ms)
			rest = start + x->step_ms;
	}
	if (!e && m == SX_S5_METHOD_USERPASS) {
		e = sx_probe_read(fd, r, 2, rest);
		if (!e && (sx_s5_auth_parse(r, 2, &need, &chosen) <= 0 || chosen != 0))
			e = -EACCES;
	}
	if (e)
		a->rep = e;
	else
		read_reply(fd, rest, a);
	a->ms = sx_probe_now_ms() - start;
	close(fd);
}
