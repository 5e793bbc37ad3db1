/* Project: config, dataset, analysis and styles, loaded together and frozen for a run. */
#ifndef PM_APP_PROJECT_H
#define PM_APP_PROJECT_H

#include <stdio.h>
#include "analysis/indicators.h"
#include "analysis/results.h"
#include "core/status.h"
#include "data/config.h"
#include "data/dataset.h"
#include "style/style.h"

typedef struct {
    pm_config *cfg;
    pm_dataset *ds;
    pm_analysis an;
    pm_style **styles;   /* one per cfg->maps entry, same order */
    size_t nstyles;
    pm_results res;      /* every map classified and ranked for every year */
    size_t *sel;         /* the maps selected (--maps) for the per-map outputs, posters
                          * and tiles: indices into styles, in the order asked; every map
                          * in config order when none were named */
    size_t nsel;
    const char **sel_ids; /* the selected maps' ids (borrowed from their styles) */
    size_t ndropped;      /* maps left out: their indicator has no value anywhere (each
                           * is an error problem; the rest of the run goes on) */
    pm_sourceinfo *sources; /* what was read of each source (also when loading failed) */
    size_t nsources;
} pm_project;

/* Loads config_path (NULL = the bundled sample), every source and every style the
 * config names, and runs the analysis.  All problems go to diag.  maps (comma list,
 * may be NULL) selects maps into sel; styles always holds every map of the config,
 * as the outputs that cover all maps at once (atlas, spreadsheets, GeoPackage, site)
 * need them whatever was selected.  An unknown id is a PM_EUSAGE problem.  Then the
 * results of every map and year are built, so every style is validated against the
 * data before anything is written (a style's unknown indicator is a PM_EDATA problem).
 * out is initialised; free with pm_project_fini. */
pm_status pm_project_open(const char *config_path, const char *maps, pm_diag *diag,
                          pm_project *out);

/* Replacements for the config's sources, for quick checks of single files (check
 * --committees FILE ...).  NULL members keep the config's value. */
typedef struct {
    const char *committees, *platforms, *projects, *evaluations;
    const char *encoding;   /* applies to every replaced file */
    const char *assume_crs; /* applies to every replaced file */
    const char *crs;        /* the replaced files' real CRS (check --crs) */
} pm_overrides;

/* pm_project_open with sources replaced by ov (may be NULL). */
pm_status pm_project_open_ex(const char *config_path, const char *maps, const pm_overrides *ov,
                             pm_diag *diag, pm_project *out);
void pm_project_fini(pm_project *p);

/* Exit status for a status: 0, 1 data, 2 usage, 3 I/O, 130 stopped by a signal, 4 other. */
int pm_exit_code(pm_status st);

#endif
