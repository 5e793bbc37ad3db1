/* Colour reduction per tile block: exact common colours, snapped antialiasing blends. */
#include "render/reduce.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum {
    SLOTS = 8192,      /* hash slots: at most half full */
    MAX_COLOURS = 4096, /* a block with more keeps its colours (truecolour) */
    SEEN = 1024,
    KEEP_MIN = 8       /* pixels a colour must cover to stay exact, at least */
};

static inline uint32_t slot_of(uint32_t c)
{
    return (c * 2654435761u) >> 19; /* 13 bits */
}

/* The entry of colour c, added if new; -1 when the table is full. */
static int entry(pm_reduce_ws *ws, int *n, uint32_t c)
{
    uint32_t h = slot_of(c);
    while (ws->slot[h]) {
        int e = ws->slot[h] - 1;
        if (ws->key[e] == c) return e;
        h = (h + 1) & (SLOTS - 1);
    }
    if (*n == MAX_COLOURS) return -1;
    ws->slot[h] = (uint16_t)(*n + 1);
    ws->used[ws->nused++] = (uint16_t)h;
    ws->key[*n] = c;
    ws->count[*n] = 0;
    return (*n)++;
}

/* The end of the run of colour c from x on in row[0 .. n): four pixels a compare
 * where SSE2 is there (every x86-64); fills make most of a tile long runs. */
static inline int run_end(const uint32_t *row, int x, int n, uint32_t c)
{
#if defined(__SSE2__)
    __m128i cc = _mm_set1_epi32((int)c);
    for (; x + 4 <= n; x += 4) {
        int eq = _mm_movemask_epi8(_mm_cmpeq_epi32(_mm_loadu_si128((const __m128i *)(row + x)), cc));
        if (eq != 0xffff) return x + __builtin_ctz((unsigned)~eq & 0xffffu) / 4;
    }
#endif
    while (x < n && row[x] == c) x++;
    return x;
}

static void clear(pm_reduce_ws *ws)
{
    for (int i = 0; i < ws->nused; i++) ws->slot[ws->used[i]] = 0;
    ws->nused = 0;
}

/* Distinct colours of the block with their pixel counts; -1 beyond MAX_COLOURS.
 * The runs of equal pixels (colour << 16 | length, row after row) go to ws->runs
 * while there is room; ws->nruns is -1 when there was not. */
static int histogram(pm_reduce_ws *ws, const unsigned char *px, int stride, int block)
{
    int n = 0, nruns = 0;
    for (int y = 0; y < block; y++) {
        const uint32_t *row = (const uint32_t *)(px + (size_t)y * stride);
        if (y + 2 < block) { /* rows are stride apart: a new stream each, fetched ahead */
            const unsigned char *ahead = px + (size_t)(y + 2) * stride;
            for (int b = 0; b < block * 4; b += 64) __builtin_prefetch(ahead + b);
        }
        int x = 0;
        while (x < block) { /* one lookup a run */
            uint32_t c = row[x];
            int x0 = x;
            x = run_end(row, x + 1, block, c);
            int e = entry(ws, &n, c);
            if (e < 0) return -1;
            ws->count[e] += (uint32_t)(x - x0);
            if (nruns >= 0 && nruns < PM_REDUCE_RUNS) ws->runs[nruns++] = (uint32_t)e << 16 | (uint32_t)(x - x0);
            else nruns = -1;
        }
    }
    ws->nruns = nruns;
    return n;
}

/* v (0..255) on the nearest of `levels` evenly spaced values from 0 to 255. */
static inline uint32_t level(uint32_t v, uint32_t levels)
{
    uint32_t k = (v * (levels - 1) + 127) / 255;
    return (k * 255 + (levels - 1) / 2) / (levels - 1);
}

/* Premultiplied c with each channel on the grid, colour never above alpha. */
static uint32_t snap(uint32_t c, uint32_t levels)
{
    uint32_t a = level(c >> 24, levels);
    if (a == 0) return 0;
    uint32_t r = level((c >> 16) & 0xff, levels), g = level((c >> 8) & 0xff, levels), b = level(c & 0xff, levels);
    r = r > a ? a : r;
    g = g > a ? a : g;
    b = b > a ? a : b;
    return a << 24 | r << 16 | g << 8 | b;
}

/* Number of distinct mapped colours, counting no further than 257. */
static int distinct(pm_reduce_ws *ws, int n)
{
    uint32_t filled[SEEN / 32];
    memset(filled, 0, sizeof filled);
    int m = 0;
    for (int e = 0; e < n && m <= 256; e++) {
        uint32_t c = ws->map[e], h = (c * 2654435761u) >> 22;
        for (;;) {
            if (!(filled[h / 32] >> (h % 32) & 1)) {
                filled[h / 32] |= 1u << (h % 32);
                ws->seen[h] = c;
                m++;
                break;
            }
            if (ws->seen[h] == c) break;
            h = (h + 1) & (SEEN - 1);
        }
    }
    return m;
}

/* Chooses map[] for the n colours: 0 if it gives at most 256 colours, else -1. */
static int choose(pm_reduce_ws *ws, int n, int block)
{
    /* 16 levels only: 8 or 4 (as before) put busy tiles 19 to 42/255 off; such a
     * block now stays exact (truecolour), so no pixel is more than 8/255 off */
    static const uint32_t grids[] = { 16 };
    uint32_t keep = KEEP_MIN * (uint32_t)(block / 256 > 0 ? block / 256 : 1);
    for (;; keep *= 2) { /* common colours, but never so many that they fill the palette */
        int common = 0;
        for (int e = 0; e < n; e++) common += ws->count[e] >= keep;
        if (common <= 192) break;
    }
    for (size_t g = 0; g < sizeof grids / sizeof grids[0]; g++) {
        for (int e = 0; e < n; e++)
            ws->map[e] = ws->count[e] >= keep ? ws->key[e] : snap(ws->key[e], grids[g]);
        if (distinct(ws, n) <= 256) return 0;
    }
    return -1;
}

static void rewrite(pm_reduce_ws *ws, unsigned char *px, int stride, int block)
{
    int n = MAX_COLOURS; /* every colour is in the table: entry() only finds */
    for (int y = 0; y < block; y++) {
        uint32_t *row = (uint32_t *)(px + (size_t)y * stride);
        uint32_t last = ~row[0], to = 0;
        for (int x = 0; x < block; x++) {
            if (row[x] != last) {
                last = row[x];
                to = ws->map[entry(ws, &n, last)];
            }
            row[x] = to;
        }
    }
}

/* Palette and entry numbers of a block whose colour e maps to map[e] (n colours):
 * entries in order of first appearance of the mapped colour, as an exact palette of
 * the mapped pixels would have them (colours are numbered in order of first
 * appearance, so the first colour of each mapped one decides).  0 beyond 256. */
static int index_block(pm_reduce_ws *ws, int n, const unsigned char *px, int stride, int block,
                       uint32_t *colors, int *ncolors, uint8_t *idx)
{
    int m = 0;
    memset(ws->seen_at, 0xff, sizeof ws->seen_at);
    for (int e = 0; e < n; e++) {
        uint32_t c = ws->map[e], h = (c * 2654435761u) >> 22;
        while (ws->seen_at[h] >= 0 && ws->seen[h] != c) h = (h + 1) & (SEEN - 1);
        if (ws->seen_at[h] < 0) {
            if (m == 256) return 0;
            ws->seen[h] = c;
            ws->seen_at[h] = (int16_t)m;
            colors[m++] = c;
        }
        ws->index[e] = (uint8_t)ws->seen_at[h];
    }
    *ncolors = m;
    if (ws->nruns >= 0) { /* the histogram's runs: the pixels need not be read again */
        for (int k = 0; k < ws->nruns; k++) {
            uint32_t len = ws->runs[k] & 0xffff;
            memset(idx, ws->index[ws->runs[k] >> 16], len);
            idx += len;
        }
        return 1;
    }
    int all = MAX_COLOURS; /* every colour is in the table: entry() only finds */
    for (int y = 0; y < block; y++) {
        const uint32_t *row = (const uint32_t *)(px + (size_t)y * stride);
        uint8_t *out = idx + (size_t)y * block;
        int x = 0;
        while (x < block) {
            uint32_t c = row[x];
            int x0 = x++;
            while (x < block && row[x] == c) x++;
            memset(out + x0, ws->index[entry(ws, &all, c)], (size_t)(x - x0));
        }
    }
    return 1;
}

int pm_reduce_index(const unsigned char *px, int size, int stride, pm_reduce_ws *ws,
                    uint32_t colors[256], int *ncolors, uint8_t *idx)
{
    ws->nused = 0;
    memset(ws->slot, 0, sizeof ws->slot);
    int n = histogram(ws, px, stride, size), ok = n >= 0;
    if (ok && n > 256) ok = choose(ws, n, size) == 0;
    else
        for (int e = 0; e < n; e++) ws->map[e] = ws->key[e];
    if (ok) ok = index_block(ws, n, px, stride, size, colors, ncolors, idx);
    clear(ws);
    return ok;
}

void pm_reduce_colours(unsigned char *px, int w, int h, int stride, int block, pm_reduce_ws *ws)
{
    ws->nused = 0;
    memset(ws->slot, 0, sizeof ws->slot);
    for (int by = 0; by + block <= h; by += block)
        for (int bx = 0; bx + block <= w; bx += block) {
            unsigned char *b = px + (size_t)by * stride + (size_t)bx * 4;
            int n = histogram(ws, b, stride, block);
            if (n > 256 && choose(ws, n, block) == 0) rewrite(ws, b, stride, block);
            clear(ws);
        }
}
