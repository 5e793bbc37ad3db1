/* The run context: everything a render's stages read, built once after loading and frozen. */
#ifndef PM_APP_CONTEXT_H
#define PM_APP_CONTEXT_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include "app/project.h"
#include "render/scene.h"

/* Render options: what the command line asked of a render, as the stages see it. */
typedef struct {
    const char *out;           /* output folder (the config's unless --out) */
    int quiet;                 /* no progress messages */
    size_t jobs;               /* rendering threads (>= 1) */
    unsigned shard_k, shard_n; /* --shard K/N; n <= 1: no sharding */
    int dry_run;               /* list what would be written, write nothing */
    int production;            /* also the print PDFs (--production or the config's
                                * "print": {"production": true}) */
    int print, atlas, tiles, data; /* the stages of those kinds run (the site's dry run
                                    * lists what they publish) */
} pm_runopts;

/* Scenes a stage needs: bits of pm_stage.needs. */
enum { PM_NEED_PRINT_SCENE = 1, PM_NEED_MERC_SCENE = 2 };

/* Frozen once built: every stage receives it const and only reads it, so stages may
 * run in any order and rendering threads share it. */
typedef struct {
    const pm_project *p;   /* config, dataset, analysis, styles, results, --maps selection */
    pm_runopts o;
    int *years;            /* the years to render, ascending (owned) */
    size_t nyears;
    pm_scene print;        /* in the config's print CRS (posters, atlas), if needed */
    pm_scene merc;         /* in EPSG:3857 (tiles), if needed */
    int has_print, has_merc;
    time_t source_time;    /* the time outputs record: SOURCE_DATE_EPOCH when set, else
                            * when the newest input file changed, else now */
    char made[16];         /* that day as YYYY-MM-DD (poster credits) */
    uint64_t inputs;       /* shards: the hash of the run's inputs (pm_identity_inputs), which
                            * their packages record so that merge refuses mixed runs */
    int has_inputs;
} pm_runctx;

/* Builds the context of a render of p: the years (year_opt: -1 every year of the data,
 * 0 the config's "years" or else the latest, or one year) and the scenes that needs
 * asks for.  Problems go to err; PM_EUSAGE for a year without data, PM_EDATA for an
 * unusable print CRS, PM_ENOMEM.  out is initialised; free with pm_runctx_fini.  p
 * must outlive it. */
pm_status pm_runctx_build(const pm_project *p, const pm_runopts *o, int year_opt, unsigned needs,
                          FILE *err, pm_runctx *out);
void pm_runctx_fini(pm_runctx *rc);

/* Whether map m (index into the styles and results) is drawn for year (posters and
 * tiles): not when no committee has a value (the first year of a change against the
 * year before).  The reason into why ("" when drawn); *same_as gets the earlier year
 * whose values this year repeats exactly (0 if none: a map whose data do not change
 * by year, which its legend then says).  Pure. */
int pm_runctx_draws(const pm_runctx *rc, size_t m, int year, char *why, size_t len, int *same_as);

/* The time outputs record for the config's inputs (see source_time). */
time_t pm_runctx_source_time(const pm_config *c);

#endif
