/* SPDX-License-Identifier: MIT */
/* A connected (virtual) UDP socket keeps its peer across exec. The file is named after
 * the pid, which exec keeps, and lives next to the fake-DNS tables in /dev/shm; it is
 * removed when its last record is (the wrapper removes those of dead pids). Each
 * record names the socket by fd and inode,
 * so a reused fd number never inherits a peer. Only UDP connect() and close() of such
 * sockets, and the first use of an unknown UDP socket, ever touch it. */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/fdtab.h"
#include "../base/guard.h"
#include "../base/real.h"
#include "../base/sockaddr.h"
#include "udp.h"
#include "udp_handoff.h"

#define RECORDS 64

struct record {
	int32_t fd; /* -1: free */
	uint32_t len;
	uint64_t ino;
	struct sockaddr_storage peer;
};
/* i386 and x86_64 images of one pid read each other's records. */
_Static_assert(sizeof(struct record) == 144, "the record must not depend on the ABI");

static atomic_bool touched; /* this image wrote or read a record: close() must look */

static void path_of(char path[64], pid_t pid)
{
	snprintf(path, 64, "/dev/shm/socksify-%u-%d-udp", (unsigned)getuid(), (int)pid);
}

static int open_file(bool create, pid_t pid)
{
	char path[64];
	path_of(path, pid);
	/* Another thread may remove the file between our open and our lock: try again. */
	for (int tries = 0; tries < 3; tries++) {
		int fd =
		    open(path, (create ? O_RDWR | O_CREAT : O_RDWR) | O_CLOEXEC | O_NOFOLLOW, 0600);
		struct stat st;
		if (fd < 0)
			return -1;
		if (fstat(fd, &st) < 0 || st.st_uid != getuid() || !S_ISREG(st.st_mode)) {
			sx_real.close(fd);
			return -1;
		}
		flock(fd, LOCK_EX);
		if (fstat(fd, &st) == 0 && st.st_nlink > 0)
			return fd;
		sx_real.close(fd);
	}
	return -1;
}

/* With the lock held: a file without records is of no use to anyone. */
static void remove_if_empty(int file)
{
	struct record r;
	for (int i = 0; i < RECORDS; i++) {
		if (pread(file, &r, sizeof r, (off_t)i * (off_t)sizeof r) != (ssize_t)sizeof r)
			break;
		if (r.fd >= 0 && r.len)
			return;
	}
	char path[64];
	path_of(path, getpid());
	unlink(path);
}

static uint64_t inode_of(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

/* The index of fd's record, else of a free one (-1 if none), with the record read. */
static int find(int file, int fd, struct record *r, bool want_free)
{
	int free_slot = -1;
	for (int i = 0; i < RECORDS; i++) {
		ssize_t n = pread(file, r, sizeof *r, (off_t)i * (off_t)sizeof *r);
		if (n != (ssize_t)sizeof *r) {
			if (free_slot < 0)
				free_slot = i; /* past the end of the file: free */
			break;
		}
		if (r->fd == fd && r->len)
			return i;
		if (free_slot < 0 && (r->fd < 0 || !r->len))
			free_slot = i;
	}
	return want_free ? free_slot : -1;
}

void sx_udp_handoff_save(int fd, const struct sockaddr *peer, socklen_t len)
{
	int file = open_file(true, getpid());
	if (file < 0)
		return;
	struct record r;
	int i = find(file, fd, &r, true);
	if (i >= 0) {
		memset(&r, 0, sizeof r);
		r.fd = fd;
		r.len = sx_sockaddr_copy(&r.peer, peer, len);
		r.ino = inode_of(fd);
		if (pwrite(file, &r, sizeof r, (off_t)i * (off_t)sizeof r) == (ssize_t)sizeof r)
			atomic_store(&touched, true);
	}
	sx_real.close(file);
}

void sx_udp_handoff_forget(int fd)
{
	if (!atomic_load(&touched))
		return;
	int file = open_file(false, getpid());
	if (file < 0)
		return;
	struct record r;
	int i = find(file, fd, &r, false);
	if (i >= 0) {
		memset(&r, 0, sizeof r);
		r.fd = -1;
		/* A record that stays (a failed write) fails the inode check later. */
		if (pwrite(file, &r, sizeof r, (off_t)i * (off_t)sizeof r) == (ssize_t)sizeof r)
			remove_if_empty(file);
	}
	sx_real.close(file);
}

static bool load_from(pid_t pid, int fd, struct sockaddr_storage *peer, socklen_t *len)
{
	int file = open_file(false, pid);
	if (file < 0)
		return false;
	struct record r;
	int i = find(file, fd, &r, false);
	bool ok = i >= 0 && r.len <= sizeof *peer && r.ino == inode_of(fd);
	if (ok) {
		memcpy(peer, &r.peer, r.len);
		*len = r.len;
	}
	sx_real.close(file);
	return ok;
}

bool sx_udp_handoff_load(int fd, struct sockaddr_storage *peer, socklen_t *len)
{
	/* This pid before exec, or the parent that forked and then exec'd us (the inode
	 * check makes sure the fd is still that socket). */
	if (!load_from(getpid(), fd, peer, len) && !load_from(getppid(), fd, peer, len))
		return false;
	atomic_store(&touched, true);
	return true;
}

bool sx_udp_handoff_restore(int fd)
{
	/* The caller returns libc's error when this fails: keep its errno. */
	int saved = errno;
	struct sockaddr_storage peer;
	socklen_t len;
	int r = -1;
	if (sx_fdtab_kind(fd) == SX_FD_NONE && sx_udp_is_udp(fd, SX_FD_NONE) &&
	    sx_udp_handoff_load(fd, &peer, &len)) {
		if (sx_guard_enter())
			sx_udp_connect(fd, SX_FD_UDP, (struct sockaddr *)&peer, len, &r);
		sx_guard_leave();
	}
	errno = saved;
	return r == 0 && sx_fdtab_kind(fd) == SX_FD_UDP_PROXIED;
}
