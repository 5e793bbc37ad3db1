/* The README's bound for quantised tiles, on the sample's real tiles: no premultiplied
 * channel of any pixel more than 8/255 from the exact tile's. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/support.h"
#include "core/fileio.h"

TestSuite(reduce_bound, .timeout = PM_T(300));

static cairo_surface_t *load(const char *path)
{
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    cr_assert_eq(pm_read_file(path, 1 << 24, &buf, &len, &err), PM_OK, "%s", path);
    cairo_surface_t *s = t_png_decode((unsigned char *)buf, len);
    free(buf);
    cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS, "%s", path);
    return s;
}

/* Premultiplied ARGB of pixel (x, y), opaque for RGB24 images. */
static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    uint32_t v = *(const uint32_t *)(d + (size_t)y * cairo_image_surface_get_stride(s) + 4 * (size_t)x);
    return cairo_image_surface_get_format(s) == CAIRO_FORMAT_ARGB32 ? v : (v | 0xFF000000u);
}

Test(reduce_bound, quantised_sample_tiles_within_8_of_255)
{
    t_need_binary();
    char *dir = t_tmpdir(), cfg[600], args[1600], *out = NULL;
    cr_assert_eq(t_copy_sample(dir), 0);
    snprintf(cfg, sizeof cfg, "%s/partymap.json", dir);
    /* the same project, quantised: a second config beside the first */
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "python3 -c \"import json; c = json.load(open('%s')); "
             "c.setdefault('tiles', {})['quantize'] = True; json.dump(c, open('%s/q.json', 'w'))\"", cfg, dir);
    cr_assert_eq(t_run(cmd, NULL), 0);
    snprintf(args, sizeof args, "render -c %s --only tiles --maps service,resources --out %s/exact --jobs 2 "
             "--quiet 2>&1 && %s render -c %s/q.json --only tiles --maps service,resources --out %s/quant "
             "--jobs 2 --quiet 2>&1", cfg, dir, t_bin(), dir, dir);
    cr_assert_eq(t_pm(args, &out), 0, "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "cd %s/exact && find . -name '*.png' | sort", dir);
    char *list = NULL;
    cr_assert_eq(t_run(cmd, &list), 0);
    int worst = 0;
    size_t tiles = 0;
    double sum = 0, n = 0;
    char where[700] = "";
    for (char *f = strtok(list, "\n"); f; f = strtok(NULL, "\n")) {
        char a[800], b[800];
        snprintf(a, sizeof a, "%s/exact/%s", dir, f);
        snprintf(b, sizeof b, "%s/quant/%s", dir, f);
        cairo_surface_t *x = load(a), *y = load(b);
        int w = cairo_image_surface_get_width(x), h = cairo_image_surface_get_height(x);
        cr_assert_eq(w, cairo_image_surface_get_width(y));
        for (int r = 0; r < h; r++)
            for (int c = 0; c < w; c++) {
                uint32_t p = pixel(x, c, r), q = pixel(y, c, r);
                for (int k = 0; k < 32; k += 8) {
                    int e = abs((int)(p >> k & 255) - (int)(q >> k & 255));
                    sum += e;
                    n++;
                    if (e > worst) { worst = e; snprintf(where, sizeof where, "%s (%d, %d)", f, c, r); }
                }
            }
        cairo_surface_destroy(x);
        cairo_surface_destroy(y);
        tiles++;
    }
    cr_assert_gt(tiles, 400);
    cr_expect_leq(worst, 8, "a quantised tile is %d/255 off at %s", worst, where);
    cr_expect_lt(sum / n, 0.1, "mean error %.4f/255", sum / n);
    free(list);
    t_rm_tree(dir);
    free(dir);
}
