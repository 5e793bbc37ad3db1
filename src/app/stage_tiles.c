/* Tiles stage: each selected map's pyramids into a directory tree and packages, with progress. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/thematic.h"
#include "app/layout.h"
#include "app/stage.h"
#include "core/clock.h"
#include "core/pool.h"
#include "render/mapsym.h"
#include "tiles/pyramid.h"
#include "tiles/tilemath.h"

/* A legend of th as JSON text (caller frees): classes with label, colour, count. */
static char *legend_json(const pm_thematic *th)
{
    json_t *cls = json_array();
    for (size_t k = 0; k < th->classes.n; k++) {
        char hex[8];
        pm_rgba c = th->colors[k];
        snprintf(hex, sizeof hex, "#%02x%02x%02x", (int)lround(c.r * 255), (int)lround(c.g * 255), (int)lround(c.b * 255));
        json_array_append_new(cls, json_pack("{s:s, s:s, s:I}", "label", th->labels[k], "color", hex,
                                             "count", (json_int_t)th->classes.counts[k]));
    }
    json_t *root = json_pack("{s:s, s:s, s:i, s:o, s:I}", "map", th->style->id, "title", th->style->title,
                             "year", th->year, "classes", cls, "nodata", (json_int_t)th->classes.nodata);
    char *s = root ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    return s;
}

typedef struct {
    FILE *err;
    const char *what;
    double t0, last;
    int tty;
} progress;

static void on_progress(void *ctx, size_t done, size_t total)
{
    progress *p = ctx;
    double now = pm_clock_now();
    if (now - p->last < (p->tty ? 0.2 : 5.0) && done < total) return;
    p->last = now;
    double rate = done / fmax(now - p->t0, 1e-6);
    double left = done < total ? (total - done) / fmax(rate, 1e-6) : 0;
    fprintf(p->err, "%s  %s: %zu/%zu tiles  %.0f tiles/s  %.0f s left%s", p->tty ? "\r" : "",
            p->what, done, total, rate, left, p->tty ? "\033[K" : "\n");
    fflush(p->err);
}

/* The sinks' finishing work at once: the tree's sync waits on the disk while the
 * packages are assembled, which is mostly CPU. */
typedef struct {
    pm_sink *const *sinks;
    const pm_tilemeta *meta;
    pm_sinkstats *stats;
    pm_status st[3];
    char *msg[3];
} finishing;

static pm_status finish_one(void *ctx, size_t worker, size_t k)
{
    (void)worker;
    finishing *f = ctx;
    f->st[k] = pm_sink_finish(f->sinks[k], f->meta, &f->stats[k], &f->msg[k]);
    return f->st[k];
}

/* Finishes n (at most 3) sinks on n threads; the first failure in sink order gives
 * the status and *msg. */
static pm_status finish_sinks(pm_sink *const *sinks, size_t n, const pm_tilemeta *meta,
                              pm_sinkstats *stats, char **msg)
{
    finishing f = { .sinks = sinks, .meta = meta, .stats = stats };
    pm_status st = pm_pool_run(n, n, finish_one, &f);
    for (size_t k = 0; k < n; k++) {
        if (f.st[k] && !*msg) { *msg = f.msg[k]; f.msg[k] = NULL; }
        free(f.msg[k]);
    }
    return st;
}

/* Sinks for one map and tile size: directory tree, MBTiles, PMTiles. */
static pm_status open_sinks(const pm_runctx *rc, int year, const char *id, const char *suffix,
                            pm_sink **s, char **msg)
{
    const pm_runopts *o = &rc->o;
    char *dir = pm_layout_tile_dir(o->out, year, id);
    char *mb = pm_layout_package(o->out, year, id, suffix, o->shard_k, o->shard_n, "mbtiles");
    char *pmt = pm_layout_package(o->out, year, id, suffix, o->shard_k, o->shard_n, "pmtiles");
    pm_status st = dir && mb && pmt ? PM_OK : PM_ENOMEM;
    if (!st && o->shard_n <= 1) st = pm_sink_dir_new(dir, suffix, &s[0], msg);
    if (!st) st = pm_sink_mbtiles_new(mb, &s[1], msg);
    if (!st) st = pm_sink_pmtiles_new(pmt, &s[2], msg);
    free(dir); free(mb); free(pmt);
    return st;
}

/* A shard without tiles: a PMTiles archive cannot be empty (its directories must not
 * be), so the shard writes its MBTiles only, removes a PMTiles an earlier attempt left,
 * and says so; merging the .mbtiles shards gives either package.  The PMTiles sink is
 * the last of the active ones (open_sinks). */
static pm_status drop_empty_pmtiles(const pm_runctx *rc, int year, const char *id, const char *suffix,
                                    const char *what, size_t *na, char **msg, FILE *note)
{
    const pm_runopts *o = &rc->o;
    char *pmt = pm_layout_package(o->out, year, id, suffix, o->shard_k, o->shard_n, "pmtiles");
    if (!pmt) return PM_ENOMEM;
    pm_status st = PM_OK;
    if (unlink(pmt) != 0 && errno != ENOENT) {
        *msg = pm_asprintf("%s: cannot remove the previous attempt's archive: %s", pmt, strerror(errno));
        st = PM_EIO;
    }
    if (!st && note)
        fprintf(note, "partymap: %s shard %u/%u has no tiles: wrote its MBTiles only (a PMTiles "
                "archive cannot be empty); merge the .mbtiles shards\n", what, o->shard_k, o->shard_n);
    free(pmt);
    (*na)--;
    return st;
}

static void tile_meta(const pm_project *p, const pm_thematic *th, int px, char *name, size_t nlen,
                      pm_tilemeta *m)
{
    snprintf(name, nlen, "%s %s %d", p->cfg->name, th->style->title, th->year);
    m->name = name;
    m->description = th->style->description;
    m->attribution = p->cfg->credits;
    m->minzoom = p->cfg->minzoom;
    m->maxzoom = p->cfg->maxzoom;
    m->tile_px = px;
    /* bounds from the committees' lon/lat */
    pm_bbox b = pm_bbox_empty();
    for (size_t i = 0; i < p->ds->ncommittees; i++) pm_bbox_union(&b, &p->ds->committees[i].geom.bbox);
    m->bounds[0] = b.minx; m->bounds[1] = b.miny; m->bounds[2] = b.maxx; m->bounds[3] = b.maxy;
    m->center[0] = (b.minx + b.maxx) / 2;
    m->center[1] = (b.miny + b.maxy) / 2;
    m->center[2] = fmin(p->cfg->maxzoom, fmax(p->cfg->minzoom, 15));
}

static pm_status tiles_of_map(const pm_runctx *rc, size_t m, int year, FILE *err)
{
    const pm_project *p = rc->p;
    const pm_runopts *o = &rc->o;
    const pm_scene *merc = &rc->merc;
    const pm_style *st_ = p->styles[m];
    long yi = pm_results_year(&p->res, year);
    if (yi < 0) return PM_EINTERNAL;
    const pm_thematic *th = &pm_results_at(&p->res, m, (size_t)yi)->th;
    pm_mapsym sym = { 0 };
    char *legend = legend_json(th);
    char *msg = NULL;
    pm_status st = legend ? pm_mapsym_build(th, merc, p->ds, &p->an.tab, &sym) : PM_ENOMEM;
    for (int scale = 1; !st && scale <= (p->cfg->hidpi ? 2 : 1); scale++) {
        const char *suffix = scale == 2 ? "@2x" : "";
        pm_sink *sinks[3] = { NULL, NULL, NULL };
        double t0 = pm_clock_now();
        char what[160];
        snprintf(what, sizeof what, "%d %s%s", year, st_->id, suffix);
        progress pr = { err, what, t0, t0, isatty(fileno(err)) };
        st = open_sinks(rc, year, st_->id, suffix, sinks, &msg);
        pm_sink *active[3];
        size_t na = 0;
        for (int k = 0; k < 3; k++) if (sinks[k]) active[na++] = sinks[k];
        pm_pyramid_job job = {
            .map = { merc, &sym, st_, p->cfg->font, scale, (uint32_t)p->cfg->metatile,
                     p->cfg->quantize },
            .minzoom = p->cfg->minzoom, .maxzoom = p->cfg->maxzoom,
            .jobs = o->jobs, .shard_k = o->shard_k, .shard_n = o->shard_n,
            .sinks = active, .nsinks = na, .progress = o->quiet ? NULL : on_progress, .progress_ctx = &pr,
        };
        pm_pyramid_stats ps;
        if (!st) st = pm_pyramid_render(&job, &ps, &msg);
        pm_tilemeta meta = { .legend_json = legend };
        char name[256];
        tile_meta(p, th, 256 * scale, name, sizeof name, &meta);
        pm_sinkstats ss[3] = { { 0 } };
        if (!st && o->shard_n > 1 && ps.tiles == 0) /* more shards than metatiles with tiles */
            st = drop_empty_pmtiles(rc, year, st_->id, suffix, what, &na, &msg, o->quiet ? NULL : err);
        if (!st) st = finish_sinks(active, na, &meta, ss, &msg);
        for (int k = 0; k < 3; k++) pm_sink_free(sinks[k]);
        if (st) break;
        if (!o->quiet)
            fprintf(err, "%spartymap: %s tiles z%d-%d: %zu tiles (%zu written, %zu unchanged), "
                    "%zu empty skipped, %.1f MB, %.2f s\n", pr.tty ? "\r\033[K" : "", what,
                    p->cfg->minzoom, p->cfg->maxzoom, ps.tiles, ss[0].written, ss[0].unchanged,
                    ps.tiles_empty, ps.bytes / 1e6, pm_clock_now() - t0);
    }
    if (st) fprintf(err, "partymap: tiles of %s: %s\n", st_->id, msg ? msg : pm_strerror(st));
    free(msg);
    free(legend);
    pm_mapsym_fini(&sym);
    return st;
}

/* Tiles of the committees' extent per zoom: the pyramid skips empty tiles and the
 * directory sink rewrites only tiles whose bytes change, so this is an upper bound
 * (strokes and halos reaching past the extent aside). */
static size_t tile_estimate(const pm_project *p)
{
    pm_bbox ll = pm_bbox_empty();
    for (size_t i = 0; i < p->ds->ncommittees; i++) pm_bbox_union(&ll, &p->ds->committees[i].geom.bbox);
    if (!pm_bbox_valid(&ll)) return 0;
    pm_pt a = pm_merc_from_lonlat(ll.minx, ll.miny), b = pm_merc_from_lonlat(ll.maxx, ll.maxy);
    pm_bbox mb = { a.x, a.y, b.x, b.y };
    size_t n = 0;
    for (int z = p->cfg->minzoom; z <= p->cfg->maxzoom; z++) {
        pm_tilerange r = pm_tile_range(z, mb);
        n += (size_t)(r.x1 - r.x0 + 1) * (r.y1 - r.y0 + 1);
    }
    return n;
}

static void plan(const pm_runctx *rc, int year, pm_plan *pl)
{
    const pm_project *p = rc->p;
    const pm_runopts *o = &rc->o;
    size_t est = tile_estimate(p);
    char note[160];
    snprintf(note, sizeof note, "(up to about %zu tiles, z%d-%d; empty and unchanged tiles are not "
             "written)", est, p->cfg->minzoom, p->cfg->maxzoom);
    for (size_t k = 0; k < p->nsel; k++)
        for (int scale = 1; scale <= (p->cfg->hidpi ? 2 : 1); scale++) {
            const char *sfx = scale == 2 ? "@2x" : "", *id = p->styles[p->sel[k]]->id;
            char why[256];
            int same;
            if (!pm_runctx_draws(rc, p->sel[k], year, why, sizeof why, &same)) continue;
            if (o->shard_n <= 1) pm_plan_add(pl, pm_layout_tile_pattern(o->out, year, id, sfx), note);
            pm_plan_add(pl, pm_layout_package(o->out, year, id, sfx, o->shard_k, o->shard_n, "mbtiles"), NULL);
            pm_plan_add(pl, pm_layout_package(o->out, year, id, sfx, o->shard_k, o->shard_n, "pmtiles"), NULL);
        }
}

static pm_status run(const pm_runctx *rc, int year, FILE *err)
{
    pm_status st = PM_OK;
    for (size_t k = 0; !st && k < rc->p->nsel; k++) {
        size_t m = rc->p->sel[k];
        char why[256];
        int same;
        if (!pm_runctx_draws(rc, m, year, why, sizeof why, &same)) {
            if (!rc->o.quiet) fprintf(err, "partymap: %d %-12s no tiles: %s\n", year, rc->p->styles[m]->id, why);
            continue;
        }
        if ((st = pm_stage_cancelled()) == PM_OK) st = tiles_of_map(rc, m, year, err);
    }
    return st;
}

const pm_stage pm_stage_tiles = { "tiles", PM_STAGE_PER_YEAR, PM_NEED_MERC_SCENE, 1, plan, run };
