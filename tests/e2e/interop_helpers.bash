# SPDX-License-Identifier: MIT
# Starting SOCKS servers we did not write (dante-server, microsocks, OpenSSH ssh -D) inside
# the test namespace, and a raw probe that shows the bytes each server really replies.
# A server that cannot start leaves NAME.failed, so its tests fail with the reason.

# ix_fail NAME MESSAGE: remember why NAME is not usable (read by ix_need).
ix_fail() {
	echo "$2" >"$BATS_FILE_TMPDIR/$1.failed"
	return 1
}

# ix_need NAME: in a test, fail loudly (never skip) when NAME did not start.
ix_need() {
	local f=$BATS_FILE_TMPDIR/$1.failed
	[ -e "$f" ] || return 0
	echo "interop server $1 is not running: $(cat "$f")" >&2
	return 1
}

# ix_have CMD PACKAGE NAME: the server's binary is installed.
ix_have() {
	command -v "$1" >/dev/null 2>&1 && return 0
	ix_fail "$3" "$1 is not installed (package $2; scripts/deps.sh installs it)"
}

# ix_bg NAME CMD [ARGS...]: start a foreground server in the background; stop_bg NAME stops it.
ix_bg() {
	local name=$1
	shift
	"$@" >"$BATS_FILE_TMPDIR/$name.out" 2>&1 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/$name.pid"
}

# ix_wait_listen NAME PORT: poll 127.0.0.1:PORT for up to 5 s while NAME stays alive.
ix_wait_listen() {
	local name=$1 port=$2 i=0 pid
	pid=$(cat "$BATS_FILE_TMPDIR/$name.pid")
	while ! nc -z 127.0.0.1 "$port" 2>/dev/null; do
		i=$((i + 1))
		if ! kill -0 "$pid" 2>/dev/null || [ $i -gt 100 ]; then
			ix_fail "$name" "not listening on 127.0.0.1:$port; its output: $(tail -n 3 "$BATS_FILE_TMPDIR/$name.out" | tr '\n' ' ')"
			return 1
		fi
		sleep 0.05
	done
}

# start_danted NAME PORT EXTERNAL [EXTERNAL6]: dante on 127.0.0.1:PORT, no auth,
# connecting out from EXTERNAL (and EXTERNAL6 toward IPv6) so a target can tell it was
# proxied. Foreground (no -D), one main server. Rule 1 is TCP CONNECT; rule 2 is UDP
# ASSOCIATE and the replies, logged per datagram (iooperation) so tests see the relay;
# rule 3 is BIND and the connection it accepts (bindreply).
# It says 0/0, dante's "any IPv4 or IPv6": a datagram to or a reply from an IPv6 peer
# that matches no rule is dropped without a log line. IPv6 targets need an IPv6 external
# address, and ::1 is refused ("none of the addresses configured on our external
# interface(s) can be used for forwarding").
start_danted() {
	local name=$1 port=$2 ext=$3 ext6=${4:-} conf=$BATS_FILE_TMPDIR/$1.conf
	ix_have danted dante-server "$name" || return 1
	cat >"$conf" <<-EOF
		logoutput: $BATS_FILE_TMPDIR/$name.log
		internal: 127.0.0.1 port = $port
		external: $ext
		${ext6:+external: $ext6}
		clientmethod: none
		socksmethod: none
		user.privileged: root
		user.unprivileged: nobody
		client pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
		socks pass {
			from: 0.0.0.0/0 to: 0.0.0.0/0
			command: connect
			log: connect error
		}
		socks pass {
			from: 0/0 to: 0/0
			command: udpassociate udpreply
			log: connect disconnect error iooperation
		}
		socks pass {
			from: 0.0.0.0/0 to: 0.0.0.0/0
			command: bind bindreply
			log: connect disconnect error
		}
	EOF
	# With DANTE_HOSTS, dante runs in its own mount namespace with that file as
	# /etc/hosts: names only the proxy can resolve, without any DNS query.
	local pre=()
	[ -n "${DANTE_HOSTS:-}" ] &&
		pre=(unshare --mount sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$DANTE_HOSTS")
	# dante's own pidfile gets another suffix: stop_all_bg owns *.pid.
	TMPDIR=$BATS_FILE_TMPDIR ix_bg "$name" "${pre[@]}" danted -f "$conf" -N 1 -p "$BATS_FILE_TMPDIR/$name.danted-pid"
	# dante reports a bad config in its logoutput, not on stderr.
	ix_wait_listen "$name" "$port" || {
		ix_fail "$name" "$(cat "$BATS_FILE_TMPDIR/$name.failed") $(grep -s 'error:' \
			"$BATS_FILE_TMPDIR/$name.log" | tail -n 1)"
		return 1
	}
}

# start_microsocks NAME PORT BIND [microsocks options...]
start_microsocks() {
	local name=$1 port=$2 bind=$3
	shift 3
	ix_have microsocks microsocks "$name" || return 1
	ix_bg "$name" microsocks -i 127.0.0.1 -p "$port" -b "$bind" "$@"
	ix_wait_listen "$name" "$port"
}

# start_ssh_socks NAME SOCKS_PORT SSHD_PORT: sshd on 127.0.0.1:SSHD_PORT (own config and
# keys, root login by key, debug log on stderr to NAME-sshd.out) and `ssh -D` to it.
start_ssh_socks() {
	local name=$1 port=$2 sport=$3 d=$BATS_FILE_TMPDIR
	ix_have /usr/sbin/sshd openssh-server "$name" || return 1
	ix_have ssh openssh-client "$name" || return 1
	rm -f "$d/$name-hostkey" "$d/$name-clientkey"
	if ! ssh-keygen -q -t ed25519 -N '' -f "$d/$name-hostkey" </dev/null ||
		! ssh-keygen -q -t ed25519 -N '' -f "$d/$name-clientkey" </dev/null; then
		ix_fail "$name" "ssh-keygen failed"
		return 1
	fi
	cp "$d/$name-clientkey.pub" "$d/$name-authorized_keys"
	# The privilege separation directory; the mount namespace is private, /run is not.
	mkdir -p /run/sshd && chmod 755 /run/sshd
	cat >"$d/$name-sshd_config" <<-EOF
		Port $sport
		ListenAddress 127.0.0.1
		HostKey $d/$name-hostkey
		PidFile $d/$name-sshd.sshd-pid
		AuthorizedKeysFile $d/$name-authorized_keys
		PermitRootLogin yes
		UsePAM no
		StrictModes no
		UseDNS no
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		AllowTcpForwarding yes
		LogLevel DEBUG1
	EOF
	ix_bg "$name-sshd" /usr/sbin/sshd -f "$d/$name-sshd_config" -D -e
	ix_wait_listen "$name-sshd" "$sport" ||
		{ ix_fail "$name" "sshd: $(cat "$d/$name-sshd.failed")"; return 1; }
	# Named so that stop_all_bg (alphabetical) stops the client before sshd.
	ix_bg "$name-client" ssh -F /dev/null -i "$d/$name-clientkey" -p "$sport" \
		-o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o ExitOnForwardFailure=yes -o LogLevel=ERROR \
		-N -D "127.0.0.1:$port" root@127.0.0.1
	ix_wait_listen "$name-client" "$port" ||
		{ ix_fail "$name" "ssh -D: $(cat "$d/$name-client.failed")"; return 1; }
}

# mark NAME FILE / since NAME FILE: the lines FILE gained after the mark, without the CRs
# that sshd -e puts before each newline.
mark() {
	wc -l <"$2" >"$BATS_FILE_TMPDIR/$1.mark"
}

since() {
	tail -n +"$(($(cat "$BATS_FILE_TMPDIR/$1.mark") + 1))" "$2" | tr -d '\r'
}

# raw_probe 5|4 PORT HOST DPORT [USER:PASS]: speak SOCKS by hand (no shim) and print what
# the server answered, so a test states the reply our errno mapping was given:
#   v5: "method=0500 [auth=0100] reply=0505 bnd=0.0.0.0"   v4: "reply=005b"
# "eof" where the server closed without answering, "reset" on an RST.
# PROBE_CMD=3 sends a SOCKS5 UDP ASSOCIATE instead of CONNECT (HOST DPORT: what to announce).
raw_probe() {
	PROBE_CMD=${PROBE_CMD:-1} python3 - "$@" <<-'EOF'
		import os, socket, struct, sys
		ver, port, host, dport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
		cmd = int(os.environ["PROBE_CMD"])
		cred = sys.argv[5] if len(sys.argv) > 5 else None
		s = socket.create_connection(("127.0.0.1", port), timeout=5)
		out = []
		def read(n):
		    b = b""
		    try:
		        while len(b) < n:
		            c = s.recv(n - len(b))
		            if not c:
		                break
		            b += c
		    except ConnectionResetError:
		        return b or None
		    return b
		def show(key, b):
		    out.append(key + "=" + ("reset" if b is None else b.hex() or "eof"))
		    return b
		if ver == "4":
		    s.sendall(b"\x04\x01" + struct.pack(">H", dport) + socket.inet_aton(host) + b"\x00")
		    show("reply", read(2))
		else:
		    s.sendall(b"\x05\x01" + (b"\x02" if cred else b"\x00"))
		    r = show("method", read(2))
		    if cred and r == b"\x05\x02":
		        u, p = cred.encode().split(b":")
		        s.sendall(b"\x01" + bytes([len(u)]) + u + bytes([len(p)]) + p)
		        r = show("auth", read(2))
		        r = b"\x05\x00" if r and len(r) == 2 and r[1] == 0 else None
		    if r == b"\x05\x00":
		        s.sendall(bytes([5, cmd, 0, 1]) + socket.inet_aton(host) + struct.pack(">H", dport))
		        r = read(4)
		        show("reply", r[:2] if r else r)
		        if r and len(r) == 4 and r[3] in (1, 4):
		            fam, n = (socket.AF_INET, 4) if r[3] == 1 else (socket.AF_INET6, 16)
		            b = read(n)
		            out.append("bnd=" + (socket.inet_ntop(fam, b) if b and len(b) == n else "short"))
		print(" ".join(out))
	EOF
}

# start_tinyproxy NAME PORT BIND [tinyproxy directives...]: tinyproxy on 127.0.0.1:PORT,
# connecting out from BIND, every CONNECT port allowed (no ConnectPort line), logging
# each request to NAME.log. With TINYPROXY_HOSTS, that file is its /etc/hosts (names
# only the proxy can resolve, without a DNS query).
start_tinyproxy() {
	local name=$1 port=$2 bind=$3 conf=$BATS_FILE_TMPDIR/$1.conf
	shift 3
	ix_have tinyproxy tinyproxy-bin "$name" || return 1
	{
		printf 'Port %s\nListen 127.0.0.1\nBind %s\nTimeout 30\nMaxClients 100\n' "$port" "$bind"
		printf 'LogLevel Connect\nLogFile "%s"\nAllow 127.0.0.0/8\n' "$BATS_FILE_TMPDIR/$name.log"
		printf '%s\n' "$@"
	} >"$conf"
	: >"$BATS_FILE_TMPDIR/$name.log"
	chmod 666 "$BATS_FILE_TMPDIR/$name.log"
	local pre=()
	[ -n "${TINYPROXY_HOSTS:-}" ] &&
		pre=(unshare --mount sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$TINYPROXY_HOSTS")
	ix_bg "$name" "${pre[@]}" tinyproxy -d -c "$conf"
	ix_wait_listen "$name" "$port"
}

# start_squid NAME PORT OUTGOING HOSTS: squid on 127.0.0.1:PORT (open) and PORT+1 (Basic
# auth, alice:s3cret), connecting out from OUTGOING, no cache, resolving names from the
# file HOSTS only. Its files live in their own directory: squid's workers run as the
# proxy user, who cannot enter the bats directories.
start_squid() {
	local name=$1 port=$2 out=$3 hosts=$4 d
	ix_have squid squid "$name" || return 1
	d=$(mktemp -d "${TMPDIR:-/tmp}/socksify-squid.XXXXXX") || return 1
	echo "$d" >"$BATS_FILE_TMPDIR/$name.dir"
	chmod 755 "$d"
	cp "$hosts" "$d/hosts"
	printf 'alice:%s\n' "$(openssl passwd -apr1 s3cret)" >"$d/passwd"
	chmod 644 "$d/hosts" "$d/passwd"
	mkdir -m 777 "$d/logs"
	cat >"$d/squid.conf" <<-EOF
		http_port 127.0.0.1:$port
		http_port 127.0.0.1:$((port + 1)) name=authport
		pid_filename $d/logs/squid.pid
		cache deny all
		cache_mem 8 MB
		cache_log $d/logs/cache.log
		access_log stdio:$d/logs/access.log
		coredump_dir $d/logs
		tcp_outgoing_address $out
		hosts_file $d/hosts
		auth_param basic program /usr/lib/squid/basic_ncsa_auth $d/passwd
		acl authed proxy_auth REQUIRED
		acl authport myportname authport
		http_access allow authport authed
		http_access deny authport
		http_access allow all
		shutdown_lifetime 0 seconds
	EOF
	ix_bg "$name" squid -N -f "$d/squid.conf"
	ix_wait_listen "$name" "$port"
}

# squid_log NAME: its access log, one line per CONNECT.
squid_log() {
	cat "$(cat "$BATS_FILE_TMPDIR/$1.dir")/logs/access.log"
}

stop_squid() {
	local f=$BATS_FILE_TMPDIR/$1.dir
	stop_bg "$1"
	[ -e "$f" ] && rm -rf "$(cat "$f")"
	rm -f "$f"
}
