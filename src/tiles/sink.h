/* Tile sinks: where rendered tiles go (a directory tree, an MBTiles file, a PMTiles file),
 * and the table of those formats. */
#ifndef PM_TILES_SINK_H
#define PM_TILES_SINK_H

#include <stddef.h>
#include <stdint.h>
#include "core/status.h"

/* Package metadata (MBTiles metadata table / PMTiles header + JSON metadata). */
typedef struct {
    const char *name;        /* "长寿路街道 服务群众能效指数 2016" */
    const char *description;
    const char *attribution;
    const char *legend_json; /* JSON text of the legend (classes, colours, counts) */
    double bounds[4];        /* minlon, minlat, maxlon, maxlat (WGS 84) */
    double center[3];        /* lon, lat, zoom */
    int minzoom, maxzoom;
    int tile_px;             /* 256 or 512 (@2x) */
    const char *run_id;      /* JSON object naming the run a shard belongs to (map, year,
                              * tile size, zooms, ..., inputs hash: app/identity.h), or
                              * NULL; stored as the metadata "partymap_run" */
} pm_tilemeta;

/* The result of a sink: how many tiles it wrote and how many were unchanged. */
typedef struct {
    size_t written;   /* tiles whose bytes changed or are new */
    size_t unchanged; /* tiles identical to what was there already (not rewritten) */
    size_t tiles;     /* tiles in the output */
    size_t unique;    /* distinct tile contents (PMTiles deduplication) */
    size_t removed;   /* stale tiles of an earlier run removed (directory sink) */
} pm_sinkstats;

typedef struct pm_sink pm_sink;

/* A sink's operations.  put may be called from several threads at once; sinks
 * that need an order (packages) collect and sort at finish, so the output bytes
 * never depend on thread timing.  Finishing is two steps, so that several sinks
 * (a tree and its packages) replace the old set together:
 *   prepare writes everything that needs space (a full disk fails here) where
 *   nothing is visible yet, syncs it, and fills stats;
 *   commit then makes it visible by renames that need no new space, and must not
 *   fail but for an I/O error (a tree that cannot rename a new tile into place
 *   takes back the ones it renamed and fails before it replaced any old one).
 * free without commit aborts: what was staged is removed and the old output stays
 * as it was.  An existing identical package is left untouched.  After any failure,
 * later puts return the first error (sticky), error and prepare return it too, with
 * its message in *err (caller frees).  Each z/x/y may be put once: a repeat makes
 * prepare fail with PM_EINTERNAL.  Puts after prepare, commit without prepare:
 * PM_EINTERNAL.  Tiles are 1 byte .. 4 GiB, zoom 0..30, x and y inside the zoom. */
typedef struct {
    pm_status (*put)(pm_sink *s, int z, uint32_t x, uint32_t y, const unsigned char *png,
                     size_t len);
    pm_status (*prepare)(pm_sink *s, const pm_tilemeta *meta, pm_sinkstats *stats, char **err);
    pm_status (*commit)(pm_sink *s, char **err); /* NULL: prepare did it all */
    pm_status (*error)(pm_sink *s, char **err);  /* the kept failure; NULL: none kept */
    void (*free)(pm_sink *s); /* aborts if not committed; accepts NULL */
} pm_sink_ops;

struct pm_sink {
    const pm_sink_ops *ops;
};

static inline pm_status pm_sink_put(pm_sink *s, int z, uint32_t x, uint32_t y,
                                    const unsigned char *png, size_t len)
{
    return s->ops->put(s, z, x, y, png, len);
}
static inline pm_status pm_sink_prepare(pm_sink *s, const pm_tilemeta *m, pm_sinkstats *st,
                                        char **err)
{
    return s->ops->prepare(s, m, st, err);
}
static inline pm_status pm_sink_commit(pm_sink *s, char **err)
{
    return s->ops->commit ? s->ops->commit(s, err) : PM_OK;
}
/* prepare, then commit: for a sink finished alone. */
static inline pm_status pm_sink_finish(pm_sink *s, const pm_tilemeta *m, pm_sinkstats *st,
                                       char **err)
{
    pm_status r = pm_sink_prepare(s, m, st, err);
    return r ? r : pm_sink_commit(s, err);
}
/* The sink's kept failure, if any, with its message in *err (caller frees). */
static inline pm_status pm_sink_error(pm_sink *s, char **err)
{
    return s->ops->error ? s->ops->error(s, err) : PM_OK;
}
static inline void pm_sink_free(pm_sink *s)
{
    if (s) s->ops->free(s);
}

/* Directory tree DIR/{z}/{x}/{y}{suffix}.png (suffix "" or "@2x").  A tile whose
 * bytes equal the existing file is not rewritten (its mtime is kept); the others are
 * staged in a private folder inside DIR (tmpfile.h) and renamed into place at commit,
 * new names first.  Tiles of an earlier run that this run did not produce are removed
 * at commit (within the zooms written), so the tree always equals the run.  The zooms
 * swept are meta's minzoom..maxzoom and every zoom put (meta may be NULL);
 * stats.removed counts the stale tiles, then emptied folders go.  Other files are
 * left alone.  A tile that cannot be written fails with its final path and the
 * system's reason. */
pm_status pm_sink_dir_new(const char *dir, const char *suffix, pm_sink **out, char **err);

/* The packages collect tiles in an anonymous temporary file beside path (deduplicated
 * by content), created by _new, which therefore fails at once (PM_EIO, *err) where the
 * folder cannot take files.  prepare needs meta and writes the package to a temporary
 * (tmpfile.h), commit renames it into place; the stated zoom range is meta's, widened
 * to the tiles put.  stats: the package is one unit, so written = tiles if its bytes
 * changed, else unchanged = tiles. */

/* MBTiles 1.3 file (SQLite): tiles table in TMS row order, metadata table with name,
 * format=png, bounds, center, minzoom, maxzoom, attribution, description, type,
 * version, json (the legend).  Deterministic bytes for equal input. */
pm_status pm_sink_mbtiles_new(const char *path, pm_sink **out, char **err);

/* PMTiles v3 file: raster PNG, tiles deduplicated by content, clustered by tile id,
 * JSON metadata with the same fields as MBTiles.  Deterministic bytes.  Without
 * tiles finish fails (PM_EDATA): the format has no empty archive. */
pm_status pm_sink_pmtiles_new(const char *path, pm_sink **out, char **err);

/* Reading packages back, for merging shards. */

/* Called for each tile of a package in the package's own order; a status other
 * than PM_OK stops the read, which returns it. */
typedef pm_status (*pm_tile_fn)(void *ctx, int z, uint32_t x, uint32_t y,
                                const unsigned char *data, size_t len);

/* A package's metadata as read back; meta's strings point to the owned copies
 * beside it (NULL where the package has none).  Free with pm_sink_info_fini. */
typedef struct {
    pm_tilemeta meta;
    char *name, *description, *attribution, *legend_json, *run_id;
} pm_sinkinfo;

/* Frees the strings; accepts a zeroed struct and leaves one. */
void pm_sink_info_fini(pm_sinkinfo *info);

/* What reading a package may cost: every count and size read from a file is
 * checked against these and against the file's size and the tile grid before
 * anything is allocated or iterated, so a hostile package is refused in
 * milliseconds.  (README, "Resource limits".) */
typedef struct {
    uint64_t max_tiles; /* tiles a package may address, runs included (0: the default) */
} pm_readlimits;

#define PM_READ_MAX_TILES 10000000u      /* default max_tiles: 15 times a city's z10-18 */
#define PM_READ_MAX_META ((size_t)1 << 20) /* metadata JSON, decompressed */
#define PM_READ_MAX_DIR ((size_t)16 << 20) /* one PMTiles directory, decompressed */
#define PM_READ_MAX_TILE ((size_t)32 << 20) /* one tile */

/* Reads an MBTiles file written by pm_sink_mbtiles_new (or any MBTiles 1.x with
 * metadata bounds and center): *info (initialised here; caller finis it, also on
 * failure) and every tile through fn.  Read-only: the file is never changed (nor its
 * journal consulted).  Only tables are read: a table "tiles" (zoom_level, tile_column,
 * tile_row integer, tile_data blob), or tables "map" and "images" joined on tile_id;
 * a view, a virtual or generated column, a value of another type than declared, a
 * tile beyond PM_READ_MAX_TILE or more tiles than lim->max_tiles are refused.
 * lim may be NULL (defaults); fn may be NULL, to read the metadata only.  PM_EDATA
 * (*err names the file and the problem) if it
 * is not such a package, PM_EIO if it cannot be read, PM_ECANCEL when SIGINT or
 * SIGTERM asks to stop (core/cancel.h); fn's own status otherwise. */
pm_status pm_sink_mbtiles_read(const char *path, const pm_readlimits *lim, pm_sinkinfo *info,
                               pm_tile_fn fn, void *ctx, char **err);

/* Reads a PMTiles v3 raster archive the same way: each addressed tile once (a run
 * of equal tiles is given once per tile), in tile-id order.  Header fields, offsets,
 * directory sizes and entry counts are checked against the file and the limits
 * before use; the directories are walked once to check them all (ids increasing,
 * runs inside the header's zoom range, leaf directories each read once, at most
 * lim->max_tiles tiles) before the first tile is given; fn NULL: the metadata only,
 * no directory is read.  PM_EDATA for a file that is
 * not a PMTiles v3 PNG archive, is damaged or exceeds a limit; PM_EIO, PM_ECANCEL as
 * above.  Numbers come back so that writing info->meta again gives the same header
 * and JSON bytes. */
pm_status pm_sink_pmtiles_read(const char *path, const pm_readlimits *lim, pm_sinkinfo *info,
                               pm_tile_fn fn, void *ctx, char **err);

/* The formats, as a table: a new format is one sink file and one row of
 * pm_sink_formats (sinks.c).  Rows are in the order a run opens and finishes them. */
typedef struct {
    const char *name;   /* "tree", "MBTiles", "PMTiles": for messages */
    const char *ext;    /* the package's name ending (".mbtiles"); NULL for the tree */
    int may_be_empty;   /* 0: finish without tiles fails (the format has no empty file) */
    const char *magic;  /* a package's first bytes, to tell the formats apart; NULL: none */
    size_t magic_len;
    /* A sink writing to path: the tree's folder (tiles named {y}{suffix}.png) or
     * the package file (suffix unused). */
    pm_status (*open)(const char *path, const char *suffix, pm_sink **out, char **err);
    /* Reads a package back (NULL for the tree): pm_sink_mbtiles_read's contract. */
    pm_status (*read)(const char *path, const pm_readlimits *lim, pm_sinkinfo *info,
                      pm_tile_fn fn, void *ctx, char **err);
} pm_sinkformat;

extern const pm_sinkformat pm_sink_formats[];
extern const size_t pm_sink_nformats;

/* The package format whose ext path ends in (longer than the ending), or NULL. */
const pm_sinkformat *pm_sink_format_by_name(const char *path);
/* The package format whose magic the first n bytes of a file start with, or NULL. */
const pm_sinkformat *pm_sink_format_sniff(const unsigned char *head, size_t n);

#endif
