#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Creates one socket per argument and prints "created" or the errno name for each, so
# tests can assert which kinds of socket a mode allows.
#   socket_try.py FAMILY:TYPE:PROTO...   e.g. AF_INET:SOCK_RAW:IPPROTO_ICMP AF_INET:SOCK_STREAM:262
import errno
import socket
import sys


def value(name):
    return int(name) if name.isdigit() else getattr(socket, name)


for arg in sys.argv[1:]:
    try:
        socket.socket(*(value(part) for part in arg.split(":"))).close()
        print("created")
    except OSError as e:
        print(errno.errorcode[e.errno])
