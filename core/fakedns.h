/* SPDX-License-Identifier: MIT */
/* Fake DNS: host names <-> synthetic addresses, kept in one caller-provided block of
 * position-independent bytes, so preload/ can share it across fork and exec (memfd).
 * Pure: no locking, no malloc, no syscalls, no errno. */
#ifndef SX_CORE_FAKEDNS_H
#define SX_CORE_FAKEDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SX_FAKEDNS_V4		4
#define SX_FAKEDNS_V6		6
#define SX_FAKEDNS_MAX_CAPACITY (1u << 20)

/* Name i (0-based, in assignment order) gets base + 1 + (start + i) mod span in each
 * range, span being the range's usable addresses: 2^(32-v4_prefix) - 2 and
 * min(2^(128-v6_prefix) - 1, 2^32 - 1) (offsets stay in the last 32 bits). The network
 * address, and in IPv4 the last address, are never handed out, so the usable slots are
 * min(capacity, span4, span6). A random start makes the addresses of a table that is
 * gone unlikely to name anything in a new one. Host bits of a base are ignored.
 * Defaults: 198.18.0.0/15 and fd9a:5f0c:4b2d:ffff::/64. */
struct sx_fakedns_cfg {
	uint8_t v4_base[4];
	unsigned v4_prefix; /* 0..30 */
	uint8_t v6_base[16];
	unsigned v6_prefix; /* 0..127 */
	unsigned capacity;  /* 1..SX_FAKEDNS_MAX_CAPACITY */
	bool zeroed;	    /* the storage is known to be all zero bytes (a fresh mapping):
			     * init then leaves the hash index untouched instead of clearing
			     * it, so its pages cost no memory until names arrive */
	uint32_t start;	    /* any value; taken modulo each range's span */
};

/* Bytes of storage for a table of `capacity` names (0 if capacity is out of bounds):
 * about 264 bytes per name plus 8 per name for the hash index; capacity 65536 needs
 * 17,825,920 bytes (17 MiB). Pages of a fresh mapping are touched only as names arrive. */
size_t sx_fakedns_size(unsigned capacity);

/* Bytes of the layout that a table of `capacity` names uses while it holds `names`
 * (header, index, the first `names` slots): what must be backed by memory before the
 * slot of name `names` - 1 is written. 0 if capacity is out of bounds. */
size_t sx_fakedns_size_used(unsigned capacity, unsigned names);

/* The capacity a table with cfg gets: cfg->capacity bounded by both ranges' spans (0 if
 * cfg is invalid). */
unsigned sx_fakedns_capacity(const struct sx_fakedns_cfg *cfg);

/* The capacity of an initialised table. */
unsigned sx_fakedns_capacity_of(const void *t);

/* Lays out an empty table in t (8-byte aligned, `size` bytes; a fresh mapping or any
 * memory: only the header and the index are written). 0, -EINVAL (bad cfg or alignment)
 * or -ENOSPC (size too small for the usable capacity). */
int sx_fakedns_init(void *t, size_t size, const struct sx_fakedns_cfg *cfg);

/* Magic, version and layout consistency of an inherited block of `size` bytes. Call it
 * before using a block that someone else initialised; the other functions trust the header. */
bool sx_fakedns_valid(const void *t, size_t size);

/* Address (4 or 16 bytes, network order) for name, assigning a slot on first sight. Names
 * compare case-insensitively (ASCII) with one trailing dot ignored, and are stored lower-case.
 * af is SX_FAKEDNS_V4 or SX_FAKEDNS_V6; both families of one name share its slot.
 * 0, -ENOSPC (table full), -EINVAL (empty name, bad af) or -ENAMETOOLONG (> 255 bytes). */
int sx_fakedns_assign(void *t, const char *name, int af, uint8_t *addr_out);

/* As sx_fakedns_assign, but never writes: -ENOENT for a name without a slot (for when
 * the memory a new slot needs cannot be had). */
int sx_fakedns_lookup(void *t, const char *name, int af, uint8_t *addr_out);

/* The normalised name behind addr, NUL-terminated. 0, -ENOENT (in range but never handed
 * out: fail closed) or -EINVAL (not in the fake range, or bad af). */
int sx_fakedns_name(const void *t, int af, const uint8_t *addr, char name[256]);

/* Whether addr lies in the configured range of family af (network and last address too). */
bool sx_fakedns_in_range(const void *t, int af, const uint8_t *addr);

/* Names assigned so far. */
unsigned sx_fakedns_count(const void *t);

/* Concurrency: callers serialise sx_fakedns_assign (and init) with one lock for the whole
 * process tree. A slot is written completely before it is published (index entry, then the
 * committed count, with release stores), so a process killed mid-assign leaves only an
 * unpublished slot that the next assign overwrites; and sx_fakedns_lookup, _name, _in_range and
 * _count are safe without the lock because published slots never change. */

#endif
