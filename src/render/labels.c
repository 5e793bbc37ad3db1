/* Label placement: greedy by priority over positions inside each polygon, boxes tested
 * for collisions on hash grids (labels and obstacles; barrier segments). */
#include "render/labels.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIZES 24       /* size * 0.9^k reaches a tenth of size after 22 steps */
#define SIZE_STEP 0.9
#define GRID_MAX_CELLS 256 /* boxes covering more cells are checked linearly */
#define GRID_COORD_MAX 1e12

/* Boxes live in "placement space": CRS scaled to device units, y pointing down. */
typedef struct { double x0, y0, x1, y1; } box;

typedef struct { int64_t cx, cy; uint32_t box; int32_t next; } grid_entry;

typedef struct {
    double cell;
    int32_t *heads;   /* nheads chains of entries (power of two), -1 terminated */
    size_t nheads;
    grid_entry *ents;
    size_t nents, cap;
    box *boxes;       /* every placed box, without padding */
    size_t nboxes;
    uint32_t *big;    /* boxes too large for the grid */
    size_t nbig;
} grid;

typedef struct { double x0, y0, x1, y1; } seg;

/* A candidate's text in its three forms and their measures, per size. */
enum { FORM_FULL, FORM_WRAP, FORM_STEM, NFORMS };
typedef struct { double w1, h1, w2, h2, w, h; } label_dims;

#define NGRID 7
#define MAX_POS (1 + 16 + NGRID * NGRID)

typedef struct {
    pm_text *t;
    const pm_label_opts *o;
    double scale;
    double sizes[MAX_SIZES];
    int nsizes;
    grid g;          /* placed labels, obstacles, keep-out rectangles */
    grid bar;        /* barrier segments' boxes; segs[i] is box i's segment */
    seg *segs;
    /* the candidate being placed */
    const pm_label_cand *c;
    char *forms[NFORMS];           /* NULL: form not available */
    label_dims dims[MAX_SIZES][NFORMS];
    unsigned char measured[MAX_SIZES][NFORMS];
    double pos[MAX_POS][2];        /* offsets from the anchor (CRS units) */
    int npos;
    double spill_k;                /* the last resort overhangs twice as far */
} placer;

/* ---- grid ---- */

static pm_status grid_init(grid *g, size_t n, double cell)
{
    memset(g, 0, sizeof *g);
    g->cell = cell;
    g->nheads = 64;
    while (g->nheads < 4 * n && g->nheads < ((size_t)1 << 24)) g->nheads *= 2;
    g->heads = malloc(g->nheads * sizeof *g->heads);
    g->boxes = malloc((n ? n : 1) * sizeof *g->boxes);
    g->big = malloc((n ? n : 1) * sizeof *g->big);
    if (!g->heads || !g->boxes || !g->big) return PM_ENOMEM;
    for (size_t i = 0; i < g->nheads; i++) g->heads[i] = -1;
    return PM_OK;
}

static void grid_fini(grid *g)
{
    free(g->heads);
    free(g->ents);
    free(g->boxes);
    free(g->big);
    memset(g, 0, sizeof *g);
}

static int64_t cell_of(const grid *g, double v)
{
    double c = floor(v / g->cell);
    if (c > GRID_COORD_MAX) c = GRID_COORD_MAX;
    if (c < -GRID_COORD_MAX) c = -GRID_COORD_MAX;
    return (int64_t)c;
}

static size_t bucket(const grid *g, int64_t cx, int64_t cy)
{
    uint64_t h = (uint64_t)cx * 0x9E3779B97F4A7C15ull ^
                 ((uint64_t)cy + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 29;
    return (size_t)(h & (g->nheads - 1));
}

/* Touching boxes do not overlap: the padding is then exactly the gap kept. */
static int overlaps(const box *a, const box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Cell range of b; 0 if it covers too many cells for the grid. */
static int cell_range(const grid *g, const box *b, int64_t r[4])
{
    r[0] = cell_of(g, b->x0); r[1] = cell_of(g, b->y0);
    r[2] = cell_of(g, b->x1); r[3] = cell_of(g, b->y1);
    return (double)(r[2] - r[0] + 1) * (double)(r[3] - r[1] + 1) <= GRID_MAX_CELLS;
}

/* 1 if segment s crosses or touches box q (Liang–Barsky clipping). */
static int seg_hits(const seg *s, const box *q)
{
    double t0 = 0, t1 = 1, dx = s->x1 - s->x0, dy = s->y1 - s->y0;
    double p[4] = { -dx, dx, -dy, dy };
    double d[4] = { s->x0 - q->x0, q->x1 - s->x0, s->y0 - q->y0, q->y1 - s->y0 };
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (d[i] < 0) return 0;
            continue;
        }
        double t = d[i] / p[i];
        if (p[i] < 0) { if (t > t1) return 0; if (t > t0) t0 = t; }
        else { if (t < t0) return 0; if (t < t1) t1 = t; }
    }
    return 1;
}

static int hit(const grid *g, const seg *segs, const box *q, uint32_t id)
{
    return overlaps(q, &g->boxes[id]) && (!segs || seg_hits(&segs[id], q));
}

/* 1 if q overlaps a box of g (and, with segs, the segment of that box). */
static int grid_hits(const grid *g, const seg *segs, const box *q)
{
    int64_t r[4];
    if (!cell_range(g, q, r)) {
        for (size_t i = 0; i < g->nboxes; i++)
            if (hit(g, segs, q, (uint32_t)i)) return 1;
        return 0;
    }
    for (size_t i = 0; i < g->nbig; i++)
        if (hit(g, segs, q, g->big[i])) return 1;
    for (int64_t cy = r[1]; cy <= r[3]; cy++)
        for (int64_t cx = r[0]; cx <= r[2]; cx++)
            for (int32_t e = g->heads[bucket(g, cx, cy)]; e >= 0; e = g->ents[e].next) {
                const grid_entry *en = &g->ents[e];
                if (en->cx == cx && en->cy == cy && hit(g, segs, q, en->box)) return 1;
            }
    return 0;
}

static pm_status grid_add(grid *g, const box *b)
{
    uint32_t id = (uint32_t)g->nboxes;
    g->boxes[g->nboxes++] = *b;
    int64_t r[4];
    if (!cell_range(g, b, r)) {
        g->big[g->nbig++] = id;
        return PM_OK;
    }
    for (int64_t cy = r[1]; cy <= r[3]; cy++)
        for (int64_t cx = r[0]; cx <= r[2]; cx++) {
            if (g->nents == g->cap) {
                size_t cap = g->cap ? g->cap * 2 : 256;
                if (cap > INT32_MAX) return PM_ENOMEM;
                grid_entry *n = realloc(g->ents, cap * sizeof *n);
                if (!n) return PM_ENOMEM;
                g->ents = n;
                g->cap = cap;
            }
            size_t h = bucket(g, cx, cy);
            g->ents[g->nents] = (grid_entry){ cx, cy, id, g->heads[h] };
            g->heads[h] = (int32_t)g->nents++;
        }
    return PM_OK;
}

/* ---- text forms ---- */

static int is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

static size_t nchars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) n += !is_cont((unsigned char)s[i]);
    return n;
}

static int has_text(const char *s) { return s && *s; }

size_t pm_label_unit_offset(const char *name, const char *term)
{
    static const char *const units[] = { "社区", "居委会", "居民区", "村委会", "居民委员会", "委员会" };
    if (!name) return 0;
    size_t n = strlen(name), best = 0;
    for (int i = -1; i < (int)(sizeof units / sizeof *units); i++) {
        const char *u = i < 0 ? term : units[i];
        if (!u || !*u || strcmp(u, "村") == 0) continue;
        size_t k = strlen(u);
        /* the longest term that matches: 村委会 rather than 委员会 */
        if (n > k && strcmp(name + n - k, u) == 0 && nchars(name, n - k) >= 2 &&
            (!best || n - k < best))
            best = n - k;
    }
    return best;
}

/* Two lines: before the unit term, else at the space nearest the middle; NULL if
 * the name has neither (never inside a word) or on allocation failure (*oom). */
static char *wrap_text(const pm_label_cand *c, int *oom)
{
    const char *s = c->text;
    size_t len = strlen(s), cut = 0;
    *oom = 0;
    if (strchr(s, '\n')) return NULL;
    if (c->unit_off > 0 && c->unit_off < len) {
        cut = c->unit_off;
    } else {
        size_t n = nchars(s, len), k = 0;
        double best = INFINITY;
        for (size_t i = 0; i < len; i++) {
            if (is_cont((unsigned char)s[i])) continue;
            double d = fabs((double)k - (double)(n - 1) / 2);
            if (s[i] == ' ' && k > 0 && k + 1 < n && d < best) { best = d; cut = i; }
            k++;
        }
        if (!cut) return NULL;
    }
    char *r = malloc(len + 2);
    if (!r) { *oom = 1; return NULL; }
    if (s[cut] == ' ') {
        memcpy(r, s, len + 1);
        r[cut] = '\n';
        return r;
    }
    memcpy(r, s, cut);
    r[cut] = '\n';
    memcpy(r + cut + 1, s + cut, len - cut + 1);
    return r;
}

static char *stem_text(const pm_label_cand *c, int *oom)
{
    *oom = 0;
    size_t len = strlen(c->text);
    if (!(c->unit_off > 0 && c->unit_off < len)) return NULL;
    char *r = malloc(c->unit_off + 1);
    if (!r) { *oom = 1; return NULL; }
    memcpy(r, c->text, c->unit_off);
    r[c->unit_off] = 0;
    return r;
}

void pm_label_text(const pm_label_cand *c, const pm_label *l, char *buf, size_t len)
{
    if (!len) return;
    int oom;
    char *f = l->stem ? stem_text(c, &oom) : l->wrapped ? wrap_text(c, &oom) : NULL;
    snprintf(buf, len, "%s", f ? f : c->text);
    free(f);
}

/* Main text and sub line, each centred, stacked: sizes of the parts and the whole. */
static pm_status measure_label(pm_text *t, const pm_label_opts *o, const char *text,
                               const char *sub, double size, label_dims *d)
{
    memset(d, 0, sizeof *d);
    pm_textstyle st = o->text;
    st.size = size;
    st.max_width = 0;
    st.align = PM_ALIGN_CENTER;
    pm_status s = pm_text_measure(t, text, &st, &d->w1, &d->h1);
    if (!s && has_text(sub)) {
        st.size = size * o->sub_ratio;
        s = pm_text_measure(t, sub, &st, &d->w2, &d->h2);
    }
    d->w = fmax(d->w1, d->w2);
    d->h = d->h1 + d->h2;
    return s;
}

/* ---- placement ---- */

/* The box may leave the room circle by spill room radii on each axis (polygons are
 * rarely round, and a label slightly over the boundary still reads as the polygon's). */
static int fits_room(const placer *p, double ox, double oy, double w, double h)
{
    const pm_label_cand *c = p->c;
    if (!(c->room > 0)) return 1;
    double lim = (1 + (p->o->spill > 0 ? p->o->spill : 1) * p->spill_k) * c->room * p->scale;
    return fabs(ox) + w / 2 <= lim && fabs(oy) + h / 2 <= lim;
}

/* 1 if the box b (placement space) lies inside the polygon: a 3 × 5 lattice of its
 * points, rim included, is. */
static int inside_poly(const placer *p, const box *b)
{
    const pm_geom *g = p->c->poly;
    for (int j = 0; j < 3; j++)
        for (int i = 0; i < 5; i++) {
            pm_pt q = { (b->x0 + (b->x1 - b->x0) * i / 4) / p->scale,
                        -(b->y0 + (b->y1 - b->y0) * j / 2) / p->scale };
            if (!pm_geom_contains(g, q)) return 0;
        }
    return 1;
}

static const double ring_dirs[8][2] = {
    { 0, 1 }, { 0, -1 }, { 1, 0 }, { -1, 0 },
    { 0.70710678118654752, 0.70710678118654752 }, { -0.70710678118654752, 0.70710678118654752 },
    { 0.70710678118654752, -0.70710678118654752 }, { -0.70710678118654752, -0.70710678118654752 },
};

typedef struct { double d, x, y; int k; } pos_item;

static int cmp_pos(const void *a, const void *b)
{
    const pos_item *x = a, *y = b;
    if (x->d != y->d) return x->d < y->d ? -1 : 1;
    return x->k - y->k;
}

/* The anchor, rings at a quarter and half the room (vertical moves first: labels
 * are wider than tall), and the points of a grid over the polygon that lie in it,
 * nearest the anchor first. */
static void make_positions(placer *p)
{
    const pm_label_cand *c = p->c;
    pos_item it[MAX_POS];
    int n = 0;
    it[n++] = (pos_item){ 0, 0, 0, 0 };
    if (c->room > 0)
        for (int r = 0; r < 2; r++)
            for (int k = 0; k < 8; k++) {
                double rr = (r ? 0.5 : 0.25) * c->room;
                it[n] = (pos_item){ rr, ring_dirs[k][0] * rr, ring_dirs[k][1] * rr, n };
                n++;
            }
    const pm_geom *g = c->poly;
    if (g && g->kind == PM_GEOM_POLYGON && pm_bbox_valid(&g->bbox))
        for (int j = 0; j < NGRID; j++)
            for (int i = 0; i < NGRID; i++) {
                pm_pt q = { g->bbox.minx + (g->bbox.maxx - g->bbox.minx) * (i + 0.5) / NGRID,
                            g->bbox.miny + (g->bbox.maxy - g->bbox.miny) * (j + 0.5) / NGRID };
                if (!pm_geom_contains(g, q)) continue;
                double dx = q.x - c->anchor.x, dy = q.y - c->anchor.y;
                it[n] = (pos_item){ hypot(dx, dy) + (c->room > 0 ? c->room : 0), dx, dy, n };
                n++;
            }
    qsort(it, (size_t)n, sizeof *it, cmp_pos);
    for (int i = 0; i < n; i++) { p->pos[i][0] = it[i].x; p->pos[i][1] = it[i].y; }
    p->npos = n;
}

static pm_status dims_of(placer *p, int si, int form, const label_dims **d)
{
    if (!p->measured[si][form]) {
        pm_status s = measure_label(p->t, p->o, p->forms[form], p->c->sub, p->sizes[si],
                                    &p->dims[si][form]);
        if (s) return s;
        p->measured[si][form] = 1;
    }
    *d = &p->dims[si][form];
    return PM_OK;
}

/* 1 if the box b is free: of labels and obstacles, barriers and the frame. */
static int free_at(const placer *p, const box *b, double size)
{
    double pad = p->o->padding, side = pad + 0.35 * size;
    box q = { b->x0 - side, b->y0 - pad, b->x1 + side, b->y1 + pad };
    if (p->o->framed) {
        const pm_bbox *f = &p->o->frame;
        if (q.x0 < f->minx * p->scale || q.x1 > f->maxx * p->scale ||
            q.y0 < -f->maxy * p->scale || q.y1 > -f->miny * p->scale)
            return 0;
    }
    if (grid_hits(&p->g, NULL, &q)) return 0;
    box qb = { b->x0 - pad, b->y0 - pad, b->x1 + pad, b->y1 + pad };
    return !p->segs || !grid_hits(&p->bar, p->segs, &qb);
}

/* Tries every position of one size and form; strict: the box wholly inside the
 * polygon.  *placed is set and l filled on success. */
static pm_status try_form(placer *p, int si, int form, int strict, pm_label *l, int *placed)
{
    const label_dims *d;
    pm_status s = dims_of(p, si, form, &d);
    if (s) return s;
    const pm_label_cand *c = p->c;
    int npos = c->room > 0 || c->poly ? p->npos : 1;
    for (int k = 0; k < npos; k++) {
        double fx = p->pos[k][0], fy = p->pos[k][1];
        double ox = fx * p->scale, oy = -fy * p->scale;
        double cx = c->anchor.x * p->scale + ox, cy = -c->anchor.y * p->scale + oy;
        box b = { cx - d->w / 2, cy - d->h / 2, cx + d->w / 2, cy + d->h / 2 };
        if (strict) {
            if (!inside_poly(p, &b)) continue;
        } else {
            if (!fits_room(p, ox, oy, d->w, d->h)) continue;
            if (c->poly && !pm_geom_contains(c->poly, (pm_pt){ c->anchor.x + fx, c->anchor.y + fy }))
                continue;
        }
        if (!free_at(p, &b, p->sizes[si])) continue;
        *l = (pm_label){ 0, { c->anchor.x + fx, c->anchor.y + fy }, p->sizes[si], d->w, d->h,
                         form == FORM_WRAP, form == FORM_STEM, strict, d->w1, d->h1, d->w2 };
        *placed = 1;
        return grid_add(&p->g, &b);
    }
    return PM_OK;
}

/* One phase: every size with the whole name (one line, then two), then every size
 * without the unit term. */
static pm_status try_phase(placer *p, int strict, pm_label *l, int *placed)
{
    pm_status s = PM_OK;
    for (int i = 0; i < p->nsizes && !s && !*placed; i++)
        for (int f = FORM_FULL; f <= FORM_WRAP && !s && !*placed; f++)
            if (p->forms[f]) s = try_form(p, i, f, strict, l, placed);
    for (int i = 0; p->forms[FORM_STEM] && i < p->nsizes && !s && !*placed; i++)
        s = try_form(p, i, FORM_STEM, strict, l, placed);
    return s;
}

static pm_status place_one(placer *p, const pm_label_cand *c, pm_label *l, int *placed)
{
    *placed = 0;
    int oom1, oom2;
    p->c = c;
    p->forms[FORM_FULL] = (char *)c->text;
    p->forms[FORM_WRAP] = wrap_text(c, &oom1);
    p->forms[FORM_STEM] = stem_text(c, &oom2);
    memset(p->measured, 0, sizeof p->measured);
    pm_status s = oom1 || oom2 ? PM_ENOMEM : PM_OK;
    make_positions(p);
    if (!s && c->poly) s = try_phase(p, 1, l, placed);
    p->spill_k = 1;
    if (!s && !*placed) s = try_phase(p, 0, l, placed);
    p->spill_k = 2; /* a name over its neighbours' edges beats no name */
    if (!s && !*placed && p->o->last_resort) s = try_phase(p, 0, l, placed);
    free(p->forms[FORM_WRAP]);
    free(p->forms[FORM_STEM]);
    return s;
}

static int valid_opts(const pm_label_opts *o, double scale)
{
    return isfinite(scale) && scale > 0 && isfinite(o->size) && o->size > 0 &&
           isfinite(o->min_size) && isfinite(o->sub_ratio) && o->sub_ratio > 0 &&
           isfinite(o->padding) && o->padding >= 0 && isfinite(o->spill) && o->spill >= 0 &&
           isfinite(o->min_room) && (!o->nkeepout || o->keepout) &&
           (!o->barrier || o->barrier_bbox);
}

static void make_sizes(placer *p)
{
    double size = p->o->size, min = p->o->min_size;
    if (!(min > 0) || min > size) min = size;
    p->nsizes = 0;
    for (double s = size; s > min * 1.0001 && p->nsizes < MAX_SIZES - 1; s *= SIZE_STEP)
        p->sizes[p->nsizes++] = s;
    p->sizes[p->nsizes++] = min;
}

typedef struct { double prio; size_t idx; } order_item;

static int cmp_order(const void *a, const void *b)
{
    const order_item *x = a, *y = b;
    if (x->prio != y->prio) return x->prio > y->prio ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static int usable(const pm_label_cand *c, const pm_label_opts *o, double scale)
{
    return has_text(c->text) && isfinite(c->anchor.x) && isfinite(c->anchor.y) &&
           !isnan(c->room) && !(o->min_room > 0 && c->room > 0 && 2 * c->room * scale < o->min_room);
}

/* Obstacle squares, keep-out rectangles and barrier segments into the grids. */
static pm_status add_fixed(placer *p)
{
    const pm_label_opts *o = p->o;
    double sc = p->scale;
    pm_status s = PM_OK;
    for (size_t i = 0; !s && o->obstacles && i < o->nobstacles; i++) {
        double cx = o->obstacles[i].x * sc, cy = -o->obstacles[i].y * sc, r = o->obstacle_size / 2;
        box b = { cx - r, cy - r, cx + r, cy + r };
        s = grid_add(&p->g, &b);
    }
    for (size_t i = 0; !s && i < o->nkeepout; i++) {
        const pm_bbox *k = &o->keepout[i];
        box b = { k->minx * sc, -k->maxy * sc, k->maxx * sc, -k->miny * sc };
        s = grid_add(&p->g, &b);
    }
    const pm_geom *g = o->barrier;
    if (s || !g || g->npts < 2) return s;
    if (!(p->segs = malloc(g->npts * sizeof *p->segs))) return PM_ENOMEM;
    if ((s = grid_init(&p->bar, g->npts, 4 * o->size)) != PM_OK) return s;
    for (size_t r = 0; !s && r < g->nrings; r++)
        for (uint32_t i = g->ring_off[r] + 1; !s && i < g->ring_off[r + 1]; i++) {
            seg sg = { g->pts[i - 1].x * sc, -g->pts[i - 1].y * sc, g->pts[i].x * sc, -g->pts[i].y * sc };
            box b = { fmin(sg.x0, sg.x1), fmin(sg.y0, sg.y1), fmax(sg.x0, sg.x1), fmax(sg.y0, sg.y1) };
            p->segs[p->bar.nboxes] = sg;
            s = grid_add(&p->bar, &b);
        }
    return s;
}

pm_status pm_labels_place(pm_text *t, const pm_label_cand *cands, size_t n,
                          double scale, const pm_label_opts *opts, pm_labelset *out)
{
    memset(out, 0, sizeof *out);
    out->scale = scale;
    if (!t || !opts || (n && !cands)) return PM_EINTERNAL;
    if (!valid_opts(opts, scale)) return PM_EDATA;
    if (n > UINT32_MAX || n > SIZE_MAX / sizeof(order_item)) return PM_ENOMEM;
    placer *p = calloc(1, sizeof *p);
    if (!p) return PM_ENOMEM;
    p->t = t;
    p->o = opts;
    p->scale = scale;
    make_sizes(p);
    order_item *ord = malloc((n ? n : 1) * sizeof *ord);
    out->items = malloc((n ? n : 1) * sizeof *out->items);
    pm_status s = grid_init(&p->g, n + opts->nobstacles + opts->nkeepout, 4 * opts->size);
    if (!s && (!ord || !out->items)) s = PM_ENOMEM;
    if (!s) s = add_fixed(p); /* symbols first: labels move aside or shrink rather than cover them */
    if (s) goto fail;
    for (size_t i = 0; i < n; i++)
        ord[i] = (order_item){ isnan(cands[i].priority) ? -INFINITY : cands[i].priority, i };
    qsort(ord, n, sizeof *ord, cmp_order);
    for (size_t i = 0; i < n; i++) {
        const pm_label_cand *c = &cands[ord[i].idx];
        if (!usable(c, opts, scale)) continue;
        int placed;
        pm_label l;
        s = place_one(p, c, &l, &placed);
        if (s) goto fail;
        if (!placed) continue;
        l.cand = ord[i].idx;
        out->items[out->count++] = l;
    }
    goto done;
fail:
    pm_labelset_fini(out);
    out->scale = scale;
done:
    grid_fini(&p->g);
    grid_fini(&p->bar);
    free(p->segs);
    free(p);
    free(ord);
    return s;
}

void pm_labelset_fini(pm_labelset *ls)
{
    if (!ls) return;
    free(ls->items);
    memset(ls, 0, sizeof *ls);
}

void pm_label_rect(const pm_labelset *ls, const pm_label *l, double r[4])
{
    r[0] = l->anchor.x * ls->scale - l->w / 2;
    r[1] = -l->anchor.y * ls->scale - l->h / 2;
    r[2] = r[0] + l->w;
    r[3] = r[1] + l->h;
}

void pm_label_box(const pm_label *l, const pm_view *v, double *x, double *y)
{
    pm_pt d = pm_view_to_dev(v, l->anchor);
    *x = d.x - l->w / 2;
    *y = d.y - l->h / 2;
}

static pm_status draw_one(pm_text *t, cairo_t *cr, const pm_label *l, const char *text,
                          const char *sub, const pm_label_opts *o, double x, double y)
{
    pm_textstyle st = o->text;
    st.size = l->size;
    st.max_width = 0;
    st.align = PM_ALIGN_CENTER;
    /* the parts as measured at placement, each centred in the box */
    pm_status s = pm_text_draw(t, cr, text, &st, x + (l->w - l->w1) / 2, y);
    if (!s && has_text(sub)) {
        st.size = l->size * o->sub_ratio;
        s = pm_text_draw(t, cr, sub, &st, x + (l->w - l->w2) / 2, y + l->h1);
    }
    return s;
}

pm_status pm_labels_draw(pm_text *t, cairo_t *cr, const pm_view *v, const pm_labelset *ls,
                         const pm_label_cand *cands, const pm_label_opts *opts)
{
    /* A label just outside the rectangle can still reach into it with its halo. */
    double m = (opts->text.halo.a > 0 ? opts->text.halo_width / 2 : 0) + 1;
    for (size_t i = 0; i < ls->count; i++) {
        const pm_label *l = &ls->items[i];
        double x, y;
        pm_label_box(l, v, &x, &y);
        if (x + l->w + m <= v->x || x - m >= v->x + v->w ||
            y + l->h + m <= v->y || y - m >= v->y + v->h)
            continue;
        const pm_label_cand *c = &cands[l->cand];
        char *form = NULL;
        int oom = 0;
        if (l->stem) form = stem_text(c, &oom);
        else if (l->wrapped) form = wrap_text(c, &oom);
        if (oom) return PM_ENOMEM;
        pm_status s = draw_one(t, cr, l, form ? form : c->text, c->sub, opts, x, y);
        free(form);
        if (s) return s;
    }
    return PM_OK;
}
