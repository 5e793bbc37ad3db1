/* Geospatial PDF: the ISO 32000 viewport (/VP with a /Measure /GEO dictionary) of a map frame. */
#ifndef PM_PRINT_GEOPDF_H
#define PM_PRINT_GEOPDF_H

#include "core/status.h"
#include "render/view.h"

/* Where a page's drawing sits in its PDF: device points from the top-left corner of
 * the drawing to PDF user space (y up), for a page of height page_h whose drawing
 * origin is (ox, oy) points right of and below the page's top-left corner (0 on a
 * screen PDF, the slug on a print PDF). */
typedef struct {
    double ox, oy, page_h;
} pm_geopdf_place;

/* What viewports record of a CRS, looked up once (PROJ's database is slow to ask):
 * its EPSG code, WKT and the transform to its geographic base CRS.  One thread. */
typedef struct pm_geopdf_crs pm_geopdf_crs;

/* PM_EDATA with *err (caller frees) if crs is unknown. */
pm_status pm_geopdf_crs_new(const char *crs, pm_geopdf_crs **out, char **err);
void pm_geopdf_crs_free(pm_geopdf_crs *c);
/* The CRS definition it was made from (borrowed). */
const char *pm_geopdf_crs_name(const pm_geopdf_crs *c);

/* The viewport dictionary of the map frame that view v draws, in crs (the projected
 * print CRS: its EPSG code and WKT in /GCS, the frame's corners as latitudes and
 * longitudes of its geographic base CRS in /GPTS), as PDF text "<< /Type /Viewport ...
 * >>" (caller frees) for the page's /VP array.  name is the viewport's /Name (UTF-8).
 * Acrobat, Avenza Maps and GDAL read coordinates off the frame through it.  PM_EDATA
 * with *err (caller frees) if the corners do not transform. */
pm_status pm_geopdf_viewport(const pm_view *v, pm_geopdf_crs *crs, const char *name,
                             const pm_geopdf_place *at, char **dict, char **err);

#endif
