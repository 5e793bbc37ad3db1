/* Print stage: an A1 poster (vector PDF and PNG preview) per selected map and year. */
#include <stdlib.h>

#include "app/layout.h"
#include "app/stage.h"
#include "core/clock.h"
#include "print/poster.h"
#include "render/text.h"

static void plan(const pm_runctx *rc, int year, pm_plan *pl)
{
    const pm_project *p = rc->p;
    for (size_t k = 0; k < p->nsel; k++) {
        pm_plan_add(pl, pm_layout_poster(rc->o.out, year, p->styles[p->sel[k]]->id, "pdf"), NULL);
        pm_plan_add(pl, pm_layout_poster(rc->o.out, year, p->styles[p->sel[k]]->id, "png"), NULL);
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
        const pm_thematic *th = &pm_results_at(&p->res, i, (size_t)yi)->th;
        char *pdf = pm_layout_poster(rc->o.out, year, p->styles[i]->id, "pdf");
        char *png = pm_layout_poster(rc->o.out, year, p->styles[i]->id, "png");
        pm_poster poster = { p->cfg, p->ds, &p->an, &rc->print, th, rc->made };
        st = pdf && png ? pm_poster_write(&poster, text, pdf, png, &msg) : PM_ENOMEM;
        if (st) fprintf(err, "partymap: %s\n", msg ? msg : pm_strerror(st));
        else if (!rc->o.quiet) fprintf(err, "partymap: %d %-12s %s (+ .png) %.2f s\n", year,
                                       p->styles[i]->id, pdf, pm_clock_now() - t0);
        free(msg);
        msg = NULL;
        free(pdf);
        free(png);
    }
    pm_text_free(text);
    return st;
}

const pm_stage pm_stage_print = { "print", PM_STAGE_PER_YEAR, PM_NEED_PRINT_SCENE, 0, plan, run };
