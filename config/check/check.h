/* SPDX-License-Identifier: MIT */
/* socksify-check, the wrapper's helper: checks the configuration and the program, and
 * moves a password out of the environment into a private file. */
#ifndef SX_CONFIG_CHECK_CHECK_H
#define SX_CONFIG_CHECK_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* -q: no warnings, except that a static binary will run unproxied. */
extern bool sx_check_quiet;

/* As the library reads a file: a regular file or /dev/null (read as empty), opened
 * non-blocking so a FIFO cannot hang, never cut (-EFBIG past cap). 0 or -errno. */
int sx_check_read_file(const char *path, char *buf, size_t cap, size_t *len, struct stat *st);

/* Exit statuses: 0, or 2 with one line on stderr. */
int sx_check_config(void);
/* The number of reasons the program would run unsocksified, each told on stderr;
 * ld_preload (or NULL) is what it will run with, to find a library of its class. */
int sx_check_program(const char *path, const char *ld_preload);
/* Prints export lines that put the environment's proxy password (or stdin's first line
 * when from_stdin) into a new 0600 file in dir and strip it from the proxy URLs. */
int sx_check_stash(const char *dir, const char *tree, bool from_stdin);

#endif
