/* The render command: the pipeline from a loaded project through the stage table. */
#include <stdlib.h>
#include <string.h>

#include "app/commands.h"
#include "app/context.h"
#include "app/layout.h"
#include "app/project.h"
#include "app/stage.h"
#include "core/clock.h"
#include "core/fileio.h"
#include "core/pool.h"

/* The stages a render runs: those of the --only kinds (every kind by default); a shard
 * renders only the stages that run in shards. */
static int wanted(const pm_stage *s, const pm_cmd_opts *o)
{
    unsigned kinds = o->kinds ? o->kinds : pm_stage_all_kinds();
    if (!(kinds & pm_stage_kind_bit(s->kind, strlen(s->kind)))) return 0;
    return o->shard_n <= 1 || s->in_shards;
}

/* The dry run: every wanted stage's plan, year by year, then the once-stages. */
static pm_status plan_all(const pm_runctx *rc, const pm_cmd_opts *o, FILE *f)
{
    pm_plan pl = { f, 0 };
    for (size_t y = 0; y < rc->nyears; y++)
        for (size_t i = 0; i < pm_nstages; i++)
            if (pm_stages[i]->scope == PM_STAGE_PER_YEAR && wanted(pm_stages[i], o))
                pm_stages[i]->plan(rc, rc->years[y], &pl);
    for (size_t i = 0; i < pm_nstages; i++)
        if (pm_stages[i]->scope == PM_STAGE_ONCE && wanted(pm_stages[i], o)) pm_stages[i]->plan(rc, 0, &pl);
    return pl.oom ? PM_ENOMEM : ferror(f) ? PM_EIO : PM_OK;
}

static pm_status run_all(const pm_runctx *rc, const pm_cmd_opts *o, FILE *err)
{
    pm_status st = PM_OK;
    for (size_t y = 0; !st && y < rc->nyears; y++)
        for (size_t i = 0; !st && i < pm_nstages; i++)
            if (pm_stages[i]->scope == PM_STAGE_PER_YEAR && wanted(pm_stages[i], o))
                st = pm_stages[i]->run(rc, rc->years[y], err);
    for (size_t i = 0; !st && i < pm_nstages; i++)
        if (pm_stages[i]->scope == PM_STAGE_ONCE && wanted(pm_stages[i], o)) st = pm_stages[i]->run(rc, 0, err);
    return st;
}

/* Temporaries of an earlier run that was killed outright: a real run removes them
 * first; a dry run touches nothing.  Only those whose owner's lock is free go (core/
 * tmpfile.h): the shards of one run may write into one folder from several hosts or
 * PID namespaces, and each one's live temporaries stay locked. */
static void clean_stale(const pm_runopts *o, FILE *err)
{
    size_t stale = 0;
    char *msg = NULL;
    if (pm_clean_stale_tmp(o->out, &stale, &msg) != PM_OK) {
        fprintf(err, "partymap: %s\n", msg);
        free(msg);
    } else if (stale && !o->quiet) {
        fprintf(err, "partymap: removed %zu temporary file(s) left by an interrupted run\n", stale);
    }
}

pm_status pm_cmd_render(const pm_cmd_opts *o, FILE *err)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_project p;
    pm_runctx rc = { 0 };
    double t0 = pm_clock_now();
    pm_status st = pm_project_open(o->config, o->maps, &d, &p);
    pm_diag_print(&d, err);
    if (st) {
        if (st == PM_EDATA) fprintf(err, "partymap: %zu problem(s) in the input; nothing was written\n", d.errors);
        goto done;
    }
    pm_runopts ro = { o->out ? o->out : p.cfg->output, o->quiet, o->jobs ? o->jobs : pm_pool_cores(),
                      o->shard_k, o->shard_n, o->dry_run, o->production || p.cfg->print_production,
                      0, 0, 0, 0 };
    ro.print = wanted(&pm_stage_print, o);
    ro.atlas = wanted(&pm_stage_atlas, o);
    ro.tiles = wanted(&pm_stage_tiles, o);
    ro.data = wanted(&pm_stage_sheets, o);
    if (ro.tiles && (st = pm_stage_tiles_check_plan(&p, &d)) != PM_OK) { /* before any drawing */
        pm_diag_print(&d, err);
        fprintf(err, "partymap: nothing was written\n");
        goto done;
    }
    unsigned needs = 0;
    for (size_t i = 0; i < pm_nstages; i++)
        if (wanted(pm_stages[i], o)) needs |= pm_stages[i]->needs;
    if ((st = pm_runctx_build(&p, &ro, o->year, needs, err, &rc)) != PM_OK) goto done;
    if (o->dry_run) {
        st = plan_all(&rc, o, stdout);
        for (size_t m = 0; !st && m < p.res.nmaps; m++) /* what a new year changes in earlier ones */
            if (p.res.moved[m])
                fprintf(err, "partymap: note: %s: the latest year moved the class breaks, which come from every "
                        "year's values (%s): earlier years' posters and tiles of this map were drawn with the "
                        "old breaks, so render them again (--year all) to keep the series comparable, or fix "
                        "the reference years with \"classify\": {\"years\": [...]} in %s.json\n",
                        p.styles[m]->id, p.res.moved[m], p.styles[m]->id);
        goto done;
    }
    clean_stale(&ro, err);
    st = run_all(&rc, o, err);
    if (!st && !o->quiet) fprintf(err, "partymap: done in %.2f s\n", pm_clock_now() - t0);
    if (!st && p.ndropped) {
        fprintf(err, "partymap: %zu map(s) could not be drawn (see the problems above); the others were\n",
                p.ndropped);
        st = PM_EDATA;
    }
    if (st == PM_ECANCEL) fprintf(err, "partymap: stopped by a signal; the outputs written so far are "
                                       "complete, the rest were not started\n");
done:
    pm_runctx_fini(&rc);
    pm_project_fini(&p);
    pm_diag_fini(&d);
    return st;
}
