#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The docs stay true: socksify.1 lints clean, options in --help = man page = README,
# every variable and config key the code reads is documented, the errno table matches
# core/errmap.c, and what the man page says about exit statuses, --env and --strict
# is what the wrapper does.

load helpers
bats_require_minimum_version 1.5.0

MAN=$ROOT/socksify.1
# python3, not curl: it also runs under `make asan` (see setup() in helpers.bash)
CLIENT=$BATS_TEST_DIRNAME/errno_client.py
README=$ROOT/README.md

# Tests must not see the caller's proxy settings or config files.
unset SOCKS_SERVER SOCKS5_SERVER SOCKS4_SERVER ALL_PROXY all_proxy NO_PROXY no_proxy \
	SOCKS_USERNAME SOCKS_PASSWORD SOCKSIFY_BYPASS SOCKSIFY_DNS SOCKSIFY_UDP \
	SOCKSIFY_LOG_FILE SOCKSIFY_CONNECT_TIMEOUT SOCKSIFY_HANDSHAKE_TIMEOUT \
	SOCKSIFY_PIPELINE SOCKSIFY_BYPASS_LOOPBACK SOCKSIFY_LIBDIR LD_PRELOAD
export SOCKSIFY_CONF=/dev/null

setup_file() {
	load helpers
	start_targets
	start_proxy docs 1090

	local d=$BATS_FILE_TMPDIR
	# A static program for --strict: glibc's libc.a comes with libc6-dev.
	printf '#include <stdio.h>\nint main(void){puts("static ran");return 0;}\n' |
		cc -static -x c - -o "$d/static" 2>/dev/null || rm -f "$d/static"
	# set-user-ID to another owner: the loader would ignore LD_PRELOAD (for root
	# running a root-owned one it would not)
	{ cp /bin/true "$d/suid-true" && chown 65534 "$d/suid-true" && chmod 4755 "$d/suid-true"; } ||
		rm -f "$d/suid-true"
	echo 'int sx_docs_dummy;' | cc -shared -fPIC -x c - -o "$d/libdummy.so"
	# What core/errmap.c really returns, by errno name.
	cat >"$d/errnames.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include "errmap.h"
static const char *n(int e) { return e ? strerrorname_np(-e) : "0"; }
int main(void)
{
	for (int i = 1; i < 256; i++)
		printf("socks5 %d %s\n", i, n(sx_errmap_socks5((uint8_t)i)));
	for (int i = 0; i < 256; i++)
		printf("socks4 %d %s\n", i, n(sx_errmap_socks4((uint8_t)i)));
	static const unsigned http[] = {401, 403, 404, 405, 407, 408, 410, 500, 501, 502, 503, 504};
	for (size_t i = 0; i < sizeof http / sizeof http[0]; i++)
		printf("http %u %s\n", http[i], n(sx_errmap_http(http[i])));
	printf("auth %s\nmethod %s\nmalformed %s\nclosed %s\ntimeout %s\n",
	       n(SX_ERR_AUTH_REJECTED), n(SX_ERR_NO_METHOD), n(SX_ERR_MALFORMED),
	       n(SX_ERR_CLOSED), n(SX_ERR_TIMEOUT));
	return 0;
}
EOF
	cc -D_GNU_SOURCE -I"$ROOT/core" -o "$d/errnames" "$d/errnames.c" "$ROOT/core/errmap.c"
}

teardown_file() {
	stop_all_bg
}

# Lines of one mdoc section (without its .Sh line).
man_section() {
	awk -v s="$1" '/^\.Sh / { on = ($2 == s); next } on' "$MAN"
}

# Options in --help: the leading "-x," / "--long" words of each option line.
help_opts() {
	"$SOCKSIFY" --help | awk '$1 ~ /^-/ {
		for (i = 1; i <= NF && $i ~ /^-/; i++) { o = $i; sub(/,$/, "", o); print o }
	}' | sort -u
}

# Options in the man page's OPTIONS list: ".It Fl s , Fl \-server Ar URL".
man_opts() {
	man_section OPTIONS | grep '^\.It Fl ' |
		grep -oE 'Fl (\\-)?[A-Za-z][A-Za-z0-9-]*' |
		sed -e 's/^Fl //' -e 's/^\\-/-/' -e 's/^/-/' | sort -u
}

# Options in the README's options table: rows starting "| `-".
readme_opts() {
	grep -E '^\| `-' "$README" | awk -F'|' '{ print $2 }' |
		grep -oE '`--?[A-Za-z][A-Za-z0-9-]*' | tr -d '`' | sort -u
}

# Variable names the code reads: config/, the wrapper, and getenv() in preload/.
code_vars() {
	{
		grep -ohE '\b(SOCKSIFY|SOCKS[45]?)_[A-Z0-9_]+\b' "$ROOT"/config/*.c \
			"$ROOT"/config/check/*.c "$ROOT/scripts/socksify.in"
		grep -ohE '"(ALL_PROXY|all_proxy|NO_PROXY|no_proxy)"' "$ROOT"/config/*.c | tr -d '"'
		grep -ohE 'getenv\("[A-Za-z0-9_]+"\)' "$ROOT"/preload/*/*.c |
			sed -E 's/getenv\("(.*)"\)/\1/'
	} | sort -u
}

# Config file keys: the first column of config.c's settings table.
code_keys() {
	grep -oE '^[[:space:]]*\{"[a-z_]+", (NULL|"[A-Z_]+"), set_' "$ROOT/config/config.c" |
		sed -E 's/^[[:space:]]*\{"([a-z_]+)".*/\1/' | sort -u
}

@test "socksify.1 lints clean with groff -mdoc -ww" {
	run groff -mdoc -ww -z "$MAN"
	assert_success
	assert_output ""
}

@test "the man page renders with NAME, SYNOPSIS and every required section" {
	local s
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT FILES "EXIT STATUS" EXAMPLES \
		DIAGNOSTICS CAVEATS "SEE ALSO" STANDARDS; do
		grep -qx "\.Sh $s" "$MAN" || fail "socksify.1 has no section $s"
	done
	run sh -c "MANWIDTH=80 man -l '$MAN' 2>&1 >/dev/null"
	assert_output ""
}

@test "--help lists options (sanity check of the parser)" {
	run help_opts
	assert_success
	assert_line -- "--server"
	assert_line -- "-s"
	assert_line -- "--help"
	[ "${#lines[@]}" -ge 10 ]
}

@test "every option in --help is in the man page's OPTIONS, and the reverse" {
	run diff <(help_opts) <(man_opts)
	assert_success
}

@test "every option in --help is in the README's options table, and the reverse" {
	run diff <(help_opts) <(readme_opts)
	assert_success
}

@test "option arguments are named the same in --help, socksify.1 and README" {
	local opt arg
	while read -r opt arg; do
		man_section OPTIONS | grep -qE "^\.It .*Fl \\\\${opt#-} Ar $arg\$" ||
			fail "socksify.1: $opt is not documented as '$opt $arg'"
		grep -qF -- "\`$opt $arg\`" "$README" ||
			fail "README.md: $opt is not documented as '$opt $arg'"
	done < <("$SOCKSIFY" --help | grep -oE '^ +(-[a-z], )?--[a-z-]+ [A-Z]+' |
		sed -E 's/^ +(-[a-z], )?//')
}

@test "every variable the code reads is in the man page's ENVIRONMENT and in README" {
	local v n=0
	for v in $(code_vars); do
		n=$((n + 1))
		man_section ENVIRONMENT | grep -E '^\.It Ev ' | grep -qw -- "$v" ||
			fail "socksify.1 ENVIRONMENT does not list $v"
		grep -qw -- "$v" "$README" || fail "README.md does not mention $v"
	done
	[ "$n" -ge 17 ] # the parser found the set it should
}

@test "every config file key is in the man page's FILES and in README" {
	local k n=0
	for k in $(code_keys); do
		n=$((n + 1))
		man_section FILES | grep -E '^\.It Cm ' | grep -qw -- "$k" ||
			fail "socksify.1 FILES does not list key $k"
		grep -qF -- "\`$k\`" "$README" || fail "README.md does not list key $k"
	done
	[ "$n" -eq 12 ] || [ "$n" -gt 12 ]
}

@test "--version prints the Makefile's VERSION" {
	local v
	v=$(sed -n 's/^VERSION[[:space:]]*:*=[[:space:]]*//p' "$ROOT/Makefile")
	[ -n "$v" ]
	run "$SOCKSIFY" --version
	assert_success
	assert_output "socksify $v"
}

@test "the errno table in DIAGNOSTICS is core/errmap.c's" {
	local names=$BATS_FILE_TMPDIR/errnames.txt table row i e
	"$BATS_FILE_TMPDIR/errnames" >"$names"
	table=$(man_section DIAGNOSTICS | grep -E '^\.It .* Ta ')
	row() { # row LABEL-REGEX ERRNO: the table row for LABEL gives ERRNO
		grep -qE "^\.It $1 Ta Er $2\$" <<<"$table" || fail "no row '$1 ... Er $2'"
	}
	for i in 1 2 3 4 5 6 7 8; do
		row "SOCKS5 reply $i,.*" "$(awk -v i="$i" '$1 == "socks5" && $2 == i { print $3 }' "$names")"
	done
	for e in $(awk '$1 == "socks5" && $2 >= 9 { print $3 }' "$names" | sort -u); do
		row "SOCKS5 reply 9 to 255,.*" "$e"
	done
	for i in 91 92 93; do
		row "SOCKS4 reply $i,.*" "$(awk -v i="$i" '$1 == "socks4" && $2 == i { print $3 }' "$names")"
	done
	for e in $(awk '$1 == "socks4" && ($2 < 90 || $2 > 93) { print $3 }' "$names" | sort -u); do
		row "SOCKS4 reply other than 90 to 93" "$e"
	done
	for i in $(awk '$1 == "http" { print $2 }' "$names"); do
		row "HTTP ([0-9]+, )*$i,.*" "$(awk -v i="$i" '$1 == "http" && $2 == i { print $3 }' "$names")"
	done
	row "authentication rejected.*" "$(awk '$1 == "auth" { print $2 }' "$names")"
	row "method X'FF'.*" "$(awk '$1 == "method" { print $2 }' "$names")"
	row "malformed reply" "$(awk '$1 == "malformed" { print $2 }' "$names")"
	row "proxy closed mid-handshake" "$(awk '$1 == "closed" { print $2 }' "$names")"
	row "connect or handshake timeout" "$(awk '$1 == "timeout" { print $2 }' "$names")"
}

@test "the log line has the documented format" {
	run "$SOCKSIFY" -vv -s socks5://127.0.0.1:1090 python3 "$CLIENT" 198.51.100.10 80
	assert_success
	assert_line "ok peer=$PROXY_SRC"
	assert_line --regexp '^socksify\[[0-9]+\]: info: connect 198\.51\.100\.10:80 via socks5://127\.0\.0\.1:1090: ok \([0-9]+ ms\)$'
	run "$SOCKSIFY" -v -s socks5://127.0.0.1:1 python3 "$CLIENT" 198.51.100.10 80
	assert_line "errno=ECONNREFUSED"
	assert_line --regexp '^socksify\[[0-9]+\]: warn: connect 198\.51\.100\.10:80 via socks5://127\.0\.0\.1:1: proxy unreachable: Connection refused \([0-9]+ ms\)$'
	assert_line --regexp '^socksify\[[0-9]+\]: error: proxy socks5://127\.0\.0\.1:1 unreachable: Connection refused$'
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1 python3 "$CLIENT" 198.51.100.10 80
	assert_output "errno=ECONNREFUSED"
}

@test "credentials never appear in the log" {
	run "$SOCKSIFY" -vvv -s socks5://alice:pw-secret-123@127.0.0.1:1 python3 "$CLIENT" \
		198.51.100.10 80
	assert_line "errno=ECONNREFUSED"
	assert_output --partial "socksify["
	refute_output --partial "pw-secret-123"
}

@test "an unknown option exits 2 with one line naming it" {
	run "$SOCKSIFY" --no-such-option true
	assert_failure 2
	assert_output "socksify: unknown option '--no-such-option' (see socksify --help)"
	run "$SOCKSIFY" -Z true
	assert_failure 2
	assert_output "socksify: unknown option '-Z' (see socksify --help)"
	run "$SOCKSIFY" -s
	assert_failure 2
	assert_output --partial "'-s'"
	[ "${#lines[@]}" -eq 1 ]
}

@test "a bad proxy URL exits 2 with one line naming the problem" {
	run "$SOCKSIFY" -s socks5://h:99999 true
	assert_failure 2
	[ "${#lines[@]}" -eq 1 ]
	assert_output --partial "port out of range"
	assert_output --partial "SOCKS_SERVER"
	run "$SOCKSIFY" -s https://h:3128 true
	assert_failure 2
	[ "${#lines[@]}" -eq 1 ]
	assert_output --partial "unsupported scheme 'https'"
	SOCKSIFY_CONNECT_TIMEOUT=soon run "$SOCKSIFY" -s socks5://h true
	assert_failure 2
	[ "${#lines[@]}" -eq 1 ]
	assert_output --partial "SOCKSIFY_CONNECT_TIMEOUT"
}

@test "a bad config file line exits 2 naming the file and line" {
	local f=$BATS_TEST_TMPDIR/socksify.conf
	printf '# comment\nserver socks5://127.0.0.1:1090\nsever oops\n' >"$f"
	run "$SOCKSIFY" -c "$f" true
	assert_failure 2
	assert_output "socksify: $f:3: unknown key 'sever'"
}

@test "no proxy configured and no command are usage errors (2)" {
	run "$SOCKSIFY" true
	assert_failure 2
	assert_output --partial "no proxy configured"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1090
	assert_failure 2
	assert_line --index 0 --partial "no command"
}

@test "exit status: the command's own, 127 when not found" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1090 sh -c 'exit 7'
	assert_failure 7
	run -127 "$SOCKSIFY" -s socks5://127.0.0.1:1090 no-such-command-socksify
	assert_output --partial "no-such-command-socksify"
}

@test "--env prints only export lines (and unset for a password moved to a file)" {
	SOCKS_PASSWORD=pw run "$SOCKSIFY" --env -u alice -s socks5://127.0.0.1:1090 --bypass 10.0.0.0/8
	assert_success
	local l
	for l in "${lines[@]}"; do
		[[ $l =~ ^export\ [A-Za-z_][A-Za-z0-9_]*= ]] || [ "$l" = "unset SOCKS_PASSWORD" ] ||
			fail "not an export line: $l"
	done
	assert_line "unset SOCKS_PASSWORD"
	assert_line --regexp "^export LD_PRELOAD="
	run "$SOCKSIFY" --env -s socks5://127.0.0.1:1090 true
	assert_failure 2
}

@test "--env in sh: LD_PRELOAD has the library first and keeps the existing entry" {
	local dummy=$BATS_FILE_TMPDIR/libdummy.so
	run env LD_PRELOAD="$dummy" sh -c '
		eval "$("$1" --env -s socks5://127.0.0.1:1090)" || exit 9
		printf "%s\n" "$LD_PRELOAD" "$SOCKS_SERVER"' sh "$SOCKSIFY"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[1]}" = socks5://127.0.0.1:1090 ]
	[ "${lines[0]##*:}" = "$dummy" ]
	# the library is the first entry, after a sanitizer runtime in `make asan` builds
	local first
	first=$(tr ':' '\n' <<<"${lines[0]}" | grep -v 'lib[a-z]*san\.so' | head -n 1)
	first=${first//\$LIB/lib/$(cc -print-multiarch)} # as ld.so expands it for this class
	[ "$first" -ef "$LIB" ] || fail "first entry $first is not $LIB"
	# a second eval does not add the library twice
	run env LD_PRELOAD="$dummy" sh -c '
		eval "$("$1" --env -s socks5://127.0.0.1:1090)"
		eval "$("$1" --env -s socks5://127.0.0.1:1090)"
		printf "%s\n" "$LD_PRELOAD"' sh "$SOCKSIFY"
	assert_success
	[ "$(grep -o libsocksify.so <<<"$output" | wc -l)" -eq 1 ]
}

@test "--env quotes values so they survive eval, and moves the password into a file" {
	local pw="it's \$HOME \"x\" \`y\` ;z"
	run env SOCKS_PASSWORD="$pw" sh -c '
		eval "$("$1" --env -u alice -s "socks5://127.0.0.1:1090/")" || exit 9
		printf "%s\n" "$SOCKS_USERNAME" "${SOCKS_PASSWORD-unset}" "$SOCKS_SERVER"
		cat "$SOCKSIFY_PASSWORD_FILE"' sh "$SOCKSIFY"
	assert_success
	[ "${lines[0]}" = alice ]
	[ "${lines[1]}" = unset ]
	[ "${lines[2]}" = socks5://127.0.0.1:1090/ ]
	[ "${lines[3]}" = "$pw" ]
}

@test "a shell socksified with --env reaches the target through the proxy" {
	run sh -c 'eval "$("$1" --env -s socks5://127.0.0.1:1090)" &&
		exec python3 "$2" 198.51.100.10 80' sh "$SOCKSIFY" "$CLIENT"
	assert_success
	assert_output "ok peer=$PROXY_SRC"
	run proxy_log docs
	assert_output --partial "v5 CONNECT ip=198.51.100.10:80"
}

@test "--strict refuses a statically linked binary (3) without isolation, runs it isolated; without it, warns and runs" {
	local st=$BATS_FILE_TMPDIR/static
	[ -x "$st" ] || skip "no static C library to build a static test binary (libc6-dev)"
	run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1090 "$st"
	assert_success
	assert_line --partial "statically linked"
	assert_line --partial "runs isolated (--strict)"
	assert_line "static ran"
	run "$SOCKSIFY" --strict --isolation off -s socks5://127.0.0.1:1090 "$st"
	assert_failure 3
	assert_output --partial "statically linked"
	assert_output --partial "--strict"
	refute_output --partial "static ran"
	run "$SOCKSIFY" -s socks5://127.0.0.1:1090 "$st"
	assert_success
	assert_line --partial "warning: $st is statically linked"
	assert_line "static ran"
}

@test "--strict refuses a setuid binary; a plain dynamic binary runs" {
	[ -e "$BATS_FILE_TMPDIR/suid-true" ] || skip "cannot make a set-user-ID file of another owner"
	run "$SOCKSIFY" --strict --isolation off -s socks5://127.0.0.1:1090 "$BATS_FILE_TMPDIR/suid-true"
	assert_failure 3
	assert_output --partial "setuid"
	run "$SOCKSIFY" --strict -s socks5://127.0.0.1:1090 true
	assert_success
	assert_output ""
}
