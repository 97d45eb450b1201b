#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Chains: -s repeated (SOCKSIFY_CHAIN, the chain key). Each hop connects out from its own
# address, so the next hop's log and the target's peer prove the path; only the last hop
# sees the destination's name. Hops: two bundled proxies, the bundled HTTP mode,
# dante-server and tinyproxy.

load helpers
load interop_helpers

A_SRC=127.0.0.2     # bundled proxy A (the helpers' PROXY_SRC)
B_SRC=127.0.0.6     # bundled proxy B
H_SRC=127.0.0.7     # bundled proxy H, HTTP CONNECT
DANTE_SRC=127.0.0.3 # dante's external address
TP_SRC=127.0.0.5    # tinyproxy's Bind address
MS_SRC=127.0.0.4    # microsocks -b
ERRNO=$BATS_TEST_DIRNAME/errno_client.py
UDP=$BATS_TEST_DIRNAME/udp_client.py

setup_file() {
	load helpers
	load interop_helpers
	start_targets
	start_proxy a 1090
	start_proxy b 1091 --source $B_SRC --map web.test=192.0.2.10
	start_proxy h 1092 --source $H_SRC --http-coalesce
	start_proxy deny 1093 --reply 2
	start_danted dante 1085 $DANTE_SRC || true
	start_tinyproxy tp 3128 $TP_SRC || true
	start_microsocks ms 1186 $MS_SRC || true
	start_ssh_socks ssh 1188 2222 || true
}

teardown_file() {
	stop_all_bg
}

@test "two bundled proxies: the name reaches only the last hop, no DNS query" {
	run "$SOCKSIFY" -v -s socks5://127.0.0.1:1090 -s socks5h://127.0.0.1:1091 curl -sS -m 10 http://web.test/
	assert_success
	assert_output "peer=$B_SRC"
	run proxy_log a
	assert_output --partial "v5 CONNECT ip=127.0.0.1:1091 auth=none result=ok"
	refute_output --partial web.test
	run proxy_log b
	assert_output --partial "v5 CONNECT name=web.test:80 auth=none result=ok"
	assert_no_dns_leak
}

@test "three mixed hops: SOCKS5, HTTP CONNECT, SOCKS4a; a banner arrives whole" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1090 -s http://127.0.0.1:1092 -s socks4a://127.0.0.1:1091 \
		curl -sS -m 10 http://web.test/
	assert_success
	assert_output "peer=$B_SRC"
	run proxy_log h
	assert_output --partial "http CONNECT ip=127.0.0.1:1091 auth=none result=ok"
	run proxy_log b
	assert_output --partial "v4a CONNECT name=web.test:80 auth=none result=ok"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1090 -s http://127.0.0.1:1092 python3 "$ERRNO" 192.0.2.10 25
	assert_output "ok 220 banner.test ESMTP ready"
	run "$SOCKSIFY" -s http://127.0.0.1:1092 -s socks5://127.0.0.1:1091 python3 "$ERRNO" --nonblocking 192.0.2.10 25
	assert_output "ok 220 banner.test ESMTP ready"
}

@test "dante-server and the bundled proxy, either way round" {
	ix_need dante
	run "$SOCKSIFY" -s socks5://127.0.0.1:1085 -s socks5h://127.0.0.1:1091 curl -sS -m 10 http://web.test/
	assert_success
	assert_output "peer=$B_SRC"
	run cat "$BATS_FILE_TMPDIR/dante.log"
	assert_output --regexp "tcp/connect \[: 127\.0\.0\.1\.[0-9]+ 127\.0\.0\.1\.1085 -> 127\.0\.0\.3\.[0-9]+ 127\.0\.0\.1\.1091"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1090 -s socks4://127.0.0.1:1085 python3 "$ERRNO" --peer 198.51.100.10 80
	assert_success
	assert_line "peer=198.51.100.10:80"
	assert_line "ok peer=$DANTE_SRC"
	run proxy_log a
	assert_output --partial "v5 CONNECT ip=127.0.0.1:1085 auth=none result=ok"
}

@test "the bundled proxy, then tinyproxy" {
	ix_need tp
	run "$SOCKSIFY" -s socks5://127.0.0.1:1091 -s http://127.0.0.1:3128 curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$TP_SRC"
	run proxy_log b
	assert_output --partial "v5 CONNECT ip=127.0.0.1:3128 auth=none result=ok"
}

@test "three servers we did not write: dante-server, tinyproxy, microsocks" {
	ix_need dante
	ix_need tp
	ix_need ms
	run "$SOCKSIFY" -s socks5://127.0.0.1:1085 -s http://127.0.0.1:3128 -s socks5://127.0.0.1:1186 \
		curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$MS_SRC"
	run cat "$BATS_FILE_TMPDIR/dante.log"
	assert_output --regexp "tcp/connect \[: 127\.0\.0\.1\.[0-9]+ 127\.0\.0\.1\.1085 -> 127\.0\.0\.3\.[0-9]+ 127\.0\.0\.1\.3128"
	run cat "$BATS_FILE_TMPDIR/tp.log"
	assert_output --partial "CONNECT 127.0.0.1:1186 HTTP/1.1"
}

@test "ssh -D as the last hop: sshd sees the bundled proxy as the originator" {
	ix_need ssh
	mark sshd "$BATS_FILE_TMPDIR/ssh-sshd.out"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1090 -s socks5://127.0.0.1:1188 curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=192.0.2.10"
	run since sshd "$BATS_FILE_TMPDIR/ssh-sshd.out"
	assert_line --regexp "server_request_direct_tcpip: originator $A_SRC port [0-9]+, target 192\.0\.2\.10 port 80$"
}

@test "a refusal at hop 2 maps through the errno table; the log names the hop" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1090 -s socks5://127.0.0.1:1093 python3 "$ERRNO" 192.0.2.10 80
	assert_output --partial "errno=EACCES"
	assert_output --partial "via socks5://127.0.0.1:1090 > socks5://127.0.0.1:1093: hop 2 of 2 (socks5://127.0.0.1:1093): the proxy reports the connection is not allowed by its rules (REP 2)"
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1090 -s socks5://127.0.0.1:1093 python3 "$ERRNO" --nonblocking 192.0.2.10 80
	assert_output "errno=EACCES"
}

@test "a dead hop 2: hop 1 reports it refused, ECONNREFUSED, nothing goes direct" {
	before=$(wc -l <"$BATS_FILE_TMPDIR/target.log")
	run "$SOCKSIFY" -s socks5://127.0.0.1:1090 -s http://127.0.0.1:1099 python3 "$ERRNO" 192.0.2.10 80
	assert_output --partial "errno=ECONNREFUSED"
	assert_output --partial "hop 1 of 2 (socks5://127.0.0.1:1090): the proxy reports the target refused the connection (REP 5)"
	run proxy_log a
	assert_output --partial "v5 CONNECT ip=127.0.0.1:1099 auth=none result=rep5"
	[ "$(wc -l <"$BATS_FILE_TMPDIR/target.log")" -eq "$before" ]
}

@test "SOCKSIFY_CHAIN and the config file's chain key; a server from the environment drops the file's chain" {
	SOCKS_SERVER=socks5://127.0.0.1:1090 SOCKSIFY_CHAIN='socks5h://127.0.0.1:1091' run "$SOCKSIFY" curl -sS -m 10 http://web.test/
	assert_success
	assert_output "peer=$B_SRC"
	conf=$BATS_TEST_TMPDIR/chain.conf
	printf 'server socks5://127.0.0.1:1090\nchain http://127.0.0.1:1092, socks5://127.0.0.1:1091\n' >"$conf"
	run "$SOCKSIFY" -c "$conf" curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$B_SRC"
	run "$SOCKSIFY" -c "$conf" -s socks5://127.0.0.1:1090 curl -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$A_SRC"
}

@test "pipelining applies per hop in a chain" {
	SOCKSIFY_PIPELINE=on run "$SOCKSIFY" -s socks5://127.0.0.1:1090 -s socks5h://127.0.0.1:1091 curl -sS -m 10 http://web.test/
	assert_success
	assert_output "peer=$B_SRC"
}

@test "UDP with a chain takes the UDP policy, with a line saying why" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1090 -s socks5://127.0.0.1:1091 python3 "$UDP" sendto 192.0.2.10 7 blocked
	assert_failure
	assert_line --regexp "^errno=(EOPNOTSUPP|ENOTSUP)$"
	assert_line --partial "UDP ASSOCIATE needs a single SOCKS5 proxy, not a chain): blocked (udp=block)"
	run "$SOCKSIFY" -q --udp direct -s socks5://127.0.0.1:1090 -s socks5://127.0.0.1:1091 python3 "$UDP" sendto 192.0.2.10 7 direct
	assert_success
	assert_output "data=direct from=192.0.2.10:7"
}

@test "a bad chain is a configuration error naming the setting" {
	SOCKSIFY_CHAIN=socks5://127.0.0.1:1091 run "$SOCKSIFY" true
	assert_failure 2
	assert_output --partial "SOCKSIFY_CHAIN: a chain needs a server for its first hop"
	run "$SOCKSIFY" -s socks4://127.0.0.1:1090 -s socks5://proxy.test true
	assert_failure 2
	assert_output --partial "SOCKSIFY_CHAIN: hop 1 (socks4) cannot carry hop 2's host"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1090 -s socks5://h:99999 true
	assert_failure 2
	assert_output --partial "SOCKSIFY_CHAIN: hop 2: port out of range"
}

@test "--proxychains-conf: Debian's own /etc/proxychains4.conf, as proxychains4 reads it" {
	[ -r /etc/proxychains4.conf ] || {
		echo "/etc/proxychains4.conf missing (package proxychains4; scripts/deps.sh)" >&2
		return 1
	}
	# its [ProxyList] is socks4 127.0.0.1 9050 (Tor's port), with proxy_dns
	start_proxy pc9050 9050 --map web.test=192.0.2.10
	run "$SOCKSIFY" --proxychains-conf /etc/proxychains4.conf curl -sS -m 10 http://web.test/
	assert_success
	assert_output "peer=$A_SRC"
	run proxychains4 -q -f /etc/proxychains4.conf curl -sS -m 10 http://web.test/
	assert_success
	assert_output "peer=$A_SRC"
	# both sent the name the same way: SOCKS4a, the proxy resolving it
	run proxy_log pc9050
	[ "$(grep -c 'v4a CONNECT name=web.test:80 auth=none result=ok' <<<"$output")" -eq 2 ]
	assert_no_dns_leak
	stop_bg pc9050
}

@test "--proxychains-conf: a strict chain of three, proxy_dns, localnet, the timeouts" {
	conf=$BATS_TEST_TMPDIR/proxychains.conf
	cat >"$conf" <<-'PC'
		# as proxychains-ng users write it
		strict_chain
		proxy_dns
		tcp_read_time_out 15000
		tcp_connect_time_out 8000
		localnet 198.51.100.0/255.255.255.0
		[ProxyList]
		socks5	127.0.0.1	1090
		http 127.0.0.1 1092
		socks5 127.0.0.1 1091
	PC
	run "$SOCKSIFY" -vv --proxychains-conf "$conf" curl -sS -m 10 http://web.test/
	assert_success
	assert_line "peer=$B_SRC"
	assert_output --partial "via socks5h://127.0.0.1:1090 > http://127.0.0.1:1092 > socks5h://127.0.0.1:1091: ok"
	run proxy_log b
	assert_output --partial "v5 CONNECT name=web.test:80 auth=none result=ok"
	assert_no_dns_leak
	# localnet goes direct: the target sees no proxy's address
	run "$SOCKSIFY" --proxychains-conf "$conf" python3 "$ERRNO" 198.51.100.10 80
	assert_success
	assert_output --regexp "^ok peer="
	refute_output --partial "peer=127.0.0."
}

@test "--proxychains-conf: what socksify cannot do as proxychains-ng does is an error" {
	conf=$BATS_TEST_TMPDIR/dnat.conf
	printf 'dnat 192.0.2.1 192.0.2.2\n[ProxyList]\nsocks5 127.0.0.1 1090\n' >"$conf"
	run "$SOCKSIFY" --proxychains-conf "$conf" true
	assert_failure 2
	assert_output "socksify: $conf:1: dnat is not supported"
}
