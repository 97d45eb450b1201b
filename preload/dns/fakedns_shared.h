/* SPDX-License-Identifier: MIT */
/* The fake-DNS table of the whole process tree: a file in /dev/shm named by
 * SOCKSIFY_FAKEDNS (set by the wrapper), mapped on first use, or a private table. */
/* Floor dns/: under tcp/ and udp/, which hand it what they send to a nameserver and ask
 * it for the names behind fake addresses; over base/ only, never calling back up.
 * scripts/static-checks.sh enforces the floors. */
#ifndef SX_PRELOAD_FAKEDNS_SHARED_H
#define SX_PRELOAD_FAKEDNS_SHARED_H

#include <stdbool.h>
#include <stdint.h>

#include "../../core/target.h"

/* Address (4 or 16 bytes) for name; af is 4 or 6. 0, -ENOSPC (table full), -ENAMETOOLONG,
 * -EINVAL (empty name), -EAGAIN (the table's file system is full, or an inherited table
 * is gone; logged once) or -ENOMEM (no table could be made at all). */
int sx_fakedns_shared_assign(const char *name, int af, uint8_t *addr);

/* What a user can do about -ENOSPC: a table is bounded by its ranges and by 65536. */
const char *sx_fakedns_shared_full_advice(void);

/* The name behind a fake address. 0, -ENOENT (in the table's range but never handed
 * out, or in this process's range when there is no table), -EINVAL (not fake). */
int sx_fakedns_shared_name(int af, const uint8_t *addr, char name[256]);

/* Replaces an address target in the fake range by its name (port kept). 0 if t is not
 * fake, 1 if replaced, -EHOSTUNREACH for an unknown fake address. */
int sx_fakedns_shared_unfake(struct sx_target *t);

#endif
