/* Shard merging: packages read back and fed, tile by tile, to the sink a run writes with. */
#include "tiles/merge.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tiles/sink.h"
#include "tiles/tilemath.h"

/* What every tile read goes through: the output sink and the ids seen so far. */
typedef struct {
    pm_sink *sink;
    uint64_t *ids;
    size_t nids, cap;
    size_t bytes;
} merger;

/* The format of the package at path, by its first bytes (the name may say anything). */
static pm_status sniff(const char *path, const pm_sinkformat **fmt, char **err)
{
    unsigned char h[16] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err) *err = pm_asprintf("%s: cannot open: %s", path, strerror(errno));
        return PM_EIO;
    }
    size_t got = fread(h, 1, sizeof h, f);
    fclose(f);
    *fmt = pm_sink_format_sniff(h, got);
    if (*fmt && (*fmt)->read) return PM_OK;
    if (err) *err = pm_asprintf("%s: neither an MBTiles nor a PMTiles package", path);
    return PM_EDATA;
}

static pm_status on_tile(void *ctx, int z, uint32_t x, uint32_t y, const unsigned char *data,
                         size_t len)
{
    merger *m = ctx;
    if (m->nids == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 4096;
        uint64_t *ids = realloc(m->ids, cap * sizeof *ids);
        if (!ids) return PM_ENOMEM;
        m->ids = ids;
        m->cap = cap;
    }
    m->ids[m->nids++] = pm_tile_id(z, x, y);
    m->bytes += len;
    return pm_sink_put(m->sink, z, x, y, data, len);
}

static int str_differs(const char *a, const char *b)
{
    return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

/* What differs between two packages' metadata, or NULL if they come from one run.
 * Names: NULL and "" are one (the sinks write a missing name as ""). */
static const char *meta_differs(const pm_tilemeta *a, const pm_tilemeta *b)
{
    if (strcmp(a->name ? a->name : "", b->name ? b->name : "")) return "name";
    if (str_differs(a->description, b->description)) return "description";
    if (str_differs(a->attribution, b->attribution)) return "attribution";
    if (str_differs(a->legend_json, b->legend_json)) return "legend";
    if (memcmp(a->bounds, b->bounds, sizeof a->bounds)) return "bounds";
    if (memcmp(a->center, b->center, sizeof a->center)) return "center";
    return NULL;
}

static int id_cmp(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

/* PM_EDATA if some tile came from two inputs. */
static pm_status check_disjoint(merger *m, char **err)
{
    if (m->nids) qsort(m->ids, m->nids, sizeof *m->ids, id_cmp);
    for (size_t i = 1; i < m->nids; i++) {
        if (m->ids[i] != m->ids[i - 1]) continue;
        int z = 0;
        uint32_t x = 0, y = 0;
        pm_tile_from_id(m->ids[i], &z, &x, &y);
        if (err) *err = pm_asprintf("tile %d/%u/%u is in two of the inputs: the shards of one run "
                                    "never overlap (an input given twice?)", z, x, y);
        return PM_EDATA;
    }
    return PM_OK;
}

/* Reads one input into m; the first input's metadata becomes *base, later ones
 * must match it. */
static pm_status read_one(merger *m, const char *path, pm_sinkinfo *base, int first, char **err)
{
    const pm_sinkformat *fmt = NULL;
    pm_sinkinfo info;
    memset(&info, 0, sizeof info);
    pm_status st = sniff(path, &fmt, err);
    if (!st) st = fmt->read(path, &info, on_tile, m, err);
    if (st == PM_EINTERNAL && err && !*err)
        *err = pm_asprintf("%s: a tile the output refuses", path);
    if (st) goto done;
    if (first) {
        *base = info;
        return PM_OK;
    }
    const char *what = meta_differs(&base->meta, &info.meta);
    if (what) {
        if (err) *err = pm_asprintf("%s: not a shard of the same run as the first input: its %s differs", path, what);
        st = PM_EDATA;
        goto done;
    }
    if (info.meta.minzoom < base->meta.minzoom) base->meta.minzoom = info.meta.minzoom;
    if (info.meta.maxzoom > base->meta.maxzoom) base->meta.maxzoom = info.meta.maxzoom;
done:
    pm_sink_info_fini(&info);
    return st;
}

pm_status pm_merge_packages(const char *out, const char *const *in, size_t n,
                            pm_mergestats *stats, char **err)
{
    const pm_sinkformat *fmt = pm_sink_format_by_name(out);
    if (!n || !fmt) {
        if (err) *err = pm_asprintf(!n ? "no input packages" : "%s: the output must end in .mbtiles or .pmtiles", out);
        return PM_EUSAGE;
    }
    for (size_t i = 0; i < n; i++)
        if (!strcmp(in[i], out)) {
            if (err) *err = pm_asprintf("%s: the output is also an input", out);
            return PM_EUSAGE;
        }
    merger m = {0};
    pm_sinkinfo base;
    memset(&base, 0, sizeof base);
    pm_sinkstats ss = {0};
    pm_status st = fmt->open(out, "", &m.sink, err);
    for (size_t i = 0; !st && i < n; i++) st = read_one(&m, in[i], &base, i == 0, err);
    if (!st) st = check_disjoint(&m, err);
    if (!st) st = pm_sink_finish(m.sink, &base.meta, &ss, err);
    if (!st && stats)
        *stats = (pm_mergestats){.inputs = n, .tiles = ss.tiles, .unique = ss.unique,
                                 .bytes = m.bytes, .unchanged = ss.unchanged > 0};
    pm_sink_free(m.sink);
    pm_sink_info_fini(&base);
    free(m.ids);
    return st;
}
