#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Strict mode's exec checks in the library: a child that would run unsocksified (static,
# Go, setuid, another class without its library, an environment without LD_PRELOAD) is
# refused with EACCES and one log line, however it is started; ordinary children run.

load helpers

TRY=$B/exec_try
STRESS32=$B/m32/stress_proc

setup_file() {
	load helpers
	start_targets
	start_proxy plain 1080 --map web.test=192.0.2.10
	local d=$BATS_FILE_TMPDIR
	# A static client that connects to the HTTP target directly (glibc's libc.a: libc6-dev).
	cat >"$d/static.c" <<'EOF'
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
int main(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(80)};
	inet_pton(AF_INET, "192.0.2.10", &a.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		return 111;
	const char rq[] = "GET / HTTP/1.0\r\n\r\n";
	char buf[512];
	(void)!write(fd, rq, sizeof rq - 1);
	ssize_t n = read(fd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("static ran: %s\n", buf[0] ? "got an answer" : "no answer");
	return 0;
}
EOF
	cc -static -o "$d/static" "$d/static.c" 2>/dev/null || rm -f "$d/static"
	echo 'int main(void) { return 0; }' | cc -static -x c -o "$d/static-true" - 2>/dev/null ||
		rm -f "$d/static-true"
	{ cp /bin/true "$d/suid-true" && chown 65534 "$d/suid-true" && chmod 4755 "$d/suid-true"; } ||
		rm -f "$d/suid-true"
	printf '#!%s\n' "$d/static" >"$d/static-script"
	printf '#!/bin/sh\necho script ran\n' >"$d/sh-script"
	chmod +x "$d/static-script" "$d/sh-script"
	export SOCKS_SERVER=socks5h://127.0.0.1:1080
}

teardown_file() {
	stop_all_bg
}

setup() {
	: >"$SX_DNSREC_LOG"
	sx_setup
}

need_static() {
	[ -x "$BATS_FILE_TMPDIR/static" ] || skip "no static C library to build a static test program (libc6-dev)"
}

# Nothing reached the target except through the proxy.
target_untouched() {
	run grep -v "peer=$PROXY_SRC:" "$BATS_FILE_TMPDIR/target.log"
	assert_output ""
}

@test "strict: a static client started by a shell is refused (EACCES, one log line) and nothing leaves" {
	need_static
	local st=$BATS_FILE_TMPDIR/static
	run timeout 30 "$SOCKSIFY" --strict --isolation off sh -c '"$1"; echo "rc=$?"' sh "$st"
	assert_success
	assert_line "rc=126"
	assert_line --partial "Permission denied"
	refute_output --partial "static ran"
	[ "$(grep -c "strict mode: refusing to run $st: it is statically linked" <<<"$output")" -eq 1 ]
	target_untouched
	assert_no_dns_leak
}

@test "strict: every way to start a program refuses a static one with EACCES" {
	need_static
	local st=$BATS_FILE_TMPDIR/static
	run timeout 30 "$SOCKSIFY" --strict --isolation off "$TRY" all "$st"
	assert_success
	local w
	for w in execve execv execvp execvpe execl execle execlp execveat fexecve posix_spawn posix_spawnp; do
		assert_line "$w EACCES"
	done
	refute_output --partial "static ran"
	[ "$(grep -c "strict mode: refusing to run .*: it is statically linked" <<<"$output")" -eq 11 ]
	target_untouched
}

@test "strict and without: every way to start an ordinary dynamic program runs it, silently" {
	local w mode
	for mode in --strict ""; do
		run timeout 30 "$SOCKSIFY" $mode "$TRY" all /bin/true
		assert_success
		for w in execve execv execvp execvpe execl execle execlp execveat fexecve posix_spawn posix_spawnp; do
			assert_line "$w ran exit=0"
		done
		[ "${#lines[@]}" -eq 11 ]
	done
}

@test "strict: a shell script and the programs it starts run, and reach the target through the proxy" {
	run timeout 30 "$SOCKSIFY" --strict --isolation off sh -c '"$1" && curl -sS -m 10 http://web.test/' sh \
		"$BATS_FILE_TMPDIR/sh-script"
	assert_success
	assert_output "script ran
peer=$PROXY_SRC"
	assert_no_dns_leak
}

@test "strict: a script whose #! interpreter is static is refused" {
	need_static
	run timeout 30 "$SOCKSIFY" --strict --isolation off sh -c '"$1"; echo "rc=$?"' sh "$BATS_FILE_TMPDIR/static-script"
	assert_line "rc=126"
	assert_line --partial "refusing to run $BATS_FILE_TMPDIR/static: it is statically linked"
	refute_output --partial "static ran"
	target_untouched
}

@test "the wrapper judges a #! script it starts by its interpreter: static refused (3); set-ID bits on a script ignored, as the kernel does" {
	need_static
	run timeout 30 "$SOCKSIFY" --strict --isolation off "$BATS_FILE_TMPDIR/static-script"
	assert_failure 3
	assert_line --partial "warning: $BATS_FILE_TMPDIR/static is statically linked"
	refute_output --partial "static ran"
	local sc=$BATS_TEST_TMPDIR/suid-script
	cp "$BATS_FILE_TMPDIR/sh-script" "$sc"
	chown 65534 "$sc" 2>/dev/null && chmod 4755 "$sc" || skip "cannot make a set-user-ID file of another owner"
	run timeout 30 "$SOCKSIFY" --strict --isolation off "$sc"
	assert_success
	assert_output "script ran"
	target_untouched
}

@test "strict: the dynamic loader run as a command (ldd, ld.so PROGRAM) is judged by the program it loads" {
	need_static
	local ld=/lib64/ld-linux-x86-64.so.2
	[ -x "$ld" ] || skip "no $ld"
	run timeout 30 "$SOCKSIFY" --strict --isolation off ldd /bin/true
	assert_success
	assert_line --partial "libc.so.6 =>"
	run timeout 30 "$SOCKSIFY" --strict --isolation off sh -c '
		"$1" --library-path /nonexistent /bin/echo dynamic ran; echo "dyn=$?"
		"$1" --version >/dev/null; echo "version=$?"
		"$1" "$2"; echo "static=$?"' sh "$ld" "$BATS_FILE_TMPDIR/static"
	assert_line "dynamic ran"
	assert_line "dyn=0"
	assert_line "version=0"
	assert_line "static=126"
	assert_line --partial "refusing to run $BATS_FILE_TMPDIR/static: it is statically linked"
	refute_output --partial "static ran"
	target_untouched
}

@test "strict: a Go program (Debian's go) is refused; without strict it runs" {
	[ -x /usr/bin/go ] || skip "no /usr/bin/go (golang-go)"
	run timeout 30 "$SOCKSIFY" --strict --isolation off sh -c '/usr/bin/go version; echo "rc=$?"'
	assert_line "rc=126"
	assert_line --partial "refusing to run /usr/bin/go: it is a Go program: it makes its own system calls"
	run timeout 30 "$SOCKSIFY" sh -c '/usr/bin/go version'
	assert_success
	assert_output --regexp '^go version go'
}

@test "strict: a set-user-ID program of another owner is refused; without strict it runs" {
	[ -e "$BATS_FILE_TMPDIR/suid-true" ] || skip "cannot make a set-user-ID file of another owner"
	run timeout 30 "$SOCKSIFY" --strict --isolation off sh -c '"$1"; echo "rc=$?"' sh "$BATS_FILE_TMPDIR/suid-true"
	assert_line "rc=126"
	assert_line --partial "it is setuid: the loader would ignore LD_PRELOAD"
	run timeout 30 "$SOCKSIFY" sh -c '"$1"; echo "rc=$?"' sh "$BATS_FILE_TMPDIR/suid-true"
	assert_output "rc=0"
}

@test "strict: a child whose environment drops LD_PRELOAD (env -i, env -u) is refused; one that keeps it runs" {
	run timeout 30 "$SOCKSIFY" --strict --isolation off sh -c '
		env -i /bin/true; echo "i=$?"
		env -u LD_PRELOAD /bin/true; echo "u=$?"
		env FOO=1 /bin/true; echo "kept=$?"'
	assert_line "i=126"
	assert_line "u=126"
	assert_line "kept=0"
	[ "$(grep -c "refusing to run /bin/true: its environment drops libsocksify.so from LD_PRELOAD" <<<"$output")" -eq 2 ]
	# without strict nothing is refused, and an exec alone reads no configuration (which
	# env -i would have emptied: "no proxy configured")
	run timeout 30 "$SOCKSIFY" sh -c 'env -i /bin/true; echo "i=$?"'
	assert_output "i=0"
}

@test "strict: a 32-bit child runs with its own library; where LD_PRELOAD names only the 64-bit one it is refused" {
	[ -x "$STRESS32" ] || skip "no 32-bit build in $B (gcc-multilib, libc-ares-dev:i386)"
	run timeout 30 "$SOCKSIFY" --strict --isolation off sh -c '"$1" addr 192.0.2.10 h; echo "rc=$?"' sh "$STRESS32"
	assert_line "rc=0"
	refute_output --partial "refusing"
	run timeout 30 env SOCKSIFY_LIBDIR="$B" "$SOCKSIFY" --strict --isolation off sh -c '"$1" addr 192.0.2.10 h; echo "rc=$?"' \
		sh "$STRESS32"
	assert_line "rc=126"
	assert_line --partial "refusing to run $STRESS32: it is a 32-bit program (machine 3) and no libsocksify.so of its class is preloaded"
	target_untouched
}

@test "SOCKSIFY_ISOLATED=1 with nothing but lo (the wrapper's namespace): a static child runs, with one log line" {
	need_static
	local st=$BATS_FILE_TMPDIR/static-true
	run timeout 30 env SOCKSIFY_ISOLATED=1 "$SOCKSIFY" --strict --isolation off sh -c '"$1"; echo "rc=$?"' sh "$st"
	assert_line "rc=0"
	[ "$(grep -c "strict mode: running $st: it is statically linked" <<<"$output")" -eq 1 ]
	# where another interface exists the variable is not believed
	ip link add sxbridge0 type bridge 2>/dev/null || skip "cannot add a bridge interface"
	run timeout 30 env SOCKSIFY_ISOLATED=1 "$SOCKSIFY" --strict --isolation off sh -c '"$1"; echo "rc=$?"' sh "$st"
	ip link del sxbridge0
	assert_line "rc=126"
	assert_line --partial "refusing to run $st: it is statically linked"
}

@test "strict from the config file: a process that has read its configuration checks its execs" {
	need_static
	printf 'server socks5h://127.0.0.1:1080\nstrict on\n' >"$BATS_TEST_TMPDIR/strict.conf"
	run timeout 30 env -u SOCKS_SERVER "$SOCKSIFY" -c "$BATS_TEST_TMPDIR/strict.conf" python3 -c '
import os, socket, sys
socket.getaddrinfo("web.test", 80)
try:
    os.execv(sys.argv[1], [sys.argv[1]])
except PermissionError:
    print("refused")' "$BATS_FILE_TMPDIR/static"
	assert_success
	assert_line "refused"
	assert_line --partial "refusing to run $BATS_FILE_TMPDIR/static: it is statically linked"
	target_untouched
}

# Last: it leaves a direct connection in the target's log.
@test "without strict the static child runs and goes direct: what strict prevents" {
	need_static
	run timeout 30 "$SOCKSIFY" -q sh -c '"$1"' sh "$BATS_FILE_TMPDIR/static"
	assert_success
	assert_output "static ran: got an answer"
	run grep -vc "peer=$PROXY_SRC:" "$BATS_FILE_TMPDIR/target.log"
	assert_output 1
}
