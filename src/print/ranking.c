/* The poster's ranking panel: rows that fit any count, bars from zero or dots on an axis. */
#include "print/ranking.h"
#include "render/house.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print/ptext.h"
#include "render/draw.h"

#define A1_AREA (594.0 * 841.0 * (72 / 25.4) * (72 / 25.4))
#define ROW 1.5    /* row pitch in text sizes */
#define AXIS 2.4   /* the axis band above the rows, in text sizes */
#define MIN_PLOT 10 /* the narrowest plot area, in text sizes */

double pm_ranking_min_size(double w, double h)
{
    return 7.0 * sqrt(w * h / A1_AREA);
}

typedef struct { size_t c; double v; } rank_row;

static int higher_first(const void *a, const void *b)
{
    const rank_row *x = a, *y = b;
    if (isnan(x->v) != isnan(y->v)) return isnan(x->v) ? 1 : -1;
    if (!isnan(x->v) && x->v != y->v) return x->v > y->v ? -1 : 1;
    return (x->c > y->c) - (x->c < y->c);
}

static double nice_step(double range)
{
    if (!(range > 0)) return 1;
    double raw = range / 5, mag = pow(10, floor(log10(raw))), k = raw / mag;
    return (k < 1.5 ? 1 : k < 3 ? 2 : k < 7 ? 5 : 10) * mag;
}

/* The next round step above step (1, 2, 5 × 10^k). */
static double bump(double step)
{
    double mag = pow(10, floor(log10(step) + 1e-9)), k = step / mag;
    return (k < 1.5 ? 2 : k < 3 ? 5 : 10) * mag;
}

/* The axis ends: the values' extent with a little room (and zero for bars), so that no
 * part of the plot is empty; the ticks fall on the round steps inside. */
static void axis_ends(double mn, double mx, pm_ranking_layout *l)
{
    double pad = 0.04 * (mx - mn);
    if (l->dots) {
        l->lo = mn - pad;
        l->hi = mx + pad;
    } else {
        l->lo = fmin(0, mn - (mn < 0 ? pad : 0));
        l->hi = fmax(0, mx + (mx > 0 ? pad : 0));
    }
    if (l->hi <= l->lo) { l->lo = fmin(l->lo, 0); l->hi = l->lo + l->step; }
}

/* The axis: from zero for bars; around the values for a dot plot when zero would
 * make every bar look the same (the smallest value above half the largest).  Ticks
 * at a round step no closer than spacing points on a plot plot_w wide. */
static void axis(const rank_row *rows, size_t n, double plot_w, double spacing, pm_ranking_layout *l)
{
    double mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (!isnan(rows[i].v)) { mn = fmin(mn, rows[i].v); mx = fmax(mx, rows[i].v); }
    l->dots = 0;
    if (!isfinite(mn)) { l->lo = 0; l->hi = 1; l->step = 0.5; return; }
    l->dots = mn > 0 && mn > 0.5 * mx;
    l->step = l->dots ? nice_step(mx - mn) : nice_step(fmax(mx, 0) - fmin(mn, 0));
    axis_ends(mn, mx, l);
    for (int k = 0; k < 12 && plot_w * l->step / (l->hi - l->lo) < spacing; k++) {
        l->step = bump(l->step);
        axis_ends(mn, mx, l);
    }
}

double pm_ranking_x(const pm_ranking_layout *l, size_t col, double v)
{
    return l->col_x[col] + l->plot_dx + (v - l->lo) / (l->hi - l->lo) * l->plot_w;
}

/* Widths at text size 10 (the text scales linearly). */
typedef struct { double num, name, val; } widths;

static widths measure(const pm_poster *p, pm_text *t, const rank_row *rows, size_t n)
{
    const pm_thematic *th = p->th;
    int signed_ = th->style->classify.method == PM_CLASSIFY_DIVERGING;
    pm_textstyle st = { .size = 10 };
    widths w = { 0, 0, 0 };
    double a, b;
    char buf[48];
    snprintf(buf, sizeof buf, "%zu", n);
    if (pm_text_measure(t, buf, &st, &a, &b) == PM_OK) w.num = a;
    if (pm_text_measure(t, th->style->unit, &st, &a, &b) == PM_OK) w.val = a;
    for (size_t i = 0; i < n; i++) {
        pm_namebuf nb;
        if (pm_text_measure(t, pm_text_name(p->ds->committees[rows[i].c].name, &nb), &st, &a, &b) == PM_OK) w.name = fmax(w.name, a);
        pm_thematic_format(th, rows[i].v, signed_, buf, sizeof buf);
        if (pm_text_measure(t, buf, &st, &a, &b) == PM_OK) w.val = fmax(w.val, a);
    }
    return w;
}

/* The column width that size s needs for the widths w: a multiple of s. */
static double need_per_size(widths w)
{
    return (w.num + w.name + w.val) / 10 + 0.5 + 0.6 + 0.6 + MIN_PLOT;
}

/* The largest text size with which k columns fit the width w (gaps of 1.5 sizes). */
static double width_size(double width, widths w, size_t k)
{
    return width / (need_per_size(w) * (double)k + 1.5 * (double)(k - 1));
}

/* Chooses the mode, columns and text size (see the header): the fewest columns whose
 * rows fit the height and whose names and plots fit the width at the floor or above. */
static void plan(pm_rect r, double head, double pref, double floor_, widths w, size_t n, pm_ranking_layout *l)
{
    double avail = r.h - head;
    for (size_t k = 1; k <= PM_RANKING_MAX_COLS; k++) {
        size_t rows = (n + k - 1) / k;
        double s = fmin(pref, fmin(avail / (ROW * (double)(rows ? rows : 1) + AXIS), width_size(r.w, w, k)));
        if (s < floor_ - 1e-9) continue;
        l->mode = k == 1 ? PM_RANKING_ONE : PM_RANKING_COLUMNS;
        l->ncols = k;
        l->rows_per_col = rows;
        l->size = s;
        l->shown = n;
        l->top = n;
        l->bottom = 0;
        return;
    }
    /* the best and the worst at the floor, in as many columns as are wide enough
     * (the note takes two rows off the height) */
    double s = floor_;
    size_t k = 1;
    while (k < PM_RANKING_MAX_COLS && width_size(r.w, w, k + 1) >= s) k++;
    size_t rows = (size_t)fmax(1, floor((avail - s * 2.6) / (ROW * s) - AXIS / ROW));
    size_t slots = rows * k, half = slots > 1 ? (slots - 1) / 2 : 0;
    l->mode = PM_RANKING_TOP_BOTTOM;
    l->ncols = k;
    l->rows_per_col = rows;
    l->size = s;
    l->top = half;
    l->bottom = half;
    l->shown = 2 * half;
}

/* The axis band of one column: tick labels over a rule, light grid lines down the rows. */
static void draw_axis(const pm_poster *p, pm_text *t, cairo_t *cr, const pm_ranking_layout *l, size_t col,
                      double y_axis, double y_end)
{
    double s = l->size;
    int dec = l->step >= 1 ? 0 : (int)ceil(-log10(l->step) - 1e-9);
    for (double v = ceil(l->lo / l->step - 1e-9) * l->step; v <= l->hi + l->step * 1e-6; v += l->step) {
        double x = pm_ranking_x(l, col, v);
        int zero = fabs(v) < l->step * 1e-6;
        cairo_new_path(cr);
        cairo_move_to(cr, x, y_axis);
        cairo_line_to(cr, x, y_end);
        pm_set_rgba(cr, zero && !l->dots ? PM_INK : PM_GRID);
        cairo_set_line_width(cr, zero && !l->dots ? s / 9 : s / 18);
        cairo_stroke(cr);
        cairo_new_path(cr);
        cairo_move_to(cr, x, y_axis - s * 0.3);
        cairo_line_to(cr, x, y_axis);
        pm_set_rgba(cr, PM_GREY);
        cairo_set_line_width(cr, s / 14);
        cairo_stroke(cr);
        char buf[32];
        snprintf(buf, sizeof buf, "%.*f", dec, zero ? 0.0 : v);
        pm_ptext(t, cr, buf, s, 0, PM_GREY, PM_ALIGN_CENTER, x, y_axis - s * 1.75);
    }
    cairo_new_path(cr);
    cairo_move_to(cr, pm_ranking_x(l, col, l->lo), y_axis);
    cairo_line_to(cr, pm_ranking_x(l, col, l->hi), y_axis);
    pm_set_rgba(cr, PM_GREY);
    cairo_set_line_width(cr, s / 14);
    cairo_stroke(cr);
    /* the unit over the values */
    pm_ptext(t, cr, p->th->style->unit, s, 0, PM_GREY, PM_ALIGN_RIGHT, l->col_x[col] + l->value_dx, y_axis - s * 1.75);
}

typedef struct { const pm_poster *p; pm_text *t; cairo_t *cr; const pm_ranking_layout *l; } ctx;

static void draw_row(const ctx *x, size_t col, double y, size_t rank, const rank_row *row, size_t k)
{
    const pm_ranking_layout *l = x->l;
    const pm_thematic *th = x->p->th;
    cairo_t *cr = x->cr;
    double s = l->size, cx = l->col_x[col], rh = l->row_h;
    if (k % 2 == 1) {
        cairo_new_path(cr);
        cairo_rectangle(cr, cx, y, l->value_dx, rh);
        pm_set_rgba(cr, PM_ROW_SHADE);
        cairo_fill(cr);
    }
    double ty = y + (rh - s * 1.2) / 2; /* the text box is about 1.2 sizes high */
    char num[32], val[48];
    snprintf(num, sizeof num, isnan(row->v) ? "—" : "%zu", rank);
    pm_ptext(x->t, cr, num, s, 0, PM_GREY, PM_ALIGN_RIGHT, cx + l->name_dx - s * 0.5, ty);
    pm_namebuf nb;
    pm_ptext(x->t, cr, pm_text_name(x->p->ds->committees[row->c].name, &nb), s, 0, PM_INK, PM_ALIGN_LEFT, cx + l->name_dx, ty);
    int signed_ = th->style->classify.method == PM_CLASSIFY_DIVERGING;
    pm_thematic_format(th, row->v, signed_, val, sizeof val);
    pm_ptext(x->t, cr, val, s, 0, PM_INK, PM_ALIGN_RIGHT, cx + l->value_dx, ty);
    if (isnan(row->v)) return;
    int kc = th->cls[row->c];
    pm_rgba fill = th->colors[kc >= 0 ? kc : 0], edge = x->p->print ? pm_rgba_over(PM_BAR_EDGE, fill) : PM_BAR_EDGE;
    double xv = pm_ranking_x(l, col, fmax(l->lo, fmin(l->hi, row->v))), cy = y + rh / 2;
    cairo_new_path(cr);
    if (l->dots) {
        cairo_move_to(cr, pm_ranking_x(l, col, l->lo), cy); /* a leader from the axis start */
        cairo_line_to(cr, xv, cy);
        pm_set_rgba(cr, PM_RULE_PANEL);
        cairo_set_line_width(cr, s / 12);
        cairo_stroke(cr);
        cairo_new_path(cr);
        cairo_arc(cr, xv, cy, fmin(rh * 0.36, s * 0.48), 0, 2 * M_PI);
    } else {
        double x0 = pm_ranking_x(l, col, 0);
        cairo_rectangle(cr, fmin(x0, xv), y + rh * 0.16, fmax(fabs(xv - x0), s / 20), rh * 0.68);
    }
    pm_set_rgba(cr, fill);
    cairo_fill_preserve(cr);
    pm_set_rgba(cr, edge);
    cairo_set_line_width(cr, s / 16);
    cairo_stroke(cr);
}

pm_status pm_ranking_draw(const pm_poster *p, pm_text *t, cairo_t *cr, pm_rect r, double min_size,
                          pm_ranking_layout *out)
{
    const pm_thematic *th = p->th;
    size_t n = th->n, nvalid = 0;
    rank_row *rows = malloc((n + 1) * sizeof *rows);
    if (!rows) return PM_ENOMEM;
    for (size_t c = 0; c < n; c++) rows[c] = (rank_row){ c, th->value[c] };
    qsort(rows, n, sizeof *rows, higher_first);
    while (nvalid < n && !isnan(rows[nvalid].v)) nvalid++;
    if (!th->style->higher_is_better) /* best first: reverse the valued rows */
        for (size_t i = 0; i < nvalid / 2; i++) { rank_row tmp = rows[i]; rows[i] = rows[nvalid - 1 - i]; rows[nvalid - 1 - i] = tmp; }
    pm_ranking_layout l;
    memset(&l, 0, sizeof l);
    double fs = r.w / 22, title = fmax(fs * 1.15, min_size), head = title * 1.9;
    widths w = measure(p, t, rows, n);
    plan(r, head, fmax(fs * 0.85, min_size), min_size, w, n, &l);
    if (l.mode == PM_RANKING_TOP_BOTTOM && 2 * l.top >= nvalid) l.top = l.bottom = nvalid > 2 ? (nvalid - 1) / 2 : 0;
    if (l.mode == PM_RANKING_TOP_BOTTOM) l.shown = l.top + l.bottom;
    double s = l.size, gap = s * 1.5;
    double colw = (r.w - (double)(l.ncols - 1) * gap) / (double)l.ncols;
    ctx x = { p, t, cr, &l };
    for (size_t k = 0; k < l.ncols; k++) l.col_x[k] = r.x + (double)k * (colw + gap);
    l.name_dx = w.num * s / 10 + s * 0.5;
    l.plot_dx = l.name_dx + w.name * s / 10 + s * 0.6;
    l.plot_w = colw - l.plot_dx - s * 0.6 - w.val * s / 10;
    l.value_dx = colw;
    l.row_h = s * ROW;
    axis(rows, n, l.plot_w, w.val * s / 10 + s, &l);
    pm_ptext(t, cr, "排名", title, 1, PM_INK, PM_ALIGN_LEFT, r.x, r.y);
    double y0 = r.y + head;
    if (l.mode == PM_RANKING_TOP_BOTTOM) {
        char note[320];
        char nod[64] = "";
        if (nvalid < n) snprintf(nod, sizeof nod, "（另有%zu个无数据）", n - nvalid);
        snprintf(note, sizeof note, "共%zu个%s%s，此处列前%zu名和后%zu名；完整排名见诊断图集目录和统计表", n,
                 p->cfg->term_unit, nod, l.top, l.bottom);
        pm_textstyle ns = { .size = s, .color = PM_GREY, .max_width = r.w };
        double nw = 0, nh = 0;
        pm_text_measure(t, note, &ns, &nw, &nh);
        pm_text_draw(t, cr, note, &ns, r.x, y0 - s * 0.3);
        y0 += fmax(nh, s * 2.6);
    }
    l.rows_y = y0 + s * AXIS;
    size_t slots = l.mode == PM_RANKING_TOP_BOTTOM ? l.top + l.bottom + 1 : n;
    for (size_t k = 0; k < l.ncols; k++) {
        size_t in_col = slots > k * l.rows_per_col ? slots - k * l.rows_per_col : 0;
        if (in_col > l.rows_per_col) in_col = l.rows_per_col;
        if (in_col) draw_axis(p, t, cr, &l, k, l.rows_y - s * 0.3, l.rows_y + (double)in_col * l.row_h);
    }
    for (size_t i = 0; i < slots; i++) {
        size_t col = i / l.rows_per_col, in = i % l.rows_per_col;
        double y = l.rows_y + (double)in * l.row_h;
        if (col >= l.ncols) break;
        size_t src = i; /* the slot's row: the top, a gap, then the bottom */
        if (l.mode == PM_RANKING_TOP_BOTTOM) {
            if (i == l.top) {
                char gapline[96];
                snprintf(gapline, sizeof gapline, "⋯ 第%zu–%zu名略", l.top + 1, nvalid - l.bottom);
                pm_ptext(t, cr, gapline, s, 0, PM_GREY, PM_ALIGN_LEFT, l.col_x[col] + l.name_dx, y + (l.row_h - s * 1.2) / 2);
                continue;
            }
            if (i > l.top) src = nvalid - l.bottom + (i - l.top - 1);
        }
        size_t rank = src + 1; /* competition ranking, as everywhere: ties share the first rank */
        while (rank > 1 && rows[rank - 2].v == rows[src].v) rank--;
        draw_row(&x, col, y, rank, &rows[src], in);
    }
    if (out) *out = l;
    free(rows);
    return cairo_status(cr) ? PM_EINTERNAL : PM_OK;
}
