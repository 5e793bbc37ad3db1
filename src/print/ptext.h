/* The print outputs' one text shorthand: a line of text in a size, weight, colour and anchor. */
#ifndef PM_PRINT_PTEXT_H
#define PM_PRINT_PTEXT_H

#include "render/text.h"

/* pm_text_put with the style built from its parts: the line anchored at x by al, its
 * top at y; returns its width (0 on failure, kept in t: pm_text_error). */
static inline double pm_ptext(pm_text *t, cairo_t *cr, const char *s, double size, int bold, pm_rgba c,
                              pm_align al, double x, double y)
{
    pm_textstyle st = { .size = size, .bold = bold, .color = c, .align = al };
    return pm_text_put(t, cr, s, &st, x, y);
}

#endif
