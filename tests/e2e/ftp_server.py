#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# An anonymous FTP server (pyftpdlib from Debian) serving DIR, that logs where each
# control connection came from, every PORT/EPRT/PASV and every data connection it made
# or took, so a test can tell that the data connection went through the proxy.
#   ftp_server.py LISTEN_IP PORT DIR LOG --ready-file FILE
import logging
import os
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import ActiveDTP, DTPHandler, FTPHandler
from pyftpdlib.servers import FTPServer

ip, port, root, log, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[6]


def note(line):
    with open(log, "a") as f:
        f.write(line + "\n")


class LoggingDTP(DTPHandler):
    def __init__(self, sock, cmd_channel):
        super().__init__(sock, cmd_channel)
        note("data peer=%s:%d local=%s:%d" % (sock.getpeername()[:2] + sock.getsockname()[:2]))


class Handler(FTPHandler):
    dtp_handler = LoggingDTP
    active_dtp = ActiveDTP

    def on_connect(self):
        note("control from=%s:%d" % (self.remote_ip, self.remote_port))

    def ftp_PORT(self, line):
        note("PORT " + line)
        return super().ftp_PORT(line)

    def ftp_EPRT(self, line):
        note("EPRT " + line)
        return super().ftp_EPRT(line)

    def ftp_PASV(self, line):
        note("PASV")
        return super().ftp_PASV(line)

    def ftp_EPSV(self, line):
        note("EPSV")
        return super().ftp_EPSV(line)


logging.basicConfig(level=logging.WARNING)
auth = DummyAuthorizer()
auth.add_anonymous(root)
Handler.authorizer = auth
server = FTPServer((ip, port), Handler)
open(ready + ".tmp", "w").close()
os.rename(ready + ".tmp", ready)
server.serve_forever()
