/* Atomic file output and small file-system helpers. */
#ifndef PM_CORE_FILEIO_H
#define PM_CORE_FILEIO_H

#include <stddef.h>
#include "core/status.h"

/* Creates dir and its parents (mode 0755). PM_EIO with *err set (caller frees). */
pm_status pm_mkdirs(const char *dir, char **err);

/* Writes len bytes to path atomically: a temporary "path.tmp-PID-N" in the same
 * directory, fsync, rename.  On failure the temporary is removed, the old file (if
 * any) is untouched, and *err describes the problem (caller frees). Thread-safe. */
pm_status pm_write_atomic(const char *path, const void *data, size_t len, char **err);

/* pm_write_atomic unless path already holds exactly these bytes; then nothing is
 * written (the file keeps its modification time) and *unchanged is set (may be NULL). */
pm_status pm_write_if_changed(const char *path, const void *data, size_t len, int *unchanged,
                              char **err);

/* Like pm_write_atomic without the fsync: a crash of the process never leaves a
 * half-written file, but after a power loss the new file may be empty.  For many
 * small files (tiles), followed by one pm_sync_dir of their tree. */
pm_status pm_write_replace(const char *path, const void *data, size_t len, char **err);

/* Flushes the file system holding dir to disk (syncfs); PM_EIO with *err. */
pm_status pm_sync_dir(const char *dir, char **err);

/* A temporary name beside path for writers that need a file name (Cairo's PDF
 * surface, OGR); commit renames it into place, abort removes it.  Thread-safe. */
typedef struct {
    char *path; /* final name (owned) */
    char *tmp;  /* temporary name (owned) */
} pm_tmpfile;

pm_status pm_tmpfile_begin(pm_tmpfile *t, const char *path, char **err);
/* fsyncs and renames tmp to path; on failure removes tmp. Frees the names either way. */
pm_status pm_tmpfile_commit(pm_tmpfile *t, char **err);
/* Removes tmp (if present) and frees the names. Accepts a zeroed struct. */
void pm_tmpfile_abort(pm_tmpfile *t);

/* Removes temporaries ("NAME.tmp-PID-N", with any ".ext" or SQLite "-journal"/"-wal"
 * suffix its writer added) that a killed run left under dir, those of processes no
 * longer alive; *removed counts them.  Missing dir is not an error. */
pm_status pm_clean_stale_tmp(const char *dir, size_t *removed, char **err);
/* As pm_clean_stale_tmp, but only the temporaries whose name contains part (NULL: every
 * one).  A pid names a process on the host that made the temporary only: processes on
 * several hosts writing into one shared folder clean their own names alone. */
pm_status pm_clean_stale_tmp_part(const char *dir, const char *part, size_t *removed, char **err);

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

#endif
