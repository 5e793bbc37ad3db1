/* The diagnosis atlas: one A4 PDF per year with a cover, contents and a page per committee. */
#ifndef PM_PRINT_ATLAS_H
#define PM_PRINT_ATLAS_H

#include <cairo.h>
#include "analysis/indicators.h"
#include "core/status.h"
#include "data/config.h"
#include "data/dataset.h"
#include "render/scene.h"
#include "render/text.h"
#include "style/style.h"

/* What the atlas shows; all borrowed and read-only. */
typedef struct {
    const pm_config *cfg;
    const pm_dataset *ds;
    const pm_analysis *an;
    const pm_scene *scene;         /* projected into cfg->print_crs */
    const pm_style *const *styles; /* the indices; the first is the headline (service) */
    size_t nstyles;
    int year;
} pm_atlas;

/* Pages of the atlas: cover, contents (as many pages as the committees need), one
 * page per committee in the dataset's order. */
size_t pm_atlas_page_count(const pm_atlas *a);

/* The PDF page number (1 = the cover) of committee c's page, c an index into a->ds's
 * committees, for links such as atlas.pdf#page=N (the site's popups).  Reads only
 * a->ds, so a pm_atlas with just cfg and ds set will do.  Pure. */
size_t pm_atlas_committee_pdf_page(const pm_atlas *a, size_t c);

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

/* Draws page `page` (0 = cover) onto cr, whose user space is an A4 portrait page
 * in points; for previews and tests.  Errors as pm_atlas_write. */
pm_status pm_atlas_draw_page(const pm_atlas *a, pm_text *t, cairo_t *cr, size_t page, char **err);

#endif
