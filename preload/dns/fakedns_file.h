/* SPDX-License-Identifier: MIT */
/* The file that holds a process tree's fake-DNS table: opened without following any
 * symlink, joined under a shared flock that rides on the mapping, set up under an
 * exclusive one, with its memory reserved before it is written. */
#ifndef SX_PRELOAD_FAKEDNS_FILE_H
#define SX_PRELOAD_FAKEDNS_FILE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "../../core/fakedns.h"

#define SX_TABLE_HDR_PAGE 4096u
#define SX_TABLE_MAGIC	  0x54465853u /* "SXFT" little-endian */
#define SX_TABLE_VERSION  2u /* 2: the lock is a word of tree_lock.h, not a pthread mutex */

enum { SX_TABLE_EMPTY = 0, SX_TABLE_SETUP = 1, SX_TABLE_READY = 2 };

/* The file's first page; core's table follows it. The magic is written first, so a
 * creator killed during set-up leaves a file that is recognisably a table. Only 32-bit
 * fields: i386 and x86_64 processes of one tree share it. */
struct sx_table_hdr {
	uint32_t magic;
	uint32_t version;
	_Atomic uint32_t state;
	uint32_t size;		   /* bytes of the whole file */
	_Atomic uint32_t reserved; /* bytes [0, reserved) are backed by memory */
	_Atomic uint32_t lock;	   /* serialises sx_fakedns_assign across the tree (tree_lock.h) */
};
_Static_assert(sizeof(struct sx_table_hdr) == 24, "the header must not depend on the ABI");

/* Why a table file could not be used. */
enum sx_table_err {
	SX_TABLE_GONE = 1, /* the file is missing or was removed: fail closed */
	SX_TABLE_REFUSED,  /* not a path or file we may write: use a private table */
	SX_TABLE_NOSPACE,  /* its file system has no room: use a private table */
};

/* Maps the table at path, setting it up with cfg if it is new (or left half set up).
 * The mapping, of *size bytes, holds a shared flock on the file for as long as it
 * exists (forks included), which is what tells the wrapper's clean-up the table is in
 * use. NULL with *err and *why (a short reason for the log) on failure. */
struct sx_table_hdr *sx_fakedns_file_map(const char *path, const struct sx_fakedns_cfg *cfg,
					 size_t *size, enum sx_table_err *err, const char **why);

/* Initialises a header and core table in fresh zeroed memory of size bytes. 0 or -errno. */
int sx_fakedns_file_init(struct sx_table_hdr *h, size_t size, const struct sx_fakedns_cfg *cfg);

/* Backs the table's memory for names [0, names] before the slot of the last one is
 * written; only a file mapping ever needs it. Called with the table lock held. 0, or
 * -ENOSPC when its file system is full. */
int sx_fakedns_file_reserve(struct sx_table_hdr *h, unsigned names);

#endif
