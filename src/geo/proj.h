/* PROJ wrapper: the one place partymap calls PROJ.  Coordinate transforms between CRSs. */
#ifndef PM_GEO_PROJ_H
#define PM_GEO_PROJ_H

#include <stddef.h>
#include "core/status.h"
#include "geo/geom.h"

/* A transform from one CRS to another, with axis order normalised to x = easting or
 * longitude, y = northing or latitude.  Owns its own PROJ context, so one transform
 * may be used by one thread at a time; create one per thread. */
typedef struct pm_proj pm_proj;

/* from/to: anything PROJ accepts ("EPSG:4549", WKT, PROJJSON, "+proj=..." strings;
 * a "+proj=" string without +type=crs is read as a CRS, as cs2cs does).
 * Returns PM_EDATA with *err naming the bad CRS and PROJ's reason (caller frees) if
 * either is unknown or no transformation exists; PM_ENOMEM.  On success *err is
 * NULL; err may be NULL.  *out is NULL on failure.  PROJ never prints to stderr. */
pm_status pm_proj_new(const char *from, const char *to, pm_proj **out, char **err);
void pm_proj_free(pm_proj *p);

/* Transforms n points in place.  A point that cannot be transformed becomes
 * (HUGE_VAL, HUGE_VAL) and the call returns PM_EDATA (others are still done). */
pm_status pm_proj_points(pm_proj *p, pm_pt *pts, size_t n);
/* Transforms every vertex of g in place and recomputes its bbox. */
pm_status pm_proj_geom(pm_proj *p, pm_geom *g);

/* 1 if the CRS string describes a geographic (lon/lat) CRS, 0 if projected (or
 * another kind: geocentric, vertical...), -1 if unknown.  Looks through compound
 * (horizontal part) and bound CRSs.  Thread-safe: each call creates a PROJ context,
 * so it is for configuration time, not per feature. */
int pm_proj_is_geographic(const char *crs);

/* Name of a CRS for credits, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 120E"; new
 * string (caller frees) or NULL if unknown.  Thread-safe like pm_proj_is_geographic. */
char *pm_proj_crs_name(const char *crs);

/* What a geospatial PDF records of a CRS: its EPSG code (0 if it has none), its OGC
 * WKT 1 (*wkt1) and the definition of its geographic base CRS (*geog, WKT 2: the CRS
 * of the latitudes and longitudes of its points).  New strings (caller frees).
 * PM_EDATA if the CRS is unknown, PM_ENOMEM.  Thread-safe like pm_proj_is_geographic. */
pm_status pm_proj_crs_describe(const char *crs, int *epsg, char **wkt1, char **geog);

#endif
