/* The package sink: a spool of tiles until finish, then one file written by the format and renamed into place. */
#include "tiles/package.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fileio.h"

void pm_package_zooms(const pm_tilemeta *m, const pm_tileref *refs, size_t n, int *minz,
                      int *maxz)
{
    int lo = m->minzoom, hi = m->maxzoom;
    for (size_t i = 0; i < n; i++) {
        if (refs[i].z < lo) lo = refs[i].z;
        if (refs[i].z > hi) hi = refs[i].z;
    }
    *minz = lo < 0 ? 0 : lo;
    *maxz = hi < *minz ? *minz : hi;
}

/* 1 if the files at a and b hold the same bytes and b is a regular file (a symlink
 * at b is replaced, not kept); 0 if not or either is unreadable. */
static int same_bytes(const char *a, const char *b)
{
    int fa = open(a, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int fb = open(b, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat sa, sb;
    int same = fa >= 0 && fb >= 0 && fstat(fa, &sa) == 0 && fstat(fb, &sb) == 0 &&
               S_ISREG(sb.st_mode) && sa.st_size == sb.st_size;
    enum { CHUNK = 65536 };
    unsigned char *ba = same ? malloc(2 * CHUNK) : NULL;
    if (!ba) same = 0;
    for (off_t off = 0; same && off < sa.st_size;) {
        unsigned char *bb = ba + CHUNK;
        ssize_t na = pread(fa, ba, CHUNK, off), nb = pread(fb, bb, CHUNK, off);
        if (na <= 0 || na != nb || memcmp(ba, bb, (size_t)na) != 0) same = 0;
        else off += na;
    }
    free(ba);
    if (fa >= 0) close(fa);
    if (fb >= 0) close(fb);
    return same;
}

typedef struct {
    pm_sink base;
    char *path;
    pm_tilebuf *buf;
    const pm_package_format *fmt;
    atomic_int prepared;
    pm_tmpfile tmp;   /* the package written by prepare, renamed by commit */
    int pending;      /* tmp holds a package to commit (not when the old one is kept) */
} package_sink;

static pm_status pkg_put(pm_sink *sink, int z, uint32_t x, uint32_t y, const unsigned char *png,
                         size_t len)
{
    package_sink *s = (package_sink *)sink;
    if (atomic_load(&s->prepared)) return PM_EINTERNAL;
    return pm_tilebuf_put(s->buf, z, x, y, png, len);
}

/* Writes the package to a synced temporary; an identical old file is kept untouched
 * (nothing to commit then). */
static pm_status write_temporary(package_sink *s, const pm_tilemeta *m, const pm_tileref *refs,
                                 size_t n, pm_sinkstats *stats, char **err)
{
    pm_status st = pm_tmpfile_begin(&s->tmp, s->path, err);
    if (st) return st;
    st = s->fmt->write(s->buf, s->path, s->tmp.tmp, m, refs, n, err);
    int kept = !st && same_bytes(s->tmp.tmp, s->path);
    if (!st && !kept) st = pm_tmpfile_sync(&s->tmp, err);
    if (st || kept) pm_tmpfile_abort(&s->tmp);
    s->pending = !st && !kept;
    if (!st && stats)
        *stats = (pm_sinkstats){.written = kept ? 0 : n, .unchanged = kept ? n : 0,
                                .tiles = n, .unique = pm_tilebuf_nblobs(s->buf)};
    return st;
}

static pm_status pkg_prepare(pm_sink *sink, const pm_tilemeta *meta, pm_sinkstats *stats,
                             char **err)
{
    package_sink *s = (package_sink *)sink;
    if (atomic_exchange(&s->prepared, 1)) return PM_EINTERNAL;
    if (!meta) {
        if (err) *err = pm_asprintf("%s: no package metadata", s->path);
        return PM_EINTERNAL;
    }
    pm_status st = pm_tilebuf_error(s->buf, err);
    const pm_tileref *refs = NULL;
    size_t n = 0;
    if (!st) st = pm_tilebuf_sort(s->buf, s->fmt->key, &refs, &n, err);
    if (st) return st;
    if (n == 0 && s->fmt->empty_error) {
        if (err) *err = pm_asprintf("%s: %s", s->path, s->fmt->empty_error);
        return PM_EDATA;
    }
    return write_temporary(s, meta, refs, n, stats, err);
}

static pm_status pkg_commit(pm_sink *sink, char **err)
{
    package_sink *s = (package_sink *)sink;
    if (!atomic_load(&s->prepared)) return PM_EINTERNAL;
    if (!s->pending) return PM_OK;
    s->pending = 0;
    return pm_tmpfile_commit(&s->tmp, err);
}

static pm_status pkg_error(pm_sink *sink, char **err)
{
    return pm_tilebuf_error(((package_sink *)sink)->buf, err);
}

static void pkg_free(pm_sink *sink)
{
    package_sink *s = (package_sink *)sink;
    if (!s) return;
    if (s->pending) pm_tmpfile_abort(&s->tmp);
    pm_tilebuf_free(s->buf);
    free(s->path);
    free(s);
}

static const pm_sink_ops package_ops = {
    .put = pkg_put, .prepare = pkg_prepare, .commit = pkg_commit, .error = pkg_error,
    .free = pkg_free,
};

pm_status pm_sink_package_new(const char *path, const pm_package_format *fmt, pm_sink **out,
                              char **err)
{
    *out = NULL;
    package_sink *s = calloc(1, sizeof *s);
    if (!s) return PM_ENOMEM;
    s->base.ops = &package_ops;
    s->fmt = fmt;
    s->tmp.dirfd = -1;
    s->path = pm_strdup(path);
    pm_status st = s->path ? pm_tilebuf_new(path, &s->buf, err) : PM_ENOMEM;
    if (st) {
        pkg_free(&s->base);
        return st;
    }
    *out = &s->base;
    return PM_OK;
}
