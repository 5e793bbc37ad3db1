/* Tile maths: the EPSG:3857 XYZ grid, tile ids, metatiles, tile ranges and shards. */
#ifndef PM_TILES_TILEMATH_H
#define PM_TILES_TILEMATH_H

#include <stddef.h>
#include <stdint.h>
#include "geo/geom.h"

#define PM_MERC_MAX 20037508.342789244 /* half the world's width in EPSG:3857 metres */

/* Highest zoom the sinks accept: x and y fit 32 bits and tile ids 64 bits. */
#define PM_TILE_MAXZOOM 30

/* PMTiles v3 tile id: tiles of all lower zooms, plus the position of (x, y) on the
 * zoom's Hilbert curve.  Unique per tile, so also a compact key.  z in
 * 0..PM_TILE_MAXZOOM, x and y inside the zoom.  Pure. */
uint64_t pm_tile_id(int z, uint32_t x, uint32_t y);
/* The inverse: 0 and the tile of id, or -1 if id lies beyond PM_TILE_MAXZOOM. */
int pm_tile_from_id(uint64_t id, int *z, uint32_t *x, uint32_t *y);
/* The id of zoom z's first tile: the count of tiles of zooms 0 .. z-1 (z in
 * 0..PM_TILE_MAXZOOM + 1).  Pure. */
uint64_t pm_tile_first_id(int z);

/* Pixels per metre at zoom z for tiles of tile_px pixels. */
double pm_tile_scale(int z, int tile_px);

/* Inclusive range of tiles (at zoom z) covering a bbox in EPSG:3857 metres. */
typedef struct { int z; uint32_t x0, y0, x1, y1; } pm_tilerange;
pm_tilerange pm_tile_range(int z, pm_bbox merc);

/* A metatile: up to m × m tiles starting at tile (x, y), clipped to the range. */
typedef struct { int z; uint32_t x, y, nx, ny; } pm_metatile;

/* The metatiles (aligned on multiples of m) covering range r, in row-major order;
 * *out is a new array (caller frees), NULL with count 0 when empty or on OOM
 * (*oom set). */
pm_metatile *pm_metatiles(const pm_tilerange *r, uint32_t m, size_t *count, int *oom);

/* EPSG:3857 bbox of tile (z, x, y). */
pm_bbox pm_tile_bbox(int z, uint32_t x, uint32_t y);

/* Web Mercator of WGS 84 lon/lat (the forward formula, for bbox arguments). */
pm_pt pm_merc_from_lonlat(double lon, double lat);

/* 1 if metatile index i belongs to shard k of n (1-based k): a deterministic
 * round-robin that spreads dense areas across shards. */
int pm_shard_has(size_t i, unsigned k, unsigned n);

#endif
