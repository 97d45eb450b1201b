#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Active FTP through the proxy (SOCKS BIND) with real clients (curl -P -, lftp with passive
# mode off, tnftp -A) against a real server (pyftpdlib), through the bundled proxy and
# through dante-server. The server logs every control connection, PORT/EPRT and data
# connection: the data connection must reach the proxy's BIND listener, never the client
# (whose own end of its proxy connection is 127.0.0.1).

load helpers
load interop_helpers

DANTE_EXT=198.51.100.10 # dante's external address: its BIND listeners are there
FTP_SERVER=$BATS_TEST_DIRNAME/ftp_server.py

setup_file() {
	load helpers
	load interop_helpers
	start_proxy sd 1195
	start_danted dante 1085 "$DANTE_EXT" || true
	mkdir -p "$BATS_FILE_TMPDIR/root"
	head -c 300000 /dev/urandom >"$BATS_FILE_TMPDIR/root/file.bin"
	: >"$BATS_FILE_TMPDIR/ftp.log"
	start_bg ftp /usr/bin/python3 "$FTP_SERVER" 192.0.2.10 21 "$BATS_FILE_TMPDIR/root" \
		"$BATS_FILE_TMPDIR/ftp.log"
}

teardown_file() {
	stop_all_bg
}

setup() {
	sx_setup
	: >"$BATS_FILE_TMPDIR/ftp.log"
	: >"$BATS_FILE_TMPDIR/sd.log"
	rm -f "$BATS_FILE_TMPDIR/out.bin"
}

# fetch CLIENT PROXY_URL: file.bin into out.bin, actively.
fetch() {
	local out=$BATS_FILE_TMPDIR/out.bin
	rm -f "$out"
	case $1 in
	curl)
		timeout 60 "$SOCKSIFY" -s "$2" curl -sS -P - -o "$out" ftp://192.0.2.10/file.bin
		;;
	lftp)
		timeout 60 "$SOCKSIFY" -s "$2" lftp -e "set ftp:passive-mode off; set net:max-retries 1; get /file.bin -o $out; bye" \
			ftp://anonymous:x@192.0.2.10
		;;
	tnftp)
		printf 'user anonymous x\nbinary\nget file.bin %s\nbye\n' "$out" |
			timeout 60 "$SOCKSIFY" -s "$2" tnftp -A -n 192.0.2.10
		;;
	esac
}

# check_active PROXY_IP: the file arrived; the server saw the control connection from the
# proxy, was told to connect to the proxy, and its data connection went there.
check_active() {
	cmp "$BATS_FILE_TMPDIR/out.bin" "$BATS_FILE_TMPDIR/root/file.bin"
	run cat "$BATS_FILE_TMPDIR/ftp.log"
	assert_line --regexp "^control from=$1:[0-9]+\$"
	assert_line --regexp "^(PORT ${1//./,},[0-9]+,[0-9]+|EPRT \\|1\\|$1\\|[0-9]+\\|)\$"
	assert_line --regexp "^data peer=$1:[0-9]+ local=192\\.0\\.2\\.10:[0-9]+\$"
	refute_output --regexp 'data peer=127\.0\.0\.1:'
	refute_output --partial PASV
	refute_output --partial EPSV
}

# check_socksd: the bundled proxy did the BIND and saw the server connect to it.
check_socksd() {
	local peer
	peer=$(sed -n 's/^data peer=\([^ ]*\) .*/\1/p' "$BATS_FILE_TMPDIR/ftp.log")
	run proxy_log sd
	assert_line --regexp "^v[45] BIND ip=192\\.0\\.2\\.10:21 auth=none result=ok bnd=$peer\$"
	assert_line --regexp '^v[45] BINDREPLY peer=192\.0\.2\.10:[0-9]+$'
}

# via_socksd VERSION: the three clients through the bundled proxy.
via_socksd() {
	for client in curl lftp tnftp; do
		: >"$BATS_FILE_TMPDIR/ftp.log"
		: >"$BATS_FILE_TMPDIR/sd.log"
		run fetch "$client" "socks$1://127.0.0.1:1195"
		assert_success
		check_active "$PROXY_SRC"
		check_socksd
		run proxy_log sd
		assert_line --regexp "^v$1 BIND "
	done
}

@test "active FTP through the bundled proxy (SOCKS5): curl -P -, lftp, tnftp" {
	via_socksd 5
}

@test "active FTP through the bundled proxy (SOCKS4): curl -P -, lftp, tnftp" {
	via_socksd 4
}

@test "active FTP through dante-server: curl -P -, lftp, tnftp (SOCKS5 and SOCKS4)" {
	ix_need dante
	for scheme in socks5 socks4; do
		for client in curl lftp tnftp; do
			: >"$BATS_FILE_TMPDIR/ftp.log"
			: >"$BATS_FILE_TMPDIR/dante.log"
			run fetch "$client" "$scheme://127.0.0.1:1085"
			assert_success
			check_active "$DANTE_EXT"
			local peer
			peer=$(sed -n 's/^data peer=\([^ ]*\) .*/\1/p' "$BATS_FILE_TMPDIR/ftp.log")
			run cat "$BATS_FILE_TMPDIR/dante.log"
			assert_output --regexp "tcp/bind \\[: 127\\.0\\.0\\.1\\.[0-9]+ 127\\.0\\.0\\.1\\.1085 -> ${peer%:*}\\.${peer#*:} 192\\.0\\.2\\.10\\.21"
			assert_output --regexp "tcp/bindreply \\[: 192\\.0\\.2\\.10\\.[0-9]+ ${peer%:*}\\.${peer#*:} -> "
		done
	done
}

@test "passive FTP through the proxy keeps working, without BIND" {
	run timeout 60 "$SOCKSIFY" -s socks5://127.0.0.1:1195 curl -sS -o "$BATS_FILE_TMPDIR/out.bin" ftp://192.0.2.10/file.bin
	assert_success
	cmp "$BATS_FILE_TMPDIR/out.bin" "$BATS_FILE_TMPDIR/root/file.bin"
	run cat "$BATS_FILE_TMPDIR/ftp.log"
	assert_output --regexp 'EPSV|PASV'
	run proxy_log sd
	refute_output --partial BIND
	assert_line --regexp '^v5 CONNECT ip=192\.0\.2\.10:[0-9]+ auth=none result=ok$'
}
