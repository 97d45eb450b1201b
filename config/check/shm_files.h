/* SPDX-License-Identifier: MIT */
/* The wrapper's /dev/shm housekeeping for fake-DNS tables and UDP handoff files. */
#ifndef SX_CHECK_SHM_FILES_H
#define SX_CHECK_SHM_FILES_H

/* Removes our provably unused left-overs, creates the empty table file of a new process
 * tree whose first process is tree_arg (a pid), prints its path, and leaves a watcher
 * that removes it once that process has exited and nobody uses the table. 0, or 1 with
 * a warning when no file could be made. */
int sx_shm_new_table(const char *tree_arg);

#endif
