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

/* The poster's label coverage: labelled / total, and the names left out. */
static pm_status report_labels(const pm_poster *poster, pm_text *text, int year, const char *id,
                               FILE *err)
{
    double w, h;
    if (!pm_page_size(poster->cfg->page, poster->cfg->landscape, &w, &h)) return PM_OK;
    pm_poster_labels *pl = calloc(1, sizeof *pl);
    if (!pl) return PM_ENOMEM;
    pm_status st = pm_poster_place_labels(poster, text, w, h, pl);
    if (!st) {
        size_t n = pl->sym.n, k = pl->labels.count;
        fprintf(err, "partymap: %d %-12s labels %zu/%zu (%.1f%%)", year, id, k, n,
                n ? 100.0 * (double)k / (double)n : 100.0);
        unsigned char *done = calloc(n + 1, 1);
        for (size_t i = 0; done && i < k; i++) done[pl->labels.items[i].cand] = 1;
        size_t shown = 0;
        for (size_t i = 0; done && i < n; i++) {
            if (done[i]) continue;
            if (shown++ < 8) fprintf(err, "%s%s", shown == 1 ? "; no room for " : "、", pl->sym.cands[i].text);
        }
        if (shown > 8) fprintf(err, " (+%zu)", shown - 8);
        fputc('\n', err);
        free(done);
    }
    pm_poster_labels_fini(pl);
    free(pl);
    return st;
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
        if (!st && !rc->o.quiet) st = report_labels(&poster, text, year, p->styles[i]->id, err);
        (void)t0;
        free(pdf);
        free(png);
        free(prn);
    }
    pm_text_free(text);
    return st;
}

const pm_stage pm_stage_print = { "print", PM_STAGE_PER_YEAR, PM_NEED_PRINT_SCENE, 0, plan, run };
