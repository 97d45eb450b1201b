#!/bin/sh
# SPDX-License-Identifier: MIT
# Checks that keep the architecture honest, as TAP: the library exports exactly the
# interposed names, core/ and config/ touch no sockets, files or dl, no shim code calls
# an exported name, includes and calls point down the floors, the docs lint.
set -u
B=${B:-build}
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; [ -n "${2:-}" ] && echo "$2" | sed 's/^/#   /'; }
# ok when the findings ($2, a line each) are empty, else not ok with them.
verdict() { if [ -z "$2" ]; then ok "$1"; else notok "$1" "$(printf '%s' "$2")"; fi; }

want=$(sed -n 's/^[[:space:]]*\([a-z_0-9]*\);$/\1/p' preload/exports.map | sort)
got=$(nm -D --defined-only "$B/libsocksify.so" | awk '$2 ~ /^[TWiV]$/ {print $3}' | sed 's/@.*//' | sort -u)
if [ "$want" = "$got" ]; then
	ok "libsocksify.so exports exactly the interposed names ($(echo "$got" | wc -l))"
else
	notok "libsocksify.so exports exactly the interposed names" "$(diff -u /dev/fd/3 /dev/fd/4 3<<W 4<<G
$want
W
$got
G
)"
fi

if nm -D "$B/libsocksify.so" | grep -q ' [TW] ares_'; then
	notok "c-ares symbols are hidden"
else
	ok "c-ares symbols are hidden"
fi

forbidden='^(socket|connect|bind|send|sendto|sendmsg|recv|recvfrom|recvmsg|read|write|open|open64|openat|fopen|close|poll|select|dlsym|dlopen|getaddrinfo|gethostbyname|getenv|malloc|calloc|realloc|free|__errno_location)$'
for o in "$B"/core/*.o "$B"/config/*.o; do
	[ -e "$o" ] || continue
	bad=$(nm -u "$o" | awk '{print $2}' | sed 's/@.*//' | grep -E "$forbidden" || true)
	if [ -z "$bad" ]; then
		ok "$(basename "$(dirname "$o")")/$(basename "$o" .o) is pure (no I/O, dl, malloc or errno)"
	else
		notok "$(basename "$(dirname "$o")")/$(basename "$o" .o) is pure" "uses: $bad"
	fi
done

# The floors, lowest first. A file includes, and an object calls, only its own floor or
# a lower one; tcp/, udp/ and exec/ share a rank, so none reaches another, and tcp/ and
# udp/ stand over dns/ (the direction is also written at the top of tcp_connect.h, udp.h,
# exec_check.h and fakedns_shared.h).
floor_of() {
	case $1 in
	core/*) echo core ;;
	config/*) echo config ;;
	preload/*/*)
		f=${1#preload/}
		echo "${f%%/*}"
		;;
	*) echo none ;;
	esac
}
floor_rank() {
	case $1 in
	core) echo 0 ;;
	config) echo 1 ;;
	base) echo 2 ;;
	dns) echo 3 ;;
	tcp | udp | exec) echo 4 ;;
	hooks) echo 5 ;;
	*) echo -1 ;;
	esac
}
preload_src=$(ls preload/*/*.c)

# No shim code calls an exported name: the call would go back through the PLT into a
# hook and its guard; the shim's own I/O goes through sx_real. Outside hooks/ such a call
# is an undefined symbol. Inside, a call to a hook of the same file leaves a relocation
# instead (a body two hooks share is static).
relocs() {
	objdump -r "$1" | awk '/^RELOCATION RECORDS FOR/ {skip = $0 ~ /debug|eh_frame/; next}
		!skip && NF == 3 && $1 ~ /^[0-9a-f]+$/ {v = $3; sub(/[-+]0x[0-9a-f]+$/, "", v); print v}'
}
outside=
inside=
for c in $preload_src; do
	o=$B/${c%.c}.o
	if [ ! -e "$o" ]; then
		outside="$outside$o is missing
"
		continue
	fi
	case $c in
	preload/hooks/*)
		r=$(relocs "$o" | grep -xF "$want" | sort -u | paste -sd ' ' -)
		[ -n "$r" ] && inside="$inside${c%.c}.o calls $r
"
		;;
	*)
		r=$(nm -u "$o" | awk '{print $NF}' | sed 's/@.*//' | grep -xF "$want" | paste -sd ' ' -)
		[ -n "$r" ] && outside="$outside${c%.c}.o calls $r
"
		;;
	esac
done
verdict "no object outside preload/hooks/ calls an exported name" "$outside"
verdict "no hook calls an exported name" "$inside"

bad=
for f in core/*.[ch] config/*.[ch] config/check/*.[ch] preload/*.[ch] preload/*/*.[ch]; do
	[ -e "$f" ] || continue
	from=$(floor_of "$f")
	rank=$(floor_rank "$from")
	if [ "$rank" -lt 0 ]; then
		bad="$bad$f is in no floor
"
		continue
	fi
	# shellcheck disable=SC2013 # an include's name holds no blank
	for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
		to=$(floor_of "$(realpath -m --relative-to=. "$(dirname "$f")/$inc")")
		[ "$to" = "$from" ] && continue
		r=$(floor_rank "$to")
		[ "$r" -ge 0 ] && [ "$r" -lt "$rank" ] && continue
		bad="$bad$f ($from) includes $inc ($to)
"
	done
done
verdict "includes point down the floors (hooks > tcp, udp, exec > dns > base > config > core)" "$bad"

# The same for calls, which a declaration written by hand could hide from the above.
bad=$(for c in $preload_src; do
	fl=$(floor_of "$c")
	nm --defined-only "$B/${c%.c}.o" | awk -v f="$fl" -v r="$(floor_rank "$fl")" \
		'$2 ~ /^[A-TV-Z]$/ && $3 ~ /^sx_/ {print "def", $3, f, r}'
	nm -u "$B/${c%.c}.o" | awk -v c="$c" -v f="$fl" -v r="$(floor_rank "$fl")" \
		'$2 ~ /^sx_/ {print "use", $2, f, r, c}'
done | awk '$1 == "def" {df[$2] = $3; dr[$2] = $4; next}
	{use[++n] = $0}
	END {
		for (i = 1; i <= n; i++) {
			split(use[i], u, " ")
			if (u[2] in df && df[u[2]] != u[3] && dr[u[2]] + 0 >= u[4] + 0)
				print u[5] " (" u[3] ") calls " u[2] " (" df[u[2]] ")"
		}
	}')
verdict "calls point down the floors" "$bad"

fmt=$(clang-format --dry-run --Werror core/*.[ch] config/*.[ch] config/check/*.c preload/*/*.[ch] \
	tests/proxy/*.c tests/unit/*.[ch] 2>&1 | grep -c 'error:' || true)
if [ "$fmt" -eq 0 ]; then ok "sources are clang-formatted"; else notok "sources are clang-formatted" "$fmt violations: run make format-check"; fi

if [ -e socksify.1 ]; then
	w=$(groff -mdoc -ww -z socksify.1 2>&1)
	if [ -z "$w" ]; then ok "socksify.1 lints clean"; else notok "socksify.1 lints clean" "$w"; fi
fi

echo "1..$n"
exit $fail
