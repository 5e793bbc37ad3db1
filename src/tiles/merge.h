/* Merging shard packages: the tiles of several packages of one run into one package. */
#ifndef PM_TILES_MERGE_H
#define PM_TILES_MERGE_H

#include <stddef.h>
#include <stdint.h>
#include "core/status.h"

typedef struct {
    size_t inputs;   /* packages read */
    size_t tiles;    /* tiles in the output */
    size_t unique;   /* distinct tile contents */
    size_t bytes;    /* tile bytes read (every tile counted) */
    int unchanged;   /* 1 if out already held exactly these bytes (left untouched) */
} pm_mergestats;

/* Reads the n packages in (MBTiles or PMTiles, told apart by their first bytes) and
 * writes all their tiles into one package at out, MBTiles or PMTiles by its name's
 * ending, through the sink a single run writes with: the shards of a run, merged
 * into the format they were written in, give exactly the bytes of the run's own
 * package.  The inputs must come from one run: equal name, description,
 * attribution, legend, bounds and center, the same run identity (pm_tilemeta.run_id:
 * map, year, tile size, zooms, metatile, quantize and inputs hash; all inputs have
 * one or none has), and no tile in two of them, else PM_EDATA naming the odd input
 * and what differs ("b.mbtiles: 512 px tiles, the others 256 px"); the metadata of
 * all inputs is checked before any tile is read.  The zoom range is the union of
 * theirs; the output carries no run identity, so that merged shards give the single
 * run's bytes.  out is written atomically (an existing package is replaced only on
 * success, and kept untouched if it already holds the same bytes) and must not be
 * one of the inputs.
 * PM_EUSAGE: no input, or out ends neither in .mbtiles nor .pmtiles.  Reading
 * errors as pm_sink_mbtiles_read / pm_sink_pmtiles_read, whose limits apply with
 * max_tiles (0: PM_READ_MAX_TILES), also to all inputs together.  PM_ECANCEL when
 * SIGINT or SIGTERM asks to stop (core/cancel.h), reading or writing: out is then
 * left as it was and no temporary remains.  *err (caller frees) on failure; stats
 * may be NULL. */
pm_status pm_merge_packages(const char *out, const char *const *in, size_t n, uint64_t max_tiles,
                            pm_mergestats *stats, char **err);

#endif
