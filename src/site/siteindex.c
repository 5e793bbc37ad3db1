/* Interaction index: committee outlines and figures per tile of one zoom, points beside them. */
#include "site/siteindex.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "site/sitejson.h"
#include "site/sitenames.h"

#define MAX_LAT 85.0511287798
#define SIMPLIFY_UNITS 4.0   /* 1 px at zoom 18 in zoom-20 units */
enum { MAX_INDEX_ZOOM = 16, RUNNING_NAMES = 3 };

pm_pt pm_siteindex_project(double lon, double lat, int z)
{
    double scale = 256.0 * ldexp(1.0, z), d = M_PI / 180;
    lat = fmax(fmin(lat, MAX_LAT), -MAX_LAT);
    return (pm_pt){ scale * (lon / 360 + 0.5),
                    scale * (0.5 - log(tan(M_PI / 4 + lat * d / 2)) / (2 * M_PI)) };
}

/* Squared distance from p to the segment a-b. */
static double seg_dist2(pm_pt p, pm_pt a, pm_pt b)
{
    double dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2 : 0;
    t = fmax(0, fmin(1, t));
    double ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
    return ex * ex + ey * ey;
}

/* Douglas-Peucker over p[lo..hi]: marks the vertices kept in keep[]. */
static void simplify(const pm_pt *p, size_t lo, size_t hi, double tol2, uint8_t *keep, size_t *stack)
{
    size_t top = 0;
    stack[top++] = lo;
    stack[top++] = hi;
    while (top) {
        size_t b = stack[--top], a = stack[--top], best = a;
        double far = tol2;
        for (size_t i = a + 1; i < b; i++) {
            double d = seg_dist2(p[i], p[a], p[b]);
            if (d > far) { far = d; best = i; }
        }
        if (best == a) continue;
        keep[best] = 1;
        stack[top++] = a; stack[top++] = best;
        stack[top++] = best; stack[top++] = b;
    }
}

/* One ring as [x0, y0, dx, dy, ...]: projected, rounded, simplified (at least 3 vertices). */
static json_t *ring_json(const pm_pt *ll, size_t n, const pm_siteindex *x, pm_pt *buf, uint8_t *keep,
                         size_t *stack, int *bad)
{
    for (size_t i = 0; i < n; i++) {
        pm_pt q = pm_siteindex_project(ll[i].x, ll[i].y, PM_SITEINDEX_UNITS_ZOOM);
        buf[i] = (pm_pt){ round(q.x) - x->ox, round(q.y) - x->oy };
    }
    buf[n] = buf[0];
    memset(keep, 0, n + 1);
    keep[0] = keep[n] = 1;
    size_t far = 0; /* split the closed ring at the vertex farthest from the first */
    double fd = -1;
    for (size_t i = 1; i < n; i++) {
        double d = (buf[i].x - buf[0].x) * (buf[i].x - buf[0].x) + (buf[i].y - buf[0].y) * (buf[i].y - buf[0].y);
        if (d > fd) { fd = d; far = i; }
    }
    if (far) keep[far] = 1;
    simplify(buf, 0, far, SIMPLIFY_UNITS * SIMPLIFY_UNITS, keep, stack);
    simplify(buf, far, n, SIMPLIFY_UNITS * SIMPLIFY_UNITS, keep, stack);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) kept += keep[i];
    if (kept < 3) memset(keep, 1, n);
    json_t *a = json_array();
    pm_pt last = { 0, 0 };
    for (size_t i = 0; i < n; i++) {
        if (!keep[i]) continue;
        pm_sj_push(a, json_integer((json_int_t)(buf[i].x - last.x)), bad);
        pm_sj_push(a, json_integer((json_int_t)(buf[i].y - last.y)), bad);
        last = buf[i];
    }
    return a;
}

static json_t *rings_json(const pm_geom *g, const pm_siteindex *x, int *bad)
{
    size_t most = 0;
    for (size_t r = 0; r < g->nrings; r++)
        if (g->ring_off[r + 1] - g->ring_off[r] > most) most = g->ring_off[r + 1] - g->ring_off[r];
    pm_pt *buf = malloc((most + 1) * sizeof *buf);
    uint8_t *keep = malloc(most + 1);
    size_t *stack = malloc((4 * most + 4) * sizeof *stack);
    json_t *rings = json_array();
    if (!buf || !keep || !stack) *bad = 1;
    for (size_t r = 0; !*bad && r < g->nrings; r++)
        pm_sj_push(rings, ring_json(g->pts + g->ring_off[r], g->ring_off[r + 1] - g->ring_off[r], x, buf, keep,
                                    stack, bad), bad);
    free(stack);
    free(keep);
    free(buf);
    return rings;
}

static json_t *int_or_null(int v)
{
    return v == PM_SF_NONE ? json_null() : json_integer(v);
}

/* v: per data year the popup fields' values; m: per data year and map the figures. */
static void figures_json(const pm_website *w, const pm_sitefigs *f, size_t c, const long *kcol, json_t *fields,
                         json_t *rec, int *bad)
{
    const pm_indtab *tab = &w->an->tab;
    json_t *v = json_array(), *m = json_array();
    for (size_t y = 0; y < f->nyears; y++) {
        json_t *row = json_array(), *maps = json_array();
        for (size_t k = 0; k < json_array_size(fields); k++)
            pm_sj_push(row, pm_sj_num(kcol[k] < 0 ? NAN : pm_indtab_get(tab, y, c, (size_t)kcol[k])), bad);
        for (size_t s = 0; s < f->nmaps; s++) {
            const pm_sitefig *g = pm_sitefigs_at(f, y, s);
            pm_sj_push(maps, json_pack("[oooo]", g->cls[c] < 0 ? json_null() : json_integer(g->cls[c]),
                                       g->rank[c] > 0 ? json_integer(g->rank[c]) : json_null(),
                                       int_or_null(g->rank_change[c]), int_or_null(g->cls_change[c])), bad);
        }
        pm_sj_push(v, row, bad);
        pm_sj_push(m, maps, bad);
    }
    pm_sj_put(rec, "v", v, bad);
    pm_sj_put(rec, "m", m, bad);
}

typedef struct {
    const pm_website *w;
    const pm_sitefigs *f;
    json_t *fields;   /* data.js "fields" */
    long *kcol;       /* indtab column per field, -1 if not computed */
    size_t *running;  /* per committee, up to RUNNING_NAMES project indices, SIZE_MAX-filled */
} recctx;

static json_t *record_json(const recctx *r, const pm_siteindex *x, size_t c, int *bad)
{
    const pm_committee *cm = &r->w->ds->committees[c];
    json_t *rec = json_pack("{s:I, s:s, s:s}", "i", (json_int_t)c, "code", cm->code, "name", cm->name);
    pm_sj_put(rec, "parent", pm_sj_str_or_null(pm_site_parent(r->w, c)), bad);
    pm_sj_put(rec, "ct", pm_sj_coord(pm_geom_visual_centre(&cm->geom, 1e-6, NULL)), bad);
    pm_sj_put(rec, "g", rings_json(&cm->geom, x, bad), bad);
    pm_sj_put(rec, "pop", pm_sj_num(cm->population), bad);
    pm_sj_put(rec, "hh", pm_sj_num(cm->households), bad);
    figures_json(r->w, r->f, c, r->kcol, r->fields, rec, bad);
    json_t *p = json_array();
    for (size_t k = 0; k < RUNNING_NAMES && r->running[c * RUNNING_NAMES + k] != SIZE_MAX; k++)
        pm_sj_push(p, json_string(r->w->ds->projects[r->running[c * RUNNING_NAMES + k]].name), bad);
    pm_sj_put(rec, "p", p, bad);
    pm_sj_put(rec, "a", r->w->atlas_page ? json_integer((json_int_t)r->w->atlas_page[c]) : json_null(), bad);
    return rec;
}

/* ---- tiles ------------------------------------------------------------- */

typedef struct { uint32_t x, y; size_t c; } tileref;

static int cmp_ref(const void *a, const void *b)
{
    const tileref *p = a, *q = b;
    if (p->x != q->x) return p->x < q->x ? -1 : 1;
    if (p->y != q->y) return p->y < q->y ? -1 : 1;
    return (p->c > q->c) - (p->c < q->c);
}

/* Tile range of committee c's bbox at zoom z. */
static void tile_span(const pm_committee *cm, int z, uint32_t *x0, uint32_t *y0, uint32_t *x1, uint32_t *y1)
{
    pm_pt a = pm_siteindex_project(cm->geom.bbox.minx, cm->geom.bbox.maxy, z);
    pm_pt b = pm_siteindex_project(cm->geom.bbox.maxx, cm->geom.bbox.miny, z);
    double lim = ldexp(1.0, z) - 1;
    *x0 = (uint32_t)fmax(0, fmin(lim, floor(a.x / 256)));
    *y0 = (uint32_t)fmax(0, fmin(lim, floor(a.y / 256)));
    *x1 = (uint32_t)fmax(0, fmin(lim, floor(b.x / 256)));
    *y1 = (uint32_t)fmax(0, fmin(lim, floor(b.y / 256)));
}

/* Every (tile, committee) pair at zoom z, sorted; NULL when out of memory. */
static tileref *refs_at(const pm_dataset *ds, int z, size_t *count)
{
    size_t n = 0, cap = ds->ncommittees * 2 + 16;
    tileref *v = malloc(cap * sizeof *v);
    for (size_t c = 0; v && c < ds->ncommittees; c++) {
        uint32_t x0, y0, x1, y1;
        tile_span(&ds->committees[c], z, &x0, &y0, &x1, &y1);
        for (uint32_t x = x0; v && x <= x1; x++)
            for (uint32_t y = y0; v && y <= y1; y++) {
                if (n == cap) {
                    tileref *nv = realloc(v, 2 * cap * sizeof *v);
                    if (!nv) { free(v); v = NULL; break; }
                    v = nv;
                    cap *= 2;
                }
                v[n++] = (tileref){ x, y, c };
            }
    }
    if (v) qsort(v, n, sizeof *v, cmp_ref);
    *count = n;
    return v;
}

static size_t busiest(const tileref *v, size_t n)
{
    size_t most = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i; j < n && v[j].x == v[i].x && v[j].y == v[i].y; j++) ;
        if (j - i > most) most = j - i;
    }
    return most;
}

/* The lowest zoom whose busiest tile meets at most PM_SITEINDEX_MAX_PER_TILE committees. */
static tileref *choose_zoom(const pm_website *w, int *zoom, size_t *count)
{
    int zmax = w->maxzoom < MAX_INDEX_ZOOM ? w->maxzoom : MAX_INDEX_ZOOM;
    for (int z = 0;; z++) {
        tileref *v = refs_at(w->ds, z, count);
        if (!v || z >= zmax || busiest(v, *count) <= PM_SITEINDEX_MAX_PER_TILE) {
            *zoom = z;
            return v;
        }
        free(v);
    }
}


typedef struct { uint32_t x, y; int kind; size_t i; } ptref; /* kind 0 platform, 1 project */

static int cmp_pt(const void *a, const void *b)
{
    const ptref *p = a, *q = b;
    if (p->x != q->x) return p->x < q->x ? -1 : 1;
    if (p->y != q->y) return p->y < q->y ? -1 : 1;
    if (p->kind != q->kind) return p->kind - q->kind;
    return (p->i > q->i) - (p->i < q->i);
}

static json_t *point_json(const pm_website *w, const pm_siteindex *x, int kind, size_t i, int *bad)
{
    const pm_site *s = kind ? &w->ds->projects[i] : &w->ds->platforms[i];
    long in = kind ? w->an->project_in[i] : w->an->platform_in[i];
    pm_pt q = pm_siteindex_project(s->lonlat.x, s->lonlat.y, PM_SITEINDEX_UNITS_ZOOM);
    json_t *a = json_pack("[IIsss]", (json_int_t)(round(q.x) - x->ox), (json_int_t)(round(q.y) - x->oy),
                          s->name ? s->name : "", s->category ? s->category : "", s->partner ? s->partner : "");
    if (kind) pm_sj_push(a, json_integer((json_int_t)s->status), bad);
    pm_sj_push(a, json_integer((json_int_t)in), bad);
    if (!a) *bad = 1;
    return a;
}

/* Points by tile of the index zoom; NULL when out of memory. */
static ptref *points_by_tile(const pm_website *w, int z, size_t *count)
{
    size_t n = w->ds->nplatforms + w->ds->nprojects;
    ptref *v = malloc((n + 1) * sizeof *v);
    for (size_t k = 0; v && k < n; k++) {
        int kind = k >= w->ds->nplatforms;
        size_t i = kind ? k - w->ds->nplatforms : k;
        const pm_site *s = kind ? &w->ds->projects[i] : &w->ds->platforms[i];
        pm_pt q = pm_siteindex_project(s->lonlat.x, s->lonlat.y, z);
        double lim = ldexp(1.0, z) - 1;
        v[k] = (ptref){ (uint32_t)fmax(0, fmin(lim, floor(q.x / 256))), (uint32_t)fmax(0, fmin(lim, floor(q.y / 256))),
                        kind, i };
    }
    if (v) qsort(v, n, sizeof *v, cmp_pt);
    *count = n;
    return v;
}

static pm_status write_points(const pm_website *w, const pm_siteindex *x, const char *site_dir, uint32_t tx,
                              uint32_t ty, const ptref *pts, size_t npts, size_t *at, pm_pathset *written,
                              char **err)
{
    while (*at < npts && (pts[*at].x < tx || (pts[*at].x == tx && pts[*at].y < ty))) (*at)++;
    json_t *pl = json_array(), *pr = json_array();
    int bad = 0;
    for (; *at < npts && pts[*at].x == tx && pts[*at].y == ty; (*at)++)
        pm_sj_push(pts[*at].kind ? pr : pl, point_json(w, x, pts[*at].kind, pts[*at].i, &bad), &bad);
    json_t *root = json_pack("{s:o, s:o}", "pl", pl, "pr", pr);
    char key[64];
    snprintf(key, sizeof key, "points/%d/%u/%u", x->zoom, tx, ty);
    pm_status st = root && !bad ? pm_sj_write_script(site_dir, key, root, written, err) : PM_ENOMEM;
    json_decref(root);
    return st;
}

static pm_status add_run(pm_tileindex *t, int z, uint32_t x, uint32_t y)
{
    pm_tilerun *last = t->n ? &t->runs[t->n - 1] : NULL;
    t->tiles++;
    if (last && last->x == x && last->y1 + 1 == y) { last->y1 = y; return PM_OK; }
    pm_tilerun *v = realloc(t->runs, (t->n + 1) * sizeof *v);
    if (!v) return PM_ENOMEM;
    t->runs = v;
    t->runs[t->n++] = (pm_tilerun){ z, x, y, y };
    return PM_OK;
}

/* Running projects per committee (the first RUNNING_NAMES in the dataset's order). */
static size_t *running_lists(const pm_website *w)
{
    size_t n = w->ds->ncommittees;
    size_t *v = malloc((n * RUNNING_NAMES + 1) * sizeof *v);
    if (!v) return NULL;
    for (size_t i = 0; i < n * RUNNING_NAMES; i++) v[i] = SIZE_MAX;
    for (size_t i = 0; i < w->ds->nprojects; i++) {
        long c = w->an->project_in[i];
        if (c < 0 || w->ds->projects[i].status != PM_SITE_RUNNING) continue;
        for (size_t k = 0; k < RUNNING_NAMES; k++)
            if (v[(size_t)c * RUNNING_NAMES + k] == SIZE_MAX) { v[(size_t)c * RUNNING_NAMES + k] = i; break; }
    }
    return v;
}

static void set_origin(const pm_website *w, pm_siteindex *x)
{
    pm_bbox b = pm_bbox_empty();
    for (size_t c = 0; c < w->ds->ncommittees; c++) pm_bbox_union(&b, &w->ds->committees[c].geom.bbox);
    pm_pt o = pm_siteindex_project(pm_bbox_valid(&b) ? b.minx : 0, pm_bbox_valid(&b) ? b.maxy : 0,
                                   PM_SITEINDEX_UNITS_ZOOM);
    x->ox = floor(o.x);
    x->oy = floor(o.y);
}

/* Records built once: a committee met by several tiles is the same object in each. */
static json_t **build_records(const pm_website *w, const pm_sitefigs *f, json_t *fields, const pm_siteindex *x,
                              int *bad)
{
    size_t n = w->ds->ncommittees;
    recctx r = { w, f, fields, calloc(json_array_size(fields) + 1, sizeof(long)), running_lists(w) };
    json_t **recs = calloc(n + 1, sizeof *recs);
    if (!recs || !r.kcol || !r.running) *bad = 1;
    for (size_t k = 0; r.kcol && k < json_array_size(fields); k++)
        r.kcol[k] = pm_indtab_find(&w->an->tab, json_string_value(json_object_get(json_array_get(fields, k), "key")));
    for (size_t c = 0; recs && !*bad && c < n; c++)
        if (!(recs[c] = record_json(&r, x, c, bad))) *bad = 1;
    free(r.kcol);
    free(r.running);
    return recs;
}

pm_status pm_siteindex_write(const pm_website *w, const pm_sitefigs *f, json_t *fields, const char *site_dir,
                             int with_points, pm_pathset *written, pm_siteindex *out, char **err)
{
    *err = NULL;
    memset(out, 0, sizeof *out);
    set_origin(w, out);
    int bad = 0;
    size_t nref = 0, npts = 0, at = 0;
    tileref *refs = choose_zoom(w, &out->zoom, &nref);
    ptref *pts = with_points ? points_by_tile(w, out->zoom, &npts) : NULL;
    json_t **recs = build_records(w, f, fields, out, &bad);
    pm_status st = refs && recs && !bad && (!with_points || pts) ? PM_OK : PM_ENOMEM;
    for (size_t i = 0, j; !st && i < nref; i = j) {
        json_t *list = json_array();
        for (j = i; j < nref && refs[j].x == refs[i].x && refs[j].y == refs[i].y; j++)
            pm_sj_push(list, json_incref(recs[refs[j].c]), &bad);
        json_t *root = json_pack("{s:o}", "c", list);
        char key[64];
        snprintf(key, sizeof key, "index/%d/%u/%u", out->zoom, refs[i].x, refs[i].y);
        st = root && !bad ? pm_sj_write_script(site_dir, key, root, written, err) : PM_ENOMEM;
        json_decref(root);
        if (!st) st = add_run(&out->tiles, out->zoom, refs[i].x, refs[i].y);
        if (!st && with_points)
            st = write_points(w, out, site_dir, refs[i].x, refs[i].y, pts, npts, &at, written, err);
    }
    for (size_t c = 0; recs && c < w->ds->ncommittees; c++) json_decref(recs[c]);
    free(recs);
    free(pts);
    free(refs);
    if (st == PM_ENOMEM && !*err) *err = pm_strdup("site: index: out of memory");
    if (st) pm_siteindex_fini(out);
    return st;
}

void pm_siteindex_fini(pm_siteindex *x)
{
    if (!x) return;
    pm_tileindex_fini(&x->tiles);
}
