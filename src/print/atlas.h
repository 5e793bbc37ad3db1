/* The diagnosis atlas: one A4 PDF per year with a cover, contents and a page per committee. */
#ifndef PM_PRINT_ATLAS_H
#define PM_PRINT_ATLAS_H

#include <cairo.h>
#include "analysis/indicators.h"
#include "analysis/results.h"
#include "core/status.h"
#include "data/config.h"
#include "data/dataset.h"
#include "print/pdfdoc.h"
#include "render/scene.h"
#include "render/text.h"
#include "style/style.h"

/* What the atlas shows; all borrowed and read-only. */
typedef struct {
    const pm_config *cfg;
    const pm_dataset *ds;
    const pm_analysis *an;
    const pm_scene *scene;         /* projected into cfg->print_crs */
    const pm_results *results;     /* every map of every year; the first map is the
                                    * headline index (service) */
    int year;
    int print;                     /* draw for the press: nothing translucent */
} pm_atlas;

/* Pages of the atlas: cover, contents (as many pages as the committees need), one
 * page per committee, by parent (where there are parents) and then by code. */
size_t pm_atlas_page_count(const pm_atlas *a);

/* The 1-based page of committee c (for links such as atlas.pdf#page=N), 0 on OOM. */
size_t pm_atlas_page_of(const pm_atlas *a, size_t c);
/* The same for every committee at once into pages[ncommittees] (one sort).  PM_ENOMEM. */
pm_status pm_atlas_pages(const pm_atlas *a, size_t *pages);

/* Writes the atlas to path (A4 portrait, fonts embedded as subsets, text kept as
 * text, an outline and contents links to the committee pages).  The bytes depend
 * only on the inputs: the PDF's creation date is SOURCE_DATE_EPOCH when set, else
 * 31 December of the year.  The PDF is built in memory and written atomically;
 * when the file already holds the same bytes it is left alone (*unchanged = 1, may
 * be NULL), so rerunning an earlier year does not touch it.  PM_EDATA (a style's
 * indicator or the year unknown), PM_EIO, PM_ENOMEM; *err describes the failure
 * (caller frees).  Thread-safe given its own t. */
pm_status pm_atlas_write(const pm_atlas *a, pm_text *t, const char *path, int *unchanged,
                         char **err);

/* Draws the atlas into a new document *doc (finished: pm_pdfdoc_bytes, then
 * pm_pdfdoc_write or pm_pdfdoc_abort): the screen PDF when pb is NULL, else the print
 * pages of pb (a->print should then be set; the cover's red band runs into the
 * bleed).  The cover's overview and every locator map carry a geospatial viewport.
 * Errors as pm_atlas_write. */
pm_status pm_atlas_render(const pm_atlas *a, pm_text *t, const pm_printbox *pb, pm_pdfdoc *doc,
                          char **err);

/* Draws page `page` (0 = cover) onto cr, whose user space is an A4 portrait page
 * in points; for previews and tests.  Errors as pm_atlas_write. */
pm_status pm_atlas_draw_page(const pm_atlas *a, pm_text *t, cairo_t *cr, size_t page, char **err);

#endif
