#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The several-proxies settings as the wrapper and socksify-check see them: a malformed
# proxy, group or route line is refused with its file:line before the program runs, and
# --route, --chain-mode and --chain-len become the variables --env prints.

load helpers
bats_require_minimum_version 1.5.0

unset SOCKS_SERVER SOCKS5_SERVER SOCKS4_SERVER ALL_PROXY all_proxy NO_PROXY no_proxy \
	SOCKSIFY_CHAIN SOCKSIFY_ROUTES SOCKSIFY_CHAIN_MODE SOCKSIFY_CHAIN_LEN SOCKSIFY_DEAD_TIME \
	SOCKSIFY_CONF_FORMAT LD_PRELOAD
CHECK=$B/socksify-check

conf() {
	CONF=$BATS_TEST_TMPDIR/socksify.conf
	printf '%s\n' "$@" >"$CONF"
}

@test "socksify-check config: a malformed route is an error naming file:line" {
	conf 'server socks5h://127.0.0.1:1090' 'proxy tor socks5h://127.0.0.1:9050' \
		'route .onion tor' 'route 10.0.0.0/33 direct'
	SOCKSIFY_CONF=$CONF run "$CHECK" config
	assert_failure
	assert_output "socksify: $CONF:4: route: bad match '10.0.0.0/33' (CIDR[:port], [v6]:port, host, .domain, *.domain, *:PORT, :PORT or *)"
}

@test "socksify-check config: the brief's example is accepted" {
	conf 'server socks5h://127.0.0.1:1080' 'chain socks5://10.0.0.2:1080' \
		'chain_mode failover' 'chain_len 1' 'dead_time 60000' \
		'proxy tor socks5h://127.0.0.1:9050' 'proxy corp http://192.0.2.8:3128' \
		'proxy a socks5://192.0.2.1:1080' 'proxy b socks5://192.0.2.2:1080' \
		'proxy c socks5://192.0.2.3:1080' \
		'group exits failover a b c' 'group deep strict tor corp' \
		'route 10.0.0.0/8 direct' 'route .onion tor' 'route 203.0.113.0/24:443 exits' \
		'route *:25 reject'
	SOCKSIFY_CONF=$CONF run "$CHECK" config
	assert_success
	assert_output ""
}

@test "a route naming a proxy before its proxy line, through the wrapper" {
	conf 'server socks5h://127.0.0.1:1090' 'route .onion tor' 'proxy tor socks5h://127.0.0.1:9050'
	run "$SOCKSIFY" -c "$CONF" true
	assert_failure 2
	assert_output "socksify: $CONF:2: route: unknown target 'tor' (direct, reject, default, a proxy or group defined earlier, or a URL)"
}

@test "--route, --chain-mode and --chain-len errors name their variable" {
	run "$SOCKSIFY" -s socks5h://127.0.0.1:1090 --route '10.0.0.0/8 nowhere' true
	assert_failure 2
	assert_output --partial "socksify: SOCKSIFY_ROUTES: route 1: unknown target 'nowhere'"
	run "$SOCKSIFY" -s socks5h://127.0.0.1:1090 --chain-mode fastest true
	assert_failure 2
	assert_output "socksify: SOCKSIFY_CHAIN_MODE: bad mode 'fastest' (strict, dynamic, failover, round_robin or random)"
	run "$SOCKSIFY" -s socks5h://127.0.0.1:1090 -s socks5h://127.0.0.1:1091 \
		--chain-mode random --chain-len 3 true
	assert_failure 2
	assert_output "socksify: SOCKSIFY_CHAIN_LEN: 3 is larger than the default chain's 2 proxies"
}

@test "socksify --env prints --route (appended with ','), --chain-mode and --chain-len" {
	run "$SOCKSIFY" --env -s socks5h://127.0.0.1:1090 -s socks5h://127.0.0.1:1091 \
		--route '10.0.0.0/8 direct' --route='*:25 reject' --chain-mode failover --chain-len 1
	assert_success
	assert_line "export SOCKSIFY_ROUTES='10.0.0.0/8 direct,*:25 reject'"
	assert_line "export SOCKSIFY_CHAIN_MODE='failover'"
	assert_line "export SOCKSIFY_CHAIN_LEN='1'"
	assert_line "export SOCKSIFY_CHAIN='socks5h://127.0.0.1:1091'"
	# and what it prints is a configuration the library accepts
	eval "$(printf '%s\n' "${lines[@]}" | grep -E '^export (SOCKS_SERVER|SOCKSIFY_(ROUTES|CHAIN|CHAIN_MODE|CHAIN_LEN))=')"
	SOCKSIFY_CONF=/dev/null run "$CHECK" config
	assert_success
}

@test "--proxychains-conf: random_chain with chain_len is accepted, too long a chain_len is not" {
	conf 'random_chain' 'chain_len = 2' '[ProxyList]' 'socks5 127.0.0.1 1090' 'socks5 127.0.0.1 1091'
	SOCKSIFY_CONF=$CONF SOCKSIFY_CONF_FORMAT=proxychains run "$CHECK" config
	assert_success
	conf 'round_robin_chain' 'chain_len = 3' '[ProxyList]' 'socks5 127.0.0.1 1090' 'socks5 127.0.0.1 1091'
	run "$SOCKSIFY" --proxychains-conf "$CONF" true
	assert_failure 2
	assert_output "socksify: $CONF: chain_len: 3 is larger than the default chain's 2 proxies"
}
