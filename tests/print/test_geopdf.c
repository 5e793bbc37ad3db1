/* Geospatial PDF: GDAL reads the posters' and the locator maps' CRS and frame corners. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/support.h"
#include "analysis/thematic.h"
#include "app/project.h"
#include "core/fileio.h"
#include "print/atlas.h"
#include "print/pdfedit.h"
#include "print/poster.h"

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

TestSuite(geopdf, .init = setup, .fini = teardown, .timeout = PM_T(120));

static const pm_style *style(const char *id)
{
    for (size_t i = 0; i < P.nstyles; i++)
        if (strcmp(P.styles[i]->id, id) == 0) return P.styles[i];
    return NULL;
}

/* gdalinfo -json of a PDF (GDAL_PDF_DPI=72: a pixel is a point). */
static json_t *gdalinfo(const char *what)
{
    char *cmd = pm_asprintf("gdalinfo -json --config GDAL_PDF_DPI 72 '%s' 2>&1", what), *out = NULL;
    int rc = t_run(cmd, &out);
    cr_assert_eq(rc, 0, "%s:\n%s", cmd, out ? out : "");
    json_error_t je;
    json_t *j = json_loads(out, 0, &je);
    cr_assert(j, "gdalinfo JSON: %s\n%s", je.text, out);
    free(cmd);
    free(out);
    return j;
}

/* The CRS is EPSG:4549, and the frame of v (drawn with its top-left at (ox, oy) on a
 * page of pw × ph points) maps to v's CRS coordinates within 1 m at all four corners.
 * GDAL's pixels: the page scaled to whole pixels on each axis. */
static void assert_frame(json_t *info, const pm_view *v, double ox, double oy, double pw, double ph)
{
    json_t *size = json_object_get(info, "size");
    double kx = json_number_value(json_array_get(size, 0)) / pw, ky = json_number_value(json_array_get(size, 1)) / ph;
    const char *wkt = json_string_value(json_object_get(json_object_get(info, "coordinateSystem"), "wkt"));
    cr_assert(wkt && strstr(wkt, "ID[\"EPSG\",4549]"), "GDAL reads the poster CRS EPSG:4549:\n%s", wkt ? wkt : "(none)");
    json_t *gt = json_object_get(info, "geoTransform");
    cr_assert(json_array_size(gt) == 6, "a geotransform");
    double g[6];
    for (int i = 0; i < 6; i++) g[i] = json_number_value(json_array_get(gt, (size_t)i));
    pm_pt dev[4] = { { v->x, v->y }, { v->x + v->w, v->y }, { v->x, v->y + v->h }, { v->x + v->w, v->y + v->h } };
    double worst = 0;
    for (int i = 0; i < 4; i++) {
        double px = (dev[i].x + ox) * kx, py = (dev[i].y + oy) * ky;
        double e = g[0] + px * g[1] + py * g[2], n = g[3] + px * g[4] + py * g[5];
        pm_pt want = pm_view_to_crs(v, dev[i]);
        cr_assert(fabs(e - want.x) < 1 && fabs(n - want.y) < 1,
                  "corner %d of the frame: GDAL %.3f %.3f, the map %.3f %.3f (%.3f m, %.3f m off)", i, e, n,
                  want.x, want.y, e - want.x, n - want.y);
        worst = fmax(worst, hypot(e - want.x, n - want.y));
    }
    fprintf(stderr, "geopdf: GDAL's frame corners within %.4f m of the map's\n", worst);
}

static void poster_doc(int print, pm_thematic *th, pm_pdfdoc *doc)
{
    cr_assert_eq(pm_thematic_build(style("service"), &P.an.tab, 2016, &D, th), PM_OK);
    pm_poster p = { P.cfg, P.ds, &P.an, &S, th, "2016-12-31", print };
    pm_printbox pb = pm_printbox_make(3, 0);
    char *err = NULL;
    cr_assert_eq(pm_poster_render(&p, T, print ? &pb : NULL, doc, &err), PM_OK, "%s", err ? err : "");
}

Test(geopdf, screen_poster_gives_gdal_its_crs_and_corners)
{
    char *dir = t_tmpdir(), *pdf = pm_asprintf("%s/service.pdf", dir), *err = NULL;
    pm_thematic th;
    pm_pdfdoc doc;
    poster_doc(0, &th, &doc);
    cr_assert_eq(pm_pdfdoc_write(&doc, pdf, NULL, &err), PM_OK, "%s", err ? err : "");
    double w, h;
    pm_page_size(P.cfg->page, P.cfg->landscape, &w, &h);
    pm_poster p = { P.cfg, P.ds, &P.an, &S, &th, "2016-12-31", 0 };
    pm_view v = pm_poster_frame(&p, w, h);
    json_t *info = gdalinfo(pdf);
    assert_frame(info, &v, 0, 0, w, h);
    json_decref(info);
    /* an incremental update on Cairo's file: two revisions, and a clean file */
    char *data = NULL;
    size_t len = 0;
    cr_assert_eq(pm_read_file(pdf, 1u << 28, &data, &len, &err), PM_OK);
    cr_assert(memmem(data, len, "/Prev", 5) && memmem(data, len, "/VP [", 5) && memmem(data, len, "/Subtype /GEO", 13),
              "a /VP by an update with /Prev");
    char *cmd = pm_asprintf("qpdf --check '%s' 2>&1", pdf), *out = NULL;
    if (t_run("command -v qpdf >/dev/null", NULL) == 0) {
        t_run(cmd, &out);
        cr_assert(strstr(out, "No syntax or stream encoding errors"), "%s", out);
    }
    free(cmd); free(out); free(data);
    pm_thematic_fini(&th);
    t_rm_tree(dir);
    free(dir); free(pdf);
}

Test(geopdf, print_poster_keeps_its_georeference_through_ghostscript)
{
    if (t_run("command -v gs >/dev/null", NULL) != 0) cr_skip_test("ghostscript not installed (make deps)");
    char *dir = t_tmpdir(), *pdf = pm_asprintf("%s/service.print.pdf", dir), *err = NULL;
    pm_thematic th;
    pm_pdfdoc doc;
    poster_doc(1, &th, &doc);
    double slug = doc.pb.slug;
    cr_assert_eq(pm_pdfdoc_write(&doc, pdf, NULL, &err), PM_OK, "%s", err ? err : "");
    double w, h;
    pm_page_size(P.cfg->page, P.cfg->landscape, &w, &h);
    pm_poster p = { P.cfg, P.ds, &P.an, &S, &th, "2016-12-31", 1 };
    pm_view v = pm_poster_frame(&p, w, h);
    json_t *info = gdalinfo(pdf);
    assert_frame(info, &v, slug, slug, w + 2 * slug, h + 2 * slug);
    json_decref(info);
    pm_thematic_fini(&th);
    t_rm_tree(dir);
    free(dir); free(pdf);
}

Test(geopdf, atlas_locator_pages_are_georeferenced)
{
    char *dir = t_tmpdir(), *pdf = pm_asprintf("%s/atlas.pdf", dir), *err = NULL;
    pm_atlas a = { P.cfg, P.ds, &P.an, &S, &P.res, 2016, 0 };
    cr_assert_eq(pm_atlas_write(&a, T, pdf, NULL, &err), PM_OK, "%s", err ? err : "");
    char *data = NULL;
    size_t len = 0;
    cr_assert_eq(pm_read_file(pdf, 1u << 28, &data, &len, &err), PM_OK);
    pm_pdf *doc = NULL;
    cr_assert_eq(pm_pdf_open((unsigned char *)data, len, &doc, &err), PM_OK, "%s", err ? err : "");
    size_t pages = pm_pdf_page_count(doc), with_vp = 0;
    for (size_t i = 0; i < pages; i++) {
        pm_pdfv *pg = NULL;
        cr_assert_eq(pm_pdf_get(doc, pm_pdf_page(doc, i), &pg), PM_OK);
        with_vp += pm_pdfv_get(pg, "VP") != NULL;
        pm_pdfv_free(pg);
    }
    cr_assert_eq(with_vp, 1 + P.ds->ncommittees, "the cover and every committee page: %zu of %zu pages", with_vp, pages);
    pm_pdf_free(doc);
    /* the first committee page (page 3): its locator frame contains the committee */
    char *sub = pm_asprintf("PDF:3:%s", pdf);
    json_t *info = gdalinfo(sub);
    const char *wkt = json_string_value(json_object_get(json_object_get(info, "coordinateSystem"), "wkt"));
    cr_assert(wkt && strstr(wkt, "ID[\"EPSG\",4549]"), "%s", wkt ? wkt : "(none)");
    json_t *gt = json_object_get(info, "geoTransform");
    double g[6];
    for (int i = 0; i < 6; i++) g[i] = json_number_value(json_array_get(gt, (size_t)i));
    double m = 36, fx0 = m, fy0 = m + 54, fx1 = m + 300, fy1 = m + 54 + 226; /* the locator frame */
    double e0 = g[0] + fx0 * g[1], e1 = g[0] + fx1 * g[1], n0 = g[3] + fy0 * g[5], n1 = g[3] + fy1 * g[5];
    const pm_bbox *b = &S.committees[0].bbox;
    cr_assert(b->minx > e0 && b->maxx < e1 && b->miny > n1 && b->maxy < n0,
              "%s lies inside its locator frame: frame E %.0f–%.0f N %.0f–%.0f, committee E %.0f–%.0f N %.0f–%.0f",
              P.ds->committees[0].name, e0, e1, n1, n0, b->minx, b->maxx, b->miny, b->maxy);
    json_decref(info);
    free(sub); free(data);
    t_rm_tree(dir);
    free(dir); free(pdf);
}
