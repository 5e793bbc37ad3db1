/* The directory sink: DIR/{z}/{x}/{y}{suffix}.png, changed tiles staged then renamed into
 * place at commit, unchanged tiles kept, stale tiles removed. */
#include "tiles/sink.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fileio.h"
#include "tiles/tilebuf.h"

typedef struct {
    uint64_t id;           /* pm_tile_id: one per z/x/y */
    uint64_t hash;         /* of the content, for the count of distinct tiles */
    unsigned char staged;  /* written to the staging folder: new or changed */
    unsigned char existed; /* the final name held something when it was put */
} put_entry;

typedef struct {
    char **v;
    size_t n, cap;
} strvec;

typedef struct {
    pm_sink base;
    char *dir, *suffix;
    pm_tmpdir stage;    /* private folder in DIR: the tiles to rename into place */
    pthread_mutex_t mu; /* guards everything below */
    put_entry *puts;
    size_t nputs, cap;
    size_t written, unchanged;
    int minz, maxz;     /* zooms put, minz > maxz while none */
    pm_status st;       /* first failure, kept */
    char *msg;
    int prepared, committed;
    int fresh;          /* DIR was empty when the sink opened: no tile to compare with */
    strvec stale;       /* tiles of an earlier run to remove at commit */
    strvec swept;       /* folders swept, to remove at commit if that empties them */
    strvec made;        /* final folders prepare created (removed again on abort) */
} dir_sink;

static int vec_push(strvec *v, char *s)
{
    if (!s || pm_grow((void **)&v->v, &v->cap, v->n + 1, sizeof *v->v)) {
        free(s);
        return -1;
    }
    v->v[v->n++] = s;
    return 0;
}

static void vec_free(strvec *v)
{
    for (size_t i = 0; i < v->n; i++) free(v->v[i]);
    free(v->v);
    memset(v, 0, sizeof *v);
}

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

/* The tile at root/z/x/y: a new path. */
static char *tile_path(const dir_sink *d, const char *root, int z, uint32_t x, uint32_t y)
{
    return pm_asprintf("%s/%d/%u/%u%s.png", root, z, x, y, d->suffix);
}

/* What the final name holds: -1 nothing, 1 exactly these bytes (a regular file, not a
 * link), 0 something else. */
static int compare_final(const char *path, const unsigned char *data, size_t len)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT || errno == ENOTDIR ? -1 : 0;
    int same = pm_fd_equals(fd, data, len);
    close(fd);
    return same;
}

/* Writes a tile into the staging folder (its folders made when missing). */
static pm_status stage_tile(dir_sink *d, int z, uint32_t x, uint32_t y, const unsigned char *png,
                            size_t len, const char *final, char **msg)
{
    char *path = tile_path(d, d->stage.dir, z, x, y);
    if (!path) return PM_ENOMEM;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno == ENOENT) {
        char *folder = pm_path_dirname(path);
        pm_status st = folder ? pm_mkdirs(folder, NULL) : PM_ENOMEM;
        free(folder);
        if (st == PM_ENOMEM) { free(path); return st; }
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    }
    free(path);
    for (size_t done = 0; fd >= 0 && done < len;) {
        ssize_t w = write(fd, png + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) break;
        done += (size_t)w;
        if (done == len) {
            int e = close(fd);
            fd = -1;
            if (e == 0) return PM_OK;
        }
    }
    int e = errno;
    if (fd >= 0) close(fd);
    *msg = pm_asprintf("%s: cannot write: %s", final, strerror(e));
    return PM_EIO;
}

static pm_status dir_put(pm_sink *s, int z, uint32_t x, uint32_t y, const unsigned char *png,
                         size_t len)
{
    dir_sink *d = (dir_sink *)s;
    pthread_mutex_lock(&d->mu);
    pm_status st = d->prepared ? PM_EINTERNAL : d->st;
    pthread_mutex_unlock(&d->mu);
    if (st) return st;
    char *msg = NULL;
    st = pm_tilebuf_check(z, x, y, len, &msg);
    if (st) return keep_failure(d, st, msg);
    char *final = tile_path(d, d->dir, z, x, y);
    if (!final) return keep_failure(d, PM_ENOMEM, NULL);
    int was = d->fresh ? -1 : compare_final(final, png, len);
    if (was != 1) st = stage_tile(d, z, x, y, png, len, final, &msg);
    free(final);
    if (st) return keep_failure(d, st, msg);
    put_entry e = {pm_tile_id(z, x, y), pm_tilebuf_hash(png, len), was != 1, was >= 0};
    pthread_mutex_lock(&d->mu);
    if (pm_grow((void **)&d->puts, &d->cap, d->nputs + 1, sizeof *d->puts)) st = PM_ENOMEM;
    if (!st) {
        d->puts[d->nputs++] = e;
        if (e.staged) d->written++;
        else d->unchanged++;
        if (z < d->minz) d->minz = z;
        if (z > d->maxz) d->maxz = z;
    }
    pthread_mutex_unlock(&d->mu);
    return st ? keep_failure(d, st, NULL) : PM_OK;
}

static pm_status dir_error(pm_sink *s, char **err)
{
    dir_sink *d = (dir_sink *)s;
    pthread_mutex_lock(&d->mu);
    pm_status st = d->st;
    if (st && err) *err = pm_strdup(d->msg);
    pthread_mutex_unlock(&d->mu);
    return st;
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

/* Lists the tiles of this suffix in DIR/z/x that the run did not put.  Sorted puts
 * (by id) answer "was it put". */
static pm_status sweep_column(dir_sink *d, const char *xdir, int z, uint32_t x, char **err)
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
        put_entry key = {pm_tile_id(z, x, y), 0, 0, 0};
        if (bsearch(&key, d->puts, d->nputs, sizeof key, cmp_id)) continue;
        if (vec_push(&d->stale, pm_asprintf("%s/%s", xdir, de->d_name))) st = PM_ENOMEM;
    }
    closedir(dh);
    if (!st && vec_push(&d->swept, pm_strdup(xdir))) st = PM_ENOMEM;
    return st;
}

static pm_status sweep_zoom(dir_sink *d, int z, char **err)
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
        st = xdir ? sweep_column(d, xdir, z, x, err) : PM_ENOMEM;
        free(xdir);
    }
    if (dh) {
        closedir(dh);
        if (!st && vec_push(&d->swept, pm_strdup(zdir))) st = PM_ENOMEM;
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

/* Creates dir unless it exists; remembers it in made (to take it back on abort). */
static pm_status make_folder(dir_sink *d, const char *dir, char **err)
{
    if (mkdir(dir, 0755) == 0) return vec_push(&d->made, pm_strdup(dir)) ? PM_ENOMEM : PM_OK;
    if (errno == EEXIST) return PM_OK;
    if (err) *err = pm_asprintf("%s: cannot create directory: %s", dir, strerror(errno));
    return PM_EIO;
}

/* The final folders of every staged tile, made now (a folder needs space; a rename
 * into it at commit does not), walking the staging tree's folders. */
static pm_status make_final_folders(dir_sink *d, char **err)
{
    pm_status st = make_folder(d, d->dir, err);
    DIR *zh = st ? NULL : opendir(d->stage.dir);
    for (struct dirent *z; !st && zh && (z = readdir(zh)) != NULL;) {
        uint32_t zz, x;
        const char *rest;
        if (!parse_index(z->d_name, PM_TILE_MAXZOOM + 1, &zz, &rest) || *rest) continue;
        char *zs = pm_asprintf("%s/%s", d->stage.dir, z->d_name), *zf = pm_asprintf("%s/%s", d->dir, z->d_name);
        st = zs && zf ? make_folder(d, zf, err) : PM_ENOMEM;
        DIR *xh = st ? NULL : opendir(zs);
        for (struct dirent *xe; !st && xh && (xe = readdir(xh)) != NULL;) {
            if (!parse_index(xe->d_name, (uint64_t)1 << zz, &x, &rest) || *rest) continue;
            char *xf = pm_asprintf("%s/%s", zf, xe->d_name);
            st = xf ? make_folder(d, xf, err) : PM_ENOMEM;
            free(xf);
        }
        if (xh) closedir(xh);
        free(zs);
        free(zf);
    }
    if (zh) closedir(zh);
    return st;
}

static pm_status dir_prepare(pm_sink *s, const pm_tilemeta *meta, pm_sinkstats *stats, char **err)
{
    dir_sink *d = (dir_sink *)s;
    pthread_mutex_lock(&d->mu);
    int again = d->prepared;
    d->prepared = 1;
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
    for (int z = lo; !st && z <= hi; z++) st = sweep_zoom(d, z, err);
    if (!st && d->written) st = make_final_folders(d, err);
    /* the staged tiles were written without fsync each: one sync of the file system,
     * before any of them becomes visible */
    if (!st && d->written) st = pm_sync_dir(d->stage.dir, err);
    r.removed = d->stale.n;
    if (!st && stats) *stats = r;
    return st;
}

/* Renames the staged tiles whose final name was free (new: 1) or taken (0) into
 * place, in id order; on failure *done counts the renamed ones. */
static pm_status rename_staged(dir_sink *d, int new_names, size_t *done, char **err)
{
    *done = 0;
    for (size_t i = 0; i < d->nputs; i++) {
        const put_entry *e = &d->puts[i];
        if (!e->staged || e->existed == new_names) continue;
        int z;
        uint32_t x, y;
        pm_tile_from_id(e->id, &z, &x, &y);
        char *from = tile_path(d, d->stage.dir, z, x, y), *to = tile_path(d, d->dir, z, x, y);
        int bad = !from || !to ? ENOMEM : rename(from, to) != 0 ? errno : 0;
        if (bad && err) *err = pm_asprintf("%s: cannot rename into place: %s", to ? to : d->dir, strerror(bad));
        free(from);
        free(to);
        if (bad) return bad == ENOMEM ? PM_ENOMEM : PM_EIO;
        (*done)++;
    }
    return PM_OK;
}

/* Takes back the first n new tiles renamed into place (a failed commit). */
static void unrename_new(dir_sink *d, size_t n)
{
    for (size_t i = 0; n && i < d->nputs; i++) {
        const put_entry *e = &d->puts[i];
        if (!e->staged || e->existed) continue;
        int z;
        uint32_t x, y;
        pm_tile_from_id(e->id, &z, &x, &y);
        char *to = tile_path(d, d->dir, z, x, y);
        if (to) unlink(to);
        free(to);
        n--;
    }
}

static pm_status dir_commit(pm_sink *s, char **err)
{
    dir_sink *d = (dir_sink *)s;
    if (!d->prepared || d->committed || d->st) return d->st ? d->st : PM_EINTERNAL;
    size_t done;
    /* new names first: they may need room in a folder; if one fails, the ones before
     * are taken back and no old tile has been replaced yet */
    pm_status st = rename_staged(d, 1, &done, err);
    if (st) {
        unrename_new(d, done);
        return st;
    }
    d->committed = 1;
    st = rename_staged(d, 0, &done, err); /* over old names: needs no room */
    for (size_t i = 0; !st && i < d->stale.n; i++) {
        if (unlink(d->stale.v[i]) != 0 && errno != ENOENT) {
            if (err) *err = pm_asprintf("%s: cannot remove a stale tile: %s", d->stale.v[i], strerror(errno));
            st = PM_EIO;
        }
    }
    for (size_t i = 0; !st && i < d->swept.n; i++) rmdir(d->swept.v[i]); /* only if emptied */
    pm_tmpdir_remove(&d->stage);
    if (!st && (d->written || d->stale.n)) st = pm_sync_dir(d->dir, err);
    return st;
}

static void dir_free(pm_sink *s)
{
    dir_sink *d = (dir_sink *)s;
    if (!d) return;
    if (!d->committed) { /* abort: the staged tiles go, and the folders made for them */
        pm_tmpdir_remove(&d->stage);
        for (size_t i = d->made.n; i-- > 0;) rmdir(d->made.v[i]);
    }
    pthread_mutex_destroy(&d->mu);
    vec_free(&d->stale);
    vec_free(&d->swept);
    vec_free(&d->made);
    free(d->puts);
    free(d->msg);
    free(d->dir);
    free(d->suffix);
    free(d);
}

static const pm_sink_ops dir_ops = {
    .put = dir_put, .prepare = dir_prepare, .commit = dir_commit, .error = dir_error,
    .free = dir_free,
};

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
    d->stage.fd = -1;
    d->dir = pm_strdup(dir);
    d->suffix = pm_strdup(suffix);
    d->minz = PM_TILE_MAXZOOM + 1;
    d->maxz = -1;
    d->committed = 1; /* nothing to abort until the staging folder exists */
    /* Into an empty folder, a put need not look for an old tile first (an open that
     * fails, a path walk a tile).  A tile some other writer adds meanwhile is only
     * replaced by the same bytes. */
    d->fresh = empty_dir(dir);
    char *stem = pm_asprintf(".tiles%s", suffix);
    int mu = pthread_mutex_init(&d->mu, NULL) == 0;
    if (!d->dir || !d->suffix || !stem || !mu) st = PM_ENOMEM;
    if (!st) st = pm_tmpdir_create(&d->stage, dir, stem, err);
    free(stem);
    if (st) {
        if (mu) pthread_mutex_destroy(&d->mu);
        free(d->dir);
        free(d->suffix);
        free(d);
        return st;
    }
    d->committed = 0;
    *out = &d->base;
    return PM_OK;
}
