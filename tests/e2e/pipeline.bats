#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# pipeline auto and the pipeline cache, with the bundled proxy: what a process learns is
# written to $XDG_CACHE_HOME/socksify/pipeline and used by later processes; the cache is
# written safely and a bad one never costs a connection. strace counts the shim's writes
# to the proxy: one for a pipelined handshake, one per message otherwise.

load helpers

setup_file() {
	load helpers
	start_targets
	start_proxy plain 1150
	start_proxy strict 1151 --strict
	start_proxy slow 1152 --delay-ms 400
	start_proxy silent 1153 --silent
	start_proxy slowtarget 1155 --connect-delay-ms 600
}

teardown_file() {
	stop_all_bg
}

ERRNO=$BATS_TEST_DIRNAME/errno_client.py
CACHE=$XDG_CACHE_HOME/socksify/pipeline

# via PORT: one connection with default settings; $WRITES counts its writes to the proxy,
# $CONNECTS its connections to it.
via() {
	SOCKSIFY_HANDSHAKE_TIMEOUT=${HS_TIMEOUT:-120s} run timeout 30 strace -f -qq -e trace=sendto,connect \
		-o "$BATS_TEST_TMPDIR/st" "$SOCKSIFY" -vvv -s "socks5://127.0.0.1:$1" \
		python3 "$ERRNO" 198.51.100.10 80
	WRITES=$(grep -c 'sendto(' "$BATS_TEST_TMPDIR/st")
	CONNECTS=$(grep -c "connect(.*htons($1)" "$BATS_TEST_TMPDIR/st")
}

@test "an unknown proxy that takes it: pipelined from the first connection, remembered in a 0600 file" {
	via 1150
	assert_line "ok peer=$PROXY_SRC"
	assert_equal "$WRITES" 1
	assert_output --partial "pipeline cache: proxy 127.0.0.1:1150 accepts a pipelined handshake"
	refute_output --partial "(not written)"
	run cat "$CACHE"
	assert_output --regexp '^127\.0\.0\.1 1150 accepts [0-9]+$'
	run stat -c '%a %U' "$CACHE" "$XDG_CACHE_HOME/socksify"
	assert_output "600 root
700 root"
	# Known: pipelined again, and nothing rewritten.
	via 1150
	assert_equal "$WRITES" 1
	refute_output --partial "pipeline cache:"
}

@test "a strict proxy closes on the pipelined bytes: the fallback is at once, and later processes do not pipeline" {
	via 1151
	assert_line "ok peer=$PROXY_SRC"
	assert_output --partial "refused a pipelined handshake (Connection reset by peer)"
	assert_equal "$CONNECTS" 2
	run cat "$CACHE"
	assert_output --regexp '^127\.0\.0\.1 1151 refuses [0-9]+$'
	via 1151
	assert_line "ok peer=$PROXY_SRC"
	assert_equal "$WRITES" 2
	refute_output --partial "pipelined"
}

@test "a stale 'accepts' for a proxy that now refuses: the fallback works and the cache is corrected" {
	mkdir -p "$XDG_CACHE_HOME/socksify"
	echo "127.0.0.1 1151 accepts 99999999999" >"$CACHE"
	via 1151
	assert_line "ok peer=$PROXY_SRC"
	assert_output --partial "refused a pipelined handshake"
	run cat "$CACHE"
	assert_output --regexp '^127\.0\.0\.1 1151 refuses [0-9]+$'
}

@test "an expired line is not believed: the proxy is probed again" {
	mkdir -p "$XDG_CACHE_HOME/socksify"
	printf '127.0.0.1 1150 refuses 1\n127.0.0.1 9 accepts 99999999999\n' >"$CACHE"
	via 1150
	assert_equal "$WRITES" 1
	run cat "$CACHE"
	assert_output --regexp '^127\.0\.0\.1 9 accepts 99999999999
127\.0\.0\.1 1150 accepts [0-9]+$'
}

@test "pipeline off and on are obeyed whatever the cache says" {
	mkdir -p "$XDG_CACHE_HOME/socksify"
	printf '127.0.0.1 1150 accepts 99999999999\n' >"$CACHE"
	SOCKSIFY_PIPELINE=off via 1150
	assert_line "ok peer=$PROXY_SRC"
	assert_equal "$WRITES" 2
	printf '127.0.0.1 1150 refuses 99999999999\n' >"$CACHE"
	SOCKSIFY_PIPELINE=on via 1150
	assert_line "ok peer=$PROXY_SRC"
	assert_equal "$WRITES" 1
}

@test "a slow proxy (400 ms per reply) is not mistaken for one that drops pipelined bytes" {
	via 1152
	assert_line "ok peer=$PROXY_SRC"
	refute_output --partial "refused a pipelined"
	run cat "$CACHE"
	assert_output --regexp '^127\.0\.0\.1 1152 accepts [0-9]+$'
}

@test "a target 600 ms away through a proxy that pipelines: the probe's short wait falls back, 'refuses' is not learned" {
	via 1155
	assert_line "ok peer=$PROXY_SRC"
	assert_output --partial "refused a pipelined handshake (Connection timed out)"
	assert_output --regexp "proxy 127\.0\.0\.1:1155: nothing learned, the retry too waited [0-9]+ ms"
	[ ! -e "$CACHE" ]
	# The next process probes again rather than believing a refusal.
	via 1155
	assert_line "ok peer=$PROXY_SRC"
	assert_output --partial "refused a pipelined handshake (Connection timed out)"
}

@test "a proxy that never answers: one connection, the handshake timeout, nothing learned" {
	HS_TIMEOUT=1s via 1153
	assert_line "errno=ETIMEDOUT"
	refute_output --partial "refused a pipelined"
	assert_equal "$CONNECTS" 1
	[ ! -e "$CACHE" ]
}

@test "an unwritable cache costs nothing: a file where the directory should be" {
	mkdir -p "$XDG_CACHE_HOME"
	: >"$XDG_CACHE_HOME/socksify"
	via 1150
	assert_line "ok peer=$PROXY_SRC"
	assert_output --partial "accepts a pipelined handshake (not written)"
}

@test "the cache directory as a symlink is not followed" {
	mkdir -p "$XDG_CACHE_HOME" "$BATS_TEST_TMPDIR/elsewhere"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$XDG_CACHE_HOME/socksify"
	via 1150
	assert_line "ok peer=$PROXY_SRC"
	assert_output --partial "(not written)"
	run ls -A "$BATS_TEST_TMPDIR/elsewhere"
	assert_output ""
}

@test "a symlink or a FIFO in place of the cache file: no hang, nothing written through it" {
	mkdir -p "$XDG_CACHE_HOME/socksify"
	mkfifo "$CACHE"
	via 1150
	assert_line "ok peer=$PROXY_SRC"
	[ -f "$CACHE" ] && [ ! -p "$CACHE" ]
	rm "$CACHE"
	: >"$BATS_TEST_TMPDIR/target-file"
	ln -s "$BATS_TEST_TMPDIR/target-file" "$CACHE"
	via 1150
	assert_line "ok peer=$PROXY_SRC"
	[ ! -L "$CACHE" ] && [ -f "$CACHE" ]
	run cat "$BATS_TEST_TMPDIR/target-file"
	assert_output ""
}

@test "no cache directory at all (no HOME, no XDG_CACHE_HOME): the probe works each time" {
	XDG_CACHE_HOME= HOME= via 1150
	assert_line "ok peer=$PROXY_SRC"
	assert_equal "$WRITES" 1
}

@test "a refusal of a pipelined request teaches nothing (it could be a misreading of it)" {
	start_proxy rep2 1154 --reply 2
	via 1154
	stop_bg rep2
	assert_line "errno=EACCES"
	assert_equal "$WRITES" 1
	[ ! -e "$CACHE" ]
}

@test "a password for a proxy that wants none: the pipelined offer of username/password alone gets FF, the retry offers both" {
	via_user() {
		SOCKSIFY_PIPELINE=$1 run timeout 30 "$SOCKSIFY" -vv -s socks5://alice:s3cret@127.0.0.1:1150 \
			python3 "$ERRNO" 198.51.100.10 80
	}
	via_user auto
	assert_line "ok peer=$PROXY_SRC"
	assert_output --partial "refused a pipelined handshake"
	run cat "$CACHE"
	assert_output --regexp '^127\.0\.0\.1 1150 refuses [0-9]+$'
	via_user on
	assert_line "ok peer=$PROXY_SRC"
}

@test "twenty processes learning at once leave one well-formed line and no temporary file" {
	# One output file each: python3 prints a line in two writes (PYTHONUNBUFFERED), so
	# twenty writers sharing one file can interleave their halves.
	mkdir "$BATS_TEST_TMPDIR/runs"
	seq 20 | xargs -P 20 -I{} sh -c 'timeout 30 env SOCKS_SERVER=socks5://127.0.0.1:1150 \
		LD_PRELOAD="$0" python3 "$1" 198.51.100.10 80 >"$2/$3"' \
		"$LIB" "$ERRNO" "$BATS_TEST_TMPDIR/runs" {}
	assert_equal "$(cat "$BATS_TEST_TMPDIR"/runs/* | grep -c "^ok peer=$PROXY_SRC\$")" 20
	run cat "$CACHE"
	assert_output --regexp '^127\.0\.0\.1 1150 accepts [0-9]+$'
	run ls -A "$XDG_CACHE_HOME/socksify"
	assert_output pipeline
}
