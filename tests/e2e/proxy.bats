#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The bundled test proxy against a client we did not write: curl's native SOCKS.

load helpers

setup_file() {
	load helpers
	start_targets
	start_proxy plain 1080 --map web.test=192.0.2.10 --map web6.test=2001:db8::10
	start_proxy auth 1081 --user alice --pass 's3cret'
}

teardown_file() {
	stop_all_bg
}

@test "curl --socks5 reaches the target through the bundled proxy" {
	run curl -sS -m 10 --socks5 127.0.0.1:1080 http://192.0.2.10/
	assert_success
	assert_output "peer=$PROXY_SRC"
	run proxy_log plain
	assert_output --partial "v5 CONNECT ip=192.0.2.10:80 auth=none result=ok"
}

@test "curl --socks5-hostname sends the name, which only the proxy can resolve" {
	run curl -sS -m 10 --socks5-hostname 127.0.0.1:1080 http://web.test/
	assert_success
	assert_output "peer=$PROXY_SRC"
	run proxy_log plain
	assert_output --partial "v5 CONNECT name=web.test:80 auth=none result=ok"
	assert_no_dns_leak
}

@test "curl --socks4 and --socks4a work" {
	run curl -sS -m 10 --socks4 127.0.0.1:1080 http://192.0.2.10/
	assert_success
	assert_output "peer=$PROXY_SRC"
	run curl -sS -m 10 --socks4a 127.0.0.1:1080 http://web.test/
	assert_success
	assert_output "peer=$PROXY_SRC"
	run proxy_log plain
	assert_output --partial "v4 CONNECT ip=192.0.2.10:80 auth=none result=ok"
	assert_output --partial "v4a CONNECT name=web.test:80 auth=none result=ok"
}

@test "curl with username/password; a wrong password is refused and logged" {
	run curl -sS -m 10 --socks5 127.0.0.1:1081 --proxy-user alice:s3cret http://192.0.2.10/
	assert_success
	assert_output "peer=$PROXY_SRC"
	run curl -sS -m 10 --socks5 127.0.0.1:1081 --proxy-user alice:wrong http://192.0.2.10/
	assert_failure
	run proxy_log auth
	assert_output --partial "auth=userpass user=alice result=ok"
	assert_output --partial "result=rejected"
	refute_output --partial "s3cret"
}

@test "an IPv6 target by name through the proxy's IPv6 listener" {
	run curl -sS -m 10 --socks5-hostname '[::1]:1080' http://web6.test/
	assert_success
	assert_output "peer=::1"
}
