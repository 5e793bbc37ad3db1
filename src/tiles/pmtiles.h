/* The PMTiles v3 layout that the writer (sink_pmtiles.c) and the reader (pmtiles_read.c) share. */
#ifndef PM_TILES_PMTILES_H
#define PM_TILES_PMTILES_H

#include <math.h>
#include <stdint.h>

enum {
    PM_PMT_HEADER = 127, /* bytes of the fixed header */
    PM_PMT_NONE = 1,     /* compression: none */
    PM_PMT_GZIP = 2,     /* compression: gzip */
    PM_PMT_PNG = 2       /* tile type */
};

/* A directory entry: a run of `run` tiles from tile id `id` with one content at
 * [off, off + len) of the tile data section, or (run 0) a leaf directory at
 * [off, off + len) of the leaf section. */
typedef struct {
    uint64_t id, off;
    uint32_t len, run;
} pm_pmt_entry;

/* Degrees as the header's e7 integers (clamped; not finite: 0).  Pure. */
static inline int32_t pm_pmt_e7(double deg)
{
    double v = isfinite(deg) ? deg * 1e7 : 0;
    return (int32_t)lround(fmax(-2147483647.0, fmin(2147483647.0, v)));
}

#endif
