/* The site's data.js: what the first view needs (legends, tiles, terms, footer), no outline. */
#ifndef PM_SITE_SITEDATA_H
#define PM_SITE_SITEDATA_H

#include <jansson.h>
#include <stddef.h>
#include "core/status.h"
#include "site/site.h"
#include "site/sitefigs.h"
#include "site/siteindex.h"

/* What the other writers produced, for data.js to point to. */
typedef struct {
    const pm_sitefigs *figs;
    const pm_siteindex *index;
    json_t *fields;           /* pm_sitedata_fields (borrowed) */
    int points;               /* points/ files were written */
    const char *share;        /* the share image's path in the site, or NULL */
    const char *basemap_url;  /* the basemap template as the page uses it (a local
                               * folder's under basemap/), or NULL for none */
} pm_sitedata_parts;

/* The popup rows, data.js "fields": [{key, label, unit, decimals, signed}]: the first
 * map's column with its _rank, _change and _rank_change, every other map's column,
 * projects_running, platforms, then the config's "indicators" in order; each once,
 * columns of the indicator table only, presented as analysis/indmeta.h says.  New
 * reference; NULL when out of memory. */
json_t *pm_sitedata_fields(const pm_website *w);

/* Builds the text of data.js: "window.PARTYMAP = {JSON};\n" with
 *   name, credits; terms {unit, parent, area} (cfg->term_*: 居民区, 街道, name);
 *   approval {number, issuer} or null; site {icp, gov_code} (null members: not set);
 *   bounds [minlon, minlat, maxlon, maxlat], center [lon, lat], minzoom, maxzoom;
 *   years (the years with tiles, which the page offers), data_years (every year of
 *   the data: the index files' per-year arrays and the trend chart follow them);
 *   maps [{id, title, unit, decimals, indicator, description, show_points}];
 *   fields (see pm_sitedata_fields); tiles and poster URL templates, relative to the
 *   site folder ({year}/tiles/{map}/{z}/{x}/{y}{r}.png, {year}/print/{map}.pdf);
 *   points {platforms, projects, running} (counts for legends of maps with points);
 *   committees {count}; basemap {url, attribution, opacity, subdomains} or null;
 *   share (the share image, og:image) or null;
 *   stats {year: {map: {median, ranked}}} for every data year (ranked: the N of
 *   "第7名 / 共N个");
 *   index {zoom, origin [x, y], coverage, path, points, names, table}: the
 *   interaction index of siteindex.h (coverage in the format below, the index
 *   files that exist), its points files (template or null), names.js and the table
 *   files' template (sitenames.h);
 *   legend {year: {map: {classes: [{label, name, color, count}], nodata}}} (name:
 *   the short class name, 优秀 or a range);
 *   tilesets {year: {map: {"1x": i, "2x": j}}} and coverage (the distinct tile
 *   indexes i, j of out_dir/YEAR/tiles/MAP/ as {z: [[x, y0, y1, ...], ...]}: the
 *   page asks only for tiles that exist, since empty tiles are not written);
 *   downloads {year: {csv, xlsx, atlas, posters {map: path}}}: the files present in
 *   out_dir, which the site publishes at those paths;
 *   committee_px0: the median committee's width in Web Mercator pixels at zoom 0.
 * *first receives the text of index.html's inline script, "window.PARTYMAP_FIRST =
 * {bounds, minzoom, maxzoom, map, year, tiles, px0, has1x, has2x, cov, cov1};" (the
 * first map of the latest year: its tile template, which tiles were rendered, the
 * coverage of its @2x tiles (else its 1x ones) and, where they differ, of its 1x ones),
 * so that the page requests its first tiles before its scripts arrive.
 * No committee outline or per-committee value is inline (see siteindex.h and
 * sitenames.h), so the first view stays small for a city.  '<', '>', '&', U+2028
 * and U+2029 are written as \uXXXX escapes.  Deterministic.  *out (NUL-terminated,
 * caller frees) and *len on success; PM_EDATA (year without data, unknown
 * indicator) or PM_ENOMEM with *err set (caller frees; *out and *first NULL); PM_EIO if a tile folder
 * cannot be read.  Thread-safe. */
pm_status pm_sitedata_build(const pm_website *w, const pm_sitedata_parts *parts, const char *out_dir,
                            char **out, size_t *len, char **first, char **err);

#endif
