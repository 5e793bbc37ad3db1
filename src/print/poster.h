/* Posters: one vector PDF page per map and year, with a PNG preview drawn from the same page. */
#ifndef PM_PRINT_POSTER_H
#define PM_PRINT_POSTER_H

#include "analysis/indicators.h"
#include "analysis/thematic.h"
#include "core/status.h"
#include "data/config.h"
#include "data/dataset.h"
#include "print/pdfdoc.h"
#include "render/labels.h"
#include "render/mapsym.h"
#include "render/scene.h"
#include "render/text.h"

/* Everything one poster shows; all borrowed and read-only. */
typedef struct {
    const pm_config *cfg;
    const pm_dataset *ds;
    const pm_analysis *an;
    const pm_scene *scene;   /* projected into cfg->print_crs */
    const pm_thematic *th;   /* the map's classified values for the year */
    const char *made;        /* "2026-11-27": the date in the credits */
    int print;               /* draw for the press: nothing translucent (pm_mapdraw.print) */
} pm_poster;

/* Lays out and draws the poster onto cr, whose user space is the page in points
 * (w × h).  The same call draws the PDF page and the preview.  Thread-safe given
 * its own t and cr. */
pm_status pm_poster_draw(const pm_poster *p, pm_text *t, cairo_t *cr, double w, double h);

/* The map approval line "审图号：<number>　<issuer>" of the config for every print
 * output, or NULL when the config has no approval number (or no memory); caller frees. */
char *pm_poster_approval(const pm_config *cfg);

/* The poster's map labels on a w × h page, as pm_poster_draw places them: the
 * symbolisation (its cands are the candidates), the placed labels, their options and
 * the furniture rectangles they keep clear of (page points x0, y0, x1, y1: north
 * arrow, scale bar).  Owned; free with pm_poster_labels_fini.  PM_ENOMEM, PM_EDATA. */
typedef struct {
    pm_mapsym sym;
    pm_labelset labels;
    pm_label_opts lo;
    pm_bbox keepout[2];      /* the furniture in CRS units (lo.keepout points here) */
    double furniture[2][4];  /* the same in page points */
    size_t nfurniture;
    pm_view v;
} pm_poster_labels;
pm_status pm_poster_place_labels(const pm_poster *p, pm_text *t, double w, double h,
                                 pm_poster_labels *out);
void pm_poster_labels_fini(pm_poster_labels *pl);

/* The view of the poster's map frame on a w × h page (its geospatial viewport). */
pm_view pm_poster_frame(const pm_poster *p, double w, double h);

/* Draws the poster into a new document *doc (finished: pm_pdfdoc_bytes, then
 * pm_pdfdoc_write or pm_pdfdoc_abort): the screen PDF when pb is NULL, else the print
 * page of pb around the trimmed page (p->print should then be set).  The page carries
 * the map frame's geospatial viewport.  *err describes a failure (caller frees). */
pm_status pm_poster_render(const pm_poster *p, pm_text *t, const pm_printbox *pb, pm_pdfdoc *doc,
                           char **err);

/* Writes the poster as a one-page PDF at pdf_path (fonts embedded as subsets, text
 * kept as text) and a PNG preview at png_path (cfg->print.preview_dpi), both
 * atomically.  *err describes a failure (caller frees). */
pm_status pm_poster_write(const pm_poster *p, pm_text *t, const char *pdf_path,
                          const char *png_path, char **err);

/* Writes the PNG preview of the poster (cfg->print.preview_dpi) atomically. */
pm_status pm_poster_preview(const pm_poster *p, pm_text *t, const char *png_path, char **err);

#endif
