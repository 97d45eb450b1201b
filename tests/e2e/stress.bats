#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Process-model stress (build/stress_proc) and hostile proxies the other suites do not
# cover. Names sN.test map to the HTTP target for even N and to whoami for odd N, so each
# connection proves it reached its own target; the DNS recorder proves no lookup leaked.

load helpers

STRESS=$B/stress_proc
ERRNO=$BATS_TEST_DIRNAME/errno_client.py
RAW=$BATS_TEST_DIRNAME/raw_proxy.py

setup_file() {
	load helpers
	start_targets
	s_name_maps
	start_proxy plain 1080 "${S_MAPS[@]}"
	start_proxy slow 1081 --delay-ms 300 "${S_MAPS[@]}"
	export SOCKS_SERVER=socks5h://127.0.0.1:1080
}

teardown_file() {
	stop_all_bg
}

setup() {
	: >"$SX_DNSREC_LOG"
	sx_setup
}

# names_ok PROXY PREFIX FIRST LAST: the proxy connected each name FIRST..LAST by name
names_ok() {
	local i
	for i in $(seq "$3" "$4"); do
		grep -q "v5 CONNECT name=$2$i.test:80 auth=none result=ok" "$BATS_FILE_TMPDIR/$1.log" ||
			{ echo "no proxy line for $2$i.test" >&2; return 1; }
	done
}

# Nothing reached a target except through the proxy (127.0.0.2).
no_direct() {
	run grep -v "peer=127.0.0.2:" "$BATS_FILE_TMPDIR/target.log"
	assert_output ""
}

@test "64 threads resolve 64 names at once and each reaches its own target" {
	run timeout 60 "$SOCKSIFY" "$STRESS" threads 64 s 2
	assert_success
	assert_output "ok=128 failed=0"
	names_ok plain s 0 63
	no_direct
	assert_no_dns_leak
}

@test "the same over IPv6 fake addresses" {
	STRESS_V6=1 run timeout 60 "$SOCKSIFY" "$STRESS" threads 64 s
	assert_success
	assert_output "ok=64 failed=0"
	no_direct
	assert_no_dns_leak
}

@test "fork while other threads are inside getaddrinfo and connect: the children work" {
	run timeout 120 "$SOCKSIFY" "$STRESS" fork 8 s 40
	assert_success
	assert_output --regexp '^forks=40 hung=0 failed=0 busy=[0-9]+ busy_failed=0$'
	names_ok plain s 8 15
	no_direct
	assert_no_dns_leak
}

@test "vfork+exec and posix_spawn children resolve and connect, and use the parent's names" {
	run timeout 60 "$SOCKSIFY" "$STRESS" spawn s20.test s21.test
	assert_success
	assert_output "spawned=4 failed=0"
	names_ok plain s 20 21
	no_direct
	assert_no_dns_leak
}

@test "a program that closes every fd (close_range, closefrom, raw syscall) keeps working" {
	run timeout 60 "$SOCKSIFY" "$STRESS" closeall s30.test s31.test s32.test
	assert_success
	assert_output "ok"
	names_ok plain s 30 32
	no_direct
	assert_no_dns_leak
}

@test "a library loaded with RTLD_DEEPBIND still has its connects proxied" {
	# The sanitizer runtime, preloaded first, refuses RTLD_DEEPBIND before our hook runs.
	[ "${SAN:-}" = 1 ] && skip "RTLD_DEEPBIND is refused by the sanitizer runtime"
	cat >"$BATS_FILE_TMPDIR/deep.c" <<'EOF'
#include <netdb.h>
#include <stddef.h>
#include <sys/socket.h>
#include <unistd.h>
int deep_fetch(const char *name, char *buf, size_t cap);
int deep_fetch(const char *name, char *buf, size_t cap)
{
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai;
	if (getaddrinfo(name, "80", &hints, &ai))
		return 2;
	int fd = socket(ai->ai_family, SOCK_STREAM, 0);
	int r = connect(fd, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (r)
		return 111;
	size_t got = 0;
	ssize_t n;
	while (got + 1 < cap && (n = read(fd, buf + got, cap - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = 0;
	close(fd);
	return 0;
}
EOF
	cc -shared -fPIC -o "$BATS_FILE_TMPDIR/libdeep.so" "$BATS_FILE_TMPDIR/deep.c"
	run timeout 30 "$SOCKSIFY" "$STRESS" dlopen "$BATS_FILE_TMPDIR/libdeep.so" s41.test
	assert_success
	assert_output "peer=127.0.0.2"
	names_ok plain s 41 41
	assert_no_dns_leak
	# and a library loaded by IP connects through the proxy too
	run timeout 30 "$SOCKSIFY" "$STRESS" dlopen "$BATS_FILE_TMPDIR/libdeep.so" 198.51.100.10
	assert_success
	assert_output "peer=127.0.0.2"
	no_direct
}

@test "the dlopen hook keeps the caller's DT_RUNPATH for finding the library" {
	# The sanitizer runtime, preloaded first, refuses RTLD_DEEPBIND before our hook runs.
	[ "${SAN:-}" = 1 ] && skip "RTLD_DEEPBIND is refused by the sanitizer runtime"
	mkdir -p "$BATS_FILE_TMPDIR/rp"
	printf 'int rp_answer(void);\nint rp_answer(void) { return 42; }\n' >"$BATS_FILE_TMPDIR/rp/rp.c"
	cc -shared -fPIC -o "$BATS_FILE_TMPDIR/rp/librp.so" "$BATS_FILE_TMPDIR/rp/rp.c"
	cat >"$BATS_FILE_TMPDIR/rpmain.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
int main(void)
{
	int modes[] = {RTLD_NOW, RTLD_NOW | RTLD_DEEPBIND};
	for (int i = 0; i < 2; i++) {
		void *h = dlopen("librp.so", modes[i]);
		int (*f)(void) = h ? (int (*)(void))dlsym(h, "rp_answer") : NULL;
		printf("%d\n", f ? f() : -1);
	}
	return 0;
}
EOF
	cc -o "$BATS_FILE_TMPDIR/rpmain" "$BATS_FILE_TMPDIR/rpmain.c" \
		-Wl,--enable-new-dtags,-rpath,"$BATS_FILE_TMPDIR/rp"
	run "$SOCKSIFY" "$BATS_FILE_TMPDIR/rpmain"
	assert_success
	assert_output "$(printf '42\n42')"
}

@test "exit() while 16 threads are mid-handshake: clean exit status, no crash" {
	for i in 1 2 3 4 5 6 7 8; do
		run timeout 20 "$SOCKSIFY" -s socks5h://127.0.0.1:1081 "$STRESS" exit 16 s $((i * 30))
		[ "$status" -eq 7 ] || { echo "round $i: status $status: $output" >&2; false; }
		[ "$output" = exiting ] || { echo "round $i: $output" >&2; false; }
	done
	no_direct
	assert_no_dns_leak
}

@test "SIGALRM every 20 ms during a slow handshake, with and without SA_RESTART" {
	run timeout 30 "$SOCKSIFY" -s socks5h://127.0.0.1:1081 "$STRESS" signal s43.test
	assert_success
	assert_line --regexp '^no SA_RESTART: connect=Interrupted system call hits=[1-9][0-9]* ms=[0-9]+ ok$'
	assert_line --regexp '^SA_RESTART: connect=0 hits=[1-9][0-9]* ms=[0-9]+ ok$'
	no_direct
	assert_no_dns_leak
}

@test "a signal handler that connects while its thread is mid-handshake is proxied too" {
	run timeout 30 "$SOCKSIFY" -s socks5h://127.0.0.1:1081 "$STRESS" sigconnect s45.test
	assert_success
	assert_output "main=ok handler=peer=127.0.0.2"
	no_direct
	assert_no_dns_leak
}

# hostile SCENARIO PORT: runs errno_client through the raw proxy with a 1 s handshake
# timeout; sets $output and $ms.
hostile() {
	start_bg "raw$2" python3 "$RAW" "$2" "$1"
	local t0 t1
	t0=$(date +%s%3N)
	SOCKSIFY_HANDSHAKE_TIMEOUT=1s run timeout 20 "$SOCKSIFY" -q -s "socks5://127.0.0.1:$2" \
		python3 "$ERRNO" 192.0.2.10 80
	t1=$(date +%s%3N)
	ms=$((t1 - t0))
	stop_bg "raw$2"
}

@test "hostile replies: oversize, empty and NUL-bearing BND.ADDR names" {
	before=$(wc -l <"$BATS_FILE_TMPDIR/target.log")
	hostile bnd255 1200
	assert_output "ok after-bnd" # read exactly: nothing of the 255-byte name leaks through
	hostile bnd255nul 1201
	assert_output "errno=EPROTO"
	hostile bnd0 1202
	assert_output "errno=EPROTO"
	hostile bndshort 1203
	assert_output "errno=ECONNRESET"
	hostile bndsilent 1204
	assert_output "errno=ETIMEDOUT"
	[ "$ms" -lt 4000 ]
	[ "$(wc -l <"$BATS_FILE_TMPDIR/target.log")" -eq "$before" ]
}

@test "hostile replies: wrong version, bad ATYP, resets mid-reply" {
	before=$(wc -l <"$BATS_FILE_TMPDIR/target.log")
	hostile version4 1210
	assert_output "errno=EPROTO"
	hostile version0 1211
	assert_output "errno=EPROTO"
	hostile badatyp 1212
	assert_output "errno=EPROTO"
	hostile reset 1213
	assert_output "errno=ECONNRESET"
	[ "$ms" -lt 4000 ]
	hostile resetgreeting 1214
	assert_output "errno=ECONNRESET"
	[ "$(wc -l <"$BATS_FILE_TMPDIR/target.log")" -eq "$before" ]
}

@test "unassigned REP codes 10..254 (a sample) give ECONNREFUSED, never a direct connection" {
	before=$(wc -l <"$BATS_FILE_TMPDIR/target.log")
	i=0
	for code in 10 17 42 99 128 200 254; do
		port=$((1220 + i))
		i=$((i + 1))
		start_proxy "rep$code" "$port" --reply "$code"
		run timeout 20 "$SOCKSIFY" -q -s "socks5://127.0.0.1:$port" python3 "$ERRNO" 192.0.2.10 80
		stop_bg "rep$code"
		[ "$output" = "errno=ECONNREFUSED" ] || { echo "REP $code: $output" >&2; false; }
	done
	[ "$(wc -l <"$BATS_FILE_TMPDIR/target.log")" -eq "$before" ]
}

# `make check-valgrind` runs this with STRESS_LOOP=20000.
@test "valgrind: 2000 connections and 6000 resolutions, no leak or invalid access from the shim" {
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	[ "${SAN:-}" = 1 ] && skip "not with a sanitizer runtime"
	n=${STRESS_LOOP:-2000}
	run timeout 600 "$SOCKSIFY" valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
		--error-exitcode=1 "$STRESS" loop "$n" s 64
	assert_success
	assert_output "iterations=$n failed=0"
	no_direct
	assert_no_dns_leak
}
