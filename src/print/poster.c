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
#include "print/pdfdoc.h"
#include "render/draw.h"
#include "render/labels.h"
#include "render/mapsym.h"
#include "render/png.h"

/* The map's symbolisation, its drawing set-up and its placed labels. */
static pm_status prepare(const pm_poster *p, pm_text *t, double scale, double page_w,
                         pm_mapdraw *md, pm_label_opts *lo, pm_mapsym *sym, pm_labelset *labels)
{
    pm_status st = pm_mapsym_build(p->th, p->scene, p->ds, &p->an->tab, sym);
    if (st) return st;
    int on;
    pm_house_setup(PM_HOUSE_POSTER, p->th->style, page_w, 0, md, lo, &on);
    if (md->show_points) {
        lo->obstacles = p->scene->platforms;
        lo->nobstacles = p->scene->nplatforms;
    }
    md->fill = sym->fill;
    md->nodata = sym->nodata;
    md->labels = labels;
    md->cands = sym->cands;
    md->label_opts = lo;
    return pm_labels_place(t, sym->cands, sym->n, scale, lo, labels);
}

/* The map extent: the committees with a margin, context layers around them. */
static pm_bbox map_extent(const pm_scene *sc)
{
    pm_bbox e = sc->extent;
    double mx = (e.maxx - e.minx) * 0.06, my = (e.maxy - e.miny) * 0.06;
    e.minx -= mx; e.maxx += mx; e.miny -= my; e.maxy += my;
    return e;
}

static void draw_text(pm_text *t, cairo_t *cr, const char *s, double size, int bold, pm_rgba c,
                      double x, double y)
{
    pm_textstyle st = { .size = size, .bold = bold, .color = c };
    pm_text_draw(t, cr, s, &st, x, y);
}

static pm_status draw_header(const pm_poster *p, pm_text *t, cairo_t *cr, double m, double w)
{
    char *title = pm_asprintf("%s%s图", p->cfg->title_prefix, p->th->style->title);
    char *sub = pm_asprintf("%d年度 · %zu个%s · 第三方测评结果%s%s", p->th->year,
                            p->th->n, p->cfg->term_unit, *p->th->style->description ? " · " : "",
                            p->th->style->description);
    if (!title || !sub) { free(title); free(sub); return PM_ENOMEM; }
    double ts = w / 34;
    draw_text(t, cr, title, ts, 1, PM_INK, m, m);
    draw_text(t, cr, sub, ts * 0.45, 0, PM_GREY, m, m + ts * 1.45);
    pm_set_rgba(cr, PM_RED);
    cairo_rectangle(cr, m, m + ts * 2.35, w - 2 * m, ts * 0.06);
    cairo_fill(cr);
    free(title);
    free(sub);
    return PM_OK;
}

static pm_status draw_credits(const pm_poster *p, pm_text *t, cairo_t *cr, double m, double y,
                              double w, double size)
{
    char *crsname = pm_proj_crs_name(p->cfg->print_crs);
    char *s = pm_asprintf("数据来源：%s　坐标系：%s（%s）　制图：partymap　制图日期：%s",
                          *p->cfg->credits ? p->cfg->credits : "评估数据",
                          crsname ? crsname : p->cfg->print_crs, p->cfg->print_crs, p->made);
    free(crsname);
    if (!s) return PM_ENOMEM;
    pm_textstyle st = { .size = size, .color = PM_GREY, .max_width = w - 2 * m };
    pm_status r = pm_text_draw(t, cr, s, &st, m, y);
    free(s);
    return r;
}

pm_status pm_poster_draw(const pm_poster *p, pm_text *t, cairo_t *cr, double w, double h)
{
    double m = w * 0.025, ts = w / 34, header = ts * 2.7, credit_size = w / 170;
    double credits_h = credit_size * 2.2, panel_w = w * 0.25, gap = m * 0.6;
    pm_rect frame = { m, m + header, w - 2 * m - panel_w - gap, 0 };
    frame.h = h - frame.y - m - credits_h - gap;
    pm_rect panel = { frame.x + frame.w + gap, frame.y, panel_w, frame.h };
    pm_view v = pm_view_fit(map_extent(p->scene), frame.x, frame.y, frame.w, frame.h);
    pm_label_opts lo;
    pm_mapdraw md;
    pm_mapsym sym = { 0 };
    pm_labelset labels = { 0 };
    pm_set_rgba(cr, PM_WHITE);
    cairo_paint(cr);
    pm_status st = prepare(p, t, v.scale, w, &md, &lo, &sym, &labels);
    if (st) goto done;
    if ((st = draw_header(p, t, cr, m, w)) != PM_OK) goto done;
    if ((st = pm_draw_map(cr, t, &v, p->scene, &md)) != PM_OK) goto done;
    cairo_rectangle(cr, frame.x, frame.y, frame.w, frame.h);
    pm_set_rgba(cr, PM_GREY);
    cairo_set_line_width(cr, w / 2000);
    cairo_stroke(cr);
    double nsize = frame.w / 22;
    if ((st = pm_panel_north(t, cr, frame.x + frame.w - nsize * 0.9, frame.y + nsize * 1.1, nsize,
                             pm_panel_north_angle(p->scene->crs, &v))) != PM_OK) goto done;
    if ((st = pm_panel_scalebar(t, cr, &v, frame.x + m * 0.6, frame.y + frame.h - m * 0.9,
                                frame.w * 0.22)) != PM_OK) goto done;
    double used = 0;
    if ((st = pm_panel_legend(p, t, cr, panel, &used)) != PM_OK) goto done;
    pm_rect rank = { panel.x, panel.y + used + gap, panel.w, panel.h - used - gap };
    if ((st = pm_panel_ranking(p, t, cr, rank)) != PM_OK) goto done;
    st = draw_credits(p, t, cr, m, h - m - credits_h, w, credit_size);
done:
    pm_labelset_fini(&labels);
    pm_mapsym_fini(&sym);
    if (!st && cairo_status(cr) != CAIRO_STATUS_SUCCESS) st = PM_EINTERNAL;
    return st;
}

static pm_status write_pdf(const pm_poster *p, pm_text *t, const char *path, double w, double h,
                           char **err)
{
    pm_pdfdoc doc;
    char *title = pm_asprintf("%s%s图 %d", p->cfg->title_prefix, p->th->style->title, p->th->year);
    pm_status st = title ? pm_pdfdoc_begin(&doc, w, h, title, p->th->year) : PM_ENOMEM;
    free(title);
    if (st) return st;
    cairo_t *cr = cairo_create(doc.surface);
    st = pm_poster_draw(p, t, cr, w, h);
    cairo_destroy(cr);
    if (st) {
        if (err) *err = pm_asprintf("%s: cannot draw the poster: %s", path, pm_strerror(st));
        pm_pdfdoc_abort(&doc);
        return st;
    }
    return pm_pdfdoc_end(&doc, path, NULL, err);
}

pm_status pm_poster_write(const pm_poster *p, pm_text *t, const char *pdf_path,
                          const char *png_path, char **err)
{
    double w, h;
    if (!pm_page_size(p->cfg->page, p->cfg->landscape, &w, &h)) {
        if (err) *err = pm_asprintf("unknown page size %s", p->cfg->page);
        return PM_EDATA;
    }
    pm_status st = write_pdf(p, t, pdf_path, w, h, err);
    if (st || !png_path) return st;
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
