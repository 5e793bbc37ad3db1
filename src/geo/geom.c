/* Geometry: the ring builder, bounding boxes and planar measures (area, containment, distance). */
#include "geo/geom.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The struct has no capacity fields, so capacity is a pure function of the count:
 * the smallest power of two >= n (at least 8).  Every array the builder allocates
 * holds at least cap_for(count) elements, which keeps growth geometric. */
static size_t cap_for(size_t n)
{
    if (n == 0) return 0;
    size_t c = 8;
    while (c < n) {
        if (c > SIZE_MAX / 2) return SIZE_MAX;
        c *= 2;
    }
    return c;
}

/* Makes *arr (holding `used` elements of size elem) able to hold `need` elements. */
static pm_status reserve(void **arr, size_t used, size_t need, size_t elem)
{
    if (need <= cap_for(used)) return PM_OK;
    size_t cap = cap_for(need);
    if (cap == SIZE_MAX || cap > SIZE_MAX / elem) return PM_ENOMEM;
    void *n = realloc(*arr, cap * elem);
    if (!n) return PM_ENOMEM;
    *arr = n;
    return PM_OK;
}

pm_bbox pm_bbox_empty(void)
{
    pm_bbox b = { HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL };
    return b;
}

void pm_bbox_add(pm_bbox *b, pm_pt p)
{
    if (p.x < b->minx) b->minx = p.x;
    if (p.y < b->miny) b->miny = p.y;
    if (p.x > b->maxx) b->maxx = p.x;
    if (p.y > b->maxy) b->maxy = p.y;
}

void pm_bbox_union(pm_bbox *b, const pm_bbox *o)
{
    if (!pm_bbox_valid(o)) return;
    if (o->minx < b->minx) b->minx = o->minx;
    if (o->miny < b->miny) b->miny = o->miny;
    if (o->maxx > b->maxx) b->maxx = o->maxx;
    if (o->maxy > b->maxy) b->maxy = o->maxy;
}

int pm_bbox_valid(const pm_bbox *b)
{
    return b->minx <= b->maxx && b->miny <= b->maxy;
}

int pm_bbox_intersects(const pm_bbox *a, const pm_bbox *b)
{
    return pm_bbox_valid(a) && pm_bbox_valid(b) && a->minx <= b->maxx && b->minx <= a->maxx
           && a->miny <= b->maxy && b->miny <= a->maxy;
}

void pm_geom_init(pm_geom *g, pm_geom_kind kind)
{
    memset(g, 0, sizeof *g);
    g->kind = kind;
    g->bbox = pm_bbox_empty();
}

pm_status pm_geom_begin_ring(pm_geom *g, int hole)
{
    /* ring_off[nrings] is the running end of the open ring, hence the +1 entries. */
    size_t used = g->nrings ? g->nrings + 1 : 0;
    if (g->nrings >= UINT32_MAX - 1) return PM_ENOMEM;
    pm_status st = reserve((void **)&g->ring_off, used, g->nrings + 2, sizeof *g->ring_off);
    if (st) return st;
    if (g->kind == PM_GEOM_POLYGON && !g->ring_hole && g->nrings) {
        /* a polygon assembled by hand without hole flags: its rings are exteriors */
        if (!(g->ring_hole = calloc(cap_for(g->nrings), 1))) return PM_ENOMEM;
    }
    if (g->kind == PM_GEOM_POLYGON) {
        st = reserve((void **)&g->ring_hole, g->nrings, g->nrings + 1, sizeof *g->ring_hole);
        if (st) return st;
        g->ring_hole[g->nrings] = hole ? 1 : 0;
    }
    if (g->nrings == 0) g->ring_off[0] = 0;
    g->nrings++;
    g->ring_off[g->nrings] = (uint32_t)g->npts;
    return PM_OK;
}

pm_status pm_geom_add_pt(pm_geom *g, pm_pt p)
{
    pm_status st;
    if (g->nrings == 0 && (st = pm_geom_begin_ring(g, 0)) != PM_OK) return st;
    /* ring_off is uint32_t, so the vertex count must stay representable. */
    if (g->npts >= UINT32_MAX) return PM_ENOMEM;
    if ((st = reserve((void **)&g->pts, g->npts, g->npts + 1, sizeof *g->pts)) != PM_OK) return st;
    g->pts[g->npts++] = p;
    g->ring_off[g->nrings] = (uint32_t)g->npts;
    return PM_OK;
}

void pm_geom_update_bbox(pm_geom *g)
{
    g->bbox = pm_bbox_empty();
    for (size_t i = 0; i < g->npts; i++)
        if (isfinite(g->pts[i].x) && isfinite(g->pts[i].y)) pm_bbox_add(&g->bbox, g->pts[i]);
}

void pm_geom_finish(pm_geom *g)
{
    int poly = g->kind == PM_GEOM_POLYGON;
    size_t out_pts = 0, out_rings = 0;
    for (size_t r = 0; r < g->nrings; r++) {
        size_t a = g->ring_off[r], n = g->ring_off[r + 1] - a;
        if (poly && n >= 2 && g->pts[a].x == g->pts[a + n - 1].x
            && g->pts[a].y == g->pts[a + n - 1].y)
            n--;
        if (n == 0 || (poly && n < 3)) continue;
        /* Compaction only moves data towards the front, so memmove in place is safe. */
        memmove(g->pts + out_pts, g->pts + a, n * sizeof *g->pts);
        g->ring_off[out_rings] = (uint32_t)out_pts;
        if (poly && g->ring_hole) g->ring_hole[out_rings] = g->ring_hole[r];
        out_rings++;
        out_pts += n;
    }
    if (g->ring_off) g->ring_off[out_rings] = (uint32_t)out_pts;
    g->npts = out_pts;
    g->nrings = out_rings;
    pm_geom_update_bbox(g);
}

pm_status pm_geom_copy(pm_geom *dst, const pm_geom *src)
{
    pm_geom_init(dst, src->kind);
    size_t cp = cap_for(src->npts), cr = cap_for(src->nrings + 1);
    if (src->npts) dst->pts = malloc(cp * sizeof *dst->pts);
    if (src->nrings) dst->ring_off = malloc(cr * sizeof *dst->ring_off);
    if (src->nrings && src->ring_hole) dst->ring_hole = malloc(cap_for(src->nrings));
    if ((src->npts && !dst->pts) || (src->nrings && !dst->ring_off)
        || (src->nrings && src->ring_hole && !dst->ring_hole))
        goto fail;
    if (src->npts) memcpy(dst->pts, src->pts, src->npts * sizeof *dst->pts);
    if (src->nrings) memcpy(dst->ring_off, src->ring_off, (src->nrings + 1) * sizeof *dst->ring_off);
    if (dst->ring_hole) memcpy(dst->ring_hole, src->ring_hole, src->nrings);
    dst->npts = src->npts;
    dst->nrings = src->nrings;
    dst->bbox = src->bbox;
    return PM_OK;
fail:
    pm_geom_fini(dst);
    return PM_ENOMEM;
}

void pm_geom_fini(pm_geom *g)
{
    if (!g) return;
    free(g->pts);
    free(g->ring_off);
    free(g->ring_hole);
    pm_geom_init(g, g->kind);
}

double pm_ring_signed_area(const pm_pt *pts, size_t n)
{
    if (n < 3) return 0;
    /* Coordinates relative to the first vertex: projected metres are ~1e6-1e7, and
     * the shoelace products would otherwise lose the small polygon's digits. */
    double ox = pts[0].x, oy = pts[0].y, s = 0;
    for (size_t i = 1; i + 1 < n; i++)
        s += (pts[i].x - ox) * (pts[i + 1].y - oy) - (pts[i + 1].x - ox) * (pts[i].y - oy);
    return s / 2;
}

static size_t ring_len(const pm_geom *g, size_t r) { return g->ring_off[r + 1] - g->ring_off[r]; }

static int ring_is_hole(const pm_geom *g, size_t r) { return g->ring_hole && g->ring_hole[r]; }

double pm_geom_area(const pm_geom *g)
{
    if (g->kind != PM_GEOM_POLYGON) return 0;
    double a = 0;
    for (size_t r = 0; r < g->nrings; r++) {
        double ra = fabs(pm_ring_signed_area(g->pts + g->ring_off[r], ring_len(g, r)));
        a += ring_is_hole(g, r) ? -ra : ra;
    }
    return a;
}

/* 1 if the rightward ray from p crosses edge a-b.  The endpoints are put in a fixed
 * order first, so the two polygons that share this edge (traversing it in opposite
 * directions) compute bit-identical results: that is what makes the half-open rule
 * give a shared-edge point to exactly one of them. */
static int ray_crosses(pm_pt a, pm_pt b, pm_pt p)
{
    if ((a.y > p.y) == (b.y > p.y)) return 0;
    pm_pt lo = a.y < b.y ? a : b, hi = a.y < b.y ? b : a;
    double cross = (hi.x - lo.x) * (p.y - lo.y) - (hi.y - lo.y) * (p.x - lo.x);
    return cross > 0; /* p strictly left of the upward edge, i.e. p.x < the crossing x */
}

int pm_geom_contains(const pm_geom *g, pm_pt p)
{
    if (g->kind != PM_GEOM_POLYGON) return 0;
    if (pm_bbox_valid(&g->bbox) && (p.x < g->bbox.minx || p.x > g->bbox.maxx || p.y < g->bbox.miny || p.y > g->bbox.maxy))
        return 0;
    int inside = 0;
    for (size_t r = 0; r < g->nrings; r++) {
        const pm_pt *v = g->pts + g->ring_off[r];
        size_t n = ring_len(g, r);
        for (size_t i = 0, j = n - 1; i < n; j = i++)
            inside ^= ray_crosses(v[j], v[i], p);
    }
    return inside;
}

static double seg_dist2(pm_pt p, pm_pt a, pm_pt b)
{
    double dx = b.x - a.x, dy = b.y - a.y, x = a.x, y = a.y;
    double len2 = dx * dx + dy * dy;
    if (len2 > 0) {
        double t = ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2;
        if (t >= 1) {
            x = b.x;
            y = b.y;
        } else if (t > 0) {
            x += dx * t;
            y += dy * t;
        }
    }
    dx = p.x - x;
    dy = p.y - y;
    return dx * dx + dy * dy;
}

double pm_geom_dist2_to_boundary(const pm_geom *g, pm_pt p)
{
    double best = HUGE_VAL;
    for (size_t r = 0; r < g->nrings; r++) {
        const pm_pt *v = g->pts + g->ring_off[r];
        size_t n = ring_len(g, r);
        if (n == 1 || g->kind == PM_GEOM_POINT) {
            for (size_t i = 0; i < n; i++) {
                double d = seg_dist2(p, v[i], v[i]);
                if (d < best) best = d;
            }
            continue;
        }
        /* Polygon rings are stored open, so the closing edge n-1 -> 0 is implicit. */
        size_t i = g->kind == PM_GEOM_POLYGON ? 0 : 1;
        for (size_t j = g->kind == PM_GEOM_POLYGON ? n - 1 : 0; i < n; j = i++) {
            double d = seg_dist2(p, v[j], v[i]);
            if (d < best) best = d;
        }
    }
    return best;
}

static pm_pt vertex_mean(const pm_geom *g)
{
    pm_pt c = { 0, 0 };
    if (g->npts == 0) return c;
    double ox = g->pts[0].x, oy = g->pts[0].y;
    for (size_t i = 0; i < g->npts; i++) {
        c.x += g->pts[i].x - ox;
        c.y += g->pts[i].y - oy;
    }
    c.x = ox + c.x / (double)g->npts;
    c.y = oy + c.y / (double)g->npts;
    return c;
}

pm_pt pm_geom_centroid(const pm_geom *g)
{
    if (g->kind != PM_GEOM_POLYGON || g->npts == 0) return vertex_mean(g);
    double ox = g->pts[0].x, oy = g->pts[0].y, sa = 0, sx = 0, sy = 0;
    for (size_t r = 0; r < g->nrings; r++) {
        const pm_pt *v = g->pts + g->ring_off[r];
        size_t n = ring_len(g, r);
        double a = 0, cx = 0, cy = 0;
        for (size_t i = 0, j = n - 1; i < n; j = i++) {
            double xj = v[j].x - ox, yj = v[j].y - oy, xi = v[i].x - ox, yi = v[i].y - oy;
            double f = xj * yi - xi * yj;
            a += f;
            cx += (xj + xi) * f;
            cy += (yj + yi) * f;
        }
        /* Ring orientation is not normalised: weight by the flag, not by the sign. */
        double w = (a < 0) == !ring_is_hole(g, r) ? -1 : 1;
        sa += w * a;
        sx += w * cx;
        sy += w * cy;
    }
    if (sa == 0 || !isfinite(sa)) return vertex_mean(g);
    pm_pt c = { ox + sx / (3 * sa), oy + sy / (3 * sa) };
    return c;
}
