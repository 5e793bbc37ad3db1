/* Edges: the boundary network of a polygon coverage, each edge once.
 *
 * Committees tessellate a subdistrict: neighbours share their boundary, vertex for
 * vertex.  Stroking every polygon's rings draws each shared edge twice (darker
 * antialiased rims, twice the stroking work), and a boundary drawn around the whole
 * coverage needs only the edges on its outside.  This module finds both sets once. */
#ifndef PM_GEO_EDGES_H
#define PM_GEO_EDGES_H

#include <stddef.h>
#include "core/status.h"
#include "geo/geom.h"

/* Two line geometries (PM_GEOM_LINE; each ring a polyline) and a bbox per polyline
 * for culling.  all: every segment of every ring exactly once (a segment two rings
 * share belongs to the first).  outer: the segments only one ring has: the outline
 * of the coverage, its holes, and any boundary whose neighbour does not repeat its
 * vertices exactly (such an edge is then in outer twice, once per side; drawing
 * code that covers the inside of outer with fills is unaffected).  Segments match
 * when their end points are bitwise equal, in either direction; zero-length
 * segments are dropped.  Polylines follow the rings' direction and run as long as
 * consecutive segments stay in the set; a ring entirely in the set is one closed
 * polyline (its first vertex repeated at the end). */
typedef struct {
    pm_geom all, outer;
    pm_geom inner;                  /* the segments two rings share, once: all but outer */
    pm_bbox *all_bbox, *outer_bbox, *inner_bbox; /* one per polyline of all / outer / inner */
} pm_edges;

/* Builds the network of the polygon geometries polys[0..n) (other kinds are
 * skipped).  out is initialised; free with pm_edges_fini.  PM_ENOMEM on failure. */
pm_status pm_edges_build(const pm_geom *polys, size_t n, pm_edges *out);
void pm_edges_fini(pm_edges *e);

#endif
