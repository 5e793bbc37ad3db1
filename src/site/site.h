/* The static website: a publishable folder with Leaflet, legend, switchers, search, popups, table view. */
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
    const size_t *atlas_page;      /* per committee, its page in atlas.pdf (1 = the
                                    * cover), or NULL: no links to the atlas */
} pm_website;

/* What pm_site_write did, for the run's summary. */
typedef struct {
    size_t linked, copied, kept, removed; /* published files: hard links made, copies
                                           * (no links on that file system), kept as
                                           * they were, stale ones removed */
    size_t index_files;                   /* interaction index and points files */
    int index_zoom;
} pm_site_summary;

/* Writes out_dir/site/, the folder to publish (everything a static host needs,
 * relative paths only, nothing else):
 *   index.html (from the source tree's site/ with the head's title and share
 *   tags), app.js (the parts in site/js/, in order), style.css, favicon.svg, favicon.png,
 *   apple-touch-icon.png; lib/leaflet/ (Debian's libjs-leaflet, its minified
 *   leaflet.min.js when shipped, else leaflet.js, as leaflet.js);
 *   data.js (sitedata.h), names.js and table/ (sitenames.h), index/ and points/
 *   (siteindex.h);
 *   YEAR/tiles/MAP/ for every listed year (the tiles of out_dir/YEAR/tiles/MAP/,
 *   which stay where they are: hard links, copies where links fail), YEAR/print/
 *   (posters and previews), YEAR/atlas.pdf, YEAR/evaluation.csv and .xlsx where they
 *   exist; share.png (the latest year's preview of the first map, for og:image)
 *   and basemap/ (a local basemap folder) when there are any.
 * Files no longer produced (tiles of a map or year gone, index files of committees
 * that moved) are removed; other files under out_dir/site/ are left alone.
 * It indexes the tiles present under out_dir/YEAR/tiles/MAP/, so write the site
 * after the other outputs.  Every file is written atomically; a file whose bytes
 * are unchanged is not rewritten.  PM_EDATA if a year has no evaluation data or a
 * style's indicator is unknown (then nothing is written), PM_EIO if an asset or
 * Leaflet is missing or a write fails, PM_ENOMEM; *err describes the problem
 * (caller frees); PM_ECANCEL at the next file once SIGINT or SIGTERM asked the run
 * to stop (the files written so far are whole; nothing is pruned).  summary may be
 * NULL.  Thread-safe (reads only). */
pm_status pm_site_write(const pm_website *site, const char *out_dir, pm_site_summary *summary, char **err);

/* The files pm_site_write writes whatever the years, relative to out_dir/site/,
 * NULL-terminated, for dry runs; Leaflet's images and the index tiles appear as
 * patterns ("*", "{z}/{x}/{y}").  The published copies of each year (YEAR/tiles/MAP/,
 * YEAR/print/, YEAR/atlas.pdf, YEAR/evaluation.*, table/YEAR/MAP.js, share.png) follow
 * the years and maps the run has.  Static. */
const char *const *pm_site_files(void);

#endif
