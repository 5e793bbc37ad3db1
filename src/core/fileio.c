/* Atomic writes (temporary + fsync + rename) and path helpers. */
#include "core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A process-wide counter only makes temporary names unique; it carries no state
 * that rendering depends on. */
static atomic_uint tmp_counter;

pm_status pm_mkdirs(const char *dir, char **err)
{
    char *p = pm_strdup(dir);
    if (!p) return PM_ENOMEM;
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                if (err) *err = pm_asprintf("%s: cannot create directory: %s", p, strerror(errno));
                free(p);
                return PM_EIO;
            }
            *s = c;
            if (!c) break;
        }
    }
    free(p);
    return PM_OK;
}

/* Names t's temporary; PM_ENOMEM. */
static pm_status tmp_name(pm_tmpfile *t, const char *path)
{
    unsigned n = atomic_fetch_add(&tmp_counter, 1);
    t->path = pm_strdup(path);
    t->tmp = pm_asprintf("%s.tmp-%ld-%u", path, (long)getpid(), n);
    if (t->path && t->tmp) return PM_OK;
    pm_tmpfile_abort(t);
    return PM_ENOMEM;
}

/* Creates the folder that is to hold path. */
static pm_status mkdirs_for(const char *path, char **err)
{
    char *dir = pm_path_dirname(path);
    if (!dir) return PM_ENOMEM;
    pm_status st = pm_mkdirs(dir, err);
    free(dir);
    return st;
}

pm_status pm_tmpfile_begin(pm_tmpfile *t, const char *path, char **err)
{
    pm_status st = tmp_name(t, path);
    if (st) return st;
    st = mkdirs_for(path, err);
    if (st) pm_tmpfile_abort(t);
    return st;
}

static pm_status commit(pm_tmpfile *t, int durable, char **err)
{
    pm_status st = PM_OK;
    int fd = durable ? open(t->tmp, O_RDONLY) : -1;
    if (durable && (fd < 0 || fsync(fd) != 0)) {
        if (err) *err = pm_asprintf("%s: cannot sync: %s", t->tmp, strerror(errno));
        st = PM_EIO;
    }
    if (fd >= 0) close(fd);
    if (!st && rename(t->tmp, t->path) != 0) {
        if (err) *err = pm_asprintf("%s: cannot rename into place: %s", t->path, strerror(errno));
        st = PM_EIO;
    }
    if (st) unlink(t->tmp);
    free(t->path);
    free(t->tmp);
    t->path = t->tmp = NULL;
    return st;
}

pm_status pm_tmpfile_commit(pm_tmpfile *t, char **err)
{
    return commit(t, 1, err);
}

void pm_tmpfile_abort(pm_tmpfile *t)
{
    if (t->tmp) unlink(t->tmp);
    free(t->path);
    free(t->tmp);
    t->path = t->tmp = NULL;
}

static pm_status write_file(const char *path, const void *data, size_t len, int durable,
                            char **err)
{
    pm_tmpfile t = {0};
    pm_status st = tmp_name(&t, path);
    if (st) return st;
    /* folders only when missing: for thousands of tiles a folder, the common case */
    int fd = open(t.tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 && errno == ENOENT) {
        st = mkdirs_for(path, err);
        if (st) { pm_tmpfile_abort(&t); return st; }
        fd = open(t.tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    }
    if (fd < 0) goto fail;
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            close(fd);
            goto fail;
        }
        p += w;
        len -= (size_t)w;
    }
    if (close(fd) != 0) goto fail;
    return commit(&t, durable, err);
fail:
    if (err) *err = pm_asprintf("%s: cannot write: %s", path, strerror(errno));
    pm_tmpfile_abort(&t);
    return PM_EIO;
}

pm_status pm_write_atomic(const char *path, const void *data, size_t len, char **err)
{
    return write_file(path, data, len, 1, err);
}

pm_status pm_write_if_changed(const char *path, const void *data, size_t len, int *unchanged,
                              char **err)
{
    if (unchanged) *unchanged = 0;
    char *old = NULL;
    size_t oldlen = 0;
    int same = pm_read_file(path, len + 1, &old, &oldlen, NULL) == PM_OK && oldlen == len
               && memcmp(old, data, len) == 0;
    free(old);
    if (same) {
        if (unchanged) *unchanged = 1;
        return PM_OK;
    }
    return pm_write_atomic(path, data, len, err);
}

pm_status pm_write_replace(const char *path, const void *data, size_t len, char **err)
{
    return write_file(path, data, len, 0, err);
}

pm_status pm_sync_dir(const char *dir, char **err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0 || syncfs(fd) != 0) {
        if (err) *err = pm_asprintf("%s: cannot sync: %s", dir, strerror(errno));
        if (fd >= 0) close(fd);
        return PM_EIO;
    }
    close(fd);
    return PM_OK;
}

pm_status pm_read_file(const char *path, size_t max_len, char **out, size_t *out_len,
                       char **err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err) *err = pm_asprintf("%s: cannot open: %s", path, strerror(errno));
        return errno == ENOENT ? PM_EDATA : PM_EIO;
    }
    pm_status st = PM_OK;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf) { fclose(f); return PM_ENOMEM; }
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > max_len) {
                if (err) *err = pm_asprintf("%s: file too large (over %zu bytes)", path, max_len);
                st = PM_EDATA;
                break;
            }
            char *n = realloc(buf, cap * 2);
            if (!n) { st = PM_ENOMEM; break; }
            buf = n;
            cap *= 2;
        }
        size_t r = fread(buf + len, 1, cap - len - 1, f);
        len += r;
        if (r == 0) {
            if (ferror(f)) {
                if (err) *err = pm_asprintf("%s: read error", path);
                st = PM_EIO;
            }
            break;
        }
    }
    fclose(f);
    if (!st && len > max_len) {
        if (err) *err = pm_asprintf("%s: file too large (over %zu bytes)", path, max_len);
        st = PM_EDATA;
    }
    if (st) { free(buf); return st; }
    buf[len] = '\0';
    *out = buf;
    if (out_len) *out_len = len;
    return PM_OK;
}

char *pm_path_join(const char *dir, const char *rel)
{
    if (!rel) return NULL;
    if (rel[0] == '/' || !dir || !*dir || strcmp(dir, ".") == 0) return pm_strdup(rel);
    return pm_asprintf("%s/%s", dir, rel);
}

char *pm_path_dirname(const char *path)
{
    const char *s = strrchr(path, '/');
    if (!s) return pm_strdup(".");
    if (s == path) return pm_strdup("/");
    size_t n = (size_t)(s - path);
    char *r = malloc(n + 1);
    if (!r) return NULL;
    memcpy(r, path, n);
    r[n] = '\0';
    return r;
}

const char *pm_path_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int pm_path_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* The pid of a temporary's name, or 0 if the name is not one. A temporary is
 * "NAME.tmp-PID-N", possibly followed by what its writer added: an extension the
 * GDAL drivers need ("book.tmp-PID-N.xlsx") or SQLite's side files
 * ("tiles.mbtiles.tmp-PID-N-journal", "-wal", "-shm"). */
static long tmp_pid(const char *name)
{
    for (const char *t = strstr(name, ".tmp-"); t; t = strstr(t + 1, ".tmp-")) {
        char *end;
        long pid = strtol(t + 5, &end, 10);
        if (pid <= 0 || *end != '-' || end[1] < '0' || end[1] > '9') continue;
        strtoul(end + 1, &end, 10);
        if (*end == '\0' || *end == '.' || *end == '-') return pid;
    }
    return 0;
}

/* nftw offers no user pointer: a thread-local count and filter keep the walk reentrant. */
static _Thread_local size_t stale_removed;
static _Thread_local const char *stale_part;

static int stale_cb(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    const char *name = pm_path_basename(path);
    long pid = type == FTW_F && (!stale_part || strstr(name, stale_part)) ? tmp_pid(name) : 0;
    if (pid && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH
        && unlink(path) == 0)
        stale_removed++;
    return 0;
}

pm_status pm_clean_stale_tmp(const char *dir, size_t *removed, char **err)
{
    return pm_clean_stale_tmp_part(dir, NULL, removed, err);
}

pm_status pm_clean_stale_tmp_part(const char *dir, const char *part, size_t *removed, char **err)
{
    stale_removed = 0;
    stale_part = part;
    if (!pm_path_exists(dir)) { if (removed) *removed = 0; return PM_OK; }
    if (nftw(dir, stale_cb, 16, FTW_PHYS) != 0) {
        if (err) *err = pm_asprintf("%s: cannot scan for stale temporaries: %s", dir, strerror(errno));
        return PM_EIO;
    }
    if (removed) *removed = stale_removed;
    return PM_OK;
}
