/* Clipping: polygons to an axis-aligned rectangle (Sutherland–Hodgman, ring by ring). */
#ifndef PM_GEO_CLIP_H
#define PM_GEO_CLIP_H

#include "core/status.h"
#include "geo/geom.h"

/* Clips polygon g to box into dst (initialised by the call; free with pm_geom_fini).
 * Each ring is clipped on its own, which is exact for area and even-odd filling
 * (degenerate edges along the box border may remain).  Non-polygons are copied. */
pm_status pm_geom_clip_box(const pm_geom *g, pm_bbox box, pm_geom *dst);

#endif
