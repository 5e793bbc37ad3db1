/* Poster furniture: legend with counts, scale bar, north arrow (the ranking: ranking.c). */
#include "print/panels.h"
#include "render/house.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/proj.h"
#include "print/ptext.h"
#include "render/draw.h"


static void swatch(cairo_t *cr, double x, double y, double w, double h, pm_rgba c, int hatch,
                   pm_rgba nodata, int print)
{
    cairo_new_path(cr);
    cairo_rectangle(cr, x, y, w, h);
    if (hatch && print) pm_draw_hatch_fill_opaque(cr, nodata, h / 4);
    else if (hatch) pm_draw_hatch_fill(cr, nodata, h / 4);
    else { pm_set_rgba(cr, c); cairo_fill(cr); }
    cairo_rectangle(cr, x, y, w, h);
    pm_set_rgba(cr, PM_RULE_PANEL);
    cairo_set_line_width(cr, h / 40);
    cairo_stroke(cr);
}

static void points_legend(const pm_poster *p, pm_text *t, cairo_t *cr, double x, double *y,
                          double fs)
{
    size_t running = 0;
    for (size_t i = 0; i < p->ds->nprojects; i++) running += p->ds->projects[i].status == PM_SITE_RUNNING;
    char buf[3][96];
    snprintf(buf[0], sizeof buf[0], "党建服务平台（%zu个）", p->ds->nplatforms);
    snprintf(buf[1], sizeof buf[1], "共建项目·运行中（%zu个）", running);
    snprintf(buf[2], sizeof buf[2], "共建项目·计划或已完成（%zu个）", p->ds->nprojects - running);
    for (int k = 0; k < 3; k++) {
        double cy = *y + fs * 0.8;
        pm_draw_legend_symbol(cr, p->th->style, k, x + fs * 1.2, cy, fs * 0.55, p->print);
        pm_ptext(t, cr, buf[k], fs, 0, PM_INK, PM_ALIGN_LEFT, x + fs * 2.6, *y);
        *y += fs * 1.8;
    }
}

pm_status pm_panel_legend(const pm_poster *p, pm_text *t, cairo_t *cr, pm_rect r, double *used)
{
    const pm_thematic *th = p->th;
    const pm_style *st = th->style;
    double fs = r.w / 22, y = r.y, sw = fs * 2.6, sh = fs * 1.4;
    char head[256];
    snprintf(head, sizeof head, "图例　%s%s%s%s", st->title, *st->unit ? "（" : "", st->unit,
             *st->unit ? "）" : "");
    pm_ptext(t, cr, head, fs * 1.15, 1, PM_INK, PM_ALIGN_LEFT, r.x, y);
    y += fs * 2.2;
    for (size_t k = th->classes.n; k-- > 0;) { /* highest class on top */
        swatch(cr, r.x, y, sw, sh, th->colors[k], 0, st->nodata, p->print);
        pm_ptext(t, cr, th->labels[k], fs, 0, PM_INK, PM_ALIGN_LEFT, r.x + sw + fs * 0.8, y + sh * 0.1);
        char cnt[32];
        snprintf(cnt, sizeof cnt, "%zu个", th->classes.counts[k]);
        pm_ptext(t, cr, cnt, fs, 0, PM_GREY, PM_ALIGN_RIGHT, r.x + r.w, y + sh * 0.1);
        y += sh * 1.35;
    }
    swatch(cr, r.x, y, sw, sh, st->nodata, 1, st->nodata, p->print);
    pm_ptext(t, cr, "无数据", fs, 0, PM_INK, PM_ALIGN_LEFT, r.x + sw + fs * 0.8, y + sh * 0.1);
    char cnt[32];
    snprintf(cnt, sizeof cnt, "%zu个", th->classes.nodata);
    pm_ptext(t, cr, cnt, fs, 0, PM_GREY, PM_ALIGN_RIGHT, r.x + r.w, y + sh * 0.1);
    y += sh * 1.35;
    /* what the classes mean across years, and classes that ties merged: said, not hidden */
    char note[320];
    snprintf(note, sizeof note, "%s%s%s", th->note ? th->note : "", th->note && th->merged ? "；" : "",
             th->merged ? "数值相同的分级已合并" : "");
    if (*note) { /* wrapped to the panel: a long note must not run off the page */
        pm_textstyle ns = { .size = fs * 0.8, .color = PM_GREY, .max_width = r.w };
        double nw = 0, nh = 0;
        if (pm_text_measure(t, note, &ns, &nw, &nh) == PM_OK) pm_text_draw(t, cr, note, &ns, r.x, y);
        y += fmax(nh, fs) + fs * 0.4;
    }
    if (st->show_points) {
        y += fs * 0.4;
        points_legend(p, t, cr, r.x, &y, fs);
    }
    if (used) *used = y - r.y;
    return cairo_status(cr) ? PM_EINTERNAL : PM_OK;
}

pm_status pm_panel_scalebar(pm_text *t, cairo_t *cr, const pm_view *v, double x, double y,
                            double max_w)
{
    double metres = max_w / v->scale; /* CRS units are metres in a projected print CRS */
    double p10 = pow(10, floor(log10(metres))), len = p10;
    static const double steps[] = { 5, 2.5, 2, 1 };
    for (size_t i = 0; i < 4; i++)
        if (steps[i] * p10 <= metres) { len = steps[i] * p10; break; }
    double w = len * v->scale, h = max_w / 40, fs = max_w / 16;
    for (int k = 0; k < 4; k++) {
        cairo_rectangle(cr, x + w * k / 4, y, w / 4, h);
        if (k % 2 == 0) { pm_set_rgba(cr, PM_INK); cairo_fill(cr); }
        else { pm_set_rgba(cr, PM_WHITE); cairo_fill(cr); }
    }
    cairo_rectangle(cr, x, y, w, h);
    pm_set_rgba(cr, PM_INK);
    cairo_set_line_width(cr, h / 6);
    cairo_stroke(cr);
    char a[32], b[32];
    int km = len >= 1000;
    snprintf(a, sizeof a, "%g", km ? len / 2000 : len / 2);
    snprintf(b, sizeof b, "%g %s", km ? len / 1000 : len, km ? "千米" : "米");
    pm_ptext(t, cr, "0", fs, 0, PM_INK, PM_ALIGN_CENTER, x, y - fs * 1.5);
    pm_ptext(t, cr, a, fs, 0, PM_INK, PM_ALIGN_CENTER, x + w / 2, y - fs * 1.5);
    pm_ptext(t, cr, b, fs, 0, PM_INK, PM_ALIGN_LEFT, x + w - fs * 0.3, y - fs * 1.5);
    return cairo_status(cr) ? PM_EINTERNAL : PM_OK;
}

pm_status pm_panel_north(pm_text *t, cairo_t *cr, double cx, double cy, double size, double angle)
{
    cairo_save(cr);
    cairo_translate(cr, cx, cy);
    cairo_rotate(cr, angle);
    double s = size / 2;
    cairo_move_to(cr, 0, -s);
    cairo_line_to(cr, s * 0.38, s * 0.55);
    cairo_line_to(cr, 0, s * 0.3);
    cairo_close_path(cr);
    pm_set_rgba(cr, PM_INK);
    cairo_fill(cr);
    cairo_move_to(cr, 0, -s);
    cairo_line_to(cr, -s * 0.38, s * 0.55);
    cairo_line_to(cr, 0, s * 0.3);
    cairo_close_path(cr);
    pm_set_rgba(cr, PM_WHITE);
    cairo_fill_preserve(cr);
    pm_set_rgba(cr, PM_INK);
    cairo_set_line_width(cr, size / 60);
    cairo_stroke(cr);
    pm_ptext(t, cr, "北", size * 0.32, 1, PM_INK, PM_ALIGN_CENTER, 0, -s - size * 0.45);
    cairo_restore(cr);
    return cairo_status(cr) ? PM_EINTERNAL : PM_OK;
}

double pm_panel_north_angle(const char *crs, const pm_view *v)
{
    pm_proj *back = NULL, *fwd = NULL;
    double ang = 0;
    pm_pt c = { (v->extent.minx + v->extent.maxx) / 2, (v->extent.miny + v->extent.maxy) / 2 };
    if (pm_proj_new(crs, "EPSG:4326", &back, NULL) == PM_OK
        && pm_proj_new("EPSG:4326", crs, &fwd, NULL) == PM_OK) {
        pm_pt ll = c;
        if (pm_proj_points(back, &ll, 1) == PM_OK) {
            pm_pt n = { ll.x, ll.y + 0.01 };
            if (pm_proj_points(fwd, &n, 1) == PM_OK) ang = atan2(n.x - c.x, n.y - c.y);
        }
    }
    pm_proj_free(back);
    pm_proj_free(fwd);
    return ang;
}
