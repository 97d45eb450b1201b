#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what building and testing socksify needs on Debian, checking first so that
# it costs nothing when everything is already there.
set -eu

# package:command-or-file that proves it is installed
NEEDED="
gcc:/usr/bin/gcc
make:/usr/bin/make
libc-ares-dev:/usr/include/ares.h
bats:/usr/bin/bats
bats-assert:/usr/lib/bats/bats-assert/load.bash
bats-support:/usr/lib/bats/bats-support/load.bash
curl:/usr/bin/curl
wget:/usr/bin/wget
netcat-openbsd:/bin/nc.openbsd
socat:/usr/bin/socat
dnsutils:/usr/bin/dig
bind9-host:/usr/bin/host
git:/usr/bin/git
iproute2:/usr/sbin/ip
util-linux:/usr/bin/unshare
python3:/usr/bin/python3
groff-base:/usr/bin/groff
binutils:/usr/bin/nm
file:/usr/bin/file
strace:/usr/bin/strace
clang-format:/usr/bin/clang-format
libcap2-bin:/usr/sbin/getcap
tftp-hpa:/usr/bin/tftp tftpd-hpa:/usr/sbin/in.tftpd knot-dnsutils:/usr/bin/kdig
tmux:/usr/bin/tmux
nmap:/usr/bin/nmap nodejs:/usr/bin/node
golang-go:/usr/bin/go liburing-dev:/usr/include/liburing.h
procps:/usr/bin/pgrep
dante-server:/usr/sbin/danted microsocks:/usr/bin/microsocks tinyproxy-bin:/usr/bin/tinyproxy squid:/usr/sbin/squid openssl:/usr/bin/openssl proxychains4:/etc/proxychains4.conf openssh-server:/usr/sbin/sshd openssh-client:/usr/bin/ssh-keygen
python3-pyftpdlib:/usr/lib/python3/dist-packages/pyftpdlib/__init__.py tnftp:/usr/bin/tnftp
${SOCKSIFY_EXTRA_DEPS:-}
"

missing=""
for entry in $NEEDED; do
	pkg=${entry%%:*}
	path=${entry#*:}
	[ -e "$path" ] || missing="$missing $pkg"
done

# The 32-bit libsocksify.so (for i386 programs on amd64) needs gcc-multilib and c-ares
# of the i386 architecture, which dpkg must be told about first. Where they cannot be
# had, the build skips that library and its tests say why.
multilib=0
if [ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ] &&
	{ [ ! -e /usr/lib/i386-linux-gnu/libcares.a ] || [ ! -e /usr/lib32/crt1.o ]; }; then
	multilib=1
fi

[ -z "$missing" ] && [ $multilib = 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
if [ $multilib = 1 ]; then
	echo "deps.sh: installing the 32-bit pieces: gcc-multilib libc-ares-dev:i386" >&2
	if { dpkg --print-foreign-architectures | grep -qx i386 || $SUDO dpkg --add-architecture i386; } &&
		$SUDO apt-get update >/dev/null 2>&1 &&
		$SUDO apt-get install -y --no-install-recommends gcc-multilib libc-ares-dev:i386 >/dev/null 2>&1; then
		:
	else
		echo "deps.sh: gcc-multilib or libc-ares-dev:i386 could not be installed: no 32-bit libsocksify.so" >&2
	fi
fi
[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing" >&2
# The interop tests start their own sshd and danted inside a namespace: keep the
# packages from starting system-wide services on the host.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e $policy ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee $policy >/dev/null && $SUDO chmod +x $policy
	own_policy=1
	trap '$SUDO rm -f $policy' EXIT
fi
if ! $SUDO apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; then
	$SUDO apt-get update >/dev/null 2>&1 || true
	$SUDO apt-get install -y --no-install-recommends $missing >/dev/null
fi
exit 0
