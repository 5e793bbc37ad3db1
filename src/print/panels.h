/* Poster furniture: legend, scale bar, north arrow (the ranking panel: print/ranking.h). */
#ifndef PM_PRINT_PANELS_H
#define PM_PRINT_PANELS_H

#include <cairo.h>
#include "print/poster.h"
#include "render/view.h"

typedef struct { double x, y, w, h; } pm_rect;

/* Each draws into the rectangle (page points) and returns the height used through
 * *used (may be NULL).  Read-only inputs; thread-safe given its own t and cr. */
pm_status pm_panel_legend(const pm_poster *p, pm_text *t, cairo_t *cr, pm_rect r, double *used);
/* A scale bar of a round length (1, 2, 2.5, 5 × 10^k metres) about max_w long. */
pm_status pm_panel_scalebar(pm_text *t, cairo_t *cr, const pm_view *v, double x, double y,
                            double max_w);
/* The angle of true north on the page at the centre of v (grid convergence of a
 * projected CRS), radians clockwise from page up; 0 if it cannot be computed. */
double pm_panel_north_angle(const char *crs, const pm_view *v);
/* A north arrow rotated by angle (radians, clockwise from page up). */
pm_status pm_panel_north(pm_text *t, cairo_t *cr, double cx, double cy, double size,
                         double angle);

#endif
