/* SPDX-License-Identifier: MIT */
/* A TCP socket's part of its fd record: the local address the program is told (the
 * proxy's BND for a proxied connection, the first BIND reply for a listener). */
#ifndef SX_PRELOAD_TCP_PART_H
#define SX_PRELOAD_TCP_PART_H

#include <sys/socket.h>

#include "../../core/target.h"
#include "../base/fdtab.h"

struct __attribute__((may_alias)) sx_tcp_part {
	struct sockaddr_storage local; /* what getsockname() reports */
	socklen_t local_len;	       /* 0: the kernel's answer */
};
SX_FDINFO_PART_FITS(proto_part, sx_tcp_part);
#define SX_TCP_PART(info) SX_FDINFO_PART(info, proto_part, sx_tcp_part)

#endif
