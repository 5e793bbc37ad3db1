/* Tile ids, the spooled and deduplicated tile collection, and helpers the package sinks share. */
#include "tiles/tilebuf.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint64_t pm_tilebuf_tileid(int z, uint32_t x, uint32_t y)
{
    uint64_t id = (((uint64_t)1 << (2 * z)) - 1) / 3; /* tiles of zooms 0 .. z-1 */
    uint64_t tx = x, ty = y;
    for (uint64_t s = z > 0 ? (uint64_t)1 << (z - 1) : 0; s > 0; s >>= 1) {
        uint64_t rx = (tx & s) != 0, ry = (ty & s) != 0;
        id += s * s * ((3 * rx) ^ ry);
        if (!ry) { /* rotate the quadrant so the curve stays continuous */
            if (rx) {
                tx = s - 1 - (tx & (s - 1));
                ty = s - 1 - (ty & (s - 1));
            }
            uint64_t t = tx;
            tx = ty;
            ty = t;
        }
        tx &= s - 1;
        ty &= s - 1;
    }
    return id;
}

int pm_tilebuf_tilezxy(uint64_t id, int *z, uint32_t *x, uint32_t *y)
{
    uint64_t first = 0;
    for (int zz = 0; zz <= PM_TILE_MAXZOOM; zz++) {
        uint64_t count = (uint64_t)1 << (2 * zz);
        if (id - first >= count) {
            first += count;
            continue;
        }
        /* undo the curve from the smallest quadrant up, as the PMTiles spec does */
        uint64_t t = id - first, tx = 0, ty = 0;
        for (uint64_t s = 1; s < ((uint64_t)1 << zz); s <<= 1) {
            uint64_t rx = 1 & (t >> 1), ry = 1 & (t ^ rx);
            if (!ry) {
                if (rx) {
                    tx = s - 1 - tx;
                    ty = s - 1 - ty;
                }
                uint64_t tmp = tx;
                tx = ty;
                ty = tmp;
            }
            tx += s * rx;
            ty += s * ry;
            t >>= 2;
        }
        *z = zz;
        *x = (uint32_t)tx;
        *y = (uint32_t)ty;
        return 0;
    }
    return -1;
}

pm_status pm_tilebuf_check(int z, uint32_t x, uint32_t y, size_t len, char **err)
{
    if (z < 0 || z > PM_TILE_MAXZOOM) {
        if (err) *err = pm_asprintf("tile %d/%u/%u: zoom outside 0..%d", z, x, y, PM_TILE_MAXZOOM);
        return PM_EINTERNAL;
    }
    if ((uint64_t)x >> z || (uint64_t)y >> z) {
        if (err) *err = pm_asprintf("tile %d/%u/%u: x or y outside 0..%lu", z, x, y,
                                    (unsigned long)(((uint64_t)1 << z) - 1));
        return PM_EINTERNAL;
    }
    if (len == 0 || len > UINT32_MAX) {
        if (err) *err = pm_asprintf("tile %d/%u/%u: %zu bytes (must be 1 .. 4 GiB)", z, x, y, len);
        return PM_EINTERNAL;
    }
    return PM_OK;
}

uint64_t pm_tilebuf_hash(const unsigned char *p, size_t len)
{
    /* FNV-1a over 8-byte words (a tile is kilobytes: a multiply per byte was the
     * cost), then the tail bytes, then a final mix so every bit counts */
    uint64_t h = 0xcbf29ce484222325u ^ len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x100000001b3u;
    }
    for (; i < len; i++) h = (h ^ p[i]) * 0x100000001b3u;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9u;
    return h ^ (h >> 32);
}

typedef struct {
    uint64_t off, hash;
    uint32_t len;
} blob;

struct pm_tilebuf {
    pthread_mutex_t mu;
    int fd;               /* the spool: unnamed, or unlinked right after creation */
    uint64_t spool_len;   /* bytes stored, the pending ones included */
    unsigned char *pend;  /* the spool's last bytes, not yet written (PEND_CAP at most) */
    size_t npend;
    pm_tileref *refs;
    size_t nrefs, caprefs;
    blob *blobs;
    size_t nblobs, capblobs;
    uint32_t *slots;      /* open addressing by content hash: blob index + 1, 0 = empty */
    size_t nslots;
    unsigned char *scratch; /* for comparing a new tile with a stored one (under mu) */
    size_t scratch_cap;
    pm_status st;         /* first failure, kept */
    char *msg;
};

/* Bytes gathered before one write to the spool: tiles are kilobytes, and a write
 * each was a system call each (two packages, so two a tile). */
#define PEND_CAP ((size_t)1 << 20)

/* An unnamed file in dir (O_TMPFILE), or a named one unlinked at once where the
 * file system lacks O_TMPFILE: either way a crash leaves nothing behind. */
static int spool_open(const char *dir)
{
#ifdef O_TMPFILE
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
#endif
    char *name = pm_asprintf("%s/.partymap-spool-XXXXXX", dir);
    if (!name) { errno = ENOMEM; return -1; }
    int f = mkstemp(name);
    if (f >= 0) unlink(name);
    free(name);
    return f;
}

pm_status pm_tilebuf_new(const char *path, pm_tilebuf **out, char **err)
{
    *out = NULL;
    pm_status st = PM_ENOMEM;
    char *dir = pm_path_dirname(path);
    pm_tilebuf *b = calloc(1, sizeof *b);
    if (!dir || !b) goto fail;
    b->fd = -1;
    st = pm_mkdirs(dir, err);
    if (st) goto fail;
    b->fd = spool_open(dir);
    if (b->fd < 0) {
        if (err) *err = pm_asprintf("%s: cannot create a temporary file in %s: %s", path, dir,
                                    strerror(errno));
        st = PM_EIO;
        goto fail;
    }
    b->pend = malloc(PEND_CAP);
    if (!b->pend) { st = PM_ENOMEM; goto fail; }
    if (pthread_mutex_init(&b->mu, NULL) != 0) { st = PM_EINTERNAL; goto fail; }
    free(dir);
    *out = b;
    return PM_OK;
fail:
    if (b && b->fd >= 0) close(b->fd);
    if (b) free(b->pend);
    free(b);
    free(dir);
    return st;
}

void pm_tilebuf_free(pm_tilebuf *b)
{
    if (!b) return;
    pthread_mutex_destroy(&b->mu);
    close(b->fd);
    free(b->pend);
    free(b->refs);
    free(b->blobs);
    free(b->slots);
    free(b->scratch);
    free(b->msg);
    free(b);
}

/* Keeps the first failure.  Called with mu held; takes msg. */
static pm_status fail_with(pm_tilebuf *b, pm_status st, char *msg)
{
    if (!b->st) {
        b->st = st;
        b->msg = msg ? msg : pm_strdup(pm_strerror(st));
    } else {
        free(msg);
    }
    return b->st;
}

static int io_all(int fd, void *p, size_t len, uint64_t off, int writing)
{
    unsigned char *c = p;
    while (len > 0) {
        ssize_t r = writing ? pwrite(fd, c, len, (off_t)off) : pread(fd, c, len, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            if (r == 0) errno = EIO;
            return -1;
        }
        c += r;
        len -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}

/* Writes the pending bytes to the spool. */
static int flush_pending(pm_tilebuf *b)
{
    if (b->npend && io_all(b->fd, b->pend, b->npend, b->spool_len - b->npend, 1)) return -1;
    b->npend = 0;
    return 0;
}

/* Appends len bytes to the spool (pending while they fit). */
static int spool_append(pm_tilebuf *b, const unsigned char *data, size_t len)
{
    if (b->npend + len > PEND_CAP && flush_pending(b)) return -1;
    if (len > PEND_CAP) {
        if (io_all(b->fd, (void *)data, len, b->spool_len, 1)) return -1;
    } else {
        memcpy(b->pend + b->npend, data, len);
        b->npend += len;
    }
    b->spool_len += len;
    return 0;
}

/* Copies len spooled bytes from off: from the pending ones or the file. */
static int spool_get(pm_tilebuf *b, unsigned char *dst, size_t len, uint64_t off)
{
    uint64_t pend_off = b->spool_len - b->npend;
    if (off >= pend_off) memcpy(dst, b->pend + (off - pend_off), len);
    else return io_all(b->fd, dst, len, off, 0);
    return 0;
}

static void slot_insert(uint32_t *slots, size_t nslots, uint64_t hash, uint32_t value)
{
    size_t i = (size_t)hash & (nslots - 1);
    while (slots[i]) i = (i + 1) & (nslots - 1);
    slots[i] = value;
}

/* Keeps the slot table at most half full. */
static int slots_reserve(pm_tilebuf *b)
{
    if ((b->nblobs + 1) * 2 <= b->nslots) return 0;
    size_t n = b->nslots ? b->nslots * 2 : 1024;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s) return -1;
    for (size_t i = 0; i < b->nblobs; i++) slot_insert(s, n, b->blobs[i].hash, (uint32_t)(i + 1));
    free(b->slots);
    b->slots = s;
    b->nslots = n;
    return 0;
}

/* The blob holding exactly these bytes, stored now if new.  Called with mu held. */
static pm_status find_or_store(pm_tilebuf *b, const unsigned char *data, size_t len,
                               uint64_t h, uint32_t *out)
{
    for (size_t i = b->nslots ? (size_t)h & (b->nslots - 1) : 0; b->nslots && b->slots[i];
         i = (i + 1) & (b->nslots - 1)) {
        const blob *c = &b->blobs[b->slots[i] - 1];
        if (c->hash != h || c->len != len) continue;
        if (pm_grow((void **)&b->scratch, &b->scratch_cap, len, 1)) return PM_ENOMEM;
        if (spool_get(b, b->scratch, len, c->off)) return PM_EIO;
        if (memcmp(b->scratch, data, len) == 0) {
            *out = b->slots[i] - 1;
            return PM_OK;
        }
    }
    if (b->nblobs >= UINT32_MAX - 1 || slots_reserve(b) ||
        pm_grow((void **)&b->blobs, &b->capblobs, b->nblobs + 1, sizeof *b->blobs))
        return PM_ENOMEM;
    b->blobs[b->nblobs] = (blob){b->spool_len, h, (uint32_t)len};
    if (spool_append(b, data, len)) return PM_EIO;
    slot_insert(b->slots, b->nslots, h, (uint32_t)(b->nblobs + 1));
    *out = (uint32_t)b->nblobs++;
    return PM_OK;
}

pm_status pm_tilebuf_put(pm_tilebuf *b, int z, uint32_t x, uint32_t y,
                         const unsigned char *data, size_t len)
{
    char *msg = NULL;
    pm_status st = pm_tilebuf_check(z, x, y, len, &msg);
    uint64_t h = st ? 0 : pm_tilebuf_hash(data, len); /* outside the lock */
    pthread_mutex_lock(&b->mu);
    if (b->st) {
        free(msg);
        st = b->st;
        goto done;
    }
    if (st) { st = fail_with(b, st, msg); goto done; }
    uint32_t id;
    st = find_or_store(b, data, len, h, &id);
    if (!st && pm_grow((void **)&b->refs, &b->caprefs, b->nrefs + 1, sizeof *b->refs))
        st = PM_ENOMEM;
    if (st) {
        msg = st == PM_EIO ? pm_asprintf("tile %d/%u/%u: cannot spool to a temporary file: %s",
                                         z, x, y, strerror(errno))
                           : NULL;
        st = fail_with(b, st, msg);
        goto done;
    }
    b->refs[b->nrefs++] = (pm_tileref){0, x, y, z, id};
done:
    pthread_mutex_unlock(&b->mu);
    return st;
}

pm_status pm_tilebuf_error(pm_tilebuf *b, char **err)
{
    pthread_mutex_lock(&b->mu);
    pm_status st = b->st;
    if (st && err) *err = pm_strdup(b->msg);
    pthread_mutex_unlock(&b->mu);
    return st;
}

static int ref_cmp(const void *pa, const void *pb)
{
    const pm_tileref *a = pa, *b = pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->z != b->z) return a->z < b->z ? -1 : 1;
    if (a->x != b->x) return a->x < b->x ? -1 : 1;
    if (a->y != b->y) return a->y < b->y ? -1 : 1;
    return 0;
}

pm_status pm_tilebuf_sort(pm_tilebuf *b, uint64_t (*keyfn)(int z, uint32_t x, uint32_t y),
                          const pm_tileref **refs, size_t *n, char **err)
{
    for (size_t i = 0; i < b->nrefs; i++) {
        pm_tileref *r = &b->refs[i];
        r->key = keyfn ? keyfn(r->z, r->x, r->y) : 0;
    }
    if (b->nrefs) qsort(b->refs, b->nrefs, sizeof *b->refs, ref_cmp);
    for (size_t i = 1; i < b->nrefs; i++) {
        const pm_tileref *r = &b->refs[i];
        if (ref_cmp(r - 1, r) == 0) {
            if (err) *err = pm_asprintf("tile %d/%u/%u was put twice", r->z, r->x, r->y);
            return PM_EINTERNAL;
        }
    }
    *refs = b->refs;
    *n = b->nrefs;
    return PM_OK;
}

size_t pm_tilebuf_nblobs(const pm_tilebuf *b)
{
    return b->nblobs;
}

size_t pm_tilebuf_blob_len(const pm_tilebuf *b, uint32_t i)
{
    return b->blobs[i].len;
}

pm_status pm_tilebuf_read(pm_tilebuf *b, uint32_t i, unsigned char *dst, char **err)
{
    if (spool_get(b, dst, b->blobs[i].len, b->blobs[i].off)) {
        if (err) *err = pm_asprintf("cannot read back a spooled tile: %s", strerror(errno));
        return PM_EIO;
    }
    return PM_OK;
}

void pm_tilebuf_zooms(const pm_tilemeta *m, const pm_tileref *refs, size_t n, int *minz,
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

const char *pm_tilebuf_num(double v, char buf[40])
{
    if (!isfinite(v)) v = 0;
    snprintf(buf, 40, "%.7f", v);
    char *e = buf + strlen(buf) - 1;
    while (*e == '0') *e-- = '\0';
    if (*e == '.') *e = '\0';
    if (strcmp(buf, "-0") == 0) strcpy(buf, "0");
    return buf;
}

static int set_str(json_t *o, const char *key, const char *v)
{
    return v ? json_object_set_new(o, key, json_string(v)) : 0;
}

/* The PMTiles fields other than the legend, in a fixed order. */
static int fill_full(json_t *o, const pm_tilemeta *m, int minz, int maxz)
{
    char a[40], b[40], c[40], d[40];
    char *bounds = pm_asprintf("%s,%s,%s,%s", pm_tilebuf_num(m->bounds[0], a),
                               pm_tilebuf_num(m->bounds[1], b), pm_tilebuf_num(m->bounds[2], c),
                               pm_tilebuf_num(m->bounds[3], d));
    char *center = pm_asprintf("%s,%s,%d", pm_tilebuf_num(m->center[0], a),
                               pm_tilebuf_num(m->center[1], b), (int)lround(m->center[2]));
    char *zmin = pm_asprintf("%d", minz), *zmax = pm_asprintf("%d", maxz);
    int r = !bounds || !center || !zmin || !zmax;
    r = r || set_str(o, "name", m->name ? m->name : "") ||
        set_str(o, "description", m->description) ||
        set_str(o, "attribution", m->attribution) || set_str(o, "format", "png") ||
        set_str(o, "type", "overlay") || set_str(o, "bounds", bounds) ||
        set_str(o, "center", center) || set_str(o, "minzoom", zmin) || set_str(o, "maxzoom", zmax);
    free(bounds);
    free(center);
    free(zmin);
    free(zmax);
    return r;
}

pm_status pm_tilebuf_meta_json(const pm_tilemeta *m, int minz, int maxz, int full,
                               char **out, char **err)
{
    *out = NULL;
    if (!full && !m->legend_json) return PM_OK;
    pm_status st = PM_ENOMEM;
    json_t *o = json_object(), *legend = NULL;
    if (!o) return PM_ENOMEM;
    if (full && fill_full(o, m, minz, maxz)) goto done;
    if (m->legend_json) {
        json_error_t je;
        legend = json_loads(m->legend_json, JSON_DECODE_ANY, &je);
        if (!legend) {
            if (err) *err = pm_asprintf("legend JSON: line %d: %s", je.line, je.text);
            st = PM_EINTERNAL;
            goto done;
        }
        if (json_object_set_new(o, "legend", legend)) goto done;
    }
    *out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    st = *out ? PM_OK : PM_ENOMEM;
done:
    json_decref(o);
    return st;
}

/* 1 if the files at a and b hold the same bytes; 0 if not or either is unreadable. */
static int same_bytes(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    static const size_t chunk = 65536;
    unsigned char *ba = malloc(chunk), *bb = malloc(chunk);
    if (!ba || !bb) same = 0;
    while (same) {
        size_t na = fread(ba, 1, chunk, fa), nb = fread(bb, 1, chunk, fb);
        if (na != nb || memcmp(ba, bb, na) != 0 || ferror(fa) || ferror(fb)) same = 0;
        if (na < chunk) break;
    }
    free(ba);
    free(bb);
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return same;
}

typedef struct {
    pm_sink base;
    char *path;
    pm_tilebuf *buf;
    const pm_package_format *fmt;
    atomic_int finished;
} package_sink;

static pm_status pkg_put(pm_sink *sink, int z, uint32_t x, uint32_t y, const unsigned char *png,
                         size_t len)
{
    package_sink *s = (package_sink *)sink;
    if (atomic_load(&s->finished)) return PM_EINTERNAL;
    return pm_tilebuf_put(s->buf, z, x, y, png, len);
}

/* Writes the package to a temporary; keeps an identical old file untouched. */
static pm_status publish(package_sink *s, const pm_tilemeta *m, const pm_tileref *refs,
                         size_t n, pm_sinkstats *stats, char **err)
{
    pm_tmpfile t = {0};
    pm_status st = pm_tmpfile_begin(&t, s->path, err);
    if (st) return st;
    st = s->fmt->write(s->buf, s->path, t.tmp, m, refs, n, err);
    if (st) {
        pm_tmpfile_abort(&t);
        return st;
    }
    int kept = same_bytes(t.tmp, t.path);
    if (kept) pm_tmpfile_abort(&t);
    else st = pm_tmpfile_commit(&t, err);
    if (!st && stats)
        *stats = (pm_sinkstats){.written = kept ? 0 : n, .unchanged = kept ? n : 0,
                                .tiles = n, .unique = pm_tilebuf_nblobs(s->buf)};
    return st;
}

static pm_status pkg_finish(pm_sink *sink, const pm_tilemeta *meta, pm_sinkstats *stats,
                            char **err)
{
    package_sink *s = (package_sink *)sink;
    if (atomic_exchange(&s->finished, 1)) return PM_EINTERNAL;
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
    return publish(s, meta, refs, n, stats, err);
}

static void pkg_free(pm_sink *sink)
{
    package_sink *s = (package_sink *)sink;
    if (!s) return;
    pm_tilebuf_free(s->buf);
    free(s->path);
    free(s);
}

static const pm_sink_ops package_ops = {pkg_put, pkg_finish, pkg_free};

pm_status pm_sink_package_new(const char *path, const pm_package_format *fmt, pm_sink **out,
                              char **err)
{
    *out = NULL;
    package_sink *s = calloc(1, sizeof *s);
    if (!s) return PM_ENOMEM;
    s->base.ops = &package_ops;
    s->fmt = fmt;
    s->path = pm_strdup(path);
    pm_status st = s->path ? pm_tilebuf_new(path, &s->buf, err) : PM_ENOMEM;
    if (st) {
        pkg_free(&s->base);
        return st;
    }
    *out = &s->base;
    return PM_OK;
}

int pm_tilebuf_parse_nums(const char *text, double *v, int n)
{
    const char *p = text;
    for (int i = 0; i < n; i++) {
        char *end;
        if (!p || *p == '\0' || *p == ' ') return -1;
        v[i] = strtod(p, &end);
        if (end == p || !isfinite(v[i])) return -1;
        if (i < n - 1 && *end != ',') return -1;
        p = end + (i < n - 1);
        if (i == n - 1 && *end) return -1;
    }
    return 0;
}

void pm_sink_info_fini(pm_sinkinfo *info)
{
    if (!info) return;
    free(info->name);
    free(info->description);
    free(info->attribution);
    free(info->legend_json);
    memset(info, 0, sizeof *info);
}

/* A copy of o[key] if it is a string; NULL if absent; -1 in *bad if not a string. */
static char *get_str(json_t *o, const char *key, int *bad)
{
    json_t *v = json_object_get(o, key);
    if (!v) return NULL;
    if (!json_is_string(v)) { *bad = 1; return NULL; }
    char *s = pm_strdup(json_string_value(v));
    if (!s) *bad = 1;
    return s;
}

/* The PMTiles fields other than the legend: strings as written by fill_full. */
static int parse_full(json_t *o, pm_sinkinfo *info)
{
    int bad = 0;
    info->name = get_str(o, "name", &bad);
    info->description = get_str(o, "description", &bad);
    info->attribution = get_str(o, "attribution", &bad);
    char *bounds = get_str(o, "bounds", &bad), *center = get_str(o, "center", &bad);
    char *zmin = get_str(o, "minzoom", &bad), *zmax = get_str(o, "maxzoom", &bad);
    pm_tilemeta *m = &info->meta;
    double z[2];
    bad = bad || !bounds || !center || !zmin || !zmax ||
          pm_tilebuf_parse_nums(bounds, m->bounds, 4) || pm_tilebuf_parse_nums(center, m->center, 3) ||
          pm_tilebuf_parse_nums(zmin, &z[0], 1) || pm_tilebuf_parse_nums(zmax, &z[1], 1) ||
          z[0] < 0 || z[1] > PM_TILE_MAXZOOM || z[0] > z[1];
    if (!bad) {
        m->minzoom = (int)z[0];
        m->maxzoom = (int)z[1];
    }
    free(bounds);
    free(center);
    free(zmin);
    free(zmax);
    return bad;
}

pm_status pm_tilebuf_meta_parse(const char *json, size_t len, int full, const char *what,
                                pm_sinkinfo *info, char **err)
{
    json_error_t je;
    json_t *o = json_loadb(json, len, 0, &je), *legend = NULL;
    const char *problem = NULL;
    if (!o) problem = je.text;
    else if (!json_is_object(o)) problem = "not a JSON object";
    else if (full && parse_full(o, info)) problem = "bounds, center, minzoom or maxzoom missing or not numbers";
    else if ((legend = json_object_get(o, "legend")) != NULL) {
        info->legend_json = json_dumps(legend, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
        if (!info->legend_json) problem = "cannot serialise the legend";
    }
    if (!problem) {
        info->meta.name = info->name;
        info->meta.description = info->description;
        info->meta.attribution = info->attribution;
        info->meta.legend_json = info->legend_json;
    } else if (err) {
        *err = pm_asprintf("%s: metadata JSON: %s", what, problem);
    }
    json_decref(o);
    return problem ? PM_EDATA : PM_OK;
}
