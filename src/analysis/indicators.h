/* Indicators: spatial joins, projected areas, ranks, year-over-year changes and rates. */
#ifndef PM_ANALYSIS_INDICATORS_H
#define PM_ANALYSIS_INDICATORS_H

#include <stddef.h>
#include "core/status.h"
#include "data/config.h"
#include "data/dataset.h"

/* Indicator values per year and committee.  Names (for style "indicator" keys):
 *   every evaluation column X (service, satisfaction, workforce, needs, ...), and
 *   X_change       X minus the previous year's X (no data in the first year)
 *   X_rank         rank by X within the year, 1 = highest (ties share a rank)
 *   X_rank_change  previous rank minus this rank (positive = moved up)
 *   population, households, area_km2, density (residents per km²),
 *   platforms, projects, projects_running (point-in-polygon counts),
 *   running_per_1000 (running projects per 1,000 residents),
 *   running_per_100_needs (running projects per 100 needs collected that year).
 * NAN means no data.  Immutable once computed; safe to share between threads. */
typedef struct {
    size_t ncommittees, nyears, nind;
    int *years;       /* owned copy of the dataset's years */
    char **names;     /* nind names (owned) */
    double *v;        /* nyears * ncommittees * nind values (owned) */
} pm_indtab;

/* The outcome of the spatial analysis of a dataset. */
typedef struct {
    long *platform_in;    /* per platform: committee index or -1 (owned) */
    long *project_in;     /* per project: committee index or -1 (owned) */
    size_t *n_platforms, *n_projects, *n_running; /* per committee (owned) */
    double *area_km2;     /* per committee, in the projected CRS (owned) */
    pm_indtab tab;
} pm_analysis;

/* Joins platforms and projects to committees (point in polygon), measures areas in
 * cfg->print_crs (a projected CRS such as EPSG:4549) and computes the indicator table
 * (population and households: each year's from the evaluation table or the statistics
 * joined to it, else the committees file's).  Points outside every committee are
 * warnings in diag; most points of a source outside is an error unless the source
 * says "allow_outside".  out is
 * initialised by the call; free with pm_analysis_fini.  PM_EDATA if area_crs is
 * unusable, PM_ENOMEM. */
pm_status pm_analysis_run(const pm_dataset *ds, const pm_config *cfg, pm_diag *diag,
                          pm_analysis *out);
void pm_analysis_fini(pm_analysis *a);

/* Index of an indicator name, or -1. */
long pm_indtab_find(const pm_indtab *t, const char *name);
/* Index of a year, or -1. */
long pm_indtab_year(const pm_indtab *t, int year);
/* Value for (year index, committee, indicator index). */
static inline double pm_indtab_get(const pm_indtab *t, size_t y, size_t c, size_t k)
{
    return t->v[(y * t->ncommittees + c) * t->nind + k];
}

/* Competition ranking ("1224"), descending: rank[i] = 1 + number of values greater
 * than v[i]; NAN values get rank 0.  Pure. */
void pm_rank_desc(const double *v, size_t n, int *rank);

/* Index of the polygon containing p among n committees (bbox first, then the
 * exact test), or -1.  Pure. */
long pm_join_point(const pm_committee *c, size_t n, pm_pt p);

/* The same join through a grid of the committees' bboxes, for many points: the
 * same answer as pm_join_point for every point (candidates in index order).  The
 * index borrows c, which must outlive it.  NULL when out of memory.  Read-only
 * after creation, so threads may share it. */
typedef struct pm_joinindex pm_joinindex;
pm_joinindex *pm_joinindex_new(const pm_committee *c, size_t n);
long pm_joinindex_find(const pm_joinindex *x, pm_pt p);
void pm_joinindex_free(pm_joinindex *x);

#endif
