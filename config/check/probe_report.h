/* SPDX-License-Identifier: MIT */
/* The report of socksify --check: one row per step, a verdict line, the exit status. */
#ifndef SX_CONFIG_CHECK_PROBE_REPORT_H
#define SX_CONFIG_CHECK_PROBE_REPORT_H

#include <stdbool.h>

#include "../../core/proxy.h"

enum sx_row_status {
	SX_ROW_OK,
	SX_ROW_FAIL,	/* something configured does not work */
	SX_ROW_NO,	/* the proxy does not do it, and nothing configured needs it */
	SX_ROW_UNKNOWN, /* the probe could not tell */
	SX_ROW_SKIP,	/* not asked: it does not apply */
};

#define SX_REPORT_ROWS 12

struct sx_probe_report {
	char proxy[2 * SX_NAME_MAX + 40];
	const char *route_json; /* NULL, or the route object --json adds */
	int n;
	struct {
		const char *name;
		enum sx_row_status st;
		char detail[384];
	} rows[SX_REPORT_ROWS];
};

void sx_report_init(struct sx_probe_report *r, const struct sx_proxy *p);
void sx_report_row(struct sx_probe_report *r, const char *name, enum sx_row_status st,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Prints the table (or JSON) and the verdict; the exit status: 2 when the first row (the
 * proxy's reachability) failed, 1 when another did, else 0. */
int sx_report_print(const struct sx_probe_report *r, bool json);

#endif
