/* The static website: index.html with Leaflet, legend, switchers, popups, search. */
#ifndef PM_SITE_SITE_H
#define PM_SITE_SITE_H

#include <stddef.h>
#include "analysis/indicators.h"
#include "analysis/results.h"
#include "core/status.h"
#include "data/config.h"
#include "data/dataset.h"
#include "style/style.h"

/* What the site shows; all borrowed.  (Not "pm_site": data/dataset.h already names
 * a platform or project point so.) */
typedef struct {
    const pm_config *cfg;
    const pm_dataset *ds;
    const pm_analysis *an;
    const pm_style *const *styles; /* the maps, in menu order: those of res */
    size_t nstyles;
    const pm_results *res;         /* classes of every map and year */
    const int *years;              /* years whose tiles exist, ascending */
    size_t nyears;
    int minzoom, maxzoom;          /* of the tile pyramids */
} pm_website;

/* Writes out_dir/site/: index.html, app.js, style.css (copied from the source tree's
 * site/ folder), data.js (every listed year's values, classes and colours, committee
 * outlines for popups; see sitedata.h) and a copy of Leaflet from Debian's
 * libjs-leaflet (/usr/share/javascript/leaflet) in lib/leaflet/.  Paths are relative
 * (../YEAR/tiles/MAP/{z}/{x}/{y}{r}.png with {r} "@2x" on HiDPI screens,
 * ../YEAR/print/MAP.pdf), so the site works from file:// and any static host.
 * It indexes the tiles present under out_dir/YEAR/tiles/MAP/, so write the site
 * after the tiles: the page requests only tiles that exist.
 * Every file is written atomically; a file whose bytes are unchanged is not
 * rewritten.  PM_EDATA if a year has no evaluation data or a style's indicator is
 * unknown, PM_EIO if an asset or Leaflet is missing or a write fails, PM_ENOMEM;
 * *err describes the problem (caller frees).  Thread-safe (reads only). */
pm_status pm_site_write(const pm_website *site, const char *out_dir, char **err);

/* The files pm_site_write writes, relative to out_dir/site/, NULL-terminated, for dry
 * runs; Leaflet's images appear as one pattern with a star for the name.  Static. */
const char *const *pm_site_files(void);

#endif
