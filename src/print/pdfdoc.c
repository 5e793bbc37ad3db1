/* In-memory PDF documents: reproducible metadata, viewports, print boxes and conversion. */
#include "print/pdfdoc.h"

#include <cairo-pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "print/geopdf.h"
#include "print/pdfedit.h"
#include "print/pdfx.h"
#include "render/house.h"

#define MM 2.834645669 /* points per millimetre */

pm_printbox pm_printbox_make(double bleed_mm, int crop_marks)
{
    pm_printbox pb = { bleed_mm * MM, bleed_mm * MM, crop_marks };
    if (crop_marks) pb.slug = pb.bleed + 6 * MM; /* 5 mm marks and 1 mm to the edge */
    return pb;
}

static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int len)
{
    pm_pdfdoc *d = closure;
    if (d->len + len > d->cap) {
        size_t cap = d->cap ? d->cap : 1 << 20;
        while (cap < d->len + len) cap *= 2;
        unsigned char *n = realloc(d->data, cap);
        if (!n) { d->oom = 1; return CAIRO_STATUS_NO_MEMORY; }
        d->data = n;
        d->cap = cap;
    }
    memcpy(d->data + d->len, data, len);
    d->len += len;
    return CAIRO_STATUS_SUCCESS;
}

/* Cairo stamps the current time unless told a date. */
static time_t doc_date(int year)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) return (time_t)strtoll(sde, NULL, 10);
    struct tm tm = { .tm_year = year - 1900, .tm_mon = 11, .tm_mday = 31 };
    return timegm(&tm);
}

static pm_status begin(pm_pdfdoc *d, double w, double h, double mw, double mh, const char *title,
                       int year)
{
    d->w = w;
    d->h = h;
    d->date = doc_date(year);
    d->title = pm_strdup(title ? title : "");
    d->surface = cairo_pdf_surface_create_for_stream(mem_write, d, mw, mh);
    if (!d->title || cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS) {
        pm_pdfdoc_abort(d);
        return PM_ENOMEM;
    }
    char date[48];
    struct tm tm;
    gmtime_r(&d->date, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, d->title);
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR, "partymap");
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
    return PM_OK;
}

pm_status pm_pdfdoc_begin(pm_pdfdoc *d, double w, double h, const char *title, int year)
{
    memset(d, 0, sizeof *d);
    return begin(d, w, h, w, h, title, year);
}

pm_status pm_pdfdoc_begin_print(pm_pdfdoc *d, double w, double h, const char *title, int year,
                                const pm_printbox *pb)
{
    memset(d, 0, sizeof *d);
    d->print = 1;
    d->pb = *pb;
    if (d->pb.slug < d->pb.bleed) d->pb.slug = d->pb.bleed;
    return begin(d, w, h, w + 2 * d->pb.slug, h + 2 * d->pb.slug, title, year);
}

void pm_pdfdoc_setup(const pm_pdfdoc *d, cairo_t *cr)
{
    if (d->print) cairo_translate(cr, d->pb.slug, d->pb.slug);
}

/* Crop marks on the trim lines, in the slug outside the bleed, in solid black. */
static void crop_marks(const pm_pdfdoc *d, cairo_t *cr)
{
    double b = d->pb.bleed, len = 5 * MM, xs[2] = { 0, d->w }, ys[2] = { 0, d->h };
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.3);
    cairo_new_path(cr);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double sx = i ? 1 : -1, sy = j ? 1 : -1;
            cairo_move_to(cr, xs[i] + sx * b, ys[j]);
            cairo_line_to(cr, xs[i] + sx * (b + len), ys[j]);
            cairo_move_to(cr, xs[i], ys[j] + sy * b);
            cairo_line_to(cr, xs[i], ys[j] + sy * (b + len));
        }
    cairo_stroke(cr);
    cairo_restore(cr);
}

void pm_pdfdoc_show_page(pm_pdfdoc *d, cairo_t *cr)
{
    if (d->print && d->pb.crop_marks) crop_marks(d, cr);
    cairo_show_page(cr);
    d->page++;
}

pm_status pm_pdfdoc_viewport(pm_pdfdoc *d, const pm_view *v, const char *crs, const char *name,
                             char **err)
{
    double s = d->print ? d->pb.slug : 0;
    pm_geopdf_place at = { s, s, d->h + 2 * s };
    char *dict = NULL;
    pm_status st = PM_OK;
    if (d->vpcrs && strcmp(pm_geopdf_crs_name(d->vpcrs), crs) != 0) {
        pm_geopdf_crs_free(d->vpcrs);
        d->vpcrs = NULL;
    }
    if (!d->vpcrs) st = pm_geopdf_crs_new(crs, &d->vpcrs, err);
    if (!st) st = pm_geopdf_viewport(v, d->vpcrs, name, &at, &dict, err);
    if (st) return st;
    if (d->nvp == d->vpcap && pm_grow((void **)&d->vps, &d->vpcap, d->nvp + 1, sizeof *d->vps)) {
        free(dict);
        return PM_ENOMEM;
    }
    d->vps[d->nvp++] = (pm_pdfdoc_vp){ d->page, dict };
    return PM_OK;
}

/* Replaces d's bytes by the update that sets keys. */
static pm_status apply_keys(unsigned char **data, size_t *len, const pm_pdfpage_key *keys, size_t n,
                            char **err)
{
    if (n == 0) return PM_OK;
    unsigned char *out = NULL;
    size_t olen = 0;
    pm_status st = pm_pdf_set_page_keys(*data, *len, keys, n, &out, &olen, err);
    if (st) return st;
    free(*data);
    *data = out;
    *len = olen;
    return PM_OK;
}

/* The /VP arrays of the pages with viewports, as page keys (strings owned by *texts). */
static pm_status vp_keys(const pm_pdfdoc *d, pm_pdfpage_key **keys, char ***texts, size_t *n)
{
    *keys = calloc(d->nvp + 1, sizeof **keys);
    *texts = calloc(d->nvp + 1, sizeof **texts);
    *n = 0;
    if (!*keys || !*texts) return PM_ENOMEM;
    for (size_t i = 0; i < d->nvp; i++) {
        int first = 1;
        for (size_t j = 0; j < i; j++) first &= d->vps[j].page != d->vps[i].page;
        if (!first) continue;
        size_t len = 0, cap = 0;
        char *b = NULL;
        pm_status st = pm_pdfbuf_put(&b, &len, &cap, "[", 1);
        for (size_t j = i; !st && j < d->nvp; j++)
            if (d->vps[j].page == d->vps[i].page) st = pm_pdfbuf_printf(&b, &len, &cap, " %s", d->vps[j].dict);
        if (!st) st = pm_pdfbuf_put(&b, &len, &cap, " ]", 2);
        if (st) { free(b); return st; }
        (*texts)[*n] = b;
        (*keys)[*n] = (pm_pdfpage_key){ d->vps[i].page, "VP", b };
        (*n)++;
    }
    return PM_OK;
}

static pm_status apply_viewports(const pm_pdfdoc *d, unsigned char **data, size_t *len, char **err)
{
    pm_pdfpage_key *keys = NULL;
    char **texts = NULL;
    size_t n = 0;
    pm_status st = vp_keys(d, &keys, &texts, &n);
    if (!st) st = apply_keys(data, len, keys, n, err);
    for (size_t i = 0; texts && i < n; i++) free(texts[i]);
    free(texts);
    free(keys);
    return st;
}

static pm_status apply_boxes(pm_pdfdoc *d, char **err)
{
    size_t pages = d->page ? d->page : 1;
    double s = d->pb.slug, b = d->pb.bleed;
    char trim[160], bleed[160];
    snprintf(trim, sizeof trim, "[ %.4f %.4f %.4f %.4f ]", s, s, s + d->w, s + d->h);
    snprintf(bleed, sizeof bleed, "[ %.4f %.4f %.4f %.4f ]", s - b, s - b, s + d->w + b, s + d->h + b);
    pm_pdfpage_key *keys = calloc(2 * pages, sizeof *keys);
    if (!keys) return PM_ENOMEM;
    for (size_t i = 0; i < pages; i++) {
        keys[2 * i] = (pm_pdfpage_key){ i, "TrimBox", trim };
        keys[2 * i + 1] = (pm_pdfpage_key){ i, "BleedBox", bleed };
    }
    pm_status st = apply_keys(&d->data, &d->len, keys, 2 * pages, err);
    free(keys);
    return st;
}

pm_status pm_pdfdoc_finish(pm_pdfdoc *d, char **err)
{
    cairo_surface_finish(d->surface);
    pm_status st = cairo_surface_status(d->surface) == CAIRO_STATUS_SUCCESS ? PM_OK
                 : d->oom ? PM_ENOMEM : PM_EINTERNAL;
    if (st && err) *err = pm_asprintf("cannot make the PDF: %s", pm_strerror(st));
    if (!st) st = d->print ? apply_boxes(d, err) : apply_viewports(d, &d->data, &d->len, err);
    if (!st) d->finished = 1;
    return st;
}

const unsigned char *pm_pdfdoc_bytes(const pm_pdfdoc *d, size_t *len)
{
    *len = d->finished ? d->len : 0;
    return d->finished ? d->data : NULL;
}

static pm_status convert(pm_pdfdoc *d, const char *path, unsigned char **out, size_t *len, char **err)
{
    const double ink[3] = { PM_INK.r, PM_INK.g, PM_INK.b }; /* text: solid black */
    unsigned char *prep = NULL;
    size_t plen = 0;
    pm_tmpfile tf = { 0 };
    pm_status st = pm_pdfx_prepare(d->data, d->len, ink, &prep, &plen, err);
    if (!st) st = pm_tmpfile_begin(&tf, path, err);
    pm_pdfx_opts o = { d->title, NULL, d->date, tf.tmp, path };
    if (!st) st = pm_pdfx_convert(prep, plen, &o, out, len, err);
    pm_tmpfile_abort(&tf);
    free(prep);
    if (!st) st = apply_viewports(d, out, len, err);
    return st;
}

pm_status pm_pdfdoc_write(pm_pdfdoc *d, const char *path, int *unchanged, char **err)
{
    if (unchanged) *unchanged = 0;
    pm_status st = d->finished ? PM_OK : PM_EINTERNAL;
    unsigned char *x = NULL;
    size_t xlen = 0;
    char *msg = NULL;
    if (!st && d->print) st = convert(d, path, &x, &xlen, &msg);
    if (!st) st = pm_write_if_changed(path, x ? x : d->data, x ? xlen : d->len, unchanged, &msg);
    if (st && err) {
        if (msg && strncmp(msg, path, strlen(path)) == 0) { *err = msg; msg = NULL; }
        else *err = pm_asprintf("%s: %s", path, msg ? msg : pm_strerror(st));
    }
    free(msg);
    free(x);
    pm_pdfdoc_abort(d);
    return st;
}

pm_status pm_pdfdoc_end(pm_pdfdoc *d, const char *path, int *unchanged, char **err)
{
    char *msg = NULL;
    pm_status st = pm_pdfdoc_finish(d, &msg);
    if (st) {
        if (err) *err = pm_asprintf("%s: %s", path, msg ? msg : pm_strerror(st));
        free(msg);
        pm_pdfdoc_abort(d);
        return st;
    }
    return pm_pdfdoc_write(d, path, unchanged, err);
}

void pm_pdfdoc_abort(pm_pdfdoc *d)
{
    if (d->surface) cairo_surface_destroy(d->surface);
    free(d->data);
    free(d->title);
    for (size_t i = 0; i < d->nvp; i++) free(d->vps[i].dict);
    free(d->vps);
    pm_geopdf_crs_free(d->vpcrs);
    memset(d, 0, sizeof *d);
}
