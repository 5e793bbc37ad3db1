/* Atlas stage: the year's diagnosis atlas, a page per committee, into out/YEAR/atlas.pdf. */
#include <stdlib.h>
#include <sys/stat.h>

#include "app/layout.h"
#include "app/print_prod.h"
#include "app/stage.h"
#include "core/clock.h"
#include "print/atlas.h"
#include "render/text.h"

static void plan(const pm_runctx *rc, int year, pm_plan *pl)
{
    pm_plan_add(pl, pm_layout_atlas(rc->o.out, year), "(left alone when unchanged)");
    if (rc->o.production)
        pm_plan_add(pl, pm_layout_atlas_print(rc->o.out, year), "(PDF/X-3, CMYK; left alone when unchanged)");
}

static pm_status run(const pm_runctx *rc, int year, FILE *err)
{
    const pm_project *p = rc->p;
    double t0 = pm_clock_now();
    pm_text *text = NULL;
    char *msg = NULL, *path = NULL;
    pm_status st = pm_stage_cancelled();
    if (!st && (st = pm_text_new(p->cfg->font, &text, &msg)) != PM_OK)
        fprintf(err, "partymap: font: %s\n", msg ? msg : pm_strerror(st));
    if (st) { free(msg); return st; }
    pm_atlas a = { p->cfg, p->ds, &p->an, &rc->print, &p->res, year, 0 };
    int same = 0;
    path = pm_layout_atlas(rc->o.out, year);
    char *prn = pm_layout_atlas_print(rc->o.out, year);
    pm_prod_paths to = { path, NULL, prn };
    /* the screen PDF, its preflight, the print PDF with production */
    st = path && prn ? pm_prod_atlas(rc, &a, text, &to, &same, &msg, err) : PM_ENOMEM;
    free(prn);
    if (st) {
        fprintf(err, "partymap: atlas: %s\n", msg ? msg : pm_strerror(st));
    } else if (!rc->o.quiet) {
        struct stat sb;
        double mb = stat(path, &sb) == 0 ? (double)sb.st_size / 1e6 : 0;
        fprintf(err, "partymap: %d atlas        %s (%zu pages, %.1f MB%s) %.2f s\n", year, path,
                pm_atlas_page_count(&a), mb, same ? ", unchanged" : "", pm_clock_now() - t0);
    }
    free(path);
    free(msg);
    pm_text_free(text);
    return st;
}

const pm_stage pm_stage_atlas = { "atlas", PM_STAGE_PER_YEAR, PM_NEED_PRINT_SCENE, 0, plan, run };
