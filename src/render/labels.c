/* Label placement: greedy by priority, boxes tested for collisions on a hash grid. */
#include "render/labels.h"

#include <math.h>
#include <stdint.h>
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

typedef struct {
    pm_text *t;
    const pm_label_opts *o;
    double scale;
    double sizes[MAX_SIZES];
    int nsizes;
    grid g;
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

static int grid_hits(const grid *g, const box *q)
{
    int64_t r[4];
    if (!cell_range(g, q, r)) {
        for (size_t i = 0; i < g->nboxes; i++)
            if (overlaps(q, &g->boxes[i])) return 1;
        return 0;
    }
    for (size_t i = 0; i < g->nbig; i++)
        if (overlaps(q, &g->boxes[g->big[i]])) return 1;
    for (int64_t cy = r[1]; cy <= r[3]; cy++)
        for (int64_t cx = r[0]; cx <= r[2]; cx++)
            for (int32_t e = g->heads[bucket(g, cx, cy)]; e >= 0; e = g->ents[e].next) {
                const grid_entry *en = &g->ents[e];
                if (en->cx == cx && en->cy == cy && overlaps(q, &g->boxes[en->box]))
                    return 1;
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

/* ---- text helpers shared by placement and drawing ---- */

static int is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Code point at s (valid UTF-8 assumed: Pango rejects the rest before we get here). */
static uint32_t decode(const unsigned char *s)
{
    if (s[0] < 0x80) return s[0];
    if (s[0] < 0xE0) return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    if (s[0] < 0xF0)
        return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
           (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
}

/* Marks that belong to the character before them: never start a line with one. */
static int is_attached(uint32_t cp)
{
    return (cp >= 0x300 && cp <= 0x36F) || cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           (cp >= 0xE0100 && cp <= 0xE01EF);
}

/* Two lines for a label: at the space nearest the middle if there is one (names
 * with words), else after the middle character (ceil(n/2) characters on the first
 * line).  Returns a new string (caller frees), or NULL if the text cannot be split
 * or on allocation failure (*oom set). */
static char *wrap_text(const char *s, int *oom)
{
    *oom = 0;
    size_t len = strlen(s), n = 0, best_sp = 0;
    double best_d = INFINITY;
    if (strchr(s, '\n')) return NULL;
    for (size_t i = 0; i < len; i++) n += !is_cont((unsigned char)s[i]);
    if (n < 2) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (is_cont((unsigned char)s[i])) continue;
        double d = fabs((double)k - (double)(n - 1) / 2);
        if (s[i] == ' ' && k > 0 && k + 1 < n && d < best_d) { best_d = d; best_sp = i; }
        k++;
    }
    char *r = malloc(len + 2);
    if (!r) { *oom = 1; return NULL; }
    if (best_sp) {
        memcpy(r, s, len + 1);
        r[best_sp] = '\n';
        return r;
    }
    size_t cut = 0;
    for (k = 0; cut < len; cut++)
        if (!is_cont((unsigned char)s[cut]) && k++ == (n + 1) / 2) break;
    while (cut < len && is_attached(decode((const unsigned char *)s + cut))) {
        cut++;
        while (cut < len && is_cont((unsigned char)s[cut])) cut++;
    }
    if (cut >= len) { free(r); return NULL; }
    memcpy(r, s, cut);
    r[cut] = '\n';
    memcpy(r + cut + 1, s + cut, len - cut + 1);
    return r;
}

static int has_text(const char *s) { return s && *s; }

/* Main text and sub line, each centred, stacked: sizes of the parts and the whole. */
typedef struct { double w1, h1, w2, h2, w, h; } label_dims;

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

/* The box may stick out of the room circle by at most the room radius (polygons are
 * rarely round, and a label slightly over the boundary still reads as the polygon's). */
static int fits_room(const pm_label_cand *c, double scale, double ox, double oy,
                     double w, double h)
{
    if (!(c->room > 0)) return 1;
    double lim = 2 * c->room * scale;
    return fabs(ox) + w / 2 <= lim && fabs(oy) + h / 2 <= lim;
}

/* The anchor, then rings at a quarter and half the room radius; vertical moves
 * first, since labels are wider than tall. */
static const double ring_dirs[8][2] = {
    { 0, 1 }, { 0, -1 }, { 1, 0 }, { -1, 0 },
    { 0.70710678118654752, 0.70710678118654752 }, { -0.70710678118654752, 0.70710678118654752 },
    { 0.70710678118654752, -0.70710678118654752 }, { -0.70710678118654752, -0.70710678118654752 },
};
static const double ring_radii[2] = { 0.25, 0.5 };
#define NPOS (1 + 8 * 2)

static void position(const pm_label_cand *c, int k, double *fx, double *fy)
{
    *fx = *fy = 0;
    if (k == 0) return;
    k--;
    double r = ring_radii[k / 8] * c->room;
    *fx = ring_dirs[k % 8][0] * r;
    *fy = ring_dirs[k % 8][1] * r;
}

/* Tries every position at one size; *placed is set and l filled on success. */
static pm_status try_size(placer *p, const pm_label_cand *c, const char *text, double size,
                          int wrapped, pm_label *l, int *placed)
{
    label_dims d;
    pm_status s = measure_label(p->t, p->o, text, c->sub, size, &d);
    if (s) return s;
    int npos = c->room > 0 ? NPOS : 1;
    double pad = p->o->padding;
    for (int k = 0; k < npos; k++) {
        double fx, fy;
        position(c, k, &fx, &fy);
        double ox = fx * p->scale, oy = -fy * p->scale;
        if (!fits_room(c, p->scale, ox, oy, d.w, d.h)) continue;
        double cx = c->anchor.x * p->scale + ox, cy = -c->anchor.y * p->scale + oy;
        box b = { cx - d.w / 2, cy - d.h / 2, cx + d.w / 2, cy + d.h / 2 };
        box q = { b.x0 - pad, b.y0 - pad, b.x1 + pad, b.y1 + pad };
        if (grid_hits(&p->g, &q)) continue;
        *l = (pm_label){ 0, { c->anchor.x + fx, c->anchor.y + fy }, size, d.w, d.h, wrapped,
                         d.w1, d.h1, d.w2 };
        *placed = 1;
        return grid_add(&p->g, &b);
    }
    return PM_OK;
}

static pm_status place_one(placer *p, const pm_label_cand *c, pm_label *l, int *placed)
{
    *placed = 0;
    pm_status s = PM_OK;
    for (int i = 0; i < p->nsizes && !s && !*placed; i++)
        s = try_size(p, c, c->text, p->sizes[i], 0, l, placed);
    if (s || *placed) return s;
    int oom;
    char *w = wrap_text(c->text, &oom);
    if (oom) return PM_ENOMEM;
    if (w) s = try_size(p, c, w, p->sizes[p->nsizes - 1], 1, l, placed);
    free(w);
    return s;
}

static int valid_opts(const pm_label_opts *o, double scale)
{
    return isfinite(scale) && scale > 0 && isfinite(o->size) && o->size > 0 &&
           isfinite(o->min_size) && isfinite(o->sub_ratio) && o->sub_ratio > 0 &&
           isfinite(o->padding) && o->padding >= 0;
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

static int usable(const pm_label_cand *c)
{
    return has_text(c->text) && isfinite(c->anchor.x) && isfinite(c->anchor.y) &&
           !isnan(c->room);
}

pm_status pm_labels_place(pm_text *t, const pm_label_cand *cands, size_t n,
                          double scale, const pm_label_opts *opts, pm_labelset *out)
{
    memset(out, 0, sizeof *out);
    out->scale = scale;
    if (!t || !opts || (n && !cands)) return PM_EINTERNAL;
    if (!valid_opts(opts, scale)) return PM_EDATA;
    if (n > UINT32_MAX || n > SIZE_MAX / sizeof(order_item)) return PM_ENOMEM;
    placer p = { .t = t, .o = opts, .scale = scale };
    make_sizes(&p);
    order_item *ord = malloc((n ? n : 1) * sizeof *ord);
    out->items = malloc((n ? n : 1) * sizeof *out->items);
    pm_status s = grid_init(&p.g, n + opts->nobstacles, 4 * opts->size);
    if (!s && (!ord || !out->items)) s = PM_ENOMEM;
    /* symbols first: labels move aside or shrink rather than cover them */
    for (size_t i = 0; !s && opts->obstacles && i < opts->nobstacles; i++) {
        double cx = opts->obstacles[i].x * scale, cy = -opts->obstacles[i].y * scale;
        double r = opts->obstacle_size / 2;
        box b = { cx - r, cy - r, cx + r, cy + r };
        s = grid_add(&p.g, &b);
    }
    if (s) goto fail;
    for (size_t i = 0; i < n; i++)
        ord[i] = (order_item){ isnan(cands[i].priority) ? -INFINITY : cands[i].priority, i };
    qsort(ord, n, sizeof *ord, cmp_order);
    for (size_t i = 0; i < n; i++) {
        const pm_label_cand *c = &cands[ord[i].idx];
        if (!usable(c)) continue;
        int placed;
        pm_label l;
        s = place_one(&p, c, &l, &placed);
        if (s) goto fail;
        if (!placed) continue;
        l.cand = ord[i].idx;
        out->items[out->count++] = l;
    }
    grid_fini(&p.g);
    free(ord);
    return PM_OK;
fail:
    grid_fini(&p.g);
    free(ord);
    pm_labelset_fini(out);
    out->scale = scale;
    return s;
}

void pm_labelset_fini(pm_labelset *ls)
{
    if (!ls) return;
    free(ls->items);
    memset(ls, 0, sizeof *ls);
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
        char *wrapped = NULL;
        int oom = 0;
        if (l->wrapped) {
            wrapped = wrap_text(c->text, &oom);
            if (oom) return PM_ENOMEM;
        }
        pm_status s = draw_one(t, cr, l, wrapped ? wrapped : c->text, c->sub, opts, x, y);
        free(wrapped);
        if (s) return s;
    }
    return PM_OK;
}
