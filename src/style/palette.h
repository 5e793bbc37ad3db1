/* ColorBrewer palettes by name. */
#ifndef PM_STYLE_PALETTE_H
#define PM_STYLE_PALETTE_H

#include <stddef.h>
#include "style/style.h"

/* Writes the n-class ColorBrewer scheme `name` (sequential, diverging or qualitative,
 * e.g. "YlGnBu", "RdYlGn", "RdBu", "PuBuGn") into out[0..n-1], lightest/lowest first.
 * Returns PM_EDATA if the name is unknown or n is outside the scheme's range (3..9
 * for sequential, 3..11 for diverging).  Thread-safe (static tables). */
pm_status pm_palette_get(const char *name, size_t n, pm_rgba *out);

/* 1 if the palette name is known (names are case-sensitive, as published). */
int pm_palette_known(const char *name);

/* Largest class count of the scheme (9 sequential, 11 diverging), 0 if unknown. */
size_t pm_palette_max_classes(const char *name);
/* 1 if name is a known diverging scheme. */
int pm_palette_is_diverging(const char *name);
/* The known name equal to name ignoring case ("ylgnbu" → "YlGnBu"), or NULL.
 * Static string; for "did you mean" hints. */
const char *pm_palette_name_like(const char *name);
/* The i-th known name (static), NULL past the end; for listing them in messages. */
const char *pm_palette_name_at(size_t i);

#endif
