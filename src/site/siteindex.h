/* The site's interaction index: per tile of one zoom, the committees' outlines and figures
 * and the points, as small scripts the page loads on demand (no outline is inline). */
#ifndef PM_SITE_SITEINDEX_H
#define PM_SITE_SITEINDEX_H

#include <jansson.h>
#include "core/status.h"
#include "site/site.h"
#include "site/sitefigs.h"
#include "site/sitepub.h"
#include "site/tileindex.h"

/* No index tile meets more committees than this at the chosen zoom (the lowest that
 * allows it), so that one file stays a few tens of KB whatever the area's size. */
enum { PM_SITEINDEX_MAX_PER_TILE = 64 };

/* Coordinates in the index files are Web Mercator pixels at this zoom (Leaflet's
 * map.project(latlng, 20): 15 cm at the equator), relative to an origin. */
enum { PM_SITEINDEX_UNITS_ZOOM = 20 };

typedef struct {
    int zoom;             /* the index tiles' zoom */
    double ox, oy;        /* origin: the data's north-west corner, integral units */
    pm_tileindex tiles;   /* the tiles written (runs of rows) */
} pm_siteindex;

/* Writes site_dir/index/Z/X/Y.js for every tile of the chosen zoom that a committee's
 * bbox meets: PARTYMAP_LOAD("index/Z/X/Y", {"c": [record, ...]}) with, per committee,
 *   i    its index in names.js (the dataset's order); code, name, parent (or null)
 *   ct   [lon, lat] of a point inside it (the popup's anchor)
 *   g    rings (exteriors and holes; even-odd), each [x0, y0, dx1, dy1, ...] in
 *        integral units relative to the origin, simplified by 1 px at zoom 18
 *   pop, hh   population and households (null if unknown)
 *   v    per data year (data.js "data_years"), the values of data.js "fields", in order
 *   m    per data year, per map: [class, rank, rank change, class change] (see
 *        sitefigs.h; null for "none")
 *   p    names of up to three running projects in it
 *   a    its page in the year's atlas.pdf (1 = cover), or null
 * (fields: data.js "fields", whose keys name the values of v) and, when with_points, site_dir/points/Z/X/Y.js: PARTYMAP_LOAD("points/Z/X/Y",
 * {"pl": [[x, y, name, category, partner, committee], ...], "pr": [[x, y, name,
 * category, partner, status (0 running, 1 planned, 2 finished, 3 other), committee],
 * ...]}) for the points inside the tile (committee: index or -1).  Files whose bytes
 * are unchanged are not rewritten; every path written is added to written (relative
 * to site_dir).  out is initialised (free with pm_siteindex_fini).  PM_EIO or
 * PM_ENOMEM with *err (caller frees).  Thread-safe. */
pm_status pm_siteindex_write(const pm_website *w, const pm_sitefigs *f, json_t *fields,
                             const char *site_dir, int with_points, pm_pathset *written, pm_siteindex *out, char **err);
void pm_siteindex_fini(pm_siteindex *x);

/* Web Mercator pixel coordinates of lon/lat at zoom z, as Leaflet computes them. */
pm_pt pm_siteindex_project(double lon, double lat, int z);

#endif
