#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# socksify --check HOST:PORT: which route the destination takes (the rule, or the default),
# the group's mode and members, and for a group that picks, which members are up; --json
# carries the same as one "route" object.

load helpers

setup_file() {
	load helpers
	start_targets
	start_proxy plain 1160
	start_proxy second 1161 --source 127.0.0.6
}

teardown_file() {
	stop_all_bg
}

check() {
	run timeout 60 "$SOCKSIFY" --check "$@"
}

@test "--check HOST:PORT: the default route, its mode and members; no route row without a destination" {
	check -s socks5://127.0.0.1:1160 192.0.2.10:80
	assert_success
	assert_line --regexp "^  route +ok +default \(strict\): socks5://127\.0\.0\.1:1160$"
	check -s socks5://127.0.0.1:1160 -s socks5://127.0.0.1:1161 192.0.2.10:80
	assert_success
	assert_line --regexp "^  route +ok +default \(strict\): socks5://127\.0\.0\.1:1160 > socks5://127\.0\.0\.1:1161$"
	refute_line --partial "members"
	check -s socks5://127.0.0.1:1160
	refute_line --partial "route"
}

@test "--check HOST:PORT: a destination in the bypass list goes direct" {
	check -s socks5://127.0.0.1:1160 --bypass 192.0.2.0/24 192.0.2.10:80
	assert_line --regexp "^  route +ok +the bypass list -> direct$"
	check -s socks5://127.0.0.1:1160 --bypass .web.test --json web.test:80
	run python3 -c 'import json, sys
d = json.load(sys.stdin)
print(d["route"])' <<<"$output"
	assert_output "{'rule': 'bypass', 'way': 'direct'}"
}

@test "--check --json: the route object" {
	check -s socks5://127.0.0.1:1160 -s socks5://127.0.0.1:1161 --json 192.0.2.10:80
	assert_success
	run python3 -c 'import json, sys
d = json.load(sys.stdin)
r = d["route"]
print(r["rule"], r["way"], r["group"], r["mode"], "len" in r, "members" in r)
print([c["detail"] for c in d["checks"] if c["check"] == "route"][0])' <<<"$output"
	assert_success
	assert_output "default group default strict False False
default (strict): socks5://127.0.0.1:1160 > socks5://127.0.0.1:1161"
}

# Needs the configuration's groups, modes and routes.
need_option() {
	"$SOCKSIFY" --help | grep -q -- "$1" || skip "no $1 in this build"
}

@test "--check HOST:PORT: a failover default probes each member and says which are up" {
	need_option --chain-mode
	check --chain-mode failover -s socks5://127.0.0.1:1199 -s socks5://127.0.0.1:1160 192.0.2.10:80
	assert_line --regexp "^  route +ok +default \(failover, len 1\): socks5://127\.0\.0\.1:1199, socks5://127\.0\.0\.1:1160$"
	assert_line --regexp "^  members +ok +1 of 2 up: socks5://127\.0\.0\.1:1199 down: Connection refused; socks5://127\.0\.0\.1:1160 up \([0-9.]+ ms\)$"
	# the proxy connections would use is the one probed: the check's verdict is its
	assert_line --regexp "^  member +ok +member 2 of the default group answers first"
	assert_line --regexp "^  connect +ok"
	assert_success
	check --chain-mode failover -s socks5://127.0.0.1:1199 -s socks5://127.0.0.1:1198 --json 192.0.2.10:80
	run python3 -c 'import json, sys
d = json.load(sys.stdin)
print([(m["proxy"], m["reachable"], m["error"]) for m in d["route"]["members"]])
print([c["status"] for c in d["checks"] if c["check"] == "members"][0])' <<<"$output"
	assert_output "[('socks5://127.0.0.1:1199', False, 'Connection refused'), ('socks5://127.0.0.1:1198', False, 'Connection refused')]
fail"
}

@test "--check HOST:PORT: the route that matches, with its group, a named proxy, reject" {
	need_option --route
	local conf=$BATS_TEST_TMPDIR/routes.conf
	printf '%s\n' 'server socks5://127.0.0.1:1160' 'proxy a socks5://127.0.0.1:1160' \
		'proxy b socks5://127.0.0.1:1161' 'group exits failover a b' \
		'route 203.0.113.0/24:443 exits' 'route .onion b' 'route *:25 reject' >"$conf"
	check -c "$conf" 203.0.113.5:443
	assert_line --regexp "^  route +ok +203\.0\.113\.0/24:443 -> exits \(failover, len 1\): a \(socks5://127\.0\.0\.1:1160\), b \(socks5://127\.0\.0\.1:1161\)$"
	assert_line --regexp "^  members +ok +2 of 2 up: "
	check -c "$conf" x.onion:80
	assert_line --regexp "^  route +ok +\.onion -> "
	check -c "$conf" 192.0.2.10:25
	assert_line --regexp "^  route +no +\*:25 -> reject$"
	check -c "$conf" 192.0.2.10:80
	assert_line --regexp "^  route +ok +default \(strict\): socks5://127\.0\.0\.1:1160$"
}
