/* The diagnosis atlas: document preparation, cover, contents, and the deterministic PDF. */
#include "print/atlas.h"

#include <cairo-pdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fileio.h"
#include "print/pdfdoc.h"
#include "geo/proj.h"
#include "print/atlas_page.h"
#include "print/poster.h"
#include "render/draw.h"
#include "print/ptext.h"
#include "render/house.h"

/* ---- the document ------------------------------------------------------- */

size_t pm_atlas_page_count(const pm_atlas *a)
{
    size_t rows = pm_atlas_contents_rows(), n = a->ds->ncommittees;
    return 1 + (n + rows - 1) / rows + n;
}

/* Page order: by parent (in the dataset's order of parents), then by code. */
typedef struct { long parent; const char *code; size_t c; } order_key;

static int by_parent_code(const void *x, const void *y)
{
    const order_key *a = x, *b = y;
    if (a->parent != b->parent) return a->parent < b->parent ? -1 : 1;
    return strcmp(a->code, b->code);
}

static pm_status sort_order(const pm_dataset *ds, size_t **order, size_t **pos)
{
    size_t n = ds->ncommittees;
    order_key *k = malloc((n + 1) * sizeof *k);
    *order = malloc((n + 1) * sizeof **order);
    *pos = malloc((n + 1) * sizeof **pos);
    if (!k || !*order || !*pos) { free(k); return PM_ENOMEM; }
    for (size_t c = 0; c < n; c++) k[c] = (order_key){ ds->committees[c].parent, ds->committees[c].code, c };
    qsort(k, n, sizeof *k, by_parent_code);
    for (size_t i = 0; i < n; i++) {
        (*order)[i] = k[i].c;
        (*pos)[k[i].c] = i;
    }
    free(k);
    return PM_OK;
}

pm_status pm_atlas_pages(const pm_atlas *a, size_t *pages)
{
    size_t *order = NULL, *pos = NULL;
    pm_status st = sort_order(a->ds, &order, &pos);
    size_t rows = pm_atlas_contents_rows(), n = a->ds->ncommittees;
    for (size_t c = 0; !st && c < n; c++) pages[c] = 1 + (n + rows - 1) / rows + pos[c] + 1;
    free(order);
    free(pos);
    return st;
}

size_t pm_atlas_page_of(const pm_atlas *a, size_t c)
{
    size_t *order = NULL, *pos = NULL, page = 0;
    if (sort_order(a->ds, &order, &pos) == PM_OK) {
        size_t rows = pm_atlas_contents_rows(), n = a->ds->ncommittees;
        page = 1 + (n + rows - 1) / rows + pos[c] + 1;
    }
    free(order);
    free(pos);
    return page;
}

pm_status pm_atlas_doc_init(pm_atlas_doc *d, const pm_atlas *a, char **err)
{
    memset(d, 0, sizeof *d);
    d->a = a;
    if (a->results->nmaps == 0) {
        if (err) *err = pm_strdup("atlas: no maps selected");
        return PM_EUSAGE;
    }
    pm_diag diag;
    pm_diag_init(&diag);
    pm_terms terms = pm_config_terms(a->cfg, a->ds->nparents > 0);
    pm_status st = pm_diagnosis_build(a->results, a->year, &terms, &diag, &d->dx);
    if (st && err) *err = diag.count ? pm_problem_format(&diag.items[0]) : NULL;
    pm_diag_fini(&diag);
    if (!st) st = pm_mapsym_build(d->dx.idx[0].th, a->scene, a->ds, &a->an->tab, &d->sym);
    if (!st) st = sort_order(a->ds, &d->order, &d->pos);
    if (st) { pm_atlas_doc_fini(d); return st; }
    pm_view centre = pm_view_fit(a->scene->extent, 0, 0, 1, 1);
    d->north = pm_panel_north_angle(a->scene->crs, &centre);
    d->npages = pm_atlas_page_count(a);
    d->ncontents = d->npages - 1 - a->ds->ncommittees;
    return PM_OK;
}

void pm_atlas_doc_fini(pm_atlas_doc *d)
{
    free(d->order);
    free(d->pos);
    d->order = d->pos = NULL;
    pm_mapsym_fini(&d->sym);
    pm_diagnosis_fini(&d->dx);
}

/* ---- cover -------------------------------------------------------------- */

static pm_status overview(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, pm_rect r)
{
    const pm_scene *sc = d->a->scene;
    pm_bbox e = sc->extent;
    double mx = (e.maxx - e.minx) * 0.04, my = (e.maxy - e.miny) * 0.04;
    e.minx -= mx; e.maxx += mx; e.miny -= my; e.maxy += my;
    pm_view v = pm_view_fit(e, r.x, r.y, r.w, r.h);
    pm_labelset labels = { 0 };
    pm_label_opts lo;
    pm_mapdraw md;
    int on;
    pm_house_setup(PM_HOUSE_ATLAS_OVERVIEW, d->dx.idx[0].th->style, 0, 0, &md, &lo, &on);
    md.fill = d->sym.fill;
    md.nodata = d->sym.nodata;
    md.labels = &labels;
    md.cands = d->sym.cands;
    md.label_opts = &lo;
    md.print = d->a->print;
    size_t nc = d->sym.n;
    if (d->sym.nparents) { /* the whole area at A4: its parents are named, not its committees */
        pm_house_parent_labels(PM_HOUSE_ATLAS_OVERVIEW, 0, 0, &lo);
        md.cands = d->sym.parent_cands;
        nc = d->sym.nparents;
    }
    pm_status st = pm_labels_place(t, md.cands, nc, v.scale, &lo, &labels);
    if (!st) st = pm_draw_map(cr, t, &v, sc, &md);
    if (!st) st = pm_atlas_viewport(d, &v, d->a->cfg->name);
    pm_labelset_fini(&labels);
    if (st) return st;
    cairo_new_path(cr);
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    pm_set_rgba(cr, PM_GREY);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    if ((st = pm_panel_north(t, cr, r.x + r.w - 18, r.y + 26, 24, d->north)) != PM_OK) return st;
    return pm_panel_scalebar(t, cr, &v, r.x + 10, r.y + r.h - 10, 100);
}

/* The headline classes with their counts, in a row under the overview map. */
static void cover_legend(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, double x, double y)
{
    const pm_thematic *th = d->dx.idx[0].th;
    pm_textstyle st = { .size = 8, .color = PM_INK };
    char buf[192];
    snprintf(buf, sizeof buf, "%s：", th->style->title);
    double w = 0, h = 0;
    pm_text_measure(t, buf, &st, &w, &h);
    pm_text_draw(t, cr, buf, &st, x, y);
    x += w + 4;
    for (size_t k = th->classes.n; k-- > 0;) {
        pm_atlas_swatch(cr, th, (int)k, x, y + 1.5, 14, 9, d->a->print);
        snprintf(buf, sizeof buf, "%s %zu个", th->labels[k], th->classes.counts[k]);
        pm_text_measure(t, buf, &st, &w, &h);
        pm_text_draw(t, cr, buf, &st, x + 17, y);
        x += 17 + w + 10;
    }
}

typedef struct { char value[32], unit[16], label[96], note[96]; } figure;

static void cover_figures(const pm_atlas_doc *d, figure f[5])
{
    const pm_atlas *a = d->a;
    const pm_diagnosis_index *x = &d->dx.idx[0];
    const pm_style *s = x->th->style;
    size_t run = 0, top = pm_diagnosis_count_top(x->th, 2);
    for (size_t i = 0; i < a->ds->nprojects; i++) run += a->ds->projects[i].status == PM_SITE_RUNNING;
    snprintf(f[0].value, sizeof f[0].value, "%zu", a->ds->ncommittees);
    snprintf(f[0].unit, sizeof f[0].unit, "个");
    snprintf(f[0].label, sizeof f[0].label, "%s", d->dx.terms.unit);
    snprintf(f[0].note, sizeof f[0].note, "%zu个有测评结果", x->nvalid);
    snprintf(f[1].value, sizeof f[1].value, "%zu", top);
    snprintf(f[1].unit, sizeof f[1].unit, "个");
    size_t nc = x->th->classes.n;
    if (s->class_labels && nc >= 2 && nc <= s->nthresholds + 1)
        snprintf(f[1].label, sizeof f[1].label, "%s、%s%s", s->class_labels[nc - 1], s->class_labels[nc - 2], d->dx.terms.unit);
    else snprintf(f[1].label, sizeof f[1].label, "最高两档%s", d->dx.terms.unit);
    if (d->dx.prev_year) {
        long dl = (long)top - (long)pm_diagnosis_count_top(x->prev, 2);
        snprintf(f[1].note, sizeof f[1].note, "较%d年%s%ld个", d->dx.prev_year, dl >= 0 ? "+" : "−", labs(dl));
    } else snprintf(f[1].note, sizeof f[1].note, "首个测评年度");
    snprintf(f[2].value, sizeof f[2].value, "%zu", a->ds->nplatforms);
    snprintf(f[2].unit, sizeof f[2].unit, "个");
    snprintf(f[2].label, sizeof f[2].label, "党建服务平台");
    snprintf(f[3].value, sizeof f[3].value, "%zu", a->ds->nprojects);
    snprintf(f[3].unit, sizeof f[3].unit, "个");
    snprintf(f[3].label, sizeof f[3].label, "共建项目");
    snprintf(f[3].note, sizeof f[3].note, "其中在推进%zu个", run);
    const pm_indtab *tab = &a->an->tab;
    long k = pm_indtab_find(tab, "needs");
    double year_sum = 0, all = 0;
    for (size_t y = 0; k >= 0 && y < tab->nyears && tab->years[y] <= a->year; y++)
        for (size_t c = 0; c < tab->ncommittees; c++) {
            double v = pm_indtab_get(tab, y, c, (size_t)k);
            if (isnan(v)) continue;
            all += v;
            if (tab->years[y] == a->year) year_sum += v;
        }
    snprintf(f[4].value, sizeof f[4].value, k >= 0 ? "%.0f" : "—", year_sum);
    snprintf(f[4].unit, sizeof f[4].unit, "条");
    snprintf(f[4].label, sizeof f[4].label, "%d年收集群众需求", a->year);
    snprintf(f[4].note, sizeof f[4].note, "%d年以来累计%.0f条", tab->years[0], all);
}

static void cover_boxes(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, double x, double y, double w)
{
    figure f[5];
    memset(f, 0, sizeof f);
    cover_figures(d, f);
    double bw = w / 5;
    for (int k = 0; k < 5; k++) {
        double bx = x + k * bw;
        if (k > 0) {
            cairo_new_path(cr);
            cairo_rectangle(cr, bx, y + 2, 0.5, 58);
            pm_set_rgba(cr, PM_RULE);
            cairo_fill(cr);
        }
        pm_textstyle vs = { .size = 22, .bold = 1, .color = k == 1 ? PM_RED : PM_INK };
        double vw = 0, vh = 0;
        pm_text_measure(t, f[k].value, &vs, &vw, &vh);
        pm_text_draw(t, cr, f[k].value, &vs, bx + 10, y);
        pm_ptext(t, cr, f[k].unit, 9, 0, PM_INK, PM_ALIGN_LEFT, bx + 12 + vw, y + 14);
        pm_ptext(t, cr, f[k].label, 8, 1, PM_INK, PM_ALIGN_LEFT, bx + 10, y + 32);
        pm_ptext(t, cr, f[k].note, 7, 0, PM_GREY, PM_ALIGN_LEFT, bx + 10, y + 46);
    }
}

static pm_status page_cover(const pm_atlas_doc *d, pm_text *t, cairo_t *cr)
{
    const pm_atlas *a = d->a;
    double m = PM_ATLAS_MARGIN, w = PM_A4_W - 2 * m;
    char buf[1024];
    pm_set_rgba(cr, PM_WHITE);
    cairo_paint(cr);
    cairo_new_path(cr); /* the red band at the top edge: into the bleed on a print page */
    cairo_rectangle(cr, -d->bleed, -d->bleed, PM_A4_W + 2 * d->bleed, 8 + d->bleed);
    pm_set_rgba(cr, PM_RED);
    cairo_fill(cr);
    pm_ptext(t, cr, a->cfg->name, 14, 0, PM_GREY, PM_ALIGN_LEFT, m, m + 6);
    snprintf(buf, sizeof buf, "%d年度%s诊断图集", a->year, d->dx.terms.unit);
    pm_ptext(t, cr, buf, 28, 1, PM_INK, PM_ALIGN_LEFT, m, m + 26);
    snprintf(buf, sizeof buf, "%s第三方测评结果 · %zu个%s的个性化诊断书", d->dx.idx[0].th->style->title,
             a->ds->ncommittees, d->dx.terms.unit);
    pm_ptext(t, cr, buf, 10, 0, PM_GREY, PM_ALIGN_LEFT, m, m + 70);
    cairo_new_path(cr);
    cairo_rectangle(cr, m, m + 92, w, 1.2);
    pm_set_rgba(cr, PM_RED);
    cairo_fill(cr);
    cover_boxes(d, t, cr, m - 10, m + 104, w + 10);
    pm_rect map = { m, m + 178, w, 440 };
    pm_status st = overview(d, t, cr, map);
    if (st) return st;
    cover_legend(d, t, cr, m, map.y + map.h + 8);
    const pm_terms *tm = &d->dx.terms;
    snprintf(buf, sizeof buf, "本图集依据%d年度第三方测评结果编制，每个%s一页：左上为位置图（本%s以红色粗线标出，"
             "周边%s淡化显示，叠加党建服务平台和共建项目点位），右上为%s得分、分级和排名；"
             "中部列出%zu项指数的得分、分级、排名及%s中位数，并由数据自动生成诊断意见（优势为处于%s%s%s"
             "前三分之一的指数，短板为后三分之一的指数，并给出距上一等级的差距、历年走势、与规模相近的%s的对比和改进建议）；"
             "下部为历年得分走势和在推进的共建项目。%s%s%s",
             a->year, tm->unit, tm->unit, tm->unit, d->dx.idx[0].th->style->title, d->dx.nidx, tm->median,
             tm->whole, a->ds->nparents ? "或所属" : "", a->ds->nparents ? tm->parent : "", tm->unit,
             a->ds->nparents ? "页面和目录按所属" : "页面和目录按", a->ds->nparents ? tm->parent : tm->unit,
             a->ds->nparents ? "、再按代码排列。" : "代码排序。");
    pm_textstyle st_ = { .size = 8.5, .color = PM_INK, .max_width = w };
    double y = map.y + map.h + 32;
    y += pm_atlas_text(t, cr, buf, &st_, m, y) + 8;
    char *crs = pm_proj_crs_name(a->cfg->print_crs), *ap = pm_poster_approval(a->cfg);
    snprintf(buf, sizeof buf, "数据来源：%s　坐标系：%s（%s）　制图：partymap",
             *a->cfg->credits ? a->cfg->credits : "评估数据", crs ? crs : a->cfg->print_crs, a->cfg->print_crs);
    free(crs);
    pm_textstyle cs = { .size = 7, .color = PM_GREY, .max_width = w };
    y += pm_atlas_text(t, cr, buf, &cs, m, y) + 2;
    if (ap) pm_atlas_text(t, cr, ap, &cs, m, y); /* a line of its own: never broken inside 审图号 */
    free(ap);
    pm_atlas_footer(d, t, cr, 0);
    return cairo_status(cr) ? PM_EINTERNAL : PM_OK;
}

/* ---- contents ----------------------------------------------------------- */

static void contents_row(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t c, double y)
{
    static const double col[8] = { 0, 30, 130, 262, 274, 380, 430, 523 };
    const pm_diagnosis_index *x = &d->dx.idx[0];
    const pm_thematic *th = x->th;
    double m = PM_ATLAS_MARGIN;
    char buf[160], link[32];
    size_t page = pm_atlas_committee_page(d, c);
    snprintf(link, sizeof link, "page=%zu", page + 1);
    int links = !d->a->print; /* PDF/X allows no link annotations: paper has no links */
    if (links) cairo_tag_begin(cr, CAIRO_TAG_LINK, link);
    snprintf(buf, sizeof buf, "%zu", d->pos[c] + 1);
    pm_ptext(t, cr, buf, 8.5, 0, PM_GREY, PM_ALIGN_LEFT, m + col[0], y);
    pm_namebuf nb;
    pm_ptext(t, cr, pm_text_name(d->a->ds->committees[c].name, &nb), 9.5, 1, PM_INK, PM_ALIGN_LEFT, m + col[1], y - 0.5);
    const pm_committee *cm = &d->a->ds->committees[c]; /* with parents, the parent beside the name */
    pm_ptext(t, cr, cm->parent >= 0 ? pm_text_name(d->a->ds->parents[cm->parent].name, &nb) : cm->code, 8, 0, PM_GREY,
         PM_ALIGN_LEFT, m + col[2], y + 0.5);
    pm_thematic_format(th, th->value[c], 0, buf, sizeof buf);
    pm_ptext(t, cr, buf, 8.5, 0, PM_INK, PM_ALIGN_RIGHT, m + col[3], y);
    pm_atlas_swatch(cr, th, th->cls[c], m + col[4], y + 1.5, 12, 8, d->a->print);
    pm_ptext(t, cr, pm_diagnosis_class_name(th, th->cls[c]), 8.5, 0, PM_INK, PM_ALIGN_LEFT, m + col[4] + 16, y);
    snprintf(buf, sizeof buf, x->rank[c] > 0 ? "%d" : "—", x->rank[c]);
    pm_ptext(t, cr, buf, 8.5, 0, PM_INK, PM_ALIGN_LEFT, m + col[5], y);
    int p = x->prev_rank[c], r = x->rank[c];
    if (p > 0 && r > 0) snprintf(buf, sizeof buf, "%d → %d", p, r);
    else snprintf(buf, sizeof buf, "—");
    pm_rgba mc = p > r && r > 0 ? PM_GREEN : p > 0 && p < r ? PM_RED : PM_GREY;
    pm_ptext(t, cr, buf, 8.5, 0, mc, PM_ALIGN_LEFT, m + col[6], y);
    snprintf(buf, sizeof buf, "%zu", page + 1);
    pm_ptext(t, cr, buf, 8.5, 0, PM_INK, PM_ALIGN_RIGHT, m + col[7], y);
    if (links) cairo_tag_end(cr, CAIRO_TAG_LINK);
}

static pm_status page_contents(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t k)
{
    double m = PM_ATLAS_MARGIN, w = PM_A4_W - 2 * m, rowh = 18.5;
    char buf[256];
    pm_set_rgba(cr, PM_WHITE);
    cairo_paint(cr);
    pm_ptext(t, cr, k ? "目录（续）" : "目录", 20, 1, PM_INK, PM_ALIGN_LEFT, m, m - 4);
    char order[96];
    if (d->a->ds->nparents) snprintf(order, sizeof order, "按所属%s、再按代码排列", d->dx.terms.parent);
    else snprintf(order, sizeof order, "按%s代码排序", d->dx.terms.unit);
    snprintf(buf, sizeof buf, "%s；分级与排名为%d年%s，排名变化为较%d年", order, d->a->year,
             d->dx.idx[0].th->style->title, d->dx.prev_year);
    if (!d->dx.prev_year)
        snprintf(buf, sizeof buf, "%s；分级与排名为%d年%s（首个测评年度）", order, d->a->year,
                 d->dx.idx[0].th->style->title);
    if (k) { /* a continuation says which rows it holds, not the note again */
        size_t rows = pm_atlas_contents_rows(), n = d->a->ds->ncommittees, last = (k + 1) * rows;
        snprintf(buf, sizeof buf, "第%zu–%zu个%s（共%zu个）", k * rows + 1, last < n ? last : n, d->dx.terms.unit, n);
    }
    pm_ptext(t, cr, buf, 8.5, 0, PM_GREY, PM_ALIGN_LEFT, m, m + 26);
    char unit_code[64];
    if (d->a->ds->nparents) snprintf(unit_code, sizeof unit_code, "所属%s", d->dx.terms.parent);
    else snprintf(unit_code, sizeof unit_code, "%s代码", d->dx.terms.unit);
    const char *const head[8] = { "序号", d->dx.terms.unit, unit_code, "得分", "分级", "排名", "排名变化", "页码" };
    static const double col[8] = { 0, 30, 130, 262, 274, 380, 430, 523 };
    double y = m + 50;
    for (int i = 0; i < 8; i++)
        pm_ptext(t, cr, head[i], 7.5, 0, PM_GREY, i == 3 || i == 7 ? PM_ALIGN_RIGHT : PM_ALIGN_LEFT, m + col[i], y);
    y += 13;
    cairo_new_path(cr);
    cairo_rectangle(cr, m, y, w, 0.6);
    pm_set_rgba(cr, PM_INK);
    cairo_fill(cr);
    size_t rows = pm_atlas_contents_rows(), c0 = k * rows, n = d->a->ds->ncommittees;
    for (size_t c = c0; c < n && c < c0 + rows; c++) {
        double ry = y + (double)(c - c0) * rowh;
        if ((c - c0) % 2 == 1) {
            cairo_new_path(cr);
            cairo_rectangle(cr, m, ry + 0.6, w, rowh);
            pm_set_rgba(cr, PM_ROW_SHADE);
            cairo_fill(cr);
        }
        contents_row(d, t, cr, d->order[c], ry + 4.5);
    }
    pm_atlas_footer(d, t, cr, 1 + k);
    return cairo_status(cr) ? PM_EINTERNAL : PM_OK;
}

/* ---- output ------------------------------------------------------------- */

static pm_status draw_page(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t page)
{
    pm_text_clear_error(t); /* the page's texts' statuses, checked once after it */
    pm_status st = page == 0 ? page_cover(d, t, cr)
                 : page <= d->ncontents ? page_contents(d, t, cr, page - 1)
                 : pm_atlas_page_committee(d, t, cr, d->order[page - 1 - d->ncontents]);
    return st ? st : pm_text_error(t);
}

pm_status pm_atlas_draw_page(const pm_atlas *a, pm_text *t, cairo_t *cr, size_t page, char **err)
{
    pm_atlas_doc d;
    pm_status st = pm_atlas_doc_init(&d, a, err);
    if (st) return st;
    if (page >= d.npages) {
        if (err) *err = pm_asprintf("atlas: page %zu of %zu", page + 1, d.npages);
        st = PM_EUSAGE;
    } else if ((st = draw_page(&d, t, cr, page)) != PM_OK && err) {
        *err = pm_asprintf("atlas: page %zu: %s", page + 1, pm_strerror(st));
    }
    pm_atlas_doc_fini(&d);
    return st;
}

static pm_status render_pdf(const pm_atlas_doc *d, pm_text *t, pm_pdfdoc *doc)
{
    const pm_atlas *a = d->a;
    cairo_surface_t *surf = doc->surface;
    cairo_pdf_surface_add_outline(surf, CAIRO_PDF_OUTLINE_ROOT, "封面", "page=1", 0);
    cairo_pdf_surface_add_outline(surf, CAIRO_PDF_OUTLINE_ROOT, "目录", "page=2", 0);
    cairo_t *cr = cairo_create(surf);
    pm_pdfdoc_setup(doc, cr);
    pm_status st = PM_OK;
    int parent_item = CAIRO_PDF_OUTLINE_ROOT;
    long last_parent = -1;
    for (size_t p = 0; !st && p < d->npages; p++) {
        if (p > d->ncontents) {
            char link[32];
            size_t c = d->order[p - 1 - d->ncontents];
            const pm_committee *cm = &a->ds->committees[c];
            snprintf(link, sizeof link, "page=%zu", p + 1);
            pm_namebuf nb;
            if (cm->parent >= 0 && cm->parent != last_parent) { /* the outline groups by parent */
                parent_item = cairo_pdf_surface_add_outline(surf, CAIRO_PDF_OUTLINE_ROOT,
                                                            pm_text_name(a->ds->parents[cm->parent].name, &nb),
                                                            link, 0);
                last_parent = cm->parent;
            }
            cairo_pdf_surface_add_outline(surf, cm->parent >= 0 ? parent_item : CAIRO_PDF_OUTLINE_ROOT,
                                          pm_text_name(cm->name, &nb), link, 0);
        }
        st = draw_page(d, t, cr, p);
        pm_pdfdoc_show_page(doc, cr);
    }
    cairo_destroy(cr);
    return st;
}

pm_status pm_atlas_render(const pm_atlas *a, pm_text *t, const pm_printbox *pb, pm_pdfdoc *doc,
                          char **err)
{
    pm_atlas_doc d;
    memset(doc, 0, sizeof *doc);
    pm_status st = pm_atlas_doc_init(&d, a, err);
    if (st) return st;
    char *title = pm_asprintf("%s %d年度%s诊断图集", a->cfg->name, a->year, a->cfg->term_unit);
    st = !title ? PM_ENOMEM : pb ? pm_pdfdoc_begin_print(doc, PM_A4_W, PM_A4_H, title, a->year, pb)
                                 : pm_pdfdoc_begin(doc, PM_A4_W, PM_A4_H, title, a->year);
    free(title);
    d.doc = doc;
    d.bleed = pb ? pb->bleed : 0;
    if (!st && (st = render_pdf(&d, t, doc)) != PM_OK && err && !*err)
        *err = pm_asprintf("cannot draw the atlas: %s", pm_strerror(st));
    if (!st) st = pm_pdfdoc_finish(doc, err);
    if (st) pm_pdfdoc_abort(doc);
    pm_atlas_doc_fini(&d);
    return st;
}

pm_status pm_atlas_write(const pm_atlas *a, pm_text *t, const char *path, int *unchanged,
                         char **err)
{
    if (unchanged) *unchanged = 0;
    pm_pdfdoc doc;
    char *msg = NULL;
    pm_status st = pm_atlas_render(a, t, NULL, &doc, &msg);
    if (!st) return pm_pdfdoc_write(&doc, path, unchanged, err);
    if (err) *err = pm_asprintf("%s: %s", path, msg ? msg : pm_strerror(st));
    free(msg);
    return st;
}
