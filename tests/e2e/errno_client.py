#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A test client: connect to HOST PORT and print "ok <first line of reply>" or
# "errno=<name>" so tests can assert on the errno a program sees.
#   errno_client.py [--nonblocking] [--send DATA] [--peer] HOST PORT
import errno
import select
import socket
import sys

args = sys.argv[1:]
nonblocking = "--nonblocking" in args
show_peer = "--peer" in args
data = None
if "--send" in args:
    data = args[args.index("--send") + 1].encode()
    args.remove("--send")
    args.remove(data.decode())
args = [a for a in args if not a.startswith("--")]
host, port = args[0], int(args[1])

family = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(family, socket.SOCK_STREAM)
s.settimeout(None)
try:
    if nonblocking:
        s.setblocking(False)
        rc = s.connect_ex((host, port))
        if rc not in (0, errno.EINPROGRESS):
            print("errno=" + errno.errorcode[rc])
            sys.exit(0)
        _, w, _ = select.select([], [s], [], 30)
        if not w:
            print("errno=select-timeout")
            sys.exit(0)
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            print("errno=" + errno.errorcode[err])
            sys.exit(0)
        s.setblocking(True)
    else:
        s.connect((host, port))
except OSError as e:
    print("errno=" + errno.errorcode.get(e.errno, str(e.errno)))
    sys.exit(0)
if show_peer:
    print("peer=%s:%d" % s.getpeername()[:2])
if data is not None:
    s.sendall(data)
s.settimeout(10)
reply = b""
while not reply.endswith(b"\n"):
    chunk = s.recv(4096)
    if not chunk:
        break
    reply += chunk
print("ok " + reply.decode(errors="replace").strip().splitlines()[-1] if reply else "ok")
