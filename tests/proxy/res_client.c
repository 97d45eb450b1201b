/* SPDX-License-Identifier: MIT */
/* res_client: calls one of the res_query family and prints the answer records, for
 * dns_res.bats. Its own small DNS reader, so a bug in core/dnsmsg is not mirrored here.
 *   res_client query|search|nquery|nsearch NAME TYPE [--get PORT]
 *   res_client querydomain|nquerydomain NAME DOMAIN TYPE [--get PORT]
 *   res_client send|nsend NAME TYPE [--get PORT]   (res_mkquery, then res_send/res_nsend)
 * TYPE is A, AAAA, PTR (NAME may be an address), MX or a number. Prints "A 198.18.0.1",
 * "PTR web.test", ...; on failure "error h_errno=N" and exit 1. --get connects to the
 * first address answered and prints the HTTP body. */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Expands the name at off into out (dotted), following pointers; returns the offset just
 * past the name where it was read, or -1. */
static int read_name(const unsigned char *m, int n, int off, char *out, size_t cap)
{
	int end = -1, jumps = 0;
	size_t t = 0;

	out[0] = '\0';
	for (;;) {
		if (off >= n)
			return -1;
		unsigned l = m[off];
		if ((l & 0xc0) == 0xc0) {
			if (off + 1 >= n || ++jumps > 64)
				return -1;
			if (end < 0)
				end = off + 2;
			off = (int)((l & 0x3f) << 8 | m[off + 1]);
			continue;
		}
		if (l == 0) {
			if (end < 0)
				end = off + 1;
			break;
		}
		if (off + 1 + (int)l > n || t + l + 2 > cap)
			return -1;
		if (t)
			out[t++] = '.';
		memcpy(out + t, m + off + 1, l);
		t += l;
		out[t] = '\0';
		off += 1 + (int)l;
	}
	return end;
}

static int type_of(const char *s)
{
	if (!strcasecmp(s, "A"))
		return ns_t_a;
	if (!strcasecmp(s, "AAAA"))
		return ns_t_aaaa;
	if (!strcasecmp(s, "PTR"))
		return ns_t_ptr;
	if (!strcasecmp(s, "MX"))
		return ns_t_mx;
	return atoi(s);
}

/* An address as NAME for PTR: its reverse name. */
static void reverse_name(const char *name, char *out, size_t cap)
{
	unsigned char a[16];
	size_t t = 0;

	snprintf(out, cap, "%s", name);
	if (inet_pton(AF_INET, name, a) == 1) {
		snprintf(out, cap, "%u.%u.%u.%u.in-addr.arpa", a[3], a[2], a[1], a[0]);
	} else if (inet_pton(AF_INET6, name, a) == 1) {
		for (int i = 15; i >= 0; i--)
			t += (size_t)snprintf(out + t, cap - t, "%x.%x.", a[i] & 15, a[i] >> 4);
		snprintf(out + t, cap - t, "ip6.arpa");
	}
}

static int http_get(const unsigned char *addr, int af, int port)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	if (af == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		memcpy(&s4->sin_addr, addr, 4);
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		memcpy(&s6->sin6_addr, addr, 16);
		len = sizeof(*s6);
	}
	int fd = socket(af, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0) {
		perror("connect");
		return 1;
	}
	static const char req[] = "GET / HTTP/1.0\r\n\r\n";
	if (write(fd, req, sizeof(req) - 1) < 0)
		return 1;
	char buf[8192];
	size_t got = 0;
	ssize_t k;
	while (got < sizeof(buf) - 1 && (k = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)k;
	buf[got] = '\0';
	close(fd);
	char *body = strstr(buf, "\r\n\r\n");
	body = body ? body + 4 : buf;
	body[strcspn(body, "\r\n")] = '\0';
	printf("%s\n", body);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: see the top of res_client.c\n");
		return 2;
	}
	const char *mode = argv[1], *name = argv[2], *domain = NULL;
	int i = 3;
	if (strstr(mode, "querydomain")) {
		if (argc < 5)
			return 2;
		domain = argv[i++];
	}
	int type = type_of(argv[i++]), port = 0;
	if (i + 1 < argc && !strcmp(argv[i], "--get"))
		port = atoi(argv[i + 1]);
	char qname[NS_MAXDNAME];
	if (type == ns_t_ptr)
		reverse_name(name, qname, sizeof(qname));
	else
		snprintf(qname, sizeof(qname), "%s", name);

	unsigned char ans[4096];
	int n;
	struct __res_state st;
	memset(&st, 0, sizeof(st));
	if (mode[0] == 'n' && res_ninit(&st) != 0) {
		fprintf(stderr, "res_ninit failed\n");
		return 2;
	}
	if (!strcmp(mode, "query"))
		n = res_query(qname, ns_c_in, type, ans, sizeof(ans));
	else if (!strcmp(mode, "search"))
		n = res_search(qname, ns_c_in, type, ans, sizeof(ans));
	else if (!strcmp(mode, "querydomain"))
		n = res_querydomain(qname, domain, ns_c_in, type, ans, sizeof(ans));
	else if (!strcmp(mode, "nquery"))
		n = res_nquery(&st, qname, ns_c_in, type, ans, sizeof(ans));
	else if (!strcmp(mode, "nsearch"))
		n = res_nsearch(&st, qname, ns_c_in, type, ans, sizeof(ans));
	else if (!strcmp(mode, "nquerydomain"))
		n = res_nquerydomain(&st, qname, domain, ns_c_in, type, ans, sizeof(ans));
	else if (!strcmp(mode, "send") || !strcmp(mode, "nsend")) {
		unsigned char q[512];
		int qn = res_mkquery(ns_o_query, qname, ns_c_in, type, NULL, 0, NULL, q, sizeof(q));
		if (qn < 0)
			return printf("error res_mkquery\n"), 1;
		n = mode[0] == 'n' ? res_nsend(&st, q, qn, ans, sizeof(ans))
				   : res_send(q, qn, ans, sizeof(ans));
		if (n < 0)
			return printf("error send\n"), 1;
	} else
		return 2;
	if (n < 0) {
		printf("error h_errno=%d%s\n", mode[0] == 'n' ? st.res_h_errno : h_errno,
		       mode[0] == 'n' && st.res_h_errno != h_errno ? " (h_errno differs)" : "");
		return 1;
	}
	if (n < 12 || n > (int)sizeof(ans)) {
		printf("error short reply %d\n", n);
		return 1;
	}

	int off = 12, first_af = 0;
	unsigned char first[16];
	char buf[NS_MAXDNAME];
	for (unsigned q = get16(ans + 4); q > 0; q--) {
		if ((off = read_name(ans, n, off, buf, sizeof(buf))) < 0 || off + 4 > n)
			return printf("error bad question\n"), 1;
		off += 4;
	}
	for (unsigned a = get16(ans + 6); a > 0; a--) {
		if ((off = read_name(ans, n, off, buf, sizeof(buf))) < 0 || off + 10 > n)
			return printf("error bad record\n"), 1;
		unsigned rtype = get16(ans + off), rdlen = get16(ans + off + 8);
		off += 10;
		if (off + (int)rdlen > n)
			return printf("error bad rdata\n"), 1;
		char text[INET6_ADDRSTRLEN];
		if (rtype == ns_t_a && rdlen == 4) {
			printf("A %s\n", inet_ntop(AF_INET, ans + off, text, sizeof(text)));
			if (!first_af)
				first_af = AF_INET, memcpy(first, ans + off, 4);
		} else if (rtype == ns_t_aaaa && rdlen == 16) {
			printf("AAAA %s\n", inet_ntop(AF_INET6, ans + off, text, sizeof(text)));
			if (!first_af)
				first_af = AF_INET6, memcpy(first, ans + off, 16);
		} else if (rtype == ns_t_ptr) {
			if (read_name(ans, n, off, buf, sizeof(buf)) < 0)
				return printf("error bad PTR\n"), 1;
			printf("PTR %s\n", buf);
		} else {
			printf("TYPE%u %u bytes\n", rtype, rdlen);
		}
		off += (int)rdlen;
	}
	if (port && first_af)
		return http_get(first, first_af, port);
	return 0;
}
