/* SPDX-License-Identifier: MIT */
/* Splits config file text into `key value` lines; knows nothing about the keys.
 * The text need not be NUL-terminated: the file arrives as bytes plus a length. */
#include "config.h"

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

void sx_conf_file_init(struct sx_conf_reader *r, const char *text, size_t len)
{
	r->p = text;
	r->end = text ? text + len : text;
	r->lineno = 0;
}

bool sx_conf_file_next(struct sx_conf_reader *r, struct sx_conf_line *l)
{
	while (r->p && r->p < r->end) {
		const char *s = r->p, *e = s;

		while (e < r->end && *e != '\n')
			e++;
		r->p = e < r->end ? e + 1 : e;
		r->lineno++;

		/* a '#' starts a comment at the line start or after whitespace, so a value
		 * such as "pass#word" keeps its '#' */
		for (const char *q = s; q < e; q++) {
			if (*q == '#' && (q == s || is_space(q[-1]))) {
				e = q;
				break;
			}
		}
		while (s < e && is_space(*s))
			s++;
		while (e > s && is_space(e[-1]))
			e--;
		if (s == e)
			continue;

		l->lineno = r->lineno;
		l->key = s;
		while (s < e && !is_space(*s))
			s++;
		l->key_len = (size_t)(s - l->key);
		while (s < e && is_space(*s))
			s++;
		l->val = s;
		l->val_len = (size_t)(e - s);
		return true;
	}
	return false;
}
