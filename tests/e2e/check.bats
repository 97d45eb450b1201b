#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# socksify --check: the table, the verdict and the exit status against the bundled proxy
# in its failure modes, and against dante-server, microsocks and OpenSSH's ssh -D; what it
# learns about pipelining is what the library then uses.

load helpers
load interop_helpers

DANTE_SRC=127.0.0.3
MS_SRC=127.0.0.4

setup_file() {
	load helpers
	load interop_helpers
	start_targets
	start_proxy plain 1160
	start_proxy auth 1161 --user alice --pass s3cret
	start_proxy nomethod 1162 --method 255
	start_proxy rep2 1163 --reply 2
	start_proxy noudp 1164 --no-udp
	start_proxy strict 1165 --strict
	start_proxy slow 1166 --delay-ms 300
	start_proxy silent 1167 --silent
	start_proxy slowtarget 1169 --connect-delay-ms 600
	start_danted dante 1185 "$DANTE_SRC" || true
	start_microsocks ms 1186 "$MS_SRC" || true
	start_microsocks msauth 1187 "$MS_SRC" -u alice -P s3cret || true
	start_ssh_socks ssh 1188 2232 || true
	start_proxy http403 1168 --http-status 403
	start_tinyproxy tp 1189 127.0.0.5 || true
	start_tinyproxy tpauth 1190 127.0.0.5 'BasicAuth alice s3cret' || true
}

teardown_file() {
	stop_all_bg
}

# check URL [ARGS...]: socksify --check, bounded.
check() {
	local url=$1
	shift
	run timeout 60 "$SOCKSIFY" --check -s "$url" "$@"
}

# row NAME STATUS REGEX: the table has that row.
row() {
	assert_line --regexp "^  $1 +$2 +$3"
}

@test "bundled proxy: everything works without a destination: exit 0, each row, the request read" {
	check socks5h://127.0.0.1:1160
	assert_success
	assert_line "proxy socks5h://127.0.0.1:1160"
	row reachable ok '127\.0\.0\.1:1160, TCP connect [0-9.]+ ms$'
	row methods ok 'no authentication: yes; username/password: no$'
	row credentials - 'none configured$'
	row connect ok 'the request was read and answered \(REP 5: connection refused for its own 127\.0\.0\.1:1\)'
	row 'remote names' ok 'localhost:1 resolved by the proxy'
	row 'udp associate' ok 'relay 127\.0\.0\.1:[0-9]+; give --udp-echo'
	row bind ok 'the proxy listens at 127\.0\.0\.2:[0-9]+ for a peer$'
	row pipelining ok 'accepted: one round trip .*; remembered for pipeline auto$'
	assert_line "verdict: usable: everything configured works"
	run proxy_log plain
	assert_line --partial "v5 CONNECT ip=127.0.0.1:1 auth=none result=rep5"
	assert_line --partial "v5 CONNECT name=localhost:1 auth=none result=rep5"
	assert_line --partial "v5 BIND ip=127.0.0.1:1 auth=none result=ok bnd=127.0.0.2:"
}

@test "bundled proxy: a destination and a UDP echo round trip" {
	check socks5://127.0.0.1:1160 --udp-echo 192.0.2.10:7 192.0.2.10:80
	assert_success
	row connect ok '192\.0\.2\.10:80 in [0-9.]+ ms$'
	row 'udp associate' ok 'relay 127\.0\.0\.1:[0-9]+; 192\.0\.2\.10:7 echoed in [0-9.]+ ms$'
	row pipelining ok 'accepted: one round trip \(REP 0: succeeded in'
	run proxy_log plain
	assert_line --partial "v5 CONNECT ip=192.0.2.10:80 auth=none result=ok"
	assert_line --regexp "v5 UDP_ASSOCIATE ip=127\.0\.0\.1:[0-9]+ auth=none result=ok"
	assert_line --partial "v5 UDP ip=192.0.2.10:7 len=14"
}

@test "bundled proxy: a refused destination is exit 1, and the verdict names it" {
	check socks5://127.0.0.1:1163 192.0.2.10:80
	assert_failure 1
	row connect FAIL '192\.0\.2\.10:80: REP 2: not allowed by ruleset$'
	assert_line "verdict: partly usable: not working: connect"
	# Without a destination, a refusal still proves the request was read.
	check socks5://127.0.0.1:1163
	assert_success
	row connect ok 'the request was read and answered \(REP 2'
}

@test "bundled proxy with a password: the right one, a wrong one, none" {
	check socks5://alice:s3cret@127.0.0.1:1161 192.0.2.10:80
	assert_success
	assert_line "proxy socks5://alice@127.0.0.1:1161"
	refute_output --partial s3cret
	row methods ok 'no authentication: no; username/password: yes$'
	row credentials ok 'user alice accepted$'
	row connect ok
	SOCKS_PASSWORD=wrong check socks5://127.0.0.1:1161 -u alice
	assert_failure 1
	row credentials FAIL 'user alice rejected \(status 1\)$'
	row connect - 'not tried: no method and credentials that work$'
	assert_line "verdict: partly usable: not working: credentials"
	check socks5://127.0.0.1:1161
	assert_failure 1
	row methods FAIL 'no authentication: no; username/password: yes \(configure a user and password'
}

@test "a password for a proxy that wants none: usable, as the library offers both methods" {
	check socks5://alice:s3cret@127.0.0.1:1160 192.0.2.10:80
	assert_success
	row methods ok 'no authentication: yes; username/password: no$'
	row credentials - 'not asked: the proxy does not take username/password$'
	row connect ok
	row pipelining no 'refused'
}

@test "bundled proxy: no acceptable method (FF)" {
	check socks5://127.0.0.1:1162
	assert_failure 1
	row methods FAIL 'no authentication: no; username/password: no$'
}

@test "bundled proxy: no UDP: 'no' without an echo target, a failure with one" {
	check socks5://127.0.0.1:1164
	assert_success
	row 'udp associate' no 'REP 7: command not supported$'
	check socks5://127.0.0.1:1164 --udp-echo 192.0.2.10:7
	assert_failure 1
	row 'udp associate' FAIL 'REP 7'
	assert_line "verdict: partly usable: not working: udp associate"
}

@test "bundled proxy --strict: pipelining refused at once, remembered; the library then does not pipeline" {
	check socks5://127.0.0.1:1165
	assert_success
	row pipelining no 'refused: closed without a reply; remembered for pipeline auto$'
	run cat "$XDG_CACHE_HOME/socksify/pipeline"
	assert_output --regexp '^127\.0\.0\.1 1165 refuses [0-9]+$'
	run strace -f -qq -e trace=sendto -o "$BATS_TEST_TMPDIR/st" "$SOCKSIFY" -vv \
		-s socks5://127.0.0.1:1165 python3 "$BATS_TEST_DIRNAME/errno_client.py" 198.51.100.10 80
	assert_line "ok peer=$PROXY_SRC"
	refute_output --partial "pipelined"
	assert_equal "$(grep -c 'sendto(' "$BATS_TEST_TMPDIR/st")" 2
}

@test "bundled proxy --delay-ms 300: slow is not mistaken for a refusal of pipelining" {
	check socks5://127.0.0.1:1166 192.0.2.10:80
	assert_success
	row pipelining ok 'accepted'
}

@test "a target 600 ms away (--connect-delay-ms): the probe's short wait is not taken for a refusal, nothing remembered" {
	check socks5://127.0.0.1:1169 192.0.2.10:80
	assert_success
	row connect ok '192\.0\.2\.10:80 in'
	row pipelining '\?' 'no reply in time \([0-9]+ ms\), but the target is as slow to connect \([0-9]+ ms\); not remembered$'
	[ ! -e "$XDG_CACHE_HOME/socksify/pipeline" ]
}

@test "a proxy that accepts and never answers: each step gives up after at most 3 s" {
	check socks5://127.0.0.1:1167
	assert_failure 1
	row reachable ok
	row methods FAIL 'no authentication: no reply in time; username/password: no reply in time'
}

@test "an unreachable proxy is exit 2" {
	check socks5://127.0.0.1:1199
	assert_failure 2
	row reachable FAIL '127\.0\.0\.1:1199: Connection refused$'
	assert_line "verdict: unreachable: no connection to socks5://127.0.0.1:1199"
}

@test "SOCKS4 and SOCKS4a: what applies is checked, the rest says so" {
	check socks4://127.0.0.1:1160 192.0.2.10:80
	assert_success
	row methods - 'SOCKS4: none'
	row connect ok '192\.0\.2\.10:80 in'
	row 'remote names' - 'SOCKS4 carries no names$'
	row 'udp associate' - 'SOCKS4 has no UDP$'
	row bind ok 'the proxy listens at its address for a peer$'
	row pipelining - 'SOCKS5 only$'
	check socks4a://127.0.0.1:1160 --udp-echo 192.0.2.10:7
	assert_failure 1
	row 'udp associate' FAIL 'SOCKS4 has no UDP$'
}

@test "--json: one object with each check, the verdict and the exit status" {
	check socks5://127.0.0.1:1163 --json 192.0.2.10:80
	assert_failure 1
	run python3 -c 'import json, sys
d = json.load(sys.stdin)
print(d["proxy"], d["exit"], d["verdict"])
for c in d["checks"]:
    print(c["check"], c["status"])' <<<"$output"
	assert_success
	assert_line "socks5://127.0.0.1:1163 1 partly usable: not working: connect"
	assert_line "connect fail"
	assert_line "credentials skipped"
	assert_line "bind no"
}

@test "bad arguments: a clear error, exit 2" {
	check socks5://127.0.0.1:1160 nonsense
	assert_failure 2
	assert_output "socksify: --check: expected HOST:PORT, got 'nonsense'"
	check socks5://127.0.0.1:1160 --udp-echo 192.0.2.10:0
	assert_failure 2
	assert_output "socksify: --udp-echo: expected HOST:PORT, got '192.0.2.10:0'"
	check socks5://127.0.0.1:1160 a:1 b:2
	assert_failure 2
	assert_output --partial "--check takes at most one HOST:PORT"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1160 --json true
	assert_failure 2
	assert_output --partial "--json and --udp-echo go with --check"
	run env -u SOCKS_SERVER "$SOCKSIFY" --check
	assert_failure 2
	assert_output --partial "no proxy configured"
}

@test "installed (make install PREFIX=...), --check works from there" {
	local prefix=$BATS_TEST_TMPDIR/prefix
	# -o: never rebuild what the suite is testing, only install it
	run make -s -C "$ROOT" B="$B" PREFIX="$prefix" -o "$B/libsocksify.so" -o "$B/socksify-check" install
	assert_success
	run timeout 60 "$prefix/bin/socksify" --check -s socks5://127.0.0.1:1160 192.0.2.10:80
	assert_success
	row connect ok
}

# ---- servers we did not write -------------------------------------------------------------

@test "dante-server: usable; UDP round trip through its relay; BIND allowed by its rules" {
	ix_need dante
	check socks5://127.0.0.1:1185 --udp-echo 192.0.2.10:7 192.0.2.10:80
	assert_success
	row connect ok '192\.0\.2\.10:80 in'
	row 'remote names' ok 'localhost:1 resolved by the proxy'
	row 'udp associate' ok 'relay 127\.0\.0\.1:[0-9]+; 192\.0\.2\.10:7 echoed in'
	row bind ok "the proxy listens at ${DANTE_SRC//./\\.}:[0-9]+ for a peer\$"
	row pipelining ok 'accepted'
	run cat "$XDG_CACHE_HOME/socksify/pipeline"
	assert_output --regexp '^127\.0\.0\.1 1185 accepts [0-9]+$'
}

@test "microsocks: pipelining refused after a short wait, remembered; no UDP, no BIND" {
	ix_need ms
	check socks5://127.0.0.1:1186 192.0.2.10:80
	assert_success
	row connect ok
	row 'udp associate' no 'REP 7'
	row bind no 'refused: REP 7'
	row pipelining no 'refused: the greeting was answered, then no reply in time \([0-9]+ ms\); remembered'
	run cat "$XDG_CACHE_HOME/socksify/pipeline"
	assert_output --regexp '^127\.0\.0\.1 1186 refuses [0-9]+$'
	# The library believes it: no probe, no wait.
	run strace -f -qq -e trace=sendto -o "$BATS_TEST_TMPDIR/st" "$SOCKSIFY" -vv \
		-s socks5://127.0.0.1:1186 python3 "$BATS_TEST_DIRNAME/errno_client.py" 198.51.100.10 80
	assert_line "ok peer=$MS_SRC"
	assert_equal "$(grep -c 'sendto(' "$BATS_TEST_TMPDIR/st")" 2
}

@test "microsocks -u/-P: credentials checked; wrong ones and none fail" {
	ix_need msauth
	check socks5://alice:s3cret@127.0.0.1:1187 192.0.2.10:80
	assert_success
	row credentials ok 'user alice accepted'
	row pipelining no 'refused'
	check socks5://alice:nope@127.0.0.1:1187
	assert_failure 1
	row credentials FAIL 'user alice rejected'
}

@test "ssh -D: CONNECT and pipelining need a destination to tell; UDP and BIND closed" {
	ix_need ssh
	check socks5h://127.0.0.1:1188
	assert_success
	row connect '\?' '127\.0\.0\.1:1: closed without a reply; give HOST:PORT'
	row pipelining '\?' 'closed without a reply; the proxy answers no CONNECT to tell \(give HOST:PORT\)'
	[ ! -e "$XDG_CACHE_HOME/socksify/pipeline" ]
	check socks5h://127.0.0.1:1188 192.0.2.10:80
	assert_success
	row methods ok 'no authentication: yes; username/password: no \(closed without a reply\)'
	row connect ok '192\.0\.2\.10:80 in'
	row 'udp associate' no 'closed without a reply'
	row bind no 'refused: closed without a reply'
	row pipelining ok 'accepted'
}

@test "an HTTP proxy (the bundled one): CONNECT read and answered, names sent, no UDP or BIND" {
	check http://127.0.0.1:1160
	assert_success
	assert_line "proxy http://127.0.0.1:1160"
	row methods ok 'HTTP CONNECT; no authentication asked for \(HTTP [0-9]+ without credentials\)$'
	row credentials - 'none configured$'
	row connect ok 'the request was read and answered \(HTTP [0-9]+ for its own 127\.0\.0\.1:1\)'
	row 'remote names' ok 'HTTP CONNECT always sends names'
	row 'udp associate' - 'an HTTP proxy carries TCP only$'
	row bind - 'HTTP CONNECT has no BIND$'
	row pipelining - 'SOCKS5 only$'
	check http://127.0.0.1:1160 192.0.2.10:80
	assert_success
	row connect ok '192\.0\.2\.10:80 in [0-9.]+ ms$'
	# a UDP echo asked of an HTTP proxy cannot work
	check http://127.0.0.1:1160 --udp-echo 192.0.2.10:7
	assert_failure 1
	row 'udp associate' FAIL 'an HTTP proxy carries TCP only$'
}

@test "an HTTP proxy with Basic authentication: the right password, a wrong one, none" {
	check http://alice:s3cret@127.0.0.1:1161 192.0.2.10:80
	assert_success
	row methods ok 'HTTP CONNECT; the proxy asks for Basic authentication \(HTTP 407 without credentials\)$'
	row credentials ok 'user alice accepted'
	row connect ok '192\.0\.2\.10:80 in'
	check http://alice:wrong@127.0.0.1:1161
	assert_failure 1
	row credentials FAIL 'user alice rejected \(HTTP 407\)$'
	row connect - 'not tried'
	check http://127.0.0.1:1161
	assert_failure 1
	row credentials FAIL 'none configured \(-u, or user@ in the URL\)$'
}

@test "tinyproxy: usable, a destination reached; with BasicAuth the credentials are checked" {
	[ -e "$BATS_FILE_TMPDIR/tp.pid" ] || skip "tinyproxy is not installed"
	check http://127.0.0.1:1189 192.0.2.10:80
	assert_success
	row connect ok '192\.0\.2\.10:80 in'
	check http://alice:s3cret@127.0.0.1:1190 192.0.2.10:80
	assert_success
	row credentials ok 'user alice accepted'
	check http://alice:wrong@127.0.0.1:1190
	assert_failure 1
	row credentials FAIL 'user alice rejected \(HTTP 40[17]\)$'
}

@test "a chain: one CONNECT through every hop; a refusing hop is named; UDP is not tried" {
	run timeout 60 "$SOCKSIFY" --check -s socks5://127.0.0.1:1160 -s http://127.0.0.1:1160 \
		192.0.2.10:80
	assert_success
	row chain ok '2 hops, 192\.0\.2\.10:80 reached in [0-9.]+ ms$'
	row 'udp associate' - 'not through a chain'
	run proxy_log plain
	assert_output --partial 192.0.2.10
	run timeout 60 "$SOCKSIFY" --check -s socks5://127.0.0.1:1160 -s http://127.0.0.1:1168 \
		192.0.2.10:80
	assert_failure 1
	row chain FAIL 'hop 2 of 2 \(http://127\.0\.0\.1:1168\): HTTP 403$'
	assert_line "verdict: partly usable: not working: chain"
	# without a destination, the last hop's answer about its own 127.0.0.1:1 proves the way
	run timeout 60 "$SOCKSIFY" --check -s socks5://127.0.0.1:1160 -s socks5h://127.0.0.1:1161
	assert_failure 1
	run timeout 60 "$SOCKSIFY" --check -s socks5://127.0.0.1:1160 -s socks5h://127.0.0.1:1163
	row chain ok '2 hops; the last \(socks5h://127\.0\.0\.1:1163\) read and answered \(REP 2'
}
