#!/bin/sh
# SPDX-License-Identifier: MIT
# Instruction counts (callgrind Ir) of the shim on four loops, for comparing two builds of
# libsocksify.so without timing noise: the library's own instructions, and the process's.
#   scripts/netns.sh scripts/bench/callgrind.sh LIB [LIB...]
# Needs valgrind and the clients of scripts/bench/ in $B/bench/ (scripts/bench.sh builds them).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$(dirname "$here")")
B=${B:-build}
case $B in /*) ;; *) B=$root/$B ;; esac

if [ "${SX_NETNS_INSIDE:-}" != 1 ] || [ $# -lt 1 ]; then
	echo "usage: scripts/netns.sh scripts/bench/callgrind.sh LIB [LIB...]" >&2
	exit 2
fi
W=$SX_NETNS_DIR/callgrind
mkdir -p "$W"
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -f "$SOCKSIFY_FAKEDNS"
	umount /etc/hosts 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

printf '127.0.0.1 localhost\n192.0.2.10 web.test\n' >"$W/hosts"
mount --bind "$W/hosts" /etc/hosts
"$B/target" --http 192.0.2.10:80 --udp-echo 192.0.2.10:7 --ready-file "$W/target.ready" \
	>"$W/target.out" 2>&1 &
pids="$pids $!"
"$B/socksd" --listen 127.0.0.1:1080 --source 127.0.0.2 --map remote.test=192.0.2.10 \
	--ready-file "$W/socksd.ready" >"$W/socksd.out" 2>&1 &
pids="$pids $!"
i=0
while [ ! -e "$W/target.ready" ] || [ ! -e "$W/socksd.ready" ]; do
	i=$((i + 1))
	[ $i -gt 500 ] && { echo "callgrind.sh: servers did not start" >&2; exit 1; }
	sleep 0.01
done
export SOCKSIFY_LOG=error SOCKSIFY_FAKEDNS=/dev/shm/socksify-callgrind-$$
(umask 077 && : >"$SOCKSIFY_FAKEDNS")

# cg LIB NAME CMD...: CMD under callgrind with LIB preloaded, its stdout kept as it is;
# "lib_Ir total_Ir" go to $W/NAME.ir.
cg() {
	lib=$1 name=$2
	shift 2
	out=$W/$name.$$.cg
	echo "NA NA" >"$W/$name.ir"
	env LD_PRELOAD="$lib" SOCKS_SERVER=socks5h://127.0.0.1:1080 SOCKSIFY_PIPELINE=off \
		timeout 600 valgrind --tool=callgrind --callgrind-out-file="$out" "$@" \
		2>"$W/$name.err" || return 0
	callgrind_annotate --threshold=100 "$out" 2>/dev/null | awk -v lib="[$lib]" '
		/PROGRAM TOTALS/ {gsub(",", "", $1); total = $1}
		$NF == lib {gsub(",", "", $1); own += $1}
		END {printf "%d %d\n", own, total}' >"$W/$name.ir"
	rm -f "$out"
}

row() { # TITLE LIBNAME NAME
	printf '%-40s %-28s %14s %14s\n' "$1" "$2" $(cat "$W/$3.ir")
}

printf '%-40s %-28s %14s %14s\n' workload library lib_Ir total_Ir
for lib in "$@"; do
	lib=$(realpath "$lib")
	n=$(basename "$(dirname "$lib")")/$(basename "$lib")
	cg "$lib" gai "$B/bench/gai" remote.test 20000 >/dev/null
	row "20000 getaddrinfo(remote.test)" "$n" gai
	cg "$lib" tcp "$B/bench/tcp" cycle 192.0.2.10 80 2000 >/dev/null
	row "2000 connect+GET+close via socksd" "$n" tcp
	# dd's stdout is a pipe: 100000 64-byte reads of /dev/zero, 100000 writes to the pipe.
	cg "$lib" pipe dd if=/dev/zero bs=64 count=100000 status=none | cat >/dev/null
	row "dd: 100000 64-byte writes to a pipe" "$n" pipe
	cg "$lib" udp "$B/bench/udp" 192.0.2.10 7 5000 >/dev/null
	row "5000 UDP echo round trips via socksd" "$n" udp
done
