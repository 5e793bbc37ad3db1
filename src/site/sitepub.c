/* Publishing: hard links with a copy fallback, and pruning of what the source no longer has. */
#include "site/sitepub.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cancel.h"
#include "core/fileio.h"

enum { MAX_COPY = 1 << 30 };

pm_status pm_pathset_add(pm_pathset *s, const char *path)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v) return PM_ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    if (!(s->v[s->n] = pm_strdup(path))) return PM_ENOMEM;
    s->n++;
    s->sorted = 0;
    return PM_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int pm_pathset_has(pm_pathset *s, const char *path)
{
    if (!s->n) return 0;
    if (!s->sorted) { qsort(s->v, s->n, sizeof *s->v, cmp_str); s->sorted = 1; }
    return bsearch(&path, s->v, s->n, sizeof *s->v, cmp_str) != NULL;
}

void pm_pathset_fini(pm_pathset *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static pm_status copy_into(const char *src, const char *dst, const struct stat *sb, char **err)
{
    char *data = NULL;
    size_t len = 0;
    pm_status st = pm_read_file(src, MAX_COPY, &data, &len, err);
    if (!st) st = pm_write_atomic(dst, data, len, err);
    free(data);
    struct timespec times[2] = { sb->st_atim, sb->st_mtim };
    if (!st) utimensat(AT_FDCWD, dst, times, 0); /* a later run keeps the copy by its time */
    return st;
}

pm_status pm_sitepub_link(const char *src, const char *dst, pm_pubstats *ps, char **err)
{
    struct stat a, b;
    if (pm_cancelled()) return PM_ECANCEL; /* a signal: stop at this file boundary */
    if (stat(src, &a) != 0) {
        *err = pm_asprintf("%s: %s", src, strerror(errno));
        return PM_EIO;
    }
    if (lstat(dst, &b) == 0 && S_ISREG(b.st_mode) &&
        ((a.st_dev == b.st_dev && a.st_ino == b.st_ino) ||
         (b.st_nlink == 1 && a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
          a.st_mtim.tv_nsec == b.st_mtim.tv_nsec))) {
        ps->kept++;
        return PM_OK;
    }
    /* "NAME.tmp-PID-N...": the name pm_clean_stale_tmp removes after a killed run. */
    char *tmp = pm_asprintf("%s.tmp-%ld-0-link", dst, (long)getpid());
    if (!tmp) return PM_ENOMEM;
    pm_status st = PM_OK;
    unlink(tmp);
    if (link(src, tmp) == 0) {
        if (rename(tmp, dst) != 0) {
            *err = pm_asprintf("%s: %s", dst, strerror(errno));
            unlink(tmp);
            st = PM_EIO;
        } else {
            ps->linked++;
        }
    } else if (errno == EXDEV || errno == EPERM || errno == EMLINK || errno == ENOTSUP || errno == EACCES) {
        if ((st = copy_into(src, dst, &a, err)) == PM_OK) ps->copied++;
    } else {
        *err = pm_asprintf("%s: cannot link to %s: %s", dst, src, strerror(errno));
        st = PM_EIO;
    }
    free(tmp);
    return st;
}

static int wanted(const char *name, const char *const *exts)
{
    size_t n = strlen(name);
    if (strstr(name, ".tmp-")) return 0;
    for (; *exts; exts++) {
        size_t k = strlen(*exts);
        if (n > k && strcmp(name + n - k, *exts) == 0) return 1;
    }
    return 0;
}

/* Walks src/rel, linking each wanted file to dst/rel and recording rel in seen. */
static pm_status mirror_walk(const char *src, const char *dst, const char *rel, const char *const *exts,
                             pm_pathset *seen, pm_pubstats *ps, char **err)
{
    char *sdir = *rel ? pm_asprintf("%s/%s", src, rel) : pm_strdup(src);
    DIR *d = sdir ? opendir(sdir) : NULL;
    pm_status st = sdir ? PM_OK : PM_ENOMEM;
    int made = 0;
    if (!st && !d && errno != ENOENT) {
        *err = pm_asprintf("%s: cannot read folder: %s", sdir, strerror(errno));
        st = PM_EIO;
    }
    for (struct dirent *e; !st && d && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.') continue;
        char *r = *rel ? pm_asprintf("%s/%s", rel, e->d_name) : pm_strdup(e->d_name);
        char *s = r ? pm_asprintf("%s/%s", src, r) : NULL, *t = r ? pm_asprintf("%s/%s", dst, r) : NULL;
        struct stat sb;
        if (!r || !s || !t) st = PM_ENOMEM;
        else if (stat(s, &sb) != 0) st = PM_OK; /* vanished meanwhile */
        else if (S_ISDIR(sb.st_mode)) st = mirror_walk(src, dst, r, exts, seen, ps, err);
        else if (S_ISREG(sb.st_mode) && wanted(e->d_name, exts)) {
            if (!made) {
                char *td = pm_path_dirname(t);
                st = td ? pm_mkdirs(td, err) : PM_ENOMEM;
                free(td);
                made = 1;
            }
            if (!st) st = pm_sitepub_link(s, t, ps, err);
            if (!st) st = pm_pathset_add(seen, r);
        }
        free(t);
        free(s);
        free(r);
    }
    if (d) closedir(d);
    free(sdir);
    return st;
}

pm_status pm_sitepub_mirror(const char *src_dir, const char *dst_dir, const char *const *exts,
                            pm_pubstats *ps, char **err)
{
    *err = NULL;
    pm_pathset seen = { 0 };
    pm_status st = mirror_walk(src_dir, dst_dir, "", exts, &seen, ps, err);
    size_t removed = 0;
    if (!st) st = pm_sitepub_prune(dst_dir, &seen, &removed, err);
    ps->removed += removed;
    pm_pathset_fini(&seen);
    if (st == PM_ENOMEM && !*err) *err = pm_asprintf("%s: out of memory", dst_dir);
    return st;
}

/* Removes what is not kept under dir/rel; *empty = 1 if nothing is left there. */
static pm_status prune_walk(const char *dir, const char *rel, pm_pathset *keep, size_t *removed,
                            int *empty, char **err)
{
    char *path = *rel ? pm_asprintf("%s/%s", dir, rel) : pm_strdup(dir);
    DIR *d = path ? opendir(path) : NULL;
    pm_status st = path ? PM_OK : PM_ENOMEM;
    *empty = 1;
    if (!st && !d) {
        if (errno != ENOENT && errno != ENOTDIR) {
            *err = pm_asprintf("%s: cannot read folder: %s", path, strerror(errno));
            st = PM_EIO;
        }
    }
    for (struct dirent *e; !st && d && (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char *r = *rel ? pm_asprintf("%s/%s", rel, e->d_name) : pm_strdup(e->d_name);
        char *full = r ? pm_asprintf("%s/%s", dir, r) : NULL;
        struct stat sb;
        if (!r || !full) st = PM_ENOMEM;
        else if (lstat(full, &sb) != 0) ; /* vanished */
        else if (S_ISDIR(sb.st_mode)) {
            int sub_empty;
            st = prune_walk(dir, r, keep, removed, &sub_empty, err);
            if (!st && sub_empty && rmdir(full) != 0) *empty = 0;
            else if (!st && !sub_empty) *empty = 0;
        } else if (pm_pathset_has(keep, r) || strstr(e->d_name, ".tmp-")) {
            *empty = 0;
        } else if (unlink(full) == 0) {
            (*removed)++;
        } else {
            *err = pm_asprintf("%s: cannot remove: %s", full, strerror(errno));
            st = PM_EIO;
        }
        free(full);
        free(r);
    }
    if (d) closedir(d);
    free(path);
    return st;
}

pm_status pm_sitepub_prune(const char *dir, pm_pathset *keep, size_t *removed, char **err)
{
    int empty;
    *removed = 0;
    return prune_walk(dir, "", keep, removed, &empty, err);
}

pm_status pm_sitepub_rmtree(const char *dir, char **err)
{
    pm_pathset none = { 0 };
    size_t removed;
    pm_status st = pm_sitepub_prune(dir, &none, &removed, err);
    if (!st && rmdir(dir) != 0 && errno != ENOENT && errno != ENOTEMPTY) { /* ENOTEMPTY: a live run's temporary */
        *err = pm_asprintf("%s: cannot remove: %s", dir, strerror(errno));
        st = PM_EIO;
    }
    return st;
}
