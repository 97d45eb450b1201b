/* SPDX-License-Identifier: MIT */
/* A lock word in shared memory: compare-and-swap of the holder's thread id, a bounded
 * futex wait, and a check that the holder still lives. No robust list is needed (the
 * kernel's is per class of process), so i386 and x86_64 processes can share it. */
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../base/real.h"
#include "tree_lock.h"

#define WAIT_NS	  1000000L /* 1 ms per wait: an unlock's wake-up may come from another class */
#define MAX_WAITS 2000

/* kill() takes any thread id of the tree's pid namespace; ESRCH means it exited. */
static int holder_dead(uint32_t tid)
{
	return kill((pid_t)tid, 0) < 0 && errno == ESRCH;
}

int sx_tree_lock(_Atomic uint32_t *word)
{
	uint32_t me = (uint32_t)gettid();
	int e = errno;
	for (int i = 0; i <= MAX_WAITS; i++) {
		uint32_t cur = 0;
		if (atomic_compare_exchange_strong_explicit(word, &cur, me, memory_order_acquire,
							    memory_order_relaxed))
			break;
		/* Our own id in the word is a dead holder's that the kernel gave us again. */
		if ((cur == me || holder_dead(cur)) &&
		    atomic_compare_exchange_strong_explicit(word, &cur, me, memory_order_acquire,
							    memory_order_relaxed))
			break;
		if (i == MAX_WAITS) {
			errno = e;
			return -EAGAIN;
		}
		struct timespec ts = {.tv_sec = 0, .tv_nsec = WAIT_NS};
		sx_real.syscall(SYS_futex, word, FUTEX_WAIT, cur, &ts, NULL, 0);
	}
	errno = e;
	return 0;
}

void sx_tree_unlock(_Atomic uint32_t *word)
{
	int e = errno;
	atomic_store_explicit(word, 0, memory_order_release);
	sx_real.syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
	errno = e;
}
