/* SPDX-License-Identifier: MIT */
/* dnsrec: a DNS server that logs every query it receives (UDP and TCP), so an end-to-end test
 * can prove that no name lookup leaked past the shim. Doubles as a tiny authoritative
 * "upstream" server answering A/AAAA/MX/PTR from the command line, NXDOMAIN otherwise. */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LISTEN  16
#define MAX_RECORDS 256
#define NAME_TEXT   1024 /* presentation form of a 255-byte name, escapes included */
#define UDP_MAX	    512	 /* RFC 1035 4.2.1; we never look at EDNS */
#define TCP_IDLE_MS 30000

enum {
	T_A = 1,
	T_NS = 2,
	T_CNAME = 5,
	T_SOA = 6,
	T_PTR = 12,
	T_MX = 15,
	T_TXT = 16,
	T_AAAA = 28,
	T_SRV = 33,
	T_ANY = 255
};
enum { RC_OK = 0, RC_FORMERR = 1, RC_NXDOMAIN = 3, RC_NOTIMP = 4, RC_REFUSED = 5 };

/* One --map (A/AAAA), --mx or --ptr entry. */
struct record {
	char name[NAME_TEXT]; /* lower case, no trailing dot */
	uint16_t type;	      /* T_A, T_AAAA or T_MX */
	uint8_t rdata[258];   /* address, or preference + exchange in wire form */
	uint16_t rdlen;
	char target[NAME_TEXT]; /* MX exchange, for its A/AAAA glue */
};

static struct record records[MAX_RECORDS];
static size_t n_records;
/* --silent names: logged, never answered, so a client's lookup hangs until its timeout. */
static char silent[MAX_RECORDS][NAME_TEXT];
static size_t n_silent;
static int log_fd = -1;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("dnsrec: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One write() per line on an O_APPEND fd: lines from TCP threads never interleave. */
static void log_line(const char *fmt, ...)
{
	char buf[NAME_TEXT + 256];
	va_list ap;
	int n;

	if (log_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(log_fd, buf, (size_t)n) < 0)
		return;
}

static int parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port, *sep = s[0] == '[' ? strchr(s, ']') : strrchr(s, ':');
	size_t off = s[0] == '[', hl;
	char *end;
	unsigned long p;

	if (!sep || (s[0] == '[' && sep[1] != ':'))
		return -EINVAL;
	port = sep + 1 + (s[0] == '[');
	hl = (size_t)(sep - s) - off;
	if (hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, s + off, hl);
	host[hl] = '\0';
	errno = 0;
	p = strtoul(port, &end, 10);
	if (!*port || *end || errno || p > 65535)
		return -EINVAL;

	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)p);
		*len = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*a6);
		return 0;
	}
	return -EINVAL;
}

static void fmt_addr(const struct sockaddr_storage *ss, char *out, size_t n)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
		snprintf(out, n, "[%s]:%u", ip, ntohs(a->sin6_port));
	} else {
		const struct sockaddr_in *a = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
		snprintf(out, n, "%s:%u", ip, ntohs(a->sin_port));
	}
}

static const char *type_name(uint16_t t, char buf[16])
{
	switch (t) {
	case T_A:
		return "A";
	case T_NS:
		return "NS";
	case T_CNAME:
		return "CNAME";
	case T_SOA:
		return "SOA";
	case T_PTR:
		return "PTR";
	case T_MX:
		return "MX";
	case T_TXT:
		return "TXT";
	case T_AAAA:
		return "AAAA";
	case T_SRV:
		return "SRV";
	case T_ANY:
		return "ANY";
	}
	snprintf(buf, 16, "TYPE%u", t);
	return buf;
}

/* Command-line name: lower case, trailing dot dropped. */
static void norm_name(char *dst, const char *src, size_t len)
{
	size_t i;

	if (len >= NAME_TEXT)
		die("name too long: %s", src);
	for (i = 0; i < len; i++)
		dst[i] = (char)((src[i] >= 'A' && src[i] <= 'Z') ? src[i] + 32 : src[i]);
	if (i > 1 && dst[i - 1] == '.')
		i--;
	dst[i] = '\0';
}

/* Text name to RFC 1035 3.1 wire form; length or -EINVAL. */
static int encode_name(const char *name, uint8_t *out, size_t cap)
{
	size_t o = 0;

	while (*name && strcmp(name, ".") != 0) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		if (l == 0 || l > 63 || o + 1 + l + 1 > cap || o + 1 + l + 1 > 255)
			return -EINVAL;
		out[o++] = (uint8_t)l;
		memcpy(out + o, name, l);
		o += l;
		name += l + (dot != NULL);
	}
	if (o + 1 > cap)
		return -EINVAL;
	out[o++] = 0;
	return (int)o;
}

static void add_record(const char *arg, int mx) /* mx: 0 --map, 1 --mx, 2 --ptr */
{
	const char *eq = strchr(arg, '=');
	struct record *r = &records[n_records];
	int n;

	if (!eq || eq == arg || n_records == MAX_RECORDS)
		die("bad %s '%s' (want NAME=%s)",
		    mx == 2 ? "--ptr"
		    : mx    ? "--mx"
			    : "--map",
		    arg,
		    mx == 2 ? "TARGET"
		    : mx    ? "EXCHANGE"
			    : "ADDR");
	norm_name(r->name, arg, (size_t)(eq - arg));
	if (mx == 2) {
		/* --ptr: the owner is the reverse name, the data the name it gives */
		n = encode_name(eq + 1, r->rdata, sizeof(r->rdata));
		if (n < 0)
			die("bad name '%s'", eq + 1);
		r->type = T_PTR;
		r->rdlen = (uint16_t)n;
	} else if (mx) {
		norm_name(r->target, eq + 1, strlen(eq + 1));
		n = encode_name(r->target, r->rdata + 2, sizeof(r->rdata) - 2);
		if (n < 0)
			die("bad exchange name '%s'", eq + 1);
		r->type = T_MX;
		r->rdata[0] = 0;
		r->rdata[1] = 10;
		r->rdlen = (uint16_t)(n + 2);
	} else if (inet_pton(AF_INET, eq + 1, r->rdata) == 1) {
		r->type = T_A;
		r->rdlen = 4;
	} else if (inet_pton(AF_INET6, eq + 1, r->rdata) == 1) {
		r->type = T_AAAA;
		r->rdlen = 16;
	} else {
		die("bad address in --map '%s'", arg);
	}
	n_records++;
}

/* ---- the query path: hostile bytes in, every read bounded ---------------------------- */

/* Bounded writer for the reply. */
struct out {
	uint8_t *p;
	size_t len, cap;
	int overflow;
};

static void put(struct out *o, const void *b, size_t n)
{
	if (o->overflow || n > o->cap - o->len) {
		o->overflow = 1;
		return;
	}
	memcpy(o->p + o->len, b, n);
	o->len += n;
}

static void put16(struct out *o, unsigned v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	put(o, b, 2);
}

/* RR with owner given as wire bytes (a pointer to the question name, or a full name). */
static void put_rr(struct out *o, const uint8_t *owner, size_t olen, const struct record *r)
{
	put(o, owner, olen);
	put16(o, r->type);
	put16(o, 1);
	put16(o, 0);
	put16(o, 60);
	put16(o, r->rdlen);
	put(o, r->rdata, r->rdlen);
}

/*
 * QNAME (RFC 1035 4.1.2) into lower-case presentation form; offset past it or -1.
 * Compression pointers are refused: a query has nothing earlier to point at.
 */
static int read_qname(const uint8_t *q, size_t qlen, size_t off, char *name)
{
	size_t nl = 0, wire = 0;

	for (;;) {
		if (off >= qlen)
			return -1;
		uint8_t l = q[off++];

		if (l == 0)
			break;
		if (l & 0xC0 || off + l > qlen || (wire += 1u + l) > 254)
			return -1;
		if (nl)
			name[nl++] = '.';
		for (size_t i = 0; i < l; i++) {
			uint8_t c = q[off + i];

			if (c >= 'A' && c <= 'Z')
				c += 32;
			if (c > 0x20 && c < 0x7f && c != '.' && c != '\\')
				name[nl++] = (char)c;
			else
				nl += (size_t)sprintf(name + nl, "\\%03u", c);
		}
		off += l;
	}
	if (!nl)
		name[nl++] = '.';
	name[nl] = '\0';
	return (int)off;
}

static int wants(uint16_t qtype, uint16_t rtype)
{
	return qtype == rtype || qtype == T_ANY;
}

/* Question, answers, glue. Returns the rcode. */
static int answer(struct out *o, const char *name, uint16_t qtype, uint16_t *an, uint16_t *ar)
{
	static const uint8_t qptr[2] = {0xC0, 12}; /* the question name, always at offset 12 */
	int known = 0;

	for (size_t i = 0; i < n_records; i++) {
		if (strcmp(records[i].name, name) != 0)
			continue;
		known = 1;
		if (wants(qtype, records[i].type)) {
			put_rr(o, qptr, 2, &records[i]);
			(*an)++;
		}
	}
	for (size_t i = 0; i < n_records; i++) {
		if (strcmp(records[i].name, name) != 0 || records[i].type != T_MX ||
		    !wants(qtype, T_MX))
			continue;
		for (size_t j = 0; j < n_records; j++) {
			if (records[j].type == T_MX || strcmp(records[j].name, records[i].target))
				continue;
			put_rr(o, records[i].rdata + 2, records[i].rdlen - 2u, &records[j]);
			(*ar)++;
		}
	}
	return known ? RC_OK : RC_NXDOMAIN;
}

#define SILENT ((size_t)-1) /* no reply, and a TCP connection stays open */

/* Build the reply to q into out; its length, 0 to send nothing, or SILENT. Logs the
 * query. */
static size_t handle_query(const uint8_t *q, size_t qlen, uint8_t *buf, size_t cap,
			   const char *proto, const char *from)
{
	char name[NAME_TEXT], tbuf[16];
	struct out o = {.p = buf, .cap = cap};
	uint16_t an = 0, ar = 0, qtype, qclass;
	int off = -1, rcode;

	/* A query: QR=0, exactly one question (RFC 1035 4.1.1). */
	if (qlen >= 12 && !(q[2] & 0x80) && q[4] == 0 && q[5] == 1)
		off = read_qname(q, qlen, 12, name);
	if (off < 0 || (size_t)off + 4 > qlen) {
		log_line("query proto=%s from=%s malformed len=%zu", proto, from, qlen);
		if (qlen < 12 || q[2] & 0x80)
			return 0; /* no ID worth answering, or a response: never reply to those */
		put(&o, q, 2);
		put16(&o, 0x8000u | (q[2] & 0x79u) << 8 | 0x80u | RC_FORMERR);
		put(&o, "\0\0\0\0\0\0\0\0", 8);
		return o.len;
	}
	qtype = (uint16_t)(q[off] << 8 | q[off + 1]);
	qclass = (uint16_t)(q[off + 2] << 8 | q[off + 3]);
	log_line("query proto=%s from=%s name=%s type=%s", proto, from, name,
		 type_name(qtype, tbuf));
	for (size_t i = 0; i < n_silent; i++)
		if (!strcmp(silent[i], name))
			return SILENT;

	/* Header is patched below once the counts are known. */
	put(&o, q, 12);
	put(&o, q + 12, (size_t)off + 4 - 12);
	if (q[2] & 0x78)
		rcode = RC_NOTIMP; /* opcode other than QUERY */
	else if (qclass != 1 && qclass != 255)
		rcode = RC_REFUSED;
	else
		rcode = answer(&o, name, qtype, &an, &ar);
	if (o.overflow) {
		/* RFC 1035 4.2.1: too big for UDP, set TC and keep only the question. */
		o.overflow = 0;
		o.len = (size_t)off + 4;
		an = ar = 0;
		buf[2] = 0x02;
	} else {
		buf[2] = 0;
	}
	/* QR=1, opcode copied, AA=1, RD copied; RA=1. */
	buf[2] |= (uint8_t)(0x80 | (q[2] & 0x78) | 0x04 | (q[2] & 0x01));
	buf[3] = (uint8_t)(0x80 | rcode);
	buf[6] = (uint8_t)(an >> 8);
	buf[7] = (uint8_t)an;
	buf[8] = buf[9] = 0;
	buf[10] = (uint8_t)(ar >> 8);
	buf[11] = (uint8_t)ar;
	return o.len;
}

/* ---- transports ---------------------------------------------------------------------- */

struct tcpconn {
	int fd;
	char from[80];
};

/* Exactly n bytes, or -1 on EOF, error or an idle client. */
static int read_exact(int fd, uint8_t *p, size_t n)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	while (n) {
		if (poll(&pfd, 1, TCP_IDLE_MS) <= 0)
			return -1;
		ssize_t r = recv(fd, p, n, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* RFC 1035 4.2.2: each message prefixed by a two-byte length; several per connection. */
static void *tcp_main(void *arg)
{
	struct tcpconn *c = arg;
	uint8_t *in = malloc(65535), *out = malloc(65535 + 2);
	uint8_t len[2];

	while (in && out && read_exact(c->fd, len, 2) == 0) {
		size_t n = (size_t)len[0] << 8 | len[1], r;

		if (read_exact(c->fd, in, n) < 0)
			break;
		r = handle_query(in, n, out + 2, 65535, "tcp", c->from);
		if (r == SILENT)
			continue;
		if (!r)
			break;
		out[0] = (uint8_t)(r >> 8);
		out[1] = (uint8_t)r;
		if (write_all(c->fd, out, r + 2) < 0)
			break;
	}
	free(in);
	free(out);
	close(c->fd);
	free(c);
	return NULL;
}

static void on_accept(int lfd)
{
	struct tcpconn *c = malloc(sizeof(*c));
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	pthread_attr_t at;
	pthread_t t;

	if (!c)
		return;
	c->fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
	if (c->fd < 0) {
		free(c);
		return;
	}
	fmt_addr(&ss, c->from, sizeof(c->from));
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &at, tcp_main, c) != 0) {
		close(c->fd);
		free(c);
	}
	pthread_attr_destroy(&at);
}

static void on_datagram(int fd)
{
	uint8_t in[65536], out[UDP_MAX];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char from[80];
	ssize_t n = recvfrom(fd, in, sizeof(in), MSG_DONTWAIT, (struct sockaddr *)&ss, &sl);
	size_t r;

	if (n < 0)
		return;
	fmt_addr(&ss, from, sizeof(from));
	r = handle_query(in, (size_t)n, out, sizeof(out), "udp", from);
	if (r && r != SILENT)
		sendto(fd, out, r, MSG_DONTWAIT, (struct sockaddr *)&ss, sl);
}

static int open_socket(const char *spec, int type)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, fd;

	if (parse_addr(spec, &ss, &len) < 0)
		die("bad address '%s' (want IP:PORT or [IPv6]:PORT)", spec);
	fd = socket(ss.ss_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind %s %s: %s", type == SOCK_DGRAM ? "udp" : "tcp", spec, strerror(errno));
	if (type == SOCK_STREAM && listen(fd, 64) < 0)
		die("listen %s: %s", spec, strerror(errno));
	return fd;
}

static void write_ready(const char *path)
{
	char tmp[4096];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, "ready\n", 6) != 6 || close(fd) != 0 || rename(tmp, path) != 0)
		die("%s: %s", path, strerror(errno));
}

static void usage(void)
{
	fputs("usage: dnsrec --listen ADDR:PORT... [--log FILE] [--ready-file FILE]\n"
	      "              [--map NAME=ADDR]... [--mx NAME=EXCHANGE]... [--silent NAME]...\n"
	      "              [--ptr REVERSE-NAME=NAME]...\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"listen", required_argument, NULL, 'L'},
	    {"log", required_argument, NULL, 'l'},
	    {"ready-file", required_argument, NULL, 'r'},
	    {"map", required_argument, NULL, 'm'},
	    {"mx", required_argument, NULL, 'x'},
	    {"silent", required_argument, NULL, 's'},
	    {"ptr", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *specs[MAX_LISTEN], *ready = NULL;
	struct pollfd pfd[2 * MAX_LISTEN + 1];
	size_t n_specs = 0, nfd;
	sigset_t sigs;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'L':
			if (n_specs == MAX_LISTEN)
				die("too many --listen");
			specs[n_specs++] = optarg;
			break;
		case 'l':
			if (log_fd >= 0)
				close(log_fd);
			log_fd = open(optarg, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
			if (log_fd < 0)
				die("%s: %s", optarg, strerror(errno));
			break;
		case 'r':
			ready = optarg;
			break;
		case 's':
			if (n_silent == MAX_RECORDS)
				die("too many --silent");
			norm_name(silent[n_silent++], optarg, strlen(optarg));
			break;
		case 'm':
		case 'x':
		case 'p':
			add_record(optarg, c == 'x' ? 1 : c == 'p' ? 2 : 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || n_specs == 0)
		usage();

	signal(SIGPIPE, SIG_IGN);
	/* Blocked before any thread exists, so only the signalfd ever sees them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	pfd[0].fd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (pfd[0].fd < 0)
		die("signalfd: %s", strerror(errno));
	nfd = 1;
	for (size_t i = 0; i < n_specs; i++) {
		pfd[nfd++].fd = open_socket(specs[i], SOCK_DGRAM);
		pfd[nfd++].fd = open_socket(specs[i], SOCK_STREAM);
	}
	for (size_t i = 0; i < nfd; i++)
		pfd[i].events = POLLIN;
	if (ready)
		write_ready(ready);

	for (;;) {
		if (poll(pfd, nfd, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		if (pfd[0].revents)
			break;
		/* Odd slots are UDP, even ones TCP listeners. */
		for (size_t i = 1; i < nfd; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			if (i % 2)
				on_datagram(pfd[i].fd);
			else
				on_accept(pfd[i].fd);
		}
	}
	for (size_t i = 0; i < nfd; i++)
		close(pfd[i].fd);
	/* TCP threads may still be logging: exit() closes the log for them. */
	return 0;
}
