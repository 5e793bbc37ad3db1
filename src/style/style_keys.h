/* Private to the style module: the keys of issue 22 (points, labels, boundary,
 * outline_width), parsed from the style's JSON root. */
#ifndef PM_STYLE_STYLE_KEYS_H
#define PM_STYLE_STYLE_KEYS_H

#include <stddef.h>
#include "core/status.h"
#include "style/style.h"

/* Sets s's point symbols, label, boundary and outline settings from root (a
 * jansson json_t object, passed as void so jansson stays out of the headers); the
 * house defaults where a key is absent.  Errors go to diag under file and add to
 * *errors; warnings (points that do not contrast with a class fill) too, but do not
 * count.  Returns 0, or -1 when out of memory. */
int pm_style_parse_keys(void *root, pm_style *s, pm_diag *diag, const char *file, size_t *errors);

/* Frees what pm_style_parse_keys allocated in s. */
void pm_style_keys_free(pm_style *s);

#endif
