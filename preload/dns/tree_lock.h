/* SPDX-License-Identifier: MIT */
/* The lock of a table that every process of a tree shares, 32- and 64-bit alike: one
 * 32-bit word (glibc's pthread_mutex_t is laid out differently in i386 and x86_64). */
#ifndef SX_PRELOAD_TREE_LOCK_H
#define SX_PRELOAD_TREE_LOCK_H

#include <stdatomic.h>
#include <stdint.h>

/* The word holds 0 (free) or the holder's thread id. A holder that died is replaced
 * (what it half wrote is its caller's to cope with, as with a robust mutex). 0, or
 * -EAGAIN when a live holder kept it for more than two seconds. */
int sx_tree_lock(_Atomic uint32_t *word);
void sx_tree_unlock(_Atomic uint32_t *word);

#endif
