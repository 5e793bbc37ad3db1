/* Point symbols of a style (circle, square, star, triangle with stroke and halo), for
 * maps and legends alike. */
#ifndef PM_RENDER_SYMBOL_H
#define PM_RENDER_SYMBOL_H

#include <cairo.h>
#include "style/style.h"

/* A style's point symbol centred at (x, y), size device units across; under (may
 * be NULL) is the opaque colour under it: print, every part drawn opaque over it. */
void pm_draw_symbol(cairo_t *cr, const pm_symbol *sym, double x, double y, double size,
                    const pm_rgba *under);
/* Legend row k of style st's points (0 platforms, 1 running projects, 2 the
 * others) at (x, y): the symbol the map draws, sized relative to unit (a running
 * project's dot at the house size).  print: opaque over white. */
void pm_draw_legend_symbol(cairo_t *cr, const pm_style *st, int k, double x, double y, double unit,
                           int print);
/* The symbol of project site status name ("running", "planned", ...). */
const char *pm_site_status_name(int status);

#endif
