/* Geometry through OGR/GEOS: partymap's polygons as OGR geometries, and their union. */
#ifndef PM_DATA_OGRGEOM_H
#define PM_DATA_OGRGEOM_H

#include <stddef.h>
#include "core/status.h"
#include "geo/geom.h"

/* g as a new OGR geometry (an OGRGeometryH; the caller destroys it with
 * OGR_G_DestroyGeometry): a point, or a multipolygon / multilinestring whose holes
 * join the exterior ring before them.  NULL for an empty point or out of memory.
 * Returned as void * so that GDAL's types stay out of partymap's headers. */
void *pm_ogr_geometry(const pm_geom *g);

/* The union of n polygon geometries as a new OGR geometry (caller destroys; any
 * polygonal type), NULL if GEOS fails (CPLGetLastErrorMsg says why) or out of memory.
 * Non-polygons are skipped. */
void *pm_ogr_union(const pm_geom *const *polys, size_t n);

/* The union of n polygon geometries (GEOS's cascaded union through OGR) into *out (a
 * polygon geometry, owned by the caller: pm_geom_fini), e.g. a subdistrict dissolved
 * from its committees.  Non-polygons are skipped.  PM_EDATA with *err (caller frees)
 * if GEOS fails, PM_ENOMEM.  Thread-safe (GDAL's error state is per thread). */
pm_status pm_geom_union(const pm_geom *const *polys, size_t n, pm_geom *out, char **err);

#endif
