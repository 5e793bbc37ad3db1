/* The PMTiles v3 sink: tiles deduplicated, clustered by Hilbert tile id, gzip directories
 * (the reader is pmtiles_read.c). */
#include "tiles/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/cancel.h"
#include "core/fileio.h"
#include "tiles/package.h"
#include "tiles/pmtiles.h"
#include "tiles/tilemeta.h"

enum {
    HEADER_LEN = PM_PMT_HEADER,
    ROOT_LIMIT = 16384,  /* header + root must fit the first 16 KiB clients fetch */
    FIRST_LEAF = 4096,   /* entries per leaf directory on the first try */
    COMPRESS_GZIP = PM_PMT_GZIP,
    COMPRESS_NONE = PM_PMT_NONE,
    TILE_PNG = PM_PMT_PNG
};

typedef struct {
    unsigned char *p;
    size_t len, cap;
} bytes;

typedef pm_pmt_entry entry;

/* The archive before it is written: entries, directories, metadata, data order. */
typedef struct {
    entry *entries;
    size_t nentries;
    uint32_t *order;   /* blobs in data-section order */
    size_t norder;
    uint64_t data_len;
    bytes root, leaves, meta;
} archive;

static int reserve(bytes *b, size_t extra)
{
    if (b->len + extra <= b->cap) return 0;
    size_t n = b->cap ? b->cap : 256;
    while (n < b->len + extra) n *= 2;
    unsigned char *p = realloc(b->p, n);
    if (!p) return -1;
    b->p = p;
    b->cap = n;
    return 0;
}

static int put_varint(bytes *b, uint64_t v)
{
    if (reserve(b, 10)) return -1;
    do {
        unsigned char c = v & 0x7f;
        v >>= 7;
        b->p[b->len++] = c | (v ? 0x80 : 0);
    } while (v);
    return 0;
}

/* Appends in, gzip-compressed (fixed level; zlib's header has no time), to out. */
static pm_status gzip_append(const unsigned char *in, size_t len, bytes *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (len > UINT32_MAX || deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                                         Z_DEFAULT_STRATEGY) != Z_OK)
        return PM_ENOMEM;
    size_t bound = deflateBound(&zs, (uLong)len);
    pm_status st = reserve(out, bound) ? PM_ENOMEM : PM_OK;
    if (!st) {
        zs.next_in = (unsigned char *)in;
        zs.avail_in = (uInt)len;
        zs.next_out = out->p + out->len;
        zs.avail_out = (uInt)bound;
        if (deflate(&zs, Z_FINISH) != Z_STREAM_END) st = PM_EINTERNAL;
        else out->len += zs.total_out;
    }
    deflateEnd(&zs);
    return st;
}

/* One directory as the spec lays it out: count, then columns of delta ids, run
 * lengths, lengths and offsets (0 = right after the previous entry), compressed. */
static pm_status encode_dir(const entry *e, size_t n, bytes *out)
{
    bytes raw = {0};
    int bad = put_varint(&raw, n);
    for (size_t i = 0; i < n; i++) bad |= put_varint(&raw, e[i].id - (i ? e[i - 1].id : 0));
    for (size_t i = 0; i < n; i++) bad |= put_varint(&raw, e[i].run);
    for (size_t i = 0; i < n; i++) bad |= put_varint(&raw, e[i].len);
    for (size_t i = 0; i < n; i++) {
        int next = i > 0 && e[i].off == e[i - 1].off + e[i - 1].len;
        bad |= put_varint(&raw, next ? 0 : e[i].off + 1);
    }
    pm_status st = bad ? PM_ENOMEM : gzip_append(raw.p, raw.len, out);
    free(raw.p);
    return st;
}

/* Root directory alone if it fits the first 16 KiB, else leaves of `leaf` entries
 * each, growing until the root of leaf pointers fits. */
static pm_status build_dirs(archive *a)
{
    pm_status st = encode_dir(a->entries, a->nentries, &a->root);
    for (size_t leaf = FIRST_LEAF; !st && HEADER_LEN + a->root.len > ROOT_LIMIT;
         leaf += leaf / 5) {
        size_t nleaves = (a->nentries + leaf - 1) / leaf;
        entry *ptr = malloc(nleaves * sizeof *ptr);
        if (!ptr) return PM_ENOMEM;
        a->root.len = a->leaves.len = 0;
        for (size_t k = 0; !st && k < nleaves; k++) {
            size_t first = k * leaf, cnt = a->nentries - first < leaf ? a->nentries - first : leaf;
            size_t off = a->leaves.len;
            st = encode_dir(a->entries + first, cnt, &a->leaves);
            ptr[k] = (entry){a->entries[first].id, off, (uint32_t)(a->leaves.len - off), 0};
        }
        if (!st) st = encode_dir(ptr, nleaves, &a->root);
        free(ptr);
    }
    return st;
}

/* Entries in tile-id order: each content placed in the data section where it first
 * occurs, later tiles with equal bytes point back to it, runs of consecutive ids
 * with one content become one entry. */
static pm_status build_entries(archive *a, pm_tilebuf *b, const pm_tileref *refs, size_t n)
{
    size_t nblobs = pm_tilebuf_nblobs(b);
    uint64_t *where = malloc((nblobs ? nblobs : 1) * sizeof *where);
    a->entries = malloc(n * sizeof *a->entries);
    a->order = malloc((nblobs ? nblobs : 1) * sizeof *a->order);
    if (!where || !a->entries || !a->order) {
        free(where);
        return PM_ENOMEM;
    }
    for (size_t i = 0; i < nblobs; i++) where[i] = UINT64_MAX;
    for (size_t i = 0; i < n; i++) {
        uint32_t blob = refs[i].blob, len = (uint32_t)pm_tilebuf_blob_len(b, blob);
        if (where[blob] == UINT64_MAX) {
            where[blob] = a->data_len;
            a->order[a->norder++] = blob;
            a->data_len += len;
        }
        entry *last = a->nentries ? &a->entries[a->nentries - 1] : NULL;
        if (last && last->id + last->run == refs[i].key && last->off == where[blob] &&
            last->run < UINT32_MAX)
            last->run++;
        else
            a->entries[a->nentries++] = (entry){refs[i].key, where[blob], len, 1};
    }
    free(where);
    return PM_OK;
}

static void le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void le32(unsigned char *p, int32_t v)
{
    uint32_t u = (uint32_t)v;
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(u >> (8 * i));
}

#define e7 pm_pmt_e7

static void fill_header(unsigned char h[HEADER_LEN], const archive *a, const pm_tilemeta *m,
                        size_t ntiles, int minz, int maxz)
{
    uint64_t root = HEADER_LEN, meta = root + a->root.len, leaves = meta + a->meta.len;
    uint64_t data = leaves + a->leaves.len;
    memset(h, 0, HEADER_LEN);
    memcpy(h, "PMTiles", 7);
    h[7] = 3;
    uint64_t fields[] = {root, a->root.len, meta, a->meta.len, leaves, a->leaves.len,
                         data, a->data_len, ntiles, a->nentries, a->norder};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) le64(h + 8 + 8 * i, fields[i]);
    h[96] = 1; /* clustered */
    h[97] = COMPRESS_GZIP;
    h[98] = COMPRESS_NONE;
    h[99] = TILE_PNG;
    h[100] = (unsigned char)minz;
    h[101] = (unsigned char)maxz;
    for (int i = 0; i < 4; i++) le32(h + 102 + 4 * i, e7(m->bounds[i]));
    long cz = lround(m->center[2]);
    h[118] = (unsigned char)(cz < 0 ? 0 : cz > 255 ? 255 : cz);
    le32(h + 119, e7(m->center[0]));
    le32(h + 123, e7(m->center[1]));
}

/* Nonzero on failure; an empty (possibly unallocated) section writes nothing. */
static int put_bytes(FILE *f, const bytes *b)
{
    return b->len && fwrite(b->p, 1, b->len, f) != b->len;
}

/* Header, root, metadata, leaves, then each content once in data order.  path
 * names the package in messages. */
static pm_status write_file(const char *file, const char *path, const unsigned char *hdr,
                            const archive *a, pm_tilebuf *b, char **err)
{
    FILE *f = fopen(file, "wb");
    if (!f) {
        if (err) *err = pm_asprintf("%s: cannot create: %s", file, strerror(errno));
        return PM_EIO;
    }
    int bad = fwrite(hdr, 1, HEADER_LEN, f) != HEADER_LEN || put_bytes(f, &a->root) ||
              put_bytes(f, &a->meta) || put_bytes(f, &a->leaves);
    pm_status st = PM_OK;
    unsigned char *buf = NULL;
    size_t cap = 0;
    for (size_t i = 0; !bad && !st && i < a->norder; i++) {
        size_t len = pm_tilebuf_blob_len(b, a->order[i]);
        if (pm_cancelled()) {
            if (err) *err = pm_asprintf("%s: stopped by a signal", path);
            st = PM_ECANCEL;
            break;
        }
        if (len > cap) {
            free(buf);
            buf = malloc(cap = len);
            if (!buf) { st = PM_ENOMEM; break; }
        }
        st = pm_tilebuf_read(b, a->order[i], buf, err);
        bad = !st && fwrite(buf, 1, len, f) != len;
    }
    free(buf);
    if (fclose(f) != 0) bad = 1;
    if (!st && bad) {
        if (err) *err = pm_asprintf("%s: cannot write: %s", path, strerror(errno));
        st = PM_EIO;
    }
    return st;
}

static void archive_fini(archive *a)
{
    free(a->entries);
    free(a->order);
    free(a->root.p);
    free(a->leaves.p);
    free(a->meta.p);
}

/* Lays the archive out and writes it to file. */
static pm_status write_archive(pm_tilebuf *buf, const char *path, const char *file,
                               const pm_tilemeta *m,
                               const pm_tileref *refs, size_t n, char **err)
{
    archive a = {0};
    int minz, maxz;
    pm_package_zooms(m, refs, n, &minz, &maxz);
    char *json = NULL;
    pm_status st = pm_tilemeta_json(m, minz, maxz, 1, &json, err);
    if (!st) st = gzip_append((const unsigned char *)json, strlen(json), &a.meta);
    if (!st) st = build_entries(&a, buf, refs, n);
    if (!st) st = build_dirs(&a);
    unsigned char hdr[HEADER_LEN];
    if (!st) {
        fill_header(hdr, &a, m, n, minz, maxz);
        st = write_file(file, path, hdr, &a, buf, err);
    }
    free(json);
    archive_fini(&a);
    return st;
}

static const pm_package_format pmtiles_format = {
    write_archive, pm_tile_id, "no tiles (a PMTiles archive needs at least one)"
};

pm_status pm_sink_pmtiles_new(const char *path, pm_sink **out, char **err)
{
    return pm_sink_package_new(path, &pmtiles_format, out, err);
}
