/* Print production: an RGB PDF from Cairo to a CMYK PDF/X-3 through Ghostscript. */
#ifndef PM_PRINT_PDFX_H
#define PM_PRINT_PDFX_H

#include <stddef.h>
#include <time.h>
#include "core/status.h"
#include "style/style.h"

/* Ghostscript's own CMYK output profile (Debian: libgs-common, installed with
 * ghostscript): the Artifex CMYK SWOP profile, free to redistribute. */
#define PM_PDFX_ICC "/usr/share/color/icc/ghostscript/default_cmyk.icc"

/* Neutral colours within this of grey (and within it of the house ink, which becomes
 * solid black) go to DeviceGray, i.e. the black plate alone. */
#define PM_PDFX_NEUTRAL_TOL 0.025

/* Rewrites every content stream of the pages (and of the form XObjects they draw) of
 * Cairo's PDF so that neutral colours are DeviceGray and the house ink (ink_rgb, may
 * be NULL) is solid black: pm_pdfcontent_gray on each, as an incremental update.
 * *out (caller frees).  PM_EDATA with *err if the PDF cannot be read. */
pm_status pm_pdfx_prepare(const unsigned char *pdf, size_t len, const double *ink_rgb,
                          unsigned char **out, size_t *out_len, char **err);

typedef struct {
    const char *title;  /* the document title (UTF-8) */
    const char *icc;    /* CMYK output profile; NULL: PM_PDFX_ICC */
    time_t date;        /* creation date of the output (SOURCE_DATE_EPOCH for gs) */
    const char *work;   /* temporaries are named work + ".in.pdf" etc. (a
                         * pm_tmpfile name beside the output, so that a killed run's
                         * leftovers are found and removed) */
    const char *what;   /* the output's name for messages */
} pm_pdfx_opts;

/* Converts a prepared PDF to PDF/X-3:2002 in CMYK with Ghostscript's pdfwrite
 * (ColorConversionStrategy=CMYK, an OutputIntent with the profile embedded, fonts
 * embedded, page boxes kept, no page rotation), gives it a file ID derived from its
 * bytes (gs draws one from the clock) so that equal input gives equal bytes, and
 * returns it in *out (caller frees).  Why X-3, not X-4: Debian 12's Ghostscript
 * (10.0) writes X-3 only, X-3 is what every shop's RIP accepts, and the print
 * drawing has no transparency, which is all X-4 would add.  Errors name o->what:
 * PM_EIO when gs is missing, fails (its last message quoted) or temporaries cannot
 * be written; temporaries are removed either way. */
pm_status pm_pdfx_convert(const unsigned char *pdf, size_t len, const pm_pdfx_opts *o,
                          unsigned char **out, size_t *out_len, char **err);

/* The CMYK (0..1) that the same conversion gives each of n colours (neutral colours
 * and ink_rgb handled as pm_pdfx_prepare does), from one gs run on a page of
 * swatches; temporaries under $TMPDIR.  Errors as pm_pdfx_convert. */
pm_status pm_pdfx_cmyk(const pm_rgba *rgb, size_t n, const double *ink_rgb, double (*cmyk)[4],
                       char **err);

#endif
