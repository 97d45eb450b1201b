/* SPDX-License-Identifier: MIT */
/* Locale-free character classes for the parsers (the C library's depend on the
 * program's locale, which is not ours to assume). */
#ifndef SX_CONFIG_CHARS_H
#define SX_CONFIG_CHARS_H

#include <stdbool.h>

static inline bool sx_is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static inline bool sx_is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static inline char sx_lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* 0..15, or -1 for a non-hex character. */
static inline int sx_hex_val(char ch)
{
	if (sx_is_digit(ch))
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

#endif
