/* The site's committee lists: names.js (search, every committee) and table/YEAR/MAP.js. */
#ifndef PM_SITE_SITENAMES_H
#define PM_SITE_SITENAMES_H

#include "core/status.h"
#include "site/site.h"
#include "site/sitefigs.h"
#include "site/sitepub.h"

/* Writes site_dir/names.js: PARTYMAP_LOAD("names", {...}) with, in the dataset's
 * order, "code", "name", "initials" (pinyin initials of the name without its unit
 * suffix, see pinyin.h), "initials_other" ({index: initials with another reading
 * where it differs, '.' for none}), "centre" (flat [lon0, lat0, lon1, ...], a point
 * inside each committee, 5 decimals), "parents" (the distinct parent names) and
 * "parent" (per committee an index into parents, or null for the whole list when
 * the data have no parents); and per site year and map site_dir/table/YEAR/MAP.js:
 * PARTYMAP_LOAD("table/YEAR/MAP", {"value", "cls", "rank", "rank_change",
 * "cls_change"}), one array entry per committee (null for none).  Unchanged files
 * are not rewritten; each path goes into written.  PM_EIO or PM_ENOMEM with *err
 * (caller frees).  Thread-safe. */
pm_status pm_sitenames_write(const pm_website *w, const pm_sitefigs *f, const char *site_dir,
                             pm_pathset *written, char **err);

/* The parent (subdistrict, town) of committee c, or NULL when the data have none. */
const char *pm_site_parent(const pm_website *w, size_t c);

/* Length of name without a trailing unit suffix (居委会, 居民委员会, 居民区, 社区,
 * 村委会, 村民委员会, 村, and the configured unit term), as the page's search
 * strips it.  Pure. */
size_t pm_site_name_core(const pm_website *w, const char *name);

#endif
