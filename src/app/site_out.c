/* Site output: collects the years that have tiles and writes the static website. */
#include <stdlib.h>

#include "app/outputs.h"
#include "core/fileio.h"
#include "site/site.h"

pm_status pm_out_site(const pm_project *p, const char *out, const pm_cmd_opts *o, FILE *err)
{
    int *years = calloc(p->ds->nyears + 1, sizeof *years);
    if (!years) return PM_ENOMEM;
    size_t n = 0;
    for (size_t y = 0; y < p->ds->nyears; y++) {
        char *dir = pm_asprintf("%s/%d/tiles", out, p->ds->years[y]);
        if (dir && pm_path_exists(dir)) years[n++] = p->ds->years[y];
        free(dir);
    }
    if (n == 0) {
        fprintf(err, "partymap: site: no year has tiles in %s yet; render tiles first "
                "(--only tiles,site)\n", out);
        free(years);
        return PM_EUSAGE;
    }
    pm_website site = { p->cfg, p->ds, &p->an, (const pm_style *const *)p->styles, p->nstyles,
                     years, n, p->cfg->minzoom, p->cfg->maxzoom };
    char *msg = NULL;
    pm_status st = pm_site_write(&site, out, &msg);
    if (st) fprintf(err, "partymap: site: %s\n", msg ? msg : pm_strerror(st));
    else if (!o->quiet) fprintf(err, "partymap: site %s/site/index.html (%zu year%s)\n", out, n, n > 1 ? "s" : "");
    free(msg);
    free(years);
    return st;
}
