#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The socksify command itself: configuration checks before exec, LD_PRELOAD handling.

bats_require_minimum_version 1.5.0
load helpers

@test "a config file with a password readable by others draws a warning" {
	printf 'server socks5://alice:pw@127.0.0.1:1080\n' >"$BATS_TEST_TMPDIR/c.conf"
	chmod 0644 "$BATS_TEST_TMPDIR/c.conf"
	run "$SOCKSIFY" -c "$BATS_TEST_TMPDIR/c.conf" true
	assert_success
	assert_output --partial "holds a password and is readable by other users"
	refute_output --partial "pw@"
	chmod 0600 "$BATS_TEST_TMPDIR/c.conf"
	run "$SOCKSIFY" -c "$BATS_TEST_TMPDIR/c.conf" true
	assert_success
	assert_output ""
}

@test "a missing config file named with -c is an error (exit 2)" {
	run "$SOCKSIFY" -c "$BATS_TEST_TMPDIR/nope.conf" true
	assert_failure 2
	assert_output --partial "nope.conf"
}

@test "a bad line in the config file names the file and line" {
	printf 'server socks5://127.0.0.1:1080\nfrobnicate yes\n' >"$BATS_TEST_TMPDIR/c.conf"
	run "$SOCKSIFY" -c "$BATS_TEST_TMPDIR/c.conf" true
	assert_failure 2
	assert_output --partial "c.conf:2:"
}

@test "no proxy configured at all is a usage error" {
	run env -u SOCKS_SERVER -u ALL_PROXY -u all_proxy SOCKSIFY_CONF=/dev/null "$SOCKSIFY" true
	assert_failure 2
	assert_output --partial "no proxy configured"
}

@test "LD_PRELOAD set by hand with a malformed SOCKS_SERVER: connect fails with EINVAL and a clear line, never direct" {
	SOCKS_SERVER=socks5://127.0.0.1:99999 LD_PRELOAD=$LIB run python3 "$BATS_TEST_DIRNAME/errno_client.py" 192.0.2.10 80
	assert_line "errno=EINVAL"
	assert_line --partial "SOCKS_SERVER: port 99999 out of range"
}

@test "the program's exit status passes through, and a missing command is 127" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1080 sh -c 'exit 7'
	assert_failure 7
	run -127 "$SOCKSIFY" -s socks5://127.0.0.1:1080 no-such-command-here
	assert_failure 127
}

@test "the library is prepended to an existing LD_PRELOAD, not replacing it" {
	LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libc.so.6 run "$SOCKSIFY" -s socks5://127.0.0.1:1080 \
		sh -c 'echo "$LD_PRELOAD"'
	assert_output --regexp "(^|:)$LIB:/usr/lib/x86_64-linux-gnu/libc.so.6$"
}

@test "RTLD_DEEPBIND being dropped is logged at debug level (-vvv), not at -vv" {
	local py='import ctypes, os
ctypes.CDLL("libm.so.6", mode=os.RTLD_DEEPBIND | os.RTLD_NOW)
print("loaded")'
	run "$SOCKSIFY" -vv -s socks5://127.0.0.1:1140 python3 -c "$py"
	assert_success
	assert_output "loaded"
	run "$SOCKSIFY" -vvv -s socks5://127.0.0.1:1140 python3 -c "$py"
	assert_success
	assert_line "loaded"
	assert_line --regexp '^socksify\[[0-9]+\]: debug: dlopen libm\.so\.6: RTLD_DEEPBIND dropped'
}
