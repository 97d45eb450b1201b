#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Every proxy's password, not just the server's, goes into the private password file: the
# chain's hops (-s repeated, SOCKSIFY_CHAIN) and the URL targets of routes (--route,
# SOCKSIFY_ROUTES) keep their URLs in the environment without it, and still authenticate.

load helpers

A_SRC=127.0.0.2 # bundled proxy A, no auth
B_SRC=127.0.0.6 # bundled proxy B: user bob, password h0pS3cret
SECRET=h0pS3cret

setup_file() {
	load helpers
	start_targets
	start_proxy a 1090
	start_proxy b 1094 --source $B_SRC --user bob --pass "$SECRET"
	start_proxy alice 1095 --source 127.0.0.5 --user alice --pass s3rv3rPW
}

teardown_file() {
	stop_all_bg
}

# A program that says, for itself and then for a child, whether the secret is in its
# argv or in any process's environment, and what the target saw.
secret_probe() {
	cat >"$BATS_TEST_TMPDIR/probe.py" <<'PY'
import os, socket, subprocess, sys
secret = os.environ.get("PROBE_SECRET_REVERSED", "")[::-1].encode()
tag = sys.argv[1] if len(sys.argv) > 1 else "parent"
with open("/proc/self/cmdline", "rb") as fh:
    if secret in fh.read():
        print(tag, "secret in argv")
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        with open("/proc/%s/environ" % pid, "rb") as fh:
            if secret in fh.read():
                print(tag, "secret in the environment of", pid)
    except OSError:
        pass
host = sys.argv[2] if len(sys.argv) > 2 else "192.0.2.10"
try:
    s = socket.create_connection((host, 80))
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    print(tag, s.makefile().read().split("\n")[-2])
except OSError as e:
    print(tag, "failed", e)
if tag == "parent":
    sys.stdout.flush()
    subprocess.run([sys.executable, __file__, "child", host])
PY
	echo "$BATS_TEST_TMPDIR/probe.py"
}

# The probe looks for the secret without holding it: its own environment must not.
export PROBE_SECRET_REVERSED=$(printf %s "$SECRET" | rev)

assert_probe() {
	assert_line "parent peer=$1"
	assert_line "child peer=$1"
	refute_output --partial "secret in"
}

@test "a chain whose hop 2 needs a password: it authenticates, and is in no argv or environment" {
	local probe
	probe=$(secret_probe)
	run "$SOCKSIFY" -s socks5://127.0.0.1:1090 -s "socks5h://bob:$SECRET@127.0.0.1:1094" python3 "$probe"
	assert_success
	assert_probe $B_SRC
	run proxy_log b
	assert_output --partial "v5 CONNECT ip=192.0.2.10:80 auth=userpass user=bob result=ok"
	SOCKSIFY_CHAIN="socks5h://bob:$SECRET@127.0.0.1:1094" SOCKS_SERVER=socks5://127.0.0.1:1090 \
		run "$SOCKSIFY" python3 "$probe"
	assert_probe $B_SRC
}

@test "the server's and hop 2's passwords together, from the URLs and from -u's SOCKS_PASSWORD" {
	local probe
	probe=$(secret_probe)
	run "$SOCKSIFY" -s socks5://alice:s3rv3rPW@127.0.0.1:1095 -s "socks5h://bob:$SECRET@127.0.0.1:1094" \
		python3 "$probe"
	assert_probe $B_SRC
	SOCKS_PASSWORD=s3rv3rPW run "$SOCKSIFY" -u alice -s socks5://127.0.0.1:1095 \
		-s "socks5h://bob:$SECRET@127.0.0.1:1094" python3 "$probe"
	assert_probe $B_SRC
	run proxy_log alice
	assert_output --partial "v5 CONNECT ip=127.0.0.1:1094 auth=userpass user=alice result=ok"
	refute_output --partial "result=rejected"
}

@test "a password file of one's own: plain for the server, merged with hop 2's; or one line per proxy" {
	local probe pw=$BATS_TEST_TMPDIR/pw
	probe=$(secret_probe)
	printf 's3rv3rPW\n' >"$pw"
	chmod 0600 "$pw"
	SOCKSIFY_PASSWORD_FILE=$pw run "$SOCKSIFY" -u alice -s socks5://127.0.0.1:1095 \
		-s "socks5h://bob:$SECRET@127.0.0.1:1094" python3 "$probe"
	assert_probe $B_SRC
	[ "$(cat "$pw")" = s3rv3rPW ] || fail "the user's file changed"
	printf '#socksify-passwords\nserver s3rv3rPW\nsocks5h://bob@127.0.0.1:1094 %s\n' "$SECRET" >"$pw"
	SOCKSIFY_PASSWORD_FILE=$pw run "$SOCKSIFY" -s socks5://alice@127.0.0.1:1095 \
		-s socks5h://bob@127.0.0.1:1094 python3 "$probe"
	assert_probe $B_SRC
	printf '#socksify-passwords\nsocks5h://bob@127.0.0.1:1094\n' >"$pw"
	SOCKSIFY_PASSWORD_FILE=$pw run "$SOCKSIFY" -s socks5://127.0.0.1:1090 \
		-s socks5h://bob@127.0.0.1:1094 true
	assert_failure 2
	assert_output "socksify: $pw:2: expected KEY PASSWORD"
}

@test "the wrapper's file holds one line per proxy, 0600; a wrong password is refused by hop 2" {
	run "$SOCKSIFY" -s socks5://127.0.0.1:1090 -s "socks5h://bob:$SECRET@127.0.0.1:1094" \
		sh -c 'cat "$SOCKSIFY_PASSWORD_FILE"; stat -c %a "$SOCKSIFY_PASSWORD_FILE"; echo "$SOCKSIFY_CHAIN"'
	assert_success
	assert_output "#socksify-passwords
socks5h://bob@127.0.0.1:1094 $SECRET
600
socks5h://bob@127.0.0.1:1094"
	run "$SOCKSIFY" -q -s socks5://127.0.0.1:1090 -s socks5h://bob:wrong@127.0.0.1:1094 \
		python3 "$BATS_TEST_DIRNAME/errno_client.py" 192.0.2.10 80
	assert_output "errno=EACCES"
}

@test "--env prints no password, and its exports authenticate" {
	local probe
	probe=$(secret_probe)
	run "$SOCKSIFY" --env -s socks5://127.0.0.1:1090 -s "socks5h://bob:$SECRET@127.0.0.1:1094"
	assert_success
	refute_output --partial "$SECRET"
	assert_line "export SOCKSIFY_CHAIN='socks5h://bob@127.0.0.1:1094'"
	assert_line --regexp "^export SOCKSIFY_PASSWORD_FILE='.*'$"
	# the files are the calling shell's: they live as long as it does
	run sh -c 'eval "$("$1" --env -s socks5://127.0.0.1:1090 -s "$2")" && python3 "$3"' sh \
		"$SOCKSIFY" "socks5h://bob:$SECRET@127.0.0.1:1094" "$probe"
	assert_probe $B_SRC
}

# Needs routes in the connect path (the config's SOCKSIFY_ROUTES and --route).
need_routes() {
	"$SOCKSIFY" --help | grep -q -- '--route' || skip "no --route in this build"
}

@test "a --route URL target with a password: it authenticates, and is in no argv or environment" {
	need_routes
	local probe
	probe=$(secret_probe)
	run "$SOCKSIFY" -s socks5://127.0.0.1:1090 --route "192.0.2.10 socks5h://bob:$SECRET@127.0.0.1:1094" \
		python3 "$probe"
	assert_probe $B_SRC
	run proxy_log b
	assert_output --partial "v5 CONNECT ip=192.0.2.10:80 auth=userpass user=bob result=ok"
	run "$SOCKSIFY" --env -s socks5://127.0.0.1:1090 --route "192.0.2.10 socks5h://bob:$SECRET@127.0.0.1:1094"
	refute_output --partial "$SECRET"
	assert_line "export SOCKSIFY_ROUTES='192.0.2.10 socks5h://bob@127.0.0.1:1094'"
}

@test "SOCKSIFY_ROUTES: every URL target's password is moved, the matches and other targets stay" {
	SOCKSIFY_ROUTES="10.0.0.0/8 direct;  192.0.2.10 socks5h://bob:$SECRET@127.0.0.1:1094, ,*:25 reject" \
		run "$SOCKSIFY" -s socks5://127.0.0.1:1090 sh -c 'echo "$SOCKSIFY_ROUTES"; cat "$SOCKSIFY_PASSWORD_FILE"'
	assert_success
	assert_output "10.0.0.0/8 direct;  192.0.2.10 socks5h://bob@127.0.0.1:1094, ,*:25 reject
#socksify-passwords
socks5h://bob@127.0.0.1:1094 $SECRET"
}
