/* Shared machinery of the tile sinks: tile ids, a spooled tile collection, package helpers. */
#ifndef PM_TILES_TILEBUF_H
#define PM_TILES_TILEBUF_H

#include <stddef.h>
#include <stdint.h>
#include "core/fileio.h"
#include "core/status.h"
#include "tiles/sink.h"

/* Highest zoom a sink accepts: x and y fit 32 bits and tile ids 64 bits. */
#define PM_TILE_MAXZOOM 30

/* PMTiles v3 tile id: tiles of all lower zooms, plus the position of (x, y) on the
 * zoom's Hilbert curve.  Unique per tile, so also a compact key.  Pure. */
uint64_t pm_tilebuf_tileid(int z, uint32_t x, uint32_t y);
/* The inverse: 0 and the tile of id, or -1 if id lies beyond PM_TILE_MAXZOOM. */
int pm_tilebuf_tilezxy(uint64_t id, int *z, uint32_t *x, uint32_t *y);

/* PM_OK if z/x/y is a valid tile and len fits a package (1 .. UINT32_MAX bytes);
 * else PM_EINTERNAL (a caller bug) with *err set (caller frees). */
pm_status pm_tilebuf_check(int z, uint32_t x, uint32_t y, size_t len, char **err);

/* A 64-bit hash of the bytes (FNV-1a over 8-byte words, mixed): the content key for
 * deduplication, never stored in a file.  Pure. */
uint64_t pm_tilebuf_hash(const unsigned char *p, size_t len);

/* One tile of a collection. */
typedef struct {
    uint64_t key;  /* sort key from pm_tilebuf_sort's key function (0 without one) */
    uint32_t x, y;
    int z;
    uint32_t blob; /* index of its content (equal bytes share one blob) */
} pm_tileref;

/* Tiles collected by a package sink until finish.  Contents go to an anonymous
 * temporary file beside the package (nothing of it outlives the process), stored
 * once per distinct content, a megabyte at a time; only a small index and that
 * megabyte stay in memory. */
typedef struct pm_tilebuf pm_tilebuf;

/* A collection whose spool lives in the folder of path (created if missing).
 * PM_EIO with *err (caller frees) if that folder cannot take files. */
pm_status pm_tilebuf_new(const char *path, pm_tilebuf **out, char **err);
void pm_tilebuf_free(pm_tilebuf *b); /* accepts NULL */

/* Adds a tile.  Thread-safe.  The first failure is kept: it and every later put
 * return it, and pm_tilebuf_error reports it with its message. */
pm_status pm_tilebuf_put(pm_tilebuf *b, int z, uint32_t x, uint32_t y,
                         const unsigned char *data, size_t len);
/* The kept failure (PM_OK if none); *err gets a copy of its message (caller frees). */
pm_status pm_tilebuf_error(pm_tilebuf *b, char **err);

/* After the last put: sets each tile's key with keyfn (may be NULL) and sorts by
 * (key, z, x, y), so the order never depends on put order.  *refs is borrowed from b
 * (valid until the next put or free).  A z/x/y put twice fails with PM_EINTERNAL. */
pm_status pm_tilebuf_sort(pm_tilebuf *b, uint64_t (*keyfn)(int z, uint32_t x, uint32_t y),
                          const pm_tileref **refs, size_t *n, char **err);

/* Distinct contents, and one content's length. */
size_t pm_tilebuf_nblobs(const pm_tilebuf *b);
size_t pm_tilebuf_blob_len(const pm_tilebuf *b, uint32_t blob);
/* Copies a content into dst (pm_tilebuf_blob_len bytes).  Not thread-safe with put. */
pm_status pm_tilebuf_read(pm_tilebuf *b, uint32_t blob, unsigned char *dst, char **err);

/* The zoom range a package states: meta's, widened to the zooms of the tiles. */
void pm_tilebuf_zooms(const pm_tilemeta *m, const pm_tileref *refs, size_t n, int *minz,
                      int *maxz);

/* A number as short decimal text ("121.4213", "-31.5", "0") into buf. */
const char *pm_tilebuf_num(double v, char buf[40]);

/* Metadata JSON, compact, keys in a fixed order (new string, caller frees).  full:
 * the PMTiles object (name, description, attribution, format, type, bounds, center,
 * minzoom, maxzoom, legend); else the MBTiles "json" value {"legend": ...}, or
 * *out = NULL if meta has no legend.  A legend that is not valid JSON is PM_EINTERNAL. */
pm_status pm_tilebuf_meta_json(const pm_tilemeta *m, int minz, int maxz, int full,
                               char **out, char **err);

/* Writes a whole package to file (a new, empty name beside the target path) from the
 * tiles of buf in refs order. */
typedef pm_status (*pm_package_writer)(pm_tilebuf *buf, const char *path, const char *file,
                                       const pm_tilemeta *m, const pm_tileref *refs, size_t n,
                                       char **err);

/* A package format: how tiles are ordered and written. */
typedef struct {
    pm_package_writer write;
    uint64_t (*key)(int z, uint32_t x, uint32_t y); /* sort key (NULL: z, x, y order) */
    const char *empty_error; /* refuse a package without tiles with this reason, or NULL */
} pm_package_format;

/* A package sink (sink.h contract): tiles collect in a tilebuf and are written at
 * finish through fmt into a temporary beside path, which replaces path unless path
 * already holds the same bytes.  MBTiles and PMTiles are the two formats. */
pm_status pm_sink_package_new(const char *path, const pm_package_format *fmt, pm_sink **out,
                              char **err);

/* Parses n comma-separated numbers ("121.42,31.23,121.45,31.25"); 0 if text holds
 * exactly n finite numbers, else -1. */
int pm_tilebuf_parse_nums(const char *text, double *v, int n);

/* Reads metadata JSON back into info (the inverse of pm_tilebuf_meta_json): full,
 * the PMTiles object (name, description, attribution, bounds, center, minzoom,
 * maxzoom, legend); else the MBTiles "json" value (legend only).  legend_json is
 * re-serialised the way meta_json writes it, so a round trip keeps the bytes.
 * PM_EDATA with *err (prefixed with what) for text that is not such an object. */
pm_status pm_tilebuf_meta_parse(const char *json, size_t len, int full, const char *what,
                                pm_sinkinfo *info, char **err);

#endif
