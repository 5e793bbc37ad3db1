/* Data stages: the year's spreadsheets, and the GeoPackage of every year. */
#include <stdlib.h>

#include "app/layout.h"
#include "app/stage.h"
#include "core/clock.h"
#include "export/export.h"

static pm_export_src source(const pm_runctx *rc)
{
    const pm_project *p = rc->p;
    return (pm_export_src){ p->cfg, p->ds, &p->an, &p->res, rc->source_time };
}

static void plan_sheets(const pm_runctx *rc, int year, pm_plan *pl)
{
    pm_plan_add(pl, pm_layout_sheet(rc->o.out, year, "xlsx"), NULL);
    pm_plan_add(pl, pm_layout_sheet(rc->o.out, year, "csv"), NULL);
}

static pm_status run_sheets(const pm_runctx *rc, int year, FILE *err)
{
    double t0 = pm_clock_now();
    pm_export_src src = source(rc);
    char *msg = NULL;
    char *xlsx = pm_layout_sheet(rc->o.out, year, "xlsx"), *csv = pm_layout_sheet(rc->o.out, year, "csv");
    pm_status st = pm_stage_cancelled();
    if (!st) st = xlsx && csv ? pm_export_sheets(&src, year, xlsx, csv, &msg) : PM_ENOMEM;
    if (st && st != PM_ECANCEL) fprintf(err, "partymap: data: %s\n", msg ? msg : pm_strerror(st));
    else if (!st && !rc->o.quiet)
        fprintf(err, "partymap: %d data         %s (+ .csv) %.2f s\n", year, xlsx, pm_clock_now() - t0);
    free(msg);
    free(xlsx);
    free(csv);
    return st;
}

static void plan_gpkg(const pm_runctx *rc, int year, pm_plan *pl)
{
    (void)year;
    pm_plan_add(pl, pm_layout_gpkg(rc->o.out), NULL);
}

static pm_status run_gpkg(const pm_runctx *rc, int year, FILE *err)
{
    (void)year;
    double t0 = pm_clock_now();
    pm_export_src src = source(rc);
    char *msg = NULL, *path = pm_layout_gpkg(rc->o.out);
    pm_status st = pm_stage_cancelled();
    if (!st) st = path ? pm_export_gpkg(&src, path, &msg) : PM_ENOMEM;
    if (st && st != PM_ECANCEL) fprintf(err, "partymap: data: %s\n", msg ? msg : pm_strerror(st));
    else if (!st && !rc->o.quiet)
        fprintf(err, "partymap: data %s (%zu years, %zu maps) %.2f s\n", path, rc->p->res.nyears,
                rc->p->res.nmaps, pm_clock_now() - t0);
    free(msg);
    free(path);
    return st;
}

const pm_stage pm_stage_sheets = { "data", PM_STAGE_PER_YEAR, 0, 0, plan_sheets, run_sheets };
const pm_stage pm_stage_gpkg = { "data", PM_STAGE_ONCE, 0, 0, plan_gpkg, run_gpkg };
