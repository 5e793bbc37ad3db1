/* PNG encoding: every kind of tile decodes to the pixels it was made from. */
#include <criterion/criterion.h>
#include <png.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/png.h"
#include "../support/support.h"

/* The PNG's colour type and bit depth, read from IHDR. */
static void ihdr(const unsigned char *png, int *type, int *depth)
{
    cr_assert_eq(memcmp(png, "\x89PNG\r\n\x1a\n", 8), 0, "PNG signature");
    cr_assert_eq(memcmp(png + 12, "IHDR", 4), 0);
    *depth = png[24];
    *type = png[25];
}

/* An image of ncolours distinct colours (premultiplied, some translucent if alpha),
 * in runs and blocks like a map tile. */
static cairo_surface_t *image(int ncolours, int alpha, int w, int h)
{
    cairo_surface_t *s = cairo_image_surface_create(alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24, w, h);
    unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int k = ((x / 7) * 31 + (y / 5) * 17 + (x * y) % 3) % ncolours;
            uint32_t a = alpha ? (k % 3 == 0 ? 255u : k % 3 == 1 ? 128u : 0u) : 255u;
            uint32_t r = (uint32_t)k & 0xff, g = ((uint32_t)k >> 8) * 60u + 10, b = (k * 53u + 7) & 0xff;
            r = r * a / 255; g = g * a / 255; b = b * a / 255; /* premultiplied */
            ((uint32_t *)(px + (size_t)y * stride))[x] = a << 24 | r << 16 | g << 8 | b;
        }
    cairo_surface_mark_dirty(s);
    return s;
}

static void roundtrip(int ncolours, int alpha, int want_type, int want_depth)
{
    const int w = 256, h = 256;
    cairo_surface_t *src = image(ncolours, alpha, w, h);
    unsigned char *png = NULL, *again = NULL;
    size_t len = 0, len2 = 0;
    cr_assert_eq(pm_png_encode(src, &png, &len), PM_OK);
    int type, depth;
    ihdr(png, &type, &depth);
    cr_assert_eq(type, want_type, "%d colours%s: colour type %d, want %d", ncolours, alpha ? " with alpha" : "", type, want_type);
    cr_assert_eq(depth, want_depth, "%d colours: bit depth %d, want %d", ncolours, depth, want_depth);
    /* a reused encoder gives the same bytes */
    pm_png_enc *e = pm_png_enc_new();
    cr_assert_not_null(e);
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(pm_png_encode_with(e, src, &again, &len2), PM_OK);
        cr_assert_eq(len2, len);
        cr_assert_eq(memcmp(again, png, len), 0, "same pixels, same bytes");
        free(again);
    }
    pm_png_enc_free(e);
    cairo_surface_t *back = t_png_decode(png, len);
    cr_assert_eq(cairo_surface_status(back), CAIRO_STATUS_SUCCESS, "libpng (through cairo) decodes it");
    const unsigned char *a = cairo_image_surface_get_data(src), *b = cairo_image_surface_get_data(back);
    int sa = cairo_image_surface_get_stride(src), sb = cairo_image_surface_get_stride(back);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t p = ((const uint32_t *)(a + (size_t)y * sa))[x], q = ((const uint32_t *)(b + (size_t)y * sb))[x];
            if (!alpha) p |= 0xff000000u, q |= 0xff000000u;
            for (int c = 0; c < 32; c += 8) {
                int d = abs((int)((p >> c) & 0xff) - (int)((q >> c) & 0xff));
                /* translucent colours pass through straight alpha: ±1 of rounding */
                cr_assert_leq(d, (p >> 24) == 255 ? 0 : 1, "%d colours: pixel %d,%d %08x came back %08x", ncolours, x, y, p, q);
            }
        }
    cairo_surface_destroy(back);
    cairo_surface_destroy(src);
    free(png);
}

Test(png, palettes_of_every_depth_and_truecolour)
{
    roundtrip(1, 0, PNG_COLOR_TYPE_PALETTE, 1);
    roundtrip(2, 0, PNG_COLOR_TYPE_PALETTE, 1);
    roundtrip(3, 0, PNG_COLOR_TYPE_PALETTE, 2);
    roundtrip(16, 0, PNG_COLOR_TYPE_PALETTE, 4);
    roundtrip(200, 0, PNG_COLOR_TYPE_PALETTE, 8);
    roundtrip(256, 0, PNG_COLOR_TYPE_PALETTE, 8);
    roundtrip(1000, 0, PNG_COLOR_TYPE_RGB, 8);
    roundtrip(5, 1, PNG_COLOR_TYPE_PALETTE, 4);
    roundtrip(1000, 1, PNG_COLOR_TYPE_RGB_ALPHA, 8);
}

Test(png, odd_sizes_pack_rows_correctly)
{
    /* widths that do not fill the last byte of a packed row */
    static const int sizes[][2] = { { 1, 1 }, { 3, 2 }, { 13, 7 }, { 257, 3 } };
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        for (int n = 2; n <= 17; n += 15) {
            int w = sizes[i][0], h = sizes[i][1];
            cairo_surface_t *src = image(n, 0, w, h);
            unsigned char *png = NULL;
            size_t len = 0;
            cr_assert_eq(pm_png_encode(src, &png, &len), PM_OK);
            cairo_surface_t *back = t_png_decode(png, len);
            cr_assert_eq(cairo_surface_status(back), CAIRO_STATUS_SUCCESS);
            for (int y = 0; y < h; y++)
                cr_assert_eq(memcmp(cairo_image_surface_get_data(src) + (size_t)y * cairo_image_surface_get_stride(src),
                                    cairo_image_surface_get_data(back) + (size_t)y * cairo_image_surface_get_stride(back),
                                    (size_t)w * 4), 0, "%dx%d, %d colours: row %d", w, h, n, y);
            cairo_surface_destroy(back);
            cairo_surface_destroy(src);
            free(png);
        }
}
