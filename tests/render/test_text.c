/* Tests for the text module: font checks, measuring, and drawing on image and PDF. */
#include <criterion/criterion.h>

#include <cairo-pdf.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/text.h"

#define FAMILY "Noto Sans CJK SC"

static pm_text *new_text(void)
{
    pm_text *t = NULL;
    char *err = NULL;
    pm_status s = pm_text_new(FAMILY, &t, &err);
    cr_assert_eq(s, PM_OK, "pm_text_new: %s", err ? err : "?");
    cr_assert_null(err);
    cr_assert_not_null(t);
    return t;
}

static pm_textstyle style(double size)
{
    pm_textstyle st = { .size = size, .align = PM_ALIGN_LEFT,
                        .color = { 0, 0, 0, 1 }, .halo = { 1, 1, 1, 0 } };
    return st;
}

Test(text, new_with_installed_family)
{
    pm_text *t = new_text();
    pm_text_free(t);
    pm_text_free(NULL);
}

Test(text, new_with_missing_family_fails_with_message)
{
    pm_text *t = (pm_text *)1;
    char *err = NULL;
    cr_assert_eq(pm_text_new("No Such Font 123", &t, &err), PM_EDATA);
    cr_assert_null(t);
    cr_assert_not_null(err);
    cr_assert_str_eq(err, "font \"No Such Font 123\" is not installed "
                          "(fc-list : family lists the installed families)");
    free(err);
    err = NULL;
    cr_assert_eq(pm_text_new("Noto Sans CJK XX", &t, &err), PM_EDATA);
    cr_assert_str_eq(err, "font \"Noto Sans CJK XX\" is not installed "
                          "(install fonts-noto-cjk)");
    free(err);
    cr_assert_eq(pm_text_new("", &t, NULL), PM_EDATA);
}

/* CJK ideographs are one em wide, and Noto Sans CJK's line is 1.448 em tall
 * (ascender 1.16 + descender 0.288). */
Test(text, measure_cjk_is_one_em_per_glyph)
{
    pm_text *t = new_text();
    pm_textstyle st = style(20);
    double w, h;
    cr_assert_eq(pm_text_measure(t, "玉佛城", &st, &w, &h), PM_OK);
    cr_expect(fabs(w - 60) <= 0.05 * 60, "width %g, expected about 60", w);
    cr_expect(fabs(h - 28.96) <= 0.05 * 28.96, "height %g, expected about 28.96", h);
    double bl = pm_text_baseline(t, "玉佛城", &st);
    cr_expect(fabs(bl - 23.2) < 0.5, "baseline %g, expected about 23.2", bl);
    st.bold = 1;
    cr_assert_eq(pm_text_measure(t, "玉佛城", &st, &w, &h), PM_OK);
    cr_expect(fabs(w - 60) <= 0.05 * 60, "bold width %g", w);
    pm_text_free(t);
}

/* Unhinted metrics: a label measured at one size predicts every other size. */
Test(text, measure_scales_linearly_with_size)
{
    pm_text *t = new_text();
    const char *s[] = { "长寿路街道", "Yufocheng 20→7", "WAVE Tj" };
    for (size_t i = 0; i < 3; i++) {
        pm_textstyle a = style(10), b = style(31);
        double w1, h1, w2, h2;
        cr_assert_eq(pm_text_measure(t, s[i], &a, &w1, &h1), PM_OK);
        cr_assert_eq(pm_text_measure(t, s[i], &b, &w2, &h2), PM_OK);
        cr_expect(fabs(w2 / w1 - 3.1) < 1e-3, "%s: %g vs %g", s[i], w1, w2);
        cr_expect(fabs(h2 / h1 - 3.1) < 1e-3, "%s: %g vs %g", s[i], h1, h2);
    }
    pm_text_free(t);
}

Test(text, measure_same_on_image_pdf_and_scaled_contexts)
{
    pm_text *t = new_text();
    char path[] = "/tmp/pm_text_measure_XXXXXX.pdf";
    int fd = mkstemps(path, 4);
    cr_assert(fd >= 0);
    close(fd);
    cairo_surface_t *is = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 64, 64);
    cairo_surface_t *ps = cairo_pdf_surface_create(path, 200, 200);
    cairo_t *ci = cairo_create(is), *cp = cairo_create(ps);
    const char *s[] = { "玉佛城", "Abc def gij", "长寿路街道 20→7", "WAVE Tj ffi" };
    for (size_t i = 0; i < 4; i++) {
        pm_textstyle st = style(13.7);
        st.max_width = i == 2 ? 50 : 0;
        double w, h, wi, hi, wp, hp, ws, hs;
        cr_assert_eq(pm_text_measure(t, s[i], &st, &w, &h), PM_OK);
        cr_assert_eq(pm_text_measure_on(t, ci, s[i], &st, &wi, &hi), PM_OK);
        cr_assert_eq(pm_text_measure_on(t, cp, s[i], &st, &wp, &hp), PM_OK);
        cairo_save(ci);
        cairo_scale(ci, 2.5, 2.5);
        cr_assert_eq(pm_text_measure_on(t, ci, s[i], &st, &ws, &hs), PM_OK);
        cairo_restore(ci);
        cr_expect(w == wi && w == wp && w == ws, "%s: w %g %g %g %g", s[i], w, wi, wp, ws);
        cr_expect(h == hi && h == hp && h == hs, "%s: h %g %g %g %g", s[i], h, hi, hp, hs);
        /* Binding the draw layout to a scaled context must not leak into measuring. */
        double w2, h2;
        cr_assert_eq(pm_text_measure(t, s[i], &st, &w2, &h2), PM_OK);
        cr_expect(w2 == w && h2 == h);
    }
    cairo_destroy(ci);
    cairo_destroy(cp);
    cairo_surface_destroy(is);
    cairo_surface_destroy(ps);
    unlink(path);
    pm_text_free(t);
}

Test(text, wraps_at_max_width)
{
    pm_text *t = new_text();
    pm_textstyle st = style(10);
    double w1, h1, w, h;
    cr_assert_eq(pm_text_measure(t, "玉佛城居委会", &st, &w1, &h1), PM_OK);
    st.max_width = 25; /* two ideographs per line: three lines */
    st.align = PM_ALIGN_CENTER;
    cr_assert_eq(pm_text_measure(t, "玉佛城居委会", &st, &w, &h), PM_OK);
    cr_expect(w <= 25 + 1e-9, "width %g", w);
    cr_expect(fabs(w - 20) < 0.5, "width %g", w);
    cr_expect(fabs(h - 3 * h1) < 0.01 * h1, "height %g, line %g", h, h1);
    pm_text_free(t);
}

Test(text, rejects_bad_input)
{
    pm_text *t = new_text();
    pm_textstyle st = style(10);
    double w, h;
    cr_expect_eq(pm_text_measure(t, "ab\xff", &st, &w, &h), PM_EDATA);
    cr_expect_eq(pm_text_measure(t, "\xe7\x8e", &st, &w, &h), PM_EDATA);
    st.size = 0;
    cr_expect_eq(pm_text_measure(t, "ab", &st, &w, &h), PM_EDATA);
    st.size = NAN;
    cr_expect_eq(pm_text_measure(t, "ab", &st, &w, &h), PM_EDATA);
    cr_expect_eq(w, 0);
    pm_text_free(t);
}

/* Non-transparent pixels inside and outside the rectangle [x0,x1) x [y0,y1). */
static void count_ink(cairo_surface_t *s, double x0, double y0, double x1, double y1,
                      long *in, long *out)
{
    cairo_surface_flush(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    *in = *out = 0;
    for (int y = 0; y < cairo_image_surface_get_height(s); y++)
        for (int x = 0; x < cairo_image_surface_get_width(s); x++) {
            uint32_t px = *(const uint32_t *)(d + y * stride + 4 * x);
            if (!(px >> 24)) continue;
            if (x + 1 > x0 && x < x1 && y + 1 > y0 && y < y1) (*in)++;
            else (*out)++;
        }
}

Test(text, draw_on_image_stays_in_box)
{
    pm_text *t = new_text();
    pm_textstyle st = style(30);
    st.color = (pm_rgba){ 0.8, 0, 0, 1 };
    double w, h;
    cr_assert_eq(pm_text_measure(t, "玉佛城", &st, &w, &h), PM_OK);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 200, 100);
    cairo_t *cr = cairo_create(s);
    cr_assert_eq(pm_text_draw(t, cr, "玉佛城", &st, 40, 20), PM_OK);
    long in, out;
    count_ink(s, 40, 20, 40 + w, 20 + h, &in, &out);
    cr_expect_eq(out, 0, "%ld pixels drawn outside the box", out);
    cr_expect(in > 0.1 * w * h, "only %ld pixels inside a %gx%g box", in, w, h);

    /* A halo widens the ink, by at most half its width. */
    cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
    cairo_paint(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
    st.halo = (pm_rgba){ 1, 1, 1, 1 };
    st.halo_width = 6;
    cr_assert_eq(pm_text_draw(t, cr, "玉佛城", &st, 40, 20), PM_OK);
    long hin, hout, tight_out;
    count_ink(s, 40 - 4, 20 - 4, 44 + w, 24 + h, &hin, &hout);
    count_ink(s, 40, 20, 40 + w, 20 + h, &in, &tight_out);
    cr_expect_eq(hout, 0, "%ld halo pixels beyond the halo width", hout);
    cr_expect(tight_out > 0, "the halo should reach past the glyph box");
    cr_expect(hin > in, "halo adds no pixels");
    cr_expect_eq(cairo_get_line_width(cr), 2.0, "caller's cairo state changed");
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    pm_text_free(t);
}

static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "popen %s", cmd);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    size_t k;
    while ((k = fread(buf + n, 1, cap - 1 - n, p)) > 0) n += k;
    buf[n] = 0;
    cr_assert_eq(pclose(p), 0, "%s failed", cmd);
    return buf;
}

Test(text, draw_on_pdf_is_searchable_text_in_the_sc_face)
{
    pm_text *t = new_text();
    char path[] = "/tmp/pm_text_draw_XXXXXX.pdf";
    int fd = mkstemps(path, 4);
    cr_assert(fd >= 0);
    close(fd);
    cairo_surface_t *s = cairo_pdf_surface_create(path, 300, 200);
    cairo_t *cr = cairo_create(s);
    pm_textstyle st = style(24);
    st.halo = (pm_rgba){ 1, 1, 1, 1 };
    st.halo_width = 3;
    cr_assert_eq(pm_text_draw(t, cr, "玉佛城", &st, 30, 40), PM_OK);
    cr_assert_eq(pm_text_draw(t, cr, "20→7", &st, 30, 100), PM_OK);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);

    char cmd[256];
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s -", path);
    char *txt = run(cmd);
    cr_expect(strstr(txt, "玉佛城") != NULL, "pdftotext found: %s", txt);
    cr_expect(strstr(txt, "20→7") != NULL, "pdftotext found: %s", txt);
    free(txt);
    snprintf(cmd, sizeof cmd, "pdffonts %s", path);
    char *fonts = run(cmd);
    cr_expect(strstr(fonts, "NotoSansCJKsc") != NULL, "fonts: %s", fonts);
    cr_expect(strstr(fonts, "NotoSansCJKjp") == NULL, "fonts: %s", fonts);
    free(fonts);
    unlink(path);
    pm_text_free(t);
}

Test(text, draw_reports_cairo_errors)
{
    pm_text *t = new_text();
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10);
    cairo_t *cr = cairo_create(s);
    cairo_restore(cr); /* unbalanced: puts cr into an error state */
    pm_textstyle st = style(10);
    cr_expect_neq(pm_text_draw(t, cr, "玉", &st, 0, 0), PM_OK);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    pm_text_free(t);
}

/* Each thread owns its engine: concurrent use gives the single-threaded answers. */
static void *measure_many(void *arg)
{
    double *res = arg;
    pm_text *t = NULL;
    if (pm_text_new(FAMILY, &t, NULL)) return NULL;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 40, 40);
    cairo_t *cr = cairo_create(s);
    for (int i = 0; i < 200; i++) {
        pm_textstyle st = style(8 + i % 7);
        double w, h;
        if (pm_text_measure(t, "长寿路 Yufo", &st, &w, &h)) break;
        if (pm_text_draw(t, cr, "长寿路", &st, 0, 0)) break;
        res[i % 7] = w;
    }
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    pm_text_free(t);
    return NULL;
}

Test(text, engines_on_separate_threads)
{
    double res[4][7] = { { 0 } }, ref[7];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) cr_assert_eq(pthread_create(&th[i], NULL, measure_many, res[i]), 0);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    pm_text *t = new_text();
    for (int k = 0; k < 7; k++) {
        pm_textstyle st = style(8 + k);
        double h;
        cr_assert_eq(pm_text_measure(t, "长寿路 Yufo", &st, &ref[k], &h), PM_OK);
        for (int i = 0; i < 4; i++) cr_expect_eq(res[i][k], ref[k], "thread %d size %d", i, k);
    }
    pm_text_free(t);
}

/* On a pixel surface the halo is grown from a glyph mask instead of stroked: it must
 * cover what the stroke covers.  The stroked reference is drawn on a recording
 * surface (not a pixel target) and replayed onto pixels. */
static cairo_surface_t *halo_text(pm_text *t, int recorded, double x, double y)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 360, 90);
    cairo_t *cr = cairo_create(img);
    cairo_set_source_rgb(cr, 0.25, 0.7, 0.75);
    cairo_paint(cr);
    /* a dark line under the text: the halo must hide it as the stroke does */
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 3);
    cairo_move_to(cr, 0, 20);
    cairo_line_to(cr, 360, 70);
    cairo_stroke(cr);
    pm_textstyle st = style(28);
    st.halo = (pm_rgba){ 1, 1, 1, 0.9 };
    st.halo_width = 6;
    if (recorded) {
        cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
        cairo_t *rc = cairo_create(rec);
        cr_assert_eq(pm_text_draw(t, rc, "江宁路居民区 Ag", &st, x, y), PM_OK);
        cairo_destroy(rc);
        cairo_set_source_surface(cr, rec, 0, 0);
        cairo_paint(cr);
        cairo_surface_destroy(rec);
    } else {
        cr_assert_eq(pm_text_draw(t, cr, "江宁路居民区 Ag", &st, x, y), PM_OK);
    }
    cairo_destroy(cr);
    cairo_surface_flush(img);
    return img;
}

Test(text, pixel_halo_matches_the_stroked_halo)
{
    pm_text *t = new_text();
    static const double pos[][2] = { { 20, 25 }, { 20.37, 25.81 } };
    for (size_t k = 0; k < 2; k++) {
        cairo_surface_t *a = halo_text(t, 0, pos[k][0], pos[k][1]);
        cairo_surface_t *b = halo_text(t, 1, pos[k][0], pos[k][1]);
        const unsigned char *pa = cairo_image_surface_get_data(a), *pb = cairo_image_surface_get_data(b);
        int stride = cairo_image_surface_get_stride(a);
        size_t off = 0, changed = 0;
        double sum = 0;
        for (int y = 0; y < 90; y++)
            for (int x = 0; x < 360 * 4; x++) {
                int d = abs(pa[y * stride + x] - pb[y * stride + x]);
                sum += d;
                if (d > 48) off++;
                if (pb[y * stride + x] != pa[y * stride + x]) changed++;
            }
        cr_assert_gt(changed, 0, "the two ways are not the same code path");
        cr_assert_lt(sum / (360.0 * 90 * 4), 0.85, "mean difference %.2f (of 255)", sum / (360.0 * 90 * 4));
        cr_assert_lt(off, 360 * 90 * 4 / 200, "%zu channel values differ by more than 48", off);
        cairo_surface_destroy(a);
        cairo_surface_destroy(b);
    }
    pm_text_free(t);
}

/* Names are drawn at most PM_NAME_DRAWN characters, cut between characters. */
Test(text, long_names_are_cut_with_an_ellipsis)
{
    pm_namebuf b;
    const char *short_ = "长寿路街道玉佛城居民区";
    cr_expect_eq(pm_text_name(short_, &b), short_, "a short name is drawn as it is");
    char forty[41 * 3 + 1] = "", longer[200] = "";
    for (int i = 0; i < PM_NAME_DRAWN; i++) strcat(forty, "长");
    cr_expect_eq(pm_text_name(forty, &b), forty, "exactly PM_NAME_DRAWN characters are kept");
    snprintf(longer, sizeof longer, "%s社", forty);
    const char *cut = pm_text_name(longer, &b);
    cr_assert_neq(cut, longer);
    cr_expect_eq(strlen(cut), (PM_NAME_DRAWN - 1) * 3 + 3, "39 characters and the ellipsis");
    cr_expect_str_eq(cut + strlen(cut) - 3, "…");
    char ascii[200];
    memset(ascii, 'a', 120);
    ascii[120] = '\0';
    cr_expect_eq(strlen(pm_text_name(ascii, &b)), PM_NAME_DRAWN - 1 + 3);
    cr_expect_null(pm_text_name(NULL, &b));
}
