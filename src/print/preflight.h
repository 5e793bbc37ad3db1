/* Preflight: what prints badly in a poster or atlas PDF, measured on the PDF itself. */
#ifndef PM_PRINT_PREFLIGHT_H
#define PM_PRINT_PREFLIGHT_H

#include <stddef.h>
#include "analysis/thematic.h"
#include "core/status.h"
#include "style/style.h"

/* The limits a print shop works to. */
#define PM_PREFLIGHT_MIN_TEXT_PT 6.0   /* smaller text is hard to read and to print */
#define PM_PREFLIGHT_MIN_LINE_PT 0.2   /* thinner lines break up on the plate */
#define PM_PREFLIGHT_MIN_TINT 10.0     /* a class colour lighter than this (its largest
                                        * separation, %) can hardly be told from paper */
#define PM_PREFLIGHT_MAX_INK 300.0     /* C + M + Y + K above this (%) smears and sets off */

/* A map's palette and ColorBrewer's colour-blind rating of it. */
typedef struct {
    char *map;          /* style id (owned) */
    char *palette;      /* ColorBrewer name or "custom" (owned) */
    size_t classes;     /* classes drawn */
    int rating;         /* pm_cb_rating */
    size_t worst_a, worst_b; /* custom colours: the pair hardest to tell apart */
    double worst_delta;      /* ... their CIE76 difference under the worse of protanopia
                              * and deuteranopia (custom colours; NAN otherwise) */
    char *worst_pair;        /* ... their labels, "合格 / 良好" (owned, or NULL) */
} pm_preflight_palette;

/* A class colour and what it prints as. */
typedef struct {
    char *what;         /* "service 待提升" (owned) */
    pm_rgba rgb;
    double cmyk[4];     /* 0..1 after the CMYK conversion (NAN before) */
} pm_preflight_class;

/* The figures of one PDF.  Pages are 1-based; 0 = none found. */
typedef struct {
    double min_text_pt;   size_t min_text_page;   /* INFINITY when no text */
    double min_line_pt;   size_t min_line_page;   /* INFINITY when no line */
    size_t nfonts;
    char **not_embedded;  size_t nnot_embedded;   /* BaseFont names (owned) */
    pm_rgba *colors;      size_t ncolors, ccap;   /* distinct colours painted */
    double (*cmyk)[4];                            /* per colour after conversion (owned) */
    double max_ink;       pm_rgba max_ink_rgb;    /* % (NAN until converted) */
    pm_preflight_class *classes; size_t nclasses;
    double min_tint;      size_t min_tint_class;  /* % of classes[min_tint_class] */
    pm_preflight_palette *palettes; size_t npalettes;
    int inks_known;       /* the CMYK conversion ran */
    char *inks_error;     /* why it did not (owned), else NULL */
} pm_preflight;

void pm_preflight_init(pm_preflight *pf);
void pm_preflight_fini(pm_preflight *pf);

/* Measures a PDF (Cairo's, RGB): the smallest text (font size through the text and
 * graphics matrices), the thinnest stroke (and filled rectangle that is a rule), the
 * fonts and whether each is embedded, and every colour painted.  PM_EDATA with *err
 * if the PDF cannot be read. */
pm_status pm_preflight_pdf(pm_preflight *pf, const unsigned char *pdf, size_t len, char **err);

/* Adds a map's classes (tints) and palette (colour-blind rating) for year's th. */
pm_status pm_preflight_map(pm_preflight *pf, const pm_thematic *th);

/* Converts every colour and class colour to CMYK as the print PDF does (pm_pdfx_cmyk,
 * ink_rgb as in pm_pdfx_prepare) and computes the highest total ink and lightest
 * tint.  When Ghostscript is missing or fails, the ink figures stay unknown and
 * inks_error says why; that is not an error of this call (PM_ENOMEM only). */
pm_status pm_preflight_inks(pm_preflight *pf, const double *ink_rgb);

/* Calls fn once per problem found, with a message naming the figure, the limit and
 * where ("text 5.3 pt on page 3 (< 6 pt)", "palette RdYlGn, 5 classes: ColorBrewer
 * does not rate it colour-blind safe", "class satisfaction 较差: tint 6 % (< 10 %)"). */
typedef void (*pm_preflight_fn)(void *ctx, const char *topic, const char *msg);
size_t pm_preflight_problems(const pm_preflight *pf, pm_preflight_fn fn, void *ctx);

#endif
