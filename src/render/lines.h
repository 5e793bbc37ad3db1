/* Thin lines drawn straight into image pixels: the committee boundary network on tiles. */
#ifndef PM_RENDER_LINES_H
#define PM_RENDER_LINES_H

#include <cairo.h>
#include <stddef.h>
#include "geo/geom.h"
#include "style/style.h"

/* Polylines collected for pm_lines_draw: points in user space, a polyline starting
 * at each index in starts.  Grows as needed; zero-initialise, pm_lines_fini frees. */
typedef struct {
    pm_pt *pts;
    size_t npts, cap;
    size_t *starts;
    size_t nstarts, scap;
    int oom;                   /* an append failed: draw with Cairo instead */
} pm_lines;

/* Starts a new polyline at p / continues the current one to p. */
void pm_lines_move(pm_lines *l, pm_pt p);
void pm_lines_line(pm_lines *l, pm_pt p);
void pm_lines_fini(pm_lines *l);

/* Draws the polylines of l as one stroke of the given width with round caps and
 * joins (the union of round-ended segments: where lines cross or meet, no pixel
 * is painted twice) in colour c, OVER the target of cr, inside cr's clip extents.
 * Coverage is the pixel's overlap with the line across its direction (a box filter
 * on the distance to the nearest segment), which for lines up to a few pixels wide
 * is within a level or two of Cairo's exact area and about five times cheaper than
 * its stroker, which dominated the drawing of tiles.  Returns 1 when drawn; 0 when
 * it did nothing: l->oom, out of memory, or a target that is not an ARGB32 image
 * surface with a translation-only transform (then stroke with Cairo: vector
 * surfaces keep vector lines).  Thread-safe: all state is the caller's. */
int pm_lines_draw(cairo_t *cr, const pm_lines *l, double width, pm_rgba c);

#endif
