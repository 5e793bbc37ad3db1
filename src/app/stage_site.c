/* Site stage: the static website in out/site/ for every year that has tiles. */
#include <stdlib.h>

#include "app/layout.h"
#include "app/stage.h"
#include "core/clock.h"
#include "core/fileio.h"
#include "print/atlas.h"
#include "site/site.h"

/* 1 if this run renders year, or an earlier run left its tiles. */
static int site_year(const pm_runctx *rc, int year, int *ran)
{
    *ran = 0;
    for (size_t i = 0; i < rc->nyears && !*ran; i++) *ran = rc->years[i] == year;
    if (*ran && rc->o.tiles) return 1;
    char *dir = pm_layout_year_tiles(rc->o.out, year);
    int there = dir && pm_path_exists(dir);
    free(dir);
    return there;
}

static void plan_pub(const pm_runctx *rc, char *rel, int writes, pm_plan *pl)
{
    char *out = rel ? pm_layout_site(rc->o.out, rel) : NULL;
    char *src = rel ? pm_path_join(rc->o.out, rel) : NULL;
    if (rel && (writes || (src && pm_path_exists(src)))) pm_plan_add(pl, out, "(a hard link)");
    else free(out);
    if (!rel) pl->oom = 1;
    free(src);
    free(rel);
}

static void plan(const pm_runctx *rc, int year, pm_plan *pl)
{
    (void)year;
    const pm_project *p = rc->p;
    for (const char *const *f = pm_site_files(); *f; f++)
        pm_plan_add(pl, pm_layout_site(rc->o.out, *f), "(rewritten only when changed)");
    int last = 0;
    for (size_t y = 0; y < p->ds->nyears; y++) { /* each year's published copies */
        int yr = p->ds->years[y], ran;
        if (!site_year(rc, yr, &ran)) continue;
        last = yr;
        for (size_t m = 0; m < p->nstyles; m++) {
            char why[256], rel[256];
            int same;
            int drawn = pm_runctx_draws(rc, m, yr, why, sizeof why, &same);
            const char *id = p->styles[m]->id;
            snprintf(rel, sizeof rel, "table/%d/%s.js", yr, id);
            pm_plan_add(pl, pm_layout_site(rc->o.out, rel), NULL);
            for (int s = 1; drawn && s <= (p->cfg->hidpi ? 2 : 1); s++) {
                snprintf(rel, sizeof rel, "%d/tiles/%s/{z}/{x}/{y}%s.png", yr, id, s == 2 ? "@2x" : "");
                pm_plan_add(pl, pm_layout_site(rc->o.out, rel), "(hard links)");
            }
            int in_sel = 0;
            for (size_t k = 0; k < p->nsel; k++) in_sel |= p->sel[k] == m;
            plan_pub(rc, pm_asprintf("%d/print/%s.pdf", yr, id), ran && rc->o.print && in_sel && drawn, pl);
            plan_pub(rc, pm_asprintf("%d/print/%s.png", yr, id), ran && rc->o.print && in_sel && drawn, pl);
        }
        plan_pub(rc, pm_asprintf("%d/atlas.pdf", yr), ran && rc->o.atlas, pl);
        plan_pub(rc, pm_asprintf("%d/evaluation.csv", yr), ran && rc->o.data, pl);
        plan_pub(rc, pm_asprintf("%d/evaluation.xlsx", yr), ran && rc->o.data, pl);
    }
    if (last && p->nstyles) { /* the share image: the latest year's preview of the first map */
        char *rel = pm_asprintf("%d/print/%s.png", last, p->styles[0]->id), *src = rel ? pm_path_join(rc->o.out, rel) : NULL;
        int ran = 0;
        for (size_t i = 0; i < rc->nyears; i++) ran |= rc->years[i] == last;
        if (src && ((ran && rc->o.print) || pm_path_exists(src)))
            pm_plan_add(pl, pm_layout_site(rc->o.out, "share.png"), "(a hard link)");
        free(rel);
        free(src);
    }
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
    /* the popups link to each committee's page of the year's atlas */
    size_t *pages = calloc(p->ds->ncommittees + 1, sizeof *pages);
    if (!pages) { free(years); return PM_ENOMEM; }
    pm_atlas atlas = { p->cfg, p->ds, &p->an, NULL, &p->res, 0, 0 };
    if ((st = pm_atlas_pages(&atlas, pages)) != PM_OK) { free(pages); free(years); return st; }
    pm_website site = { p->cfg, p->ds, &p->an, (const pm_style *const *)p->styles, p->nstyles,
                        &p->res, years, n, p->cfg->minzoom, p->cfg->maxzoom, pages };
    char *msg = NULL;
    double t0 = pm_clock_now();
    pm_site_summary sum;
    st = pm_site_write(&site, rc->o.out, &sum, &msg);
    if (st && st != PM_ECANCEL) fprintf(err, "partymap: site: %s\n", msg ? msg : pm_strerror(st));
    else if (!rc->o.quiet)
        fprintf(err, "partymap: site %s/site/index.html (%zu year%s; %zu index files at z%d; published "
                "files: %zu linked, %zu copied, %zu kept, %zu removed) %.2f s\n", rc->o.out, n, n > 1 ? "s" : "",
                sum.index_files, sum.index_zoom, sum.linked, sum.copied, sum.kept, sum.removed,
                pm_clock_now() - t0);
    free(msg);
    free(pages);
    free(years);
    return st;
}

const pm_stage pm_stage_site = { "site", PM_STAGE_ONCE, 0, 0, plan, run };
