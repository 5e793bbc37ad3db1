/* Site output: collects the years that have tiles and writes the static website. */
#include <stdlib.h>

#include "app/outputs.h"
#include "core/fileio.h"
#include "print/atlas.h"
#include "site/site.h"

pm_status pm_out_site(const pm_project *p, const char *out, const pm_cmd_opts *o, FILE *err)
{
    int *years = calloc(p->ds->nyears + 1, sizeof *years);
    size_t *pages = calloc(p->ds->ncommittees + 1, sizeof *pages);
    if (!years || !pages) { free(years); free(pages); return PM_ENOMEM; }
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
        free(pages);
        return PM_EUSAGE;
    }
    /* The popups link to each committee's page of the year's atlas (where it exists). */
    pm_atlas atlas = { p->cfg, p->ds, &p->an, NULL, (const pm_style *const *)p->styles, p->nstyles, 0 };
    for (size_t c = 0; c < p->ds->ncommittees; c++) pages[c] = pm_atlas_committee_pdf_page(&atlas, c);
    pm_website site = { p->cfg, p->ds, &p->an, (const pm_style *const *)p->styles, p->nstyles,
                        years, n, p->cfg->minzoom, p->cfg->maxzoom, pages };
    char *msg = NULL;
    double t0 = pm_out_now();
    pm_site_summary sum;
    pm_status st = pm_site_write(&site, out, &sum, &msg);
    if (st) fprintf(err, "partymap: site: %s\n", msg ? msg : pm_strerror(st));
    else if (!o->quiet)
        fprintf(err, "partymap: site %s/site/index.html (%zu year%s; %zu index files at z%d; published "
                "files: %zu linked, %zu copied, %zu kept, %zu removed) %.2f s\n", out, n, n > 1 ? "s" : "",
                sum.index_files, sum.index_zoom, sum.linked, sum.copied, sum.kept, sum.removed, pm_out_now() - t0);
    free(msg);
    free(pages);
    free(years);
    return st;
}
