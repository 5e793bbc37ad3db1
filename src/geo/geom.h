/* Geometry: points, polylines and polygons as flat vertex arrays, with the measures partymap needs. */
#ifndef PM_GEO_GEOM_H
#define PM_GEO_GEOM_H

#include <stddef.h>
#include <stdint.h>
#include "core/status.h"

typedef struct { double x, y; } pm_pt;
typedef struct { double minx, miny, maxx, maxy; } pm_bbox;

typedef enum { PM_GEOM_POINT = 1, PM_GEOM_LINE, PM_GEOM_POLYGON } pm_geom_kind;

/* A geometry is a list of rings (polygons: closed rings, exterior or hole; lines:
 * paths; points: one ring per point).  Ring i is pts[ring_off[i] .. ring_off[i+1]).
 * Polygon rings are stored without the repeated closing vertex.  A multipolygon is
 * just more rings; even-odd filling and crossing tests are correct for valid input.
 * The struct owns pts, ring_off and ring_hole (all malloc'd). */
typedef struct {
    pm_geom_kind kind;
    size_t npts, nrings;
    pm_pt *pts;
    uint32_t *ring_off;  /* nrings + 1 entries */
    uint8_t *ring_hole;  /* polygons: 1 if the ring is a hole; else NULL */
    pm_bbox bbox;
} pm_geom;

/* Empty bbox (min > max) and union helpers. */
pm_bbox pm_bbox_empty(void);
void pm_bbox_add(pm_bbox *b, pm_pt p);
void pm_bbox_union(pm_bbox *b, const pm_bbox *o);
int pm_bbox_valid(const pm_bbox *b);
int pm_bbox_intersects(const pm_bbox *a, const pm_bbox *b);

/* Builder: append rings vertex by vertex.  pm_geom_init zeroes g with the kind.
 * The builder calls work only on a geometry from pm_geom_init or pm_geom_copy (its
 * arrays' capacity follows from the counts); not thread-safe on the same g.  On a
 * failed call g is unchanged and still valid (free it with pm_geom_fini). */
void pm_geom_init(pm_geom *g, pm_geom_kind kind);
/* Starts a new ring; hole is ignored for non-polygons. PM_ENOMEM on failure. */
pm_status pm_geom_begin_ring(pm_geom *g, int hole);
/* Appends p to the current ring (starting one if there is none); PM_ENOMEM on
 * allocation failure or beyond UINT32_MAX vertices. */
pm_status pm_geom_add_pt(pm_geom *g, pm_pt p);
/* Closes the builder: drops a repeated closing vertex of polygon rings, removes
 * polygon rings with fewer than 3 vertices (and empty rings of any kind), computes bbox. */
void pm_geom_finish(pm_geom *g);
/* Recomputes g->bbox from the finite vertices (e.g. after transforming them). */
void pm_geom_update_bbox(pm_geom *g);
/* Deep copy into dst (dst owned by caller, free with pm_geom_fini). */
pm_status pm_geom_copy(pm_geom *dst, const pm_geom *src);
/* Frees the arrays; accepts a zeroed struct. */
void pm_geom_fini(pm_geom *g);

/* Planar measures in the geometry's own units.  Thread-safe (read-only).  They
 * expect a finished geometry (pm_geom_finish).  Signed area: positive if counter-
 * clockwise (y up); the closing vertex may be repeated or not. */
double pm_ring_signed_area(const pm_pt *pts, size_t n);
/* Sum of exterior ring areas minus holes (polygons), 0 otherwise. */
double pm_geom_area(const pm_geom *g);
/* Even-odd point-in-polygon over all rings; boundary points count as inside
 * for the lower/left edges only (half-open rule), so a point on a shared edge
 * belongs to exactly one of two neighbours. */
int pm_geom_contains(const pm_geom *g, pm_pt p);
/* Squared distance from p to the nearest polygon edge / line segment / point;
 * HUGE_VAL for an empty geometry. */
double pm_geom_dist2_to_boundary(const pm_geom *g, pm_pt p);
/* Area-weighted centroid of a polygon geometry (holes subtracted); may lie outside
 * it.  For zero-area polygons, lines and points: the mean of the vertices; (0, 0)
 * when there are none. */
pm_pt pm_geom_centroid(const pm_geom *g);

/* Visual centre ("pole of inaccessibility"): the interior point farthest from the
 * boundary, found to within precision (same units).  For multipolygons, searched
 * over all parts (inside = even-odd over all rings).  *radius receives its distance
 * to the boundary (may be NULL).  Deterministic and thread-safe; the work is capped,
 * so a pathological polygon gets the best point found so far.  Degenerate input
 * (not a polygon, no rings, zero area): the centroid (or bbox centre), radius 0. */
pm_pt pm_geom_visual_centre(const pm_geom *g, double precision, double *radius);

#endif
