/* Shard merging: packages read back and fed, tile by tile, to the sink a run writes with. */
#include "tiles/merge.h"

#include <errno.h>
#include <jansson.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cancel.h"
#include "tiles/sink.h"
#include "tiles/tilemath.h"

/* What every tile read goes through: the output sink and the ids seen so far. */
typedef struct {
    pm_sink *sink;
    uint64_t *ids;
    size_t nids, cap;
    size_t bytes;
    pm_readlimits lim;
    int over;        /* the inputs together passed lim.max_tiles */
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
    if (pm_cancelled()) return PM_ECANCEL;
    if (m->nids >= m->lim.max_tiles) { m->over = 1; return PM_EDATA; }
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

/* One member of a run identity as text ("" when absent), for comparing. */
static char *member(const char *run_id, const char *key)
{
    json_t *o = run_id ? json_loads(run_id, 0, NULL) : NULL, *v = json_object_get(o, key);
    char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : pm_strdup("");
    if (s && s[0] == '"') { /* a string: without its quotes */
        memmove(s, s + 1, strlen(s));
        s[strlen(s) - 1] = '\0';
    }
    json_decref(o);
    return s;
}

/* The value of key most inputs hold (ties: the earliest), the first input holding
 * another one (*odd, or n if none) and an input holding the common one (*ref). */
static pm_status vote(const pm_sinkinfo *infos, size_t n, const char *key, char ***vals,
                      size_t *ref, size_t *odd)
{
    char **v = calloc(n, sizeof *v);
    if (!v) return PM_ENOMEM;
    *vals = v;
    for (size_t i = 0; i < n; i++)
        if (!(v[i] = member(infos[i].run_id, key))) return PM_ENOMEM;
    size_t best = 0, votes = 0;
    for (size_t i = 0; i < n; i++) {
        size_t c = 0;
        for (size_t j = 0; j < n; j++) c += !strcmp(v[i], v[j]);
        if (c > votes) best = i, votes = c;
    }
    *ref = best;
    *odd = n;
    for (size_t i = 0; i < n && *odd == n; i++)
        if (strcmp(v[i], v[best])) *odd = i;
    return PM_OK;
}

static void free_vals(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i]);
    free(v);
}

/* How the odd input's field differs from the others', in words. */
static char *describe(const char *key, const char *path, const char *mine, const char *theirs,
                      const char *ref)
{
    if (!strcmp(key, "present"))
        return pm_asprintf("%s: %s run identity and the others %s: not shards of one run "
                           "(written by a single run or an older partymap?)", path,
                           *mine ? "has a" : "has no", *mine ? "have none" : "have one");
    if (!strcmp(key, "inputs"))
        return pm_asprintf("%s: rendered from other data than %s (input hash %s, not %s: the "
                           "config, style or input files differ)", path, ref, mine, theirs);
    if (!strcmp(key, "tile_px")) return pm_asprintf("%s: %s px tiles, the others %s px", path, mine, theirs);
    if (!strcmp(key, "quantize"))
        return pm_asprintf("%s: %s tiles, the others %s", path, !strcmp(mine, "true") ? "quantised" : "exact",
                           !strcmp(theirs, "true") ? "quantised" : "exact");
    if (!strcmp(key, "map")) return pm_asprintf("%s: tiles of map %s, the others of %s", path, mine, theirs);
    return pm_asprintf("%s: %s %s, the others %s", path, key, mine, theirs);
}

/* The shards of one run carry one identity (or none at all): else PM_EDATA naming
 * the odd input and what differs, the settings before the data. */
static pm_status check_runs(const char *const *in, const pm_sinkinfo *infos, size_t n, char **err)
{
    static const char *const keys[] = { "present", "map", "year", "tile_px", "minzoom", "maxzoom",
                                        "metatile", "quantize", "inputs" };
    size_t have = 0;
    for (size_t i = 0; i < n; i++) have += infos[i].run_id != NULL;
    if (have == 0) return PM_OK; /* packages of a single run, or of an older version */
    pm_status st = PM_OK;
    for (size_t k = 0; !st && k < sizeof keys / sizeof *keys; k++) {
        char **v = NULL;
        size_t ref, odd;
        if (k == 0) { /* presence: the odd one out has, or lacks, an identity */
            int most = have * 2 >= n;
            ref = odd = n;
            for (size_t i = 0; i < n && odd == n; i++) if ((infos[i].run_id != NULL) != most) odd = i;
            if (odd < n && err) *err = describe("present", in[odd], most ? "" : "x", "", "");
            if (odd < n) st = PM_EDATA;
            continue;
        }
        st = vote(infos, n, keys[k], &v, &ref, &odd);
        if (!st && odd < n) {
            if (err) *err = describe(keys[k], in[odd], v[odd], v[ref], in[ref]);
            st = PM_EDATA;
        }
        free_vals(v, n);
    }
    return st;
}

/* Pass one: every input's format and metadata (no tile yet): the metadata must
 * agree, and the run identities too. */
static pm_status read_infos(merger *m, const char *const *in, size_t n, pm_sinkinfo *infos,
                            const pm_sinkformat **fmts, char **err)
{
    pm_status st = PM_OK;
    for (size_t i = 0; !st && i < n; i++) {
        st = sniff(in[i], &fmts[i], err);
        if (!st) st = fmts[i]->read(in[i], &m->lim, &infos[i], NULL, NULL, err);
    }
    if (!st) st = check_runs(in, infos, n, err); /* the identities say most precisely what differs */
    for (size_t i = 1; !st && i < n; i++) {
        const char *what = meta_differs(&infos[0].meta, &infos[i].meta);
        if (what) {
            if (err) *err = pm_asprintf("%s: not a shard of the same run as the first input: its %s differs", in[i], what);
            st = PM_EDATA;
        }
    }
    return st;
}

/* Pass two: the tiles of one input into m. */
static pm_status read_tiles(merger *m, const char *path, const pm_sinkformat *fmt, char **err)
{
    pm_sinkinfo info;
    pm_status st = fmt->read(path, &m->lim, &info, on_tile, m, err);
    pm_sink_info_fini(&info);
    if (m->over && err && !*err)
        *err = pm_asprintf("%s: the inputs together hold more than %" PRIu64 " tiles (merge "
                           "--max-tiles N raises the limit)", path, m->lim.max_tiles);
    if (st == PM_ECANCEL && err && !*err) *err = pm_asprintf("%s: reading stopped by a signal", path);
    if (st == PM_EINTERNAL && err && !*err)
        *err = pm_asprintf("%s: a tile the output refuses", path);
    return st;
}

pm_status pm_merge_packages(const char *out, const char *const *in, size_t n, uint64_t max_tiles,
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
    m.lim.max_tiles = max_tiles ? max_tiles : PM_READ_MAX_TILES;
    pm_sinkinfo *infos = calloc(n, sizeof *infos);
    const pm_sinkformat **fmts = calloc(n, sizeof *fmts);
    pm_sinkstats ss = {0};
    pm_status st = infos && fmts ? read_infos(&m, in, n, infos, fmts, err) : PM_ENOMEM;
    if (!st) st = fmt->open(out, "", &m.sink, err);
    for (size_t i = 0; !st && i < n; i++) st = read_tiles(&m, in[i], fmts[i], err);
    if (!st && pm_cancelled()) st = PM_ECANCEL;
    if (!st) st = check_disjoint(&m, err);
    pm_tilemeta meta = infos ? infos[0].meta : (pm_tilemeta){0};
    for (size_t i = 1; !st && i < n; i++) { /* the zoom range: all of theirs */
        if (infos[i].meta.minzoom < meta.minzoom) meta.minzoom = infos[i].meta.minzoom;
        if (infos[i].meta.maxzoom > meta.maxzoom) meta.maxzoom = infos[i].meta.maxzoom;
    }
    meta.run_id = NULL; /* the merged package is the single run's, byte for byte */
    if (!st) st = pm_sink_finish(m.sink, &meta, &ss, err);
    if (!st && stats)
        *stats = (pm_mergestats){.inputs = n, .tiles = ss.tiles, .unique = ss.unique,
                                 .bytes = m.bytes, .unchanged = ss.unchanged > 0};
    pm_sink_free(m.sink);
    for (size_t i = 0; infos && i < n; i++) pm_sink_info_fini(&infos[i]);
    free(infos);
    free(fmts);
    free(m.ids);
    return st;
}
