/* PDF documents in memory: reproducible metadata, geospatial viewports, print boxes, and
 * writes that skip unchanged files. */
#ifndef PM_PRINT_PDFDOC_H
#define PM_PRINT_PDFDOC_H

#include <cairo.h>
#include <stddef.h>
#include <time.h>
#include "core/status.h"
#include "render/view.h"

/* The print page around the trimmed page: the design reaches bleed points past the
 * trim on every side (backgrounds and edge bands are drawn into it), and the media
 * reaches slug points past it (crop marks sit between the bleed and the media edge). */
typedef struct {
    double bleed, slug;
    int crop_marks;
} pm_printbox;

/* The print box of the config's print settings: bleed_mm millimetres of bleed, and
 * room for crop marks 5 mm long starting at the bleed when crop_marks is set. */
pm_printbox pm_printbox_make(double bleed_mm, int crop_marks);

typedef struct {
    size_t page;
    char *dict;          /* a /VP entry (owned) */
} pm_pdfdoc_vp;

/* A PDF being drawn into memory.  Owned by one thread. */
typedef struct {
    cairo_surface_t *surface; /* draw on this (see pm_pdfdoc_setup) */
    unsigned char *data;
    size_t len, cap;
    int oom, finished;
    double w, h;              /* the trimmed page, points */
    int print;                /* a print document: pb applies */
    pm_printbox pb;
    char *title;
    time_t date;              /* its creation date */
    size_t page;              /* pages shown so far */
    pm_pdfdoc_vp *vps;
    size_t nvp, vpcap;
    struct pm_geopdf_crs *vpcrs; /* the viewports' CRS, looked up once (owned) */
} pm_pdfdoc;

/* Starts a PDF with title, creator "partymap" and a creation date that does not
 * depend on when it is run (SOURCE_DATE_EPOCH, else 31 December of year), so equal
 * input gives equal bytes.  PM_ENOMEM if Cairo cannot create the surface. */
pm_status pm_pdfdoc_begin(pm_pdfdoc *d, double w, double h, const char *title, int year);
/* The same for print: pages of (w + 2 slug) × (h + 2 slug) points whose TrimBox is the
 * w × h page and whose BleedBox reaches pb->bleed past it. */
pm_status pm_pdfdoc_begin_print(pm_pdfdoc *d, double w, double h, const char *title, int year,
                                const pm_printbox *pb);
/* Sets up a context on d's surface so that its user space is the trimmed page in
 * points (translated by the slug on a print document).  Call once after cairo_create. */
void pm_pdfdoc_setup(const pm_pdfdoc *d, cairo_t *cr);
/* Ends the current page: crop marks on a print document that asks for them, then
 * cairo_show_page.  Pages must be ended this way for viewports to find their page. */
void pm_pdfdoc_show_page(pm_pdfdoc *d, cairo_t *cr);
/* Records that the current page's map frame is view v in crs (a geospatial viewport,
 * pm_geopdf_viewport); name labels it.  PM_EDATA with *err for an unusable CRS. */
pm_status pm_pdfdoc_viewport(pm_pdfdoc *d, const pm_view *v, const char *crs, const char *name,
                             char **err);

/* Finishes the drawing: Cairo's PDF with its page boxes (print) or its viewports
 * (screen) as an incremental update.  Then pm_pdfdoc_bytes gives the file. */
pm_status pm_pdfdoc_finish(pm_pdfdoc *d, char **err);
/* The finished document (borrowed until it is written or freed). */
const unsigned char *pm_pdfdoc_bytes(const pm_pdfdoc *d, size_t *len);

/* Writes the finished document to path atomically unless path already holds the same
 * bytes (*unchanged set, may be NULL).  A print document is first converted: neutral
 * colours to the black plate (pm_pdfx_prepare), PDF/X-3 in CMYK (pm_pdfx_convert),
 * then its viewports.  Frees d, also on failure.  *err names the file and the cause
 * (caller frees). */
pm_status pm_pdfdoc_write(pm_pdfdoc *d, const char *path, int *unchanged, char **err);

/* pm_pdfdoc_finish, then pm_pdfdoc_write. */
pm_status pm_pdfdoc_end(pm_pdfdoc *d, const char *path, int *unchanged, char **err);

/* Frees an unfinished or unwritten document. Accepts a zeroed struct. */
void pm_pdfdoc_abort(pm_pdfdoc *d);

#endif
