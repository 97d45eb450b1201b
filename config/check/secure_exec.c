/* SPDX-License-Identifier: MIT */
/* The rules by which Linux sets AT_SECURE at exec, applied to a file before it runs. Also
 * linked into the library: it calls nothing the library interposes. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "secure_exec.h"

/* In libc, declared only by libcap's header; syscall() would be the library's own hook. */
int capget(cap_user_header_t header, cap_user_data_t data);

/* The capability sets of the file (security.capability, VFS_CAP_REVISION_2 or 3). */
static bool file_caps(const char *path, bool *effective, uint64_t *permitted, uint64_t *inheritable)
{
	uint32_t raw[6] = {0}; /* magic_etc, {permitted, inheritable} x 2, rootid (v3) */
	ssize_t n = getxattr(path, "security.capability", raw, sizeof raw);
	if (n < (ssize_t)(5 * sizeof raw[0]))
		return false;
	*effective = raw[0] & VFS_CAP_FLAGS_EFFECTIVE;
	*permitted = (uint64_t)raw[3] << 32 | raw[1];
	*inheritable = (uint64_t)raw[4] << 32 | raw[2];
	return true;
}

/* Our own inheritable set and bounding set, which decide what file capabilities grant. */
static void own_caps(uint64_t *inheritable, uint64_t *bounding)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {0};
	*inheritable = 0;
	if (capget(&h, d) == 0)
		*inheritable = (uint64_t)d[1].inheritable << 32 | d[0].inheritable;
	*bounding = 0;
	for (int c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			*bounding |= 1ULL << c;
}

/* Would exec set AT_SECURE? NULL, or what makes it so. Linux decides it (fs/exec.c bprm_fill_uid,
 * security/ commoncap.c cap_bprm_creds_from_file) from the ids and capabilities the program gets:
 *  - the new effective uid (the file's owner when set-user-ID) differs from the caller's
 *    real uid, or from its effective uid;
 *  - the new effective gid (the file's group when set-group-ID, which needs the group
 *    execute bit: without it the bit marks mandatory locking) differs from the real gid;
 *  - the caller's real uid is not 0 and the file's capabilities are effective or grant
 *    any permitted capability ((pI & fI) | (fP & bounding set)). For a real uid of 0
 *    file capabilities never set it: root is granted every capability anyway.
 * A nosuid mount ignores set-ID bits and file capabilities, no_new_privs set-ID bits.
 * So root running a set-user-ID-root program keeps LD_PRELOAD; anyone running a
 * set-user-ID program of another owner loses it. */
const char *sx_secure_exec(const char *path, const struct stat *st)
{
	struct statvfs vfs;
	if (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_NOSUID))
		return NULL;
	bool setid_honoured = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1;
	uid_t euid = setid_honoured && (st->st_mode & S_ISUID) ? st->st_uid : geteuid();
	gid_t egid = setid_honoured && (st->st_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP)
			 ? st->st_gid
			 : getegid();
	if (euid != getuid() || euid != geteuid())
		return "is setuid";
	if (egid != getgid())
		return "is setgid";
	bool effective;
	uint64_t fp, fi, pi, bset;
	if (getuid() != 0 && file_caps(path, &effective, &fp, &fi)) {
		own_caps(&pi, &bset);
		if (effective || (pi & fi) || (fp & bset))
			return "has file capabilities";
	}
	return NULL;
}

int sx_exec_file_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

long sx_exec_file_pread(int fd, void *buf, size_t len, uint64_t off)
{
	return pread(fd, buf, len, (off_t)off);
}
