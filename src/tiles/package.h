/* The package sink: tiles collected in a spool, written at finish through a format's writer. */
#ifndef PM_TILES_PACKAGE_H
#define PM_TILES_PACKAGE_H

#include <stddef.h>
#include <stdint.h>
#include "core/status.h"
#include "tiles/sink.h"
#include "tiles/tilebuf.h"

/* The zoom range a package states: meta's, widened to the zooms of the tiles. */
void pm_package_zooms(const pm_tilemeta *m, const pm_tileref *refs, size_t n, int *minz,
                      int *maxz);

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

#endif
