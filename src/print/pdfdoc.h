/* PDF documents in memory: reproducible metadata and a write that skips unchanged files. */
#ifndef PM_PRINT_PDFDOC_H
#define PM_PRINT_PDFDOC_H

#include <cairo.h>
#include <stddef.h>
#include "core/status.h"

/* A PDF being drawn into memory.  Owned by one thread. */
typedef struct {
    cairo_surface_t *surface; /* draw on this (pages of w × h points) */
    unsigned char *data;
    size_t len, cap;
    int oom;
} pm_pdfdoc;

/* Starts a PDF with title, creator "partymap" and a creation date that does not
 * depend on when it is run (SOURCE_DATE_EPOCH, else 31 December of year), so equal
 * input gives equal bytes.  PM_ENOMEM if Cairo cannot create the surface. */
pm_status pm_pdfdoc_begin(pm_pdfdoc *d, double w, double h, const char *title, int year);

/* Finishes the PDF and writes it to path atomically unless path already holds the
 * same bytes (*unchanged set, may be NULL).  Frees everything, also on failure.
 * *err names the file and the cause (caller frees). */
pm_status pm_pdfdoc_end(pm_pdfdoc *d, const char *path, int *unchanged, char **err);

/* Frees an unfinished document (on a drawing failure). Accepts a zeroed struct. */
void pm_pdfdoc_abort(pm_pdfdoc *d);

#endif
