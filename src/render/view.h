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
    /* The transform: device = (crs - origin) * scale + shift, y flipped.  Tiles use
     * the world's top-left corner as origin and an integer shift, so every tile and
     * every snapshot computes the same global pixel positions: stitched tiles equal
     * a snapshot of the same region bit for bit. */
    double ox, oy, sx, sy;
} pm_view;

/* The view that shows extent whole, centred in the device rectangle with the same
 * scale on both axes; its extent is widened on one axis to fill the rectangle. */
pm_view pm_view_fit(pm_bbox extent, double x, double y, double w, double h);
/* The view of a w × h pixel image whose top-left pixel is global pixel (px, py) of a
 * pixel grid with origin (ox, oy) in CRS units and the given scale: tiles,
 * metatiles and snapshots on the same grid line up exactly. */
/* The view whose device rectangle (x, y, w, h) shows CRS point (minx, maxy) at its
 * top-left corner. */
pm_view pm_view_at(double minx, double maxy, double scale, double x, double y,
                   double w, double h);
pm_view pm_view_grid(double ox, double oy, double scale, double px, double py,
                     double w, double h);

static inline pm_pt pm_view_to_dev(const pm_view *v, pm_pt p)
{
    pm_pt d = { (p.x - v->ox) * v->scale + v->sx, (v->oy - p.y) * v->scale + v->sy };
    return d;
}

static inline pm_pt pm_view_to_crs(const pm_view *v, pm_pt d)
{
    pm_pt p = { v->ox + (d.x - v->sx) / v->scale, v->oy - (d.y - v->sy) / v->scale };
    return p;
}

#endif
