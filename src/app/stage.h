/* Output stages: each kind of output is one row of one table, read by the pipeline, the
 * dry run and the --only parser.  A new output is one stage file and one row. */
#ifndef PM_APP_STAGE_H
#define PM_APP_STAGE_H

#include <stddef.h>
#include <stdio.h>
#include "app/context.h"
#include "core/status.h"

/* What a dry run lists: one line per file, "PATH" or "PATH\tNOTE". */
typedef struct {
    FILE *f;
    int oom;   /* sticky: a path could not be made */
} pm_plan;

/* Lists path (owned, freed here; NULL marks the plan out of memory) with an optional note. */
void pm_plan_add(pm_plan *pl, char *path, const char *note);

typedef enum {
    PM_STAGE_PER_YEAR, /* runs once for each year of the run, years ascending */
    PM_STAGE_ONCE      /* runs once, after every year's stages (it covers every year) */
} pm_stage_scope;

typedef struct {
    const char *kind;      /* the --only name (several rows may share one: "data") */
    pm_stage_scope scope;
    unsigned needs;        /* PM_NEED_* scenes the stage draws on */
    int in_shards;         /* runs in a --shard run (only the tiles do) */
    /* Lists on pl every file run would write for year (0 for once-stages); writes nothing. */
    void (*plan)(const pm_runctx *rc, int year, pm_plan *pl);
    /* Writes the stage's outputs for year; progress and problems on err.  Stops with
     * PM_ECANCEL at the next file boundary once a signal asked to. */
    pm_status (*run)(const pm_runctx *rc, int year, FILE *err);
} pm_stage;

/* The stages in the order a render runs them. */
extern const pm_stage *const pm_stages[];
extern const size_t pm_nstages;

/* Bit of kind among the stages' distinct kinds (in table order), 0 if no stage has it. */
unsigned pm_stage_kind_bit(const char *kind, size_t len);
/* Every kind's bit. */
unsigned pm_stage_all_kinds(void);
/* The kinds as "print, atlas, tiles, data, site" into buf. */
void pm_stage_kind_list(char *buf, size_t len);

/* PM_ECANCEL once SIGINT or SIGTERM asked the run to stop, else PM_OK. */
pm_status pm_stage_cancelled(void);

/* Tiles of one map's pyramid (one year and scale) over the committees' extent at the
 * config's zooms: an upper bound of what the tiles stage draws (stage_tiles.c). */
size_t pm_stage_tiles_estimate(const pm_project *p);
/* PM_EDATA with an error in d when that estimate exceeds tiles.max_tiles (one stray
 * vertex at (0, 0) planned 2.8 billion tiles): render and check call it before any
 * drawing.  The message gives the estimate and how to raise the limit. */
pm_status pm_stage_tiles_check_plan(const pm_project *p, pm_diag *d);

/* The stages' rows, each defined in its own file (stage_*.c). */
extern const pm_stage pm_stage_print, pm_stage_atlas, pm_stage_tiles, pm_stage_sheets,
    pm_stage_gpkg, pm_stage_site;

#endif
