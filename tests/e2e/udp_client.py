#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A UDP test client: send MSG to HOST PORT in one of several ways and print what came
# back and from where, so tests can assert on both.
#   udp_client.py MODE HOST PORT MSG
# MODE: sendto | connected | recvmsg | nonblock | inject | peek | reassoc | dup | server | byname | flood
#       | disconnect
import errno
import os
import select
import socket
import sys

mode, host, port, msg = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].encode()
family = socket.AF_INET6 if ":" in host else socket.AF_INET
dst = (host, port)


def fmt(addr):
    return ("[%s]:%d" if ":" in addr[0] else "%s:%d") % (addr[0], addr[1])


def sock():
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(5)
    return s


def echo(s):
    s.sendto(msg, dst)
    data, addr = s.recvfrom(65536)
    return data, addr


try:
    if mode == "sendto":
        data, addr = echo(sock())
        print("data=%s from=%s" % (data.decode(), fmt(addr)))
    elif mode == "connected":
        s = sock()
        s.connect(dst)
        print("peer=%s" % fmt(s.getpeername()))
        s.send(msg)
        print("data=%s" % s.recv(65536).decode())
        os.write(s.fileno(), msg + b"-write")
        select.select([s], [], [], 5)
        print("data=%s" % os.read(s.fileno(), 65536).decode())
    elif mode == "recvmsg":
        s = sock()
        s.sendto(msg, dst)
        data, anc, flags, addr = s.recvmsg(65536)
        print("data=%s from=%s flags=%d" % (data.decode(), fmt(addr), flags))
    elif mode == "nonblock":
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.setblocking(False)
        try:
            s.recvfrom(100)
            print("unexpected data")
        except BlockingIOError:
            pass
        s.sendto(msg, dst)
        r, _, _ = select.select([s], [], [], 5)
        if not r:
            print("timeout")
            sys.exit(1)
        data, addr = s.recvfrom(65536)
        print("data=%s from=%s" % (data.decode(), fmt(addr)))
        try:
            s.recvfrom(100)
            print("unexpected data")
        except BlockingIOError:
            print("then EAGAIN")
    elif mode == "inject":
        # A direct peer sends what looks like a relay datagram from the target: it
        # arrives as it is, from its own address, never unwrapped into the target's.
        s = sock()
        s.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", 0))
        me = s.getsockname()[1]
        j = socket.socket(family, socket.SOCK_DGRAM)
        local = "::1" if family == socket.AF_INET6 else "127.0.0.1"
        j.bind((local, 0))
        forged = b"\0\0\0\x01" + socket.inet_aton(host) + port.to_bytes(2, "big") + b"forged"
        data, addr = echo(s)
        print("data=%s from=%s" % (data.decode(), fmt(addr)))
        j.sendto(forged, (local, me))
        s.settimeout(5)
        data, addr = s.recvfrom(100)
        who = "injector" if addr[:2] == j.getsockname()[:2] else fmt(addr)
        print("%s from=%s" % ("raw" if data == forged else "unwrapped", who))
    elif mode == "peek":
        s = sock()
        s.sendto(msg, dst)
        data, addr = s.recvfrom(65536, socket.MSG_PEEK)
        print("peek=%s from=%s" % (data.decode(), fmt(addr)))
        data, addr = s.recvfrom(3)
        print("short=%s" % data.decode())
        s.sendto(msg, dst)
        data, anc, flags, addr = s.recvmsg(3)
        print("trunc=%s" % ("yes" if flags & socket.MSG_TRUNC else "no"))
    elif mode == "reassoc":
        s = sock()
        data, addr = echo(s)
        print("first=%s" % data.decode())
        # The program closes every fd above its own, as ssh and Chromium do.
        os.closerange(s.fileno() + 1, 4096)
        data, addr = echo(s)
        print("second=%s from=%s" % (data.decode(), fmt(addr)))
    elif mode == "dup":
        s = sock()
        echo(s)
        d = socket.socket(fileno=os.dup(s.fileno()))
        s.close()
        d.settimeout(5)
        data, addr = echo(d)
        print("dup=%s from=%s" % (data.decode(), fmt(addr)))
    elif mode == "server":
        # A UDP server on loopback answering a loopback client, then a proxied peer
        # (HOST PORT, an echo), then the loopback client again.
        s = sock()
        s.bind(("127.0.0.1", 0))
        c = sock()
        for n in (1, 2):
            c.sendto(b"lo%d" % n, s.getsockname())
            data, addr = s.recvfrom(100)
            s.sendto(data + b"-back", addr)
            print("server got=%s client got=%s" % (data.decode(), c.recv(100).decode()))
            if n == 1:
                data, addr = echo(s)
                print("proxied=%s from=%s" % (data.decode(), fmt(addr)))
    elif mode == "byname":
        # HOST is a name: the reply must come from the (fake) address it resolved to.
        s = sock()
        to = socket.getaddrinfo(host, port, family, socket.SOCK_DGRAM)[0][4]
        s.sendto(msg, to)
        data, addr = s.recvfrom(65536)
        print("data=%s from=%s" % (data.decode(), "resolved" if addr == to else fmt(addr)))
    elif mode == "flood":
        # The relay sends name-sourced datagrams the program never asked for: none
        # arrives, none takes a name in the fake table, and lookups still work.
        s = sock()
        s.sendto(msg, dst)
        others = 0
        while True:
            data, addr = s.recvfrom(65536)
            if data == msg:
                break
            others += 1
        print("data=%s others=%d" % (data.decode(), others))
        print("new name=%s" % socket.getaddrinfo("new.test", 80, socket.AF_INET)[0][4][0])
        with open(os.environ["SOCKSIFY_FAKEDNS"], "rb") as t:
            print("table flood names=%d" % t.read().count(b"flood-"))
    elif mode == "disconnect":
        # connect(AF_UNSPEC) dissolves the peer as the kernel does; the socket keeps
        # its port (and association) for sendto.
        import ctypes
        import struct
        libc = ctypes.CDLL(None, use_errno=True)
        s = sock()
        if os.environ.get("KERNEL_PEER"):
            # Really connected (to a direct peer) while it also has an association.
            s.connect(("127.0.0.1", 9))
            s.sendto(msg, dst)
            print("connected got=nothing, as the kernel filters")
        else:
            s.connect(dst)
            s.send(msg)
            print("connected got=%s" % s.recv(100).decode())
        port_before = s.getsockname()[1]
        unspec = struct.pack("H14x", socket.AF_UNSPEC)
        r = libc.connect(s.fileno(), ctypes.c_char_p(unspec), len(unspec))
        print("disconnect=%d port kept=%s" % (r, s.getsockname()[1] == port_before))
        for name, call in (("getpeername", s.getpeername), ("send", lambda: s.send(msg))):
            try:
                call()
                print(name + " worked")
            except OSError as e:
                print(name + " " + errno.errorcode[e.errno])
        data, addr = echo(s)
        print("sendto got=%s from=%s" % (data.decode(), fmt(addr)))
    else:
        sys.exit("unknown mode " + mode)
except OSError as e:
    print("errno=" + errno.errorcode.get(e.errno, str(e.errno)) if e.errno else "error=%s" % e)
    sys.exit(1)
