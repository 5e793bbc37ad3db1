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
    long parent;        /* index into the dataset's parents, -1 without a parent field */
    double households, population; /* from the committees file; NAN where it has none
                                    * (the indicator table takes each year's from the
                                    * evaluations or statistics first) */
    pm_geom geom;       /* polygon, WGS 84 lon/lat */
    unsigned file;      /* the committees file it came from (index into the source's files) */
    long fid;           /* its feature id there */
} pm_committee;

/* A unit above the committees (a subdistrict, town or park district: "parent" field):
 * its committees' union, dissolved through GEOS. */
typedef struct {
    char *name;         /* the parent field's value */
    pm_geom geom;       /* WGS 84 lon/lat */
    size_t ncommittees;
} pm_parent;

/* What was read from one source, for check's report and the cross-source checks. */
typedef struct {
    char *role;         /* "committees", "platforms", "projects", "evaluations",
                         * "statistics", "context[0]" ... */
    char *files;        /* "committees.shp", or the pattern and "(5 files)" */
    char *crs;          /* the CRS the coordinates were read in; NULL for tables */
    const char *crs_origin; /* "the file", "crs in the config", ... (static) or NULL */
    pm_bbox extent;     /* WGS 84; empty for tables */
    size_t features;    /* features or rows read */
} pm_sourceinfo;

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
    pm_parent *parents; /* in the order of their first committee by code; NULL, 0 without */
    size_t nparents;
    long *parent_of;    /* per committee: its parent's index (as committees[c].parent);
                         * NULL without parents */
    pm_sourceinfo *sources; /* every source read, in config order */
    size_t nsources;
    char **committee_files; /* base names of the committees files (feature file index) */
    size_t ncommittee_files;
    size_t *code_slot;  /* codes hashed: committee index + 1 (the first with a code), 0 free */
    size_t ncode_slots; /* a power of two; 0 when no committees loaded */
} pm_dataset;

/* Loads every source of cfg and validates the whole (codes, names, duplicates,
 * unknown codes, missing years, non-numeric and out-of-range values, layers that do not
 * overlap the committees, stray vertices far from the rest, points mostly outside every
 * committee).  The statistics table's columns join the evaluation table (by code, and
 * by year where it has a year column).  With a parent field, parents are dissolved.
 * Records every problem in diag, each feature named by file, feature, code and name;
 * returns PM_EDATA if any error was found (then *out is NULL).  *out is owned by the
 * caller (pm_dataset_free). */
pm_status pm_dataset_load(const pm_config *cfg, pm_diag *diag, pm_dataset **out);
void pm_dataset_free(pm_dataset *d);

/* pm_dataset_load that also hands over what was read of each source (the CRS and
 * extent found, the feature counts) in *sources, also when the data have errors (then
 * *out is NULL): check reports them.  The caller frees them with pm_sourceinfo_free;
 * *out then has none (NULL, 0). */
pm_status pm_dataset_load_ex(const pm_config *cfg, pm_diag *d, pm_dataset **out,
                             pm_sourceinfo **sources, size_t *nsources);
void pm_sourceinfo_free(pm_sourceinfo *s, size_t n);

/* Index of the committee with this code, or -1. */
long pm_dataset_find(const pm_dataset *d, const char *code);
/* Index of the year in d->years, or -1. */
long pm_dataset_year_index(const pm_dataset *d, int year);
/* "feature 12 (320500000012 湖畔社区)" for committee c, for messages (caller frees). */
char *pm_dataset_where(const pm_dataset *d, size_t c);

/* Index of an evaluation column, or -1. */
long pm_evaltable_col(const pm_evaltable *t, const char *name);

#endif
