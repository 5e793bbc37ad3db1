/* Publishing the site folder: files mirrored by hard links, stale files pruned. */
#ifndef PM_SITE_SITEPUB_H
#define PM_SITE_SITEPUB_H

#include <stddef.h>
#include "core/status.h"

/* A set of relative paths (owned strings): the files a writer put under a folder. */
typedef struct {
    char **v;
    size_t n, cap;
    int sorted;
} pm_pathset;

/* Adds a copy of path; PM_ENOMEM. */
pm_status pm_pathset_add(pm_pathset *s, const char *path);
/* 1 if path is in the set (sorts it on first use). */
int pm_pathset_has(pm_pathset *s, const char *path);
void pm_pathset_fini(pm_pathset *s);

/* What a mirror did, for the run's summary. */
typedef struct {
    size_t linked, copied, kept, removed;
} pm_pubstats;

/* Makes dst the same file as src: a hard link (dst replaced atomically through a
 * temporary name), or a copy when the file system refuses links (another device,
 * no permission); a dst that already is src (same inode), or a copy with src's
 * size and modification time, is kept.  PM_EIO with *err (caller frees);
 * PM_ECANCEL (nothing done) once a signal asked the run to stop. */
pm_status pm_sitepub_link(const char *src, const char *dst, pm_pubstats *st, char **err);

/* Mirrors the files under src_dir whose names end in one of exts (NULL-terminated,
 * e.g. ".png"), at any depth, into dst_dir with pm_sitepub_link, and removes the
 * files (and then empty folders) under dst_dir that src_dir does not have.  A
 * missing src_dir empties dst_dir.  Temporaries of a killed run are left to
 * pm_clean_stale_tmp.  PM_EIO or PM_ENOMEM with *err. */
pm_status pm_sitepub_mirror(const char *src_dir, const char *dst_dir, const char *const *exts,
                            pm_pubstats *st, char **err);

/* Removes every file under dir whose path relative to dir is not in keep, then the
 * folders left empty (dir itself stays).  A missing dir is fine.  PM_EIO with *err. */
pm_status pm_sitepub_prune(const char *dir, pm_pathset *keep, size_t *removed, char **err);

/* Removes dir and everything under it (a missing dir is fine).  PM_EIO with *err. */
pm_status pm_sitepub_rmtree(const char *dir, char **err);

#endif
