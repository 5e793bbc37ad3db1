/* Reading PMTiles v3 archives back (for merging), every count and size bounded first. */
#include "tiles/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/cancel.h"
#include "tiles/pmtiles.h"
#include "tiles/tilemath.h"
#include "tiles/tilemeta.h"

enum { DIR_DEPTH = 4 }; /* root and leaves, with room to spare */

typedef struct {
    unsigned char *p;
    size_t len, cap;
} bytes;

typedef pm_pmt_entry entry;

typedef struct {
    const char *path;
    int fd;
    uint64_t size;              /* of the file */
    uint64_t leaf_off, leaf_len, data_off, data_len;
    int gzip;                   /* internal compression */
    uint64_t first_id, end_id;  /* the ids of the header's zoom range: [first, end) */
    uint64_t max_tiles;
    /* the walk: */
    int emit;                   /* 0: checking pass, 1: giving tiles */
    uint64_t next_id;           /* the lowest id the next tile entry may have */
    uint64_t tiles;             /* addressed so far */
    uint64_t leaf_bytes;        /* leaf directory bytes read so far */
    pm_tile_fn fn;
    void *ctx;
    unsigned char *tile;        /* one tile's bytes */
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

static pm_status cancelled(reader *r)
{
    if (r->err && !*r->err) *r->err = pm_asprintf("%s: reading stopped by a signal", r->path);
    return PM_ECANCEL;
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
            if (r->err && !*r->err)
                *r->err = pm_asprintf("%s: cannot read: %s", r->path, n ? strerror(errno) : "file shrank");
            return PM_EIO;
        }
        done += (uint64_t)n;
    }
    return PM_OK;
}

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

/* A section, read and decompressed into out (new, caller frees), at most max bytes
 * either way (gzip does not make data much larger, so a compressed section longer
 * than max plus a margin is refused unread; a "gzip bomb" stops at max). */
static pm_status read_section(reader *r, uint64_t sec, uint64_t len, size_t max, const char *what,
                              bytes *out)
{
    char msg[96];
    if (len > max + max / 64 + 1024) {
        snprintf(msg, sizeof msg, "%s is larger than %zu MiB", what, max >> 20);
        return damaged(r, msg);
    }
    unsigned char *raw = malloc(len ? len : 1);
    if (!raw) return PM_ENOMEM;
    pm_status st = read_at(r, sec, len, 0, len, raw);
    if (!st && !r->gzip) {
        out->p = raw;
        out->len = out->cap = len;
        return len > max ? damaged(r, "a section is larger than its limit") : PM_OK;
    }
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (!st && inflateInit2(&zs, 15 + 16) != Z_OK) st = PM_ENOMEM;
    zs.next_in = raw;
    zs.avail_in = (uInt)len;
    for (int zr = Z_OK; !st && zr != Z_STREAM_END;) {
        if (out->len >= max) {
            snprintf(msg, sizeof msg, "%s inflates beyond %zu MiB", what, max >> 20);
            st = damaged(r, msg);
            break;
        }
        size_t room = max - out->len < 65536 ? max - out->len : 65536;
        if (reserve(out, room)) { st = PM_ENOMEM; break; }
        zs.next_out = out->p + out->len;
        zs.avail_out = (uInt)room;
        zr = inflate(&zs, Z_NO_FLUSH);
        out->len += room - zs.avail_out;
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

/* The entries of one directory (the inverse of the writer's encode_dir), new array in
 * *out.  An entry takes at least 4 bytes, so the count is bounded by the bytes. */
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
        bad = bad || e[i].off < (v ? 0 : e[i - 1].off); /* wrapped */
    }
    if (bad) {
        free(e);
        return damaged(r, "a directory's entries");
    }
    *out = e;
    *n = (size_t)count;
    return PM_OK;
}

/* Checks a run of tiles against the grid, the order so far and the limits. */
static pm_status check_run(reader *r, const entry *e)
{
    char msg[160];
    if (e->id < r->next_id) return damaged(r, "tile ids out of order or runs overlapping");
    if (e->id < r->first_id || e->id >= r->end_id || e->run > r->end_id - e->id) {
        snprintf(msg, sizeof msg, "a run of %" PRIu32 " tiles from tile id %" PRIu64
                 " goes outside the zoom range of the header", e->run, e->id);
        return damaged(r, msg);
    }
    if (e->len > PM_READ_MAX_TILE) return damaged(r, "a tile is larger than 32 MiB");
    if (e->off > r->data_len || e->len > r->data_len - e->off) return damaged(r, "a tile outside the data section");
    r->next_id = e->id + e->run;
    r->tiles += e->run;
    if (r->tiles > r->max_tiles) {
        if (r->err && !*r->err)
            *r->err = pm_asprintf("%s: addresses more than %" PRIu64 " tiles (merge --max-tiles N "
                                  "raises the limit)", r->path, r->max_tiles);
        return PM_EDATA;
    }
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
        if (pm_cancelled()) return cancelled(r);
        if (pm_tile_from_id(e->id + k, &z, &x, &y)) return damaged(r, "a tile id beyond zoom 30");
        st = r->fn(r->ctx, z, x, y, r->tile, e->len);
    }
    return st;
}

static pm_status walk_dir(reader *r, uint64_t sec, uint64_t len, int depth)
{
    if (depth > DIR_DEPTH) return damaged(r, "leaf directories nested too deep");
    if (pm_cancelled()) return cancelled(r);
    bytes b = {0};
    entry *e = NULL;
    size_t n = 0;
    pm_status st = read_section(r, sec, len, PM_READ_MAX_DIR, "a directory", &b);
    if (!st) st = decode_dir(r, &b, &e, &n);
    free(b.p);
    for (size_t i = 0; !st && i < n; i++) {
        if (e[i].run) {
            st = r->emit ? emit_run(r, &e[i]) : check_run(r, &e[i]);
            continue;
        }
        /* each leaf directory is its own part of the leaf section, read once: a tree
         * whose leaves point at the same bytes again (1000^4 visits of 10 KB) ends here */
        if (e[i].off > r->leaf_len || e[i].len > r->leaf_len - e[i].off)
            st = damaged(r, "a leaf directory outside its section");
        else if (e[i].len > r->leaf_len - r->leaf_bytes)
            st = damaged(r, "leaf directories overlap (their bytes are read more than once)");
        else {
            r->leaf_bytes += e[i].len;
            st = walk_dir(r, r->leaf_off + e[i].off, e[i].len, depth + 1);
        }
    }
    free(e);
    return st;
}

/* The double nearest to what the writer had: its 7-decimal text and its e7 header
 * value agree for almost every number; where the text alone rounds the other way,
 * a neighbour of the rounding boundary that gives both is searched for. */
static double reconcile(double v, int32_t want)
{
    if (pm_pmt_e7(v) == want) return v;
    char text[40], t2[40];
    pm_tilemeta_num(v, text);
    double up = ((double)pm_pmt_e7(v) + want) / 2e7, down = up;
    for (int k = 0; k < 4096; k++) {
        if (pm_pmt_e7(up) == want && !strcmp(pm_tilemeta_num(up, t2), text)) return up;
        if (pm_pmt_e7(down) == want && !strcmp(pm_tilemeta_num(down, t2), text)) return down;
        up = nextafter(up, HUGE_VAL);
        down = nextafter(down, -HUGE_VAL);
    }
    return v;
}

static pm_status read_header(reader *r, unsigned char *h, pm_sinkinfo *info)
{
    pm_status st = read_at(r, 0, PM_PMT_HEADER, 0, PM_PMT_HEADER, h);
    if (st) return st;
    if (memcmp(h, "PMTiles", 7) || h[7] != 3) return damaged(r, "no PMTiles v3 header");
    if (h[97] != PM_PMT_GZIP && h[97] != PM_PMT_NONE) return damaged(r, "directories compressed other than with gzip");
    if (h[98] != PM_PMT_NONE || h[99] != PM_PMT_PNG) return damaged(r, "tiles are not uncompressed PNG");
    if (h[100] > h[101] || h[101] > PM_TILE_MAXZOOM) return damaged(r, "the header's zoom range");
    r->gzip = h[97] == PM_PMT_GZIP;
    r->leaf_off = rd64(h + 40);
    r->leaf_len = rd64(h + 48);
    r->data_off = rd64(h + 56);
    r->data_len = rd64(h + 64);
    r->first_id = pm_tile_first_id(h[100]);
    r->end_id = pm_tile_first_id(h[101] + 1);
    uint64_t stated = rd64(h + 72); /* addressed tiles; 0: not stated */
    if (stated > r->max_tiles) {
        if (r->err)
            *r->err = pm_asprintf("%s: addresses %" PRIu64 " tiles, more than %" PRIu64 " (merge "
                                  "--max-tiles N raises the limit)", r->path, stated, r->max_tiles);
        return PM_EDATA;
    }
    bytes meta = {0};
    st = read_section(r, rd64(h + 24), rd64(h + 32), PM_READ_MAX_META, "the metadata", &meta);
    if (!st) st = pm_tilemeta_parse((const char *)meta.p, meta.len, 1, r->path, info, r->err);
    free(meta.p);
    for (int i = 0; !st && i < 4; i++) info->meta.bounds[i] = reconcile(info->meta.bounds[i], rd32(h + 102 + 4 * i));
    for (int i = 0; !st && i < 2; i++) info->meta.center[i] = reconcile(info->meta.center[i], rd32(h + 119 + 4 * i));
    return st;
}

/* Both passes over the directories: first every entry is checked, then the tiles
 * are given; nothing reaches fn from an archive that fails a check. */
static pm_status walk_twice(reader *r, const unsigned char *h)
{
    uint64_t stated = rd64(h + 72);
    pm_status st = walk_dir(r, rd64(h + 8), rd64(h + 16), 0);
    if (!st && stated && stated != r->tiles) return damaged(r, "the header's tile count disagrees with the directories");
    r->emit = 1;
    r->next_id = r->tiles = r->leaf_bytes = 0;
    return st ? st : walk_dir(r, rd64(h + 8), rd64(h + 16), 0);
}

pm_status pm_sink_pmtiles_read(const char *path, const pm_readlimits *lim, pm_sinkinfo *info,
                               pm_tile_fn fn, void *ctx, char **err)
{
    memset(info, 0, sizeof *info);
    reader r = {.path = path, .fd = open(path, O_RDONLY | O_CLOEXEC), .fn = fn, .ctx = ctx, .err = err};
    r.max_tiles = lim && lim->max_tiles ? lim->max_tiles : PM_READ_MAX_TILES;
    struct stat sb;
    if (r.fd < 0 || fstat(r.fd, &sb) != 0) {
        if (err) *err = pm_asprintf("%s: cannot open: %s", path, strerror(errno));
        if (r.fd >= 0) close(r.fd);
        return PM_EIO;
    }
    r.size = (uint64_t)sb.st_size;
    unsigned char h[PM_PMT_HEADER];
    pm_status st = read_header(&r, h, info);
    if (!st && fn) st = walk_twice(&r, h);
    free(r.tile);
    close(r.fd);
    return st;
}
