#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# An active-FTP-like client: connects to a callback server, binds a listener to the
# address getsockname() reports for that connection (or --listen-on IP), announces the
# listener's getsockname() and accepts the callback, waiting as --wait says.
#   bind_client.py [--wait block|poll|select|epoll|nonblock] [--listen-on IP] [--twice]
#                  [--silent] HOST PORT
# --silent announces nothing, so no peer ever comes (a timeout test).
import errno
import os
import select
import socket
import sys

args = sys.argv[1:]
wait, listen_on, twice, silent = "block", None, False, False
while args and args[0].startswith("--"):
    a = args.pop(0)
    if a == "--wait":
        wait = args.pop(0)
    elif a == "--listen-on":
        listen_on = args.pop(0)
    elif a == "--twice":
        twice = True
    elif a == "--silent":
        silent = True
host, port = args[0], int(args[1])


def fail(what, e):
    print("%s: %s" % (what, errno.errorcode.get(e.errno, e.errno)))
    sys.exit(1)


c = socket.create_connection((host, port), timeout=30)
me = c.getsockname()
print("control local=%s:%d peer=%s:%d" % (me[:2] + c.getpeername()[:2]))
fam = socket.AF_INET6 if ":" in (listen_on or me[0]) else socket.AF_INET
l = socket.socket(fam, socket.SOCK_STREAM)
try:
    l.bind((listen_on or me[0], 0))
except OSError as e:
    fail("bind", e)
try:
    l.listen(1)
except OSError as e:
    fail("listen", e)
la = l.getsockname()
print("listener=%s:%d" % la[:2])
if wait == "nonblock":
    # Before the peer is told where to connect, so nothing can have come yet.
    l.setblocking(False)
    try:
        l.accept()
        print("accept at once")
    except BlockingIOError:
        print("accept: EAGAIN")
if not silent:
    c.sendall(("%s %d\n" % la[:2]).encode())
if wait != "block":
    l.setblocking(False)
    if wait == "poll":
        p = select.poll()
        p.register(l, select.POLLIN)
        print("poll:", [(f == l.fileno(), ev & select.POLLIN != 0) for f, ev in p.poll(20000)])
    elif wait == "select":
        r, _, _ = select.select([l], [], [], 20)
        print("select:", [x is l for x in r])
    elif wait == "epoll":
        ep = select.epoll()
        ep.register(l, select.EPOLLIN)
        print("epoll:", [(f == l.fileno(), ev & select.EPOLLIN != 0) for f, ev in ep.poll(20)])
    elif wait == "nonblock":
        select.select([l], [], [], 20)
try:
    d, peer = l.accept()
except OSError as e:
    fail("accept", e)
d.setblocking(True)
# The listener is quiet after its one connection, even while the connection has data.
d.recv(1, socket.MSG_PEEK)
if wait == "poll":
    print("poll after accept:", p.poll(300))
elif wait == "epoll":
    print("epoll after accept:", ep.poll(0.3))
elif wait == "select":
    print("select after accept:", select.select([l], [], [], 0.3)[0])
print("accepted peer=%s:%d local=%s:%d" % (peer[:2] + d.getsockname()[:2]))
print("data:", d.makefile().readline().strip())
if not silent:
    print("control:", c.makefile().readline().strip())
if twice:
    l.setblocking(True)
    try:
        l.accept()
        print("second accept: ok")
    except OSError as e:
        print("second accept:", errno.errorcode.get(e.errno, e.errno))
