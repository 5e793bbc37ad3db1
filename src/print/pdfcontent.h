/* PDF content streams: a scanner of operators and their operands (ISO 32000-1 §7.8.2). */
#ifndef PM_PRINT_PDFCONTENT_H
#define PM_PRINT_PDFCONTENT_H

#include <stddef.h>
#include "core/status.h"

#define PM_PDFOP_MAXNUM 8

/* One operator with its operands, as the scanner saw them.  Borrowed, valid during
 * the callback only. */
typedef struct {
    char op[8];                 /* "rg", "Tj", "cm"...; longer operators are cut */
    size_t nargs;               /* operands of any type */
    size_t nnum;                /* the last numeric operands (up to PM_PDFOP_MAXNUM) */
    double num[PM_PDFOP_MAXNUM];
    int all_numbers;            /* every operand is a number */
    int shows_text;             /* a string operand (or an array holding one) is not
                                 * empty: text that prints */
    const unsigned char *start; /* first byte of the first operand (or the operator) */
    const unsigned char *end;   /* one past the operator */
} pm_pdfop;

/* Calls fn for every operator of the content stream in order; fn returns 0 to go
 * on, non-zero to stop (returned as PM_ECANCEL).  Inline images (BI ... ID ... EI)
 * are skipped whole.  PM_EDATA on a malformed stream. */
typedef int (*pm_pdfop_fn)(void *ctx, const pm_pdfop *op);
pm_status pm_pdfcontent_scan(const unsigned char *data, size_t len, pm_pdfop_fn fn, void *ctx);

/* Neutral colours to DeviceGray: every "r g b rg" (and RG) whose components are within
 * tol of each other becomes "y g" (G), y their mean, and a colour within tol of
 * black_rgb (the house ink, may be NULL) becomes "0 g"; everything else is copied byte
 * for byte.  In a CMYK PDF/X conversion DeviceGray stays DeviceGray, which prints on
 * the black plate alone: text and lines in 100 % K, greys as K tints, no C, M or Y.
 * *out (caller frees) and *changed (colour operators rewritten, may be NULL). */
pm_status pm_pdfcontent_gray(const unsigned char *data, size_t len, double tol,
                             const double *black_rgb, unsigned char **out, size_t *out_len,
                             size_t *changed);

#endif
