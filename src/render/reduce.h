/* Colour reduction: at most 256 colours per tile, so tiles become small, fast palette PNGs. */
#ifndef PM_RENDER_REDUCE_H
#define PM_RENDER_REDUCE_H

#include <stdint.h>

/* Runs of equal pixels the work space keeps: a whole 512 px tile's, worst case. */
#define PM_REDUCE_RUNS (512 * 512)

/* Work space for pm_reduce_colours and pm_reduce_index (about 1.1 MB); any content,
 * reused freely.  One per thread. */
typedef struct {
    uint32_t runs[PM_REDUCE_RUNS];
    int nruns;
    uint32_t key[8192];
    uint32_t count[8192];
    uint32_t map[8192];
    uint32_t seen[1024];
    int16_t seen_at[1024];
    uint8_t index[4096];
    uint16_t slot[8192];
    uint16_t used[8192];
    int nused;
} pm_reduce_ws;

/* Reduces the colours of each block × block square of the premultiplied ARGB32
 * pixels (w × h, stride bytes a row; w and h multiples of block) to at most 256 where
 * that is possible without visible change, in place: colours covering at least
 * a few pixels of the block (class fills, lines, text cores, halos, symbols) stay
 * exact; the rare ones, the antialiasing blends along edges and glyphs, are snapped
 * to 16 levels per channel: no premultiplied channel (alpha included) moves more
 * than 8 of 255, so an opaque pixel is at most 8/255 off and a translucent one, seen
 * over white, at most 16/255.  A block of at most 256 colours is left untouched, as
 * is one that 16 levels do not bring to 256 (then encoded truecolour: coarser levels
 * were 19 to 42/255 off on busy tiles).  Each block
 * is reduced on its own content only, so a tile's pixels do not depend on its
 * neighbours, and equal pixels give equal results.  Thread-safe with distinct ws. */
void pm_reduce_colours(unsigned char *px, int w, int h, int stride, int block, pm_reduce_ws *ws);

/* The same reduction for one size × size tile (pm_reduce_colours with w = h = block
 * = size), given as a palette image instead of rewritten pixels, for
 * pm_png_encode_indexed: colors[0 .. *ncolors) are the tile's distinct colours after
 * reduction in order of first appearance (row-major), idx (size × size, row-major)
 * each pixel's entry.  Returns 1, or 0 when the tile keeps more than 256 colours
 * (then colors and idx hold nothing useful: encode px as it is).  px is only read.
 * Thread-safe with distinct ws. */
int pm_reduce_index(const unsigned char *px, int size, int stride, pm_reduce_ws *ws,
                    uint32_t colors[256], int *ncolors, uint8_t *idx);

#endif
