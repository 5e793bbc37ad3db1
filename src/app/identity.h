/* A tile run's identity: what each shard records so that merge refuses shards of
 * different runs, naming the odd one. */
#ifndef PM_APP_IDENTITY_H
#define PM_APP_IDENTITY_H

#include <stdint.h>
#include "app/project.h"
#include "core/status.h"

/* A hash of what every map's tiles of the run are drawn from: the bytes of the
 * config file and of every input file it names (committees, platforms, projects,
 * evaluations, context layers; for a shapefile its .shp, .shx, .dbf, .prj and .cpg),
 * each with its role and length, in that fixed order.  FNV-1a 64 (a fast
 * non-cryptographic hash: it tells runs apart, it does not resist forgery).  PM_EIO
 * with *err (caller frees) if a file cannot be read. */
pm_status pm_identity_inputs(const pm_project *p, uint64_t *hash, char **err);

/* The run's identity for one map's packages, as compact JSON (new string, caller
 * frees): {"map", "year", "tile_px", "minzoom", "maxzoom", "metatile", "quantize",
 * "inputs"}, where inputs is the hash above combined with the map's style file's
 * bytes, as 16 hex digits.  PM_EIO with *err, PM_ENOMEM. */
pm_status pm_identity_json(const pm_project *p, const pm_style *style, int year, int tile_px,
                           uint64_t inputs, char **out, char **err);

#endif
