/* SPDX-License-Identifier: MIT */
/* HTTP CONNECT for socksify --check, with core's encoder and reply reader (never a byte
 * past the header); a chain run with core's handshake over plain bounded I/O. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../../core/handshake.h"
#include "../../core/http_connect.h"
#include "probe_http.h"
#include "probe_io.h"

static int open_proxy(const struct sx_probe_proxy *x)
{
	return sx_probe_connect((const struct sockaddr *)&x->addr, x->addr_len, x->connect_ms);
}

void sx_probe_http_request(const struct sx_probe_proxy *x, const struct sx_target *t,
			   bool with_user, struct sx_probe_answer *a)
{
	memset(a, 0, sizeof *a);
	uint8_t req[SX_HTTP_REQ_MAX];
	bool user = with_user && x->p->has_user;
	int n = sx_http_request_encode(req, sizeof req, t, user ? x->p->user : NULL,
				       user ? x->p->pass : NULL);
	if (n < 0) {
		a->rep = n;
		return;
	}
	int fd = open_proxy(x);
	if (fd < 0) {
		explicit_bzero(req, sizeof req);
		a->rep = fd;
		return;
	}
	double t0 = sx_probe_now_ms(), dl = t0 + x->step_ms;
	int e = sx_probe_send(fd, req, (size_t)n, dl);
	explicit_bzero(req, sizeof req);
	struct sx_http_reply r;
	sx_http_reply_init(&r);
	int done = 0;
	while (!e && !done) {
		uint8_t in[12];
		size_t want = sx_http_reply_want(&r);
		if (want > sizeof in)
			want = sizeof in;
		e = sx_probe_read(fd, in, want, dl);
		if (!e)
			done = sx_http_reply_feed(&r, in, want);
		if (done < 0)
			e = done;
	}
	close(fd);
	a->ms = sx_probe_now_ms() - t0;
	a->rep = e ? e : (int)sx_http_reply_status(&r);
}

/* The chain's handshake over fd, each exchange bounded by step_ms. */
static int drive(struct sx_hs *hs, int fd, int step_ms)
{
	for (;;) {
		size_t n;
		double dl = sx_probe_now_ms() + step_ms;
		switch (sx_hs_next(hs, &n)) {
		case SX_NEXT_DONE:
		case SX_NEXT_FAILED:
			return sx_hs_result(hs, NULL);
		case SX_NEXT_WRITE: {
			int e = sx_probe_send(fd, sx_hs_out(hs), n, dl);
			if (e)
				sx_hs_fail(hs, e);
			else
				sx_hs_wrote(hs, n);
			break;
		}
		case SX_NEXT_READ: {
			uint8_t buf[SX_HS_BUF];
			if (n > sizeof buf)
				n = sizeof buf;
			int e = sx_probe_read(fd, buf, n, dl);
			if (e)
				sx_hs_fail(hs, e);
			else
				sx_hs_read(hs, buf, n);
			break;
		}
		}
	}
}

void sx_probe_chain(const struct sx_config *c, const struct sx_probe_proxy *x,
		    const struct sx_target *t, struct sx_probe_chain_answer *a)
{
	memset(a, 0, sizeof *a);
	const struct sx_proxy *hops[SX_CHAIN_MAX] = {&c->proxy};
	size_t n = 1;
	for (size_t i = 0; i < c->n_via && n < SX_CHAIN_MAX; i++)
		hops[n++] = &c->via[i];
	static struct sx_hs hs;
	a->r = sx_hs_init_chain(&hs, hops, n, SX_CMD_CONNECT, t, SX_HS_NO_PIPELINE);
	if (a->r < 0)
		return;
	int fd = open_proxy(x);
	if (fd < 0) {
		a->r = fd;
		return;
	}
	double t0 = sx_probe_now_ms();
	a->r = drive(&hs, fd, x->step_ms);
	close(fd);
	a->ms = sx_probe_now_ms() - t0;
	a->hop = (unsigned)sx_hs_hop(&hs);
	a->refusal = (int)sx_hs_refusal(&hs, &a->code);
}
