/* View: which part of a projected map goes where on a drawing surface, at what scale. */
#ifndef PM_RENDER_VIEW_H
#define PM_RENDER_VIEW_H

#include "geo/geom.h"

/* Maps CRS coordinates (x east, y north) onto device coordinates (x right, y down)
 * of a rectangle on a Cairo surface: device units are points for PDF pages and
 * pixels for images and tiles.  A plain value; copy freely. */
typedef struct {
    pm_bbox extent;      /* CRS extent shown in the rectangle (exactly, both axes) */
    double x, y, w, h;   /* device rectangle */
    double scale;        /* device units per CRS unit */
} pm_view;

/* The view that shows extent whole, centred in the device rectangle with the same
 * scale on both axes; its extent is widened on one axis to fill the rectangle. */
pm_view pm_view_fit(pm_bbox extent, double x, double y, double w, double h);
/* The view of a rectangle whose top-left device corner shows CRS point (minx, maxy)
 * at the given scale (tiles: exact pixel alignment). */
pm_view pm_view_at(double minx, double maxy, double scale, double x, double y,
                   double w, double h);

static inline pm_pt pm_view_to_dev(const pm_view *v, pm_pt p)
{
    pm_pt d = { v->x + (p.x - v->extent.minx) * v->scale,
                v->y + (v->extent.maxy - p.y) * v->scale };
    return d;
}

static inline pm_pt pm_view_to_crs(const pm_view *v, pm_pt d)
{
    pm_pt p = { v->extent.minx + (d.x - v->x) / v->scale,
                v->extent.maxy - (d.y - v->y) / v->scale };
    return p;
}

#endif
