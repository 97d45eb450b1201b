#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The socksify command itself: configuration checks before exec, LD_PRELOAD handling.

bats_require_minimum_version 1.5.0
load helpers

ERRNO=$BATS_TEST_DIRNAME/errno_client.py

setup_file() {
	load helpers
	start_targets
	start_proxy cli 1140
}

teardown_file() {
	stop_all_bg
}

teardown() {
	if [ -e "$BATS_TEST_TMPDIR/capdir" ]; then
		rm -rf "$(cat "$BATS_TEST_TMPDIR/capdir")"
	fi
}

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
	assert_line --partial "SOCKS_SERVER: port out of range (1 to 65535)"
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
	# the entry names the library through ld.so's $LIB, which is lib/<multiarch> here
	local entry=${output%:/usr/lib/x86_64-linux-gnu/libc.so.6}
	[ "$entry" != "$output" ] || fail "the old entry is not last: $output"
	entry=${entry##*:}
	[ "$entry" = "$B/\$LIB/socksify/libsocksify.so" ] || fail "unexpected entry $entry"
	[ "${entry//\$LIB/lib/$(cc -print-multiarch)}" -ef "$LIB" ]
}

@test "a config file that is a FIFO, a directory or over 64 KiB is an error for the wrapper (one line, exit 2)" {
	local d=$BATS_TEST_TMPDIR
	mkfifo "$d/fifo"
	run timeout 10 "$SOCKSIFY" -c "$d/fifo" -s socks5://127.0.0.1:1140 true
	assert_failure 2
	[ "${#lines[@]}" -eq 1 ]
	assert_output "socksify: $d/fifo: not a regular file"
	mkdir "$d/dir"
	run timeout 10 "$SOCKSIFY" -c "$d/dir" -s socks5://127.0.0.1:1140 true
	assert_failure 2
	[ "${#lines[@]}" -eq 1 ]
	assert_output "socksify: $d/dir: Is a directory"
	{
		echo 'server socks5://127.0.0.1:1140'
		seq -f '# padding line %g ........................................' 2000
		echo 'strict on'
	} >"$d/big.conf"
	[ "$(stat -c %s "$d/big.conf")" -gt 65536 ]
	run timeout 10 "$SOCKSIFY" -c "$d/big.conf" true
	assert_failure 2
	[ "${#lines[@]}" -eq 1 ]
	assert_output "socksify: $d/big.conf: larger than 64 KiB"
	# a symlink to a regular file is fine, and /dev/null means an empty file
	printf 'server socks5://127.0.0.1:1140\n' >"$d/real.conf"
	ln -s "$d/real.conf" "$d/link.conf"
	run "$SOCKSIFY" -c "$d/link.conf" python3 "$ERRNO" 198.51.100.10 80
	assert_output "ok peer=$PROXY_SRC"
	run "$SOCKSIFY" -c /dev/null -s socks5://127.0.0.1:1140 python3 "$ERRNO" 198.51.100.10 80
	assert_output "ok peer=$PROXY_SRC"
}

@test "a config file that is a FIFO, a directory or over 64 KiB is an error for the library: EINVAL and one line" {
	local d=$BATS_TEST_TMPDIR
	mkfifo "$d/fifo"
	mkdir "$d/dir"
	{
		seq -f '# padding line %g ........................................' 2000
		echo 'strict on'
	} >"$d/big.conf"
	local f
	for f in fifo dir big.conf; do
		SOCKSIFY_CONF=$d/$f SOCKS_SERVER=socks5://127.0.0.1:1140 LD_PRELOAD=$LIB \
			run timeout 10 python3 "$ERRNO" 192.0.2.10 80
		[ "$status" -ne 124 ] || fail "$f: the program hung"
		assert_line "errno=EINVAL"
		assert_line --regexp "^socksify\[[0-9]+\]: error: $d/$f: cannot read config file: (not a regular file|Is a directory|larger than 64 KiB)$"
	done
}

@test "no error message echoes a password, whatever the malformed URL" {
	local u
	for u in 'socks5://alice:s3cretPW' 'alice:s3cretPW' 'socks5://alice:s3cretPW/' \
		'socks5://alice:s3cretPW/x' 'socks5://alice:s3cretPW@' 'socks5://alice:s3cretPW@h:1x' \
		'socks5://alice:s3cretPW%zz@h' 'socks5://alice:s3cretPW@[::1' 'socks5://alice:s3cret PW' \
		'socks5://alice:s3cretPW?x' 'socks5://alice:s3cretPW99999' 'socks5://alice:9999999s3cret'; do
		run "$SOCKSIFY" -s "$u" true
		assert_failure 2
		[ "${#lines[@]}" -eq 1 ] || fail "$u: not one line: $output"
		[[ $output != *s3cret* ]] || fail "$u: secret in: $output"
	done
	run "$SOCKSIFY" -s 'socks5://alice:123456789' true
	assert_failure 2
	refute_output --partial 123456789
	run "$SOCKSIFY" --sever=socks5://alice:s3cretPW@h true
	assert_failure 2
	assert_output "socksify: unknown option '--sever' (see socksify --help)"
	local c=$BATS_TEST_TMPDIR/c.conf
	printf 'server socks5://alice:s3cretPW\n' >"$c"
	chmod 0600 "$c"
	run "$SOCKSIFY" -c "$c" true
	assert_failure 2
	refute_output --partial s3cret
	printf 'server socks5://127.0.0.1:1140\npassword=s3cretPW\n' >"$c"
	run "$SOCKSIFY" -c "$c" true
	assert_failure 2
	refute_output --partial s3cret
	SOCKS_SERVER='socks5://alice:s3cretPW' LD_PRELOAD=$LIB run python3 "$ERRNO" 192.0.2.10 80
	assert_line "errno=EINVAL"
	refute_output --partial s3cret
}

@test "-u without a terminal is a usage error: exit 2 and one line" {
	run env -u SOCKS_PASSWORD setsid -w "$SOCKSIFY" -u alice -s socks5://127.0.0.1:1140 true </dev/null
	assert_failure 2
	[ "${#lines[@]}" -eq 1 ] || fail "not one line: $output"
	assert_output --partial "-u needs a password"
}

# Polls (bounded) until the command succeeds.
wait_for() {
	local i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -lt 500 ] || return 1
		sleep 0.02
	done
}

pane_echo() {
	stty -F "$tty" -a | tr ' ;' '\n\n' | grep -qx -e "$1"
}

@test "Ctrl-C at the -u password prompt leaves the terminal echoing" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	local sock=$BATS_TEST_TMPDIR/tmux.sock tty
	tmux -S "$sock" new-session -d -x 150 -y 20 sh
	tty=$(tmux -S "$sock" display -p '#{pane_tty}')
	tmux -S "$sock" send-keys "env -u SOCKS_PASSWORD '$SOCKSIFY' -u alice -s socks5://127.0.0.1:1140 true" Enter
	wait_for sh -c "tmux -S '$sock' capture-pane -p | grep -q 'Proxy password for alice'" ||
		{ tmux -S "$sock" kill-server; fail "no prompt"; }
	wait_for pane_echo -echo || { tmux -S "$sock" kill-server; fail "echo never off"; }
	tmux -S "$sock" send-keys C-c
	if ! wait_for pane_echo echo; then
		tmux -S "$sock" kill-server
		fail "the terminal stays without echo after Ctrl-C"
	fi
	tmux -S "$sock" send-keys 'echo "done-$((1 + 1))"' Enter
	wait_for sh -c "tmux -S '$sock' capture-pane -p | grep -q '^done-2'" ||
		{ tmux -S "$sock" kill-server; fail "the shell did not come back"; }
	run tmux -S "$sock" capture-pane -p
	tmux -S "$sock" kill-server
	refute_output --partial "Proxy password for alice: echo"
}

@test "as root, a setuid-root program is not flagged and runs socksified; a setuid file of another owner is refused with --strict" {
	[ "$(id -u)" -eq 0 ] || skip "needs uid 0"
	local d=$BATS_TEST_TMPDIR
	cp "$(command -v curl)" "$d/suid-curl"
	chmod 4755 "$d/suid-curl"
	run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1140 "$d/suid-curl" -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$PROXY_SRC"
	cp /bin/true "$d/suid-nobody"
	chown 65534 "$d/suid-nobody" || skip "cannot chown to 65534"
	chmod 4755 "$d/suid-nobody"
	run "$SOCKSIFY" --strict --isolation off -s socks5://127.0.0.1:1140 "$d/suid-nobody"
	assert_failure 3
	assert_output --partial "setuid"
	run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1140 "$d/suid-nobody"
	assert_success
	assert_output --partial "runs isolated (--strict)"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1140 "$d/suid-nobody"
	assert_success
	assert_output --partial "warning: $d/suid-nobody is setuid"
	cp /bin/true "$d/sgid-nobody"
	chgrp 65534 "$d/sgid-nobody"
	chmod 2755 "$d/sgid-nobody"
	run "$SOCKSIFY" --strict --isolation off -s socks5://127.0.0.1:1140 "$d/sgid-nobody"
	assert_failure 3
	assert_output --partial "setgid"
	chgrp 0 "$d/sgid-nobody"
	chmod 2755 "$d/sgid-nobody"
	run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1140 "$d/sgid-nobody"
	assert_success
}

@test "-q silences the wrapper's warnings, but not the static-binary one" {
	local d=$BATS_TEST_TMPDIR
	printf 'server socks5://alice:pw@127.0.0.1:1140\n' >"$d/c.conf"
	chmod 0644 "$d/c.conf"
	run "$SOCKSIFY" -q -c "$d/c.conf" true
	assert_success
	assert_output ""
	cp /bin/true "$d/suid-nobody"
	chown 65534 "$d/suid-nobody" && chmod 4755 "$d/suid-nobody"
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1140 "$d/suid-nobody"
	assert_success
	assert_output ""
	printf '#include <stdio.h>\nint main(void){puts("static ran");return 0;}\n' |
		cc -static -x c - -o "$d/static" 2>/dev/null || skip "no static C library (libc6-dev)"
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1140 "$d/static"
	assert_success
	assert_line --partial "warning: $d/static is statically linked"
	assert_line "static ran"
}

@test "RTLD_DEEPBIND being dropped is logged at debug level (-vvv), not at -vv" {
	# The sanitizer runtime, preloaded first, refuses RTLD_DEEPBIND before our hook runs.
	[ "${SAN:-}" = 1 ] && skip "RTLD_DEEPBIND is refused by the sanitizer runtime"
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

@test "--strict with the server named only in the config file runs the program" {
	printf 'server socks5h://127.0.0.1:1140\n' >"$BATS_TEST_TMPDIR/c.conf"
	run "$SOCKSIFY" --strict -c "$BATS_TEST_TMPDIR/c.conf" python3 "$ERRNO" 198.51.100.10 80
	assert_success
	assert_output "ok peer=$PROXY_SRC"
}

@test "a log file that is a FIFO without a reader does not hang the program: the line goes to stderr" {
	mkfifo "$BATS_TEST_TMPDIR/log"
	SOCKSIFY_LOG_FILE=$BATS_TEST_TMPDIR/log run timeout 10 "$SOCKSIFY" -v \
		-s socks5://127.0.0.1:1 python3 "$ERRNO" 198.51.100.10 80
	[ "$status" -ne 124 ] || fail "the program hung"
	assert_line "errno=ECONNREFUSED"
	assert_line --partial "proxy socks5://127.0.0.1:1 unreachable"
}

@test "file capabilities: root keeps LD_PRELOAD (not flagged, runs socksified); another user is refused with --strict" {
	[ "$(id -u)" -eq 0 ] || skip "needs uid 0"
	# a directory the other user can reach; removed in teardown
	local d
	d=$(mktemp -d "${TMPDIR:-/tmp}/socksify-caps.XXXXXX")
	echo "$d" >"$BATS_TEST_TMPDIR/capdir"
	chmod 0755 "$d"
	cp "$(command -v curl)" "$d/cap-curl"
	setcap cap_net_raw+ep "$d/cap-curl" 2>/dev/null || skip "cannot set file capabilities here"
	run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1140 "$d/cap-curl" -sS -m 10 http://192.0.2.10/
	assert_success
	assert_output "peer=$PROXY_SRC"
	command -v setpriv >/dev/null || skip "no setpriv"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SOCKSIFY" --strict --isolation off -s socks5://127.0.0.1:1140 "$d/cap-curl" -sS -m 10 http://192.0.2.10/
	assert_failure 3
	assert_output --partial "has file capabilities"
	# Isolated, it runs contained: its direct connection finds no route.
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SOCKSIFY" --strict -s socks5://127.0.0.1:1140 "$d/cap-curl" -sS -m 10 http://192.0.2.10/
	assert_output --partial "runs isolated (--strict)"
	refute_output --partial "peer="
}
