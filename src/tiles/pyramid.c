/* Pyramid rendering: per-zoom label placement, metatiles on a thread pool, tile slicing. */
#include "tiles/pyramid.h"
#include "render/house.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/pool.h"
#include "render/draw.h"
#include "render/png.h"
#include "render/reduce.h"
#include "render/thin.h"
#include "tiles/tilemath.h"

#define TILE_MARGIN_PX 24 /* reach of strokes, halos and symbols beyond their geometry */


/* What every metatile of one zoom shares: read-only while workers run. */
typedef struct {
    const pm_gridmap *map;
    int z, tile_px;
    double scale;            /* pixels per metre */
    pm_labelset labels;
    pm_label_opts lo;
    pm_mapdraw md;
    unsigned char *plat_keep, *proj_keep; /* thinned points (owned; NULL: all) */
} zoomctx;

/* Label sizes and line widths in pixels, by zoom: small zooms get no names. */
static pm_status zoom_init(zoomctx *zc, const pm_gridmap *m, int z, pm_text *t)
{
    memset(zc, 0, sizeof *zc);
    zc->map = m;
    zc->z = z;
    zc->tile_px = 256 * m->scale;
    zc->scale = pm_tile_scale(z, zc->tile_px);
    int labels_on;
    pm_house_setup(PM_HOUSE_TILE, m->style, m->scale, z, &zc->md, &zc->lo, &labels_on);
    if (zc->md.show_points) { /* keep platform stars readable */
        zc->lo.obstacles = m->scene->platforms;
        zc->lo.nobstacles = m->scene->nplatforms;
    }
    if (zc->md.show_points && zc->md.point_spacing > 0) { /* once per zoom: tiles agree */
        pm_status st = pm_points_thin(m->scene, zc->scale, zc->md.point_spacing, &zc->plat_keep,
                                      &zc->proj_keep);
        if (st) return st;
        zc->md.platform_keep = zc->plat_keep;
        zc->md.project_keep = zc->proj_keep;
    }
    zc->lo.barrier = &m->scene->edges.outer; /* names keep clear of the outer boundary */
    zc->lo.barrier_bbox = m->scene->edges.outer_bbox;
    zc->md.fill = m->sym->fill;
    zc->md.nodata = m->sym->nodata;
    zc->md.cands = m->sym->cands;
    zc->md.label_opts = &zc->lo;
    if (!labels_on && m->sym->nparents) { /* committees too small: their parents' names */
        pm_house_parent_labels(PM_HOUSE_TILE, m->scale, z, &zc->lo);
        zc->md.labels = &zc->labels;
        zc->md.cands = m->sym->parent_cands;
        return pm_labels_place(t, m->sym->parent_cands, m->sym->nparents, zc->scale, &zc->lo, &zc->labels);
    }
    if (!labels_on) return PM_OK;
    zc->md.labels = &zc->labels;
    return pm_labels_place(t, m->sym->cands, m->sym->n, zc->scale, &zc->lo, &zc->labels);
}

static void zoom_fini(zoomctx *zc)
{
    pm_labelset_fini(&zc->labels);
    free(zc->plat_keep);
    free(zc->proj_keep);
}

/* Draws the w × h pixels whose top-left is global pixel (px, py) into surf. */
/* Tiles per metatile side: the map's, or the default. */
static uint32_t metatile_side(const pm_gridmap *m)
{
    return m->metatile ? m->metatile : PM_METATILE;
}

static pm_status draw_region(const zoomctx *zc, pm_text *t, cairo_surface_t *surf, double px,
                             double py, int w, int h)
{
    cairo_t *cr = cairo_create(surf);
    cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
    cairo_paint(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
    pm_view v = pm_view_grid(-PM_MERC_MAX, PM_MERC_MAX, zc->scale, px, py, w, h);
    pm_status st = pm_draw_map(cr, t, &v, zc->map->scene, &zc->md);
    cairo_destroy(cr);
    cairo_surface_flush(surf);
    return st;
}

/* 1 if the bbox b, within reach of the committees' extent, may show something: a
 * committee or an unclipped context feature (river, area) comes within reach.  Roads
 * are drawn inside the committees only.  Conservative: a metatile that passes may
 * still be empty, but one that fails draws nothing, whatever the metatile size. */
static int has_data(const pm_scene *s, pm_bbox b, double margin)
{
    b.minx -= margin; b.miny -= margin; b.maxx += margin; b.maxy += margin;
    if (!pm_bbox_intersects(&b, &s->extent)) return 0;
    for (size_t i = 0; i < s->ncommittees; i++)
        if (pm_bbox_intersects(&b, &s->committees[i].bbox)) return 1;
    for (size_t i = 0; i < s->nctx; i++) {
        if (s->ctx[i].role == PM_CTX_ROAD) continue;
        for (size_t k = 0; k < s->ctx[i].n; k++)
            if (pm_bbox_intersects(&b, &s->ctx[i].geoms[k].bbox)) return 1;
    }
    return 0;
}

/* Per-thread state: a text engine and one pixel buffer reused by every metatile
 * (a surface is wrapped around it per metatile, so no page is faulted in twice). */
typedef struct {
    pm_text *text;
    pm_reduce_ws *reduce;
    pm_png_enc *png;
    uint8_t *idx;           /* a tile's palette entries (quantised tiles) */
    size_t idx_cap;
    cairo_surface_t *surf;
    unsigned char *buf;
    size_t cap;
} worker;

typedef struct {
    const pm_pyramid_job *job;
    const zoomctx *zcs;      /* one per zoom, minzoom first */
    const pm_metatile *mt;   /* the run's metatiles, zoom by zoom */
    worker *workers;
    pthread_mutex_t lock;
    pm_pyramid_stats *stats;
    size_t done_before, total;
    char *err;               /* first error text (under lock) */
} run;

static void fail_msg(run *r, const char *msg)
{
    pthread_mutex_lock(&r->lock);
    if (!r->err) r->err = pm_strdup(msg);
    pthread_mutex_unlock(&r->lock);
}

static int tile_empty(const unsigned char *px, int stride, int n)
{
    /* rows against zeros with memcmp (vectorised by libc): fringe tiles are empty
     * and are read to the end */
    static const unsigned char zeros[4 * 512];
    for (int y = 0; y < n; y++) {
        const unsigned char *row = px + (size_t)y * stride;
        for (int x = 0; x < n * 4; x += (int)sizeof zeros) {
            size_t len = (size_t)(n * 4 - x) < sizeof zeros ? (size_t)(n * 4 - x) : sizeof zeros;
            if (memcmp(row + x, zeros, len)) return 0;
        }
    }
    return 1;
}

static int in_limit(const pm_bbox *limit, int z, uint32_t x, uint32_t y)
{
    if (!limit) return 1;
    pm_bbox b = pm_tile_bbox(z, x, y);
    return b.minx < limit->maxx && b.maxx > limit->minx && b.miny < limit->maxy && b.maxy > limit->miny;
}

static pm_status ensure_worker(run *r, worker *w, int tile_px, int sw, int sh)
{
    if (!w->text) {
        char *msg = NULL;
        pm_status st = pm_text_new(r->job->map.font, &w->text, &msg);
        if (st) { fail_msg(r, msg ? msg : "cannot load the font"); free(msg); return st; }
    }
    if (!w->reduce && !(w->reduce = malloc(sizeof *w->reduce))) return PM_ENOMEM;
    if (!w->png && !(w->png = pm_png_enc_new())) return PM_ENOMEM;
    if (w->idx_cap < (size_t)tile_px * tile_px) {
        free(w->idx);
        w->idx_cap = 0;
        if (!(w->idx = malloc((size_t)tile_px * tile_px))) return PM_ENOMEM;
        w->idx_cap = (size_t)tile_px * tile_px;
    }
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, sw);
    size_t need = (size_t)stride * (size_t)sh;
    if (need > w->cap) {
        /* room for a whole metatile at once, on huge pages where the kernel has them:
         * in a VM each 4 KiB page's first touch costs tens of microseconds */
        size_t side = (size_t)metatile_side(&r->job->map) * (size_t)tile_px;
        size_t full = side * side * 4, huge = (size_t)2 << 20;
        size_t cap = ((need > full ? need : full) + huge - 1) / huge * huge;
        free(w->buf);
        w->buf = aligned_alloc(huge, cap);
        w->cap = w->buf ? cap : 0;
        if (!w->buf) return PM_ENOMEM;
        madvise(w->buf, cap, MADV_HUGEPAGE);
    }
    if (w->surf) cairo_surface_destroy(w->surf);
    w->surf = cairo_image_surface_create_for_data(w->buf, CAIRO_FORMAT_ARGB32, sw, sh, stride);
    return cairo_surface_status(w->surf) == CAIRO_STATUS_SUCCESS ? PM_OK : PM_ENOMEM;
}

/* Encodes tile tp (T × T px of the metatile, stride bytes a row).  Quantised tiles
 * are reduced here, tile by tile (the same pixels as draw_metatile's, as each tile is
 * reduced on its own), straight into palette entries: the pixels are still in the
 * cache, and are neither rewritten nor searched for their palette again.  *png NULL
 * (and PM_OK) when the tile turns out empty. */
static pm_status encode_tile(const run *r, worker *w, unsigned char *tp, int stride, int T,
                             unsigned char **png, size_t *len)
{
    *png = NULL;
    if (r->job->map.quantize) {
        uint32_t colors[256];
        int n = 0;
        if (pm_reduce_index(tp, T, stride, w->reduce, colors, &n, w->idx)) {
            if (n == 1 && colors[0] == 0) return PM_OK; /* only blends that vanished */
            return pm_png_encode_indexed(w->png, colors, n, w->idx, T, T, png, len);
        }
    }
    cairo_surface_t *tile = cairo_image_surface_create_for_data(tp, CAIRO_FORMAT_ARGB32, T, T, stride);
    pm_status st = pm_png_encode_with(w->png, tile, png, len);
    cairo_surface_destroy(tile);
    return st;
}

/* Slices the drawn metatile into tiles, encodes and hands them to the sinks. */
static pm_status slice(run *r, worker *w, const pm_metatile *m, int T, size_t *tiles,
                       size_t *empty, size_t *bytes)
{
    int stride = cairo_image_surface_get_stride(w->surf);
    unsigned char *px = cairo_image_surface_get_data(w->surf);
    for (uint32_t j = 0; j < m->ny; j++)
        for (uint32_t i = 0; i < m->nx; i++) {
            if (!in_limit(r->job->limit, m->z, m->x + i, m->y + j)) continue;
            unsigned char *tp = px + (size_t)j * T * stride + (size_t)i * T * 4;
            if (tile_empty(tp, stride, T)) { (*empty)++; continue; }
            unsigned char *png = NULL;
            size_t len = 0;
            pm_status st = encode_tile(r, w, tp, stride, T, &png, &len);
            if (!st && !png) { (*empty)++; continue; }
            size_t k = 0;
            for (; !st && k < r->job->nsinks; k++)
                st = pm_sink_put(r->job->sinks[k], m->z, m->x + i, m->y + j, png, len);
            free(png);
            if (st) { /* the sink's own message: which file, and why */
                char *why = NULL;
                pm_sink_error(r->job->sinks[k - 1], &why);
                fail_msg(r, why ? why : "cannot write a tile");
                free(why);
                return st;
            }
            (*tiles)++;
            *bytes += len;
        }
    return PM_OK;
}

/* 1 if metatile m has data within reach (else it is not drawn at all). */
static int metatile_has_data(const zoomctx *zc, const pm_metatile *m)
{
    pm_bbox b = pm_tile_bbox(m->z, m->x, m->y);
    pm_bbox e = pm_tile_bbox(m->z, m->x + m->nx - 1, m->y + m->ny - 1);
    b.maxx = e.maxx;
    b.miny = e.miny;
    return has_data(zc->map->scene, b, TILE_MARGIN_PX / zc->scale);
}

/* Draws metatile m into surf (nx*T × ny*T pixels) as the tiles have it: with quantize,
 * each tile's colours are then reduced (pm_reduce_colours) so that tiles encode as
 * palette PNGs.  Snapshots are drawn so; the pyramid draws the region the same way
 * and reduces each tile just before encoding it (slice): the same pixels. */
static pm_status draw_metatile(const zoomctx *zc, pm_text *t, cairo_surface_t *surf,
                               const pm_metatile *m, pm_reduce_ws *ws)
{
    int T = zc->tile_px;
    pm_status st = draw_region(zc, t, surf, (double)m->x * T, (double)m->y * T, (int)m->nx * T,
                               (int)m->ny * T);
    if (st || !zc->map->quantize) return st;
    pm_reduce_colours(cairo_image_surface_get_data(surf), (int)m->nx * T, (int)m->ny * T,
                      cairo_image_surface_get_stride(surf), T, ws);
    cairo_surface_mark_dirty(surf);
    return PM_OK;
}

static pm_status do_metatile(void *ctx, size_t wi, size_t item)
{
    run *r = ctx;
    worker *w = &r->workers[wi];
    const pm_metatile *m = &r->mt[item];
    const zoomctx *zc = &r->zcs[m->z - r->job->minzoom];
    int T = zc->tile_px;
    size_t tiles = 0, empty = 0, bytes = 0, drawn = 0, skipped = 0;
    pm_status st = PM_OK;
    if (!metatile_has_data(zc, m)) {
        skipped = 1;
    } else {
        drawn = 1;
        st = ensure_worker(r, w, T, (int)m->nx * T, (int)m->ny * T);
        if (!st) st = draw_region(zc, w->text, w->surf, (double)m->x * T, (double)m->y * T,
                                  (int)m->nx * T, (int)m->ny * T);
        if (!st) st = slice(r, w, m, T, &tiles, &empty, &bytes);
    }
    pthread_mutex_lock(&r->lock);
    r->stats->metatiles += drawn;
    r->stats->metatiles_empty += skipped;
    r->stats->tiles += tiles;
    r->stats->tiles_empty += empty;
    r->stats->bytes += bytes;
    r->done_before += (size_t)m->nx * m->ny;
    if (r->job->progress) r->job->progress(r->job->progress_ctx, r->done_before, r->total);
    pthread_mutex_unlock(&r->lock);
    return st;
}

/* The committees' extent widened by what strokes and halos reach at zoom z. */
static pm_bbox reach_of(const pm_scene *s, int z, int scale)
{
    pm_bbox b = s->extent;
    double m = TILE_MARGIN_PX / pm_tile_scale(z, 256 * scale);
    b.minx -= m; b.miny -= m; b.maxx += m; b.maxy += m;
    return b;
}

/* Tiles of the zoom range that meet the data (for progress totals). */
static size_t count_tiles(const pm_pyramid_job *job)
{
    size_t n = 0;
    for (int z = job->minzoom; z <= job->maxzoom; z++) {
        pm_tilerange tr = pm_tile_range(z, reach_of(job->map.scene, z, job->map.scale));
        n += (size_t)(tr.x1 - tr.x0 + 1) * (tr.y1 - tr.y0 + 1);
    }
    return n;
}

/* Appends zoom z's metatiles of this shard to *all (n of them, cap room);
 * *seq numbers the run's metatiles across zooms. */
static pm_status add_zoom(const pm_pyramid_job *job, int z, size_t *seq, pm_metatile **all,
                          size_t *n, size_t *cap)
{
    pm_tilerange tr = pm_tile_range(z, reach_of(job->map.scene, z, job->map.scale));
    size_t nz = 0;
    int oom = 0;
    pm_metatile *mz = pm_metatiles(&tr, metatile_side(&job->map), &nz, &oom);
    if (oom) return PM_ENOMEM;
    pm_status st = PM_OK;
    if (*n + nz > *cap) {
        size_t c = (*n + nz) * 2;
        pm_metatile *a = realloc(*all, c * sizeof *a);
        if (a) { *all = a; *cap = c; } else st = PM_ENOMEM;
    }
    /* shards take every n-th metatile of the run, numbered zoom by zoom in row-major
     * order: numbering across zooms keeps the few metatiles of low zooms from all
     * falling to shard 1 */
    for (size_t i = 0; !st && i < nz; i++)
        if (pm_shard_has(*seq + i, job->shard_k, job->shard_n)) (*all)[(*n)++] = mz[i];
    *seq += nz;
    free(mz);
    return st;
}

/* Places every zoom's labels, then draws all the zooms' metatiles in one pool run,
 * low zooms (fewest, largest) first: no thread waits at the end of a zoom. */
static pm_status render_zooms(run *r, pm_text *t)
{
    const pm_pyramid_job *job = r->job;
    int nz = job->maxzoom - job->minzoom + 1, ready = 0;
    zoomctx *zcs = calloc((size_t)(nz > 0 ? nz : 1), sizeof *zcs);
    pm_metatile *all = NULL;
    size_t n = 0, cap = 0, seq = 0;
    pm_status st = zcs ? PM_OK : PM_ENOMEM;
    for (; !st && ready < nz; ready++) {
        int z = job->minzoom + ready;
        st = zoom_init(&zcs[ready], &job->map, z, t);
        if (st) { fail_msg(r, "label placement failed"); ready++; break; }
        st = add_zoom(job, z, &seq, &all, &n, &cap);
    }
    r->zcs = zcs;
    r->mt = all;
    if (!st) st = pm_pool_run(job->jobs, n, do_metatile, r);
    for (int i = 0; i < ready; i++) zoom_fini(&zcs[i]);
    free(zcs);
    free(all);
    return st;
}

pm_status pm_pyramid_render(const pm_pyramid_job *job, pm_pyramid_stats *stats, char **err)
{
    memset(stats, 0, sizeof *stats);
    size_t jobs = job->jobs ? job->jobs : 1;
    run r = { .job = job, .stats = stats, .total = count_tiles(job) };
    pthread_mutex_init(&r.lock, NULL);
    r.workers = calloc(jobs, sizeof *r.workers);
    pm_text *t = NULL;
    char *msg = NULL;
    pm_status st = r.workers ? pm_text_new(job->map.font, &t, &msg) : PM_ENOMEM;
    if (!st) st = render_zooms(&r, t);
    if (st && err) *err = r.err ? pm_strdup(r.err) : msg ? pm_strdup(msg) : pm_asprintf("tile rendering failed: %s", pm_strerror(st));
    for (size_t i = 0; r.workers && i < jobs; i++) {
        pm_text_free(r.workers[i].text);
        if (r.workers[i].surf) cairo_surface_destroy(r.workers[i].surf);
        free(r.workers[i].buf);
        free(r.workers[i].reduce);
        free(r.workers[i].idx);
        pm_png_enc_free(r.workers[i].png);
    }
    free(r.workers);
    free(r.err);
    free(msg);
    pm_text_free(t);
    pthread_mutex_destroy(&r.lock);
    return st;
}

/* Copies the part of metatile surface src (global pixel origin sx, sy) that falls in
 * dst (global origin dx, dy). */
static void blit(cairo_surface_t *dst, double dx, double dy, cairo_surface_t *src, double sx,
                 double sy)
{
    int dw = cairo_image_surface_get_width(dst), dh = cairo_image_surface_get_height(dst);
    int sw = cairo_image_surface_get_width(src), sh = cairo_image_surface_get_height(src);
    int ds = cairo_image_surface_get_stride(dst), ss = cairo_image_surface_get_stride(src);
    unsigned char *dp = cairo_image_surface_get_data(dst), *sp = cairo_image_surface_get_data(src);
    long x0 = (long)fmax(dx, sx), x1 = (long)fmin(dx + dw, sx + sw);
    long y0 = (long)fmax(dy, sy), y1 = (long)fmin(dy + dh, sy + sh);
    for (long y = y0; y < y1; y++)
        memcpy(dp + (size_t)(y - (long)dy) * ds + (size_t)(x0 - (long)dx) * 4,
               sp + (size_t)(y - (long)sy) * ss + (size_t)(x0 - (long)sx) * 4, (size_t)(x1 - x0) * 4);
    cairo_surface_mark_dirty(dst);
}

/* Draws the data metatiles of zoom zc that meet the pixel rectangle of out. */
static pm_status snapshot_metatiles(const zoomctx *zc, pm_text *t, cairo_surface_t *out,
                                    double x0, double y0)
{
    const pm_gridmap *map = zc->map;
    int T = zc->tile_px, w = cairo_image_surface_get_width(out), h = cairo_image_surface_get_height(out);
    pm_tilerange tr = pm_tile_range(zc->z, reach_of(map->scene, zc->z, map->scale));
    size_t n = 0;
    int oom = 0;
    pm_metatile *mt = pm_metatiles(&tr, metatile_side(map), &n, &oom);
    if (oom) return PM_ENOMEM;
    pm_reduce_ws *ws = malloc(sizeof *ws);
    pm_status st = ws ? PM_OK : PM_ENOMEM;
    cairo_surface_t *surf = NULL;
    for (size_t i = 0; !st && i < n; i++) {
        const pm_metatile *m = &mt[i];
        double mx = (double)m->x * T, my = (double)m->y * T;
        if (mx >= x0 + w || my >= y0 + h || mx + m->nx * T <= x0 || my + m->ny * T <= y0) continue;
        if (!metatile_has_data(zc, m)) continue;
        if (surf) cairo_surface_destroy(surf);
        surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)m->nx * T, (int)m->ny * T);
        if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) { st = PM_ENOMEM; break; }
        st = draw_metatile(zc, t, surf, m, ws);
        if (!st) blit(out, x0, y0, surf, mx, my);
    }
    if (surf) cairo_surface_destroy(surf);
    free(ws);
    free(mt);
    return st;
}

pm_status pm_snapshot(const pm_gridmap *map, int z, pm_bbox merc, cairo_surface_t **out,
                      double *px0, double *py0, char **err)
{
    *out = NULL;
    pm_text *t = NULL;
    zoomctx zc;
    memset(&zc, 0, sizeof zc);
    pm_status st = pm_text_new(map->font, &t, err);
    if (!st) st = zoom_init(&zc, map, z, t);
    if (st) goto done;
    /* whole pixels covering merc; an edge within a fiftieth of a pixel of a pixel
     * boundary is on it: corners copied to 10 decimals from a tile calculator are
     * off by up to 5e-11 degrees (2e-4 px at z22), to 7 decimals by 0.01 px at z18,
     * and rounding them outwards added a row of pixels (768 x 769 for 3 x 3 tiles) */
    const double eps = 0.02;
    double x0 = floor((merc.minx + PM_MERC_MAX) * zc.scale + eps), x1 = ceil((merc.maxx + PM_MERC_MAX) * zc.scale - eps);
    double y0 = floor((PM_MERC_MAX - merc.maxy) * zc.scale + eps), y1 = ceil((PM_MERC_MAX - merc.miny) * zc.scale - eps);
    if (x1 - x0 < 1 || y1 - y0 < 1 || (x1 - x0) * (y1 - y0) > 400e6) {
        if (err) *err = pm_asprintf("snapshot of %.0f × %.0f pixels: empty or too large (at most 400 megapixels)", x1 - x0, y1 - y0);
        st = PM_EUSAGE;
        goto done;
    }
    *out = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)(x1 - x0), (int)(y1 - y0));
    if (cairo_surface_status(*out) != CAIRO_STATUS_SUCCESS) { st = PM_ENOMEM; goto done; }
    st = snapshot_metatiles(&zc, t, *out, x0, y0);
    if (px0) *px0 = x0;
    if (py0) *py0 = y0;
done:
    if (st && *out) { cairo_surface_destroy(*out); *out = NULL; }
    zoom_fini(&zc);
    pm_text_free(t);
    return st;
}
