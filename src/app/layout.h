/* Output layout: every path partymap writes, in one place (stages, the dry run, merge). */
#ifndef PM_APP_LAYOUT_H
#define PM_APP_LAYOUT_H

#include <stddef.h>

/* Each function returns a new string (caller frees), NULL when out of memory.  out is
 * the output folder, year an evaluation year, map a map id.  suffix is "" for 256 px
 * tiles and "@2x" for 512 px ones. */

/* out/YEAR/print/MAP.EXT: the poster (ext "pdf") and its preview ("png"). */
char *pm_layout_poster(const char *out, int year, const char *map, const char *ext);
/* out/YEAR/atlas.pdf */
char *pm_layout_atlas(const char *out, int year);
/* out/YEAR/atlas.print.pdf: the atlas for the press (posters: pm_layout_poster with
 * ext "print.pdf") */
char *pm_layout_atlas_print(const char *out, int year);
/* out/YEAR/tiles: every tile tree and package of the year. */
char *pm_layout_year_tiles(const char *out, int year);
/* out/YEAR/tiles/MAP: the tree of {z}/{x}/{y}SUFFIX.png. */
char *pm_layout_tile_dir(const char *out, int year, const char *map);
/* out/YEAR/tiles/MAP/{z}/{x}/{y}SUFFIX.png: the tree as a pattern. */
char *pm_layout_tile_pattern(const char *out, int year, const char *map, const char *suffix);
/* out/YEAR/tiles/MAPSUFFIX[.shard-K-of-N].EXT (ext "mbtiles", "pmtiles"); n <= 1: no shard. */
char *pm_layout_package(const char *out, int year, const char *map, const char *suffix,
                        unsigned k, unsigned n, const char *ext);
/* out/YEAR/evaluation.EXT (ext "xlsx", "csv") */
char *pm_layout_sheet(const char *out, int year, const char *ext);
/* out/YEAR/changes.csv (report) */
char *pm_layout_changes(const char *out, int year);
/* out/partymap.gpkg */
char *pm_layout_gpkg(const char *out);
/* out/site/FILE (file may hold folders, e.g. "lib/leaflet/leaflet.js"; "" = the folder) */
char *pm_layout_site(const char *out, const char *file);

/* The shard part of a package name, ".shard-K-of-N", into buf ("" when n <= 1). */
void pm_layout_shard_part(unsigned k, unsigned n, char *buf, size_t len);
/* K and N of a path named as a shard package (".shard-K-of-N." in it, 1 <= K <= N);
 * 0 if it has no such part.  Pure. */
int pm_layout_shard_of(const char *path, unsigned *k, unsigned *n);

#endif
