/* Site stage: the static website in out/site/ for every year that has tiles. */
#include <stdlib.h>

#include "app/layout.h"
#include "app/stage.h"
#include "core/fileio.h"
#include "site/site.h"

static void plan(const pm_runctx *rc, int year, pm_plan *pl)
{
    (void)year;
    for (const char *const *f = pm_site_files(); *f; f++)
        pm_plan_add(pl, pm_layout_site(rc->o.out, *f), "(rewritten only when changed)");
}

static pm_status run(const pm_runctx *rc, int year, FILE *err)
{
    (void)year;
    const pm_project *p = rc->p;
    pm_status st = pm_stage_cancelled();
    if (st) return st;
    int *years = calloc(p->ds->nyears + 1, sizeof *years);
    if (!years) return PM_ENOMEM;
    size_t n = 0;
    for (size_t y = 0; y < p->ds->nyears; y++) {
        char *dir = pm_layout_year_tiles(rc->o.out, p->ds->years[y]);
        if (dir && pm_path_exists(dir)) years[n++] = p->ds->years[y];
        free(dir);
    }
    if (n == 0) {
        fprintf(err, "partymap: site: no year has tiles in %s yet; render tiles first "
                "(--only tiles,site)\n", rc->o.out);
        free(years);
        return PM_EUSAGE;
    }
    pm_website site = { p->cfg, p->ds, &p->an, (const pm_style *const *)p->styles, p->nstyles,
                        &p->res, years, n, p->cfg->minzoom, p->cfg->maxzoom };
    char *msg = NULL;
    st = pm_site_write(&site, rc->o.out, &msg);
    if (st) fprintf(err, "partymap: site: %s\n", msg ? msg : pm_strerror(st));
    else if (!rc->o.quiet) fprintf(err, "partymap: site %s/site/index.html (%zu year%s)\n", rc->o.out, n,
                                   n > 1 ? "s" : "");
    free(msg);
    free(years);
    return st;
}

const pm_stage pm_stage_site = { "site", PM_STAGE_ONCE, 0, 0, plan, run };
