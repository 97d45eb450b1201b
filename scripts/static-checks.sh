#!/bin/sh
# SPDX-License-Identifier: MIT
# Checks that keep the architecture honest, as TAP: the library exports exactly the
# interposed names, core/ and config/ touch no sockets, files or dl, the docs lint.
set -u
B=${B:-build}
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; [ -n "${2:-}" ] && echo "$2" | sed 's/^/#   /'; }

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

fmt=$(clang-format --dry-run --Werror core/*.[ch] config/*.[ch] config/check/*.c preload/*/*.[ch] \
	tests/proxy/*.c tests/unit/*.[ch] 2>&1 | grep -c 'error:' || true)
if [ "$fmt" -eq 0 ]; then ok "sources are clang-formatted"; else notok "sources are clang-formatted" "$fmt violations: run make format-check"; fi

if [ -e socksify.1 ]; then
	w=$(groff -mdoc -ww -z socksify.1 2>&1)
	if [ -z "$w" ]; then ok "socksify.1 lints clean"; else notok "socksify.1 lints clean" "$w"; fi
fi

echo "1..$n"
exit $fail
