/* SPDX-License-Identifier: MIT */
/* The files of one process tree: its fake-DNS table in /dev/shm and its password file,
 * each removed by a watcher once nobody uses it; and the clean-up of left-overs. */
#ifndef SX_CHECK_TREE_FILES_H
#define SX_CHECK_TREE_FILES_H

#define SX_TREE_TABLE_VAR    "SOCKSIFY_FAKEDNS"
#define SX_TREE_PASSWORD_VAR "SOCKSIFY_PASSWORD_FILE"
#define SX_TREE_PATH_MAX     4096

/* Removes our provably unused left-overs, creates the empty table file of a new process
 * tree whose first process is tree_arg (a pid), prints its path, and leaves a watcher
 * that removes it once that process has exited and nobody uses the table. 0, or 1 with
 * a warning when no file could be made. */
int sx_tree_new_table(const char *tree_arg);

/* Removes the unused password files left in path's directory, and leaves a watcher
 * that removes path once tree has exited and no process's environment names it. */
void sx_tree_watch_password(long tree, const char *path);

/* The watcher itself (socksify-check watch): waits for tree_arg's pid to exit, then
 * until no process uses dir/name (named in var), removes it and our left-overs. */
int sx_tree_watch(const char *tree_arg, const char *dir, const char *name, const char *var);

#endif
