/* PDF files: reading the objects of a classic-xref PDF and appending an incremental update. */
#ifndef PM_PRINT_PDFEDIT_H
#define PM_PRINT_PDFEDIT_H

#include <stddef.h>
#include "core/status.h"
#include "print/pdfobj.h"

/* A parsed PDF over borrowed bytes (which must outlive it): its cross-reference
 * table (every section, following /Prev), the last trailer and the page list.
 * Cairo and Ghostscript (PDF/X-3) write classic tables; a file with a cross-
 * reference stream or object streams is refused.  Read-only; one thread. */
typedef struct pm_pdf pm_pdf;

/* PM_EDATA with *err (caller frees) naming what is wrong; PM_ENOMEM. */
pm_status pm_pdf_open(const unsigned char *data, size_t len, pm_pdf **out, char **err);
void pm_pdf_free(pm_pdf *p);

size_t pm_pdf_page_count(const pm_pdf *p);
/* Object number of page i (0-based, in page order). */
long pm_pdf_page(const pm_pdf *p, size_t i);
/* The last trailer dictionary (borrowed). */
const pm_pdfv *pm_pdf_trailer(const pm_pdf *p);

/* Object num's value (a new tree, caller frees).  PM_EDATA if missing or malformed. */
pm_status pm_pdf_get(const pm_pdf *p, long num, pm_pdfv **out);
/* v itself, or the object it refers to: then *owned holds the loaded tree (caller
 * frees), else NULL.  NULL if a reference cannot be loaded. */
pm_pdfv *pm_pdf_deref(const pm_pdf *p, pm_pdfv *v, pm_pdfv **owned);
/* Stream object num: its dictionary (caller frees) and its data decoded (no filter
 * or FlateDecode without predictor; caller frees).  PM_EDATA otherwise. */
pm_status pm_pdf_stream(const pm_pdf *p, long num, pm_pdfv **dict, unsigned char **data,
                        size_t *len);

/* An incremental update (ISO 32000-1 §7.5.6): the original bytes untouched, new
 * versions of objects appended, then a cross-reference section and a trailer whose
 * /Prev points at the original one.  Readers see the new objects; the old ones stay
 * in the file. */
typedef struct {
    const pm_pdf *src;
    char *buf;
    size_t len, cap;
    long *nums;
    size_t *offs;
    size_t n, ncap;
    long next;        /* next free object number */
    int oom;
} pm_pdfupd;

pm_status pm_pdfupd_begin(pm_pdfupd *u, const pm_pdf *src, const unsigned char *data,
                          size_t len);
/* A new object number for pm_pdfupd_put. */
long pm_pdfupd_alloc(pm_pdfupd *u);
/* Writes object num (an existing number replaces that object). */
pm_status pm_pdfupd_put(pm_pdfupd *u, long num, const pm_pdfv *value);
/* Writes stream object num: dict (its /Length, /Filter and /DecodeParms are set here)
 * and data, compressed with Flate when compress is set. */
pm_status pm_pdfupd_put_stream(pm_pdfupd *u, long num, pm_pdfv *dict, const unsigned char *data,
                               size_t len, int compress);
/* Appends the cross-reference section and trailer; *out (caller frees) is the whole
 * updated file.  Frees u either way. */
pm_status pm_pdfupd_finish(pm_pdfupd *u, unsigned char **out, size_t *out_len);
void pm_pdfupd_abort(pm_pdfupd *u);

/* One key to set in a page dictionary: value is PDF text ("[ 0 0 10 10 ]"). */
typedef struct {
    size_t page;       /* 0-based */
    const char *key;   /* without '/' */
    const char *value;
} pm_pdfpage_key;

/* Sets the keys in their pages (replacing old values) as one incremental update of
 * pdf; *out (caller frees).  PM_EDATA with *err if pdf cannot be read or a page does
 * not exist. */
pm_status pm_pdf_set_page_keys(const unsigned char *pdf, size_t len, const pm_pdfpage_key *keys,
                               size_t n, unsigned char **out, size_t *out_len, char **err);

#endif
