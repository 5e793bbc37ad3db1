/* Atomic file output and small file-system helpers. */
#ifndef PM_CORE_FILEIO_H
#define PM_CORE_FILEIO_H

#include <stddef.h>
#include "core/status.h"
#include "core/tmpfile.h"

/* Creates dir and its parents (mode 0755). PM_EIO with *err set (caller frees). */
pm_status pm_mkdirs(const char *dir, char **err);

/* Writes len bytes to path atomically: a temporary beside it (tmpfile.h: created
 * exclusively, locked), fsync, rename.  On failure the temporary is removed, the old
 * file (if any) is untouched, and *err describes the problem (caller frees).  A
 * symlink at path is replaced by the file, never written through.  Thread-safe. */
pm_status pm_write_atomic(const char *path, const void *data, size_t len, char **err);

/* pm_write_atomic unless path already is a regular file (not a symlink) holding
 * exactly these bytes; then nothing is written (the file keeps its modification
 * time) and *unchanged is set (may be NULL). */
pm_status pm_write_if_changed(const char *path, const void *data, size_t len, int *unchanged,
                              char **err);

/* Like pm_write_atomic without the fsync: a crash of the process never leaves a
 * half-written file, but after a power loss the new file may be empty.  For many
 * small files (tiles), followed by one pm_sync_dir of their tree. */
pm_status pm_write_replace(const char *path, const void *data, size_t len, char **err);

/* Flushes the file system holding dir to disk (syncfs); PM_EIO with *err. */
pm_status pm_sync_dir(const char *dir, char **err);

/* Reads a whole file into a new NUL-terminated buffer (caller frees); refuses files
 * larger than max_len.  *err set on failure (caller frees). */
pm_status pm_read_file(const char *path, size_t max_len, char **out, size_t *out_len,
                       char **err);

/* Joins dir and rel unless rel is absolute; returns a new string or NULL (OOM). */
char *pm_path_join(const char *dir, const char *rel);
/* Directory part of path ("." if none); new string or NULL. */
char *pm_path_dirname(const char *path);
/* Pointer into path after the last '/'. Borrowed. */
const char *pm_path_basename(const char *path);
/* 1 if path exists (any type). */
int pm_path_exists(const char *path);

/* 1 if path is a regular file (a symlink is not followed) holding exactly len bytes
 * equal to data. */
int pm_file_equals(const char *path, const void *data, size_t len);
/* The same for the file open as fd (read from its current offset). */
int pm_fd_equals(int fd, const void *data, size_t len);
/* 1 if a and b are both regular files (symlinks not followed) with the same bytes;
 * 0 otherwise, also when either cannot be read.  Reads both in small blocks. */
int pm_files_equal(const char *a, const char *b);

#endif
