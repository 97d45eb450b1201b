#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The fake-DNS table's lock (preload/dns/tree_lock.c), a 32-bit word in the table file's
# header holding the holder's thread id: a dead holder is replaced, a live one that never
# lets go costs a lookup EAI_AGAIN after its bounded wait, never a hang.

load helpers

setup_file() {
	load helpers
	start_targets
	start_proxy plain 1080 --map a.test=192.0.2.10 --map b.test=192.0.2.10 --map c.test=192.0.2.10
	export SOCKS_SERVER=socks5h://127.0.0.1:1080
}

teardown_file() {
	stop_all_bg
}

# Inside a socksified shell: put $1 into the lock word (the header's sixth 32-bit field).
SET_LOCK='python3 -c "
import os, struct, sys
with open(os.environ[\"SOCKSIFY_FAKEDNS\"], \"r+b\") as f:
    f.seek(20)
    f.write(struct.pack(\"<I\", int(sys.argv[1])))
"'
RESOLVE='python3 -c "
import socket, sys
try:
    print(socket.gethostbyname(sys.argv[1]))
except socket.gaierror as e:
    print(\"gaierror\", e.errno == socket.EAI_AGAIN)
"'

@test "a lock left by a dead holder is taken over: the next new name resolves and connects" {
	run timeout 60 "$SOCKSIFY" sh -c "
		$RESOLVE a.test
		sh -c 'exit 0' & dead=\$!; wait \$dead
		$SET_LOCK \$dead
		$RESOLVE b.test
		python3 $BATS_TEST_DIRNAME/dns_client.py get b.test"
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	[[ ${lines[1]} =~ ^198\.1[89]\. ]] || fail "b.test: ${lines[1]}"
	[ "${lines[2]}" = "peer=$PROXY_SRC" ]
	grep -q "v5 CONNECT name=b.test:80" "$BATS_FILE_TMPDIR/plain.log"
	assert_no_dns_leak
}

@test "a live holder that never unlocks: a new name fails with EAI_AGAIN, known names still resolve, and its death frees the lock" {
	run timeout 60 "$SOCKSIFY" sh -c "
		$RESOLVE a.test
		sleep 30 & live=\$!
		$SET_LOCK \$live
		$RESOLVE c.test
		$RESOLVE a.test
		{ kill \$live; wait \$live; } 2>/dev/null
		$RESOLVE c.test"
	assert_success
	[ "${#lines[@]}" -eq 5 ] || fail "$output"
	assert_line --index 1 --partial "a live process holds its lock and does not let go: new names resolve with EAI_AGAIN"
	lines=("${lines[0]}" "${lines[@]:2}")
	[ "${lines[1]}" = "gaierror True" ]
	[ "${lines[2]}" = "${lines[0]}" ] || fail "a.test moved: ${lines[0]} then ${lines[2]}"
	[[ ${lines[3]} =~ ^198\.1[89]\. ]] || fail "c.test: ${lines[3]}"
	assert_no_dns_leak
}
