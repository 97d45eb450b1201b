#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The shared fake-DNS table as a file: no signal when /dev/shm is full, never a fake
# address that stands for another name, clean-up of only our own unused files, hostile
# SOCKSIFY_FAKEDNS paths, the table's own range, recovery of a half set-up table.

load helpers

DNS=$BATS_TEST_DIRNAME/dns_client.py
ERRNO=$BATS_TEST_DIRNAME/errno_client.py
PEER="peer=127.0.0.2"
EAI_AGAIN=$(python3 -c 'import socket; print(socket.EAI_AGAIN)')
UID_=$(id -u)

setup_file() {
	load helpers
	# A /dev/shm of this suite's own (netns.sh gave it a mount namespace), so runs of
	# other suites and their clean-ups cannot touch the files these tests look at.
	mount -t tmpfs -o size=64m,mode=1777 tmpfs /dev/shm
	start_targets
	start_proxy plain 1080 --map web.test=192.0.2.10 --map other.test=192.0.2.10 \
		--map third.test=192.0.2.10
	export SOCKS_SERVER=socks5h://127.0.0.1:1080
}

teardown_file() {
	stop_all_bg
}

setup() {
	: >"$SX_DNSREC_LOG"
	: >"$BATS_FILE_TMPDIR/plain.log"
	sx_setup
}

# Resolves N names n0.test... and prints "ok K" (K resolved) then the first error, and
# whether a name resolved before still resolves after it.
RESOLVE_MANY='import socket, sys
ok = 0
for i in range(int(sys.argv[1])):
    try:
        socket.getaddrinfo("n%d.test" % i, 80, socket.AF_INET, socket.SOCK_STREAM)
        ok += 1
    except socket.gaierror as e:
        print("ok %d" % ok); print("gaierror %d" % e.errno)
        socket.getaddrinfo("n0.test", 80, socket.AF_INET, socket.SOCK_STREAM)
        print("n0.test still resolves"); sys.exit(0)
print("ok %d" % ok)'

# wait_gone FILE...: bounded wait until none of the files exists (the clean-up after a
# run is asynchronous: it starts when the run's first process has exited).
wait_gone() {
	local i=0 f
	while [ $i -lt 100 ]; do
		for f in "$@"; do
			[ -e "$f" ] && break
			f=""
		done
		[ -z "$f" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "still there: $*" >&2
	return 1
}

@test "a full /dev/shm at set-up: no SIGBUS, a private table and one log line" {
	local d=$BATS_TEST_TMPDIR/tiny
	mkdir "$d"
	run unshare --mount --propagation private sh -c 'mount -t tmpfs -o size=64k tmpfs "$1" &&
		: >"$1/table" && SOCKSIFY_FAKEDNS=$1/table "$2" sh -c "python3 -c \"\$0\" 100 &&
			python3 \"\$1\" get web.test" "$4" "$3" 2>"$1/../err"
		echo "rc=$?"' sh "$d" "$SOCKSIFY" "$DNS" "$RESOLVE_MANY"
	assert_line --index 0 "ok 100"
	assert_line --index 1 "$PEER"
	assert_line --index 2 "rc=0"
	run cat "$BATS_TEST_TMPDIR/err"
	assert_equal "${#lines[@]}" 2 # one line in each of the two processes
	assert_line --index 0 --regexp "^socksify\\[[0-9]+\\]: .*fake DNS table .*no room.*private"
	assert_line --index 1 --regexp "^socksify\\[[0-9]+\\]: .*fake DNS table .*no room.*private"
	assert_no_dns_leak
}

@test "/dev/shm filling up while names arrive: EAI_AGAIN and one log line, no SIGBUS" {
	local d=$BATS_TEST_TMPDIR/small
	mkdir "$d"
	run unshare --mount --propagation private sh -c 'mount -t tmpfs -o size=1m tmpfs "$1" &&
		: >"$1/table" && SOCKSIFY_FAKEDNS=$1/table "$2" python3 -c "$3" 20000 2>"$1/../err"
		echo "rc=$?"' sh "$d" "$SOCKSIFY" "$RESOLVE_MANY"
	assert_line --index 0 --regexp '^ok [0-9]+$'
	assert_line --index 1 "gaierror $EAI_AGAIN"
	assert_line --index 2 "n0.test still resolves"
	assert_line --index 3 "rc=0"
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --regexp "fake DNS table .*no room"
	assert_equal "${#lines[@]}" 1
	assert_no_dns_leak
}

# A daemon (setsid -f) resolves first.test, outlives the run's first process, and
# after another run's clean-up hands the address to a new program that resolves a
# name of its own: both connections must reach the names they stand for.
@test "setsid -f daemon keeps its table through another run's clean-up: no misroute" {
	local t=$BATS_TEST_TMPDIR
	"$SOCKSIFY" sh -c 'setsid -f sh -c '\''
		a=$(python3 "$1" resolve web.test)
		echo "$SOCKSIFY_FAKEDNS" >"$2/table"; : >"$2/ready"
		i=0; while [ ! -e "$2/go" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
		python3 "$1" resolve other.test >"$2/b"
		python3 "$1" get "$a" >"$2/get-a"
		python3 "$1" get "$(cat "$2/b")" >"$2/get-b"
		: >"$2/done"'\'' sh "$0" "$1"' "$DNS" "$t"
	wait_for_file() {
		local i=0
		while [ ! -e "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
		[ -e "$1" ]
	}
	wait_for_file "$t/ready"
	"$SOCKSIFY" true # a later run: its clean-up must keep the daemon's table
	[ -e "$(cat "$t/table")" ]
	: >"$t/go"
	wait_for_file "$t/done"
	run cat "$t/get-a" "$t/get-b"
	assert_line --index 0 "$PEER"
	assert_line --index 1 "$PEER"
	run proxy_log plain
	assert_line --index 0 --partial "name=web.test:80"
	assert_line --index 1 --partial "name=other.test:80"
	assert_equal "${#lines[@]}" 2
}

# A daemon that has resolved nothing yet when the run's first process exits and another
# run cleans up still finds its table: its environment names it.
@test "setsid -f daemon that resolves only later still gets its table" {
	local t=$BATS_TEST_TMPDIR
	"$SOCKSIFY" sh -c 'setsid -f sh -c '\''
		echo "$SOCKSIFY_FAKEDNS" >"$1/table"; : >"$1/ready"
		i=0; while [ ! -e "$1/go" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
		python3 "$0" get web.test >"$1/get"; : >"$1/done"'\'' "$0" "$1"' "$DNS" "$t"
	local i=0
	while [ ! -e "$t/ready" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	"$SOCKSIFY" true
	[ -e "$(cat "$t/table")" ]
	: >"$t/go"
	i=0
	while [ ! -e "$t/done" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	run cat "$t/get"
	assert_output "$PEER"
	wait_gone "$(cat "$t/table")" # the run's watcher waited for the daemon too
}

@test "an inherited table that is gone fails closed: EAI_AGAIN, EHOSTUNREACH, one log line" {
	run "$SOCKSIFY" sh -c 'a=$(python3 "$0" resolve web.test); rm -f "$SOCKSIFY_FAKEDNS"
		python3 "$0" resolve other.test 2>"$2"; python3 "$1" "$a" 80 2>>"$2"' \
		"$DNS" "$ERRNO" "$BATS_TEST_TMPDIR/err"
	assert_line --index 0 "gaierror $EAI_AGAIN"
	assert_line --index 1 "errno=EHOSTUNREACH"
	run cat "$BATS_TEST_TMPDIR/err"
	assert_line --index 0 --regexp "fake DNS table .* is gone"
	assert_line --index 1 --regexp "fake DNS table .* is gone" # once in each process
	refute_output --partial "private"
	run proxy_log plain
	assert_output ""
}

@test "each table starts at a random point of its range" {
	local a b c
	a=$("$SOCKSIFY" python3 "$DNS" resolve web.test)
	b=$("$SOCKSIFY" python3 "$DNS" resolve web.test)
	c=$("$SOCKSIFY" python3 "$DNS" resolve web.test)
	[[ $a =~ ^198\.1[89]\. ]]
	[ "$a" != "$b" ] || [ "$b" != "$c" ]
}

@test "after a run, /dev/shm keeps no table and no UDP file of it" {
	run "$SOCKSIFY" sh -c 'echo "$SOCKSIFY_FAKEDNS"; python3 "$0" resolve web.test
		python3 -c "import os, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect((\"192.0.2.10\", 7))
s.send(b\"x\"); print(os.getpid())"' "$DNS"
	assert_success
	local table=${lines[0]} udp=/dev/shm/socksify-$UID_-${lines[2]}-udp
	[[ $table == /dev/shm/socksify-$UID_-* ]]
	wait_gone "$table" "$udp"
}

@test "a process's UDP handoff file goes with its last connected UDP socket" {
	run "$SOCKSIFY" python3 -c 'import os, socket
path = "/dev/shm/socksify-%d-%d-udp" % (os.getuid(), os.getpid())
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(("192.0.2.10", 7))
t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); t.connect(("192.0.2.10", 7))
print(os.path.exists(path)); s.close(); print(os.path.exists(path))
t.close(); print(os.path.exists(path))'
	assert_output "True
True
False"
}

@test "an --env session's table is removed once its shell has exited" {
	run sh -c 'eval "$("$0" --env)"; echo "$SOCKSIFY_FAKEDNS"; python3 "$1" resolve web.test' \
		"$SOCKSIFY" "$DNS"
	assert_success
	[[ ${lines[0]} == /dev/shm/socksify-$UID_-* ]]
	assert_line --index 1 --regexp '^198\.1[89]\.'
	wait_gone "${lines[0]}"
}

@test "clean-up touches only our own regular files and follows no symlinks" {
	local dead=4194000 f t=$BATS_TEST_TMPDIR/ours
	while kill -0 $dead 2>/dev/null; do dead=$((dead + 1)); done
	echo keep >"$t"
	for f in a b c; do
		echo foreign >"/dev/shm/socksify-$UID_-$dead-$f"
		chown 65534 "/dev/shm/socksify-$UID_-$dead-$f"
	done
	echo foreign >"/dev/shm/socksify-$UID_-$dead-udp"
	chown 65534 "/dev/shm/socksify-$UID_-$dead-udp"
	ln -s "$t" "/dev/shm/socksify-$UID_-$dead-link"
	run "$SOCKSIFY" true
	assert_success
	assert_output ""
	for f in a b c udp; do
		run cat "/dev/shm/socksify-$UID_-$dead-$f"
		assert_output foreign
	done
	[ -L "/dev/shm/socksify-$UID_-$dead-link" ]
	run cat "$t"
	assert_output keep
	rm -f /dev/shm/socksify-"$UID_"-"$dead"-*
}

@test "a stale table and UDP file of our own dead process are removed by the next run" {
	local dead=4194000
	while kill -0 $dead 2>/dev/null; do dead=$((dead + 1)); done
	: >"/dev/shm/socksify-$UID_-$dead-0123456789abcdef"
	: >"/dev/shm/socksify-$UID_-$dead-udp"
	run "$SOCKSIFY" true
	assert_success
	[ ! -e "/dev/shm/socksify-$UID_-$dead-0123456789abcdef" ]
	[ ! -e "/dev/shm/socksify-$UID_-$dead-udp" ]
}

# hostile_path PATH: a run with SOCKSIFY_FAKEDNS=PATH still resolves and connects, on a
# private table, and says so in one line.
hostile_path() {
	run env SOCKSIFY_FAKEDNS="$1" "$SOCKSIFY" python3 "$DNS" get web.test
	assert_line --index 0 --regexp "^socksify\\[[0-9]+\\]: .*fake DNS table $1: .*private"
	assert_line --index 1 "$PEER"
	assert_equal "${#lines[@]}" 2
}

@test "SOCKSIFY_FAKEDNS naming an ordinary file: refused, the file unchanged" {
	local f=$BATS_TEST_TMPDIR/notes.txt
	printf 'my notes\nline two\n' >"$f"
	cp "$f" "$f.orig"
	hostile_path "$f"
	cmp "$f" "$f.orig"
}

@test "SOCKSIFY_FAKEDNS naming a symlink, or a path through a directory symlink: refused" {
	local t=$BATS_TEST_TMPDIR
	: >"$t/real"
	ln -s "$t/real" "$t/link"
	hostile_path "$t/link"
	[ ! -s "$t/real" ]
	mkdir "$t/dir"
	ln -s "$t/dir" "$t/dirlink"
	hostile_path "$t/dirlink/table"
	: >"$t/dir/table2"
	hostile_path "$t/dirlink/table2"
	[ ! -e "$t/dir/table" ]
	[ ! -s "$t/dir/table2" ]
}

@test "SOCKSIFY_FAKEDNS naming a file of another owner: refused, the file unchanged" {
	local f=$BATS_TEST_TMPDIR/foreign
	: >"$f"
	chown 65534 "$f"
	hostile_path "$f"
	[ ! -s "$f" ]
}

@test "parent and child with different fake ranges share one table: the table's range wins" {
	run "$SOCKSIFY" sh -c 'a=$(python3 "$0" resolve web.test); echo "$a"
		SOCKSIFY_FAKE_NET4=10.99.0.0/16 python3 "$0" get "$a"
		SOCKSIFY_FAKE_NET4=10.99.0.0/16 python3 "$0" resolve other.test
		SOCKSIFY_FAKE_NET4=10.99.0.0/16 python3 "$0" get other.test' "$DNS"
	assert_line --index 0 --regexp '^198\.1[89]\.'
	assert_line --index 1 "$PEER"
	assert_line --index 2 --regexp '^198\.1[89]\.'
	assert_line --index 3 "$PEER"
	run proxy_log plain
	assert_line --index 0 --partial "name=web.test:80"
	assert_line --index 1 --partial "name=other.test:80"
	assert_no_dns_leak
}

# shares_table FILE: a run on the table FILE shares it: a child names the address a
# sibling resolved; and nothing is logged.
shares_table() {
	run env SOCKSIFY_FAKEDNS="$1" "$SOCKSIFY" sh -c 'a=$(python3 "$0" resolve web.test)
		python3 "$0" reverse "$a"' "$DNS"
	rm -f "$1"
	assert_line --index 0 "getnameinfo web.test"
	assert_line --index 1 "gethostbyaddr web.test"
	assert_equal "${#lines[@]}" 2
}

# The library's own layout (preload/dns/fakedns_file.h): magic "SXFT", version, then the
# set-up state, 1 = being set up; a creator killed there leaves exactly this.
@test "a table left half set up by a killed creator is recovered and shared" {
	local f=/dev/shm/socksify-$UID_-halfinit-$$
	python3 -c 'import struct, sys
open(sys.argv[1], "wb").write(struct.pack("<III", 0x54465853, 1, 1) + bytes(4084))' "$f"
	shares_table "$f"
	# Killed even earlier: sized, nothing written yet.
	truncate -s 17830016 "$f"
	shares_table "$f"
}

@test "a full table at its 65536-name bound says so, not 'widen the range'" {
	run "$SOCKSIFY" python3 -c "$RESOLVE_MANY" 65537
	assert_line --index 0 --regexp "^socksify\\[[0-9]+\\]: .*fake DNS table full.*65536 names"
	refute_output --partial "widen"
	assert_line --index 1 "ok 65536"
	assert_line --index 2 "gaierror $EAI_AGAIN"
}
