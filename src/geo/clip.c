/* Sutherland–Hodgman clipping of polygon rings against a rectangle. */
#include "geo/clip.h"

#include <stdlib.h>
#include <string.h>

typedef struct { pm_pt *p; size_t n, cap; } ptvec;

static int push(ptvec *v, pm_pt p)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        pm_pt *q = realloc(v->p, cap * sizeof *q);
        if (!q) return 0;
        v->p = q;
        v->cap = cap;
    }
    v->p[v->n++] = p;
    return 1;
}

/* edge 0..3: x >= minx, x <= maxx, y >= miny, y <= maxy */
static int inside(pm_pt p, int e, pm_bbox b)
{
    switch (e) {
    case 0: return p.x >= b.minx;
    case 1: return p.x <= b.maxx;
    case 2: return p.y >= b.miny;
    default: return p.y <= b.maxy;
    }
}

static pm_pt cross(pm_pt a, pm_pt c, int e, pm_bbox b)
{
    double v = e == 0 ? b.minx : e == 1 ? b.maxx : e == 2 ? b.miny : b.maxy;
    double t = e < 2 ? (v - a.x) / (c.x - a.x) : (v - a.y) / (c.y - a.y);
    pm_pt r = { a.x + t * (c.x - a.x), a.y + t * (c.y - a.y) };
    if (e < 2) r.x = v; else r.y = v;
    return r;
}

static int clip_ring(const pm_pt *pts, size_t n, pm_bbox b, ptvec *out, ptvec *tmp)
{
    out->n = 0;
    for (size_t i = 0; i < n; i++) if (!push(out, pts[i])) return 0;
    for (int e = 0; e < 4 && out->n; e++) {
        tmp->n = 0;
        for (size_t i = 0; i < out->n; i++) {
            pm_pt a = out->p[(i + out->n - 1) % out->n], c = out->p[i];
            int ia = inside(a, e, b), ic = inside(c, e, b);
            if (ic && !ia && !push(tmp, cross(a, c, e, b))) return 0;
            if (ic && !push(tmp, c)) return 0;
            if (!ic && ia && !push(tmp, cross(a, c, e, b))) return 0;
        }
        ptvec t = *out;
        *out = *tmp;
        *tmp = t;
    }
    return 1;
}

pm_status pm_geom_clip_box(const pm_geom *g, pm_bbox box, pm_geom *dst)
{
    if (g->kind != PM_GEOM_POLYGON) return pm_geom_copy(dst, g);
    pm_geom_init(dst, PM_GEOM_POLYGON);
    ptvec a = { 0 }, t = { 0 };
    pm_status st = PM_OK;
    for (size_t r = 0; !st && r < g->nrings; r++) {
        size_t n = g->ring_off[r + 1] - g->ring_off[r];
        if (!clip_ring(g->pts + g->ring_off[r], n, box, &a, &t)) { st = PM_ENOMEM; break; }
        if (a.n < 3) continue;
        st = pm_geom_begin_ring(dst, g->ring_hole ? g->ring_hole[r] : 0);
        for (size_t i = 0; !st && i < a.n; i++) st = pm_geom_add_pt(dst, a.p[i]);
    }
    free(a.p);
    free(t.p);
    if (st) { pm_geom_fini(dst); return st; }
    pm_geom_finish(dst);
    return PM_OK;
}
