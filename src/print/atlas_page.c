/* The committee page of the atlas: locator map, key figures, index table, diagnosis, projects. */
#include "print/atlas_page.h"
#include "print/ptext.h"
#include "render/house.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/proj.h"
#include "print/poster.h"
#include "render/draw.h"


double pm_atlas_text(pm_text *t, cairo_t *cr, const char *s, const pm_textstyle *st, double x,
                     double y)
{
    double w = 0, h = 0;
    if (pm_text_measure(t, s, st, &w, &h) != PM_OK) return 0;
    double x0 = st->align == PM_ALIGN_RIGHT ? x - w : st->align == PM_ALIGN_CENTER ? x - w / 2 : x;
    if (st->max_width > 0 && st->align != PM_ALIGN_LEFT) x0 = st->align == PM_ALIGN_RIGHT ? x - st->max_width : x - st->max_width / 2;
    return pm_text_draw(t, cr, s, st, x0, y) == PM_OK ? h : 0;
}

double pm_atlas_heading(pm_text *t, cairo_t *cr, const char *title, double x, double y)
{
    cairo_new_path(cr);
    cairo_rectangle(cr, x, y + 1.5, 3, 11);
    pm_set_rgba(cr, PM_RED);
    cairo_fill(cr);
    pm_ptext(t, cr, title, 11, 1, PM_INK, PM_ALIGN_LEFT, x + 8, y);
    return y + 20;
}

void pm_atlas_footer(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t page)
{
    double m = PM_ATLAS_MARGIN, y = PM_A4_H - m + 6;
    cairo_new_path(cr);
    cairo_rectangle(cr, m, y - 5, PM_A4_W - 2 * m, 0.5);
    pm_set_rgba(cr, PM_RULE);
    cairo_fill(cr);
    char left[256], right[64];
    snprintf(left, sizeof left, "%s · %d年度%s诊断图集", d->a->cfg->name, d->a->year, d->dx.terms.unit);
    snprintf(right, sizeof right, "第 %zu 页 / 共 %zu 页", page + 1, d->npages);
    pm_ptext(t, cr, left, 7.5, 0, PM_GREY, PM_ALIGN_LEFT, m, y);
    pm_ptext(t, cr, right, 7.5, 0, PM_GREY, PM_ALIGN_RIGHT, PM_A4_W - m, y);
    char *ap = page > d->ncontents ? pm_poster_approval(d->a->cfg) : NULL; /* the locator pages */
    if (ap) pm_ptext(t, cr, ap, 7, 0, PM_INK, PM_ALIGN_CENTER, PM_A4_W / 2, y + 0.5);
    free(ap);
}

pm_status pm_atlas_viewport(const pm_atlas_doc *d, const pm_view *v, const char *name)
{
    return d->doc ? pm_pdfdoc_viewport(d->doc, v, d->a->cfg->print_crs, name, NULL) : PM_OK;
}

void pm_atlas_swatch(cairo_t *cr, const pm_thematic *th, int k, double x, double y, double w,
                     double h, int print)
{
    cairo_new_path(cr);
    cairo_rectangle(cr, x, y, w, h);
    if (k < 0 && print) pm_draw_hatch_fill_opaque(cr, th->style->nodata, h / 3);
    else if (k < 0) pm_draw_hatch_fill(cr, th->style->nodata, h / 3);
    else { pm_set_rgba(cr, th->colors[k]); cairo_fill(cr); }
    cairo_rectangle(cr, x, y, w, h);
    pm_set_rgba(cr, PM_RULE);
    cairo_set_line_width(cr, 0.4);
    cairo_stroke(cr);
}

void pm_atlas_committee_title(const pm_config *cfg, const char *name, char *buf, size_t len)
{
    pm_namebuf nb;
    name = pm_text_name(name, &nb); /* a whole title fits buf, never cut inside a character */
    char *t = pm_config_unit_title(cfg, name);
    snprintf(buf, len, "%s", t ? t : name);
    free(t);
}

/* ---- the locator map ---------------------------------------------------- */

/* The overview inset: the whole area, this committee in red, the locator's extent
 * framed; in the corner of r away from the committee (the north arrow and the scale
 * bar keep theirs), its rectangle through *box. */
static pm_status overview(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t c, const pm_view *lv,
                          pm_rect box)
{
    const pm_scene *sc = d->a->scene;
    size_t n = sc->ncommittees;
    pm_rgba *fill = malloc((n + 1) * sizeof *fill);
    unsigned char *hl = calloc(n + 1, 1);
    if (!fill || !hl) { free(fill); free(hl); return PM_ENOMEM; }
    for (size_t i = 0; i < n; i++) fill[i] = i == c ? PM_RED : PM_AREA_EDGE;
    hl[c] = 1;
    cairo_new_path(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    pm_set_rgba(cr, PM_WHITE);
    cairo_fill(cr);
    pm_view v = pm_view_fit(sc->extent, box.x + 3, box.y + 3, box.w - 6, box.h - 6);
    pm_mapdraw md = { .fill = fill, .outline = PM_WHITE, .outline_width = 0.25, .boundary = PM_BOUNDARY,
                      .boundary_width = 0.5, .print = d->a->print };
    cairo_save(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    cairo_clip(cr);
    pm_status st = pm_draw_map(cr, t, &v, sc, &md);
    /* the locator's extent */
    pm_pt a = pm_view_to_dev(&v, (pm_pt){ lv->extent.minx, lv->extent.miny });
    pm_pt b = pm_view_to_dev(&v, (pm_pt){ lv->extent.maxx, lv->extent.maxy });
    cairo_new_path(cr);
    cairo_rectangle(cr, fmin(a.x, b.x), fmin(a.y, b.y), fabs(b.x - a.x), fabs(b.y - a.y));
    pm_set_rgba(cr, PM_INK);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);
    cairo_restore(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    pm_set_rgba(cr, PM_GREY);
    cairo_set_line_width(cr, 0.4);
    cairo_stroke(cr);
    free(fill);
    free(hl);
    return st;
}

/* Where the overview goes: bottom right, or top left when the committee is there. */
static pm_rect overview_box(const pm_atlas_doc *d, const pm_view *v, size_t c, pm_rect r)
{
    pm_bbox e = d->a->scene->extent;
    double ar = (e.maxy - e.miny) / fmax(e.maxx - e.minx, 1e-9), w = r.w * 0.27, h = w * ar;
    if (h > r.h * 0.32) { h = r.h * 0.32; w = h / ar; }
    pm_rect box = { r.x + r.w - w - 4, r.y + r.h - h - 4, w, h };
    pm_pt p = pm_view_to_dev(v, d->a->scene->centre[c]);
    if (p.x > box.x - 20 && p.y > box.y - 20) box = (pm_rect){ r.x + 4, r.y + 4, w, h };
    return box;
}

static pm_status locator(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t c, pm_rect r)
{
    const pm_scene *sc = d->a->scene;
    size_t n = sc->ncommittees;
    pm_bbox b = sc->committees[c].bbox;
    double grow = fmax(b.maxx - b.minx, b.maxy - b.miny) * 0.55 + 80;
    b.minx -= grow; b.maxx += grow; b.miny -= grow; b.maxy += grow;
    pm_view v = pm_view_fit(b, r.x, r.y, r.w, r.h);
    unsigned char *hl = calloc(n + 1, 1);
    pm_label_cand *cands = malloc((n + 1) * sizeof *cands);
    pm_labelset labels = { 0 };
    pm_status st = hl && cands ? PM_OK : PM_ENOMEM;
    if (st) goto done;
    hl[c] = 1;
    pm_rect ob = overview_box(d, &v, c, r);
    /* only committees whose centre is in view get a name; this page's own first */
    for (size_t i = 0; i < n; i++) {
        cands[i] = d->sym.cands[i];
        pm_pt p = pm_view_to_dev(&v, cands[i].anchor);
        if (p.x < r.x + 12 || p.x > r.x + r.w - 12 || p.y < r.y + 8 || p.y > r.y + r.h - 8) cands[i].text = NULL;
        if (i != c && p.x > ob.x - 14 && p.x < ob.x + ob.w + 14 && p.y > ob.y - 6 && p.y < ob.y + ob.h + 6)
            cands[i].text = NULL; /* under the overview inset */
    }
    cands[c].priority = HUGE_VAL;
    pm_label_opts lo;
    pm_mapdraw md;
    int on;
    pm_house_setup(PM_HOUSE_ATLAS_LOCATOR, d->dx.idx[0].th->style, 0, 0, &md, &lo, &on);
    md.fill = d->sym.fill;
    md.nodata = d->sym.nodata;
    md.labels = &labels;
    md.cands = cands;
    md.label_opts = &lo;
    md.highlight = hl;
    md.print = d->a->print;
    /* names stay whole inside the frame and off the north arrow's and scale bar's cards */
    pm_bbox keep[2];
    const double cards[2][4] = { { r.x + r.w - 26, r.y + 4, r.x + r.w - 4, r.y + 36 },
                                 { r.x + 3, r.y + r.h - 22, r.x + 127, r.y + r.h - 4 } };
    for (int k = 0; k < 2; k++) {
        pm_pt a = pm_view_to_crs(&v, (pm_pt){ cards[k][0], cards[k][3] });
        pm_pt b = pm_view_to_crs(&v, (pm_pt){ cards[k][2], cards[k][1] });
        keep[k] = (pm_bbox){ a.x, a.y, b.x, b.y };
    }
    lo.keepout = keep;
    lo.nkeepout = 2;
    lo.framed = 1;
    lo.frame = v.extent;
    lo.barrier = &sc->edges.outer;
    lo.barrier_bbox = sc->edges.outer_bbox;
    if ((st = pm_labels_place(t, cands, n, v.scale, &lo, &labels)) != PM_OK) goto done;
    if ((st = pm_draw_map(cr, t, &v, sc, &md)) != PM_OK) goto done;
    char vpname[200];
    pm_namebuf nb;
    snprintf(vpname, sizeof vpname, "位置图 %s", pm_text_name(d->a->ds->committees[c].name, &nb));
    if ((st = pm_atlas_viewport(d, &v, vpname)) != PM_OK) goto done;
    cairo_new_path(cr);
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    pm_set_rgba(cr, PM_GREY);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    /* a white card keeps the arrow clear of the labels under it (opaque in print) */
    double card = d->a->print ? 1 : 0.85;
    cairo_new_path(cr);
    cairo_rectangle(cr, r.x + r.w - 26, r.y + 4, 22, 32);
    pm_set_rgba(cr, (pm_rgba){ PM_CARD.r, PM_CARD.g, PM_CARD.b, card });
    cairo_fill(cr);
    if ((st = pm_panel_north(t, cr, r.x + r.w - 15, r.y + 24, 20, d->north)) != PM_OK) goto done;
    cairo_new_path(cr);
    cairo_rectangle(cr, r.x + 3, r.y + r.h - 22, 124, 18);
    pm_set_rgba(cr, (pm_rgba){ PM_CARD.r, PM_CARD.g, PM_CARD.b, card });
    cairo_fill(cr);
    if ((st = pm_panel_scalebar(t, cr, &v, r.x + 8, r.y + r.h - 9, 96)) != PM_OK) goto done; /* its text 6 pt */
    st = overview(d, t, cr, c, &v, ob);
done:
    pm_labelset_fini(&labels);
    free(cands);
    free(hl);
    return st;
}

/* The legend under the locator: headline classes, then the point symbols. */
static void locator_legend(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, double x, double y)
{
    const pm_thematic *th = d->dx.idx[0].th;
    char buf[160];
    snprintf(buf, sizeof buf, "%s：", th->style->title);
    double cx = x + pm_ptext(t, cr, buf, 7, 0, PM_GREY, PM_ALIGN_LEFT, x, y);
    for (size_t k = th->classes.n; k-- > 0;) {
        pm_atlas_swatch(cr, th, (int)k, cx, y + 1.5, 10, 7, d->a->print);
        cx += 13 + pm_ptext(t, cr, pm_diagnosis_class_name(th, (int)k), 7, 0, PM_INK, PM_ALIGN_LEFT, cx + 13, y) + 6;
    }
    double y2 = y + 12;
    pm_draw_legend_symbol(cr, th->style, 0, x + 4, y2 + 5, 3.6, d->a->print);
    cx = x + 10;
    const char *lbl[3] = { "党建服务平台", "在推进的共建项目", "计划或已完成的项目" };
    for (int k = 0; k < 3; k++) {
        if (k > 0) pm_draw_legend_symbol(cr, th->style, k, cx + 3, y2 + 5, 4.2, d->a->print);
        if (k > 0) cx += 8;
        cx += pm_ptext(t, cr, lbl[k], 7, 0, PM_INK, PM_ALIGN_LEFT, cx, y2) + 9;
    }
    cairo_new_path(cr);
    cairo_rectangle(cr, cx, y2 + 1.5, 12, 7);
    pm_set_rgba(cr, PM_RED);
    cairo_set_line_width(cr, 1.4);
    cairo_stroke(cr);
    char self[64];
    snprintf(self, sizeof self, "本%s", d->dx.terms.unit);
    pm_ptext(t, cr, self, 7, 0, PM_INK, PM_ALIGN_LEFT, cx + 15, y2);
}

/* ---- key figures, index table, diagnosis, projects ---------------------- */

static void badge(pm_text *t, cairo_t *cr, const pm_thematic *th, int k, double x, double y)
{
    const char *name = pm_diagnosis_class_name(th, k);
    pm_textstyle st = { .size = 11, .bold = 1 };
    double w = 0, h = 0;
    pm_text_measure(t, name, &st, &w, &h);
    pm_rgba bg = k >= 0 ? th->colors[k] : th->style->nodata;
    double lum = 0.299 * bg.r + 0.587 * bg.g + 0.114 * bg.b;
    cairo_new_path(cr);
    cairo_rectangle(cr, x - w - 14, y, w + 14, h + 6);
    pm_set_rgba(cr, bg);
    cairo_fill(cr);
    st.color = lum < 0.55 ? PM_WHITE : PM_INK;
    pm_text_draw(t, cr, name, &st, x - w - 7, y + 3);
}

/* "第20名 → 第7名，上升13位" and its colour, or "" without a previous rank. */
static pm_rgba rank_move(int prev, int now, int words, char *buf, size_t len)
{
    if (prev <= 0 || now <= 0) { snprintf(buf, len, "—"); return PM_GREY; }
    int dlt = prev - now;
    if (words)
        snprintf(buf, len, "第%d名 → 第%d名，%s", prev, now, dlt > 0 ? "上升" : dlt < 0 ? "下降" : "与上年持平");
    else
        snprintf(buf, len, "%d → %d%s", prev, now, dlt > 0 ? "  ↑" : dlt < 0 ? "  ↓" : "  持平");
    if (dlt) snprintf(buf + strlen(buf), len - strlen(buf), words ? "%d位" : "%d", abs(dlt));
    return dlt > 0 ? PM_GREEN : dlt < 0 ? PM_RED : PM_GREY;
}

static void fact(pm_text *t, cairo_t *cr, const char *label, const char *value, const char *unit,
                 double x, double y)
{
    pm_ptext(t, cr, label, 7.5, 0, PM_GREY, PM_ALIGN_LEFT, x, y);
    double w = pm_ptext(t, cr, value, 14, 1, PM_INK, PM_ALIGN_LEFT, x, y + 10);
    pm_ptext(t, cr, unit, 8, 0, PM_INK, PM_ALIGN_LEFT, x + w + 2, y + 16);
}

static double ind(const pm_atlas_doc *d, size_t c, const char *name)
{
    const pm_indtab *tab = &d->a->an->tab;
    long k = pm_indtab_find(tab, name), y = pm_indtab_year(tab, d->dx.year);
    return k < 0 || y < 0 ? NAN : pm_indtab_get(tab, (size_t)y, c, (size_t)k);
}

/* Needs over every year up to the atlas year. */
static double needs_total(const pm_atlas_doc *d, size_t c)
{
    const pm_indtab *tab = &d->a->an->tab;
    long k = pm_indtab_find(tab, "needs");
    double sum = 0;
    for (size_t y = 0; k >= 0 && y < tab->nyears && tab->years[y] <= d->dx.year; y++) {
        double v = pm_indtab_get(tab, y, c, (size_t)k);
        if (!isnan(v)) sum += v;
    }
    return k < 0 ? NAN : sum;
}

static void key_figures(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t c, pm_rect r)
{
    const pm_diagnosis_index *x = &d->dx.idx[0];
    const pm_thematic *th = x->th;
    char buf[160], unit[64];
    double y = r.y;
    snprintf(buf, sizeof buf, "%d年%s", d->dx.year, th->style->title);
    pm_ptext(t, cr, buf, 9, 0, PM_GREY, PM_ALIGN_LEFT, r.x, y);
    pm_thematic_format(th, th->value[c], 0, buf, sizeof buf);
    double w = pm_ptext(t, cr, buf, 30, 1, PM_INK, PM_ALIGN_LEFT, r.x, y + 12);
    pm_ptext(t, cr, th->style->unit, 11, 0, PM_INK, PM_ALIGN_LEFT, r.x + w + 3, y + 33);
    badge(t, cr, th, th->cls[c], r.x + r.w, y + 22);
    y += 58;
    if (x->rank[c] > 0) snprintf(buf, sizeof buf, "%s第%d名（共%zu个%s）", d->dx.terms.whole, x->rank[c], x->nvalid, d->dx.terms.unit);
    else snprintf(buf, sizeof buf, "本年无测评数据");
    pm_ptext(t, cr, buf, 10.5, 1, PM_INK, PM_ALIGN_LEFT, r.x, y);
    y += 17;
    long par = d->a->ds->committees[c].parent;
    if (par >= 0 && x->rank_in_parent[c] > 0) { /* and within its parent */
        size_t np = 0;
        for (size_t k = 0; k < d->dx.n; k++) np += d->a->ds->committees[k].parent == par && x->rank_in_parent[k] > 0;
        pm_namebuf nb;
        snprintf(buf, sizeof buf, "%s第%d名（共%zu个%s）", pm_text_name(d->a->ds->parents[par].name, &nb), x->rank_in_parent[c], np,
                 d->dx.terms.unit);
        pm_ptext(t, cr, buf, 9.5, 1, PM_INK, PM_ALIGN_LEFT, r.x, y);
        y += 15;
    }
    char mv[96];
    pm_rgba col = rank_move(x->prev_rank[c], x->rank[c], 1, mv, sizeof mv);
    if (d->dx.prev_year) snprintf(buf, sizeof buf, "较%d年：%s", d->dx.prev_year, mv);
    else snprintf(buf, sizeof buf, "首个测评年度，无上年排名");
    pm_ptext(t, cr, buf, 9.5, 0, col, PM_ALIGN_LEFT, r.x, y);
    y += 22;
    cairo_new_path(cr);
    cairo_rectangle(cr, r.x, y, r.w, 0.5);
    pm_set_rgba(cr, PM_RULE);
    cairo_fill(cr);
    y += 8;
    const pm_analysis *an = d->a->an;
    double v[6] = { ind(d, c, "needs"), needs_total(d, c), (double)an->n_platforms[c],
                    (double)an->n_projects[c], (double)an->n_running[c], ind(d, c, "running_per_1000") };
    char lab[6][96];
    snprintf(lab[0], sizeof lab[0], "%d年收集群众需求", d->dx.year);
    snprintf(lab[1], sizeof lab[1], "%d年以来累计需求", d->a->an->tab.years[0]);
    snprintf(lab[2], sizeof lab[2], "党建服务平台");
    snprintf(lab[3], sizeof lab[3], "共建项目");
    snprintf(lab[4], sizeof lab[4], "在推进的共建项目");
    snprintf(lab[5], sizeof lab[5], "每千名居民在推进项目");
    const char *units[6] = { "条", "条", "个", "个", "个", "个" };
    for (int k = 0; k < 6; k++) {
        if (isnan(v[k])) snprintf(buf, sizeof buf, "—");
        else snprintf(buf, sizeof buf, k == 5 ? "%.2f" : "%.0f", v[k]);
        snprintf(unit, sizeof unit, "%s", isnan(v[k]) ? "" : units[k]);
        fact(t, cr, lab[k], buf, unit, r.x + (k % 2) * r.w / 2, y + (k / 2) * 33);
    }
}

static double index_table(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t c, double x,
                          double y, double w)
{
    char self[64], med[96], pmed[96];
    long par = d->a->ds->committees[c].parent;
    snprintf(self, sizeof self, "本%s", d->dx.terms.unit);
    snprintf(med, sizeof med, "%s中位数", d->dx.terms.median);
    pm_namebuf nb;
    snprintf(pmed, sizeof pmed, "%s中位数", par >= 0 ? pm_text_name(d->a->ds->parents[par].name, &nb) : "");
    const char *const head[7] = { "指数", self, "分级", med, "排名", "较上年排名", pmed };
    /* value and medians: right edges; with a parent, its median takes the middle */
    const double col1[7] = { 0, 212, 226, 392, 404, 452, 0 }, col2[7] = { 0, 190, 204, 326, 404, 452, 392 };
    const double *col = par >= 0 ? col2 : col1;
    double rowh = 14.5;
    for (int k = 0; k < (par >= 0 ? 7 : 6); k++)
        pm_ptext(t, cr, head[k], 7.5, 0, PM_GREY, k == 1 || k == 3 || k == 6 ? PM_ALIGN_RIGHT : PM_ALIGN_LEFT,
             x + col[k], y);
    y += 13;
    cairo_new_path(cr);
    cairo_rectangle(cr, x, y, w, 0.6);
    pm_set_rgba(cr, PM_INK);
    cairo_fill(cr);
    for (size_t i = 0; i < d->dx.nidx; i++) {
        const pm_diagnosis_index *xi = &d->dx.idx[i];
        const pm_thematic *th = xi->th;
        int signed_ = th->style->classify.method == PM_CLASSIFY_DIVERGING;
        double ry = y + (double)i * rowh, ty = ry + 3.5;
        if (i % 2 == 1) {
            cairo_new_path(cr);
            cairo_rectangle(cr, x, ry + 0.6, w, rowh);
            pm_set_rgba(cr, PM_ROW_SHADE);
            cairo_fill(cr);
        }
        char buf[160], med[48];
        snprintf(buf, sizeof buf, "%s%s%s%s", th->style->title, *th->style->unit ? "（" : "",
                 th->style->unit, *th->style->unit ? "）" : "");
        pm_ptext(t, cr, buf, 8.5, 0, PM_INK, PM_ALIGN_LEFT, x + col[0], ty);
        pm_thematic_format(th, th->value[c], signed_, buf, sizeof buf);
        pm_ptext(t, cr, buf, 8.5, 1, PM_INK, PM_ALIGN_RIGHT, x + col[1], ty);
        pm_atlas_swatch(cr, th, th->cls[c], x + col[2], ty + 1.5, 12, 8, d->a->print);
        const char *cls = th->cls[c] >= 0 ? th->labels[th->cls[c]] : "无数据";
        pm_ptext(t, cr, cls, 8, 0, PM_INK, PM_ALIGN_LEFT, x + col[2] + 16, ty);
        pm_thematic_format(th, xi->median, signed_, med, sizeof med);
        pm_ptext(t, cr, med, 8.5, 0, PM_INK, PM_ALIGN_RIGHT, x + col[3], ty);
        if (par >= 0 && xi->parent_median) {
            pm_thematic_format(th, xi->parent_median[par], signed_, med, sizeof med);
            pm_ptext(t, cr, med, 8.5, 0, PM_INK, PM_ALIGN_RIGHT, x + col[6], ty);
        }
        if (xi->rank[c] > 0) snprintf(buf, sizeof buf, "%d / %zu", xi->rank[c], xi->nvalid);
        else snprintf(buf, sizeof buf, "—");
        pm_ptext(t, cr, buf, 8.5, 0, PM_INK, PM_ALIGN_LEFT, x + col[4], ty);
        pm_rgba mc = rank_move(xi->prev_rank[c], xi->rank[c], 0, buf, sizeof buf);
        pm_ptext(t, cr, buf, 8.5, 0, mc, PM_ALIGN_LEFT, x + col[5], ty);
    }
    y += (double)d->dx.nidx * rowh + 1;
    cairo_new_path(cr);
    cairo_rectangle(cr, x, y, w, 0.6);
    pm_set_rgba(cr, PM_INK);
    cairo_fill(cr);
    return y;
}

/* A tag ("优势") followed by wrapped sentences; returns the y below them. */
static double sentences(pm_text *t, cairo_t *cr, const char *tag, pm_rgba col, char **s, size_t n,
                        double x, double y, double w)
{
    pm_textstyle tg = { .size = 8.5, .bold = 1, .color = PM_WHITE };
    double tw = 0, th = 0;
    pm_text_measure(t, tag, &tg, &tw, &th);
    cairo_new_path(cr);
    cairo_rectangle(cr, x, y + 1, tw + 8, th + 1);
    pm_set_rgba(cr, col);
    cairo_fill(cr);
    pm_text_draw(t, cr, tag, &tg, x + 4, y + 1.5);
    pm_textstyle st = { .size = 8, .color = PM_INK, .max_width = w - 44 };
    for (size_t k = 0; k < n; k++) {
        if (!s[k]) continue;
        pm_ptext(t, cr, "•", 8, 0, col, PM_ALIGN_LEFT, x + 34, y);
        y += pm_atlas_text(t, cr, s[k], &st, x + 44, y) + 1.5;
    }
    return n ? y : y + th + 4;
}

/* The committees' sizes for the peer comparison: residents, else households, else
 * area; *what names it. */
static double *sizes(const pm_atlas_doc *d, const char **what)
{
    size_t n = d->dx.n;
    double *v = malloc((n + 1) * sizeof *v);
    if (!v) return NULL;
    static const char *const names[2] = { "population", "households" }, *const words[2] = { "常住人口", "户数" };
    for (int k = 0; k < 2; k++) {
        size_t known = 0;
        for (size_t c = 0; c < n; c++) known += (v[c] = ind(d, c, names[k])) > 0;
        if (known * 2 > n) { *what = words[k]; return v; }
    }
    for (size_t c = 0; c < n; c++) v[c] = d->a->an->area_km2[c];
    *what = "面积";
    return v;
}

/* "与常住人口相近的5个居民区（A、B…）相比，…高出其平均值2.3分，在这6个居民区中列第2". */
static char *peer_sentence(const pm_atlas_doc *d, size_t c)
{
    const char *what = NULL;
    double *sz = sizes(d, &what);
    if (!sz) return NULL;
    size_t peers[5], k = pm_diagnosis_peers(&d->dx, sz, c, 5, peers);
    free(sz);
    const pm_thematic *th = d->dx.idx[0].th;
    if (!k || isnan(th->value[c])) return NULL;
    char names[1024] = "", dif[48];
    size_t len = 0, better = 0;
    pm_namebuf nb;
    double sum = 0;
    int up = th->style->higher_is_better;
    for (size_t i = 0; i < k; i++) {
        double v = th->value[peers[i]];
        sum += v;
        better += up ? v > th->value[c] : v < th->value[c];
        if (len < sizeof names - 192) /* a drawn name is at most 40 characters */
            len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", i ? "、" : "",
                                    pm_text_name(d->a->ds->committees[peers[i]].name, &nb));
    }
    double dd = th->value[c] - sum / (double)k;
    pm_thematic_format(th, fabs(dd), 0, dif, sizeof dif);
    const char *u = d->dx.terms.unit, *unit = th->style->unit;
    int same = fabs(dd) < 0.5 * pow(10, -th->style->decimals);
    return pm_asprintf("与%s相近的%zu个%s（%s）相比，%s%s%s%s%s，在这%zu个%s中列第%zu。", what, k, u, names,
                       th->style->title, same ? "与其平均值持平" : (dd > 0) == (up != 0) ? "高出其平均值" : "低于其平均值",
                       same ? "" : dif, same ? "" : unit, "", k + 1, u, better + 1);
}

/* Needs collected against the running projects, per 100 needs, with the whole area's. */
static char *needs_sentence(const pm_atlas_doc *d, size_t c)
{
    const pm_analysis *an = d->a->an;
    double need = needs_total(d, c), all_need = 0, all_run = 0;
    if (isnan(need) || need <= 0) return NULL;
    for (size_t k = 0; k < d->dx.n; k++) {
        double v = needs_total(d, k);
        if (!isnan(v)) { all_need += v; all_run += (double)an->n_running[k]; }
    }
    double per = 100.0 * (double)an->n_running[c] / need, all = all_need > 0 ? 100.0 * all_run / all_need : NAN;
    char verdict[160] = ""; /* the ratio itself, not a stock phrase */
    if (!isnan(all) && all > 0) {
        double k = per / all;
        if (k < 0.75) snprintf(verdict, sizeof verdict, "，仅为平均水平的%.0f%%", k * 100);
        else if (k > 1.25) snprintf(verdict, sizeof verdict, "，是平均水平的%.1f倍", k);
        else snprintf(verdict, sizeof verdict, "，接近平均水平（%.0f%%）", k * 100);
    }
    return pm_asprintf("%d年以来累计收集群众需求%.0f条，在推进的共建项目%zu个，每100条需求对应%.1f个在推进项目"
                       "（%s为%.1f个）%s。", an->tab.years[0], need, an->n_running[c], per, d->dx.terms.whole, all, verdict);
}

/* One or two of the agency's suggestions ("advice"), keyed by the weaknesses (else by
 * the relatively weakest index), picked by the committee's page so that pages differ. */
static size_t advice(const pm_atlas_doc *d, size_t c, const size_t *worst, size_t nw, char *out[2])
{
    size_t keys[2], nk = 0;
    for (size_t k = 0; k < nw; k++) keys[nk++] = worst[k];
    if (!nk) { /* no weakness: the index ranked lowest */
        double share = -1;
        for (size_t i = 0; i < d->dx.nidx; i++) {
            const pm_diagnosis_index *x = &d->dx.idx[i];
            double s = x->rank[c] > 0 ? (double)x->rank[c] / (double)x->nvalid : -1;
            if (s > share) { share = s; keys[0] = i; }
        }
        nk = share > 0;
    }
    size_t n = 0, pick = d->pos[c] * 7 + d->pos[c] / 4; /* neighbouring pages apart */
    for (size_t k = 0; k < nk && n < 2; k++) {
        const pm_style *s = d->dx.idx[keys[k]].th->style;
        const pm_advice *a = pm_config_advice(d->a->cfg, s->id);
        if (!a) continue;
        out[n++] = pm_asprintf("针对%s：%s。", s->title, a->items[(pick + k) % a->nitems]);
        if (nk == 1 && a->nitems > 1 && n < 2)
            out[n++] = pm_asprintf("针对%s：%s。", s->title, a->items[(pick + 1) % a->nitems]);
    }
    return n;
}

/* No index in the top (strength 1) or bottom third: which one comes nearest, ranked. */
static char *none_sentence(const pm_atlas_doc *d, size_t c, int strength)
{
    const pm_terms *tm = &d->dx.terms;
    long pick = -1;
    double share = strength ? 2 : -1;
    for (size_t i = 0; i < d->dx.nidx; i++) {
        const pm_diagnosis_index *x = &d->dx.idx[i];
        if (x->rank[c] <= 0) continue;
        double s = (double)x->rank[c] / (double)x->nvalid;
        if (strength ? s < share : s > share) { share = s; pick = (long)i; }
    }
    int parents = d->dx.r && d->dx.r->parent;
    char where[160];
    snprintf(where, sizeof where, parents ? "%s或所属%s" : "%s", tm->whole, tm->parent);
    if (pick < 0) return pm_asprintf("本年无测评数据。");
    const pm_diagnosis_index *x = &d->dx.idx[pick];
    return pm_asprintf("没有一项指数处于%s的%s三分之一，相对%s的是%s（第%d名）。", where, strength ? "前" : "后",
                       strength ? "最好" : "最弱", x->th->style->title, x->rank[c]);
}

static pm_status diagnosis(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t c, double x,
                           double *y, double w)
{
    size_t best[2], worst[2], nb = 0, nw = 0;
    pm_diagnosis_standing(&d->dx, c, best, &nb, worst, &nw);
    char *s[5][2] = { { NULL } };
    size_t cnt[5] = { 0 };
    pm_status st = pm_diagnosis_overall(&d->dx, c, &s[0][0], &s[0][1]);
    cnt[0] = 2;
    for (size_t k = 0; k < nb; k++) if (!(s[1][k] = pm_diagnosis_sentence(&d->dx, c, best[k], 1))) st = PM_ENOMEM;
    for (size_t k = 0; k < nw; k++) if (!(s[2][k] = pm_diagnosis_sentence(&d->dx, c, worst[k], 0))) st = PM_ENOMEM;
    if (!nb && !(s[1][0] = none_sentence(d, c, 1))) st = PM_ENOMEM;
    if (!nw && !(s[2][0] = none_sentence(d, c, 0))) st = PM_ENOMEM;
    cnt[1] = nb ? nb : 1;
    cnt[2] = nw ? nw : 1;
    s[3][0] = peer_sentence(d, c);
    s[3][1] = needs_sentence(d, c);
    cnt[3] = 2;
    cnt[4] = advice(d, c, worst, nw, s[4]);
    static const char *const tags[5] = { "总体", "优势", "短板", "对比", "建议" };
    const pm_rgba cols[5] = { PM_INK, PM_GREEN, PM_RED, PM_GREY, PM_RED };
    for (int k = 0; k < 5 && !st; k++) {
        if (!cnt[k] || (!s[k][0] && !s[k][1])) continue;
        *y = sentences(t, cr, tags[k], cols[k], s[k], cnt[k], x, *y, w) + 3;
    }
    for (int k = 0; k < 5; k++) { free(s[k][0]); free(s[k][1]); }
    return st;
}

/* Needs, platforms and the running projects (as many as fit, then a count). */
static pm_status projects(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t c, pm_rect r)
{
    const pm_dataset *ds = d->a->ds;
    const pm_analysis *an = d->a->an;
    double y = r.y, needs = ind(d, c, "needs");
    pm_textstyle st = { .size = 8, .color = PM_INK, .max_width = r.w - 8 };
    char *s = NULL;
    if (!isnan(needs)) {
        s = pm_asprintf("%d年收集群众需求（急难愁盼）%.0f条，%d年以来累计%.0f条。", d->dx.year, needs,
                        an->tab.years[0], needs_total(d, c));
        if (!s) return PM_ENOMEM;
        y += pm_atlas_text(t, cr, s, &st, r.x, y) + 4;
        free(s);
    }
    size_t k = 0, len = 0;
    char list[1024] = "";
    for (size_t i = 0; i < ds->nplatforms; i++)
        if (an->platform_in[i] == (long)c && len + strlen(ds->platforms[i].name) + 8 < sizeof list) {
            pm_namebuf nb;
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", k++ ? "、" : "",
                                    pm_text_name(ds->platforms[i].name, &nb));
        }
    s = pm_asprintf("党建服务平台：%s", k ? list : "辖区内暂无");
    if (!s) return PM_ENOMEM;
    y += pm_atlas_text(t, cr, s, &st, r.x, y) + 6;
    free(s);
    size_t nrun = an->n_running[c], shown = 0;
    char head[96];
    snprintf(head, sizeof head, "在推进的共建项目（%zu个）", nrun);
    y += pm_atlas_text(t, cr, head, &(pm_textstyle){ .size = 8, .bold = 1, .color = PM_INK }, r.x, y) + 2;
    pm_textstyle it = { .size = 7.5, .color = PM_INK, .max_width = r.w - 8 };
    for (size_t i = 0; i < ds->nprojects && y + 22 < r.y + r.h; i++) {
        const pm_site *p = &ds->projects[i];
        if (an->project_in[i] != (long)c || p->status != PM_SITE_RUNNING) continue;
        pm_namebuf nb;
        s = pm_asprintf("· %s%s%s%s%s%s", pm_text_name(p->name, &nb), *p->category || *p->partner ? "（" : "",
                        p->category, *p->category && *p->partner ? "，" : "", p->partner,
                        *p->category || *p->partner ? "）" : "");
        if (!s) return PM_ENOMEM;
        y += pm_atlas_text(t, cr, s, &it, r.x, y) + 1.5;
        free(s);
        shown++;
    }
    if (shown < nrun) {
        snprintf(head, sizeof head, "……另有%zu个在推进项目", nrun - shown);
        pm_ptext(t, cr, head, 7.5, 0, PM_GREY, PM_ALIGN_LEFT, r.x, y);
    }
    return PM_OK;
}

size_t pm_atlas_contents_rows(void)
{
    return 36;
}

size_t pm_atlas_committee_page(const pm_atlas_doc *d, size_t c)
{
    return 1 + d->ncontents + d->pos[c];
}

/* The page title (in buf, changed) at 22 pt, smaller down to 14 pt for a long name,
 * then cut with "…" to room: a long name never runs into the year or off the page. */
static void page_title(pm_text *t, cairo_t *cr, char *buf, double x, double y, double room)
{
    pm_textstyle st = { .size = 22, .bold = 1 };
    double w = 0, h;
    while (pm_text_measure(t, buf, &st, &w, &h) == PM_OK && w > room && st.size > 14) st.size -= 1;
    size_t n = strlen(buf);
    while (w > room && n > 0) {
        if (n >= 3 && memcmp(buf + n - 3, "\xE2\x80\xA6", 3) == 0) n -= 3; /* the "…" of the last cut */
        do n--; while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80);  /* one character */
        memcpy(buf + n, "\xE2\x80\xA6", 4);
        if (pm_text_measure(t, buf, &st, &w, &h) != PM_OK) break;
    }
    pm_ptext(t, cr, buf, st.size, 1, PM_INK, PM_ALIGN_LEFT, x, y + (22 - st.size) * 0.6);
}

static void page_header(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t c)
{
    const pm_committee *cm = &d->a->ds->committees[c];
    double m = PM_ATLAS_MARGIN, w = PM_A4_W - 2 * m;
    char buf[256];
    pm_atlas_committee_title(d->a->cfg, cm->name, buf, sizeof buf);
    page_title(t, cr, buf, m, m - 4, w - 110); /* the year's label takes the right 100 pt */
    snprintf(buf, sizeof buf, "%d年度诊断书", d->dx.year);
    pm_ptext(t, cr, buf, 11, 1, PM_RED, PM_ALIGN_RIGHT, m + w, m + 6);
    /* the year's households and residents (from the evaluations or statistics), when known */
    double hh = ind(d, c, "households"), pop = ind(d, c, "population");
    char hhs[32] = "", pops[32] = "";
    if (isfinite(hh)) snprintf(hhs, sizeof hhs, " · %.0f户", hh);
    if (isfinite(pop)) snprintf(pops, sizeof pops, " · %.0f人", pop);
    pm_namebuf nb;
    snprintf(buf, sizeof buf, "%s%s%s · %s代码 %s%s%s · %.2f平方千米", d->a->cfg->name, cm->parent >= 0 ? " · " : "",
             cm->parent >= 0 ? pm_text_name(d->a->ds->parents[cm->parent].name, &nb) : "", d->dx.terms.unit, cm->code, hhs, pops,
             d->a->an->area_km2[c]);
    pm_ptext(t, cr, buf, 8.5, 0, PM_GREY, PM_ALIGN_LEFT, m, m + 27);
    cairo_new_path(cr);
    cairo_rectangle(cr, m, m + 43, w, 1.2);
    pm_set_rgba(cr, PM_RED);
    cairo_fill(cr);
}

pm_status pm_atlas_page_committee(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t c)
{
    double m = PM_ATLAS_MARGIN, w = PM_A4_W - 2 * m;
    pm_set_rgba(cr, PM_WHITE);
    cairo_paint(cr);
    page_header(d, t, cr, c);
    pm_rect map = { m, m + 54, 300, 210 };
    pm_status st = locator(d, t, cr, c, map);
    if (st) return st;
    locator_legend(d, t, cr, map.x, map.y + map.h + 5);
    key_figures(d, t, cr, c, (pm_rect){ map.x + map.w + 18, map.y, w - map.w - 18, map.h });
    double y = pm_atlas_heading(t, cr, "各项指数", m, map.y + map.h + 32);
    y = index_table(d, t, cr, c, m, y, w) + 10;
    y = pm_atlas_heading(t, cr, "诊断意见", m, y) + 2;
    if ((st = diagnosis(d, t, cr, c, m, &y, w)) != PM_OK) return st;
    y += 6;
    double half = (w - 18) / 2, bottom = PM_A4_H - m - 8;
    pm_atlas_heading(t, cr, "历年得分", m, y);
    pm_atlas_heading(t, cr, "群众需求与共建项目", m + half + 18, y);
    y += 20;
    if ((st = pm_atlas_chart(d, t, cr, c, (pm_rect){ m, y, half, bottom - y })) != PM_OK) return st;
    if ((st = projects(d, t, cr, c, (pm_rect){ m + half + 18, y, half, bottom - y })) != PM_OK) return st;
    pm_atlas_footer(d, t, cr, pm_atlas_committee_page(d, c));
    return cairo_status(cr) ? PM_EINTERNAL : PM_OK;
}
