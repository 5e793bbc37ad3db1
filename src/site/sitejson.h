/* JSON helpers shared by the site's writers: sticky failure flags, numbers, script text. */
#ifndef PM_SITE_SITEJSON_H
#define PM_SITE_SITEJSON_H

#include <jansson.h>
#include <stddef.h>
#include "geo/geom.h"
#include "core/status.h"
#include "site/sitepub.h"
#include "style/style.h"

/* json_object_set_new / json_array_append_new that set *bad on failure (jansson's
 * *_new calls take ownership of v even when they fail, so the caller goes on and
 * checks *bad once at the end). */
void pm_sj_put(json_t *o, const char *key, json_t *v, int *bad);
void pm_sj_push(json_t *a, json_t *v, int *bad);

/* Whole numbers (counts, ranks) as integers, others as reals; NAN as null. */
json_t *pm_sj_num(double v);
/* [lon, lat] rounded to 6 decimals (10 cm). */
json_t *pm_sj_coord(pm_pt p);
/* "#rrggbb" of c. */
json_t *pm_sj_hex(pm_rgba c);
/* A string, or null for NULL. */
json_t *pm_sj_str_or_null(const char *s);

/* The text of a site script: prefix, then root as compact JSON (keys in insertion
 * order, reals with 10 significant digits) with '<', '>', '&', U+2028 and U+2029 as
 * \uXXXX escapes (so that no string ends the script or opens a tag: they only occur
 * inside JSON strings, where the escape is exact), then suffix.  New buffer (caller
 * frees) with *len, or NULL when out of memory. */
char *pm_sj_script(const char *prefix, const json_t *root, const char *suffix, size_t *len);

/* Writes site_dir/KEY.js holding PARTYMAP_LOAD("KEY", root); (the page's loader
 * for files fetched on demand: a script works from file://, where fetch does not),
 * unless it already holds these bytes, and adds "KEY.js" to written.  PM_EIO or
 * PM_ENOMEM with *err (caller frees); PM_ECANCEL (nothing written) once a signal
 * asked the run to stop (core/cancel.h). */
pm_status pm_sj_write_script(const char *site_dir, const char *key, const json_t *root, pm_pathset *written,
                             char **err);

#endif
