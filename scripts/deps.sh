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
${SOCKSIFY_EXTRA_DEPS:-}
"

missing=""
for entry in $NEEDED; do
	pkg=${entry%%:*}
	path=${entry#*:}
	[ -e "$path" ] || missing="$missing $pkg"
done

[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
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
