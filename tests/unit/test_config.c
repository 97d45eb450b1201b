/* SPDX-License-Identifier: MIT */
/* sx_config_load: defaults < file < environment, every variable and file key, every
 * error with its prefix or line number. The environment is a fake getter over an array. */
#include <errno.h>
#include <string.h>

#include "../../config/config.h"
#include "config_load.h"
#include "tap.h"

static void test_defaults(void)
{
	TAP_IS(load(NULL, NULL), 0, "nothing configured");
	TAP_STR(err, "", "  err cleared");
	TAP_OK(!cfg.has_proxy, "  no proxy");
	TAP_IS(cfg.dns, SX_DNS_LOCAL, "  dns local without a proxy");
	TAP_OK(cfg.bypass_loopback, "  bypass_loopback on");
	TAP_IS(cfg.connect_timeout_ms, 10000, "  connect timeout");
	TAP_IS(cfg.handshake_timeout_ms, 10000, "  handshake timeout");
	TAP_IS(cfg.log_level, SX_LOG_ERROR, "  log error");
	TAP_STR(cfg.log_file, "", "  log to stderr");
	TAP_IS(cfg.udp, SX_UDP_BLOCK, "  udp block");
	TAP_IS(cfg.bind, SX_BIND_AUTO, "  bind auto");
	TAP_IS(cfg.bind_timeout_ms, 120000, "  bind timeout");
	TAP_OK(!cfg.proxy.pipeline, "  pipeline not forced on");
	TAP_OK(cfg.pipeline_auto, "  pipeline auto");
	TAP_IS(cfg.bypass.n, 0, "  no bypass");
	TAP_OK(!cfg.bypass.all, "  not all");

	sx_config_defaults(&cfg);
	TAP_IS(sx_config_load(&cfg, NULL, NULL, NULL, 0, NULL, 0), 0, "NULL getter and buffers");
	TAP_IS(load("", NULL), 0, "empty file");
	TAP_IS(load("\n\n# only comments\n   \t\n", NULL), 0, "blank and comment lines");
}

static void test_file_all_keys(void)
{
	const char *f = "# socksify.conf\n"
			"server socks5://fu:fp@file.example:1081\n"
			"bypass 10.0.0.0/8, .corp\n"
			"bypass example.org   # trailing comment\n"
			"dns proxy\n"
			"log debug\n"
			"log_file /var/log/socksify log.txt\n"
			"connect_timeout 500ms\n"
			"handshake_timeout 2s\n"
			"udp direct\n"
			"bind off\n"
			"bind_timeout 30s\n"
			"pipeline on\n"
			"bypass_loopback off\n";

	TAP_IS(load(f, NULL), 0, "file with every key");
	TAP_OK(cfg.has_proxy, "  proxy");
	TAP_IS(cfg.proxy.proto, SX_PROTO_SOCKS5, "  proto");
	TAP_STR(cfg.proxy.host, "file.example", "  host");
	TAP_IS(cfg.proxy.port, 1081, "  port");
	TAP_OK(cfg.proxy.has_user, "  has_user");
	TAP_STR(cfg.proxy.user, "fu", "  user");
	TAP_STR(cfg.proxy.pass, "fp", "  pass");
	TAP_IS(cfg.bypass.n, 3, "  bypass lines accumulate");
	TAP_OK(sx_bypass_match_name(&cfg.bypass, "x.corp", 1), "  .corp");
	TAP_OK(sx_bypass_match_name(&cfg.bypass, "example.org", 1), "  example.org");
	TAP_IS(cfg.dns, SX_DNS_PROXY, "  dns");
	TAP_IS(cfg.log_level, SX_LOG_DEBUG, "  log");
	TAP_STR(cfg.log_file, "/var/log/socksify log.txt", "  log_file keeps inner space");
	TAP_IS(cfg.connect_timeout_ms, 500, "  connect_timeout");
	TAP_IS(cfg.handshake_timeout_ms, 2000, "  handshake_timeout");
	TAP_IS(cfg.udp, SX_UDP_DIRECT, "  udp");
	TAP_IS(cfg.bind, SX_BIND_OFF, "  bind");
	TAP_IS(cfg.bind_timeout_ms, 30000, "  bind_timeout");
	TAP_OK(cfg.proxy.pipeline, "  pipeline");
	TAP_OK(!cfg.bypass_loopback, "  bypass_loopback");
}

static void test_file_syntax(void)
{
	TAP_IS(load("server h:1\r\nlog info\r\n", NULL), 0, "CRLF lines");
	TAP_STR(cfg.proxy.host, "h", "  host without CR");
	TAP_IS(cfg.log_level, SX_LOG_INFO, "  log");
	TAP_IS(load("\t server \t h:2 \t", NULL), 0, "tabs and spaces, no final newline");
	TAP_IS(cfg.proxy.port, 2, "  port");
	TAP_IS(load("server h:3\npassword pa#ss\nuser u\n", NULL), 0, "'#' inside a value");
	TAP_STR(cfg.proxy.pass, "pa#ss", "  kept");
	TAP_IS(load("server h\npassword pa #ss\n", NULL), 0, "' #' starts a comment");
	TAP_STR(cfg.proxy.pass, "pa", "  cut");
	TAP_IS(load("server h\npassword pa\t#ss\n", NULL), 0, "tab '#' starts a comment");
	TAP_STR(cfg.proxy.pass, "pa", "  cut");
	TAP_IS(load("#server h:4\n", NULL), 0, "commented-out line");
	TAP_OK(!cfg.has_proxy, "  ignored");
	TAP_IS(load("   # indented comment\nSERVER h:5\nLog Warn\n", NULL), 0,
	       "keys case-insensitive");
	TAP_IS(cfg.proxy.port, 5, "  port");
	TAP_IS(cfg.log_level, SX_LOG_WARN, "  log");
	TAP_IS(load("server a:1\nserver b:2\n", NULL), 0, "later server wins");
	TAP_STR(cfg.proxy.host, "b", "  host");

	/* the file's user/password belong to its server, whatever the line order */
	TAP_IS(load("user fu\npassword fp\nserver socks5://uu:pp@h\n", NULL), 0,
	       "user before server");
	TAP_STR(cfg.proxy.user, "fu", "  user key wins over URL");
	TAP_STR(cfg.proxy.pass, "fp", "  password key wins over URL");
	TAP_IS(load("server socks5://uu:pp@h\nuser fu\n", NULL), 0, "user only");
	TAP_STR(cfg.proxy.user, "fu", "  user replaced");
	TAP_STR(cfg.proxy.pass, "pp", "  URL password kept");
	TAP_IS(load("server socks5://h\npassword only\n", NULL), 0, "password only");
	TAP_OK(cfg.proxy.has_user, "  has_user");

	/* the file arrives as bytes plus a length: no NUL needed, bytes past len ignored */
	sx_config_defaults(&cfg);
	const char text[] = "log info\nlog debug";
	TAP_IS(sx_config_load(&cfg, NULL, "t.conf", text, 9, err, sizeof(err)), 0,
	       "length-bounded");
	TAP_IS(cfg.log_level, SX_LOG_INFO, "  second line not read");
}

static void test_file_errors(void)
{
	static const struct {
		const char *file, *err;
	} t[] = {
	    {"foo bar\n", "t.conf:1: unknown key 'foo'"},
	    {"\n# c\nlog info\nservr h\n", "t.conf:4: unknown key 'servr'"},
	    {"server\n", "t.conf:1: server: missing value"},
	    {"server   # nothing\n", "t.conf:1: server: missing value"},
	    {"log\n", "t.conf:1: log: missing value"},
	    {"\n\nserver socks5://h:0\n", "t.conf:3: server: port out of range (1 to 65535)"},
	    {"server socks5://alice:s3cret\n",
	     "t.conf:1: server: bad port: not a number (user:password must be followed by @host)"},
	    {"password=s3cret\n",
	     "t.conf:1: unknown key 'password...' (write the key, blanks, the value)"},
	    {"pass:s3cret\n", "t.conf:1: unknown key 'pass...' (write the key, blanks, the value)"},
	    {"server https://h\n",
	     "t.conf:1: server: unsupported scheme 'https' (use socks4, socks4a, socks5, "
	     "socks5h or http)"},
	    {"server socks5://u:p%zz@h\n", "t.conf:1: server: bad percent-encoding in password"},
	    {"bypass ok.test\nbypass 10.0.0.0/33\n",
	     "t.conf:2: bypass: bad bypass entry '10.0.0.0/33'"},
	    {"dns sometimes\n", "t.conf:1: dns: expected local, remote or proxy, got 'sometimes'"},
	    {"log loud\n",
	     "t.conf:1: log: expected none, error, warn, info, debug or 0-4, got 'loud'"},
	    {"log 5\n", "t.conf:1: log: expected none, error, warn, info, debug or 0-4, got '5'"},
	    {"connect_timeout soon\n",
	     "t.conf:1: connect_timeout: bad duration 'soon' (use e.g. 500ms or 10s)"},
	    {"handshake_timeout 0\n",
	     "t.conf:1: handshake_timeout: duration '0' out of range (1ms to 3600s)"},
	    {"handshake_timeout 3601s\n",
	     "t.conf:1: handshake_timeout: duration '3601s' out of range (1ms to 3600s)"},
	    {"udp relay\n", "t.conf:1: udp: expected block or direct, got 'relay'"},
	    {"bind always\n", "t.conf:1: bind: expected auto, on or off, got 'always'"},
	    {"bind_timeout 0\n",
	     "t.conf:1: bind_timeout: duration '0' out of range (1ms to 3600s)"},
	    {"pipeline maybe\n", "t.conf:1: pipeline: expected auto, on or off, got 'maybe'"},
	    {"bypass_loopback 2\n", "t.conf:1: bypass_loopback: expected on or off, got '2'"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		TAP_IS(load(t[i].file, NULL), -EINVAL, "file error %zu", i);
		TAP_STR(err, t[i].err, "  '%s'", err);
	}

	char big[SX_PATH_MAX * 3];
	strcpy(big, "user ");
	memset(big + 5, 'u', 256);
	strcpy(big + 5 + 256, "\n");
	TAP_IS(load(big, NULL), -EINVAL, "256-byte user");
	TAP_STR(err, "t.conf:1: user: longer than 255 bytes", "  message");
	big[5 + 255] = '\n';
	big[5 + 256] = '\0';
	TAP_IS(load(big, NULL), 0, "255-byte user");
	TAP_IS(strlen(cfg.proxy.user), 255, "  stored");

	strcpy(big, "password ");
	memset(big + 9, 'p', 256);
	big[9 + 256] = '\0';
	TAP_IS(load(big, NULL), -EINVAL, "256-byte password");
	TAP_STR(err, "t.conf:1: password: longer than 255 bytes", "  message");

	strcpy(big, "log_file /");
	memset(big + 10, 'f', SX_PATH_MAX - 1);
	big[10 + SX_PATH_MAX - 1] = '\0';
	TAP_IS(load(big, NULL), -EINVAL, "log_file of 4096 bytes");
	TAP_STR(err, "t.conf:1: log_file: path longer than 4095 bytes", "  message");
	big[10 + SX_PATH_MAX - 2] = '\0';
	TAP_IS(load(big, NULL), 0, "log_file of 4095 bytes");
	TAP_IS(strlen(cfg.log_file), 4095, "  stored");

	strcpy(big, "bypass ");
	memset(big + 7, 'b', sizeof(big) - 8);
	big[sizeof(big) - 1] = '\0';
	TAP_IS(load(big, NULL), -EINVAL, "overlong value");
	TAP_STR(err, "t.conf:1: bypass: value longer than 8191 bytes", "  message");

	const char nul[] = "log info\nlog de\0ug\n";
	sx_config_defaults(&cfg);
	TAP_IS(sx_config_load(&cfg, NULL, "t.conf", nul, sizeof(nul) - 1, err, sizeof(err)),
	       -EINVAL, "NUL byte");
	TAP_STR(err, "t.conf:2: log: NUL byte in value", "  message");

	sx_config_defaults(&cfg);
	TAP_IS(sx_config_load(&cfg, NULL, NULL, "bogus 1", 7, err, sizeof(err)), -EINVAL,
	       "no file name");
	TAP_STR(err, "config file:1: unknown key 'bogus'", "  placeholder name");
}

static void test_server_env(void)
{
	const char *f = "server socks5://fu:fp@file:1\npipeline on\n";

	TAP_IS(load(f, ENV("SOCKS_SERVER", "socks4a://env:2")), 0, "SOCKS_SERVER over file");
	TAP_IS(cfg.proxy.proto, SX_PROTO_SOCKS4A, "  proto");
	TAP_STR(cfg.proxy.host, "env", "  host");
	TAP_IS(cfg.proxy.port, 2, "  port");
	TAP_OK(!cfg.proxy.has_user, "  file credentials dropped");
	TAP_STR(cfg.proxy.user, "", "  no user");
	TAP_STR(cfg.proxy.pass, "", "  no pass");
	TAP_OK(cfg.proxy.pipeline, "  pipeline setting survives");

	TAP_IS(load("server h\nuser fu\npassword fp\n", ENV("SOCKS_SERVER", "e")), 0,
	       "file user/password keys go with the file server");
	TAP_OK(!cfg.proxy.has_user, "  dropped");

	TAP_IS(load(f, ENV("SOCKS_SERVER", "socks5://eu:ep@e", "SOCKS_USERNAME", "xu")), 0,
	       "SOCKS_USERNAME over URL user");
	TAP_STR(cfg.proxy.user, "xu", "  user");
	TAP_STR(cfg.proxy.pass, "ep", "  URL password kept");
	TAP_IS(load(f, ENV("SOCKS_SERVER", "e", "SOCKS_USERNAME", "xu", "SOCKS_PASSWORD", "xp")), 0,
	       "SOCKS_USERNAME and SOCKS_PASSWORD");
	TAP_OK(cfg.proxy.has_user, "  has_user");
	TAP_STR(cfg.proxy.user, "xu", "  user");
	TAP_STR(cfg.proxy.pass, "xp", "  pass");
	TAP_IS(load(f, ENV("SOCKS_PASSWORD", " sp ace ")), 0, "SOCKS_PASSWORD over file server");
	TAP_STR(cfg.proxy.user, "fu", "  file user kept");
	TAP_STR(cfg.proxy.pass, " sp ace ", "  env password verbatim");

	TAP_IS(load(NULL, ENV("SOCKS5_SERVER", "h5:5")), 0, "SOCKS5_SERVER bare");
	TAP_IS(cfg.proxy.proto, SX_PROTO_SOCKS5, "  socks5, not socks5h");
	TAP_IS(cfg.dns, SX_DNS_LOCAL, "  dns local");
	TAP_IS(load(NULL, ENV("SOCKS4_SERVER", "h4:4")), 0, "SOCKS4_SERVER bare");
	TAP_IS(cfg.proxy.proto, SX_PROTO_SOCKS4, "  socks4");
	TAP_IS(load(NULL, ENV("SOCKS5_SERVER", "socks5h://h")), 0, "SOCKS5_SERVER with scheme");
	TAP_IS(cfg.proxy.proto, SX_PROTO_SOCKS5H, "  scheme wins");

	TAP_IS(load(NULL, ENV("SOCKS_SERVER", "a", "SOCKS5_SERVER", "b", "SOCKS4_SERVER", "c",
			      "all_proxy", "socks5://d", "ALL_PROXY", "socks5://e")),
	       0, "all five set");
	TAP_STR(cfg.proxy.host, "a", "  SOCKS_SERVER first");
	TAP_IS(load(NULL, ENV("SOCKS5_SERVER", "b", "SOCKS4_SERVER", "c", "all_proxy", "socks5://d",
			      "ALL_PROXY", "socks5://e")),
	       0, "no SOCKS_SERVER");
	TAP_STR(cfg.proxy.host, "b", "  SOCKS5_SERVER next");
	TAP_IS(load(NULL, ENV("SOCKS4_SERVER", "c", "all_proxy", "socks5://d", "ALL_PROXY",
			      "socks5://e")),
	       0, "then SOCKS4_SERVER");
	TAP_STR(cfg.proxy.host, "c", "  SOCKS4_SERVER");
	TAP_IS(load(NULL, ENV("all_proxy", "socks5://d", "ALL_PROXY", "socks5://e")), 0,
	       "then all_proxy");
	TAP_STR(cfg.proxy.host, "d", "  lower case first, as curl");
	TAP_IS(load(NULL, ENV("ALL_PROXY", "SOCKS4://e")), 0, "ALL_PROXY socks");
	TAP_STR(cfg.proxy.host, "e", "  used");
	TAP_IS(cfg.proxy.proto, SX_PROTO_SOCKS4, "  proto");

	TAP_IS(load(f, ENV("ALL_PROXY", "http://squid:3128")), 0, "ALL_PROXY http ignored");
	TAP_STR(cfg.proxy.host, "file", "  file server kept");
	TAP_IS(load(NULL, ENV("all_proxy", "squid:3128")), 0, "scheme-less all_proxy ignored");
	TAP_OK(!cfg.has_proxy, "  no proxy");
	TAP_IS(load(NULL, ENV("all_proxy", "http://x", "ALL_PROXY", "socks5://y")), 0,
	       "http all_proxy falls through to ALL_PROXY");
	TAP_STR(cfg.proxy.host, "y", "  ALL_PROXY");
	TAP_IS(load(f, ENV("SOCKS_SERVER", "http://u:p@squid:3128")), 0, "SOCKS_SERVER http");
	TAP_IS(cfg.proxy.proto, SX_PROTO_HTTP, "  an HTTP CONNECT proxy");
	TAP_IS(cfg.proxy.port, 3128, "  port");
	TAP_IS(cfg.dns, SX_DNS_REMOTE, "  names go to it: remote DNS");
	TAP_IS(load(f, ENV("SOCKS_SERVER", "")), 0, "empty SOCKS_SERVER means unset");
	TAP_STR(cfg.proxy.host, "file", "  file server kept");
}

static void test_dns(void)
{
	static const struct {
		const char *url;
		enum sx_dns_mode dns;
	} t[] = {
	    {"socks4://h", SX_DNS_LOCAL}, {"socks4a://h", SX_DNS_REMOTE},
	    {"socks5://h", SX_DNS_LOCAL}, {"socks5h://h", SX_DNS_REMOTE},
	    {"h", SX_DNS_REMOTE},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		TAP_IS(load(NULL, ENV("SOCKS_SERVER", t[i].url)), 0, "dns for %s", t[i].url);
		TAP_IS(cfg.dns, t[i].dns, "  derived");
	}
	TAP_IS(load("dns local\n", ENV("SOCKS_SERVER", "socks5h://h")), 0, "file dns wins");
	TAP_IS(cfg.dns, SX_DNS_LOCAL, "  local");
	TAP_IS(load("dns local\n", ENV("SOCKS_SERVER", "socks5h://h", "SOCKSIFY_DNS", "Remote")), 0,
	       "env dns over file");
	TAP_IS(cfg.dns, SX_DNS_REMOTE, "  remote");
	TAP_IS(load(NULL, ENV("SOCKS_SERVER", "socks5://h", "SOCKSIFY_DNS", " proxy ")), 0,
	       "dns proxy, blanks tolerated");
	TAP_IS(cfg.dns, SX_DNS_PROXY, "  proxy");
	TAP_IS(load("server socks4a://h\n", ENV("SOCKS_SERVER", "socks5://h")), 0,
	       "derived from the final proto");
	TAP_IS(cfg.dns, SX_DNS_LOCAL, "  local");
}

static void test_env_settings(void)
{
	const char *f = "log warn\nconnect_timeout 1\nhandshake_timeout 2\nudp direct\n"
			"pipeline on\nbypass_loopback off\nlog_file /f\n";

	TAP_IS(load(f, ENV("SOCKSIFY_LOG", "none", "SOCKSIFY_CONNECT_TIMEOUT", "3s",
			   "SOCKSIFY_HANDSHAKE_TIMEOUT", "4000", "SOCKSIFY_UDP", "block",
			   "SOCKSIFY_PIPELINE", "off", "SOCKSIFY_BYPASS_LOOPBACK", "on",
			   "SOCKSIFY_LOG_FILE", "/e")),
	       0, "env over every file setting");
	TAP_IS(cfg.log_level, SX_LOG_NONE, "  log");
	TAP_IS(cfg.connect_timeout_ms, 3000, "  connect timeout");
	TAP_IS(cfg.handshake_timeout_ms, 4000, "  handshake timeout");
	TAP_IS(cfg.udp, SX_UDP_BLOCK, "  udp");
	TAP_OK(!cfg.proxy.pipeline, "  pipeline");
	TAP_OK(cfg.bypass_loopback, "  bypass_loopback");
	TAP_STR(cfg.log_file, "/e", "  log_file");

	TAP_IS(load(f, NULL), 0, "file only");
	TAP_IS(cfg.log_level, SX_LOG_WARN, "  log");
	TAP_IS(cfg.connect_timeout_ms, 1, "  connect timeout");
	TAP_STR(cfg.log_file, "/f", "  log_file");

	static const struct {
		const char *v;
		enum sx_log_level l;
	} logs[] = {
	    {"none", SX_LOG_NONE}, {"error", SX_LOG_ERROR}, {"warn", SX_LOG_WARN},
	    {"info", SX_LOG_INFO}, {"debug", SX_LOG_DEBUG}, {"0", SX_LOG_NONE},
	    {"1", SX_LOG_ERROR},   {"2", SX_LOG_WARN},	    {"3", SX_LOG_INFO},
	    {"4", SX_LOG_DEBUG},   {"DEBUG", SX_LOG_DEBUG}, {"warning", SX_LOG_WARN},
	    {"off", SX_LOG_NONE},
	};
	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		TAP_IS(load(NULL, ENV("SOCKSIFY_LOG", logs[i].v)), 0, "SOCKSIFY_LOG=%s", logs[i].v);
		TAP_IS(cfg.log_level, logs[i].l, "  level");
	}

	static const struct {
		const char *v;
		unsigned ms;
	} durs[] = {
	    {"1", 1},
	    {"500", 500},
	    {"500ms", 500},
	    {"500MS", 500},
	    {"10s", 10000},
	    {"10 s", 10000},
	    {" 7 ms ", 7},
	    {"3600s", 3600000},
	    {"3600000", 3600000},
	    {"3600000ms", 3600000},
	    {"0001", 1},
	};
	for (size_t i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
		TAP_IS(load(NULL, ENV("SOCKSIFY_CONNECT_TIMEOUT", durs[i].v)), 0,
		       "SOCKSIFY_CONNECT_TIMEOUT='%s'", durs[i].v);
		TAP_IS(cfg.connect_timeout_ms, durs[i].ms, "  ms");
	}

	static const struct {
		const char *v;
		bool on;
	} bools[] = {{"on", true},  {"off", false}, {"ON", true},     {"Off", false}, {"yes", true},
		     {"no", false}, {"true", true}, {"false", false}, {"1", true},    {"0", false}};
	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		TAP_IS(load(NULL, ENV("SOCKSIFY_PIPELINE", bools[i].v, "SOCKSIFY_BYPASS_LOOPBACK",
				      bools[i].v)),
		       0, "on/off '%s'", bools[i].v);
		TAP_IS(cfg.proxy.pipeline, bools[i].on, "  pipeline");
		TAP_OK(!cfg.pipeline_auto, "  pipeline not auto");
		TAP_IS(cfg.bypass_loopback, bools[i].on, "  bypass_loopback");
	}
	TAP_IS(load(NULL, ENV("SOCKSIFY_UDP", "DIRECT")), 0, "SOCKSIFY_UDP");
	TAP_IS(cfg.udp, SX_UDP_DIRECT, "  direct");
	TAP_IS(load(NULL, ENV("SOCKSIFY_BIND", "on", "SOCKSIFY_BIND_TIMEOUT", "5s")), 0,
	       "SOCKSIFY_BIND, SOCKSIFY_BIND_TIMEOUT");
	TAP_IS(cfg.bind, SX_BIND_ON, "  on");
	TAP_IS(cfg.bind_timeout_ms, 5000, "  5 s");
	TAP_IS(load(NULL, ENV("SOCKSIFY_PIPELINE", "on", "SOCKS_SERVER", "h")), 0,
	       "pipeline with env server");
	TAP_OK(cfg.proxy.pipeline, "  on");
	TAP_IS(load("pipeline on\n", ENV("SOCKSIFY_PIPELINE", "Auto")), 0, "pipeline auto");
	TAP_OK(cfg.pipeline_auto && !cfg.proxy.pipeline, "  auto, not forced on");
}

static void test_env_bypass(void)
{
	TAP_IS(load("bypass file.test\n",
		    ENV("SOCKSIFY_BYPASS", "env.test 10.0.0.0/8", "NO_PROXY", ".np.test")),
	       0, "file + SOCKSIFY_BYPASS + NO_PROXY");
	TAP_IS(cfg.bypass.n, 4, "  four entries");
	TAP_OK(sx_bypass_match_name(&cfg.bypass, "file.test", 1), "  file");
	TAP_OK(sx_bypass_match_name(&cfg.bypass, "env.test", 1), "  SOCKSIFY_BYPASS");
	TAP_OK(sx_bypass_match_name(&cfg.bypass, "a.np.test", 1), "  NO_PROXY");
	TAP_OK(!sx_bypass_match_name(&cfg.bypass, "other.test", 1), "  others proxied");

	TAP_IS(load(NULL, ENV("no_proxy", "lower.test", "NO_PROXY", "upper.test")), 0,
	       "no_proxy and NO_PROXY");
	TAP_OK(sx_bypass_match_name(&cfg.bypass, "lower.test", 1), "  no_proxy used");
	TAP_OK(!sx_bypass_match_name(&cfg.bypass, "upper.test", 1), "  NO_PROXY not read");
	TAP_IS(load(NULL, ENV("NO_PROXY", "*")), 0, "NO_PROXY *");
	TAP_OK(cfg.bypass.all, "  everything direct");
}

static void test_env_errors(void)
{
	static const struct {
		const char *name, *value, *err;
	} t[] = {
	    {"SOCKS_SERVER", "socks5://h:99999", "SOCKS_SERVER: port out of range (1 to 65535)"},
	    {"SOCKS_SERVER", "https://h",
	     "SOCKS_SERVER: unsupported scheme 'https' (use socks4, socks4a, socks5, socks5h or "
	     "http)"},
	    {"SOCKS_SERVER", "socks5://u:s3cret%zz@h",
	     "SOCKS_SERVER: bad percent-encoding in password"},
	    {"SOCKS5_SERVER", "socks5://", "SOCKS5_SERVER: empty host"},
	    {"SOCKS4_SERVER", "h:0", "SOCKS4_SERVER: port out of range (1 to 65535)"},
	    {"all_proxy", "socks5://[::1", "all_proxy: unterminated [ in IPv6 address"},
	    {"ALL_PROXY", "socks://h",
	     "ALL_PROXY: unsupported scheme 'socks' (use socks4, socks4a, socks5, socks5h or "
	     "http)"},
	    {"SOCKSIFY_BYPASS", "10.0.0.0/33", "SOCKSIFY_BYPASS: bad bypass entry '10.0.0.0/33'"},
	    {"NO_PROXY", "a.test,::1/200", "NO_PROXY: bad bypass entry '::1/200'"},
	    {"no_proxy", "[::1", "no_proxy: bad bypass entry '[::1'"},
	    {"SOCKSIFY_DNS", "both", "SOCKSIFY_DNS: expected local, remote or proxy, got 'both'"},
	    {"SOCKSIFY_LOG", "trace",
	     "SOCKSIFY_LOG: expected none, error, warn, info, debug or 0-4, got 'trace'"},
	    {"SOCKSIFY_LOG", "-1",
	     "SOCKSIFY_LOG: expected none, error, warn, info, debug or 0-4, got '-1'"},
	    {"SOCKSIFY_CONNECT_TIMEOUT", "10m",
	     "SOCKSIFY_CONNECT_TIMEOUT: bad duration '10m' (use e.g. 500ms or 10s)"},
	    {"SOCKSIFY_CONNECT_TIMEOUT", "ms",
	     "SOCKSIFY_CONNECT_TIMEOUT: bad duration 'ms' (use e.g. 500ms or 10s)"},
	    {"SOCKSIFY_CONNECT_TIMEOUT", "1.5s",
	     "SOCKSIFY_CONNECT_TIMEOUT: bad duration '1.5s' (use e.g. 500ms or 10s)"},
	    {"SOCKSIFY_CONNECT_TIMEOUT", "-5",
	     "SOCKSIFY_CONNECT_TIMEOUT: bad duration '-5' (use e.g. 500ms or 10s)"},
	    {"SOCKSIFY_CONNECT_TIMEOUT", "0ms",
	     "SOCKSIFY_CONNECT_TIMEOUT: duration '0ms' out of range (1ms to 3600s)"},
	    {"SOCKSIFY_HANDSHAKE_TIMEOUT", "3600001",
	     "SOCKSIFY_HANDSHAKE_TIMEOUT: duration '3600001' out of range (1ms to 3600s)"},
	    {"SOCKSIFY_HANDSHAKE_TIMEOUT", "99999999999999999999999s",
	     "SOCKSIFY_HANDSHAKE_TIMEOUT: duration '99999999999999999999999s' out of range (1ms "
	     "to 3600s)"},
	    {"SOCKSIFY_UDP", "relay", "SOCKSIFY_UDP: expected block or direct, got 'relay'"},
	    {"SOCKSIFY_BIND", "yes", "SOCKSIFY_BIND: expected auto, on or off, got 'yes'"},
	    {"SOCKSIFY_PIPELINE", "enabled",
	     "SOCKSIFY_PIPELINE: expected auto, on or off, got 'enabled'"},
	    {"SOCKSIFY_BYPASS_LOOPBACK", "2",
	     "SOCKSIFY_BYPASS_LOOPBACK: expected on or off, got '2'"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		TAP_IS(load(NULL, ENV(t[i].name, t[i].value)), -EINVAL, "%s='%s'", t[i].name,
		       t[i].value);
		TAP_STR(err, t[i].err, "  '%s'", err);
		TAP_OK(strstr(err, "s3cret") == NULL, "  no password");
	}

	char big[SX_PATH_MAX + 2];
	memset(big, 'u', 256);
	big[256] = '\0';
	TAP_IS(load(NULL, ENV("SOCKS_USERNAME", big)), -EINVAL, "256-byte SOCKS_USERNAME");
	TAP_STR(err, "SOCKS_USERNAME: longer than 255 bytes", "  message");
	big[255] = '\0';
	TAP_IS(load(NULL, ENV("SOCKS_USERNAME", big)), 0, "255-byte SOCKS_USERNAME");
	memset(big, 'p', 256);
	big[256] = '\0';
	TAP_IS(load(NULL, ENV("SOCKS_PASSWORD", big)), -EINVAL, "256-byte SOCKS_PASSWORD");
	TAP_STR(err, "SOCKS_PASSWORD: longer than 255 bytes", "  message, no password");
	memset(big, 'f', SX_PATH_MAX);
	big[SX_PATH_MAX] = '\0';
	TAP_IS(load(NULL, ENV("SOCKSIFY_LOG_FILE", big)), -EINVAL, "4096-byte SOCKSIFY_LOG_FILE");
	TAP_STR(err, "SOCKSIFY_LOG_FILE: path longer than 4095 bytes", "  message");

	/* a file error stops before the environment is read */
	TAP_IS(load("bogus 1\n", ENV("SOCKS_SERVER", "h:0")), -EINVAL, "file error first");
	TAP_STR(err, "t.conf:1: unknown key 'bogus'", "  file message");

	/* too many bypass entries across file and env */
	char list[SX_BYPASS_MAX * 8 + 16] = "bypass ";
	for (int i = 0; i < SX_BYPASS_MAX; i++)
		sprintf(list + strlen(list), "h%d.t ", i);
	TAP_IS(load(list, ENV("NO_PROXY", "one.more")), -EINVAL, "65 bypass entries");
	TAP_STR(err, "NO_PROXY: too many bypass entries (at most 64)", "  message");
}

static void test_dns_intercept(void)
{
	TAP_IS(load(NULL, NULL), 0, "dns_intercept: empty by default");
	TAP_IS(cfg.n_dns_intercept, 0, "  no addresses");
	TAP_IS(load("dns_intercept 127.0.0.1, ::1  192.0.2.53\n", NULL), 0, "from the file");
	TAP_IS(cfg.n_dns_intercept, 3, "  three addresses");
	TAP_IS(cfg.dns_intercept_af[0], 4, "  first IPv4");
	TAP_IS(cfg.dns_intercept_addr[0][0], 127, "  127.0.0.1");
	TAP_IS(cfg.dns_intercept_af[1], 6, "  second IPv6");
	TAP_IS(cfg.dns_intercept_addr[1][15], 1, "  ::1");
	TAP_IS(cfg.dns_intercept_addr[2][3], 53, "  192.0.2.53");
	TAP_IS(load("dns_intercept 127.0.0.1 ::1\n", ENV("SOCKSIFY_DNS_INTERCEPT", "10.0.0.1,")), 0,
	       "the environment replaces the file's list");
	TAP_IS(cfg.n_dns_intercept, 1, "  one address");
	TAP_IS(cfg.dns_intercept_addr[0][0], 10, "  10.0.0.1");
	TAP_IS(load(NULL, ENV("SOCKSIFY_DNS_INTERCEPT", "127.0.0.1,dns.example")), -EINVAL,
	       "a name is rejected");
	TAP_STR(err, "SOCKSIFY_DNS_INTERCEPT: expected IP addresses, got 'dns.example'",
		"  message");
	TAP_IS(load(NULL, ENV("SOCKSIFY_DNS_INTERCEPT", "1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4 5.5.5.5 "
							"6.6.6.6 7.7.7.7 8.8.8.8 9.9.9.9")),
	       -EINVAL, "nine addresses rejected");
	TAP_STR(err, "SOCKSIFY_DNS_INTERCEPT: more than 8 addresses", "  message");
}

static void test_dns_server(void)
{
	TAP_IS(load(NULL, NULL), 0, "dns_server: unset by default");
	TAP_IS(cfg.dns_server_af, 0, "  af 0");
	TAP_IS(load("dns_server 192.0.2.53\n", NULL), 0, "dns_server from the file");
	TAP_IS(cfg.dns_server_af, 4, "  IPv4");
	TAP_IS(cfg.dns_server_addr[3], 53, "  192.0.2.53");
	TAP_IS(cfg.dns_server_port, 53, "  default port 53");
	TAP_IS(load(NULL, ENV("SOCKSIFY_DNS_SERVER", "[2001:db8::53]:5353")), 0, "IPv6 with port");
	TAP_IS(cfg.dns_server_af, 6, "  IPv6");
	TAP_IS(cfg.dns_server_port, 5353, "  port 5353");
	TAP_IS(load(NULL, ENV("SOCKSIFY_DNS_SERVER", "2001:db8::53")), 0, "bare IPv6");
	TAP_IS(cfg.dns_server_port, 53, "  port 53");
	TAP_IS(load(NULL, ENV("SOCKSIFY_DNS_SERVER", "192.0.2.53:99")), 0, "IPv4 with port");
	TAP_IS(cfg.dns_server_port, 99, "  port 99");
	static const struct {
		const char *val, *msg;
	} bad[] = {
	    {"dns.example", "SOCKSIFY_DNS_SERVER: expected an IP address[:port]"},
	    {"192.0.2.53:0", "SOCKSIFY_DNS_SERVER: port 0 out of range"},
	    {"192.0.2.53:70000", "SOCKSIFY_DNS_SERVER: port 70000 out of range"},
	    {"192.0.2.53:x", "SOCKSIFY_DNS_SERVER: bad port"},
	    {"[2001:db8::53", "SOCKSIFY_DNS_SERVER: unterminated ["},
	    {"192.0.2.53:", "SOCKSIFY_DNS_SERVER: missing port"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		TAP_IS(load(NULL, ENV("SOCKSIFY_DNS_SERVER", bad[i].val)), -EINVAL, "'%s' rejected",
		       bad[i].val);
		TAP_OK(strncmp(err, bad[i].msg, strlen(bad[i].msg)) == 0, "  message: %s", err);
	}
}

static void test_strict(void)
{
	TAP_IS(load(NULL, ENV("SOCKS_SERVER", "socks5://h", "SOCKSIFY_STRICT", "on")), 0,
	       "strict with socks5: names go to the proxy");
	TAP_IS(cfg.dns, SX_DNS_REMOTE, "  dns remote");
	TAP_OK(cfg.strict, "  strict");
	TAP_IS(load(NULL, ENV("SOCKS_SERVER", "socks5h://h", "SOCKSIFY_STRICT", "1", "SOCKSIFY_UDP",
			      "direct")),
	       0, "strict overrides udp direct");
	TAP_IS(cfg.udp, SX_UDP_BLOCK, "  udp block");
	TAP_IS(load(NULL, ENV("SOCKS_SERVER", "socks5h://h", "SOCKSIFY_STRICT", "on",
			      "SOCKSIFY_DNS", "local")),
	       -EINVAL, "strict refuses dns local");
	TAP_OK(strstr(err, "strict mode: dns local") != NULL, "  message: %s", err);
	TAP_IS(load("strict yes\n", ENV("SOCKS_SERVER", "socks4://h")), -EINVAL,
	       "strict refuses socks4 (no names)");
	TAP_OK(strstr(err, "socks4 cannot carry names") != NULL, "  message: %s", err);
	TAP_IS(load(NULL, ENV("SOCKS_SERVER", "socks4a://h", "SOCKSIFY_STRICT", "off")), 0,
	       "strict off");
	TAP_OK(!cfg.strict, "  not strict");
}

static void test_fake_nets(void)
{
	static const uint8_t def4[4] = {198, 18, 0, 0};
	TAP_IS(load(NULL, NULL), 0, "fake nets: defaults");
	TAP_MEM(cfg.fake_net4, def4, 4, "  198.18.0.0");
	TAP_IS(cfg.fake_prefix4, 15, "  /15");
	TAP_IS(cfg.fake_net6[0], 0xfd, "  IPv6 ULA");
	TAP_IS(cfg.fake_prefix6, 64, "  /64");
	TAP_IS(load("fake_net4 10.99.0.0/16\n", ENV("SOCKSIFY_FAKE_NET6", "fd00:1::/96")), 0,
	       "fake nets from file and env");
	TAP_IS(cfg.fake_net4[1], 99, "  10.99.0.0");
	TAP_IS(cfg.fake_prefix4, 16, "  /16");
	TAP_IS(cfg.fake_prefix6, 96, "  /96");
	TAP_IS(cfg.fake_net6[3], 1, "  fd00:1::");
	static const struct {
		const char *name, *val, *msg;
	} bad[] = {
	    {"SOCKSIFY_FAKE_NET4", "198.18.0.0", "SOCKSIFY_FAKE_NET4: expected an IPv4 CIDR"},
	    {"SOCKSIFY_FAKE_NET4", "198.18.0.0/31", "SOCKSIFY_FAKE_NET4: prefix /31 too long"},
	    {"SOCKSIFY_FAKE_NET4", "fd00::/64", "SOCKSIFY_FAKE_NET4: expected an IPv4 CIDR"},
	    {"SOCKSIFY_FAKE_NET4", "1.2.3.4/", "SOCKSIFY_FAKE_NET4: missing prefix length"},
	    {"SOCKSIFY_FAKE_NET6", "fd00::/1x", "SOCKSIFY_FAKE_NET6: bad prefix length"},
	    {"SOCKSIFY_FAKE_NET6", "fd00::/128", "SOCKSIFY_FAKE_NET6: prefix /128 too long"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		TAP_IS(load(NULL, ENV(bad[i].name, bad[i].val)), -EINVAL, "%s=%s rejected",
		       bad[i].name, bad[i].val);
		TAP_OK(strncmp(err, bad[i].msg, strlen(bad[i].msg)) == 0, "  message: %s", err);
	}
}

/* password_file: a path, whose owner layer decides; the text becomes the password. */
static void test_password_file(void)
{
	TAP_IS(load("server socks5://u@h\npassword_file /run/pw\n", NULL), 0, "password_file key");
	TAP_STR(cfg.password_file, "/run/pw", "  path kept");
	TAP_IS(load(NULL, ENV("SOCKS_SERVER", "socks5://u@h", "SOCKSIFY_PASSWORD_FILE", "/e/pw")),
	       0, "SOCKSIFY_PASSWORD_FILE");
	TAP_STR(cfg.password_file, "/e/pw", "  path kept");
	TAP_IS(load("server socks5://u@h\npassword_file /f/pw\n",
		    ENV("SOCKS_SERVER", "socks5://v@h2")),
	       0, "an environment server replaces the file's");
	TAP_STR(cfg.password_file, "", "  and drops the file's password file");
	TAP_IS(load("password_file /f/pw\n", ENV("SOCKS_SERVER", "h", "SOCKS_PASSWORD", "p")), 0,
	       "SOCKS_PASSWORD over the file's password file");
	TAP_STR(cfg.password_file, "", "  file's dropped");
	TAP_IS(load(NULL, ENV("SOCKS_SERVER", "h", "SOCKS_PASSWORD", "p", "SOCKSIFY_PASSWORD_FILE",
			      "/e/pw")),
	       0, "SOCKSIFY_PASSWORD_FILE beside SOCKS_PASSWORD");
	TAP_STR(cfg.password_file, "/e/pw", "  the file wins");

	TAP_IS(sx_config_set_password(&cfg, "s3cret\n", 7, err, sizeof err), 0, "set password");
	TAP_STR(cfg.proxy.pass, "s3cret", "  one final newline dropped");
	TAP_OK(cfg.proxy.has_user, "  has_user");
	TAP_IS(sx_config_set_password(&cfg, "a b\r\n", 5, err, sizeof err), 0, "CRLF");
	TAP_STR(cfg.proxy.pass, "a b", "  dropped too");
	TAP_IS(sx_config_set_password(&cfg, "x\n\n", 3, err, sizeof err), 0, "two newlines");
	TAP_STR(cfg.proxy.pass, "x\n", "  only one dropped");
	TAP_IS(sx_config_set_password(&cfg, "a\0b", 3, err, sizeof err), -EINVAL, "NUL byte");
	TAP_STR(err, "/e/pw: NUL byte in the password", "  message names the file");
	char big[300];
	memset(big, 'p', sizeof big);
	TAP_IS(sx_config_set_password(&cfg, big, 255, err, sizeof err), 0, "255 bytes");
	TAP_IS(sx_config_set_password(&cfg, big, 256, err, sizeof err), -EINVAL, "256 bytes");
	TAP_STR(err, "/e/pw: password longer than 255 bytes", "  message without the password");
}

/* The chain: SOCKSIFY_CHAIN and the chain key hold the hops after the server. */
static void test_chain(void)
{
	TAP_IS(load(NULL, ENV("SOCKS_SERVER", "socks5://a:1", "SOCKSIFY_CHAIN",
			      " http://b:2 ,socks5://c\tsocks5h://[::1]:4 ")),
	       0, "SOCKSIFY_CHAIN: commas and blanks");
	TAP_IS(cfg.n_via, 3, "  three hops after the server");
	TAP_IS(cfg.via[0].proto, SX_PROTO_HTTP, "  hop 2 http");
	TAP_STR(cfg.via[1].host, "c", "  hop 3 host");
	TAP_IS(cfg.via[2].port, 4, "  hop 4 port");
	TAP_STR(sx_config_last_hop(&cfg)->host, "::1", "  the last hop");
	TAP_IS(cfg.dns, SX_DNS_REMOTE, "  dns from the last hop (socks5h)");
	TAP_IS(load(NULL, ENV("SOCKS_SERVER", "socks5h://a", "SOCKSIFY_CHAIN", "socks5://b")), 0,
	       "socks5h then socks5");
	TAP_IS(cfg.dns, SX_DNS_LOCAL, "  dns local: the last hop gets addresses");
	TAP_IS(
	    load(NULL, ENV("SOCKS_SERVER", "a", "SOCKSIFY_PIPELINE", "on", "SOCKSIFY_CHAIN", "b")),
	    0, "pipelining");
	TAP_OK(cfg.via[0].pipeline, "  applies to every hop");

	const char *f = "server socks5://f:1\nchain socks5://g:2, http://u:p@h:3\n";
	TAP_IS(load(f, NULL), 0, "the chain key");
	TAP_IS(cfg.n_via, 2, "  two hops");
	TAP_STR(cfg.via[1].user, "u", "  a hop's own credentials");
	TAP_OK(sx_config_text_has_secret(f, strlen(f)),
	       "  credentials in a chain URL are a secret");
	TAP_IS(load(f, ENV("SOCKS_SERVER", "socks5://e:1")), 0, "a server from the environment");
	TAP_IS(cfg.n_via, 0, "  drops the file's chain");
	TAP_IS(load(f, ENV("SOCKS_SERVER", "socks5://e:1", "SOCKSIFY_CHAIN", "x")), 0,
	       "  unless SOCKSIFY_CHAIN gives one");
	TAP_STR(cfg.via[0].host, "x", "  its hop");
	TAP_IS(load(f, ENV("SOCKSIFY_CHAIN", "y")), 0, "SOCKSIFY_CHAIN behind the file's server");
	TAP_STR(cfg.proxy.host, "f", "  server kept");
	TAP_STR(cfg.via[0].host, "y", "  chain replaced");

	static const struct {
		const char *file, *chain, *err;
	} bad[] = {
	    {NULL, "socks5://b", "SOCKSIFY_CHAIN: a chain needs a server for its first hop"},
	    {"chain b\n", NULL, "t.conf:1: chain: a chain needs a server for its first hop"},
	    {"server socks4://a\n", "socks5://name.test",
	     "SOCKSIFY_CHAIN: hop 1 (socks4) cannot carry hop 2's host: socks4 takes IPv4 "
	     "addresses only (use socks4a)"},
	    {"server a\nchain socks4a://b [::1]\n", NULL,
	     "t.conf:2: chain: hop 2 (socks4a) cannot carry hop 3's host: socks4a takes no IPv6"},
	    {"server a\n", "b c d e f g h i",
	     "SOCKSIFY_CHAIN: more than 7 proxies after the server"},
	    {"server a\n", "b ftp://c",
	     "SOCKSIFY_CHAIN: hop 3: unsupported scheme 'ftp' (use "
	     "socks4, socks4a, socks5, socks5h or http)"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int r = bad[i].chain ? load(bad[i].file, ENV("SOCKSIFY_CHAIN", bad[i].chain))
				     : load(bad[i].file, NULL);
		TAP_IS(r, -EINVAL, "bad chain %zu", i);
		TAP_STR(err, bad[i].err, "  '%s'", err);
	}
	TAP_IS(load("server a\n", ENV("SOCKSIFY_CHAIN", "b c d e f g h")), 0,
	       "seven after the server");
	TAP_IS(cfg.n_via, SX_CHAIN_MAX - 1, "  the most");
}

int main(void)
{
	test_chain();
	test_password_file();
	test_fake_nets();
	test_strict();
	test_dns_server();
	test_dns_intercept();
	test_defaults();
	test_file_all_keys();
	test_file_syntax();
	test_file_errors();
	test_server_env();
	test_dns();
	test_env_settings();
	test_env_bypass();
	test_env_errors();
	return tap_done();
}
