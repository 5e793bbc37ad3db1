/* Tile index: which tiles a rendered pyramid folder holds, as runs of rows per column. */
#ifndef PM_SITE_TILEINDEX_H
#define PM_SITE_TILEINDEX_H

#include <stddef.h>
#include <stdint.h>
#include "core/status.h"

/* Tiles (z, x, y0..y1) exist, y1 >= y0.  Empty tiles are not written by the
 * pyramid, so the page asks only for tiles listed here: no failed requests, and
 * the index stays small (its size follows the data's outline, not its area). */
typedef struct {
    int z;
    uint32_t x, y0, y1;
} pm_tilerun;

typedef struct {
    pm_tilerun *runs;  /* sorted by z, x, y0 (owned) */
    size_t n;
    size_t tiles;      /* tiles counted */
} pm_tileindex;

/* Scans dir/{z}/{x}/{y}.png (into idx[0]) and {y}@2x.png (into idx[1]); other
 * names are ignored.  A missing dir gives two empty indexes.  idx[0..1] are
 * initialised by the call; free with pm_tileindex_fini.  PM_EIO (unreadable
 * folder) or PM_ENOMEM with *err set (caller frees).  Thread-safe. */
pm_status pm_tileindex_scan(const char *dir, pm_tileindex idx[2], char **err);
void pm_tileindex_fini(pm_tileindex *t);

#endif
