/* SPDX-License-Identifier: MIT */
/* socksify --check's output: a short table, or one JSON object, and one verdict line. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../../config/proxy_url.h"
#include "probe_report.h"

static const char *const status_word[] = {"ok", "FAIL", "no", "?", "-"};
static const char *const status_json[] = {"ok", "fail", "no", "unknown", "skipped"};

void sx_report_init(struct sx_probe_report *r, const struct sx_proxy *p)
{
	char url[sizeof r->proxy];
	memset(r, 0, sizeof *r);
	/* The log lines' form, with the user name (never the password) after the scheme. */
	sx_proxy_url_format(p, url, sizeof url);
	const char *host = strstr(url, "://");
	host = host ? host + 3 : url;
	size_t at = (size_t)(host - url), len = strlen(url);
	char user[SX_NAME_MAX + 2] = "";
	if (p->has_user)
		snprintf(user, sizeof user, "%s@", p->user);
	size_t ul = strlen(user);
	if (at + ul + (len - at) >= sizeof r->proxy)
		ul = 0;
	memcpy(r->proxy, url, at);
	memcpy(r->proxy + at, user, ul);
	memcpy(r->proxy + at + ul, host, len - at + 1);
}

void sx_report_row(struct sx_probe_report *r, const char *name, enum sx_row_status st,
		   const char *fmt, ...)
{
	if (r->n == SX_REPORT_ROWS)
		return;
	r->rows[r->n].name = name;
	r->rows[r->n].st = st;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->rows[r->n].detail, sizeof r->rows[r->n].detail, fmt, ap);
	va_end(ap);
	r->n++;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/* "usable: ...", with the names of the failed rows. */
static void verdict(const struct sx_probe_report *r, int status, char *out, size_t cap)
{
	if (status == 2) {
		snprintf(out, cap, "unreachable: no connection to %s", r->proxy);
		return;
	}
	if (status == 0) {
		snprintf(out, cap, "usable: everything configured works");
		return;
	}
	size_t n = (size_t)snprintf(out, cap, "partly usable: not working:");
	for (int i = 0; i < r->n && n < cap; i++)
		if (r->rows[i].st == SX_ROW_FAIL)
			n += (size_t)snprintf(out + n, cap - n, " %s,", r->rows[i].name);
	if (n < cap && out[n - 1] == ',')
		out[n - 1] = '\0';
}

int sx_report_print(const struct sx_probe_report *r, bool json)
{
	int status = 0;
	for (int i = 0; i < r->n; i++)
		if (r->rows[i].st == SX_ROW_FAIL)
			status = i == 0 ? 2 : 1;
	char v[2 * SX_NAME_MAX + 400];
	verdict(r, status, v, sizeof v);
	if (json) {
		printf("{\"proxy\": ");
		json_string(r->proxy);
		printf(", \"checks\": [");
		for (int i = 0; i < r->n; i++) {
			printf("%s\n  {\"check\": ", i ? "," : "");
			json_string(r->rows[i].name);
			printf(", \"status\": \"%s\", \"detail\": ", status_json[r->rows[i].st]);
			json_string(r->rows[i].detail);
			putchar('}');
		}
		printf("],\n ");
		if (r->route_json)
			printf("\"route\": %s,\n ", r->route_json);
		printf("\"verdict\": ");
		json_string(v);
		printf(", \"exit\": %d}\n", status);
	} else {
		printf("proxy %s\n", r->proxy);
		for (int i = 0; i < r->n; i++)
			printf("  %-14s %-4s  %s\n", r->rows[i].name, status_word[r->rows[i].st],
			       r->rows[i].detail);
		printf("verdict: %s\n", v);
	}
	return fflush(stdout) == 0 ? status : 2;
}
