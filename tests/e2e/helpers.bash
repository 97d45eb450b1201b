# SPDX-License-Identifier: MIT
# Shared set-up for the end-to-end suites. They run inside scripts/netns.sh: loopback
# only, 192.0.2.10/198.51.100.10/2001:db8::10 on lo, and the DNS recorder logging to
# $SX_DNSREC_LOG.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
SOCKSIFY=$B/socksify
LIB=$B/libsocksify.so
PROXY_SRC=127.0.0.2 # the bundled proxy's outgoing address: a target seeing it was proxied
export SOCKSIFY_LOG=${SOCKSIFY_LOG:-warn}
# Each test starts with an empty pipeline cache of its own: none learns from another.
export XDG_CACHE_HOME=${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-/nonexistent}}/cache

if [ "${SX_NETNS_INSIDE:-}" != 1 ]; then
	echo "these tests must run inside scripts/netns.sh" >&2
	exit 1
fi

# start_bg NAME CMD [ARGS...]: start a server that creates --ready-file, wait for it.
start_bg() {
	local name=$1
	shift
	local ready=$BATS_FILE_TMPDIR/$name.ready
	rm -f "$ready"
	"$@" --ready-file "$ready" >"$BATS_FILE_TMPDIR/$name.out" 2>&1 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/$name.pid"
	local i=0
	while [ ! -e "$ready" ]; do
		i=$((i + 1))
		if [ $i -gt 500 ]; then
			echo "$name did not start:" >&2
			cat "$BATS_FILE_TMPDIR/$name.out" >&2
			return 1
		fi
		sleep 0.01
	done
}

stop_bg() {
	local f=$BATS_FILE_TMPDIR/$1.pid
	[ -e "$f" ] || return 0
	kill "$(cat "$f")" 2>/dev/null || true
	wait "$(cat "$f")" 2>/dev/null || true
	rm -f "$f"
}

stop_all_bg() {
	local f
	for f in "$BATS_FILE_TMPDIR"/*.pid; do
		[ -e "$f" ] && stop_bg "$(basename "$f" .pid)"
	done
	return 0
}

# start_proxy NAME PORT [socksd options...]: a bundled proxy on 127.0.0.1:PORT that
# logs to $BATS_FILE_TMPDIR/NAME.log
start_proxy() {
	local name=$1 port=$2
	shift 2
	: >"$BATS_FILE_TMPDIR/$name.log"
	start_bg "$name" "$B/socksd" --listen "127.0.0.1:$port" --listen "[::1]:$port" \
		--source "$PROXY_SRC" --source6 ::1 --log "$BATS_FILE_TMPDIR/$name.log" "$@"
}

# S_MAPS: --map options for s0.test..s99.test, even N to the HTTP target and odd N to
# whoami, so a connection that reached another name's target reads the wrong answer.
s_name_maps() {
	S_MAPS=()
	local i
	for i in $(seq 0 99); do
		if [ $((i % 2)) -eq 0 ]; then
			S_MAPS+=(--map "s$i.test=192.0.2.10")
		else
			S_MAPS+=(--map "s$i.test=198.51.100.10")
		fi
	done
}

proxy_log() {
	cat "$BATS_FILE_TMPDIR/$1.log"
}

# The standard targets: HTTP (reports the peer it saw), echo, banner, UDP echo.
start_targets() {
	: >"$BATS_FILE_TMPDIR/target.log"
	start_bg target "$B/target" --http 192.0.2.10:80 --http '[2001:db8::10]:80' \
		--echo 192.0.2.10:7 --banner 192.0.2.10:25 --whoami 198.51.100.10:80 \
		--http 127.0.0.1:8080 --udp-echo 192.0.2.10:7 --log "$BATS_FILE_TMPDIR/target.log"
}

target_log() {
	cat "$BATS_FILE_TMPDIR/target.log"
}

# mark_target, then target_since: what the target logged in between.
mark_target() {
	wc -l <"$BATS_FILE_TMPDIR/target.log" >"$BATS_TEST_TMPDIR/target.mark"
}

target_since() {
	tail -n +"$(($(cat "$BATS_TEST_TMPDIR/target.mark") + 1))" "$BATS_FILE_TMPDIR/target.log"
}

dns_queries() {
	cat "$SX_DNSREC_LOG"
}

assert_no_dns_leak() {
	run cat "$SX_DNSREC_LOG"
	assert_output ""
}

# Under `make asan` the library carries the ASan runtime, preloaded first. curl, wget
# and node hang or abort with any ASan runtime preloaded, even without socksify, so
# their tests are skipped there (the same paths run through python3 and nc).
# A file that defines its own setup() calls sx_setup from it.
sx_setup() {
	if [ "${SAN:-}" = 1 ] && declare -f "$BATS_TEST_NAME" |
		grep -qE '(^|[^a-z_])(curl|wget|node|ssh)([^a-z_]|$)'; then
		skip "curl/wget/node/ssh do not run under a preloaded ASan runtime"
	fi
}

setup() {
	sx_setup
}
