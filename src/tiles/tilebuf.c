/* The spooled and deduplicated tile collection of the package sinks. */
#include "tiles/tilebuf.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fileio.h"

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
    char *path;           /* the package's, for messages */
};

/* Bytes gathered before one write to the spool: tiles are kilobytes, and a write
 * each was a system call each (two packages, so two a tile). */
#define PEND_CAP ((size_t)1 << 20)

pm_status pm_tilebuf_new(const char *path, pm_tilebuf **out, char **err)
{
    *out = NULL;
    pm_status st = PM_ENOMEM;
    char *dir = pm_path_dirname(path);
    pm_tilebuf *b = calloc(1, sizeof *b);
    if (!dir || !b) goto fail;
    b->fd = -1;
    if (!(b->path = pm_strdup(path))) goto fail;
    st = pm_mkdirs(dir, err);
    if (st) goto fail;
    b->fd = pm_tmp_anonymous(dir);
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
    if (b) free(b->pend), free(b->path);
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
    free(b->path);
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
        msg = st == PM_EIO ? pm_asprintf("%s: tile %d/%u/%u: cannot spool to its temporary "
                                         "file: %s", b->path, z, x, y, strerror(errno))
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
