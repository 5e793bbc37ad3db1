/* Poster layout and output: title, map, legend, ranking, scale, north arrow, credits. */
#include "print/poster.h"
#include "render/house.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "geo/proj.h"
#include "print/panels.h"
#include "print/ptext.h"
#include "print/ranking.h"
#include "print/pdfdoc.h"
#include "render/draw.h"
#include "render/labels.h"
#include "render/mapsym.h"
#include "render/png.h"

/* The map extent: the committees with a margin, context layers around them. */
static pm_bbox map_extent(const pm_scene *sc)
{
    pm_bbox e = sc->extent;
    double mx = (e.maxx - e.minx) * 0.06, my = (e.maxy - e.miny) * 0.06;
    e.minx -= mx; e.maxx += mx; e.miny -= my; e.maxy += my;
    return e;
}

static pm_status draw_header(const pm_poster *p, pm_text *t, cairo_t *cr, double m, double w)
{
    char *title = pm_asprintf("%s%s图", p->cfg->title_prefix, p->th->style->title);
    char *sub = pm_asprintf("%d年度 · %zu个%s · 第三方测评结果%s%s", p->th->year,
                            p->th->n, p->cfg->term_unit, *p->th->style->description ? " · " : "",
                            p->th->style->description);
    if (!title || !sub) { free(title); free(sub); return PM_ENOMEM; }
    double ts = w / 34;
    pm_ptext(t, cr, title, ts, 1, PM_INK, PM_ALIGN_LEFT, m, m);
    pm_ptext(t, cr, sub, ts * 0.45, 0, PM_GREY, PM_ALIGN_LEFT, m, m + ts * 1.45);
    pm_set_rgba(cr, PM_RED);
    cairo_rectangle(cr, m, m + ts * 2.35, w - 2 * m, ts * 0.06);
    cairo_fill(cr);
    free(title);
    free(sub);
    return PM_OK;
}

/* The credits line under the map, and the map approval number (审图号) with its
 * issuing line at the right end of it when the config has one. */
static pm_status draw_credits(const pm_poster *p, pm_text *t, cairo_t *cr, double m, double y,
                              double w, double size)
{
    char *crsname = pm_proj_crs_name(p->cfg->print_crs);
    char *s = pm_asprintf("数据来源：%s　坐标系：%s（%s）　制图：partymap　制图日期：%s",
                          *p->cfg->credits ? p->cfg->credits : "评估数据",
                          crsname ? crsname : p->cfg->print_crs, p->cfg->print_crs, p->made);
    free(crsname);
    char *ap = pm_poster_approval(p->cfg);
    if (!s || (p->cfg->approval_number && !ap)) { free(s); free(ap); return PM_ENOMEM; }
    pm_textstyle st = { .size = size, .color = PM_GREY, .max_width = w - 2 * m };
    double aw = 0, ah = 0;
    pm_status r = PM_OK;
    if (ap) {
        pm_textstyle as = { .size = size, .color = PM_INK };
        r = pm_text_measure(t, ap, &as, &aw, &ah);
        if (!r) r = pm_text_draw(t, cr, ap, &as, w - m - aw, y);
        st.max_width = fmax(w * 0.2, w - 2 * m - aw - size * 2);
    }
    if (!r) r = pm_text_draw(t, cr, s, &st, m, y);
    free(s);
    free(ap);
    return r;
}

char *pm_poster_approval(const pm_config *cfg)
{
    if (!cfg->approval_number) return NULL;
    return pm_asprintf("审图号：%s%s%s", cfg->approval_number, cfg->approval_issuer ? "　" : "",
                       cfg->approval_issuer ? cfg->approval_issuer : "");
}

typedef struct {
    double m, ts, header, credit_size, credits_h, gap;
    pm_rect frame, panel;
    pm_view v;
    double nsize, ncx, ncy;   /* the north arrow: size and centre */
    double sbx, sby, sbw;     /* the scale bar: left end, baseline, longest length */
} layout;

static layout poster_layout(const pm_poster *p, double w, double h)
{
    layout l;
    l.m = w * 0.025;
    l.ts = w / 34;
    l.header = l.ts * 2.7;
    l.credit_size = w / 170;
    l.credits_h = l.credit_size * 2.2;
    l.gap = l.m * 0.6;
    double panel_w = w * 0.25;
    l.frame = (pm_rect){ l.m, l.m + l.header, w - 2 * l.m - panel_w - l.gap, 0 };
    l.frame.h = h - l.frame.y - l.m - l.credits_h - l.gap;
    l.panel = (pm_rect){ l.frame.x + l.frame.w + l.gap, l.frame.y, panel_w, l.frame.h };
    l.v = pm_view_fit(map_extent(p->scene), l.frame.x, l.frame.y, l.frame.w, l.frame.h);
    l.nsize = l.frame.w / 22;
    l.ncx = l.frame.x + l.frame.w - l.nsize * 0.9;
    l.ncy = l.frame.y + l.nsize * 1.1;
    l.sbx = l.frame.x + l.m * 0.6;
    l.sby = l.frame.y + l.frame.h - l.m * 0.9;
    l.sbw = l.frame.w * 0.22;
    return l;
}

/* The furniture's page rectangles: the north arrow with its 北 (pm_panel_north draws
 * it within half a size sideways, 1.2 sizes up), the scale bar with its numbers. */
static size_t furniture(const layout *l, double r[2][4])
{
    double n = l->nsize, fs = l->sbw / 16;
    r[0][0] = l->ncx - 0.55 * n; r[0][1] = l->ncy - 1.25 * n;
    r[0][2] = l->ncx + 0.55 * n; r[0][3] = l->ncy + 0.65 * n;
    r[1][0] = l->sbx - fs; r[1][1] = l->sby - fs * 3.2;
    r[1][2] = l->sbx + l->sbw + fs * 5; r[1][3] = l->sby + l->sbw / 40 + fs * 0.4;
    return 2;
}

static pm_bbox page_to_crs(const pm_view *v, const double r[4])
{
    pm_pt a = pm_view_to_crs(v, (pm_pt){ r[0], r[3] }), b = pm_view_to_crs(v, (pm_pt){ r[2], r[1] });
    return (pm_bbox){ fmin(a.x, b.x), fmin(a.y, b.y), fmax(a.x, b.x), fmax(a.y, b.y) };
}

static pm_status place_labels(const pm_poster *p, pm_text *t, const layout *l, double w,
                              pm_mapdraw *md, pm_poster_labels *pl)
{
    memset(pl, 0, sizeof *pl);
    pl->v = l->v;
    pm_status st = pm_mapsym_build(p->th, p->scene, p->ds, &p->an->tab, &pl->sym);
    if (st) return st;
    int on;
    pm_mapdraw dummy;
    if (!md) md = &dummy;
    pm_house_setup(PM_HOUSE_POSTER, p->th->style, w, 0, md, &pl->lo, &on);
    pm_label_opts *lo = &pl->lo;
    if (md->show_points) {
        lo->obstacles = p->scene->platforms;
        lo->nobstacles = p->scene->nplatforms;
    }
    pl->nfurniture = furniture(l, pl->furniture);
    for (size_t i = 0; i < pl->nfurniture; i++) pl->keepout[i] = page_to_crs(&l->v, pl->furniture[i]);
    lo->keepout = pl->keepout;
    lo->nkeepout = pl->nfurniture;
    lo->framed = 1;
    lo->frame = l->v.extent;
    lo->barrier = &p->scene->edges.outer;
    lo->barrier_bbox = p->scene->edges.outer_bbox;
    return pm_labels_place(t, pl->sym.cands, pl->sym.n, l->v.scale, lo, &pl->labels);
}

pm_status pm_poster_place_labels(const pm_poster *p, pm_text *t, double w, double h,
                                 pm_poster_labels *out)
{
    layout l = poster_layout(p, w, h);
    pm_status st = place_labels(p, t, &l, w, NULL, out);
    if (st) pm_poster_labels_fini(out);
    return st;
}

void pm_poster_labels_fini(pm_poster_labels *pl)
{
    if (!pl) return;
    pm_labelset_fini(&pl->labels);
    pm_mapsym_fini(&pl->sym);
}

pm_view pm_poster_frame(const pm_poster *p, double w, double h)
{
    return poster_layout(p, w, h).v;
}

pm_status pm_poster_draw(const pm_poster *p, pm_text *t, cairo_t *cr, double w, double h)
{
    layout l = poster_layout(p, w, h);
    pm_text_clear_error(t); /* the texts' statuses, checked once at the end */
    double m = l.m;
    pm_rect frame = l.frame, panel = l.panel;
    pm_view v = l.v;
    pm_mapdraw md;
    pm_poster_labels *pl = calloc(1, sizeof *pl);
    pm_set_rgba(cr, PM_WHITE);
    cairo_paint(cr);
    pm_status st = pl ? place_labels(p, t, &l, w, &md, pl) : PM_ENOMEM;
    if (st) goto done;
    md.fill = pl->sym.fill;
    md.nodata = pl->sym.nodata;
    md.labels = &pl->labels;
    md.cands = pl->sym.cands;
    md.label_opts = &pl->lo;
    if ((st = draw_header(p, t, cr, m, w)) != PM_OK) goto done;
    md.print = p->print;
    if ((st = pm_draw_map(cr, t, &v, p->scene, &md)) != PM_OK) goto done;
    cairo_rectangle(cr, frame.x, frame.y, frame.w, frame.h);
    pm_set_rgba(cr, PM_GREY);
    cairo_set_line_width(cr, w / 2000);
    cairo_stroke(cr);
    if ((st = pm_panel_north(t, cr, l.ncx, l.ncy, l.nsize,
                             pm_panel_north_angle(p->scene->crs, &v))) != PM_OK) goto done;
    if ((st = pm_panel_scalebar(t, cr, &v, l.sbx, l.sby, l.sbw)) != PM_OK) goto done;
    double used = 0;
    if ((st = pm_panel_legend(p, t, cr, panel, &used)) != PM_OK) goto done;
    pm_rect rank = { panel.x, panel.y + used + l.gap, panel.w, panel.h - used - l.gap };
    if ((st = pm_ranking_draw(p, t, cr, rank, pm_ranking_min_size(w, h), NULL)) != PM_OK) goto done;
    st = draw_credits(p, t, cr, m, h - m - l.credits_h, w, l.credit_size);
done:
    pm_poster_labels_fini(pl);
    free(pl);
    if (!st) st = pm_text_error(t);
    if (!st && cairo_status(cr) != CAIRO_STATUS_SUCCESS) st = PM_EINTERNAL;
    return st;
}

pm_status pm_poster_render(const pm_poster *p, pm_text *t, const pm_printbox *pb, pm_pdfdoc *doc,
                           char **err)
{
    double w, h;
    memset(doc, 0, sizeof *doc);
    if (!pm_page_size(p->cfg->page, p->cfg->landscape, &w, &h)) {
        if (err) *err = pm_asprintf("unknown page size %s", p->cfg->page);
        return PM_EDATA;
    }
    char *title = pm_asprintf("%s%s图 %d", p->cfg->title_prefix, p->th->style->title, p->th->year);
    pm_status st = !title ? PM_ENOMEM : pb ? pm_pdfdoc_begin_print(doc, w, h, title, p->th->year, pb)
                                           : pm_pdfdoc_begin(doc, w, h, title, p->th->year);
    if (st) { free(title); return st; }
    cairo_t *cr = cairo_create(doc->surface);
    pm_pdfdoc_setup(doc, cr);
    st = pm_poster_draw(p, t, cr, w, h);
    if (st && err) *err = pm_asprintf("cannot draw the poster: %s", pm_strerror(st));
    pm_view v = pm_poster_frame(p, w, h);
    if (!st) st = pm_pdfdoc_viewport(doc, &v, p->cfg->print_crs, title, err);
    if (!st) pm_pdfdoc_show_page(doc, cr);
    cairo_destroy(cr);
    free(title);
    if (!st) st = pm_pdfdoc_finish(doc, err);
    if (st) pm_pdfdoc_abort(doc);
    return st;
}

pm_status pm_poster_write(const pm_poster *p, pm_text *t, const char *pdf_path,
                          const char *png_path, char **err)
{
    pm_pdfdoc doc;
    char *msg = NULL;
    pm_status st = pm_poster_render(p, t, NULL, &doc, &msg);
    if (st) {
        if (err) *err = pm_asprintf("%s: %s", pdf_path, msg ? msg : pm_strerror(st));
        free(msg);
        return st;
    }
    if ((st = pm_pdfdoc_write(&doc, pdf_path, NULL, err)) != PM_OK || !png_path) return st;
    return pm_poster_preview(p, t, png_path, err);
}

pm_status pm_poster_preview(const pm_poster *p, pm_text *t, const char *png_path, char **err)
{
    double w, h;
    pm_status st;
    pm_page_size(p->cfg->page, p->cfg->landscape, &w, &h);
    double k = p->cfg->preview_dpi / 72.0;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(w * k), (int)ceil(h * k));
    cairo_t *cr = cairo_create(img);
    cairo_scale(cr, k, k);
    st = pm_poster_draw(p, t, cr, w, h);
    cairo_destroy(cr);
    if (!st) st = pm_png_write(img, png_path, err);
    else if (err && !*err) *err = pm_asprintf("%s: cannot draw the preview: %s", png_path, pm_strerror(st));
    cairo_surface_destroy(img);
    return st;
}
