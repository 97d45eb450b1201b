/* SPDX-License-Identifier: MIT */
/* Lazy, once-only set-up, run by whichever hook comes first (hooks can run before our
 * constructor). Nothing happens at load time, so an idle preload costs nothing. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../config/config_path.h"
#include "../../config/passwords.h"
#include "guard.h"
#include "init.h"
#include "log.h"
#include "readfile.h"
#include "real.h"

static struct sx_state state;
static pthread_once_t state_once = PTHREAD_ONCE_INIT;
static atomic_bool state_loaded;

static const char *env_get(const char *name)
{
	return getenv(name);
}

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* Isolated by the wrapper (--strict), the proxy is reached through the forwarder's
 * listener inside the namespace, SOCKSIFY_FORWARDER=IPV4:PORT: the name and the address
 * of the real proxy mean nothing in here, its credentials still do. */
static const char *forwarder_addr(char *host, size_t n, const char **port)
{
	const char *v = getenv("SOCKSIFY_FORWARDER");
	const char *colon = v ? strrchr(v, ':') : NULL;
	if (!colon || (size_t)(colon - v) >= n)
		return NULL;
	memcpy(host, v, (size_t)(colon - v));
	host[colon - v] = '\0';
	*port = colon + 1;
	return host;
}

/* Proxy references that can be a connection's first hop: a strict group's first
 * member, any member of the others. */
static uint32_t first_hops(const struct sx_config *c)
{
	uint32_t refs = 0;
	for (size_t g = 0; g < c->n_groups; g++) {
		const struct sx_group *gr = &c->groups[g];
		size_t n = gr->pick == SX_PICK_STRICT && gr->n ? 1 : gr->n;
		for (size_t i = 0; i < n; i++)
			refs |= 1u << gr->member[i];
	}
	return refs;
}

static int resolve_one(unsigned ref, const char *host, const char *port, int flags)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV | flags};
	struct addrinfo *res = NULL;
	/* A proxy's own name is resolved locally, once: there is nobody else to ask. */
	int r = sx_real.getaddrinfo(host, port, &hints, &res);
	if (r != 0) {
		sx_log(SX_LOG_ERROR, "cannot resolve proxy host '%s': %s", host, gai_strerror(r));
		return -EHOSTUNREACH;
	}
	struct sx_proxy_addrs *pa = &state.addrs[ref];
	for (struct addrinfo *ai = res; ai && pa->n < SX_PROXY_ADDRS_MAX; ai = ai->ai_next) {
		memcpy(&pa->a[pa->n], ai->ai_addr, ai->ai_addrlen);
		pa->len[pa->n++] = ai->ai_addrlen;
	}
	if (pa->n)
		state.addr_refs |= 1u << ref;
	freeaddrinfo(res);
	return 0;
}

static void resolve_proxies(void)
{
	char inner[64];
	const char *fport;
	if (forwarder_addr(inner, sizeof inner, &fport)) {
		/* Isolated: the listener relays to the server alone; another proxy is
		 * reached by a socket the forwarder hands over, or not at all. */
		const char *u = getenv("SOCKSIFY_FORWARDER_UNIX");
		if (u && strlen(u) < sizeof state.forwarder_unix)
			strcpy(state.forwarder_unix, u);
		if (resolve_one(0, inner, fport, AI_NUMERICHOST) < 0)
			state.config_error = -EHOSTUNREACH;
		return;
	}
	uint32_t refs = first_hops(&state.config);
	for (unsigned ref = 0; ref < SX_REFS_MAX; ref++) {
		const struct sx_proxy *p = sx_config_proxy_at(&state.config, ref);
		if (!(refs & (1u << ref)) || !p)
			continue;
		char port[8];
		snprintf(port, sizeof port, "%u", p->port);
		/* Without the one proxy of a strict default, nothing can be proxied; one of
		 * several is skipped as dead when a connection picks it. */
		if (resolve_one(ref, p->host, port, 0) < 0 && ref == 0 &&
		    state.config.groups[0].pick == SX_PICK_STRICT)
			state.config_error = -EHOSTUNREACH;
	}
}

/* The secret travels as a file name: neither argv nor the environment, both readable
 * in /proc and inherited by every child, ever holds it. */
static int load_password(struct sx_config *c)
{
	static char text[SX_PASSWORD_FILE_MAX]; /* once, under state_once */
	char err[SX_PATH_MAX + 400];
	ssize_t len = sx_read_whole_file(c->password_file, text, sizeof text);
	if (len == 0 && access(c->password_file, F_OK) != 0)
		len = -ENOENT;
	int r =
	    len < 0 ? (int)len : sx_config_apply_passwords(c, text, (size_t)len, err, sizeof err);
	explicit_bzero(text, sizeof text);
	if (len < 0)
		sx_log(SX_LOG_ERROR, "%s: cannot read password file: %s", c->password_file,
		       len == -EFBIG ? "longer than a password"
				     : sx_config_file_strerror((int)len));
	else if (r < 0)
		sx_log(SX_LOG_ERROR, "%s", err);
	return r;
}

static void state_load(void)
{
	sx_real_init();
	sx_config_defaults(&state.config);

	static char text[SX_CONF_FILE_MAX];
	char path[SX_PATH_MAX];
	bool explicit_path;
	sx_config_path(path, sizeof path, env_get, readable, &explicit_path);
	ssize_t len = sx_read_whole_file(path, text, sizeof text);
	if (len == 0 && explicit_path && access(path, F_OK) != 0)
		len = -ENOENT;
	if (len < 0) {
		sx_log(SX_LOG_ERROR, "%s: cannot read config file: %s", path,
		       sx_config_file_strerror((int)len));
		state.config_error = -EINVAL;
		return;
	}
	char err[512];
	int r = sx_config_load(&state.config, env_get, path, len > 0 ? text : NULL,
			       len > 0 ? (size_t)len : 0, err, sizeof err);
	sx_log_setup(state.config.log_level, state.config.log_file);
	if (r < 0) {
		sx_log(SX_LOG_ERROR, "%s", err);
		state.config_error = r;
		return;
	}
	if (state.config.password_file[0] && load_password(&state.config) < 0) {
		state.config_error = -EINVAL;
		return;
	}
	if (!state.config.has_proxy) {
		sx_log(SX_LOG_ERROR,
		       "no proxy configured: set SOCKS_SERVER or use socksify -s URL");
		state.config_error = -EINVAL;
		return;
	}
	resolve_proxies();
}

const struct sx_state *sx_state(void)
{
	sx_guard_enter();
	pthread_once(&state_once, state_load);
	sx_guard_leave();
	atomic_store_explicit(&state_loaded, true, memory_order_release);
	return &state;
}

bool sx_state_loaded(void)
{
	return atomic_load_explicit(&state_loaded, memory_order_acquire);
}
