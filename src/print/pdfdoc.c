/* In-memory PDF documents with reproducible metadata. */
#include "print/pdfdoc.h"

#include <cairo-pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fileio.h"

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
static void create_date(int year, char *buf, size_t len)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        time_t t = (time_t)strtoll(sde, NULL, 10);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    } else {
        snprintf(buf, len, "%04d-12-31T00:00:00Z", year);
    }
}

pm_status pm_pdfdoc_begin(pm_pdfdoc *d, double w, double h, const char *title, int year)
{
    memset(d, 0, sizeof *d);
    d->surface = cairo_pdf_surface_create_for_stream(mem_write, d, w, h);
    if (cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS) {
        pm_pdfdoc_abort(d);
        return PM_ENOMEM;
    }
    char date[48];
    create_date(year, date, sizeof date);
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, title ? title : "");
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR, "partymap");
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
    return PM_OK;
}

pm_status pm_pdfdoc_end(pm_pdfdoc *d, const char *path, int *unchanged, char **err)
{
    cairo_surface_finish(d->surface);
    pm_status st = cairo_surface_status(d->surface) == CAIRO_STATUS_SUCCESS ? PM_OK
                 : d->oom ? PM_ENOMEM : PM_EINTERNAL;
    if (st && err) *err = pm_asprintf("%s: cannot make the PDF: %s", path, pm_strerror(st));
    if (!st) st = pm_write_if_changed(path, d->data, d->len, unchanged, err);
    pm_pdfdoc_abort(d);
    return st;
}

void pm_pdfdoc_abort(pm_pdfdoc *d)
{
    if (d->surface) cairo_surface_destroy(d->surface);
    free(d->data);
    memset(d, 0, sizeof *d);
}
