/* The run context: the years to render, the scenes per output CRS and the recorded time. */
#include "app/context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/identity.h"
#include "core/fileio.h"

time_t pm_runctx_source_time(const pm_config *c)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t t = 0;
    if (sde && *sde) {
        t = (time_t)strtoll(sde, NULL, 10);
    } else {
        const pm_source *src[] = { &c->committees, &c->platforms, &c->projects, &c->evaluations };
        struct stat sb;
        for (size_t i = 0; i < sizeof src / sizeof *src; i++)
            if (src[i]->path && stat(src[i]->path, &sb) == 0 && sb.st_mtime > t) t = sb.st_mtime;
        if (!t) t = time(NULL);
    }
    return t;
}

/* The years: --year all, one --year, the config's "years", or the latest. */
static pm_status pick_years(const pm_project *p, int year_opt, FILE *err, pm_runctx *rc)
{
    const pm_dataset *ds = p->ds;
    rc->years = calloc(ds->nyears + 1, sizeof *rc->years);
    if (!rc->years) return PM_ENOMEM;
    if (year_opt == -1) {
        memcpy(rc->years, ds->years, ds->nyears * sizeof *rc->years);
        rc->nyears = ds->nyears;
        return PM_OK;
    }
    if (year_opt) {
        if (pm_dataset_year_index(ds, year_opt) < 0) {
            fprintf(err, "partymap: --year %d: the evaluations have no rows for that year\n", year_opt);
            return PM_EUSAGE;
        }
        rc->years[rc->nyears++] = year_opt;
        return PM_OK;
    }
    if (p->cfg->nyears == 0) {
        rc->years[rc->nyears++] = ds->years[ds->nyears - 1];
        return PM_OK;
    }
    for (size_t i = 0; i < p->cfg->nyears; i++)
        if (pm_dataset_year_index(ds, p->cfg->years[i]) < 0) {
            fprintf(err, "partymap: %s: years: %d: the evaluations have no rows for that year\n",
                    pm_path_basename(p->cfg->path), p->cfg->years[i]);
            return PM_EDATA;
        }
    for (size_t y = 0; y < ds->nyears; y++) /* ascending, each year once */
        for (size_t i = 0; i < p->cfg->nyears; i++)
            if (p->cfg->years[i] == ds->years[y]) { rc->years[rc->nyears++] = ds->years[y]; break; }
    return PM_OK;
}

static pm_status scene(const pm_dataset *ds, const char *crs, const char *what, FILE *err,
                       pm_scene *s)
{
    char *msg = NULL;
    pm_status st = pm_scene_build(ds, crs, s, &msg);
    if (st) fprintf(err, "partymap: %s: %s\n", what, msg ? msg : pm_strerror(st));
    free(msg);
    return st;
}

pm_status pm_runctx_build(const pm_project *p, const pm_runopts *o, int year_opt, unsigned needs,
                          FILE *err, pm_runctx *rc)
{
    memset(rc, 0, sizeof *rc);
    rc->p = p;
    rc->o = *o;
    if (rc->o.jobs == 0) rc->o.jobs = 1;
    rc->source_time = pm_runctx_source_time(p->cfg);
    struct tm tm;
    gmtime_r(&rc->source_time, &tm);
    strftime(rc->made, sizeof rc->made, "%Y-%m-%d", &tm);
    pm_status st = pick_years(p, year_opt, err, rc);
    if (!st && !o->dry_run && (needs & PM_NEED_PRINT_SCENE)) {
        st = scene(p->ds, p->cfg->print_crs, "print.crs", err, &rc->print);
        rc->has_print = !st;
    }
    if (!st && !o->dry_run && (needs & PM_NEED_MERC_SCENE)) {
        st = scene(p->ds, "EPSG:3857", "tiles", err, &rc->merc);
        rc->has_merc = !st;
    }
    if (!st && !o->dry_run && o->shard_n > 1) { /* each shard records what it was drawn from */
        char *msg = NULL;
        if ((st = pm_identity_inputs(p, &rc->inputs, &msg)) != PM_OK)
            fprintf(err, "partymap: tiles: %s\n", msg ? msg : pm_strerror(st));
        rc->has_inputs = !st;
        free(msg);
    }
    if (st) pm_runctx_fini(rc);
    return st;
}

int pm_runctx_draws(const pm_runctx *rc, size_t m, int year, char *why, size_t len, int *same_as)
{
    const pm_results *r = &rc->p->res;
    long y = pm_results_year(r, year);
    *same_as = 0;
    if (len) why[0] = '\0';
    if (y < 0) return 1;
    const pm_mapyear *my = pm_results_at(r, m, (size_t)y);
    if (my->nvalid == 0) {
        snprintf(why, len, "no committee has a value%s", y == 0 ? " (the first year: nothing earlier to "
                 "compare with)" : "");
        return 0;
    }
    return 1;
}

void pm_runctx_fini(pm_runctx *rc)
{
    if (!rc) return;
    if (rc->has_print) pm_scene_fini(&rc->print);
    if (rc->has_merc) pm_scene_fini(&rc->merc);
    free(rc->years);
    memset(rc, 0, sizeof *rc);
}
