/* Tile pyramids and snapshots: a map drawn on the EPSG:3857 XYZ grid by the drawing core. */
#ifndef PM_TILES_PYRAMID_H
#define PM_TILES_PYRAMID_H

#include <cairo.h>
#include <stddef.h>
#include <stdint.h>
#include "core/status.h"
#include "render/mapsym.h"
#include "render/scene.h"
#include "style/style.h"
#include "tiles/sink.h"

/* Tiles per metatile side by default: 4 (1024 px, 2048 px at @2x).  On the city
 * bench 5-10 % less CPU than renderd's 8, whose 16 MB surfaces a worker draws, reduces
 * and encodes from memory rather than from cache. */
#define PM_METATILE 4

/* Called after each metatile with tiles done so far and the total (approximate
 * before the last zoom is enumerated).  From worker threads, serialised. */
typedef void (*pm_progress_fn)(void *ctx, size_t done, size_t total);

/* One map's grid drawing: everything read-only and shared by the workers. */
typedef struct {
    const pm_scene *scene;  /* projected into EPSG:3857 */
    const pm_mapsym *sym;   /* fills, no-data flags, label candidates of the map */
    const pm_style *style;
    const char *font;       /* fontconfig family */
    int scale;              /* 1: 256 px tiles, 2: 512 px (@2x) */
    uint32_t metatile;      /* tiles per metatile side; 0 means PM_METATILE */
    int quantize;           /* 0: exact (palette PNG only where a tile has <= 256 colours);
                             * 1: snap rare edge blends so nearly every tile is a palette
                             * PNG (render/reduce.h: at most 8/255 off, about half the bytes) */
} pm_gridmap;

typedef struct {
    pm_gridmap map;
    int minzoom, maxzoom;
    size_t jobs;            /* worker threads */
    unsigned shard_k, shard_n; /* render metatiles i with i % n == k - 1, i numbering the
                                * run's metatiles zoom by zoom, row-major; n 0 or 1 = all */
    const pm_bbox *limit;   /* optional EPSG:3857 bbox: only tiles meeting it */
    pm_sink *const *sinks;  /* every tile goes to each sink */
    size_t nsinks;
    pm_progress_fn progress;
    void *progress_ctx;
} pm_pyramid_job;

typedef struct {
    size_t metatiles;       /* rendered */
    size_t metatiles_empty; /* skipped without drawing: no data in reach */
    size_t tiles;           /* tiles with content, sent to the sinks */
    size_t tiles_empty;     /* drawn but fully transparent: not written */
    size_t bytes;           /* PNG bytes of the tiles with content */
} pm_pyramid_stats;

/* Renders the pyramid: labels are placed once per zoom for the whole map, then the
 * metatiles of every zoom (low zooms first) are drawn on `jobs` threads and sliced
 * into tiles; each tile draws every label and symbol that touches it, whole.  Output
 * bytes do not depend on jobs.
 * *err on failure (caller frees). */
pm_status pm_pyramid_render(const pm_pyramid_job *job, pm_pyramid_stats *stats, char **err);

/* Draws the grid-aligned region of zoom z covering merc (EPSG:3857 bbox) into a new
 * ARGB32 image (*out, caller destroys): exactly the pixels the tiles of that region
 * have, because it is drawn through the same metatiles (Cairo clips polygon edges to
 * the surface, which moves antialiasing by a level or two along some edges when the
 * same map is drawn on surfaces of other sizes; one metatile grid avoids that).
 * Pixels outside the metatiles that hold data stay transparent, as those tiles do
 * not exist.  The region is merc rounded outwards to whole pixels, an edge within
 * 0.02 px of a pixel boundary taken as on it (a tile-aligned box is its tiles).
 * *px0, *py0 (may be NULL) receive its global pixel origin. */
pm_status pm_snapshot(const pm_gridmap *map, int z, pm_bbox merc, cairo_surface_t **out,
                      double *px0, double *py0, char **err);

#endif
