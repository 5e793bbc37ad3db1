/* Tiles stage: each selected map's pyramids into a directory tree and packages, with progress. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/thematic.h"
#include "app/identity.h"
#include "app/layout.h"
#include "app/stage.h"
#include "core/fileio.h"
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

/* One row of the sink table, open for a map and tile size. */
typedef struct {
    const pm_sinkformat *fmt;
    char *path;
    pm_sink *sink;
    pm_sinkstats stats;
    pm_status st;
    char *msg;
    int skip;              /* not finished: a format that cannot be empty, without tiles */
} opened;

/* The sinks' preparing work at once: the tree's sync waits on the disk while the
 * packages are assembled, which is mostly CPU. */
typedef struct {
    opened *s;
    size_t *idx;           /* the sinks to finish */
    const pm_tilemeta *meta;
} finishing;

static pm_status prepare_one(void *ctx, size_t worker, size_t k)
{
    (void)worker;
    finishing *f = ctx;
    opened *o = &f->s[f->idx[k]];
    o->st = pm_sink_prepare(o->sink, f->meta, &o->stats, &o->msg);
    return o->st;
}

/* Finishes the n sinks not skipped as one set: all are prepared (in parallel), and
 * only when every one is are they committed, in table order (the tree first: it
 * takes its renames back if it cannot complete them).  So a full disk or any other
 * failure while writing leaves the old tree and packages as they were.  The first
 * failure in table order gives the status and *msg. */
static pm_status finish_sinks(opened *s, size_t n, const pm_tilemeta *meta, char **msg)
{
    size_t idx[n ? n : 1], m = 0;
    for (size_t k = 0; k < n; k++) if (s[k].sink && !s[k].skip) idx[m++] = k;
    finishing f = { s, idx, meta };
    pm_status st = m ? pm_pool_run(m, m, prepare_one, &f) : PM_OK;
    for (size_t k = 0; !st && k < m; k++) st = s[idx[k]].st = pm_sink_commit(s[idx[k]].sink, &s[idx[k]].msg);
    for (size_t k = 0; k < n; k++) {
        if (s[k].st && !*msg) { *msg = s[k].msg; s[k].msg = NULL; }
        free(s[k].msg);
        s[k].msg = NULL;
    }
    return st;
}

/* The sinks of the table for one map and tile size (*out: pm_sink_nformats rows,
 * caller frees with close_sinks): the tree (not in shards) and every package. */
static pm_status open_sinks(const pm_runctx *rc, int year, const char *id, const char *suffix,
                            opened **out, char **msg)
{
    const pm_runopts *o = &rc->o;
    opened *s = calloc(pm_sink_nformats, sizeof *s);
    *out = s;
    if (!s) return PM_ENOMEM;
    pm_status st = PM_OK;
    for (size_t k = 0; !st && k < pm_sink_nformats; k++) {
        const pm_sinkformat *f = &pm_sink_formats[k];
        s[k].fmt = f;
        if (!f->ext && o->shard_n > 1) continue; /* a shard writes packages only */
        s[k].path = f->ext ? pm_layout_package(o->out, year, id, suffix, o->shard_k, o->shard_n, f->ext + 1)
                           : pm_layout_tile_dir(o->out, year, id);
        st = s[k].path ? f->open(s[k].path, suffix, &s[k].sink, msg) : PM_ENOMEM;
    }
    return st;
}

static void close_sinks(opened *s)
{
    for (size_t k = 0; s && k < pm_sink_nformats; k++) {
        pm_sink_free(s[k].sink);
        free(s[k].path);
        free(s[k].msg);
    }
    free(s);
}

/* A shard without tiles: a format that cannot be empty (PMTiles: its directories
 * must not be) is not written, the file an earlier attempt left is removed, and
 * the run says so; merging the other formats' shards gives either package. */
static pm_status skip_empty(opened *s, const pm_runopts *o, const char *what, char **msg,
                            FILE *note)
{
    pm_status st = PM_OK;
    for (size_t k = 0; !st && k < pm_sink_nformats; k++) {
        if (!s[k].sink || s[k].fmt->may_be_empty) continue;
        s[k].skip = 1;
        if (unlink(s[k].path) != 0 && errno != ENOENT) {
            *msg = pm_asprintf("%s: cannot remove the previous attempt's archive: %s", s[k].path,
                               strerror(errno));
            st = PM_EIO;
        } else if (note) {
            const pm_sinkformat *w = NULL; /* a package format that was written */
            for (size_t j = 0; j < pm_sink_nformats && !w; j++)
                if (s[j].sink && s[j].fmt->ext && s[j].fmt->may_be_empty) w = s[j].fmt;
            fprintf(note, "partymap: %s shard %u/%u has no tiles: wrote its %s only (a %s "
                    "archive cannot be empty); merge the %s shards\n", what, o->shard_k, o->shard_n,
                    w ? w->name : "tree", s[k].fmt->name, w ? w->ext : "other");
        }
    }
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
        opened *sinks = NULL;
        double t0 = pm_clock_now();
        char what[160];
        snprintf(what, sizeof what, "%d %s%s", year, st_->id, suffix);
        progress pr = { err, what, t0, t0, isatty(fileno(err)) };
        st = open_sinks(rc, year, st_->id, suffix, &sinks, &msg);
        pm_sink *active[pm_sink_nformats];
        size_t na = 0;
        for (size_t k = 0; sinks && k < pm_sink_nformats; k++)
            if (sinks[k].sink) active[na++] = sinks[k].sink;
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
        char name[256], *run_id = NULL;
        tile_meta(p, th, 256 * scale, name, sizeof name, &meta);
        if (!st && rc->has_inputs)
            st = pm_identity_json(p, st_, year, 256 * scale, rc->inputs, &run_id, &msg);
        meta.run_id = run_id;
        if (!st && o->shard_n > 1 && ps.tiles == 0) /* more shards than metatiles with tiles */
            st = skip_empty(sinks, o, what, &msg, o->quiet ? NULL : err);
        if (!st) st = finish_sinks(sinks, pm_sink_nformats, &meta, &msg);
        pm_sinkstats first = { 0 }; /* the first sink's: the tree's, or a shard's first package */
        for (size_t k = pm_sink_nformats; sinks && k-- > 0;)
            if (sinks[k].sink) first = sinks[k].stats;
        close_sinks(sinks);
        free(run_id);
        if (st) break;
        if (!o->quiet)
            fprintf(err, "%spartymap: %s tiles z%d-%d: %zu tiles (%zu written, %zu unchanged), "
                    "%zu empty skipped, %.1f MB, %.2f s\n", pr.tty ? "\r\033[K" : "", what,
                    p->cfg->minzoom, p->cfg->maxzoom, ps.tiles, first.written, first.unchanged,
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
size_t pm_stage_tiles_estimate(const pm_project *p)
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

pm_status pm_stage_tiles_check_plan(const pm_project *p, pm_diag *d)
{
    size_t est = pm_stage_tiles_estimate(p);
    if ((long long)est <= p->cfg->max_tiles) return PM_OK;
    pm_diag_add(d, PM_SEV_ERROR, p->cfg->path ? pm_path_basename(p->cfg->path) : "config", "",
                "tiles.max_tiles", "each map's tile pyramid would hold about %zu tiles (z%d-%d over the "
                "committees' extent), more than the limit of %lld: a stray vertex far from the others, "
                "or zooms deeper than needed; if the extent is right, raise \"tiles\": {\"max_tiles\": N} "
                "in the config (or render fewer zooms)", est, p->cfg->minzoom, p->cfg->maxzoom,
                p->cfg->max_tiles);
    return PM_EDATA;
}

static void plan(const pm_runctx *rc, int year, pm_plan *pl)
{
    const pm_project *p = rc->p;
    const pm_runopts *o = &rc->o;
    size_t est = pm_stage_tiles_estimate(p);
    char note[160];
    snprintf(note, sizeof note, "(up to about %zu tiles, z%d-%d; empty and unchanged tiles are not "
             "written)", est, p->cfg->minzoom, p->cfg->maxzoom);
    for (size_t k = 0; k < p->nsel; k++)
        for (int scale = 1; scale <= (p->cfg->hidpi ? 2 : 1); scale++) {
            const char *sfx = scale == 2 ? "@2x" : "", *id = p->styles[p->sel[k]]->id;
            char why[256];
            int same;
            if (!pm_runctx_draws(rc, p->sel[k], year, why, sizeof why, &same)) continue;
            for (size_t f = 0; f < pm_sink_nformats; f++) { /* the sink table's outputs */
                const char *ext = pm_sink_formats[f].ext;
                if (!ext && o->shard_n <= 1) pm_plan_add(pl, pm_layout_tile_pattern(o->out, year, id, sfx), note);
                else if (ext)
                    pm_plan_add(pl, pm_layout_package(o->out, year, id, sfx, o->shard_k, o->shard_n, ext + 1), NULL);
            }
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
