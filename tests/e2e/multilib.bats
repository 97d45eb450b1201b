#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 32-bit programs beside 64-bit ones: one LD_PRELOAD string ($LIB) gives each the library
# of its own class, and both classes share one fake-DNS table. Skipped where the build
# made no 32-bit library (no gcc-multilib or libc-ares-dev:i386).

load helpers

STRESS=$B/stress_proc
STRESS32=$B/m32/stress_proc

setup_file() {
	load helpers
	start_targets
	s_name_maps
	start_proxy plain 1080 "${S_MAPS[@]}"
	export SOCKS_SERVER=socks5h://127.0.0.1:1080
}

teardown_file() {
	stop_all_bg
}

setup() {
	[ -x "$STRESS32" ] && [ -e "$B/lib32/socksify/libsocksify.so" ] ||
		skip "no 32-bit libsocksify.so in $B (make prints why; scripts/deps.sh installs gcc-multilib and libc-ares-dev:i386)"
	: >"$SX_DNSREC_LOG"
	sx_setup
}

# the proxy connected NAME by name
proxied() {
	grep -q "v5 CONNECT name=$1:80 auth=none result=ok" "$BATS_FILE_TMPDIR/plain.log" ||
		{ echo "no proxy line for $1" >&2; return 1; }
}

no_direct() {
	run grep -v "peer=127.0.0.2:" "$BATS_FILE_TMPDIR/target.log"
	assert_output ""
}

# the address NAME gets in this tree (64-bit python, fake under socks5h)
fake_of() {
	python3 -c 'import socket, sys; print(socket.gethostbyname(sys.argv[1]))' "$1"
}

@test "the build tree has the library of each class where ld.so's \$LIB points" {
	run file -L "$B/lib/$(cc -print-multiarch)/socksify/libsocksify.so" \
		"$B/lib/$(cc -m32 -print-multiarch)/socksify/libsocksify.so" "$B/lib32/socksify/libsocksify.so"
	assert_success
	assert_line --index 0 --partial "ELF 64-bit LSB shared object"
	assert_line --index 1 --partial "ELF 32-bit LSB shared object"
	assert_line --index 2 --partial "ELF 32-bit LSB shared object"
	run grep -c '\$LIB/socksify/libsocksify.so' "$SOCKSIFY"
	assert_success
}

@test "a 32-bit client started by a 64-bit shell goes through the proxy, without ld.so's wrong-ELF-class line" {
	run timeout 30 "$SOCKSIFY" sh -c '"$1" one s2.test && "$1" one s3.test' sh "$STRESS32"
	assert_success
	refute_output --partial "wrong ELF class"
	refute_output --partial "cannot be preloaded"
	proxied s2.test
	proxied s3.test
	no_direct
	assert_no_dns_leak
}

@test "both loaders' \$LIB work: the multiarch one and libc6-i386's /lib32/ld-linux.so.2" {
	[ -x /lib32/ld-linux.so.2 ] || skip "no /lib32/ld-linux.so.2 (libc6-i386)"
	run timeout 30 "$SOCKSIFY" sh -c '/lib32/ld-linux.so.2 "$1" one s4.test' sh "$STRESS32"
	assert_success
	refute_output --partial "cannot be preloaded"
	proxied s4.test
	no_direct
}

@test "a 64-bit child of a 32-bit process is socksified too, and its 32-bit grandchild" {
	printf '#include <unistd.h>\nint main(int c, char **v) { (void)c; execvp(v[1], v + 1); return 127; }\n' \
		>"$BATS_FILE_TMPDIR/run32.c"
	cc -m32 -o "$BATS_FILE_TMPDIR/run32" "$BATS_FILE_TMPDIR/run32.c"
	run timeout 30 "$SOCKSIFY" "$BATS_FILE_TMPDIR/run32" sh -c '"$1" one s6.test && "$2" one s8.test' \
		sh "$STRESS" "$STRESS32"
	assert_success
	refute_output --partial "wrong ELF class"
	proxied s6.test
	proxied s8.test
	no_direct
	assert_no_dns_leak
}

@test "socks5h: a 32-bit child resolves a name as its 64-bit parent did, connects to the fake address the parent got, and back" {
	run timeout 30 "$SOCKSIFY" sh -c '
		ip=$(python3 -c "import socket; print(socket.gethostbyname(\"s14.test\"))") &&
		"$1" addr "$ip" h && echo "64->32 $ip"' sh "$STRESS32"
	assert_success
	assert_line --regexp '^64->32 198\.1[89]\.'
	proxied s14.test
	# the 32-bit child resolving the same name gets the same address from the table
	run timeout 30 "$SOCKSIFY" sh -c '"$2" resolve s15.test && "$1" resolve s15.test && "$1" resolve s13.test' \
		sh "$STRESS32" "$STRESS"
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "${lines[1]}" ] || fail "64-bit ${lines[0]}, 32-bit ${lines[1]}"
	[ "${lines[2]}" != "${lines[0]}" ]
	# the other way: a 32-bit program assigns, a 64-bit one reads the table
	run timeout 30 "$SOCKSIFY" sh -c '
		"$1" one s18.test && ip=$(python3 -c "import socket; print(socket.gethostbyname(\"s18.test\"))") &&
		"$2" addr "$ip" h && echo ok' sh "$STRESS32" "$STRESS"
	assert_success
	assert_line ok
	proxied s18.test
	no_direct
	assert_no_dns_leak
}

@test "32- and 64-bit processes assigning the same names at once agree on the table" {
	# Both classes take the table's lock at the same time; each fetch checks it reached
	# the target of its own name.
	run timeout 120 "$SOCKSIFY" sh -c '
		"$1" threads 40 s 3 >"$3/t32" 2>&1 & a=$!
		"$2" threads 40 s 3 >"$3/t64" 2>&1 & b=$!
		"$1" threads 40 s 3 >"$3/t32b" 2>&1 & c=$!
		wait $a; ra=$?; wait $b; rb=$?; wait $c; rc=$?
		cat "$3/t32" "$3/t64" "$3/t32b"; exit $((ra + rb + rc))' sh "$STRESS32" "$STRESS" "$BATS_TEST_TMPDIR"
	assert_success
	assert_output "ok=120 failed=0
ok=120 failed=0
ok=120 failed=0"
	local i
	for i in $(seq 0 39); do proxied "s$i.test"; done
	no_direct
	assert_no_dns_leak
}

@test "--strict runs a 32-bit program whose library is there, and refuses one whose class has none (3)" {
	run timeout 30 "$SOCKSIFY" --strict --isolation off "$STRESS32" one s20.test
	assert_success
	assert_output ""
	proxied s20.test
	# SOCKSIFY_LIBDIR names one library, of one class
	run timeout 30 env SOCKSIFY_LIBDIR="$B" "$SOCKSIFY" --strict --isolation off "$STRESS32" one s22.test
	assert_failure 3
	assert_line --partial "is a 32-bit program and no libsocksify.so of its class is installed"
	assert_line "socksify: refusing to run $STRESS32 unsocksified (--strict)"
	# without --strict: the warning, and the program runs (its usage, exit 2)
	run timeout 30 env SOCKSIFY_LIBDIR="$B" "$SOCKSIFY" "$STRESS32"
	assert_failure 2
	assert_line --partial "is a 32-bit program and no libsocksify.so of its class is installed"
}

@test "make install puts both libraries where \$LIB points, and the installed wrapper socksifies both classes" {
	local p=$BATS_TEST_TMPDIR/prefix
	run make -s -C "$ROOT" B="$B" PREFIX="$p" install
	assert_success
	[ -e "$p/lib/$(cc -print-multiarch)/socksify/libsocksify.so" ]
	[ -e "$p/lib/$(cc -m32 -print-multiarch)/socksify/libsocksify.so" ]
	[ -e "$p/lib32/socksify/libsocksify.so" ]
	run timeout 30 "$p/bin/socksify" --strict sh -c '"$1" one s24.test && "$2" one s26.test' sh \
		"$STRESS32" "$B/stress_proc"
	assert_success
	assert_output ""
	proxied s24.test
	proxied s26.test
	run make -s -C "$ROOT" B="$B" PREFIX="$p" uninstall
	assert_success
	run find "$p" -type f
	assert_output ""
}
