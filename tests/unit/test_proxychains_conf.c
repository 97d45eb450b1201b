/* SPDX-License-Identifier: MIT */
/* A proxychains-ng proxychains.conf read as socksify settings (SOCKSIFY_CONF_FORMAT=
 * proxychains): the stock file's options, [ProxyList] as the chain, every error. */
#include <errno.h>
#include <string.h>

#include "../../config/config.h"
#include "tap.h"

static const char *fmt = "proxychains";

static const char *fake_getenv(const char *name)
{
	return strcmp(name, "SOCKSIFY_CONF_FORMAT") ? NULL : fmt;
}

static struct sx_config cfg;
static char err[600];

static int load(const char *text)
{
	sx_config_defaults(&cfg);
	err[0] = 'x';
	return sx_config_load(&cfg, fake_getenv, "pc.conf", text, strlen(text), err, sizeof err);
}

/* The options and comments of proxychains-ng's own proxychains.conf, as users keep it. */
static const char stock[] = "# proxychains.conf  VER 4.x\n"
			    "#dynamic_chain\n"
			    "strict_chain\n"
			    "#chain_len = 2\n"
			    "#quiet_mode\n"
			    "proxy_dns \n"
			    "remote_dns_subnet 224\n"
			    "tcp_read_time_out 15000\n"
			    "tcp_connect_time_out 8000\n"
			    "# localnet 192.168.1.0:80/255.255.255.0\n"
			    "localnet 10.0.0.0/255.0.0.0\n"
			    "localnet 192.168.1.0:80/255.255.255.0\n"
			    "localnet 172.16.0.0/12\n"
			    "[ProxyList]\n"
			    "# add proxy here ...\n"
			    "socks5\t192.168.67.78\t1080\tlamer\ts3c%ret\n"
			    "\thttp\t192.168.89.3\t8080\tjustu\thidden\n"
			    "socks4 \t127.0.0.1 9050\n";

static void test_stock(void)
{
	TAP_IS(load(stock), 0, "the stock file: '%s'", err);
	TAP_IS(cfg.proxy.proto, SX_PROTO_SOCKS5H, "  socks5 with proxy_dns: names to the proxy");
	TAP_STR(cfg.proxy.host, "192.168.67.78", "  first proxy: the server");
	TAP_STR(cfg.proxy.user, "lamer", "  its user");
	TAP_STR(cfg.proxy.pass, "s3c%ret", "  its password, taken literally");
	TAP_IS(cfg.n_via, 2, "  the others: the chain, in order");
	TAP_IS(cfg.via[0].proto, SX_PROTO_HTTP, "  http");
	TAP_STR(cfg.via[0].pass, "hidden", "  http password");
	TAP_IS(cfg.via[1].proto, SX_PROTO_SOCKS4A, "  socks4 with proxy_dns: socks4a");
	TAP_IS(cfg.via[1].port, 9050, "  port");
	TAP_IS(cfg.dns, SX_DNS_REMOTE, "  proxy_dns: remote DNS");
	TAP_IS(cfg.handshake_timeout_ms, 15000, "  tcp_read_time_out");
	TAP_IS(cfg.connect_timeout_ms, 8000, "  tcp_connect_time_out");
	TAP_IS(cfg.fake_net4[0], 224, "  remote_dns_subnet 224");
	TAP_IS(cfg.fake_prefix4, 8, "  a /8");
	uint8_t a[4] = {10, 1, 2, 3}, b[4] = {192, 168, 1, 9};
	TAP_OK(sx_bypass_match_addr(&cfg.bypass, 4, a, 443), "  localnet 10/8 goes direct");
	TAP_OK(sx_bypass_match_addr(&cfg.bypass, 4, b, 80), "  localnet with a port: that port");
	TAP_OK(!sx_bypass_match_addr(&cfg.bypass, 4, b, 443), "  and only that port");

	TAP_OK(sx_config_text_has_secret(stock, strlen(stock)), "  its credentials are a secret");
	static const char open_list[] = "[ProxyList]\nsocks5 127.0.0.1 1080\n";
	TAP_OK(!sx_config_text_has_secret(open_list, strlen(open_list)), "  none without them");
	TAP_IS(load(open_list), 0, "without proxy_dns");
	TAP_IS(cfg.proxy.proto, SX_PROTO_SOCKS5, "  socks5: local names");
	TAP_IS(cfg.dns, SX_DNS_LOCAL, "  dns local, as proxychains");
	TAP_IS(cfg.n_via, 0, "  one proxy, no chain");
	TAP_IS(load("quiet_mode\nproxy_dns_old\n[ProxyList]\nhttp ::1 3128\n"), 0,
	       "quiet_mode, proxy_dns_old, an IPv6 proxy");
	TAP_STR(cfg.proxy.host, "::1", "  host");
	TAP_IS(cfg.dns, SX_DNS_REMOTE, "  remote");
}

/* The chain types become the default group's chain_mode, chain_len its len. */
static void test_modes(void)
{
	static const char list[] = "[ProxyList]\nsocks5 192.0.2.1 1080\nsocks5 192.0.2.2 1080\n"
				   "http 192.0.2.3 3128\n";
	static const struct {
		const char *opts;
		enum sx_pick pick;
		unsigned len;
	} t[] = {
	    {"", SX_PICK_STRICT, 3},
	    {"strict_chain\nchain_len = 2\n", SX_PICK_STRICT, 3},
	    {"dynamic_chain\n", SX_PICK_DYNAMIC, 3},
	    {"dynamic_chain\nchain_len 2\n", SX_PICK_DYNAMIC, 3},
	    {"round_robin_chain\n", SX_PICK_ROUND_ROBIN, 1},
	    {"round_robin_chain\nchain_len = 2\n", SX_PICK_ROUND_ROBIN, 2},
	    {"random_chain\nchain_len = 3\n", SX_PICK_RANDOM, 3},
	    {"random_chain\n", SX_PICK_RANDOM, 1},
	    {"random_chain\nstrict_chain\n", SX_PICK_STRICT, 3},
	    {"#random_chain\ndynamic_chain\n", SX_PICK_DYNAMIC, 3},
	};
	char text[512];

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(text, sizeof text, "%s%s", t[i].opts, list);
		TAP_IS(load(text), 0, "chain options, case %zu: %s", i + 1, err);
		TAP_IS(cfg.groups[0].pick, t[i].pick, "  chain_mode");
		TAP_IS(cfg.groups[0].len, t[i].len, "  len");
		TAP_IS(cfg.groups[0].n, 3, "  the [ProxyList], every proxy a member");
	}
}

static void test_errors(void)
{
	static const struct {
		const char *text, *err;
	} t[] = {
	    {"random_chain\nchain_len = 2\n[ProxyList]\nsocks5 1.2.3.4 1\n",
	     "pc.conf: chain_len: 2 is larger than the default chain's 1 proxies"},
	    {"chain_len = x\n", "pc.conf:1: chain_len: want a number"},
	    {"chain_len 0\n", "pc.conf:1: chain_len: expected a number from 1 to 16, got '0'"},
	    {"random_chain\nchain_len 2\n[ProxyList]\nsocks5 name.test 1\nsocks4 1.2.3.4 1\n",
	     "pc.conf: [ProxyList]: random: member 2 (socks4) cannot carry member 1's host: "
	     "socks4 takes IPv4 addresses only (use socks4a)"},
	    {"proxy_dns_daemon 127.0.0.1:1053\n", "pc.conf:1: proxy_dns_daemon is not supported"},
	    {"dnat 1.1.1.1 1.1.1.2\n", "pc.conf:1: dnat is not supported"},
	    {"strict_chain\nfoo_bar 1\n", "pc.conf:2: unknown option 'foo_bar'"},
	    {"[Other]\n", "pc.conf:1: unknown section '[Other]' (only [ProxyList])"},
	    {"strict_chain\n", "pc.conf:1: no proxy in [ProxyList]"},
	    {"[ProxyList]\nraw 1.2.3.4 1\n", "pc.conf:2: raw proxies are not supported"},
	    {"[ProxyList]\nsocks6 1.2.3.4 1\n",
	     "pc.conf:2: unknown proxy type 'socks6' (socks4, socks5 or http)"},
	    {"[ProxyList]\nsocks5 1.2.3.4\n", "pc.conf:2: want: type host port [user pass]"},
	    {"[ProxyList]\nsocks5 1.2.3.4 1 user\n", "pc.conf:2: a user needs a password after it"},
	    {"[ProxyList]\nsocks5 1.2.3.4 1 u p x\n", "pc.conf:2: text after the password"},
	    {"[ProxyList]\nsocks5 1.2.3.4 99999\n", "pc.conf:2: port out of range (1 to 65535)"},
	    {"[ProxyList]\nsocks5 a 1\nsocks5 b 1\nsocks5 c 1\nsocks5 d 1\nsocks5 e 1\n"
	     "socks5 f 1\nsocks5 g 1\nsocks5 h 1\nsocks5 i 1\n",
	     "pc.conf:10: more than 8 proxies"},
	    {"[ProxyList]\nsocks4 1.2.3.4 1\nsocks5 name.test 1\n",
	     "pc.conf: [ProxyList]: hop 1 (socks4) cannot carry hop 2's host: socks4 takes IPv4 "
	     "addresses only (use socks4a)"},
	    {"localnet 10.0.0.0\n", "pc.conf:1: localnet: want address[:port]/netmask"},
	    {"localnet 10.0.0.0/255.0.255.0\n", "pc.conf:1: localnet: netmask bits not contiguous"},
	    {"localnet ::1/128\n", "pc.conf:1: localnet: bad IPv4 address (IPv6 is not supported)"},
	    {"tcp_read_time_out soon\n", "pc.conf:1: tcp_read_time_out: want a number"},
	    {"remote_dns_subnet 300\n[ProxyList]\nsocks5 1.2.3.4 1\n",
	     "pc.conf:1: remote_dns_subnet: expected an IPv4 CIDR such as 198.18.0.0/15, got "
	     "'300.0.0.0/8'"},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		TAP_IS(load(t[i].text), -EINVAL, "error %zu", i);
		TAP_STR(err, t[i].err, "  '%s'", err);
	}
	TAP_OK(strstr(err, "p x") == NULL, "no credential in a message");
	fmt = "dante";
	TAP_IS(load("x"), -EINVAL, "an unknown SOCKSIFY_CONF_FORMAT");
	TAP_STR(err, "SOCKSIFY_CONF_FORMAT: expected socksify or proxychains, got 'dante'",
		"  named");
	fmt = "socksify";
	TAP_IS(load("server socks5://h\n"), 0, "SOCKSIFY_CONF_FORMAT=socksify: ours");
}

int main(void)
{
	test_stock();
	test_modes();
	test_errors();
	return tap_done();
}
