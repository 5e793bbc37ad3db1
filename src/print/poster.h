/* Posters: one vector PDF page per map and year, with a PNG preview drawn from the same page. */
#ifndef PM_PRINT_POSTER_H
#define PM_PRINT_POSTER_H

#include "analysis/indicators.h"
#include "analysis/thematic.h"
#include "core/status.h"
#include "data/config.h"
#include "data/dataset.h"
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
} pm_poster;

/* Lays out and draws the poster onto cr, whose user space is the page in points
 * (w × h).  The same call draws the PDF page and the preview.  Thread-safe given
 * its own t and cr. */
pm_status pm_poster_draw(const pm_poster *p, pm_text *t, cairo_t *cr, double w, double h);

/* Writes the poster as a one-page PDF at pdf_path (fonts embedded as subsets, text
 * kept as text) and a PNG preview at png_path (cfg->print.preview_dpi), both
 * atomically.  *err describes a failure (caller frees). */
pm_status pm_poster_write(const pm_poster *p, pm_text *t, const char *pdf_path,
                          const char *png_path, char **err);

#endif
