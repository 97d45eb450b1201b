#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Resolver test client for dns.bats: each command prints one line per result.
#   resolve NAME...          getaddrinfo(AF_INET) address of each name
#   resolve6 NAME            getaddrinfo(AF_INET6) address
#   ghbn NAME                gethostbyname (glibc gethostbyname_r)
#   canon NAME               AI_CANONNAME's canonical name
#   get HOST [PORT] [--af6]  HTTP GET, prints the body (the target says "peer=...")
#   threads N                N threads resolve and fetch tN.test at once
#   reverse ADDR             getnameinfo (NAMEREQD) and gethostbyaddr of ADDR
#   closeall NAME            close every fd above 2, then resolve and fetch NAME
import errno
import os
import socket
import sys
import threading


def get(host, port=80, family=socket.AF_INET):
    ai = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)[0]
    s = socket.socket(ai[0], socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(ai[4])
    s.sendall(b"GET / HTTP/1.0\r\nHost: " + host.encode() + b"\r\n\r\n")
    data = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        data += b
    s.close()
    return data.split(b"\r\n\r\n", 1)[-1].decode().strip()


def main(cmd, args):
    if cmd == "resolve":
        for n in args:
            print(socket.getaddrinfo(n, 80, socket.AF_INET, socket.SOCK_STREAM)[0][4][0])
    elif cmd == "resolve6":
        print(socket.getaddrinfo(args[0], 80, socket.AF_INET6, socket.SOCK_STREAM)[0][4][0])
    elif cmd == "ghbn":
        print(socket.gethostbyname(args[0]))
    elif cmd == "canon":
        print(socket.getaddrinfo(args[0], 80, 0, socket.SOCK_STREAM, 0,
                                 socket.AI_CANONNAME)[0][3])
    elif cmd == "get":
        fam = socket.AF_INET6 if "--af6" in args else socket.AF_INET
        args = [a for a in args if a != "--af6"]
        print(get(args[0], int(args[1]) if len(args) > 1 else 80, fam))
    elif cmd == "threads":
        n = int(args[0])
        results = [None] * n
        barrier = threading.Barrier(n)

        def work(i):
            barrier.wait()
            try:
                results[i] = get("t%d.test" % i)
            except OSError as e:
                results[i] = "error %s" % e

        ts = [threading.Thread(target=work, args=(i,)) for i in range(n)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        bad = [r for r in results if r != "peer=127.0.0.2"]
        print("ok %d" % n if not bad else "failed %r" % bad[:3])
    elif cmd == "reverse":
        fam = socket.AF_INET6 if ":" in args[0] else socket.AF_INET
        sa = (args[0], 80) if fam == socket.AF_INET else (args[0], 80, 0, 0)
        try:
            print("getnameinfo", socket.getnameinfo(sa, socket.NI_NAMEREQD)[0])
        except socket.gaierror as e:
            print("getnameinfo error", e.errno)
        try:
            print("gethostbyaddr", socket.gethostbyaddr(args[0])[0])
        except socket.herror as e:
            print("gethostbyaddr error", e.errno)
    elif cmd == "closeall":
        os.closerange(3, 65536)
        print(get(args[0]))
    else:
        sys.exit("unknown command " + cmd)


try:
    main(sys.argv[1], sys.argv[2:])
except socket.gaierror as e:
    print("gaierror %d" % e.errno)
except OSError as e:
    print("errno=%s" % errno.errorcode.get(e.errno, e))
