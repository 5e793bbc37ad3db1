/* Colour reduction: hand-built premultiplied blocks against exact expected pixels. */
#include <criterion/criterion.h>
#include "../support/support.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/png.h"
#include "render/reduce.h"

TestSuite(reduce, .timeout = PM_T(60)); /* a garbage workspace must not hang it */

#define A 0xFF204080u    /* three solid class fills */
#define B 0xFFE0C020u
#define C 0x80402000u
#define KEPT 0xFF123457u /* 8 px: exactly KEEP_MIN (blocks under 512), stays exact */
#define RARE 0xC8123457u /* 7 px: snapped, by hand to CC 11 33 55 */

static pm_reduce_ws *new_ws(int fill)
{
    pm_reduce_ws *ws = malloc(sizeof *ws);
    cr_assert_not_null(ws);
    memset(ws, fill, sizeof *ws);
    return ws;
}

static void reduce(uint32_t *px, int w, int h, int spx, int block, pm_reduce_ws *ws)
{
    pm_reduce_colours((unsigned char *)px, w, h, spx * 4, block, ws);
}

/* out = in reduced (w × h in rows of w px), with a workspace full of garbage. */
static void run(const uint32_t *in, uint32_t *out, int w, int h, int block)
{
    pm_reduce_ws *ws = new_ws(0xAB);
    memcpy(out, in, (size_t)w * h * sizeof *out);
    reduce(out, w, h, w, block, ws);
    free(ws);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int ndistinct(const uint32_t *px, size_t n)
{
    uint32_t *s = malloc(n * sizeof *s);
    cr_assert_not_null(s);
    memcpy(s, px, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_u32);
    int m = n > 0;
    for (size_t i = 1; i < n; i++) m += s[i] != s[i - 1];
    free(s);
    return m;
}

/* Each channel on the nearest multiple of 17 (the 16-level grid; 17 is odd, so no ties). */
static uint32_t snap17(uint32_t c)
{
    uint32_t s = 0;
    for (int sh = 0; sh < 32; sh += 8) s |= ((c >> sh & 255) + 8) / 17 * 17 << sh;
    return s;
}

static uint32_t mix(uint32_t p, uint32_t q, uint32_t t)
{
    uint32_t m = 0;
    for (int sh = 0; sh < 32; sh += 8)
        m |= (((p >> sh & 255) * (255 - t) + (q >> sh & 255) * t + 127) / 255) << sh;
    return m;
}

#define LCG(s) ((s = s * 1664525u + 1013904223u) >> 8)

/* A random premultiplied colour: no channel above alpha. */
static uint32_t rnd_premul(uint32_t *s)
{
    uint32_t a = LCG(*s) & 255, c = a << 24;
    for (int sh = 0; sh < 24; sh += 8) c |= LCG(*s) % (a + 1) << sh;
    return c;
}

/* 32 × 32: rows 0-17 the fills, then KEPT, RARE and 433 blends along A|B, B|C, C|clear. */
static void edges(uint32_t *px, int spx)
{
    static const uint32_t ends[3][2] = { { A, B }, { B, C }, { C, 0 } };
    for (int y = 0; y < 32; y++)
        for (int x = 0; x < 32; x++) {
            int i = (y - 18) * 32 + x;
            uint32_t *p = &px[y * spx + x];
            if (y < 18) *p = y < 6 ? A : y < 12 ? B : C;
            else *p = i < 8 ? KEPT : i < 15 ? RARE : mix(ends[i % 3][0], ends[i % 3][1], 1 + i / 3);
        }
}

/* Colour k of a run of 257 opaque ones, all off the grid (green 3 or 255, blue 0x37). */
static uint32_t col(int k)
{
    return k < 256 ? 0xFF000337u | (uint32_t)k << 16 : 0xFF00FF37u;
}

/* A 32 × 32 block of kind 0 edges(), 1 random colours (busy), 2 the 257 colours col(). */
static void fill(uint32_t *px, int spx, int kind, uint32_t seed)
{
    if (kind == 0) edges(px, spx);
    for (int p = 0; kind && p < 1024; p++)
        px[p / 32 * spx + p % 32] = kind == 1 ? rnd_premul(&seed) : col(p % 257);
}

/* Changed pixels at most tol of 255 off per channel, no colour above alpha. */
static void expect_close(const uint32_t *in, const uint32_t *out, int n, int tol)
{
    for (int i = 0; i < n; i++)
        for (int sh = 0; sh < 32; sh += 8) {
            int v = out[i] >> sh & 255;
            cr_assert_leq(abs(v - (int)(in[i] >> sh & 255)), tol, "pixel %d: %08x -> %08x", i,
                          in[i], out[i]);
            cr_assert(sh == 24 || v <= (int)(out[i] >> 24), "pixel %d above alpha", i);
        }
}

/* Every pixel: kept exactly if its colour covers >= 8 px of the input, else on the 16-grid. */
static void expect_snapped16(const uint32_t *in, const uint32_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        for (size_t j = 0; j < n; j++) k += in[j] == in[i];
        uint32_t want = k >= 8 ? in[i] : snap17(in[i]);
        cr_assert_eq(out[i], want, "pixel %zu: %08x -> %08x, not %08x", i, in[i], out[i], want);
    }
}

Test(reduce, at_most_256_colours_untouched)
{
    uint32_t in[1024], px[1024];
    for (int p = 0; p < 1024; p++) in[p] = col((p * 7) % 256);
    cr_assert_eq(ndistinct(in, 1024), 256);
    run(in, px, 32, 32, 32);
    cr_expect_eq(memcmp(px, in, sizeof px), 0, "a 256-colour block was changed");
}

Test(reduce, just_over_256_rare_colours_snapped_to_16_levels)
{
    uint32_t in[1024], px[1024];
    fill(in, 32, 2, 0); /* each colour at most 4 px: all rare */
    run(in, px, 32, 32, 32);
    expect_snapped16(in, px, 1024);
    cr_expect_eq(px[0], 0xFF000033u);   /* red 0, green 3 -> 0, blue 0x37 -> 0x33 */
    cr_expect_eq(px[256], 0xFF00FF33u); /* col(256) */
    cr_expect_eq(ndistinct(px, 1024), 17, "16 reds plus col(256)'s green");
}

Test(reduce, edge_blends_snapped_common_colours_exact)
{
    uint32_t in[1024], px[1024];
    edges(in, 32);
    cr_assert_gt(ndistinct(in, 1024), 300, "precondition: over 300 blends");
    run(in, px, 32, 32, 32);
    cr_expect_leq(ndistinct(px, 1024), 256);
    expect_snapped16(in, px, 1024); /* also: equal pixels give equal results */
    expect_close(in, px, 1024, 8);
    for (int x = 0; x < 15; x++)
        cr_expect_eq(px[18 * 32 + x], x < 8 ? KEPT : 0xCC113355u, "row 18, x %d", x);
}

/* Two 32 × 32 blocks side by side in rows of 68 px (4 px padding, which must not be touched). */
static void pair(uint32_t *px, int left, int right)
{
    for (int i = 0; i < 32 * 68; i++) px[i] = 0xDEADBEEFu;
    fill(px, 68, left, 42);
    fill(px + 32, 68, right, 42);
}

Test(reduce, each_block_on_its_own)
{
    static uint32_t alone[3][1024], px[32 * 68];
    pm_reduce_ws *ws = new_ws(0xAB);
    for (int k = 0; k < 3; k++) {
        fill(alone[k], 32, k, 42);
        reduce(alone[k], 32, 32, 32, 32, ws);
    }
    for (int left = 0; left < 3; left++)
        for (int right = 0; right < 3; right++) {
            pair(px, left, right);
            reduce(px, 64, 32, 68, 32, ws);
            for (int y = 0; y < 32; y++) {
                cr_assert_eq(memcmp(px + y * 68, alone[left] + y * 32, 128), 0,
                             "%d|%d: left, row %d", left, right, y);
                cr_assert_eq(memcmp(px + y * 68 + 32, alone[right] + y * 32, 128), 0,
                             "%d|%d: right, row %d", left, right, y);
                for (int x = 64; x < 68; x++) cr_assert_eq(px[y * 68 + x], 0xDEADBEEFu, "padding");
            }
        }
    free(ws);
}

Test(reduce, deterministic_with_any_workspace)
{
    static uint32_t a[32 * 68], b[32 * 68], c[32 * 68], other[32 * 68];
    pm_reduce_ws *ws = new_ws(0xAB), *fresh = new_ws(0);
    pair(a, 0, 1);
    memcpy(b, a, sizeof a);
    memcpy(c, a, sizeof a);
    reduce(a, 64, 32, 68, 32, ws);
    pair(other, 2, 0);
    reduce(other, 64, 32, 68, 32, ws); /* leaves other state in ws */
    reduce(b, 64, 32, 68, 32, ws);
    reduce(c, 64, 32, 68, 32, fresh);
    cr_expect_eq(memcmp(a, b, sizeof a), 0, "reused workspace");
    cr_expect_eq(memcmp(a, c, sizeof a), 0, "fresh workspace");
    free(ws);
    free(fresh);
}

Test(reduce, over_4096_colours_untouched)
{
    static uint32_t in[128 * 128], px[128 * 128];
    for (uint32_t p = 0; p < 128 * 128; p++) in[p] = 0xFF000000u | p; /* 16384 distinct */
    run(in, px, 128, 128, 128);
    cr_expect_eq(memcmp(px, in, sizeof px), 0);
}

/* 64 × 64: ncommon colours of 8 px (red 1, blue 0: on no grid, unlike any rare one), 4 clear
 * pixels, then rare opaque colours in 64 cells: each channel d = 1..8 off one of 0, 85, 170,
 * 255 (inwards), which every grid (16, 8, 4 levels) keeps apart.  So any snapping leaves
 * ncommon + 64 cells + clear colours, and 192 commons can never get to 256. */
static void cells(uint32_t *px, int ncommon)
{
    for (int i = 0; i < 4096; i++) {
        int j = i - ncommon * 8, d = j / 64 % 8 + 1;
        if (j < 4) {
            px[i] = j < 0 ? 0xFF010000u | (uint32_t)(i / 8) << 8 : 0;
            continue;
        }
        px[i] = 0xFF000000u;
        for (int ch = 0; ch < 3; ch++) {
            int lv = j % 64 >> (2 * ch) & 3;
            px[i] |= (uint32_t)(lv == 3 ? 255 - d : lv * 85 + d) << (8 * ch);
        }
    }
}

Test(reduce, cannot_reach_256_untouched)
{
    static uint32_t in[4096], px[4096];
    cells(in, 192);
    cr_assert_eq(ndistinct(in, 4096), 192 + 512 + 1);
    run(in, px, 64, 64, 64);
    cr_expect_eq(memcmp(px, in, sizeof px), 0, "192 commons + 65 snapped = 257: must stay");
    /* one common fewer: 191 + 65 = 256, reached on the 16-level grid */
    cells(in, 191);
    run(in, px, 64, 64, 64);
    expect_snapped16(in, px, 4096);
    cr_expect_eq(ndistinct(px, 4096), 256);
}

/* No coarser grid: a block 16 levels cannot bring to 256 colours stays exact, so no
 * pixel is ever more than 8/255 off (the README's bound). */
Test(reduce, busy_block_stays_exact)
{
    uint32_t in[1024], px[1024];
    fill(in, 32, 1, 7); /* ~1000 colours: even 16 levels leave far more than 256 */
    run(in, px, 32, 32, 32);
    cr_expect_eq(memcmp(px, in, sizeof px), 0, "a busy block was snapped coarser than 16 levels");
}

Test(reduce, transparent_stays_transparent)
{
    uint32_t in[1024], px[1024];
    fill(in, 32, 2, 0);
    in[0] = in[1] = in[40] = 0;            /* rare clear pixels */
    in[2] = in[3] = 0x03010203u;           /* faint: alpha 3 -> 0, so all 0 */
    in[4] = 0x08080808u;                   /* alpha 8, the largest that rounds to 0 */
    in[5] = 0x09000009u;                   /* alpha 9 -> 17, blue 9 -> 17 */
    run(in, px, 32, 32, 32);
    for (int i = 0; i < 5; i++) cr_expect_eq(px[i], 0, "pixel %d: %08x", i, px[i]);
    cr_expect_eq(px[40], 0);
    cr_expect_eq(px[5], 0x11000011u);
    expect_snapped16(in, px, 1024);
}

/* pm_reduce_index of in (size × size) against pm_reduce_colours of the same block: the
 * palette image must hold exactly the reduced pixels, its colours distinct and in order
 * of first appearance; when it declines, the reduction must have left the block alone. */
static int expect_index_matches(const uint32_t *in, int size)
{
    size_t n = (size_t)size * size;
    uint32_t *px = malloc(n * sizeof *px), colors[256];
    uint8_t *idx = malloc(n);
    cr_assert(px && idx);
    run(in, px, size, size, size);
    pm_reduce_ws *ws = new_ws(0x5A);
    int ncol = -1, ok = pm_reduce_index((const unsigned char *)in, size, size * 4, ws, colors, &ncol, idx);
    free(ws);
    if (!ok) {
        cr_expect_eq(memcmp(px, in, n * sizeof *px), 0, "declined, yet the reduction changed it");
    } else {
        cr_assert(ncol >= 1 && ncol <= 256, "%d colours", ncol);
        int next = 0; /* entries appear in order: each new one is the next number */
        for (size_t i = 0; i < n; i++) {
            cr_assert_lt(idx[i], ncol);
            cr_assert_eq(colors[idx[i]], px[i], "pixel %zu: %08x, reduced %08x", i, colors[idx[i]], px[i]);
            cr_assert_leq(idx[i], next, "pixel %zu: entry %d before %d", i, idx[i], next);
            if (idx[i] == next) next++;
        }
        cr_expect_eq(next, ncol, "an entry no pixel uses");
        cr_expect_eq(ndistinct(colors, (size_t)ncol), ncol, "repeated palette colours");
    }
    free(px);
    free(idx);
    return ok;
}

Test(reduce, index_holds_the_reduced_pixels)
{
    static uint32_t in[128 * 128];
    for (int kind = 0; kind < 3; kind++) { /* edge blends, 257 colours: reduced; busy: exact */
        fill(in, 32, kind, 11);
        cr_expect_eq(expect_index_matches(in, 32), kind != 1, "kind %d", kind);
    }
    cells(in, 191); /* 256 after snapping */
    cr_expect_eq(expect_index_matches(in, 64), 1);
    for (int p = 0; p < 4096; p++) in[p] = p < 2000 ? A : p % 7 ? B : 0; /* 3 colours */
    cr_expect_eq(expect_index_matches(in, 64), 1);
    cells(in, 192); /* cannot reach 256 */
    cr_expect_eq(expect_index_matches(in, 64), 0);
    for (uint32_t p = 0; p < 128 * 128; p++) in[p] = 0xFF000000u | p; /* over 4096 */
    cr_expect_eq(expect_index_matches(in, 128), 0);
}

/* A 1024 px block of a million runs (a checkerboard of A and the 257 colours), more
 * than the work space keeps: the entries are then found by colour, to the same result. */
Test(reduce, index_without_room_for_the_runs)
{
    static uint32_t in[1024 * 1024];
    for (int p = 0; p < 1024 * 1024; p++) in[p] = (p / 1024 + p) % 2 ? A : col(p / 2 % 257);
    cr_expect_eq(expect_index_matches(in, 1024), 1);
}

/* The palette image encodes to the same bytes as the reduced pixels themselves. */
Test(reduce, indexed_png_is_the_reduced_png)
{
    static uint32_t in[64 * 64], px[64 * 64];
    for (int q = 0; q < 4; q++) /* four 32 × 32 quarters: edge blends, and 257 colours */
        fill(in + (q / 2) * 32 * 64 + (q % 2) * 32, 64, q == 3 ? 2 : 0, 3);
    run(in, px, 64, 64, 64);
    cairo_surface_t *s = cairo_image_surface_create_for_data((unsigned char *)px, CAIRO_FORMAT_ARGB32, 64, 64, 256);
    unsigned char *want = NULL, *got = NULL;
    size_t wlen = 0, glen = 0;
    cr_assert_eq(pm_png_encode(s, &want, &wlen), PM_OK);
    cairo_surface_destroy(s);
    uint32_t colors[256];
    uint8_t idx[64 * 64];
    int n = 0;
    pm_reduce_ws *ws = new_ws(0);
    cr_assert_eq(pm_reduce_index((const unsigned char *)in, 64, 256, ws, colors, &n, idx), 1);
    free(ws);
    pm_png_enc *e = pm_png_enc_new();
    cr_assert_not_null(e);
    cr_assert_eq(pm_png_encode_indexed(e, colors, n, idx, 64, 64, &got, &glen), PM_OK);
    cr_expect_eq(glen, wlen);
    cr_expect_eq(memcmp(got, want, wlen < glen ? wlen : glen), 0, "different bytes");
    unsigned char *none = NULL;
    cr_expect_eq(pm_png_encode_indexed(e, colors, 0, idx, 64, 64, &none, &glen), PM_EINTERNAL);
    cr_expect_null(none);
    pm_png_enc_free(e);
    free(want);
    free(got);
}
