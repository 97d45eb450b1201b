/* SPDX-License-Identifier: MIT */
/* Receiving on an associated UDP socket: the relay's RFC 1928 §7 header is stripped and
 * the real peer reported, so the program never sees the relay; direct peers pass as
 * they are. */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "../base/guard.h"
#include "../base/real.h"
#include "../base/sockaddr.h"
#include "../dns/dns_sock.h"
#include "../dns/fakedns_shared.h"
#include "udp.h"

#include "../../core/socks5_udp.h"

static bool from_addr(const struct sockaddr_storage *want, socklen_t want_len,
		      const struct sockaddr_storage *from, socklen_t len)
{
	struct sx_target f, r;
	return want_len && sx_sockaddr_to_target((const struct sockaddr *)from, len, &f) == 0 &&
	       sx_sockaddr_to_target((const struct sockaddr *)want, want_len, &r) == 0 &&
	       sx_target_equal(&f, &r);
}

/* The relay's and the shim's DNS responder's datagrams carry an RFC 1928 §7 header;
 * every other source is a direct peer (loopback, bypass, a real nameserver) whose
 * datagram is the program's as it is. */
enum origin { ORIGIN_DIRECT, ORIGIN_RELAY, ORIGIN_RESPONDER };

static enum origin origin(const struct sx_fdinfo *info, const struct sockaddr_storage *from,
			  socklen_t len)
{
	const struct sx_dns_part *d = SX_DNS_PART(info);
	const struct sx_udp_part *u = SX_UDP_PART(info);
	if (u->has_ctl && from_addr(&u->relay, u->relay_len, from, len))
		return ORIGIN_RELAY;
	if (from_addr(&d->resp, d->resp_len, from, len))
		return ORIGIN_RESPONDER;
	return ORIGIN_DIRECT;
}

/* The address the program is told a direct datagram came from; false: drop it. */
static bool direct_source(const struct sx_fdinfo *info, const struct sockaddr_storage *from,
			  socklen_t len, struct sockaddr_storage *ss, socklen_t *ss_len)
{
	const struct sx_udp_part *u = SX_UDP_PART(info);
	if (info->peer_len) {
		/* A connected socket hears only its peer, as the kernel would filter; a
		 * name's peer is never a direct one. */
		struct sx_target f;
		if (u->peer_dst.kind == SX_TARGET_NAME ||
		    sx_sockaddr_to_target((const struct sockaddr *)from, len, &f) < 0 ||
		    !sx_target_equal(&f, &u->peer_dst))
			return false;
		*ss = info->peer;
		*ss_len = info->peer_len;
		return true;
	}
	*ss = *from;
	*ss_len = len;
	return true;
}

static void sent_target(const struct sx_udp_sent *e, uint16_t port, struct sx_target *t)
{
	if (e->af == 4)
		sx_target_set_v4(t, e->addr, port);
	else
		sx_target_set_v6(t, e->addr, port);
}

static bool sent_to_name(const struct sx_udp_sent *e, const char *name)
{
	char n[256];
	return e->fake && sx_fakedns_shared_name(e->af, e->addr, n) == 0 && !strcasecmp(n, name);
}

/* Maps a relayed datagram's source to the destination the program sent to: a name to
 * the fake address it used (a name it never sent to is dropped, so a relay cannot fill
 * the fake table), and the address a name's answer comes from to that name's fake
 * address on the same port (the most recent one), unless the program sent there
 * itself. false: drop. */
static bool sent_to(const struct sx_fdinfo *info, const struct sx_target *src, struct sx_target *t)
{
	const struct sx_udp_part *u = SX_UDP_PART(info);
	const struct sx_udp_sent *e = u->sent, *end = u->sent + SX_UDP_SENT_MAX;
	if (src->kind == SX_TARGET_NAME) {
		for (; e < end && e->af; e++) {
			if (sent_to_name(e, src->addr.name)) {
				sent_target(e, src->port, t);
				return true;
			}
		}
		return false;
	}
	const struct sx_udp_sent *name = NULL;
	for (; e < end && e->af; e++) {
		struct sx_target s;
		sent_target(e, e->port, &s);
		if (!e->fake && sx_target_equal(&s, src))
			return true;
		if (e->fake && e->port == src->port && !name)
			name = e;
	}
	if (name)
		sent_target(name, src->port, t);
	return true;
}

/* The address the program is told a relayed datagram came from; false: drop it. The
 * responder's sources are nameservers the program sent to, as they are. */
static bool relayed_source(const struct sx_fdinfo *info, enum origin o, const struct sx_target *src,
			   struct sockaddr_storage *ss, socklen_t *len)
{
	const struct sx_udp_part *u = SX_UDP_PART(info);
	if (info->peer_len) {
		/* A connected socket hears only its peer (a name's answers come from some
		 * address of it, which the program never saw). */
		if (u->peer_dst.kind != SX_TARGET_NAME && !sx_target_equal(src, &u->peer_dst))
			return false;
		*ss = info->peer;
		*len = info->peer_len;
		return true;
	}
	struct sx_target t = *src;
	if (o == ORIGIN_RESPONDER ? src->kind == SX_TARGET_NAME : !sent_to(info, src, &t))
		return false;
	/* The socket's family: the relay's is converted to it; DNS-only sockets have none. */
	int family = u->relay_len ? u->relay.ss_family : SX_DNS_PART(info)->family;
	int n = sx_target_to_sockaddr(&t, family, ss);
	if (n < 0)
		return false;
	*len = (socklen_t)n;
	return true;
}

/* Finds the contiguous run ending at linear offset end: its end pointer and length. */
static uint8_t *run_before(const struct iovec *iov, size_t n, size_t end, size_t *avail)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (end > start && end <= start + iov[i].iov_len) {
			*avail = end - start;
			return (uint8_t *)iov[i].iov_base + (end - start);
		}
		start += iov[i].iov_len;
	}
	*avail = 0;
	return NULL;
}

/* Moves len bytes at linear offset 0 of the iovec up to offset by (back to front). */
static void iov_shift_up(const struct iovec *iov, size_t n, size_t by, size_t len)
{
	while (len) {
		size_t da, sa;
		uint8_t *d = run_before(iov, n, by + len, &da);
		uint8_t *s = run_before(iov, n, len, &sa);
		if (!d || !s)
			return;
		size_t c = len < da ? len : da;
		c = c < sa ? c : sa;
		memmove(d - c, s - c, c);
		len -= c;
	}
}

static void iov_put(const struct iovec *iov, size_t n, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < n && len; i++) {
		size_t c = iov[i].iov_len < len ? iov[i].iov_len : len;
		memcpy(iov[i].iov_base, src, c);
		src += c;
		len -= c;
	}
}

/* Discards the datagram a MSG_PEEK just looked at. */
static void discard(int fd, int flags)
{
	uint8_t b;
	struct iovec iov = {&b, 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	sx_real.recvmsg(fd, &m, (flags & ~MSG_PEEK) | MSG_DONTWAIT);
}

ssize_t sx_udp_recv(int fd, struct msghdr *msg, int flags)
{
	struct sx_fdinfo info;
	if (!sx_guard_enter() || msg->msg_iovlen >= IOV_MAX || sx_fdtab_kind(fd) == SX_FD_NONE) {
		sx_guard_leave();
		return sx_real.recvmsg(fd, msg, flags);
	}
	size_t cap = 0;
	for (size_t i = 0; i < msg->msg_iovlen; i++)
		cap += msg->msg_iov[i].iov_len;
	/* The header lands here and the data after it in the program's own buffers;
	 * the data is then moved down by the header's length. */
	uint8_t scratch[SX_UDP_HDR_MAX];
	struct iovec iov[msg->msg_iovlen + 1];
	iov[0].iov_base = scratch;
	iov[0].iov_len = sizeof scratch;
	if (msg->msg_iovlen)
		memcpy(&iov[1], msg->msg_iov, msg->msg_iovlen * sizeof iov[0]);
	ssize_t ret;
	for (;;) {
		struct sockaddr_storage from;
		struct msghdr m = {
		    .msg_name = &from,
		    .msg_namelen = sizeof from,
		    .msg_iov = iov,
		    .msg_iovlen = msg->msg_iovlen + 1,
		    .msg_control = msg->msg_control,
		    .msg_controllen = msg->msg_controllen,
		};
		/* MSG_TRUNC: the full length, to compute the program's own truncation. No
		 * lock of ours is held, and the guard is set aside (tftp-hpa leaves this
		 * wait with siglongjmp from its SIGALRM handler). */
		ssize_t n =
		    SX_UNGUARDED(sx_real.recvmsg(fd, &m, (flags & ~MSG_WAITFORONE) | MSG_TRUNC));
		if (n < 0) {
			ret = -1;
			break;
		}
		size_t full = (size_t)n;
		size_t in_scratch = full < sizeof scratch ? full : sizeof scratch;
		size_t copied = full < sizeof scratch + cap ? full : sizeof scratch + cap;
		struct sx_target src;
		struct sockaddr_storage rep;
		socklen_t rep_len;
		/* Read once the datagram is here: the wait may have seen the association
		 * made or renewed. A record gone meanwhile (the fd closed under us) leaves
		 * the datagram as it came. */
		if (!sx_fdtab_get(fd, &info))
			memset(&info, 0, sizeof info);
		int h = 0;
		bool keep;
		enum origin o = origin(&info, &from, m.msg_namelen);
		if (o != ORIGIN_DIRECT) {
			h = sx_udp_header_decode(scratch, in_scratch, &src);
			keep = h >= 0 && relayed_source(&info, o, &src, &rep, &rep_len);
		} else {
			keep = direct_source(&info, &from, m.msg_namelen, &rep, &rep_len);
		}
		if (!keep) {
			if (flags & MSG_PEEK)
				discard(fd, flags);
			continue;
		}
		size_t data = full - (size_t)h;
		size_t head = in_scratch - (size_t)h; /* data bytes still in scratch */
		size_t tail = copied - in_scratch;    /* data bytes already in place */
		if (head < cap)
			iov_shift_up(msg->msg_iov, msg->msg_iovlen, head,
				     tail < cap - head ? tail : cap - head);
		iov_put(msg->msg_iov, msg->msg_iovlen, scratch + h, head < cap ? head : cap);
		if (msg->msg_name) {
			memcpy(msg->msg_name, &rep,
			       msg->msg_namelen < rep_len ? msg->msg_namelen : rep_len);
			msg->msg_namelen = rep_len;
		}
		msg->msg_controllen = m.msg_controllen;
		msg->msg_flags = (m.msg_flags & ~MSG_TRUNC) | (data > cap ? MSG_TRUNC : 0);
		ret = (ssize_t)((flags & MSG_TRUNC) || data < cap ? data : cap);
		break;
	}
	sx_guard_leave();
	return ret;
}
