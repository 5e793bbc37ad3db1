/* Colour-blind safety of palettes: ColorBrewer's ratings, and a simulation for custom colours. */
#ifndef PM_STYLE_CBSAFE_H
#define PM_STYLE_CBSAFE_H

#include <stddef.h>
#include "style/style.h"

/* ColorBrewer (colorbrewer2.org) rates each scheme and class count for readers with
 * red-green colour vision deficiency: safe, "maybe" (not rated safe) or not safe. */
typedef enum { PM_CB_UNRATED = 0, PM_CB_SAFE, PM_CB_MAYBE, PM_CB_UNSAFE } pm_cb_rating;

/* The rating of scheme name at n classes (n < 3 as 3: two classes are the ends of the
 * 3-class scheme); PM_CB_UNRATED for names ColorBrewer does not know ("custom").
 * Thread-safe (static table). */
pm_cb_rating pm_palette_cb_rating(const char *name, size_t n);
/* "colour-blind safe", "not rated colour-blind safe", "not colour-blind safe", "unrated". */
const char *pm_cb_rating_text(pm_cb_rating r);

/* For colours ColorBrewer cannot rate: 1 if two of the n colours look alike to
 * protanopes or deuteranopes (Machado, Oliveira and Fernandes 2009, severity 1, in
 * linear sRGB): their CIE76 difference as seen falls below 35 % of the difference in
 * normal vision, or below PM_CVD_MIN_DELTA when that is under half of it.  The worst pair goes to *a < *b with its
 * differences as seen and in normal vision (INFINITY for fewer than two colours). */
int pm_palette_cvd_confusion(const pm_rgba *c, size_t n, size_t *a, size_t *b, double *seen,
                             double *normal);
#define PM_CVD_MIN_DELTA 10.0

#endif
