/* Temporaries: exclusive creation under unpredictable names, owner locks, private
 * folders for writers that need a path, and the removal of what a killed run left. */
#ifndef PM_CORE_TMPFILE_H
#define PM_CORE_TMPFILE_H

#include <stddef.h>
#include "core/status.h"

/* Every temporary partymap creates is named "NAME.tmp-pm-HHHHHHHH-BBBBBBBB-RRRRRRRRRRRR"
 * beside its final file NAME: H a hash of the host name, B of the kernel's boot id,
 * R random (48 bits no other process can predict).  It is created exclusively
 * (O_CREAT | O_EXCL | O_NOFOLLOW, or mkdir for a folder: a symlink or any file
 * planted at the name makes the creation fail and another name is drawn, so nothing
 * is ever written through a link), and its owner holds an advisory lock (flock) on
 * it for as long as it exists: a temporary whose lock is free belongs to a process
 * that has ended, wherever that process ran (another PID namespace or host sharing
 * the folder).  Thread-safe. */

/* A temporary file to write through a descriptor. */
typedef struct {
    char *path; /* final name (owned) */
    char *tmp;  /* temporary name (owned) */
    int fd;     /* open for writing, locked; -1 when none */
} pm_tmpfd;

/* Creates t's temporary beside path, and path's folder if missing.  PM_EIO with *err
 * (caller frees). */
pm_status pm_tmpfd_create(pm_tmpfd *t, const char *path, char **err);
/* fsyncs (if durable) and renames the temporary to path, replacing whatever is there
 * (a symlink at path is replaced, never followed); on failure removes it.  Frees t
 * either way. */
pm_status pm_tmpfd_commit(pm_tmpfd *t, int durable, char **err);
/* Removes the temporary (if any) and frees t.  Accepts a zeroed struct. */
void pm_tmpfd_abort(pm_tmpfd *t);

/* A private folder (mode 0700, locked) for writers that need a file name (GDAL's
 * drivers, SQLite, Cairo): they create tmp = FOLDER/BASENAME inside it, with their
 * side files (journals) beside, where no other process can plant anything.  The
 * folder is "STEM.tmp-pm-...", STEM the name without its extension (GDAL's zip layer
 * takes the first ".xlsx" of a path for the archive). */
typedef struct {
    char *path;  /* final name (owned) */
    char *tmp;   /* the file to write (owned) */
    char *dir;   /* the private folder (owned) */
    int dirfd;   /* the folder, locked; -1 when none */
} pm_tmpfile;

pm_status pm_tmpfile_begin(pm_tmpfile *t, const char *path, char **err);
/* fsyncs tmp, for a writer that commits later (PM_EIO with *err). */
pm_status pm_tmpfile_sync(pm_tmpfile *t, char **err);
/* fsyncs tmp and renames it to path, then removes the folder with whatever else the
 * writer left in it; on failure removes all.  Frees t either way. */
pm_status pm_tmpfile_commit(pm_tmpfile *t, char **err);
/* Removes the folder and everything in it, and frees t.  Accepts a zeroed struct. */
void pm_tmpfile_abort(pm_tmpfile *t);

/* A private folder "PARENT/STEM.tmp-pm-..." (mode 0700, locked) of its own, e.g. to
 * stage a tree of files that are renamed out of it.  PARENT must exist. */
typedef struct {
    char *dir;  /* owned */
    int fd;     /* the folder, locked */
} pm_tmpdir;

pm_status pm_tmpdir_create(pm_tmpdir *d, const char *parent, const char *stem, char **err);
/* Removes the folder and everything still in it (never following a symlink), then
 * frees d.  Accepts a zeroed struct. */
void pm_tmpdir_remove(pm_tmpdir *d);

/* An anonymous file in dir: O_TMPFILE, or a temporary as above removed at once
 * where the file system lacks it; nothing of it outlives the process.  Returns the
 * descriptor, or -1 with errno set. */
int pm_tmp_anonymous(const char *dir);

/* 1 if name (a base name) is one partymap gives its temporaries. */
int pm_tmp_is_name(const char *name);

/* Called for each stale temporary found: its path, and whether it is a folder. */
typedef void (*pm_stale_fn)(void *ctx, const char *path, int is_folder);

/* Finds the temporaries under dir (never following a symlink) that a process which
 * has ended left: names as above, owned by this user, whose lock is free.  On a file
 * system without locks a temporary counts as stale only if its name says this host
 * and an earlier boot.  Nothing is changed.  A missing dir is not an error. */
pm_status pm_find_stale_tmp(const char *dir, pm_stale_fn fn, void *ctx, char **err);

/* Removes what pm_find_stale_tmp finds (a folder with its contents), each while
 * holding its lock; *removed counts them (may be NULL). */
pm_status pm_clean_stale_tmp(const char *dir, size_t *removed, char **err);

#endif
