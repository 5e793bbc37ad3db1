/* Print stage: an A1 poster (vector PDF and PNG preview) per selected map and year. */
#include <stdlib.h>

#include "app/layout.h"
#include "app/print_prod.h"
#include "app/stage.h"
#include "core/clock.h"
#include "print/poster.h"
#include "render/text.h"

static void plan(const pm_runctx *rc, int year, pm_plan *pl)
{
    const pm_project *p = rc->p;
    for (size_t k = 0; k < p->nsel; k++) {
        char why[256];
        int same;
        if (!pm_runctx_draws(rc, p->sel[k], year, why, sizeof why, &same)) continue;
        pm_plan_add(pl, pm_layout_poster(rc->o.out, year, p->styles[p->sel[k]]->id, "pdf"), NULL);
        pm_plan_add(pl, pm_layout_poster(rc->o.out, year, p->styles[p->sel[k]]->id, "png"), NULL);
        if (rc->o.production)
            pm_plan_add(pl, pm_layout_poster(rc->o.out, year, p->styles[p->sel[k]]->id, "print.pdf"),
                        "(PDF/X-3, CMYK)");
    }
}

static pm_status run(const pm_runctx *rc, int year, FILE *err)
{
    const pm_project *p = rc->p;
    pm_text *text = NULL;
    char *msg = NULL;
    long yi = pm_results_year(&p->res, year);
    if (yi < 0) return PM_EINTERNAL;
    pm_status st = pm_text_new(p->cfg->font, &text, &msg);
    if (st) {
        fprintf(err, "partymap: font: %s\n", msg ? msg : pm_strerror(st));
        free(msg);
        return st;
    }
    for (size_t k = 0; !st && k < p->nsel; k++) {
        if ((st = pm_stage_cancelled()) != PM_OK) break;
        size_t i = p->sel[k];
        double t0 = pm_clock_now();
        char why[256];
        int same;
        if (!pm_runctx_draws(rc, i, year, why, sizeof why, &same)) {
            if (!rc->o.quiet) fprintf(err, "partymap: %d %-12s no poster: %s\n", year, p->styles[i]->id, why);
            continue;
        }
        const pm_thematic *th = &pm_results_at(&p->res, i, (size_t)yi)->th;
        char *pdf = pm_layout_poster(rc->o.out, year, p->styles[i]->id, "pdf");
        char *png = pm_layout_poster(rc->o.out, year, p->styles[i]->id, "png");
        char *prn = pm_layout_poster(rc->o.out, year, p->styles[i]->id, "print.pdf");
        pm_poster poster = { p->cfg, p->ds, &p->an, &rc->print, th, rc->made, 0 };
        pm_prod_paths to = { pdf, png, prn };
        /* the screen PDF and preview, the preflight, the print PDF with production */
        st = pdf && png && prn ? pm_prod_poster(rc, &poster, text, &to, err) : PM_ENOMEM;
        (void)t0;
        free(pdf);
        free(png);
        free(prn);
    }
    pm_text_free(text);
    return st;
}

const pm_stage pm_stage_print = { "print", PM_STAGE_PER_YEAR, PM_NEED_PRINT_SCENE, 0, plan, run };
