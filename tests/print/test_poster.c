/* Posters: a reference image with a tolerance, and the PDF's fonts, text, page and size. */
#include <criterion/criterion.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "analysis/thematic.h"
#include "app/project.h"
#include "core/fileio.h"
#include "print/poster.h"
#include "render/png.h"

static pm_project P;
static pm_diag D;
static pm_scene S;
static pm_text *T;

static void setup(void)
{
    pm_diag_init(&D);
    cr_assert_eq(pm_project_open(NULL, NULL, &D, &P), PM_OK);
    char *err = NULL;
    cr_assert_eq(pm_scene_build(P.ds, P.cfg->print_crs, &S, &err), PM_OK);
    cr_assert_eq(pm_text_new(P.cfg->font, &T, &err), PM_OK);
}

static void teardown(void)
{
    pm_text_free(T);
    pm_scene_fini(&S);
    pm_project_fini(&P);
    pm_diag_fini(&D);
}

TestSuite(poster, .init = setup, .fini = teardown, .timeout = PM_T(120));

static const pm_style *style(const char *id)
{
    for (size_t i = 0; i < P.nstyles; i++)
        if (strcmp(P.styles[i]->id, id) == 0) return P.styles[i];
    return NULL;
}

/* Draws the poster of map id for 2016 at dpi into a new image surface. */
static cairo_surface_t *draw(const char *id, double dpi, pm_thematic *th)
{
    cr_assert_eq(pm_thematic_build(style(id), &P.an.tab, 2016, &D, th), PM_OK);
    pm_poster p = { P.cfg, P.ds, &P.an, &S, th, "2016-12-31", 0 };
    double w, h;
    pm_page_size(P.cfg->page, P.cfg->landscape, &w, &h);
    double k = dpi / 72;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(w * k), (int)ceil(h * k));
    cairo_t *cr = cairo_create(img);
    cairo_scale(cr, k, k);
    cr_assert_eq(pm_poster_draw(&p, T, cr, w, h), PM_OK);
    cairo_destroy(cr);
    cairo_surface_flush(img);
    return img;
}

/* Mean absolute channel difference and share of pixels differing by more than 48;
 * writes a diff image (red where they differ) beside the reference. */
static void compare(cairo_surface_t *a, cairo_surface_t *b, const char *diff_path, double *mean,
                    double *share)
{
    int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
    cr_assert_eq(w, cairo_image_surface_get_width(b));
    cr_assert_eq(h, cairo_image_surface_get_height(b));
    cairo_surface_t *d = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    unsigned char *pa = cairo_image_surface_get_data(a), *pb = cairo_image_surface_get_data(b);
    unsigned char *pd = cairo_image_surface_get_data(d);
    int sa = cairo_image_surface_get_stride(a), sb = cairo_image_surface_get_stride(b);
    int sd = cairo_image_surface_get_stride(d);
    double sum = 0;
    size_t bad = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int worst = 0;
            for (int c = 0; c < 3; c++) {
                int v = abs(pa[y * sa + 4 * x + c] - pb[y * sb + 4 * x + c]);
                sum += v;
                if (v > worst) worst = v;
            }
            bad += worst > 48;
            unsigned char g = pa[y * sa + 4 * x + 1] / 3 + 170;
            pd[y * sd + 4 * x + 0] = worst > 48 ? 0 : g;
            pd[y * sd + 4 * x + 1] = worst > 48 ? 0 : g;
            pd[y * sd + 4 * x + 2] = worst > 48 ? 255 : g;
        }
    cairo_surface_mark_dirty(d);
    *mean = sum / (3.0 * w * h);
    *share = (double)bad / ((double)w * h);
    if (*mean > 1.0 || *share > 0.005) cairo_surface_write_to_png(d, diff_path);
    cairo_surface_destroy(d);
}

Test(poster, service_matches_reference_image)
{
    pm_thematic th;
    cairo_surface_t *img = draw("service", 24, &th);
    const char *ref = PM_SOURCE_DIR "/tests/reference/poster_service_2016.png";
    if (getenv("PM_UPDATE_REFERENCE")) {
        char *err = NULL;
        cr_assert_eq(pm_png_write(img, ref, &err), PM_OK);
    }
    cairo_surface_t *want = cairo_image_surface_create_from_png(ref);
    cr_assert_eq(cairo_surface_status(want), CAIRO_STATUS_SUCCESS,
                 "missing reference %s (run the test with PM_UPDATE_REFERENCE=1 once)", ref);
    double mean, share;
    const char *diff = PM_SOURCE_DIR "/build/poster_service_2016.diff.png";
    compare(img, want, diff, &mean, &share);
    cr_assert(mean <= 1.0 && share <= 0.005,
              "poster differs from the reference: mean %.3f, %.3f%% pixels; see %s", mean, share * 100, diff);
    cairo_surface_destroy(want);
    cairo_surface_destroy(img);
    pm_thematic_fini(&th);
}

Test(poster, pdf_fonts_text_page_size)
{
    char *dir = t_tmpdir();
    char *pdf = pm_asprintf("%s/progress.pdf", dir), *png = pm_asprintf("%s/progress.png", dir);
    pm_thematic th;
    cr_assert_eq(pm_thematic_build(style("progress"), &P.an.tab, 2016, &D, &th), PM_OK);
    pm_poster p = { P.cfg, P.ds, &P.an, &S, &th, "2016-12-31", 0 };
    char *err = NULL;
    cr_assert_eq(pm_poster_write(&p, T, pdf, png, &err), PM_OK, "%s", err ? err : "");
    struct stat sb;
    cr_assert_eq(stat(pdf, &sb), 0);
    cr_assert_lt(sb.st_size, 5 * 1024 * 1024);
    cr_assert_eq(stat(png, &sb), 0);
    char *cmd = pm_asprintf("pdffonts '%s'", pdf), *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 0);
    cr_assert(strstr(out, "NotoSansCJKsc") || strstr(out, "Noto Sans CJK SC") || strstr(out, "NotoSansCJK"), "%s", out);
    cr_assert_null(strstr(out, "Type 3"), "no Type 3 fonts:\n%s", out);
    for (char *line = strstr(out, "\n---"); line && (line = strchr(line + 1, '\n')) && line[1];)
        cr_assert(strstr(line, " yes ") != NULL, "every font embedded:\n%s", out);
    free(cmd); free(out);
    cmd = pm_asprintf("pdftotext '%s' -", pdf);
    cr_assert_eq(t_run(cmd, &out), 0);
    for (size_t c = 0; c < P.ds->ncommittees; c++)
        cr_assert(strstr(out, P.ds->committees[c].name), "%s findable in the PDF", P.ds->committees[c].name);
    cr_assert(strstr(out, "20→7"), "玉佛城's rank change is shown");
    cr_assert(strstr(out, "能效提升指数"));
    free(cmd); free(out);
    cmd = pm_asprintf("pdfinfo '%s'", pdf);
    cr_assert_eq(t_run(cmd, &out), 0);
    char *pages = strstr(out, "Pages:");
    cr_assert(pages && atoi(pages + 6) == 1, "one page: %s", out);
    cr_assert(strstr(out, "2383.94 x 1683.78 pts"), "A1 landscape: %s", out);
    free(cmd); free(out);
    pm_thematic_fini(&th);
    t_rm_tree(dir);
    free(dir); free(pdf); free(png);
}
