/* Atlas pages: the prepared document, the committee page, its chart, and shared page furniture. */
#ifndef PM_PRINT_ATLAS_PAGE_H
#define PM_PRINT_ATLAS_PAGE_H

#include <cairo.h>
#include "print/atlas.h"
#include "analysis/diagnosis.h"
#include "print/panels.h"
#include "render/mapsym.h"

#define PM_A4_W 595.2756 /* A4 portrait in points */
#define PM_A4_H 841.8898
#define PM_ATLAS_MARGIN 36.0

/* The atlas prepared once for all its pages; read-only while drawing. */
typedef struct {
    const pm_atlas *a;
    pm_diagnosis dx;     /* values, classes, ranks of every index, this year and the last */
    pm_mapsym sym;       /* the headline map's fills and label candidates */
    double north;        /* angle of true north on the page (grid convergence), radians */
    size_t ncontents;    /* contents pages */
    size_t npages;
    size_t *order;       /* the committees in page order: by parent, then code (owned) */
    size_t *pos;         /* each committee's place in that order (owned) */
    pm_pdfdoc *doc;      /* the PDF being written, for viewports (NULL: a preview) */
    double bleed;        /* points of bleed edge bands reach past the page (print) */
} pm_atlas_doc;

/* Builds the document for a->year (diagnosis, symbolisation, page numbering).  PM_EDATA
 * with *err (caller frees) if an index cannot be built; free with pm_atlas_doc_fini. */
pm_status pm_atlas_doc_init(pm_atlas_doc *d, const pm_atlas *a, char **err);
void pm_atlas_doc_fini(pm_atlas_doc *d);

/* Contents rows per page, and the 0-based page of committee c. */
size_t pm_atlas_contents_rows(void);
size_t pm_atlas_committee_page(const pm_atlas_doc *d, size_t c);

/* Committee c's diagnosis page (A4 portrait user space).  Errors: PM_ENOMEM, PM_EDATA
 * (text), PM_EINTERNAL (Cairo in an error state). */
pm_status pm_atlas_page_committee(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t c);

/* Committee c's scores over the years up to the atlas year (indices whose indicator
 * is an evaluation column), with the subdistrict median of the headline index. */
pm_status pm_atlas_chart(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t c, pm_rect r);

/* Draws text with its box's left edge, centre or right edge (st->align) at x and
 * its top at y; returns the box height (0 on error). */
double pm_atlas_text(pm_text *t, cairo_t *cr, const char *s, const pm_textstyle *st, double x,
                     double y);
/* A section heading (red bar, bold title) at y; returns the y below it. */
double pm_atlas_heading(pm_text *t, cairo_t *cr, const char *title, double x, double y);
/* The running footer of page (0-based) with the page number. */
void pm_atlas_footer(const pm_atlas_doc *d, pm_text *t, cairo_t *cr, size_t page);
/* A colour swatch (class colour, or hatched no-data when k < 0) of th's class k;
 * print: the hatch opaque. */
void pm_atlas_swatch(cairo_t *cr, const pm_thematic *th, int k, double x, double y, double w,
                     double h, int print);
/* Records v as the current page's geospatial viewport when d writes a PDF. */
pm_status pm_atlas_viewport(const pm_atlas_doc *d, const pm_view *v, const char *name);
/* The committee's display name: "X居民区" unless the name already ends so. */
void pm_atlas_committee_title(const pm_config *cfg, const char *name, char *buf, size_t len);

#endif
