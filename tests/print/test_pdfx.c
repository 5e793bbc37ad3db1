/* The print PDF: PDF/X-3 with trim and bleed, pure black text, embedded fonts, no
 * transparency, a clean file, a preview like the screen PDF's, clear failures. */
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
#include "print/pdfcontent.h"
#include "print/pdfedit.h"
#include "print/pdfx.h"
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

TestSuite(pdfx, .init = setup, .fini = teardown, .timeout = PM_T(120));

static void need_gs(void)
{
    if (t_run("command -v gs >/dev/null && command -v qpdf >/dev/null", NULL) != 0)
        cr_skip_test("ghostscript or qpdf not installed (make deps installs them)");
}

static const pm_style *style(const char *id)
{
    for (size_t i = 0; i < P.nstyles; i++)
        if (strcmp(P.styles[i]->id, id) == 0) return P.styles[i];
    return NULL;
}

/* The 2016 poster of map id: the screen PDF (print = 0) or the print PDF, at path. */
static void poster_pdf(const char *id, int print, const char *path, pm_thematic *th)
{
    cr_assert_eq(pm_thematic_build(style(id), &P.an.tab, 2016, &D, th), PM_OK);
    pm_poster p = { P.cfg, P.ds, &P.an, &S, th, "2016-12-31", print };
    pm_printbox pb = pm_printbox_make(3, 0);
    pm_pdfdoc doc;
    char *err = NULL;
    cr_assert_eq(pm_poster_render(&p, T, print ? &pb : NULL, &doc, &err), PM_OK, "%s", err ? err : "");
    cr_assert_eq(pm_pdfdoc_write(&doc, path, NULL, &err), PM_OK, "%s", err ? err : "");
}

static char *run_out(const char *fmt, const char *a, const char *b)
{
    char *cmd = pm_asprintf(fmt, a, b), *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 0, "%s failed:\n%s", cmd, out ? out : "");
    free(cmd);
    return out;
}

/* "TrimBox: x0 y0 x1 y1" of pdfinfo -box. */
static void box(const char *info, const char *name, double b[4])
{
    const char *p = strstr(info, name);
    cr_assert(p, "%s in pdfinfo:\n%s", name, info);
    cr_assert_eq(sscanf(p + strlen(name) + 1, "%lf %lf %lf %lf", &b[0], &b[1], &b[2], &b[3]), 4);
}

/* gs's ink coverage (C, M, Y, K fractions of the page area) of page 1 of pdf. */
static void inkcov(const char *pdf, const char *extra, double c[4])
{
    char *out = run_out("gs -q -dSAFER -dBATCH -dNOPAUSE %s -sDEVICE=inkcov -o - '%s'", extra, pdf);
    cr_assert_eq(sscanf(out, "%lf %lf %lf %lf", &c[0], &c[1], &c[2], &c[3]), 4, "inkcov: %s", out);
    free(out);
}

/* Writes a copy of pdf with page 1's CropBox set to box (PDF user space). */
static void crop_copy(const char *pdf, const char *dst, const double b[4])
{
    char *data = NULL, *err = NULL, val[160];
    size_t len = 0, olen = 0;
    unsigned char *out = NULL;
    cr_assert_eq(pm_read_file(pdf, 1u << 28, &data, &len, &err), PM_OK);
    snprintf(val, sizeof val, "[ %.2f %.2f %.2f %.2f ]", b[0], b[1], b[2], b[3]);
    pm_pdfpage_key k = { 0, "CropBox", val };
    cr_assert_eq(pm_pdf_set_page_keys((unsigned char *)data, len, &k, 1, &out, &olen, &err), PM_OK, "%s", err);
    cr_assert_eq(pm_write_atomic(dst, out, olen, &err), PM_OK);
    free(data);
    free(out);
}

typedef struct { size_t rich, cmyk, gray; } black_ctx;

/* Every CMYK colour that is nearly black must be K alone. */
static int black_op(void *vc, const pm_pdfop *op)
{
    black_ctx *c = vc;
    if ((!strcmp(op->op, "k") || !strcmp(op->op, "K")) && op->nnum >= 4) {
        const double *v = op->num + op->nnum - 4;
        c->cmyk++;
        if (v[3] > 0.8 && v[0] + v[1] + v[2] > 0.05) c->rich++;
    } else if ((!strcmp(op->op, "g") || !strcmp(op->op, "G")) && op->nnum >= 1) {
        c->gray++;
    }
    return 0;
}

static black_ctx scan_colours(const char *pdf)
{
    char *data = NULL, *err = NULL;
    size_t len = 0;
    cr_assert_eq(pm_read_file(pdf, 1u << 28, &data, &len, &err), PM_OK);
    pm_pdf *p = NULL;
    cr_assert_eq(pm_pdf_open((unsigned char *)data, len, &p, &err), PM_OK, "%s", err);
    pm_pdfv *page = NULL;
    cr_assert_eq(pm_pdf_get(p, pm_pdf_page(p, 0), &page), PM_OK);
    pm_pdfv *cont = pm_pdfv_get(page, "Contents");
    cr_assert(cont && cont->kind == PM_PDF_REF);
    pm_pdfv *d = NULL;
    unsigned char *s = NULL;
    size_t sl = 0;
    cr_assert_eq(pm_pdf_stream(p, cont->ref, &d, &s, &sl), PM_OK);
    black_ctx c = { 0, 0, 0 };
    cr_assert_eq(pm_pdfcontent_scan(s, sl, black_op, &c), PM_OK);
    pm_pdfv_free(d);
    pm_pdfv_free(page);
    free(s);
    pm_pdf_free(p);
    free(data);
    return c;
}

Test(pdfx, poster_is_pdfx3_with_trim_bleed_pure_black_and_fonts)
{
    need_gs();
    char *dir = t_tmpdir(), *pdf = pm_asprintf("%s/service.print.pdf", dir);
    pm_thematic th;
    poster_pdf("service", 1, pdf, &th);
    double w, h;
    pm_page_size(P.cfg->page, P.cfg->landscape, &w, &h);
    double b = 3 * 72 / 25.4;

    char *info = run_out("pdfinfo -box '%s'%s", pdf, "");
    cr_assert(strstr(info, "PDF subtype:    PDF/X-3:2002"), "PDF/X-3:\n%s", info);
    double trim[4], bleed[4], media[4];
    box(info, "TrimBox:", trim);
    box(info, "BleedBox:", bleed);
    box(info, "MediaBox:", media);
    cr_assert(fabs(trim[2] - trim[0] - w) < 0.02 && fabs(trim[3] - trim[1] - h) < 0.02, "TrimBox is the A1 page:\n%s", info);
    for (int i = 0; i < 2; i++) {
        cr_assert(fabs(trim[i] - bleed[i] - b) < 0.02 && fabs(bleed[i + 2] - trim[i + 2] - b) < 0.02,
                  "BleedBox is 3 mm around the trim:\n%s", info);
        cr_assert(media[i] <= bleed[i] + 0.01 && media[i + 2] >= bleed[i + 2] - 0.01);
    }
    free(info);

    char *fonts = run_out("pdffonts '%s'%s", pdf, "");
    size_t nfonts = 0;
    for (char *line = strstr(fonts, "\n---"); line && (line = strchr(line + 1, '\n')) && line[1]; nfonts++)
        cr_assert(strstr(line, " yes ") != NULL, "every font embedded:\n%s", fonts);
    cr_assert_geq(nfonts, 1, "%s", fonts);
    free(fonts);

    char *chk = run_out("qpdf --check '%s'%s 2>&1", pdf, "");
    cr_assert(strstr(chk, "No syntax or stream encoding errors"), "%s", chk);
    free(chk);

    /* no transparency, nothing rasterised */
    char *q = run_out("qpdf --qdf --object-streams=disable '%s' - | grep -acE '/SMask|/Subtype /Image|/ca 0|/CA 0'%s || true",
                      pdf, "");
    cr_assert_eq(atoi(q), 0, "no soft masks, images or alpha: %s", q);
    free(q);

    /* the title is text only: on the black plate alone.  The page has colour. */
    double m = w * 0.025, ts = w / 34, page_h = media[3];
    double title[4] = { trim[0] + m, page_h - (trim[1] + m + ts * 1.3), trim[0] + w * 0.55, page_h - (trim[1] + m) };
    char *crop = pm_asprintf("%s/title.pdf", dir);
    crop_copy(pdf, crop, title);
    double ink[4], all[4];
    inkcov(crop, "-dUseCropBox", ink);
    cr_assert(ink[0] == 0 && ink[1] == 0 && ink[2] == 0 && ink[3] > 0.01,
              "text only: K alone, got C %.5f M %.5f Y %.5f K %.5f", ink[0], ink[1], ink[2], ink[3]);
    inkcov(pdf, "", all);
    cr_assert(all[0] > 0.1 && all[1] > 0.05 && all[2] > 0.05, "the map has colour: C %.3f M %.3f Y %.3f", all[0], all[1], all[2]);
    black_ctx bc = scan_colours(pdf);
    cr_assert_eq(bc.rich, 0, "no four-colour black among %zu CMYK colours", bc.cmyk);
    cr_assert_gt(bc.gray, 0, "black and greys are DeviceGray (the black plate)");
    free(crop);
    pm_thematic_fini(&th);
    t_rm_tree(dir);
    free(dir);
    free(pdf);
}

/* Mean absolute channel difference and share of pixels off by more than 64. */
static void compare_ppm(const char *a, const char *b, double *mean, double *share)
{
    cairo_surface_t *sa = cairo_image_surface_create_from_png(a), *sb = cairo_image_surface_create_from_png(b);
    cr_assert_eq(cairo_surface_status(sa), CAIRO_STATUS_SUCCESS, "%s", a);
    cr_assert_eq(cairo_surface_status(sb), CAIRO_STATUS_SUCCESS, "%s", b);
    int w = cairo_image_surface_get_width(sa), h = cairo_image_surface_get_height(sa);
    int w2 = cairo_image_surface_get_width(sb), h2 = cairo_image_surface_get_height(sb);
    cr_assert(abs(w - w2) <= 1 && abs(h - h2) <= 1, "same size: %dx%d against %dx%d", w, h, w2, h2);
    if (w2 < w) w = w2;
    if (h2 < h) h = h2;
    unsigned char *pa = cairo_image_surface_get_data(sa), *pb = cairo_image_surface_get_data(sb);
    int ra = cairo_image_surface_get_stride(sa), rb = cairo_image_surface_get_stride(sb);
    double sum = 0;
    size_t bad = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int worst = 0;
            for (int c = 0; c < 3; c++) {
                int d = abs(pa[y * ra + 4 * x + c] - pb[y * rb + 4 * x + c]);
                sum += d;
                if (d > worst) worst = d;
            }
            bad += worst > 64;
        }
    *mean = sum / (3.0 * w * h);
    *share = (double)bad / ((double)w * h);
    cairo_surface_destroy(sa);
    cairo_surface_destroy(sb);
}

Test(pdfx, print_preview_looks_like_the_screen_pdf_and_is_reproducible)
{
    need_gs();
    char *dir = t_tmpdir();
    char *scr = pm_asprintf("%s/resources.pdf", dir), *prt = pm_asprintf("%s/resources.print.pdf", dir);
    pm_thematic th, th2;
    poster_pdf("resources", 0, scr, &th);
    poster_pdf("resources", 1, prt, &th2);
    double dpi = 25.4, slug = 3, w, h; /* a pixel a millimetre: the 3 mm bleed is 3 pixels */
    pm_page_size(P.cfg->page, P.cfg->landscape, &w, &h);
    char *cmd = pm_asprintf("cd '%s' && pdftoppm -png -r %g resources.pdf s && pdftoppm -png -r %g -x %d -y %d "
                            "-W %d -H %d resources.print.pdf p", dir, dpi, dpi, (int)lround(slug),
                            (int)lround(slug), (int)ceil(w * dpi / 72), (int)ceil(h * dpi / 72));
    cr_assert_eq(t_run(cmd, NULL), 0, "%s", cmd);
    free(cmd);
    char *a = pm_asprintf("%s/s-1.png", dir), *b = pm_asprintf("%s/p-1.png", dir);
    double mean, share;
    compare_ppm(a, b, &mean, &share);
    fprintf(stderr, "pdfx: print preview against screen: mean %.2f, %.3f%% pixels off by more than 64\n", mean, share * 100);
    cr_assert(mean < 6 && share < 0.02, "the print PDF's preview looks like the screen PDF's: mean %.2f, %.3f%%",
              mean, share * 100);
    /* the same input gives the same bytes: an unchanged print PDF is not rewritten */
    pm_poster p = { P.cfg, P.ds, &P.an, &S, &th2, "2016-12-31", 1 };
    pm_printbox pb = pm_printbox_make(3, 0);
    pm_pdfdoc doc;
    char *err = NULL;
    int same = 0;
    cr_assert_eq(pm_poster_render(&p, T, &pb, &doc, &err), PM_OK);
    cr_assert_eq(pm_pdfdoc_write(&doc, prt, &same, &err), PM_OK, "%s", err ? err : "");
    cr_assert_eq(same, 1, "the print PDF is byte for byte the same on a rerun");
    free(a); free(b);
    pm_thematic_fini(&th);
    pm_thematic_fini(&th2);
    t_rm_tree(dir);
    free(dir); free(scr); free(prt);
}

Test(pdfx, crop_marks_sit_outside_the_bleed)
{
    pm_thematic th;
    cr_assert_eq(pm_thematic_build(style("service"), &P.an.tab, 2016, &D, &th), PM_OK);
    pm_poster p = { P.cfg, P.ds, &P.an, &S, &th, "2016-12-31", 1 };
    pm_printbox pb = pm_printbox_make(3, 1);
    pm_pdfdoc doc;
    char *err = NULL;
    cr_assert_eq(pm_poster_render(&p, T, &pb, &doc, &err), PM_OK);
    size_t len = 0;
    const unsigned char *b = pm_pdfdoc_bytes(&doc, &len);
    pm_pdf *pdf = NULL;
    cr_assert_eq(pm_pdf_open(b, len, &pdf, &err), PM_OK);
    pm_pdfv *page = NULL;
    cr_assert_eq(pm_pdf_get(pdf, pm_pdf_page(pdf, 0), &page), PM_OK);
    pm_pdfv *mb = pm_pdfv_get(page, "MediaBox"), *bb = pm_pdfv_get(page, "BleedBox"), *tb = pm_pdfv_get(page, "TrimBox");
    cr_assert(mb && bb && tb);
    double slug = 9 * 72 / 25.4, bleed = 3 * 72 / 25.4;
    cr_assert_float_eq(tb->items[0]->num, slug, 0.01, "the trim sits 9 mm in: bleed and 6 mm for the marks");
    cr_assert_float_eq(bb->items[0]->num, slug - bleed, 0.01);
    cr_assert_float_eq(mb->items[2]->num - mb->items[0]->num, tb->items[2]->num - tb->items[0]->num + 2 * slug, 0.01);
    pm_pdfv_free(page);
    pm_pdf_free(pdf);
    pm_pdfdoc_abort(&doc);
    pm_thematic_fini(&th);
}

Test(pdfx, a_ghostscript_failure_names_the_file_and_leaves_the_old_one)
{
    pm_thematic th;
    char *dir = t_tmpdir(), *pdf = pm_asprintf("%s/service.print.pdf", dir);
    cr_assert_eq(t_append(pdf, "last year's print file"), 0);
    cr_assert_eq(pm_thematic_build(style("service"), &P.an.tab, 2016, &D, &th), PM_OK);
    pm_poster p = { P.cfg, P.ds, &P.an, &S, &th, "2016-12-31", 1 };
    pm_printbox pb = pm_printbox_make(3, 0);
    pm_pdfdoc doc;
    char *err = NULL, *old = pm_strdup(getenv("PATH")), *empty = pm_asprintf("%s/empty", dir);
    cr_assert_eq(pm_mkdirs(empty, &err), PM_OK);
    cr_assert_eq(pm_poster_render(&p, T, &pb, &doc, &err), PM_OK);
    setenv("PATH", empty, 1); /* no gs to be found */
    pm_status st = pm_pdfdoc_write(&doc, pdf, NULL, &err);
    setenv("PATH", old, 1);
    cr_assert_eq(st, PM_EIO);
    cr_assert(err && strstr(err, pdf) && strstr(err, "Ghostscript (gs) is not installed"), "%s", err ? err : "");
    free(err);
    err = NULL;
    /* a gs that fails: input it cannot read */
    char *work = pm_asprintf("%s/x.print.pdf.tmp-1-1", dir);
    static const char junk[] = "%!PS\nthis_is_not_defined\n";
    pm_pdfx_opts o = { "x", NULL, 0, work, "x.print.pdf" };
    unsigned char *out = NULL;
    size_t olen = 0;
    if (t_run("command -v gs >/dev/null", NULL) == 0) {
        st = pm_pdfx_convert((const unsigned char *)junk, sizeof junk - 1, &o, &out, &olen, &err);
        cr_assert_eq(st, PM_EIO, "gs fails on junk");
        cr_assert(err && strstr(err, "x.print.pdf: Ghostscript failed"), "%s", err ? err : "");
    }
    char *data = NULL, *e2 = NULL, *ls = NULL;
    size_t len = 0;
    cr_assert_eq(pm_read_file(pdf, 1024, &data, &len, &e2), PM_OK);
    cr_assert_str_eq(data, "last year's print file", "the old file is untouched");
    char *cmd = pm_asprintf("ls -a '%s' | grep -c tmp", dir);
    t_run(cmd, &ls);
    cr_assert_eq(atoi(ls), 0, "no temporaries are left: %s", ls);
    free(cmd); free(ls); free(data); free(err); free(work); free(out);
    free(old); free(empty);
    pm_thematic_fini(&th);
    t_rm_tree(dir);
    free(dir); free(pdf);
}

Test(pdfx, neutral_colours_go_to_the_black_plate)
{
    static const char in[] = "q 0.5 0.5 0.5 rg 0 0 1 1 re f 0.13 0.13 0.15 RG 1 w 0 0 m 1 1 l S\n"
                             "BT /F1 1 Tf (0 0 0 rg) Tj ET 1 0 0 rg 0.2 0.4 0.6 RG 1 1 1 rg Q";
    const double ink[3] = { 0.13, 0.13, 0.15 };
    unsigned char *out = NULL;
    size_t len = 0, changed = 0;
    cr_assert_eq(pm_pdfcontent_gray((const unsigned char *)in, sizeof in - 1, 0.025, ink, &out, &len, &changed), PM_OK);
    char *s = pm_asprintf("%.*s", (int)len, (const char *)out);
    cr_assert_str_eq(s, "q 0.5 g 0 0 1 1 re f 0 G 1 w 0 0 m 1 1 l S\n"
                        "BT /F1 1 Tf (0 0 0 rg) Tj ET 1 0 0 rg 0.2 0.4 0.6 RG 1 g Q");
    cr_assert_eq(changed, 3);
    free(s);
    free(out);
}
