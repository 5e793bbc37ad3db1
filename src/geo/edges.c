/* Edges: one hash table of undirected segments, then runs of segments per ring. */
#include "geo/edges.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    pm_pt a, b;       /* a < b (x, then y) */
    uint32_t count;   /* rings having this segment */
    uint32_t owner;   /* id of its first occurrence */
} slot;

typedef struct {
    slot *slots;
    size_t mask;
    uint32_t *seg_slot; /* per segment id: its slot, or UINT32_MAX if zero-length */
} table;

static uint64_t bits(double d)
{
    d += 0.0; /* -0 and +0 are the same point */
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

static int pt_less(pm_pt p, pm_pt q)
{
    return p.x < q.x || (p.x == q.x && p.y < q.y);
}

static int pt_eq(pm_pt p, pm_pt q)
{
    return p.x == q.x && p.y == q.y;
}

/* The slot of segment (p, q), created with owner id if new. */
static uint32_t lookup(table *t, pm_pt p, pm_pt q, uint32_t id)
{
    if (pt_less(q, p)) { pm_pt s = p; p = q; q = s; }
    uint64_t h = mix(mix(mix(mix(0, bits(p.x)), bits(p.y)), bits(q.x)), bits(q.y));
    for (size_t i = (size_t)(h >> 17) & t->mask;; i = (i + 1) & t->mask) {
        slot *s = &t->slots[i];
        if (s->count == 0) {
            *s = (slot){ p, q, 0, id };
            return (uint32_t)i;
        }
        if (pt_eq(s->a, p) && pt_eq(s->b, q)) return (uint32_t)i;
    }
}

/* Segment k of a ring of m vertices from pts: pts[k] -> pts[(k + 1) % m]. */
static pm_pt seg_end(const pm_pt *pts, size_t m, size_t k)
{
    return pts[(k + 1) % m];
}

enum { SET_ALL, SET_OUTER, SET_INNER };

static int in_set(const table *t, uint32_t id, int set)
{
    uint32_t si = t->seg_slot[id];
    if (si == UINT32_MAX) return 1; /* a repeated vertex: carried along */
    const slot *s = &t->slots[si];
    return set == SET_OUTER ? s->count == 1 : set == SET_INNER ? s->count >= 2 && s->owner == id
                                                               : s->owner == id;
}

/* Appends the runs of ring (pts, m), whose first segment has id first, to g. */
static pm_status emit_ring(const table *t, const pm_pt *pts, size_t m, uint32_t first, int outer,
                           pm_geom *g)
{
    size_t k0 = m;
    for (size_t k = 0; k < m; k++)
        if (!in_set(t, first + (uint32_t)k, outer)) { k0 = k; break; }
    pm_status st = PM_OK;
    if (k0 == m) { /* the whole ring: one closed polyline */
        if ((st = pm_geom_begin_ring(g, 0)) != PM_OK) return st;
        for (size_t k = 0; k <= m && !st; k++) st = pm_geom_add_pt(g, pts[k % m]);
        return st;
    }
    int open = 0;
    for (size_t j = 1; j <= m && !st; j++) {
        size_t k = (k0 + j) % m;
        if (!in_set(t, first + (uint32_t)k, outer)) { open = 0; continue; }
        if (!open) {
            if ((st = pm_geom_begin_ring(g, 0)) != PM_OK) break;
            st = pm_geom_add_pt(g, pts[k]);
            open = 1;
        }
        if (!st) st = pm_geom_add_pt(g, seg_end(pts, m, k));
    }
    return st;
}

/* Drops polylines whose vertices all coincide (runs of repeated vertices only). */
static void drop_points(pm_geom *g)
{
    size_t out_pts = 0, out_rings = 0;
    for (size_t r = 0; r < g->nrings; r++) {
        size_t a = g->ring_off[r], n = g->ring_off[r + 1] - a;
        int moves = 0;
        for (size_t i = 1; i < n && !moves; i++) moves = !pt_eq(g->pts[a + i], g->pts[a]);
        if (!moves) continue;
        memmove(g->pts + out_pts, g->pts + a, n * sizeof *g->pts);
        g->ring_off[out_rings++] = (uint32_t)out_pts;
        out_pts += n;
    }
    if (g->ring_off) g->ring_off[out_rings] = (uint32_t)out_pts;
    g->npts = out_pts;
    g->nrings = out_rings;
}

static pm_bbox *ring_boxes(const pm_geom *g)
{
    pm_bbox *b = malloc((g->nrings + 1) * sizeof *b);
    if (!b) return NULL;
    for (size_t r = 0; r < g->nrings; r++) {
        b[r] = pm_bbox_empty();
        for (uint32_t i = g->ring_off[r]; i < g->ring_off[r + 1]; i++) pm_bbox_add(&b[r], g->pts[i]);
    }
    return b;
}

pm_status pm_edges_build(const pm_geom *polys, size_t n, pm_edges *e)
{
    memset(e, 0, sizeof *e);
    pm_geom_init(&e->all, PM_GEOM_LINE);
    pm_geom_init(&e->outer, PM_GEOM_LINE);
    pm_geom_init(&e->inner, PM_GEOM_LINE);
    size_t nseg = 0;
    for (size_t p = 0; p < n; p++)
        if (polys[p].kind == PM_GEOM_POLYGON) nseg += polys[p].npts;
    if (nseg >= UINT32_MAX / 4) return PM_ENOMEM;
    table t = { 0 };
    size_t cap = 16;
    while (cap < 2 * nseg) cap *= 2;
    t.slots = calloc(cap, sizeof *t.slots);
    t.seg_slot = malloc((nseg + 1) * sizeof *t.seg_slot);
    t.mask = cap - 1;
    pm_status st = PM_ENOMEM;
    if (!t.slots || !t.seg_slot) goto done;
    uint32_t id = 0;
    for (size_t p = 0; p < n; p++) {
        const pm_geom *g = &polys[p];
        if (g->kind != PM_GEOM_POLYGON) continue;
        for (size_t r = 0; r < g->nrings; r++) {
            const pm_pt *pts = g->pts + g->ring_off[r];
            size_t m = g->ring_off[r + 1] - g->ring_off[r];
            for (size_t k = 0; k < m; k++, id++) {
                pm_pt q = seg_end(pts, m, k);
                if (m < 2 || pt_eq(pts[k], q)) { t.seg_slot[id] = UINT32_MAX; continue; }
                uint32_t si = lookup(&t, pts[k], q, id);
                t.slots[si].count++;
                t.seg_slot[id] = si;
            }
        }
    }
    id = 0;
    st = PM_OK;
    for (size_t p = 0; p < n && !st; p++) {
        const pm_geom *g = &polys[p];
        if (g->kind != PM_GEOM_POLYGON) continue;
        for (size_t r = 0; r < g->nrings && !st; r++) {
            const pm_pt *pts = g->pts + g->ring_off[r];
            size_t m = g->ring_off[r + 1] - g->ring_off[r];
            if (m >= 2) {
                st = emit_ring(&t, pts, m, id, SET_ALL, &e->all);
                if (!st) st = emit_ring(&t, pts, m, id, SET_OUTER, &e->outer);
                if (!st) st = emit_ring(&t, pts, m, id, SET_INNER, &e->inner);
            }
            id += (uint32_t)m;
        }
    }
    if (st) goto done;
    drop_points(&e->all);
    drop_points(&e->outer);
    drop_points(&e->inner);
    pm_geom_finish(&e->all);
    pm_geom_finish(&e->outer);
    pm_geom_finish(&e->inner);
    e->all_bbox = ring_boxes(&e->all);
    e->outer_bbox = ring_boxes(&e->outer);
    e->inner_bbox = ring_boxes(&e->inner);
    if (!e->all_bbox || !e->outer_bbox || !e->inner_bbox) st = PM_ENOMEM;
done:
    free(t.slots);
    free(t.seg_slot);
    if (st) pm_edges_fini(e);
    return st;
}

void pm_edges_fini(pm_edges *e)
{
    if (!e) return;
    pm_geom_fini(&e->all);
    pm_geom_fini(&e->outer);
    pm_geom_fini(&e->inner);
    free(e->all_bbox);
    free(e->outer_bbox);
    free(e->inner_bbox);
    memset(e, 0, sizeof *e);
}
