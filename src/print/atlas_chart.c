/* The atlas's small line chart: a committee's scores over the years, beside the median. */
#include "print/atlas_page.h"
#include "render/house.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/draw.h"

#define MAX_SERIES 4


typedef struct {
    size_t ny;                     /* years up to the atlas year */
    size_t ns;                     /* series; the last one is the median when has_median */
    int has_median;
    const char *name[MAX_SERIES + 1];
    pm_rgba color[MAX_SERIES + 1];
    double *v[MAX_SERIES + 1];     /* ny values each (owned) */
    char median_name[192];
} chart;

/* Scores come from the indices whose indicator is an evaluation column (service,
 * satisfaction, workforce): derived ones (changes, rates) are not scores. */
static pm_status collect(const pm_atlas_doc *d, size_t c, chart *ch)
{
    const pm_indtab *tab = &d->a->an->tab;
    memset(ch, 0, sizeof *ch);
    while (ch->ny < tab->nyears && tab->years[ch->ny] <= d->dx.year) ch->ny++;
    long head = -1;
    for (size_t i = 0; i < d->dx.nidx && ch->ns < MAX_SERIES; i++) {
        const pm_thematic *th = d->dx.idx[i].th;
        long k = pm_indtab_find(tab, pm_style_column(th->style));
        if (k < 0 || pm_evaltable_col(&d->a->ds->eval, pm_style_column(th->style)) < 0) continue;
        if (i == 0) head = k;
        size_t s = ch->ns++;
        ch->name[s] = th->style->title;
        ch->color[s] = th->colors[th->classes.n - 1];
        if (!(ch->v[s] = calloc(ch->ny + 1, sizeof *ch->v[s]))) return PM_ENOMEM;
        for (size_t y = 0; y < ch->ny; y++) ch->v[s][y] = pm_indtab_get(tab, y, c, (size_t)k);
    }
    if (head < 0) return PM_OK;
    size_t s = ch->ns++;
    snprintf(ch->median_name, sizeof ch->median_name, "%s中位数（%s）", d->dx.terms.median, d->dx.idx[0].th->style->title);
    ch->name[s] = ch->median_name;
    ch->color[s] = PM_GREY;
    ch->has_median = 1;
    if (!(ch->v[s] = calloc(ch->ny + 1, sizeof *ch->v[s]))) return PM_ENOMEM;
    for (size_t y = 0; y < ch->ny; y++) ch->v[s][y] = pm_results_at(d->a->results, 0, y)->median;
    return PM_OK;
}

static void chart_fini(chart *ch)
{
    for (size_t s = 0; s < ch->ns; s++) free(ch->v[s]);
}

static void stroke_style(cairo_t *cr, const chart *ch, size_t s)
{
    static const double dash[] = { 3, 2 };
    pm_set_rgba(cr, ch->has_median && s == ch->ns - 1 ? PM_GREY : ch->color[s]);
    cairo_set_line_width(cr, ch->has_median && s == ch->ns - 1 ? 1.0 : 1.6);
    cairo_set_dash(cr, dash, ch->has_median && s == ch->ns - 1 ? 2 : 0, 0);
}

/* The legend flows over as many lines as it needs; returns its height. */
static double legend(pm_text *t, cairo_t *cr, const chart *ch, pm_rect r)
{
    pm_textstyle st = { .size = 7, .color = PM_INK };
    double x = r.x, y = r.y;
    for (size_t s = 0; s < ch->ns; s++) {
        double w = 0, h = 0;
        pm_text_measure(t, ch->name[s], &st, &w, &h);
        if (x > r.x && x + 18 + w > r.x + r.w) { x = r.x; y += 11; }
        cairo_new_path(cr);
        cairo_move_to(cr, x, y + 5);
        cairo_line_to(cr, x + 14, y + 5);
        stroke_style(cr, ch, s);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        pm_text_draw(t, cr, ch->name[s], &st, x + 17, y);
        x += 17 + w + 10;
    }
    return y - r.y + 13;
}

static void value_range(const chart *ch, double *lo, double *hi, double *step)
{
    double mn = INFINITY, mx = -INFINITY;
    for (size_t s = 0; s < ch->ns; s++)
        for (size_t y = 0; y < ch->ny; y++)
            if (!isnan(ch->v[s][y])) { mn = fmin(mn, ch->v[s][y]); mx = fmax(mx, ch->v[s][y]); }
    if (!isfinite(mn)) { mn = 0; mx = 100; }
    static const double steps[] = { 1, 2, 5, 10, 20, 25, 50 };
    *step = 50;
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        double a = floor((mn - 1e-9) / steps[i]) * steps[i], b = ceil((mx + 1e-9) / steps[i]) * steps[i];
        if ((b - a) / steps[i] <= 5) { *step = steps[i]; break; }
    }
    *lo = floor((mn - 1e-9) / *step) * *step;
    *hi = ceil((mx + 1e-9) / *step) * *step;
    if (*hi <= *lo) *hi = *lo + *step;
}

static void axes(pm_text *t, cairo_t *cr, const pm_atlas_doc *d, const chart *ch, pm_rect p,
                 double lo, double hi, double step)
{
    pm_textstyle st = { .size = 7, .color = PM_GREY };
    char buf[32];
    for (double v = lo; v <= hi + 1e-9; v += step) {
        double y = p.y + p.h - (v - lo) / (hi - lo) * p.h;
        cairo_new_path(cr);
        cairo_move_to(cr, p.x, y);
        cairo_line_to(cr, p.x + p.w, y);
        pm_set_rgba(cr, PM_GRID);
        cairo_set_line_width(cr, 0.5);
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "%g", v);
        double w = 0, h = 0;
        pm_text_measure(t, buf, &st, &w, &h);
        pm_text_draw(t, cr, buf, &st, p.x - w - 4, y - h / 2);
    }
    for (size_t y = 0; y < ch->ny; y++) {
        double x = ch->ny > 1 ? p.x + p.w * (double)y / (double)(ch->ny - 1) : p.x + p.w / 2;
        snprintf(buf, sizeof buf, "%d", d->a->an->tab.years[y]);
        double w = 0, h = 0;
        pm_text_measure(t, buf, &st, &w, &h);
        pm_text_draw(t, cr, buf, &st, x - w / 2, p.y + p.h + 3);
    }
}

/* Labels at the last year's points, pushed apart vertically so that none overlap. */
static void end_labels(pm_text *t, cairo_t *cr, const chart *ch, pm_rect p, double lo, double hi)
{
    double ys[MAX_SERIES + 1];
    size_t order[MAX_SERIES + 1], n = 0, last = ch->ny - 1;
    for (size_t s = 0; s < ch->ns; s++) {
        if (isnan(ch->v[s][last])) continue;
        double y = p.y + p.h - (ch->v[s][last] - lo) / (hi - lo) * p.h;
        size_t k = n++;
        while (k > 0 && ys[k - 1] > y) { ys[k] = ys[k - 1]; order[k] = order[k - 1]; k--; }
        ys[k] = y;
        order[k] = s;
    }
    for (size_t k = 1; k < n; k++) if (ys[k] < ys[k - 1] + 8.5) ys[k] = ys[k - 1] + 8.5;
    for (size_t k = 0; k < n; k++) {
        size_t s = order[k];
        char buf[32];
        snprintf(buf, sizeof buf, "%.1f", ch->v[s][last]);
        pm_rgba c = ch->has_median && s == ch->ns - 1 ? PM_GREY : ch->color[s];
        pm_textstyle st = { .size = 7, .bold = !(ch->has_median && s == ch->ns - 1), .color = c };
        pm_text_draw(t, cr, buf, &st, p.x + p.w + 5, ys[k] - 4.5);
    }
}

pm_status pm_atlas_chart(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t c, pm_rect r)
{
    chart ch;
    pm_status st = collect(d, c, &ch);
    if (st || ch.ns == 0 || ch.ny == 0) { chart_fini(&ch); return st; }
    double lh = legend(t, cr, &ch, r), lo, hi, step;
    value_range(&ch, &lo, &hi, &step);
    pm_rect p = { r.x + 22, r.y + lh + 6, r.w - 22 - 28, r.h - lh - 6 - 14 };
    axes(t, cr, d, &ch, p, lo, hi, step);
    cairo_save(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (size_t s = ch.ns; s-- > 0;) { /* median under the committee's own lines */
        cairo_new_path(cr);
        for (size_t y = 0; y < ch.ny; y++) {
            if (isnan(ch.v[s][y])) { cairo_new_sub_path(cr); continue; }
            double x = ch.ny > 1 ? p.x + p.w * (double)y / (double)(ch.ny - 1) : p.x + p.w / 2;
            double yy = p.y + p.h - (ch.v[s][y] - lo) / (hi - lo) * p.h;
            cairo_line_to(cr, x, yy);
        }
        stroke_style(cr, &ch, s);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        for (size_t y = 0; y < ch.ny && !(ch.has_median && s == ch.ns - 1); y++) {
            if (isnan(ch.v[s][y])) continue;
            double x = ch.ny > 1 ? p.x + p.w * (double)y / (double)(ch.ny - 1) : p.x + p.w / 2;
            cairo_new_path(cr);
            cairo_arc(cr, x, p.y + p.h - (ch.v[s][y] - lo) / (hi - lo) * p.h, 2.2, 0, 2 * M_PI);
            pm_set_rgba(cr, ch.color[s]);
            cairo_fill(cr);
        }
    }
    cairo_restore(cr);
    end_labels(t, cr, &ch, p, lo, hi);
    chart_fini(&ch);
    return cairo_status(cr) ? PM_EINTERNAL : PM_OK;
}
