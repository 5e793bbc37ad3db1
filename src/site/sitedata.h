/* The site's data.js: the values, legends and committee outlines the page shows, as one script. */
#ifndef PM_SITE_SITEDATA_H
#define PM_SITE_SITEDATA_H

#include <stddef.h>
#include "core/status.h"
#include "site/site.h"

/* Builds the text of data.js: "window.PARTYMAP = {JSON};\n" with name, credits,
 * bounds [minlon, minlat, maxlon, maxlat], center [lon, lat], minzoom, maxzoom,
 * years, maps [{id, title, unit, decimals, indicator, description, show_points}],
 * fields (popup rows: {key, label, unit, decimals, signed}), tiles and poster URL
 * templates, points {platforms, projects, running} (counts for the legend of maps
 * with show_points), legend {year: {map: {classes: [{label, color, count}], nodata}}},
 * tilesets {year: {map: {"1x": i, "2x": j}}} and coverage (the distinct tile
 * indexes i, j of out_dir/YEAR/tiles/MAP/ as {z: [[x, y0, y1, ...], ...]}: the page
 * asks only for tiles that exist, since empty tiles are not written) and
 * committees (GeoJSON FeatureCollection, lon/lat rounded to 6 decimals, properties
 * code, name, population, households, centre [lon, lat] inside the polygon, values
 * {year: {indicator: number or null}}).  '<', '>', '&', U+2028 and U+2029 are
 * written as \uXXXX escapes, so no string can end the script or open a tag.
 * Output is deterministic.  *out (NUL-terminated, caller frees) and *len on
 * success; PM_EDATA (year without data, unknown indicator) or PM_ENOMEM with *err
 * set (caller frees); PM_EIO if a tile folder cannot be read.  Thread-safe. */
pm_status pm_sitedata_build(const pm_website *w, const char *out_dir, char **out, size_t *len,
                            char **err);

#endif
