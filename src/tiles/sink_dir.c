/* The directory sink: DIR/{z}/{x}/{y}{suffix}.png, unchanged tiles kept, stale tiles removed. */
#include "tiles/sink.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fileio.h"
#include "tiles/tilebuf.h"

typedef struct {
    uint64_t id;   /* pm_tile_id: one per z/x/y */
    uint64_t hash; /* of the content, for the count of distinct tiles */
} put_entry;

typedef struct {
    pm_sink base;
    char *dir, *suffix;
    pthread_mutex_t mu; /* guards everything below */
    put_entry *puts;
    size_t nputs, cap;
    size_t written, unchanged;
    int minz, maxz;     /* zooms put, minz > maxz while none */
    pm_status st;       /* first failure, kept */
    char *msg;
    int finished;
    int fresh;          /* DIR was empty when the sink opened: no tile to compare with */
} dir_sink;

/* 1 if dir holds nothing (a first run, or a fresh output folder). */
static int empty_dir(const char *dir)
{
    DIR *dh = opendir(dir);
    if (!dh) return 0;
    int empty = 1;
    for (struct dirent *de; empty && (de = readdir(dh)) != NULL;)
        empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
    closedir(dh);
    return empty;
}

static pm_status keep_failure(dir_sink *d, pm_status st, char *msg)
{
    pthread_mutex_lock(&d->mu);
    if (!d->st) {
        d->st = st;
        d->msg = msg ? msg : pm_strdup(pm_strerror(st));
        msg = NULL;
    }
    st = d->st;
    pthread_mutex_unlock(&d->mu);
    free(msg);
    return st;
}

static pm_status dir_put(pm_sink *s, int z, uint32_t x, uint32_t y, const unsigned char *png,
                         size_t len)
{
    dir_sink *d = (dir_sink *)s;
    pthread_mutex_lock(&d->mu);
    pm_status st = d->finished ? PM_EINTERNAL : d->st;
    pthread_mutex_unlock(&d->mu);
    if (st) return st;
    char *msg = NULL;
    st = pm_tilebuf_check(z, x, y, len, &msg);
    if (st) return keep_failure(d, st, msg);
    char *path = pm_asprintf("%s/%d/%u/%u%s.png", d->dir, z, x, y, d->suffix);
    if (!path) return keep_failure(d, PM_ENOMEM, NULL);
    int same = !d->fresh && pm_file_equals(path, png, len);
    if (!same) st = pm_write_replace(path, png, len, &msg); /* one sync at finish */
    free(path);
    if (st) return keep_failure(d, st, msg);
    put_entry e = {pm_tile_id(z, x, y), pm_tilebuf_hash(png, len)};
    pthread_mutex_lock(&d->mu);
    if (d->nputs == d->cap) {
        size_t n = d->cap ? d->cap * 2 : 1024;
        put_entry *p = realloc(d->puts, n * sizeof *p);
        if (!p) st = PM_ENOMEM;
        else d->puts = p, d->cap = n;
    }
    if (!st) {
        d->puts[d->nputs++] = e;
        if (same) d->unchanged++;
        else d->written++;
        if (z < d->minz) d->minz = z;
        if (z > d->maxz) d->maxz = z;
    }
    pthread_mutex_unlock(&d->mu);
    return st ? keep_failure(d, st, NULL) : PM_OK;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

static int cmp_id(const void *a, const void *b)
{
    return cmp_u64(((const put_entry *)a)->id, ((const put_entry *)b)->id);
}

static int cmp_hash(const void *a, const void *b)
{
    return cmp_u64(((const put_entry *)a)->hash, ((const put_entry *)b)->hash);
}

/* name as a decimal number below limit (no sign, no leading zeros but "0"); rest
 * points after the digits.  0 if name does not start so. */
static int parse_index(const char *name, uint64_t limit, uint32_t *out, const char **rest)
{
    const char *p = name;
    uint64_t v = 0;
    while (*p >= '0' && *p <= '9' && v < limit) v = v * 10 + (uint64_t)(*p++ - '0');
    if (p == name || v >= limit || (name[0] == '0' && p - name > 1)) return 0;
    *out = (uint32_t)v;
    *rest = p;
    return 1;
}

/* Removes the tiles of this suffix in DIR/z/x that the run did not put, then the
 * folder if that left it empty.  Sorted puts (by id) answer "was it put". */
static pm_status sweep_column(dir_sink *d, const char *xdir, int z, uint32_t x, size_t *removed,
                              char **err)
{
    DIR *dh = opendir(xdir);
    if (!dh && (errno == ENOENT || errno == ENOTDIR)) return PM_OK;
    if (!dh) {
        if (err) *err = pm_asprintf("%s: cannot list: %s", xdir, strerror(errno));
        return PM_EIO;
    }
    size_t want = strlen(d->suffix);
    pm_status st = PM_OK;
    for (struct dirent *de; !st && (de = readdir(dh)) != NULL;) {
        uint32_t y;
        const char *rest;
        if (!parse_index(de->d_name, (uint64_t)1 << z, &y, &rest)) continue;
        if (strncmp(rest, d->suffix, want) != 0 || strcmp(rest + want, ".png") != 0) continue;
        put_entry key = {pm_tile_id(z, x, y), 0};
        if (bsearch(&key, d->puts, d->nputs, sizeof key, cmp_id)) continue;
        char *f = pm_asprintf("%s/%s", xdir, de->d_name);
        if (!f) st = PM_ENOMEM;
        else if (unlink(f) != 0 && errno != ENOENT) {
            if (err) *err = pm_asprintf("%s: cannot remove a stale tile: %s", f, strerror(errno));
            st = PM_EIO;
        } else {
            (*removed)++;
        }
        free(f);
    }
    closedir(dh);
    if (!st) rmdir(xdir); /* fails harmlessly while anything else is inside */
    return st;
}

static pm_status sweep_zoom(dir_sink *d, int z, size_t *removed, char **err)
{
    char *zdir = pm_asprintf("%s/%d", d->dir, z);
    if (!zdir) return PM_ENOMEM;
    pm_status st = PM_OK;
    DIR *dh = opendir(zdir);
    if (!dh && errno != ENOENT && errno != ENOTDIR) {
        if (err) *err = pm_asprintf("%s: cannot list: %s", zdir, strerror(errno));
        st = PM_EIO;
    }
    for (struct dirent *de; !st && dh && (de = readdir(dh)) != NULL;) {
        uint32_t x;
        const char *rest;
        if (!parse_index(de->d_name, (uint64_t)1 << z, &x, &rest) || *rest) continue;
        char *xdir = pm_asprintf("%s/%s", zdir, de->d_name);
        st = xdir ? sweep_column(d, xdir, z, x, removed, err) : PM_ENOMEM;
        free(xdir);
    }
    if (dh) {
        closedir(dh);
        if (!st) rmdir(zdir);
    }
    free(zdir);
    return st;
}

/* Counts distinct contents; reorders puts by hash, so call before sorting by id. */
static size_t count_unique(dir_sink *d)
{
    qsort(d->puts, d->nputs, sizeof *d->puts, cmp_hash);
    size_t u = 0;
    for (size_t i = 0; i < d->nputs; i++) u += i == 0 || d->puts[i].hash != d->puts[i - 1].hash;
    return u;
}

static pm_status dir_finish(pm_sink *s, const pm_tilemeta *meta, pm_sinkstats *stats, char **err)
{
    dir_sink *d = (dir_sink *)s;
    pthread_mutex_lock(&d->mu);
    int again = d->finished;
    d->finished = 1;
    pthread_mutex_unlock(&d->mu);
    if (again) return PM_EINTERNAL;
    if (d->st) {
        if (err) *err = pm_strdup(d->msg);
        return d->st;
    }
    pm_sinkstats r = {.written = d->written, .unchanged = d->unchanged, .tiles = d->nputs};
    r.unique = count_unique(d);
    if (d->nputs) qsort(d->puts, d->nputs, sizeof *d->puts, cmp_id);
    for (size_t i = 1; i < d->nputs; i++) {
        if (d->puts[i].id == d->puts[i - 1].id) {
            if (err) *err = pm_asprintf("%s: a tile was put twice", d->dir);
            return PM_EINTERNAL;
        }
    }
    int lo = d->minz, hi = d->maxz;
    if (meta && meta->minzoom < lo) lo = meta->minzoom < 0 ? 0 : meta->minzoom;
    if (meta && meta->maxzoom > hi) hi = meta->maxzoom > PM_TILE_MAXZOOM ? PM_TILE_MAXZOOM
                                                                         : meta->maxzoom;
    pm_status st = PM_OK;
    for (int z = lo; !st && z <= hi; z++) st = sweep_zoom(d, z, &r.removed, err);
    /* tiles were written without fsync each: one sync of the file system instead */
    if (!st && d->written && pm_path_exists(d->dir)) st = pm_sync_dir(d->dir, err);
    if (!st && stats) *stats = r;
    return st;
}

static void dir_free(pm_sink *s)
{
    dir_sink *d = (dir_sink *)s;
    if (!d) return;
    pthread_mutex_destroy(&d->mu);
    free(d->puts);
    free(d->msg);
    free(d->dir);
    free(d->suffix);
    free(d);
}

static const pm_sink_ops dir_ops = {dir_put, dir_finish, dir_free};

pm_status pm_sink_dir_new(const char *dir, const char *suffix, pm_sink **out, char **err)
{
    *out = NULL;
    if (!suffix) suffix = "";
    if (strchr(suffix, '/') || strlen(suffix) > 16) {
        if (err) *err = pm_asprintf("tile suffix \"%s\": must be short and without '/'", suffix);
        return PM_EINTERNAL;
    }
    pm_status st = pm_mkdirs(dir, err);
    if (st) return st;
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        if (err) *err = pm_asprintf("%s: not a directory", dir);
        return PM_EIO;
    }
    dir_sink *d = calloc(1, sizeof *d);
    if (!d) return PM_ENOMEM;
    d->base.ops = &dir_ops;
    d->dir = pm_strdup(dir);
    d->suffix = pm_strdup(suffix);
    d->minz = PM_TILE_MAXZOOM + 1;
    d->maxz = -1;
    /* Into an empty folder, a put need not look for an old tile first (an open that
     * fails, a path walk a tile).  A tile some other writer adds meanwhile is only
     * replaced by the same bytes. */
    d->fresh = empty_dir(dir);
    if (!d->dir || !d->suffix || pthread_mutex_init(&d->mu, NULL) != 0) {
        free(d->dir);
        free(d->suffix);
        free(d);
        return PM_ENOMEM;
    }
    *out = &d->base;
    return PM_OK;
}
