/* Dataset: committees, platforms, projects, evaluations and context layers, loaded and validated. */
#ifndef PM_DATA_DATASET_H
#define PM_DATA_DATASET_H

#include <stddef.h>
#include "core/status.h"
#include "data/config.h"
#include "geo/geom.h"

typedef struct {
    char *code;         /* 12-digit committee code */
    char *name;         /* UTF-8 */
    double households, population;
    pm_geom geom;       /* polygon, WGS 84 lon/lat */
} pm_committee;

typedef enum { PM_SITE_RUNNING, PM_SITE_PLANNED, PM_SITE_FINISHED, PM_SITE_OTHER } pm_site_status;

/* A platform or a project point. */
typedef struct {
    char *name, *category, *partner; /* may be "" */
    pm_site_status status;
    pm_pt lonlat;
} pm_site;

/* The evaluation table: one row per committee and year, numeric columns by name. */
typedef struct {
    size_t ncols;
    char **cols;        /* indicator names, e.g. "service", "needs" (owned) */
    size_t nrows;
    int *year;          /* per row */
    size_t *committee;  /* per row: index into the dataset's committees */
    double *values;     /* nrows * ncols, NAN where empty */
} pm_evaltable;

typedef enum { PM_CTX_AREA, PM_CTX_RIVER, PM_CTX_ROAD } pm_ctx_role;

typedef struct {
    pm_ctx_role role;
    size_t n;
    pm_geom *geoms;     /* WGS 84 */
    char **names;       /* may be NULL entries */
    int *major;         /* roads: 1 for primary roads */
} pm_ctxlayer;

/* Everything a run reads.  Frozen after pm_dataset_load: rendering threads only read. */
typedef struct {
    pm_committee *committees;
    size_t ncommittees;
    pm_site *platforms, *projects;
    size_t nplatforms, nprojects;
    pm_evaltable eval;
    pm_ctxlayer *context;
    size_t ncontext;
    int *years;         /* distinct evaluation years, ascending */
    size_t nyears;
    size_t *code_slot;  /* codes hashed: committee index + 1 (the first with a code), 0 free */
    size_t ncode_slots; /* a power of two; 0 when no committees loaded */
} pm_dataset;

/* Loads every source of cfg and validates the whole (codes, names, duplicates,
 * unknown codes, missing years, non-numeric and out-of-range values).  Records every
 * problem in diag; returns PM_EDATA if any error was found (then *out is NULL).
 * *out is owned by the caller (pm_dataset_free). */
pm_status pm_dataset_load(const pm_config *cfg, pm_diag *diag, pm_dataset **out);
void pm_dataset_free(pm_dataset *d);

/* Index of the committee with this code, or -1. */
long pm_dataset_find(const pm_dataset *d, const char *code);
/* Index of the year in d->years, or -1. */
long pm_dataset_year_index(const pm_dataset *d, int year);
/* Index of an evaluation column, or -1. */
long pm_evaltable_col(const pm_evaltable *t, const char *name);

#endif
