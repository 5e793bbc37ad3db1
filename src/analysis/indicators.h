/* Indicators: spatial joins, projected areas, ranks, year-over-year changes and rates. */
#ifndef PM_ANALYSIS_INDICATORS_H
#define PM_ANALYSIS_INDICATORS_H

#include <stddef.h>
#include "core/status.h"
#include "data/config.h"
#include "data/dataset.h"
#include "expr/expr.h"

/* Indicator values per year and committee.  The columns, in this order:
 *   the base fields: population, households (each year's figure from the evaluation
 *   table or the statistics, else the committees file's), area_km2, platforms,
 *   projects, projects_running (point-in-polygon counts), then every evaluation
 *   column X (service, satisfaction, needs, ...);
 *   the built-in derived indicators, defined in the expression language (expr/expr.h):
 *     X_change = X - prev(X)                  (no data in the first year)
 *     X_rank = rank(X)                        (1 = highest, ties share a rank)
 *     X_rank_change = prev(X_rank) - X_rank   (positive = moved up)
 *     density = population / area_km2         (residents per km²)
 *     running_per_1000 = projects_running * 1000 / population
 *     running_per_100_needs = projects_running * 100 / needs   (where there are needs)
 *   then the config's "indicators" with an expression, then the maps' expressions
 *   (pm_analysis_define).
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
    /* what tab is computed from (private to the analysis) */
    size_t nbase;         /* base fields */
    char **base_names;
    long *base_col;       /* per base field: its evaluation column, or -1 (measured) */
    double *base;         /* nyears * ncommittees * nbase */
    char **def_names, **def_srcs, **def_files, **def_keys; /* the definitions */
    size_t ndefs, nbuiltin;
    pm_exprset *defs; /* compiled */
    const long *parent;   /* the dataset's parent_of, NULL without parents (borrowed) */
    size_t nparents;
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

/* The names an expression over the table may use: tab's columns, in order (borrowed
 * from a; has_parent when the units have parents). */
const pm_expr_schema *pm_analysis_schema(const pm_analysis *a);
/* The expression defining column name (a built-in or configured definition), or NULL
 * for a base field. */
const char *pm_analysis_source(const pm_analysis *a, const char *name);
/* The base fields column k uses, directly or through definitions, that have no value
 * for any committee in any year (why k has none): their indices (< nbase, names in
 * tab.names) into out, at most cap; returns how many. */
size_t pm_analysis_missing_inputs(const pm_analysis *a, size_t k, size_t *out, size_t cap);
/* Adds n definitions (names[i] defined by srcs[i]; files[i] names where for errors,
 * may be NULL) after the existing ones and recomputes tab, whose earlier columns keep
 * their indices and values.  On failure (PM_EDATA with the problem in diag, PM_ENOMEM)
 * a is as before.  Not thread-safe: call before sharing a. */
pm_status pm_analysis_define(pm_analysis *a, const char *const *names, const char *const *srcs,
                             const char *const *files, size_t n, pm_diag *diag);

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
