/* The house style as data: the inks every output shares and the drawing set-ups of
 * posters, tiles and atlas maps, in one place (no colour or width literals elsewhere). */
#ifndef PM_RENDER_HOUSE_H
#define PM_RENDER_HOUSE_H

#include "core/color.h"
#include "render/draw.h"
#include "render/labels.h"
#include "style/style.h"

/* Inks: constants only (no state), so a poster, an atlas page and a tile agree. */
static const pm_rgba PM_INK = { 0.13, 0.13, 0.15, 1 };       /* text */
static const pm_rgba PM_GREY = { 0.40, 0.40, 0.42, 1 };      /* secondary text, frames */
static const pm_rgba PM_BOUNDARY = { 0.30, 0.22, 0.20, 1 };  /* the area's outline */
static const pm_rgba PM_RED = { 0.78, 0.09, 0.11, 1 };       /* accent: rules, highlights */
static const pm_rgba PM_GREEN = { 0.10, 0.50, 0.25, 1 };     /* a rise (rank, score) */
static const pm_rgba PM_WHITE = { 1, 1, 1, 1 };              /* paper, text on dark fills */
static const pm_rgba PM_CARD = { 1, 1, 1, 0.85 };            /* white cards under furniture */
static const pm_rgba PM_RULE = { 0.78, 0.78, 0.80, 1 };      /* table rules (atlas) */
static const pm_rgba PM_RULE_PANEL = { 0.75, 0.75, 0.77, 1 };/* rules of the poster panels */
static const pm_rgba PM_GRID = { 0.86, 0.86, 0.88, 1 };      /* chart grid lines */
static const pm_rgba PM_HATCH = { 0.45, 0.45, 0.45, 0.8 };   /* the no-data hatch */
static const pm_rgba PM_ROW_SHADE = { 0.96, 0.96, 0.965, 1 };/* alternate table rows */
static const pm_rgba PM_BAR_EDGE = { 0.3, 0.3, 0.3, 0.6 };   /* ranking bars' edges */
static const pm_rgba PM_VEIL = { 1, 1, 1, 0.55 };            /* dims what is not highlighted */
/* points */
static const pm_rgba PM_PROJECT_RUNNING = { 0.10, 0.10, 0.12, 1 };
static const pm_rgba PM_PROJECT_RING = { 1, 1, 1, 0.9 };
static const pm_rgba PM_PROJECT_OTHER = { 0.25, 0.25, 0.28, 0.75 };
/* context layers */
static const pm_rgba PM_ROAD = { 0.42, 0.40, 0.38, 0.75 };
static const pm_rgba PM_ROAD_CASING = { 1, 1, 1, 0.55 };
static const pm_rgba PM_CONTEXT_HALO = { 1, 1, 1, 0.7 };
static const pm_rgba PM_AREA_FILL = { 0.937, 0.929, 0.910, 1 };
static const pm_rgba PM_AREA_EDGE = { 0.80, 0.78, 0.75, 1 };
static const pm_rgba PM_WATER = { 0.72, 0.84, 0.92, 1 };
static const pm_rgba PM_WATER_TEXT = { 0.20, 0.42, 0.62, 1 };
static const pm_rgba PM_CONTEXT_TEXT = { 0.55, 0.53, 0.50, 1 };

/* The smallest label type on print (pt): the floor of every printed map's labels. */
#define PM_PRINT_MIN_PT 6.0

/* Where a map is drawn. */
typedef enum {
    PM_HOUSE_POSTER,          /* the poster's main map; unit = page width in pt */
    PM_HOUSE_TILE,            /* a tile zoom; unit = pixel scale (1, or 2 for @2x), z = zoom */
    PM_HOUSE_ATLAS_OVERVIEW,  /* the atlas cover's overview map (A4, pt) */
    PM_HOUSE_ATLAS_LOCATOR    /* a committee page's locator map (A4, pt) */
} pm_house_use;

/* The drawing and labelling set-up of a use for a map of style s: colours, line
 * widths, context layers, point sizes into *md, and label sizes and halo into *lo.
 * The per-map arrays (fill, nodata, labels, cands, highlight) and the label obstacles
 * (scene points) are left NULL for the caller, which sets md->label_opts = lo.
 * Labels are off (md->labels stays NULL and *labels_on 0) where the use draws none
 * (tiles below zoom 14).  Pure. */
void pm_house_setup(pm_house_use use, const pm_style *s, double unit, int z, pm_mapdraw *md,
                    pm_label_opts *lo, int *labels_on);

/* Label options for the parents' names (subdistricts over their committees), for the
 * scales where committees are too small to be named: bold, in the boundary colour,
 * with a halo.  unit and z as pm_house_setup.  Pure. */
void pm_house_parent_labels(pm_house_use use, double unit, int z, pm_label_opts *lo);

#endif
