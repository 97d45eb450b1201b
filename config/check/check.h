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

struct sx_config;
/* Exit statuses: 0, or 2 with one line on stderr. */
int sx_check_config(void);
struct sx_config;
/* The same, keeping the configuration read (with the password file's password). */
int sx_check_load(struct sx_config *c);
/* The configuration as the library will read it (without the password file). */
int sx_check_load_config(struct sx_config *c);
/* 0 when the kernel lets us make the namespace --strict runs the program in, else 1 with
 * the reason on stdout. */
int sx_check_isolation_probe(void);
/* Runs argv isolated with LD_PRELOAD=preload behind the forwarder; returns only on
 * failure, with the exit status: 2 configuration, 3 isolation, 126/127 exec. */
int sx_check_isolate(const char *preload, bool go, char **argv);
/* The number of reasons the program would run unsocksified, each told on stderr (and
 * "go" on stdout for a Go program); ld_preload (or NULL) is what it will run with, to
 * find a library of its class. */
int sx_check_program(const char *path, const char *ld_preload);
/* The socks5:// URL Go's net/http is given as HTTP_PROXY and HTTPS_PROXY, for the
 * proxy at hostport (NULL: the configured one): NULL, or why there is none. */
const char *sx_check_go_url(const struct sx_config *c, const char *hostport, char *url, size_t n);
/* Prints that URL: 0, or 1 with the reason on stdout. */
int sx_check_go_proxy(void);
/* Prints export lines that put the environment's proxy password (or stdin's first line
 * when from_stdin) into a new 0600 file in dir and strip it from the proxy URLs. */
int sx_check_stash(const char *dir, const char *tree, bool from_stdin);

#endif
