/* Visual centre of a polygon: the pole of inaccessibility by cell refinement ("polylabel"). */
#include "geo/geom.h"

#include <math.h>
#include <stdlib.h>

#define SQRT2 1.4142135623730951
/* Work bounds: cells evaluated (each costs O(vertices)) and cells in the first grid. */
#define WORK_BUDGET ((size_t)1 << 26)
#define MIN_CELLS ((size_t)1024)
#define MAX_CELLS ((size_t)1 << 16)

/* A square cell: centre, half size, signed distance of the centre to the boundary
 * (positive inside) and the best distance any point of the cell could have. */
typedef struct {
    double x, y, h, d, max;
    size_t seq; /* creation order: breaks ties so the search order is fully defined */
} cell;

typedef struct {
    cell *v;
    size_t n, cap, seq;
} heap;

static int before(const cell *a, const cell *b)
{
    return a->max > b->max || (a->max == b->max && a->seq < b->seq);
}

static int heap_push(heap *q, cell c)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        cell *v = cap <= SIZE_MAX / sizeof *v ? realloc(q->v, cap * sizeof *v) : NULL;
        if (!v) return 0;
        q->v = v;
        q->cap = cap;
    }
    size_t i = q->n++;
    while (i > 0 && before(&c, &q->v[(i - 1) / 2])) {
        q->v[i] = q->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    q->v[i] = c;
    return 1;
}

static cell heap_pop(heap *q)
{
    cell top = q->v[0], last = q->v[--q->n];
    size_t i = 0;
    for (;;) {
        size_t k = 2 * i + 1;
        if (k >= q->n) break;
        if (k + 1 < q->n && before(&q->v[k + 1], &q->v[k])) k++;
        if (!before(&q->v[k], &last)) break;
        q->v[i] = q->v[k];
        i = k;
    }
    if (q->n) q->v[i] = last;
    return top;
}

static cell make_cell(const pm_geom *g, double x, double y, double h, heap *q)
{
    pm_pt p = { x, y };
    double d = sqrt(pm_geom_dist2_to_boundary(g, p));
    cell c = { x, y, h, pm_geom_contains(g, p) ? d : -d, 0, q->seq++ };
    c.max = c.d + h * SQRT2;
    return c;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A point surely inside for most shapes, however thin: the middle of the widest
 * inside run of the horizontal line through the bbox centre (even-odd, like
 * pm_geom_contains).  Returns 0 if there is none or memory is short. */
static int scanline_seed(const pm_geom *g, pm_pt *out)
{
    double y = g->bbox.miny + (g->bbox.maxy - g->bbox.miny) / 2, best = 0;
    double *xs = malloc(g->npts * sizeof *xs);
    size_t n = 0;
    if (!xs) return 0;
    for (size_t r = 0; r < g->nrings; r++) {
        const pm_pt *v = g->pts + g->ring_off[r];
        size_t len = g->ring_off[r + 1] - g->ring_off[r];
        for (size_t i = 0, j = len - 1; i < len; j = i++) {
            pm_pt a = v[j], b = v[i];
            if ((a.y > y) == (b.y > y)) continue;
            xs[n++] = a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y);
        }
    }
    qsort(xs, n, sizeof *xs, cmp_double);
    for (size_t i = 0; i + 1 < n; i += 2) {
        if (xs[i + 1] - xs[i] > best) {
            best = xs[i + 1] - xs[i];
            out->x = xs[i] + best / 2;
            out->y = y;
        }
    }
    free(xs);
    return best > 0;
}

/* Cell size of the first grid: the shorter bbox side, enlarged for very elongated
 * shapes so that the grid stays within the budget. */
static double first_cell_size(double w, double h, size_t budget)
{
    double cs = w < h ? w : h;
    while (ceil(w / cs) * ceil(h / cs) > (double)budget / 2) cs *= 1.5;
    return cs;
}

static pm_pt degenerate(const pm_geom *g, double *radius)
{
    if (radius) *radius = 0;
    if (g->kind != PM_GEOM_POLYGON && pm_bbox_valid(&g->bbox)) {
        pm_pt c = { g->bbox.minx + (g->bbox.maxx - g->bbox.minx) / 2,
                    g->bbox.miny + (g->bbox.maxy - g->bbox.miny) / 2 };
        return c;
    }
    return pm_geom_centroid(g);
}

/* Seeds the queue with the first grid and returns the best of the grid, the
 * centroid and the scanline seed (the seeds are points, not queued). */
static cell seed(const pm_geom *g, heap *q, size_t budget, size_t *evaluated)
{
    const pm_bbox *b = &g->bbox;
    double w = b->maxx - b->minx, h = b->maxy - b->miny, cs = first_cell_size(w, h, budget);
    pm_pt c = pm_geom_centroid(g), s = c;
    cell best = make_cell(g, c.x, c.y, 0, q);
    if (scanline_seed(g, &s)) {
        cell sc = make_cell(g, s.x, s.y, 0, q);
        if (sc.d > best.d) best = sc;
    }
    /* Integer steps: x += cs could stall when cs is below the coordinates' ulp. */
    size_t nx = (size_t)ceil(w / cs), ny = (size_t)ceil(h / cs);
    for (size_t i = 0; i < nx; i++) {
        for (size_t j = 0; j < ny; j++) {
            double x = b->minx + (double)i * cs + cs / 2, y = b->miny + (double)j * cs + cs / 2;
            cell k = make_cell(g, x, y, cs / 2, q);
            ++*evaluated;
            if (k.d > best.d) best = k;
            if (!heap_push(q, k)) return best;
        }
    }
    return best;
}

pm_pt pm_geom_visual_centre(const pm_geom *g, double precision, double *radius)
{
    const pm_bbox *b = &g->bbox;
    double w = b->maxx - b->minx, h = b->maxy - b->miny;
    if (g->kind != PM_GEOM_POLYGON || g->nrings == 0 || !pm_bbox_valid(b))
        return degenerate(g, radius);
    if (!(w > 0 && h > 0 && isfinite(w) && isfinite(h)) || !(pm_geom_area(g) > 0))
        return degenerate(g, radius);
    /* Finer than this, cells stop being distinct doubles: refining is wasted work. */
    double mag = fmax(fmax(fabs(b->minx), fabs(b->maxx)), fmax(fabs(b->miny), fabs(b->maxy)));
    double floor_prec = fmax(w, h) * 1e-9 + mag * 1e-14;
    if (!(precision > floor_prec)) precision = floor_prec;
    size_t budget = WORK_BUDGET / (g->npts + 1);
    budget = budget < MIN_CELLS ? MIN_CELLS : budget > MAX_CELLS ? MAX_CELLS : budget;

    heap q = { 0 };
    size_t evaluated = 0;
    cell best = seed(g, &q, budget, &evaluated);
    while (q.n && evaluated + 4 <= budget) {
        cell c = heap_pop(&q);
        /* The queue is ordered by potential: nothing left can beat best by more. */
        if (c.max - best.d <= precision) break;
        double ch = c.h / 2;
        const double off[4][2] = { { -1, -1 }, { 1, -1 }, { -1, 1 }, { 1, 1 } };
        for (int k = 0; k < 4; k++) {
            cell n = make_cell(g, c.x + off[k][0] * ch, c.y + off[k][1] * ch, ch, &q);
            evaluated++;
            if (n.d > best.d) best = n;
            if (n.max - best.d > precision && !heap_push(&q, n)) goto done;
        }
    }
done:
    free(q.v);
    if (radius) *radius = best.d > 0 ? best.d : 0;
    pm_pt p = { best.x, best.y };
    return p;
}
