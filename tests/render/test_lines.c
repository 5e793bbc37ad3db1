/* Thin lines by distance: against Cairo's stroker, union where lines meet, clip and targets. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "render/lines.h"

static const pm_rgba WHITE = { 1, 1, 1, 1 };

/* A 128 × 128 surface painted a mid blue, so white lines show as coverage. */
static cairo_surface_t *canvas(void)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 128, 128);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.2, 0.4, 0.6);
    cairo_paint(cr);
    cairo_destroy(cr);
    return s;
}

static uint32_t px(cairo_surface_t *s, int x, int y)
{
    cairo_surface_flush(s);
    return ((uint32_t *)(cairo_image_surface_get_data(s) + (size_t)y * cairo_image_surface_get_stride(s)))[x];
}

/* A star of spokes from (64, 64) at odd angles plus a closed pentagon: every slope. */
static void star(pm_lines *l, cairo_t *cr)
{
    for (int k = 0; k < 7; k++) {
        double a = 0.3 + k * 0.9;
        pm_pt p = { 64, 64 }, q = { 64 + 50 * cos(a), 64 + 50 * sin(a) };
        if (l) { pm_lines_move(l, p); pm_lines_line(l, q); }
        else { cairo_move_to(cr, p.x, p.y); cairo_line_to(cr, q.x, q.y); }
    }
    for (int k = 0; k <= 5; k++) {
        pm_pt p = { 64 + 30 * cos(k * 1.2566 + 0.1), 64 + 30 * sin(k * 1.2566 + 0.1) };
        if (l) (k ? pm_lines_line : pm_lines_move)(l, p);
        else if (k) cairo_line_to(cr, p.x, p.y);
        else cairo_move_to(cr, p.x, p.y);
    }
}

/* Mean and largest channel difference between two surfaces, and their mean green. */
static void compare(cairo_surface_t *a, cairo_surface_t *b, double *mean, int *max, double *ga, double *gb)
{
    double sum = 0, sa = 0, sb = 0;
    *max = 0;
    for (int y = 0; y < 128; y++)
        for (int x = 0; x < 128; x++) {
            uint32_t p = px(a, x, y), q = px(b, x, y);
            for (int k = 0; k < 32; k += 8) {
                int d = abs((int)(p >> k & 255) - (int)(q >> k & 255));
                sum += d;
                *max = d > *max ? d : *max;
            }
            sa += p >> 8 & 255;
            sb += q >> 8 & 255;
        }
    *mean = sum / (128.0 * 128 * 4);
    *ga = sa / (128.0 * 128);
    *gb = sb / (128.0 * 128);
}

Test(lines, close_to_cairos_stroke)
{
    for (int wi = 0; wi < 3; wi++) {
        double w = (double[]){ 0.7, 1.0, 2.5 }[wi];
        cairo_surface_t *ours = canvas(), *theirs = canvas();
        cairo_t *cr = cairo_create(ours);
        pm_lines l = { 0 };
        star(&l, NULL);
        cr_assert_eq(pm_lines_draw(cr, &l, w, WHITE), 1);
        pm_lines_fini(&l);
        cairo_destroy(cr);
        cr = cairo_create(theirs);
        star(NULL, cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, w);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
        cairo_destroy(cr);
        double mean, ga, gb;
        int max;
        compare(ours, theirs, &mean, &max, &ga, &gb);
        /* the same ink overall (within 1 %), placed alike: a few levels on average,
         * the largest differences at the star's hub, where a dozen lines meet */
        cr_expect_lt(fabs(ga - gb), 0.01 * gb, "width %.1f: mean green %.2f vs Cairo's %.2f", w, ga, gb);
        cr_expect_lt(mean, 1.5, "width %.1f: mean difference %.3f", w, mean);
        cr_expect_lt(max, 130, "width %.1f: largest difference %d", w, max);
        cairo_surface_destroy(ours);
        cairo_surface_destroy(theirs);
    }
}

Test(lines, meeting_lines_are_one_coat)
{
    /* half-transparent white: a pixel painted twice would come out lighter */
    pm_rgba veil = { 1, 1, 1, 0.5 };
    cairo_surface_t *s = canvas();
    cairo_t *cr = cairo_create(s);
    pm_lines l = { 0 };
    /* on pixel edges: rows 63 and 64 (columns 63 and 64) each half covered */
    pm_lines_move(&l, (pm_pt){ 10, 64 });
    pm_lines_line(&l, (pm_pt){ 118, 64 });
    pm_lines_move(&l, (pm_pt){ 64, 10 });
    pm_lines_line(&l, (pm_pt){ 64, 118 });
    pm_lines_move(&l, (pm_pt){ 20, 64 }); /* and once more along the first */
    pm_lines_line(&l, (pm_pt){ 100, 64 });
    cr_assert_eq(pm_lines_draw(cr, &l, 1.0, veil), 1);
    pm_lines_fini(&l);
    cairo_destroy(cr);
    uint32_t line = px(s, 30, 64), off = px(s, 30, 61);
    for (int k = 0; k < 4; k++) /* the four pixels where the lines cross */
        cr_expect_eq(px(s, 63 + k % 2, 63 + k / 2), line, "crossing %08x, line %08x",
                     px(s, 63 + k % 2, 63 + k / 2), line);
    cr_expect_eq(px(s, 30, 63), line);
    cr_expect_eq(px(s, 80, 64), line, "doubled stretch %08x", px(s, 80, 64));
    cr_expect_eq(off, px(s, 0, 0), "off the line %08x", off);
    /* by hand: white at alpha 128/255, coverage 128/255, over (51, 102, 153):
     * (128·128·255 + c·(65025 − 128·128)) / 65025 → 102, 141, 179 */
    cr_expect_eq(line, 0xFF668DB3u, "%08x", line);
    cairo_surface_destroy(s);
}

Test(lines, stays_inside_the_clip_and_follows_the_translation)
{
    cairo_surface_t *s = canvas(), *ref = canvas();
    cairo_t *cr = cairo_create(s);
    cairo_rectangle(cr, 32, 32, 64, 64);
    cairo_clip(cr);
    cairo_translate(cr, 10, 20);
    pm_lines l = { 0 };
    star(&l, NULL); /* spokes reach 50 px out: well past the clip */
    cr_assert_eq(pm_lines_draw(cr, &l, 1.5, WHITE), 1);
    cairo_destroy(cr);
    cr = cairo_create(ref); /* unclipped, untranslated, then compared shifted */
    cr_assert_eq(pm_lines_draw(cr, &l, 1.5, WHITE), 1);
    pm_lines_fini(&l);
    cairo_destroy(cr);
    cairo_surface_t *blank = canvas();
    uint32_t bg = px(blank, 0, 0);
    cairo_surface_destroy(blank);
    int inside = 0;
    for (int y = 0; y < 128; y++)
        for (int x = 0; x < 128; x++) {
            int in = x >= 32 && x < 96 && y >= 32 && y < 96;
            uint32_t want = in ? px(ref, x - 10, y - 20) : bg;
            inside += in && want != bg;
            cr_assert_eq(px(s, x, y), want, "(%d, %d): %08x, not %08x", x, y, px(s, x, y), want);
        }
    cr_expect_gt(inside, 100, "the lines cross the clip");
    cairo_surface_destroy(s);
    cairo_surface_destroy(ref);
}

Test(lines, declines_what_it_cannot_draw_exactly)
{
    pm_lines l = { 0 };
    star(&l, NULL);
    /* a vector surface */
    cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
    cairo_t *cr = cairo_create(rec);
    cr_expect_eq(pm_lines_draw(cr, &l, 1, WHITE), 0);
    cairo_destroy(cr);
    cairo_surface_destroy(rec);
    /* a scale, and a clip that is no rectangle */
    cairo_surface_t *s = canvas();
    cr = cairo_create(s);
    cairo_scale(cr, 2, 2);
    cr_expect_eq(pm_lines_draw(cr, &l, 1, WHITE), 0);
    cairo_identity_matrix(cr);
    cairo_arc(cr, 64, 64, 30, 0, 2 * M_PI);
    cairo_clip(cr);
    cr_expect_eq(pm_lines_draw(cr, &l, 1, WHITE), 0);
    cairo_destroy(cr);
    cr_expect_eq(px(s, 64, 64), px(s, 0, 0), "declined, yet drew");
    cairo_surface_destroy(s);
    l.oom = 1;
    cr_expect_eq(pm_lines_draw(NULL, &l, 1, WHITE), 0, "a failed append must not be drawn");
    pm_lines_fini(&l);
}

/* Coordinates far beyond the surface (a long boundary at a large scale, ±1e12 px):
 * what crosses the surface is drawn, and nothing overflows. */
Test(lines, far_off_coordinates)
{
    cairo_surface_t *s = canvas();
    cairo_t *cr = cairo_create(s);
    uint32_t bg = px(s, 0, 0);
    pm_lines l = { 0 };
    pm_lines_move(&l, (pm_pt){ -1e12, 64.5 }); /* crosses the whole surface */
    pm_lines_line(&l, (pm_pt){ 1e12, 64.5 });
    pm_lines_move(&l, (pm_pt){ 3e11, -4e11 });  /* never comes near it */
    pm_lines_line(&l, (pm_pt){ 5e11, -1e12 });
    cr_assert_eq(pm_lines_draw(cr, &l, 1.0, WHITE), 1);
    pm_lines_fini(&l);
    cairo_destroy(cr);
    for (int x = 0; x < 128; x += 9) {
        cr_expect_eq(px(s, x, 64), 0xFFFFFFFFu, "(%d, 64): %08x", x, px(s, x, 64));
        cr_expect_eq(px(s, x, 60), bg);
    }
    cairo_surface_destroy(s);
}
