/* The drawing core: draws a thematic map of a scene into any view on any Cairo surface. */
#ifndef PM_RENDER_DRAW_H
#define PM_RENDER_DRAW_H

#include <cairo.h>
#include "core/status.h"
#include "render/labels.h"
#include "render/symbol.h"
#include "render/scene.h"
#include "render/text.h"
#include "render/view.h"
#include "style/style.h"

enum { PM_CTX_AREAS = 1, PM_CTX_RIVERS = 2, PM_CTX_ROADS = 4, PM_CTX_ALL = 7 };

/* What varies between maps and surfaces.  Sizes are device units (pt on a page,
 * px on an image).  Arrays are per committee and borrowed. */
typedef struct {
    const pm_rgba *fill;          /* class colour per committee (NULL: no fill) */
    const unsigned char *nodata;  /* 1 = no data: hatched (may be NULL) */
    pm_rgba nodata_fill;
    pm_rgba outline;              /* committee boundaries */
    double outline_width;
    pm_rgba boundary;             /* the subdistrict's outer boundary */
    double boundary_width;
    double parent_width;          /* the parents' boundaries (in the boundary colour; 0: none) */
    unsigned context;             /* context layers to draw: PM_CTX_* bits */
    int roads_inside;             /* clip roads to the committees (no base map around) */
    int show_points;              /* platforms and projects */
    double point_size;            /* diameter of a running project's dot */
    double point_spacing;         /* small scales: the least distance between two symbols
                                   * (device units; 0: all), see pm_points_thin */
    const unsigned char *platform_keep, *project_keep; /* 1 = draw (NULL: every point) */
    const pm_point_layer *platform_layer, *project_layer; /* the style's symbols (NULL:
                                   * the house's); sized at point_zoom × point_scale */
    int point_zoom;
    double point_scale;
    double context_label_size;    /* 0: no names on context layers */
    const pm_labelset *labels;    /* committee labels (may be NULL) */
    const pm_label_cand *cands;
    const pm_label_opts *label_opts;
    /* Per committee, 1 = highlighted (the atlas's locator maps): the rest of the map,
     * context and roads included, is dimmed under a white veil and highlighted
     * committees get a red outline 2 × boundary_width wide, under points and labels.
     * NULL: no highlight (posters, tiles). */
    const unsigned char *highlight;
    /* Print (a PDF for the press): nothing translucent.  Every colour with alpha is
     * drawn opaque, blended against what lies under it (a fill against the outline
     * backing, a hatch over its base, roads inside each committee against its fill,
     * halos against the label's committee, a symbol's rim against the committee
     * under it), and the highlight's veil is drawn by blending the layers under it
     * with white.  Roads outside the committees blend against the context areas'
     * colour.  0: the screen drawing, with alpha. */
    int print;
} pm_mapdraw;

/* Draws the map clipped to v's device rectangle: context, fills (hatched where no
 * data), boundaries, roads, points, labels.  Does not depend on the surface type:
 * posters, previews and tiles all come through here.  Leaves cr's state as it
 * found it.  PM_ENOMEM or PM_EINTERNAL if Cairo entered an error state. */
pm_status pm_draw_map(cairo_t *cr, pm_text *t, const pm_view *v, const pm_scene *s,
                      const pm_mapdraw *m);

/* Symbols shared with legends, centred at (x, y). */
void pm_draw_platform_symbol(cairo_t *cr, double x, double y, double size);
void pm_draw_project_symbol(cairo_t *cr, double x, double y, double size, int running);
/* The same drawn opaque for print over the colour under (see pm_mapdraw.print). */
void pm_draw_project_symbol_on(cairo_t *cr, double x, double y, double size, int running,
                               pm_rgba under);
/* Fills the current path with a no-data hatch of the given colour. */
void pm_draw_hatch_fill(cairo_t *cr, pm_rgba base, double spacing);
/* The same with opaque hatch lines (print). */
void pm_draw_hatch_fill_opaque(cairo_t *cr, pm_rgba base, double spacing);

/* top composited over an opaque under (top's alpha); the result is opaque. */
pm_rgba pm_rgba_over(pm_rgba top, pm_rgba under);

static inline void pm_set_rgba(cairo_t *cr, pm_rgba c)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

#endif
