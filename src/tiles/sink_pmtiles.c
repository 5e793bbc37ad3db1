/* The PMTiles v3 sink: tiles deduplicated, clustered by Hilbert tile id, gzip directories. */
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

#include "core/fileio.h"
#include "tiles/package.h"
#include "tiles/tilemeta.h"

enum {
    HEADER_LEN = 127,
    ROOT_LIMIT = 16384,  /* header + root must fit the first 16 KiB clients fetch */
    FIRST_LEAF = 4096,   /* entries per leaf directory on the first try */
    COMPRESS_GZIP = 2,
    COMPRESS_NONE = 1,
    TILE_PNG = 2
};

typedef struct {
    unsigned char *p;
    size_t len, cap;
} bytes;

typedef struct {
    uint64_t id, off; /* off: in the tile data section, or the leaf section */
    uint32_t len, run; /* run 0: a leaf directory */
} entry;

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

static int32_t e7(double deg)
{
    double v = isfinite(deg) ? deg * 1e7 : 0;
    return (int32_t)lround(fmax(-2147483647.0, fmin(2147483647.0, v)));
}

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

/* Reading back. */

enum { DIR_DEPTH = 4 };                           /* root and leaves, with room to spare */
static const uint64_t INFLATE_MAX = 1ull << 30;   /* no directory or metadata is larger */

typedef struct {
    const char *path;
    int fd;
    uint64_t size;           /* of the file */
    uint64_t leaf_off, leaf_len, data_off, data_len;
    int gzip;                /* internal compression */
    pm_tile_fn fn;
    void *ctx;
    unsigned char *tile;     /* one tile's bytes */
    size_t tile_cap;
    char **err;
} reader;

static uint64_t rd64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static int32_t rd32(const unsigned char *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

static pm_status damaged(reader *r, const char *what)
{
    if (r->err && !*r->err) *r->err = pm_asprintf("%s: not a valid PMTiles v3 archive: %s", r->path, what);
    return PM_EDATA;
}

/* len bytes at off, which must lie in [sec, sec + seclen) and in the file. */
static pm_status read_at(reader *r, uint64_t sec, uint64_t seclen, uint64_t off, uint64_t len,
                         unsigned char *dst)
{
    if (off > seclen || len > seclen - off || sec > r->size || seclen > r->size - sec)
        return damaged(r, "an offset points outside its section");
    for (uint64_t done = 0; done < len;) {
        ssize_t n = pread(r->fd, dst + done, len - done, (off_t)(sec + off + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (r->err && !*r->err) *r->err = pm_asprintf("%s: cannot read: %s", r->path, n ? strerror(errno) : "file shrank");
            return PM_EIO;
        }
        done += (uint64_t)n;
    }
    return PM_OK;
}

/* A section, read and decompressed into out (new, caller frees). */
static pm_status read_section(reader *r, uint64_t sec, uint64_t len, bytes *out)
{
    if (len > INFLATE_MAX) return damaged(r, "a directory or the metadata is too large");
    unsigned char *raw = malloc(len ? len : 1);
    if (!raw) return PM_ENOMEM;
    pm_status st = read_at(r, sec, len, 0, len, raw);
    if (!st && !r->gzip) {
        out->p = raw;
        out->len = out->cap = len;
        return PM_OK;
    }
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (!st && inflateInit2(&zs, 15 + 16) != Z_OK) st = PM_ENOMEM;
    zs.next_in = raw;
    zs.avail_in = (uInt)len;
    for (int zr = Z_OK; !st && zr != Z_STREAM_END;) {
        if (out->len >= INFLATE_MAX) { st = damaged(r, "a directory inflates beyond 1 GiB"); break; }
        if (reserve(out, 65536)) { st = PM_ENOMEM; break; }
        zs.next_out = out->p + out->len;
        zs.avail_out = (uInt)(out->cap - out->len);
        zr = inflate(&zs, Z_NO_FLUSH);
        out->len = out->cap - zs.avail_out;
        if (zr != Z_OK && zr != Z_STREAM_END) st = damaged(r, "bad gzip data");
        else if (zr == Z_OK && zs.avail_in == 0 && zs.avail_out) st = damaged(r, "truncated gzip data");
    }
    inflateEnd(&zs);
    free(raw);
    return st;
}

static int get_varint(const bytes *b, size_t *pos, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64 && *pos < b->len; shift += 7) {
        unsigned char c = b->p[(*pos)++];
        *v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) return 0;
    }
    return -1;
}

/* The entries of one directory (the inverse of encode_dir), new array in *out. */
static pm_status decode_dir(reader *r, const bytes *b, entry **out, size_t *n)
{
    size_t pos = 0;
    uint64_t count, v;
    *out = NULL;
    if (get_varint(b, &pos, &count) || count > (b->len - pos) / 4) return damaged(r, "a directory's entry count");
    entry *e = calloc(count ? count : 1, sizeof *e);
    if (!e) return PM_ENOMEM;
    int bad = 0;
    for (uint64_t i = 0, id = 0; i < count && !bad; i++) {
        bad = get_varint(b, &pos, &v) || (i && v == 0) || v > UINT64_MAX - id;
        e[i].id = id += v;
    }
    for (uint64_t i = 0; i < count && !bad; i++) {
        bad = get_varint(b, &pos, &v) || v > UINT32_MAX;
        e[i].run = (uint32_t)v;
    }
    for (uint64_t i = 0; i < count && !bad; i++) {
        bad = get_varint(b, &pos, &v) || v == 0 || v > UINT32_MAX;
        e[i].len = (uint32_t)v;
    }
    for (uint64_t i = 0; i < count && !bad; i++) {
        bad = get_varint(b, &pos, &v) || (v == 0 && i == 0);
        e[i].off = v ? v - 1 : e[i - 1].off + e[i - 1].len;
    }
    if (bad) {
        free(e);
        return damaged(r, "a directory's entries");
    }
    *out = e;
    *n = (size_t)count;
    return PM_OK;
}

/* Every tile of one entry: its bytes once, given for each id of its run. */
static pm_status emit_run(reader *r, const entry *e)
{
    if (e->len > r->tile_cap) {
        free(r->tile);
        r->tile = malloc(e->len);
        r->tile_cap = r->tile ? e->len : 0;
        if (!r->tile) return PM_ENOMEM;
    }
    pm_status st = read_at(r, r->data_off, r->data_len, e->off, e->len, r->tile);
    for (uint64_t k = 0; !st && k < e->run; k++) {
        int z;
        uint32_t x, y;
        if (e->id + k < e->id || pm_tile_from_id(e->id + k, &z, &x, &y)) return damaged(r, "a tile id beyond zoom 30");
        st = r->fn(r->ctx, z, x, y, r->tile, e->len);
    }
    return st;
}

static pm_status walk_dir(reader *r, uint64_t sec, uint64_t len, int depth)
{
    if (depth > DIR_DEPTH) return damaged(r, "leaf directories nested too deep");
    bytes b = {0};
    entry *e = NULL;
    size_t n = 0;
    pm_status st = read_section(r, sec, len, &b);
    if (!st) st = decode_dir(r, &b, &e, &n);
    free(b.p);
    for (size_t i = 0; !st && i < n; i++) {
        if (e[i].run) st = emit_run(r, &e[i]);
        else if (e[i].off > r->leaf_len || e[i].len > r->leaf_len - e[i].off) st = damaged(r, "a leaf directory outside its section");
        else st = walk_dir(r, r->leaf_off + e[i].off, e[i].len, depth + 1);
    }
    free(e);
    return st;
}

/* The double nearest to what the writer had: its 7-decimal text and its e7 header
 * value agree for almost every number; where the text alone rounds the other way,
 * a neighbour of the rounding boundary that gives both is searched for. */
static double reconcile(double v, int32_t want)
{
    if (e7(v) == want) return v;
    char text[40], t2[40];
    pm_tilemeta_num(v, text);
    double up = ((double)e7(v) + want) / 2e7, down = up;
    for (int k = 0; k < 4096; k++) {
        if (e7(up) == want && !strcmp(pm_tilemeta_num(up, t2), text)) return up;
        if (e7(down) == want && !strcmp(pm_tilemeta_num(down, t2), text)) return down;
        up = nextafter(up, HUGE_VAL);
        down = nextafter(down, -HUGE_VAL);
    }
    return v;
}

static pm_status read_header(reader *r, unsigned char *h, pm_sinkinfo *info)
{
    pm_status st = read_at(r, 0, HEADER_LEN, 0, HEADER_LEN, h);
    if (st) return st;
    if (memcmp(h, "PMTiles", 7) || h[7] != 3) return damaged(r, "no PMTiles v3 header");
    if (h[97] != COMPRESS_GZIP && h[97] != COMPRESS_NONE) return damaged(r, "directories compressed other than with gzip");
    if (h[98] != COMPRESS_NONE || h[99] != TILE_PNG) return damaged(r, "tiles are not uncompressed PNG");
    r->gzip = h[97] == COMPRESS_GZIP;
    r->leaf_off = rd64(h + 40);
    r->leaf_len = rd64(h + 48);
    r->data_off = rd64(h + 56);
    r->data_len = rd64(h + 64);
    bytes meta = {0};
    st = read_section(r, rd64(h + 24), rd64(h + 32), &meta);
    if (!st) st = pm_tilemeta_parse((const char *)meta.p, meta.len, 1, r->path, info, r->err);
    free(meta.p);
    for (int i = 0; !st && i < 4; i++) info->meta.bounds[i] = reconcile(info->meta.bounds[i], rd32(h + 102 + 4 * i));
    for (int i = 0; !st && i < 2; i++) info->meta.center[i] = reconcile(info->meta.center[i], rd32(h + 119 + 4 * i));
    return st;
}

pm_status pm_sink_pmtiles_read(const char *path, pm_sinkinfo *info, pm_tile_fn fn, void *ctx,
                               char **err)
{
    memset(info, 0, sizeof *info);
    reader r = {.path = path, .fd = open(path, O_RDONLY | O_CLOEXEC), .fn = fn, .ctx = ctx, .err = err};
    struct stat sb;
    if (r.fd < 0 || fstat(r.fd, &sb) != 0) {
        if (err) *err = pm_asprintf("%s: cannot open: %s", path, strerror(errno));
        if (r.fd >= 0) close(r.fd);
        return PM_EIO;
    }
    r.size = (uint64_t)sb.st_size;
    unsigned char h[HEADER_LEN];
    pm_status st = read_header(&r, h, info);
    if (!st) st = walk_dir(&r, rd64(h + 8), rd64(h + 16), 0);
    free(r.tile);
    close(r.fd);
    return st;
}
