/* SPDX-License-Identifier: MIT */
/* SOCKS_SERVER-style URLs: arbitrary text through sx_proxy_url_parse(_as), with error
 * buffers of every small size. A parsed proxy must be usable as it stands. */
#include <errno.h>

#include "../../config/proxy_url.h"
#include "fuzz.h"

static void check(int r, const struct sx_proxy *p, const char *err, size_t errlen)
{
	FZ_CHECK(r == 0 || r == -EINVAL);
	if (r < 0) {
		FZ_CHECK(strnlen(err, errlen) < errlen);
		FZ_CHECK(errlen == 1 || err[0] != '\0');
		return;
	}
	FZ_CHECK(p->proto >= SX_PROTO_SOCKS4 && p->proto <= SX_PROTO_HTTP);
	FZ_CHECK(strnlen(p->host, sizeof(p->host)) >= 1);
	FZ_CHECK(strnlen(p->host, sizeof(p->host)) <= SX_NAME_MAX);
	FZ_CHECK(strnlen(p->user, sizeof(p->user)) <= SX_NAME_MAX);
	FZ_CHECK(strnlen(p->pass, sizeof(p->pass)) <= SX_NAME_MAX);
	FZ_CHECK(p->port != 0);
	/* No bracket survives: host is what we hand to the resolver. */
	FZ_CHECK(p->host[0] != '[');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sx_proxy p;
	char *url, *err;
	size_t errlen;
	enum sx_proto bare;
	int r;

	if (size < 1)
		return 0;
	errlen = (size_t)(data[0] & 0x3F) + 1; /* 1..64: truncation paths */
	bare = (enum sx_proto)(SX_PROTO_SOCKS4 + ((data[0] >> 6) & 3));
	url = fz_cstr(data + 1, size - 1);
	err = malloc(errlen); /* exact size: ASan catches a write past it */
	FZ_CHECK(err != NULL);

	memset(&p, 0xA5, sizeof(p));
	memset(err, 'E', errlen);
	r = sx_proxy_url_parse(&p, url, err, errlen);
	check(r, &p, err, errlen);

	memset(&p, 0xA5, sizeof(p));
	memset(err, 'E', errlen);
	r = sx_proxy_url_parse_as(&p, url, bare, err, errlen);
	check(r, &p, err, errlen);

	free(err);
	free(url);
	return 0;
}
